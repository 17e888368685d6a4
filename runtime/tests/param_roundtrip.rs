//! Parameter serialisation round trip: what the request builder encodes, a server-side decoder
//! reads back equal. The decoders are the ones servers use: `form_urlencoded` (behind
//! `serde_urlencoded`, axum's and actix's query extractors) for the query string, and percent
//! decoding of one path segment (what routers do before matching a parameter).

use std::collections::BTreeMap;

use openapi_tools_runtime::manifest::ToolManifest;
use openapi_tools_runtime::request::build_request;
use percent_encoding::percent_decode_str;
use proptest::prelude::*;
use serde_json::{Map, Value, json};

/// One tool with a path parameter, a plain query string, an exploded `form` array and a
/// `deepObject` map (wire names differ from tool names where OpenAPI allows it).
fn tool() -> ToolManifest {
    serde_json::from_value(json!({
        "name": "find", "method": "GET", "path": "/items/{item-id}/list", "description": "",
        "params": [
            {"name": "item_id", "wire_name": "item-id", "in": "path", "required": true},
            {"name": "q", "wire_name": "q", "in": "query"},
            {"name": "tags", "wire_name": "tag", "in": "query"},
            {"name": "filter", "wire_name": "filter", "in": "query", "style": "deepObject",
             "explode": true}
        ],
        "input_schema": {"type": "object", "properties": {
            "item_id": {"type": "string"},
            "q": {"type": "string"},
            "tags": {"type": "array", "items": {"type": "string"}},
            "filter": {"type": "object", "additionalProperties": {"type": "string"}}
        }},
        "schema_hash": ""
    }))
    .expect("tool manifest")
}

/// What a server decodes from a request target.
#[derive(Debug, Default, PartialEq)]
struct Decoded {
    item_id: String,
    q: Option<String>,
    tags: Vec<String>,
    filter: BTreeMap<String, String>,
}

fn decode(target: &str) -> Decoded {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let segments: Vec<&str> = path.split('/').collect();
    assert_eq!(segments.len(), 4, "{path}: one segment per parameter");
    let mut out = Decoded {
        item_id: percent_decode_str(segments[2])
            .decode_utf8()
            .expect("UTF-8 path segment")
            .into_owned(),
        ..Decoded::default()
    };
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        let (k, v) = (k.into_owned(), v.into_owned());
        if k == "q" {
            assert!(out.q.replace(v).is_none(), "q sent twice");
        } else if k == "tag" {
            out.tags.push(v);
        } else if let Some(key) = k.strip_prefix("filter[").and_then(|r| r.strip_suffix(']')) {
            out.filter.insert(key.to_owned(), v);
        } else {
            panic!("unexpected query parameter {k:?}");
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn query_and_path_values_read_back_equal(
        // `.` and `..` are refused on purpose (they would move the request elsewhere).
        item_id in "\\PC{1,12}".prop_filter("dot segment", |s| s != "." && s != ".."),
        q in proptest::option::of("\\PC{0,12}"),
        tags in proptest::collection::vec("\\PC{0,8}", 0..4),
        filter in proptest::collection::btree_map("[A-Za-z0-9_]{1,6}", "\\PC{0,8}", 0..3),
    ) {
        let mut args = Map::new();
        args.insert("item_id".into(), Value::String(item_id.clone()));
        if let Some(q) = &q {
            args.insert("q".into(), Value::String(q.clone()));
        }
        if !tags.is_empty() {
            args.insert("tags".into(), json!(tags));
        }
        if !filter.is_empty() {
            args.insert("filter".into(), json!(filter));
        }
        let request = build_request(&tool(), &args).expect("valid arguments build");
        let decoded = decode(&request.path_and_query());
        prop_assert_eq!(decoded, Decoded { item_id, q, tags, filter });
    }
}
