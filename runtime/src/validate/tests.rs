//! Validator rules, one test per rule.

use serde_json::{Value, json};

use super::*;

fn lines(schema: Value, args: Value) -> Vec<String> {
    Validator::new(&schema)
        .validate(&args)
        .iter()
        .map(ToString::to_string)
        .collect()
}

fn obj(props: Value, required: &[&str]) -> Value {
    json!({"type": "object", "properties": props, "required": required, "additionalProperties": false})
}

#[test]
fn valid_arguments_have_no_problems() {
    let s = obj(
        json!({"a": {"type": "string"}, "n": {"type": "integer"}, "tags": {"type": "array", "items": {"type": "string"}}}),
        &["a"],
    );
    assert!(lines(s.clone(), json!({"a": "x", "n": 3, "tags": ["p"]})).is_empty());
    assert!(Validator::new(&s).is_valid(&json!({"a": "x"})));
    assert!(!Validator::new(&s).is_valid(&json!({})));
}

#[test]
fn types_and_integers() {
    let s = obj(
        json!({"n": {"type": "integer"}, "x": {"type": "number"}, "b": {"type": "boolean"}}),
        &[],
    );
    assert!(
        lines(s.clone(), json!({"n": 2.0, "x": 1})).is_empty(),
        "2.0 is an integer"
    );
    assert_eq!(
        lines(s, json!({"n": 2.5, "x": "1", "b": "true"})),
        [
            "/n: expected an integer, got 2.5",
            r#"/x: expected a number, got "1""#,
            r#"/b: expected a boolean, got "true""#
        ]
    );
}

