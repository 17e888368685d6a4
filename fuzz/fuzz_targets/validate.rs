//! The argument validator on untrusted argument text, against the fixture schemas; an input of
//! the form `{"schema": S, "args": A}` also fuzzes schema compilation with S.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use openapi_tools_runtime::validate::{Validator, parse_args};
use serde_json::Value;

/// Every tool schema of the fixtures (valreq, render), compiled once.
static VALIDATORS: LazyLock<Vec<Validator>> = LazyLock::new(|| {
    let mut schemas = Vec::new();
    let valreq: Value =
        serde_json::from_str(include_str!("../../fixtures/valreq/github_calls.json")).unwrap();
    for t in valreq["tools"].as_array().into_iter().flatten() {
        schemas.push(t["schema"].clone());
    }
    for text in [
        include_str!("../../fixtures/render/basics.json"),
        include_str!("../../fixtures/render/unions.json"),
        include_str!("../../fixtures/render/recursive.json"),
    ] {
        let tools: Value = serde_json::from_str(text).unwrap();
        for t in tools.as_array().into_iter().flatten() {
            schemas.push(t["input_schema"].clone());
        }
    }
    schemas.iter().map(Validator::new).collect()
});

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Ok(args) = parse_args(&text) else {
        return;
    };
    for v in VALIDATORS.iter() {
        let problems = v.validate(&args);
        assert_eq!(
            problems.is_empty(),
            v.is_valid(&args),
            "validate and is_valid disagree"
        );
    }
    if let (Some(schema), Some(inner)) = (args.get("schema"), args.get("args")) {
        let v = Validator::new(schema);
        let problems = v.validate(inner);
        assert_eq!(
            problems.is_empty(),
            v.is_valid(inner),
            "validate and is_valid disagree"
        );
    }
});
