//! One test per lowering rule of the schema conversion.

use super::*;
use serde_json::json;

/// Converts `schema` against `components`; returns the canonical schema with the `$defs`
/// closure it reaches (as a tool would hold it) and the diagnostics.
fn run(components: Value, schema: Value) -> (Value, Diagnostics) {
    let comps: IndexMap<String, ReferenceOr<Schema>> = serde_json::from_value(components).unwrap();
    let schema: ReferenceOr<Schema> = serde_json::from_value(schema).unwrap();
    let mut set = SchemaSet::new(Some(&comps));
    let mut diags = Diagnostics::new();
    let mut cx = Cx {
        diags: &mut diags,
        operation: None,
    };
    let f = set.canonical((&schema).into(), "/x", "", &mut cx);
    let defs = set.closure(&f.refs, 0, usize::MAX, &mut diags).expanded;
    let mut out = f.schema;
    if !defs.is_empty() {
        let defs: serde_json::Map<String, Value> = defs
            .iter()
            .map(|(k, d)| (k.clone(), d.done.schema.clone()))
            .collect();
        out.as_object_mut()
            .unwrap()
            .insert("$defs".into(), Value::Object(defs));
    }
    (out, diags)
}

fn conv(schema: Value) -> Value {
    run(json!({}), schema).0
}

#[test]
fn nullable_scalars_become_type_arrays() {
    assert_eq!(
        conv(json!({"type": "string", "nullable": true})),
        json!({"type": ["string", "null"]})
    );
}

#[test]
fn nullable_enums_list_null() {
    assert_eq!(
        conv(json!({"type": "string", "enum": ["a", "b"], "nullable": true})),
        json!({"type": ["string", "null"], "enum": ["a", "b", null]})
    );
    // An explicit null enum value makes the schema nullable too.
    assert_eq!(
        conv(json!({"type": "string", "enum": ["a", null]})),
        json!({"type": ["string", "null"], "enum": ["a", null]})
    );
}

#[test]
fn nullable_references_become_any_of_with_null() {
    let (out, _) = run(
        json!({"Pet": {"type": "object"}}),
        json!({"allOf": [{"$ref": "#/components/schemas/Pet"}], "nullable": true, "description": "d"}),
    );
    assert_eq!(
        out,
        json!({
            "anyOf": [{"$ref": "#/$defs/Pet"}, {"type": "null"}],
            "description": "d",
            "$defs": {"Pet": {"type": "object"}}
        })
    );
}

