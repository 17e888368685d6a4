//! Small hand-made tools for the discovery unit tests.

use serde_json::json;

use crate::manifest::{HttpMethod, InputParam, ParamLocation, ToolManifest};

/// A tool with an operationId, a name derived from it, and no inputs.
pub(crate) fn op(operation_id: &str, method: HttpMethod, path: &str) -> ToolManifest {
    let name: String = operation_id
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let mut t = ToolManifest {
        name,
        operation_id: Some(operation_id.to_owned()),
        method,
        path: path.to_owned(),
        tags: Vec::new(),
        summary: None,
        description: String::new(),
        deprecated: false,
        servers: Vec::new(),
        security: Vec::new(),
        params: Vec::new(),
        body: None,
        input_schema: json!({"type": "object", "properties": {}, "additionalProperties": false}),
        schema_hash: String::new(),
        wire_names: Default::default(),
        output_schema: None,
    };
    t.rehash();
    t
}

/// [`op`] with a summary (also the description) and path parameters for every `{name}`.
pub(crate) fn described(
    operation_id: &str,
    method: HttpMethod,
    path: &str,
    summary: &str,
) -> ToolManifest {
    let mut t = op(operation_id, method, path);
    t.summary = Some(summary.to_owned());
    t.description = summary.to_owned();
    let mut props = serde_json::Map::new();
    let mut required = Vec::new();
    for seg in path.split('/') {
        if let Some(name) = seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            t.params.push(InputParam {
                name: name.to_owned(),
                wire_name: name.to_owned(),
                location: ParamLocation::Path,
                required: true,
                deprecated: false,
                style: None,
                explode: None,
                allow_reserved: false,
                content_type: None,
            });
            props.insert(name.to_owned(), json!({"type": "string"}));
            required.push(json!(name));
        }
    }
    t.input_schema = json!({"type": "object", "properties": props, "required": required,
                            "additionalProperties": false});
    t.rehash();
    t
}

/// A small pet store plus Graph-style variants, for ranking tests.
pub(crate) fn petstore() -> Vec<ToolManifest> {
    use HttpMethod::*;
    vec![
        described("listPets", Get, "/pets", "List all pets"),
        described("createPet", Post, "/pets", "Create a pet"),
        described("getPet", Get, "/pets/{petId}", "Info for a specific pet"),
        described("deletePet", Delete, "/pets/{petId}", "Delete a pet"),
        described("updatePet", Patch, "/pets/{petId}", "Update a pet"),
        described("listOwners", Get, "/owners", "List pet owners"),
        described(
            "users.ListEvents",
            Get,
            "/users/{user-id}/events",
            "List events",
        ),
        described("me.ListEvents", Get, "/me/events", "List events"),
        described(
            "groups.ListEvents",
            Get,
            "/groups/{group-id}/events",
            "List events",
        ),
        described("me.CreateEvents", Post, "/me/events", "Create event"),
    ]
}
