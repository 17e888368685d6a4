//! Argument parsing + validation: our `Validator` against the `jsonschema` crate (precompiled,
//! formats asserted) and bare `serde_json` parsing, on GitHub-shaped tool calls
//! (`fixtures/valreq/github_calls.json`).
//!
//! Run: `cargo bench -p openapi-tools-runtime --bench validate`.

use criterion::{Criterion, criterion_group, criterion_main};
use openapi_tools_runtime::validate::{Validator, parse_args};
use serde_json::Value;
use std::hint::black_box;

struct Tool {
    name: String,
    ours: Validator,
    theirs: jsonschema::Validator,
    valid: Vec<String>,
    invalid: Vec<String>,
}

fn tools() -> Vec<Tool> {
    let fixture: Value =
        serde_json::from_str(include_str!("../../fixtures/valreq/github_calls.json"))
            .expect("fixture parses");
    let texts = |t: &Value, key: &str| -> Vec<String> {
        t[key]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s.as_str().map(str::to_owned))
            .collect()
    };
    fixture["tools"]
        .as_array()
        .expect("tools")
        .iter()
        .map(|t| Tool {
            name: t["name"].as_str().unwrap_or_default().to_owned(),
            ours: Validator::new(&t["schema"]),
            theirs: jsonschema::options()
                .should_validate_formats(true)
                .build(&t["schema"])
                .expect("jsonschema compiles"),
            valid: texts(t, "valid"),
            invalid: texts(t, "invalid"),
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let tools = tools();
    let mut g = c.benchmark_group("valid_calls");
    g.bench_function("serde_json_parse_only", |b| {
        b.iter(|| {
            for t in &tools {
                for text in &t.valid {
                    black_box(serde_json::from_str::<Value>(black_box(text)).is_ok());
                }
            }
        })
    });
    g.bench_function("ours_parse_validate", |b| {
        b.iter(|| {
            for t in &tools {
                for text in &t.valid {
                    let v = parse_args(black_box(text)).expect("parses");
                    black_box(t.ours.validate(&v));
                }
            }
        })
    });
    g.bench_function("jsonschema_parse_is_valid", |b| {
        b.iter(|| {
            for t in &tools {
                for text in &t.valid {
                    let v: Value = serde_json::from_str(black_box(text)).expect("parses");
                    black_box(t.theirs.is_valid(&v));
                }
            }
        })
    });
    g.bench_function("jsonschema_parse_iter_errors", |b| {
        b.iter(|| {
            for t in &tools {
                for text in &t.valid {
                    let v: Value = serde_json::from_str(black_box(text)).expect("parses");
                    black_box(t.theirs.iter_errors(&v).count());
                }
            }
        })
    });
    g.finish();

    let mut g = c.benchmark_group("validate_only");
    for t in &tools {
        let values: Vec<Value> = t
            .valid
            .iter()
            .map(|s| serde_json::from_str(s).expect("parses"))
            .collect();
        let name = t.name.as_str();
        g.bench_function(format!("ours/{name}"), |b| {
            b.iter(|| {
                for v in &values {
                    black_box(t.ours.validate(black_box(v)));
                }
            })
        });
        g.bench_function(format!("jsonschema/{name}"), |b| {
            b.iter(|| {
                for v in &values {
                    black_box(t.theirs.is_valid(black_box(v)));
                }
            })
        });
    }
    g.finish();

    let parsed: Vec<(usize, Value)> = tools
        .iter()
        .enumerate()
        .flat_map(|(i, t)| {
            t.invalid
                .iter()
                .map(move |s| (i, serde_json::from_str(s).expect("parses")))
        })
        .collect();
    let mut g = c.benchmark_group("invalid_calls_all_problems");
    g.bench_function("ours_validate", |b| {
        b.iter(|| {
            for (i, v) in &parsed {
                black_box(tools[*i].ours.validate(black_box(v)).len());
            }
        })
    });
    g.bench_function("jsonschema_iter_errors_to_string", |b| {
        b.iter(|| {
            for (i, v) in &parsed {
                let msgs: Vec<String> = tools[*i]
                    .theirs
                    .iter_errors(black_box(v))
                    .map(|e| e.to_string())
                    .collect();
                black_box(msgs);
            }
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