#[test]
fn nullable_any_of_gets_a_null_member() {
    assert_eq!(
        conv(json!({"anyOf": [{"type": "string"}, {"type": "integer"}], "nullable": true})),
        json!({"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]})
    );
    // oneOf would reject null if another branch accepted it; wrap instead.
    assert_eq!(
        conv(json!({"oneOf": [{"type": "string"}, {}], "nullable": true})),
        json!({"anyOf": [{"oneOf": [{"type": "string"}, {}]}, {"type": "null"}]})
    );
}

#[test]
fn boolean_exclusive_bounds_become_numeric() {
    assert_eq!(
        conv(
            json!({"type": "number", "minimum": 0, "exclusiveMinimum": true, "maximum": 1.5, "exclusiveMaximum": true})
        ),
        json!({"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1.5})
    );
    assert_eq!(
        conv(json!({"type": "integer", "minimum": 1, "maximum": 100, "exclusiveMaximum": false})),
        json!({"type": "integer", "minimum": 1, "maximum": 100})
    );
}

#[test]
fn integer_valued_bounds_print_as_integers() {
    assert_eq!(
        conv(json!({"type": "number", "minimum": 1.0, "multipleOf": 0.5})),
        json!({"type": "number", "minimum": 1, "multipleOf": 0.5})
    );
}

#[test]
fn openapi_only_keywords_are_dropped() {
    assert_eq!(
        conv(json!({
            "type": "string", "example": "x", "xml": {"name": "x"}, "x-foo": 1,
            "externalDocs": {"url": "https://e"}, "writeOnly": true, "format": "uuid",
            "description": "  An id. "
        })),
        json!({"type": "string", "format": "uuid", "description": "An id."})
    );
}

#[test]
fn discriminators_are_dropped() {
    let (out, _) = run(
        json!({"Cat": {"type": "object"}, "Dog": {"type": "object"}}),
        json!({
            "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
            "discriminator": {"propertyName": "kind"}
        }),
    );
    assert_eq!(
        out["oneOf"],
        json!([{"$ref": "#/$defs/Cat"}, {"$ref": "#/$defs/Dog"}])
    );
    assert!(out.get("discriminator").is_none());
}

#[test]
fn binary_strings_become_base64_content() {
    assert_eq!(
        conv(json!({"type": "string", "format": "binary"})),
        json!({"type": "string", "contentEncoding": "base64"})
    );
    assert_eq!(
        conv(json!({"type": "file"})),
        json!({"type": "string", "contentEncoding": "base64"})
    );
}

#[test]
fn read_only_properties_are_dropped_from_inputs() {
    let (out, _) = run(
        json!({"Id": {"type": "integer", "readOnly": true}}),
        json!({
            "type": "object",
            "properties": {
                "id": {"$ref": "#/components/schemas/Id"},
                "created": {"type": "string", "readOnly": true},
                "name": {"type": "string"}
            },
            "required": ["id", "created", "name"]
        }),
    );
    assert_eq!(
        out,
        json!({"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]})
    );
}

#[test]
fn all_of_objects_are_merged() {
    let (out, _) = run(
        json!({
            "NewPet": {"type": "object", "required": ["name"], "properties": {
                "name": {"type": "string"}, "tag": {"type": "string"}
            }}
        }),
        json!({"allOf": [
            {"$ref": "#/components/schemas/NewPet"},
            {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer", "format": "int64"}}}
        ]}),
    );
    assert_eq!(
        out,
        json!({
            "type": "object",
            "required": ["name", "id"],
            "properties": {
                "name": {"type": "string"},
                "tag": {"type": "string"},
                "id": {"type": "integer", "format": "int64"}
            }
        })
    );
}

#[test]
fn all_of_that_cannot_merge_is_kept() {
    let out = conv(json!({"allOf": [{"type": "string"}, {"type": "integer"}], "description": "d"}));
    assert_eq!(
        out,
        json!({"allOf": [{"type": "string"}, {"type": "integer"}], "description": "d"})
    );
}

#[test]
fn single_reference_all_of_stays_a_reference() {
    let (out, _) = run(
        json!({"Status": {"type": "string", "enum": ["a"]}}),
        json!({"allOf": [{"$ref": "#/components/schemas/Status"}], "description": "The status."}),
    );
    assert_eq!(
        out,
        json!({
            "$ref": "#/$defs/Status",
            "description": "The status.",
            "$defs": {"Status": {"type": "string", "enum": ["a"]}}
        })
    );
}

#[test]
fn all_of_siblings_join_the_merge() {
    let (out, _) = run(
        json!({"Base": {"type": "object", "properties": {"a": {"type": "string"}}}}),
        json!({
            "allOf": [{"$ref": "#/components/schemas/Base"}],
            "properties": {"b": {"type": "integer"}},
            "required": ["b"]
        }),
    );
    assert_eq!(
        out,
        json!({
            "type": "object",
            "properties": {"a": {"type": "string"}, "b": {"type": "integer"}},
            "required": ["b"]
        })
    );
}

#[test]
fn recursion_goes_through_defs() {
    let (out, diags) = run(
        json!({"Node": {"type": "object", "properties": {
            "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}
        }}}),
        json!({"$ref": "#/components/schemas/Node"}),
    );
    assert!(diags.is_empty());
    assert_eq!(
        out,
        json!({
            "$ref": "#/$defs/Node",
            "$defs": {"Node": {"type": "object", "properties": {
                "children": {"type": "array", "items": {"$ref": "#/$defs/Node"}}
            }}}
        })
    );
}

#[test]
fn defs_hold_exactly_the_closure() {
    let (out, _) = run(
        json!({
            "A": {"type": "object", "properties": {"b": {"$ref": "#/components/schemas/B"}}},
            "B": {"type": "object", "properties": {"c": {"$ref": "#/components/schemas/C"}}},
            "C": {"type": "string"},
            "Unused": {"type": "string"}
        }),
        json!({"$ref": "#/components/schemas/A"}),
    );
    let defs: Vec<&String> = out["$defs"].as_object().unwrap().keys().collect();
    assert_eq!(defs, ["A", "B", "C"]);
}

#[test]
fn def_names_are_made_safe() {
    let (out, _) = run(
        json!({"simple-user": {"type": "object"}}),
        json!({"$ref": "#/components/schemas/simple-user"}),
    );
    assert_eq!(out["$ref"], "#/$defs/simple_user");
    assert!(out["$defs"].get("simple_user").is_some());
}

#[test]
fn deep_references_get_their_own_def() {
    let (out, _) = run(
        json!({"Pet": {"type": "object", "properties": {"tag": {"type": "string", "maxLength": 3}}}}),
        json!({"$ref": "#/components/schemas/Pet/properties/tag"}),
    );
    let name = out["$ref"]
        .as_str()
        .unwrap()
        .strip_prefix("#/$defs/")
        .unwrap();
    assert!(name.starts_with("Pet_properties_tag_"));
    assert_eq!(
        out["$defs"][name],
        json!({"type": "string", "maxLength": 3})
    );
}

#[test]
fn missing_references_warn_and_accept_anything() {
    let (out, diags) = run(
        json!({}),
        json!({"type": "object", "properties": {"a": {"$ref": "#/components/schemas/Nope"}}}),
    );
    assert_eq!(out, json!({"type": "object", "properties": {"a": {}}}));
    assert_eq!(diags.warning_count(), 1);
    let d = diags.iter().next().unwrap();
    assert_eq!(d.pointer, "/x/properties/a");
    assert!(d.message.contains("#/components/schemas/Nope"));
}

#[test]
fn alias_cycles_warn_and_accept_anything() {
    let (out, diags) = run(
        json!({"Loop": {"$ref": "#/components/schemas/Loop"}}),
        json!({"$ref": "#/components/schemas/Loop"}),
    );
    assert_eq!(out["$defs"]["Loop"], json!({}));
    assert_eq!(diags.warning_count(), 1);
}

#[test]
fn type_is_inferred_from_properties_and_items() {
    assert_eq!(
        conv(json!({"properties": {"a": {"type": "string"}}})),
        json!({"type": "object", "properties": {"a": {"type": "string"}}})
    );
    assert_eq!(
        conv(json!({"items": {"type": "string"}, "maxItems": 2})),
        json!({"type": "array", "items": {"type": "string"}, "maxItems": 2})
    );
}

#[test]
fn additional_properties_are_kept() {
    assert_eq!(
        conv(json!({"type": "object", "additionalProperties": {"type": "integer"}})),
        json!({"type": "object", "additionalProperties": {"type": "integer"}})
    );
    assert_eq!(
        conv(json!({"type": "object", "additionalProperties": false})),
        json!({"type": "object", "additionalProperties": false})
    );
}

#[test]
fn constraints_and_annotations_are_kept() {
    assert_eq!(
        conv(json!({
            "type": "array", "items": {"type": "string", "pattern": "^a", "minLength": 1},
            "minItems": 1, "maxItems": 5, "uniqueItems": true, "title": "T",
            "default": ["a"], "deprecated": true
        })),
        json!({
            "type": "array", "items": {"type": "string", "pattern": "^a", "minLength": 1},
            "minItems": 1, "maxItems": 5, "uniqueItems": true, "title": "T",
            "default": ["a"], "deprecated": true
        })
    );
}

#[test]
fn numeric_string_enums_stay_strings() {
    assert_eq!(
        conv(json!({"type": "string", "enum": ["10", "11"]})),
        json!({"type": "string", "enum": ["10", "11"]})
    );
}

#[test]
fn unsafe_property_names_are_renamed_inside_defs() {
    let comps: IndexMap<String, ReferenceOr<Schema>> = serde_json::from_value(json!({
        "Item": {"type": "object", "properties": {"hydra:member": {"type": "string"}}}
    }))
    .unwrap();
    let mut set = SchemaSet::new(Some(&comps));
    let mut diags = Diagnostics::new();
    let name = set.def_name("#/components/schemas/Item").unwrap();
    let def = set.def(&name, &mut diags).unwrap();
    assert_eq!(
        def.done.wire_names,
        vec![(
            "/properties/hydra_member".to_owned(),
            "hydra:member".to_owned()
        )]
    );
    // The wire-space form keeps the wire name for merging.
    assert!(def.wire_form["properties"].get("hydra:member").is_some());
}

#[test]
fn deep_inline_nesting_is_cut_off_with_a_warning() {
    // openapiv3's derived deserialiser needs a big stack for 80 levels (in debug builds).
    let handle = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(|| {
            let mut schema = json!({"type": "string"});
            for _ in 0..80 {
                schema = json!({"type": "array", "items": schema});
            }
            let (out, diags) = run(json!({}), schema);
            let mut depth = 0;
            let mut node = &out;
            while let Some(items) = node.get("items") {
                depth += 1;
                node = items;
            }
            (depth, diags.warning_count())
        })
        .unwrap();
    let (depth, warnings) = handle.join().unwrap();
    assert_eq!(warnings, 1);
    assert_eq!(depth, 65);
}