#[test]
fn type_arrays_include_null() {
    let s = obj(
        json!({"m": {"type": ["integer", "null"], "minimum": 1}}),
        &["m"],
    );
    assert!(lines(s.clone(), json!({"m": null})).is_empty());
    assert_eq!(
        lines(s, json!({"m": "x"})),
        [r#"/m: expected an integer of at least 1 or null, got "x""#]
    );
}

#[test]
fn null_for_optional_property_is_absent() {
    let s = obj(
        json!({"a": {"type": "string"}, "b": {"type": "string"}}),
        &["a"],
    );
    assert!(lines(s.clone(), json!({"a": "x", "b": null})).is_empty());
    assert_eq!(
        lines(s, json!({"a": null})),
        ["/a: expected a string, got null"]
    );
}

#[test]
fn nested_pointers_and_every_problem() {
    let s = obj(
        json!({"labels": {"type": "array", "items": {"type": "string"}},
               "body": {"type": "object", "properties": {"a/b": {"type": "integer"}, "t~": {"type": "string"}}}}),
        &[],
    );
    assert_eq!(
        lines(
            s,
            json!({"labels": ["a", "b", 5, true], "body": {"a/b": "x", "t~": 1}})
        ),
        [
            "/labels/2: expected a string, got 5",
            "/labels/3: expected a string, got true",
            r#"/body/a~1b: expected an integer, got "x""#,
            "/body/t~0: expected a string, got 1"
        ]
    );
}

#[test]
fn root_must_be_an_object() {
    let s = obj(json!({}), &[]);
    assert_eq!(
        lines(s, json!([1])),
        ["/: expected an object, got an array of 1 item"]
    );
}

#[test]
fn enum_and_const() {
    let s = obj(
        json!({"state": {"type": "string", "enum": ["open", "closed", "all"]}, "v": {"const": 2}, "n": {"enum": [1, "1", null]}}),
        &[],
    );
    assert!(lines(s.clone(), json!({"state": "all", "v": 2.0, "n": 1})).is_empty());
    assert_eq!(
        lines(s, json!({"state": "CLOSED", "v": 3, "n": 2})),
        [
            r#"/state: expected one of "open", "closed", "all", got "CLOSED" (did you mean "closed"?)"#,
            "/v: expected 2, got 3",
            r#"/n: expected one of 1, "1", null, got 2"#
        ]
    );
}

#[test]
fn additional_properties_schema_and_default() {
    let s = json!({"type": "object", "properties": {"a": {}}, "additionalProperties": {"type": "integer"}});
    assert_eq!(
        lines(s, json!({"a": "x", "b": 1, "c": "y"})),
        [r#"/c: expected an integer, got "y""#]
    );
    let open = json!({"type": "object", "properties": {"a": {}}});
    assert!(lines(open, json!({"zzz": 1})).is_empty());
}

#[test]
fn string_lengths_count_characters() {
    let s = obj(
        json!({"s": {"type": "string", "minLength": 2, "maxLength": 3}}),
        &[],
    );
    assert!(
        lines(s.clone(), json!({"s": "ééé"})).is_empty(),
        "3 chars, 6 bytes"
    );
    assert_eq!(
        lines(s.clone(), json!({"s": "abcd"})),
        ["/s: expected a string of between 2 and 3 characters, got 4 characters"]
    );
    assert_eq!(
        lines(s, json!({"s": "a"})),
        ["/s: expected a string of between 2 and 3 characters, got 1 character"]
    );
}

#[test]
fn patterns_search_and_unsupported_ones_are_skipped() {
    let s = obj(
        json!({"p": {"type": "string", "pattern": "^[a-z]+$"}, "q": {"type": "string", "pattern": "b"},
               "ecma": {"type": "string", "pattern": "^(?!admin).*$"}}),
        &[],
    );
    let v = Validator::new(&s);
    assert_eq!(v.notes().len(), 1);
    assert!(
        v.validate(&json!({"p": "abc", "q": "abc", "ecma": "admin"}))
            .is_empty()
    );
    assert_eq!(
        lines(s, json!({"p": "ABC", "q": "xyz"})),
        [
            r#"/p: expected a string matching the pattern ^[a-z]+$, got "ABC""#,
            r#"/q: expected a string matching the pattern b, got "xyz""#
        ]
    );
}

#[test]
fn numeric_bounds_and_multiple_of() {
    let s = obj(
        json!({"limit": {"type": "integer", "minimum": 1, "maximum": 100},
               "r": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
               "step": {"type": "number", "multipleOf": 0.1},
               "even": {"type": "integer", "multipleOf": 2}}),
        &[],
    );
    assert!(
        lines(
            s.clone(),
            json!({"limit": 100, "r": 0.5, "step": 0.3, "even": 10})
        )
        .is_empty()
    );
    assert_eq!(
        lines(
            s.clone(),
            json!({"limit": 0, "r": 1, "step": 0.35, "even": 3})
        ),
        [
            "/limit: expected an integer between 1 and 100, got 0",
            "/r: expected a number greater than 0 and less than 1, got 1",
            "/step: expected a multiple of 0.1, got 0.35",
            "/even: expected a multiple of 2, got 3"
        ]
    );
    assert_eq!(
        lines(s, json!({"limit": "ten"})),
        [r#"/limit: expected an integer between 1 and 100, got "ten""#]
    );
}

#[test]
fn array_rules() {
    let s = obj(
        json!({"a": {"type": "array", "minItems": 1, "maxItems": 3, "uniqueItems": true, "items": {"type": "integer"}}}),
        &[],
    );
    assert_eq!(
        lines(s.clone(), json!({"a": [1, 2, 1.0]})),
        ["/a: expected unique items, but items 0 and 2 are equal"]
    );
    assert_eq!(
        lines(s.clone(), json!({"a": []})),
        ["/a: expected an array of between 1 and 3 items, got 0 items"]
    );
    let u = obj(json!({"o": {"type": "array", "uniqueItems": true}}), &[]);
    assert!(
        lines(
            u.clone(),
            json!({"o": [{"a": 1, "b": 2}, {"a": 1, "b": 3}]})
        )
        .is_empty()
    );
    assert_eq!(
        lines(u, json!({"o": [{"a": 1, "b": 2}, {"b": 2, "a": 1}]})),
        ["/o: expected unique items, but items 0 and 1 are equal"]
    );
}

#[test]
fn property_counts() {
    let s = obj(
        json!({"m": {"type": "object", "minProperties": 1, "maxProperties": 2}}),
        &[],
    );
    assert_eq!(
        lines(s, json!({"m": {}})),
        ["/m: expected an object with between 1 and 2 properties, got 0 properties"]
    );
}

#[test]
fn formats_and_content_encoding() {
    let s = obj(
        json!({"when": {"type": "string", "format": "date-time"}, "id": {"type": "string", "format": "uuid"},
               "file": {"type": "string", "contentEncoding": "base64"}, "n": {"type": "integer", "format": "int32"},
               "pw": {"type": "string", "format": "password"}}),
        &[],
    );
    assert!(
        lines(
            s.clone(),
            json!({"when": "2024-01-31T09:30:00Z", "file": "aGk=", "n": 5, "pw": "x"})
        )
        .is_empty()
    );
    assert_eq!(
        lines(
            s,
            json!({"when": "yesterday", "id": "x", "file": "!!", "n": 3000000000u64})
        ),
        [
            r#"/when: expected a date-time (RFC 3339, e.g. 2024-01-31T09:30:00Z), got "yesterday""#,
            r#"/id: expected a UUID (e.g. 123e4567-e89b-12d3-a456-426614174000), got "x""#,
            r#"/file: expected a base64-encoded string, got "!!""#,
            "/n: expected a 32-bit integer, got 3000000000"
        ]
    );
}

#[test]
fn recursive_refs() {
    let s = json!({
        "type": "object", "properties": {"tree": {"$ref": "#/$defs/Node"}}, "additionalProperties": false,
        "$defs": {"Node": {"type": "object", "properties": {"name": {"type": "string"},
            "children": {"type": "array", "items": {"$ref": "#/$defs/Node"}}}, "additionalProperties": false}}
    });
    assert_eq!(
        lines(
            s,
            json!({"tree": {"name": "a", "children": [{"name": "b", "children": [{"name": 1, "x": 0}]}]}})
        ),
        [
            "/tree/children/0/children/0/name: expected a string, got 1",
            r#"/tree/children/0/children/0: unknown property "x" (allowed: name, children)"#
        ]
    );
}

#[test]
fn self_referencing_ref_cycle_terminates() {
    let s = json!({"$ref": "#/$defs/A", "$defs": {"A": {"$ref": "#/$defs/B"}, "B": {"$ref": "#/$defs/A"}}});
    let p = lines(s, json!({}));
    assert_eq!(p, ["/: nesting deeper than 64 levels is not accepted"]);
}

#[test]
fn any_of_reports_best_branch_or_summary() {
    let s = obj(
        json!({"v": {"anyOf": [{"type": "string", "maxLength": 3}, {"type": "array", "items": {"type": "string"}}]}}),
        &[],
    );
    assert!(lines(s.clone(), json!({"v": "abc"})).is_empty());
    assert!(lines(s.clone(), json!({"v": ["x"]})).is_empty());
    assert_eq!(
        lines(s.clone(), json!({"v": 5})),
        ["/v: expected a string or an array, got 5"]
    );
    assert_eq!(
        lines(s.clone(), json!({"v": "abcd"})),
        ["/v: expected a string of at most 3 characters, got 4 characters"]
    );
    assert_eq!(
        lines(s, json!({"v": ["x", 2]})),
        ["/v/1: expected a string, got 2"]
    );
}

#[test]
fn nullable_ref_via_any_of() {
    let s = json!({"type": "object", "properties": {"m": {"anyOf": [{"$ref": "#/$defs/M"}, {"type": "null"}]}},
        "required": ["m"], "$defs": {"M": {"type": "object", "properties": {"t": {"type": "string"}}, "required": ["t"]}}});
    assert!(lines(s.clone(), json!({"m": null})).is_empty());
    assert_eq!(
        lines(s.clone(), json!({"m": {}})),
        [r#"/m: missing required property "t""#]
    );
    assert_eq!(
        lines(s, json!({"m": 1})),
        ["/m: expected an object or null, got 1"]
    );
}

#[test]
fn one_of_exactly_one() {
    let s = obj(
        json!({"v": {"oneOf": [{"type": "integer"}, {"type": "number", "minimum": 0}]}}),
        &[],
    );
    assert!(lines(s.clone(), json!({"v": -1})).is_empty());
    assert!(lines(s.clone(), json!({"v": 0.5})).is_empty());
    assert_eq!(
        lines(s, json!({"v": 3})),
        ["/v: matches 2 of the alternatives (0 and 1), expected exactly one"]
    );
}

#[test]
fn all_of_and_not() {
    let s = obj(
        json!({"a": {"allOf": [{"type": "string"}, {"minLength": 2}]}, "b": {"not": {"type": "null"}}}),
        &[],
    );
    assert_eq!(
        lines(s, json!({"a": "x", "b": null})),
        ["/a: expected a string of at least 2 characters, got 1 character"]
    );
    let s = json!({"type": "object", "properties": {"b": {"not": {"const": "root"}}}, "required": ["b"]});
    assert_eq!(
        lines(s, json!({"b": "root"})),
        [r#"/b: expected a value that is not "root", got "root""#]
    );
}

#[test]
fn false_schema_rejects() {
    let s = json!({"type": "object", "properties": {"x": false}});
    assert_eq!(lines(s, json!({"x": 1})), ["/x: no value is allowed here"]);
}

#[test]
fn depth_limit_is_one_problem() {
    let s = json!({"$ref": "#/$defs/T", "$defs": {"T": {"type": "array", "items": {"$ref": "#/$defs/T"}}}});
    let mut v = json!([]);
    for _ in 0..200 {
        v = json!([v, v.clone()]);
        if let Value::Array(a) = &mut v {
            a.truncate(1);
        }
    }
    let p = Validator::new(&s).validate(&v);
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(
        p[0].message,
        "nesting deeper than 64 levels is not accepted"
    );
}

#[test]
fn problem_cap_counts_the_rest() {
    let s = json!({"type": "array", "items": {"type": "string"}});
    let args = Value::Array((0..150).map(|i| json!(i)).collect());
    let p = Validator::new(&s).validate(&args);
    assert_eq!(p.len(), 101);
    assert_eq!(p[100].to_string(), "/: and 50 more problems");
}

#[test]
fn huge_strings_are_not_scanned() {
    let limits = Limits {
        max_string_bytes: 10,
        ..Limits::default()
    };
    let v = Validator::with_limits(&json!({"type": "string", "pattern": "^a+$"}), limits);
    assert_eq!(
        v.validate(&json!("a".repeat(11))),
        [ArgProblem::new(
            "/",
            "string of 11 bytes exceeds the limit of 10 bytes"
        )]
    );
}

#[test]
fn hostile_schema_values_do_not_panic() {
    for schema in [
        json!({"minLength": -1, "maxLength": 1e300, "multipleOf": 0, "pattern": "(", "type": 5}),
        json!({"$ref": 5, "items": [1, {"type": "string"}], "properties": []}),
        json!({"$ref": "#/%zz"}),
        json!(null),
        json!({"enum": "x", "required": "a", "additionalProperties": 1}),
    ] {
        let v = Validator::new(&schema);
        let _ = v.validate(&json!({"a": [1, "x", {"b": null}]}));
        let _ = v.validate(&json!(1e308));
    }
}

#[test]
fn parse_args_messages() {
    assert_eq!(parse_args("  \n").unwrap(), json!({}));
    assert_eq!(
        parse_args("{\"a\": 1,}").unwrap_err().message,
        "arguments are not valid JSON: trailing comma at line 1, column 9"
    );
    assert_eq!(
        parse_args("{\"a\":\n 1").unwrap_err().message,
        "arguments are not valid JSON: EOF while parsing an object at line 2, column 2"
    );
    let limits = Limits {
        max_args_bytes: 4,
        ..Limits::default()
    };
    assert_eq!(
        parse_args_with("{\"a\":1}", &limits).unwrap_err().message,
        "arguments of 7 bytes exceed the limit of 4 bytes"
    );
    assert_eq!(parse_args("\"plain\"").unwrap(), json!("plain"));
}

#[test]
fn arg_errors_is_an_error() {
    let e: Box<dyn std::error::Error> =
        Box::new(ArgErrors::new("t", vec![ArgProblem::new("/a", "m")]));
    assert_eq!(
        e.to_string(),
        "invalid arguments for tool t (1 problem):\n/a: m"
    );
}

/// The fixture's calls: valid ones pass, invalid ones fail, and the `jsonschema` crate
/// (formats asserted) agrees on every verdict.
#[test]
fn fixture_calls_agree_with_jsonschema() {
    let fixture: Value =
        serde_json::from_str(include_str!("../../../fixtures/valreq/github_calls.json")).unwrap();
    for t in fixture["tools"].as_array().unwrap() {
        let ours = Validator::new(&t["schema"]);
        assert!(ours.notes().is_empty(), "{:?}", ours.notes());
        let theirs = jsonschema::options()
            .should_validate_formats(true)
            .build(&t["schema"])
            .unwrap();
        for (key, expect_valid) in [("valid", true), ("invalid", false)] {
            for text in t[key].as_array().unwrap() {
                let v = parse_args(text.as_str().unwrap()).unwrap();
                let problems = ours.validate(&v);
                assert_eq!(
                    problems.is_empty(),
                    expect_valid,
                    "{}: {problems:?}",
                    t["name"]
                );
                assert_eq!(
                    theirs.is_valid(&v),
                    expect_valid,
                    "jsonschema on {}",
                    t["name"]
                );
            }
        }
    }
}

#[test]
fn fixture_invalid_calls_list_every_problem() {
    let fixture: Value =
        serde_json::from_str(include_str!("../../../fixtures/valreq/github_calls.json")).unwrap();
    let mut out = String::new();
    for t in fixture["tools"].as_array().unwrap() {
        let v = Validator::new(&t["schema"]);
        for text in t["invalid"].as_array().unwrap() {
            out.push_str(&format!("## {}\n", t["name"].as_str().unwrap()));
            for p in v.validate(&parse_args(text.as_str().unwrap()).unwrap()) {
                out.push_str(&format!("{p}\n"));
            }
        }
    }
    insta::assert_snapshot!(out);
}

/// A recursive union whose every level has two object branches: without a budget, a value
/// failing at depth 40 costs 2^40 branch checks.
fn nested_union_schema() -> Value {
    json!({
        "$defs": {"N": {"anyOf": [
            {"type": "object", "properties": {"a": {"$ref": "#/$defs/N"}}, "required": ["a"],
             "additionalProperties": false},
            {"type": "object", "properties": {"a": {"$ref": "#/$defs/N"}}, "required": ["a"]},
            {"type": "integer"}
        ]}},
        "$ref": "#/$defs/N"
    })
}

fn nested_value(depth: usize, leaf: Value) -> Value {
    (0..depth).fold(leaf, |inner, _| json!({ "a": inner }))
}

#[test]
fn nested_unions_stop_at_the_work_budget() {
    let v = Validator::new(&nested_union_schema());
    let bad = nested_value(40, json!("x"));
    assert_eq!(
        v.validate(&bad),
        [ArgProblem::new("/", messages::union_budget_exceeded())]
    );
    assert!(!v.is_valid(&bad));
    // A valid value takes the first branch at every level: linear, within budget (each value
    // level is three schema levels: union, property, reference; 15 stays under max_depth).
    assert!(v.validate(&nested_value(15, json!(1))).is_empty());
    // Shallow failures are still explained branch by branch.
    let shallow = v.validate(&nested_value(3, json!("x")));
    assert!(
        shallow
            .iter()
            .all(|p| p.message != messages::union_budget_exceeded()),
        "{shallow:?}"
    );
    assert!(!shallow.is_empty());
}

#[test]
fn long_arrays_of_unions_stay_within_the_budget() {
    let s = json!({"type": "array", "items": {"anyOf": [
        {"type": "string"}, {"type": "object", "properties": {"k": {"type": "integer"}}}, {"type": "integer"}
    ]}});
    let items: Vec<Value> = (0..20_000).map(|i| json!({ "k": i })).collect();
    let limits = Limits {
        max_union_work: 10,
        ..Limits::default()
    };
    let v = Validator::with_limits(&s, limits);
    assert!(v.validate(&Value::Array(items)).is_empty());
}

#[test]
fn required_only_alternatives_name_every_set() {
    // A flattened body with `oneOf: [{required: [id]}, {required: [owner, repo, number]}]`
    // (GitHub's projects/add-item-for-org).
    let schema = json!({"type": "object", "additionalProperties": false,
        "properties": {"type": {"type": "string"}, "id": {"type": "integer"},
            "owner": {"type": "string"}, "repo": {"type": "string"}, "number": {"type": "integer"}},
        "required": ["type"],
        "oneOf": [{"required": ["id"]}, {"required": ["owner", "repo", "number"]}]});
    let v = Validator::new(&schema);
    assert!(v.validate(&json!({"type": "Issue", "id": 5})).is_empty());
    assert!(
        v.validate(&json!({"type": "Issue", "owner": "o", "repo": "r", "number": 1}))
            .is_empty()
    );
    let lines = |args: Value| -> Vec<String> {
        v.validate(&args).iter().map(ToString::to_string).collect()
    };
    assert_eq!(
        lines(json!({"type": "Issue", "owner": "o"})),
        [
            r#"/: missing required properties: send exactly one of: "id"; or "owner", "repo" and "number""#
        ]
    );
    assert_eq!(
        lines(json!({"type": "Issue", "id": 5, "owner": "o", "repo": "r", "number": 1})),
        [
            r#"/: too many of the alternative properties: send only one of: "id"; or "owner", "repo" and "number""#
        ]
    );
    let mut any = schema.clone();
    any["anyOf"] = any["oneOf"].take();
    any.as_object_mut().unwrap().remove("oneOf");
    let v = Validator::new(&any);
    let got: Vec<String> = v
        .validate(&json!({"type": "Issue"}))
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        got,
        [r#"/: missing required properties: send "id"; or "owner", "repo" and "number""#]
    );
    assert!(
        v.validate(&json!({"type": "Issue", "id": 5, "owner": "o", "repo": "r", "number": 1}))
            .is_empty()
    );
}
