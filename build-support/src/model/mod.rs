//! The model: one tool per operation, names decided once, canonical input schemas.
//!
//! [`build_manifest`] walks the operations of an already loaded and normalised document
//! (only local `#/components/...` references, OpenAPI 3.0 shape) and produces a [`Manifest`]:
//! per operation a tool name valid for every provider, its parameters and body laid out as
//! top-level input properties with their wire names and serialisation, and a canonical JSON
//! Schema 2020-12 input schema whose `$defs` hold exactly the component schemas it reaches.
//! Everything skipped or approximated is reported in the [`Diagnostics`] bag.

mod body;
#[cfg(test)]
mod budget_tests;
pub mod describe;
pub mod names;
mod operations;
mod options;
mod output;
mod params;
pub(crate) mod schema;
mod security;

pub use options::{DEFAULT_MAX_SCHEMA_NODES, ModelOptions};

use openapi_tools_runtime::manifest::{HttpMethod, Manifest};
use openapiv3::{OpenAPI, ReferenceOr};

use crate::diagnostics::{Diagnostic, Diagnostics, pointer_join};
use names::{ToolNameRequest, assign_tool_names};
use operations::{OpIn, Shared};
use options::Candidate;
use schema::{Cx, SchemaSet};

/// Builds the manifest of a document: one tool per selected operation, in document order of
/// paths, then method order (get, put, post, delete, options, head, patch, trace).
///
/// `source_hash` is recorded as is; `source_version` names the tool set version (the
/// document's `info.version` is used when it is empty).
///
/// ```
/// use openapi_tools_build::{Diagnostics, model::{ModelOptions, build_manifest}};
/// let spec: openapiv3::OpenAPI = serde_json::from_value(serde_json::json!({
///     "openapi": "3.0.3",
///     "info": {"title": "Pets", "version": "1"},
///     "paths": {"/pets/{petId}": {"get": {
///         "operationId": "getPet",
///         "parameters": [{"name": "petId", "in": "path", "required": true,
///                         "schema": {"type": "integer"}}],
///         "responses": {"200": {"description": "ok"}}
///     }}}
/// })).unwrap();
/// let mut diags = Diagnostics::new();
/// let m = build_manifest(&spec, "hash", "", &ModelOptions::default(), &mut diags);
/// assert_eq!(m.tools[0].name, "get_pet");
/// assert_eq!(m.tools[0].input_schema["required"][0], "petId");
/// ```
pub fn build_manifest(
    spec: &OpenAPI,
    source_hash: &str,
    source_version: &str,
    opts: &ModelOptions,
    diags: &mut Diagnostics,
) -> Manifest {
    let namespace = opts.namespace.as_deref().and_then(|ns| {
        let clean = names::tool::sanitize_namespace(ns);
        if clean.is_none() {
            diags.warning(
                "",
                format!("namespace `{ns}` has no usable characters; ignored"),
            );
        }
        clean
    });

    // Every operation of the document, in order.
    let mut ops: Vec<(
        &str,
        &openapiv3::PathItem,
        HttpMethod,
        &openapiv3::Operation,
    )> = Vec::new();
    for (path_key, item) in &spec.paths.paths {
        let item = match item {
            ReferenceOr::Item(item) => item,
            ReferenceOr::Reference { reference } => {
                diags.push(Diagnostic::warning(
                    pointer_join("/paths", path_key),
                    format!("path item `$ref: {reference}` is not resolved here; its operations are skipped"),
                ));
                continue;
            }
        };
        for method in HttpMethod::ALL {
            if let Some(op) = operation(item, method) {
                ops.push((path_key, item, method, op));
            }
        }
    }

    // Names over the whole document, so selection never renames a tool.
    let requests: Vec<ToolNameRequest<'_>> = ops
        .iter()
        .map(|(path, _, method, op)| ToolNameRequest {
            operation_id: op.operation_id.as_deref(),
            method: *method,
            path,
            override_name: opts.override_for(op.operation_id.as_deref(), *method, path),
        })
        .collect();
    let tool_names = assign_tool_names(&requests, namespace.as_deref(), diags);

    let components = spec.components.as_ref();
    let doc_servers: Vec<String> = spec.servers.iter().map(|s| s.url.clone()).collect();
    let mut shared = Shared {
        schemas: SchemaSet::new(components.map(|c| &c.schemas)),
        param_schemas: Default::default(),
        parameters: components.map(|c| &c.parameters),
        bodies: components.map(|c| &c.request_bodies),
        responses: components.map(|c| &c.responses),
        doc_servers: doc_servers.clone(),
        doc_security: spec.security.as_ref(),
        schema_budget: opts.schema_budget(),
    };
    let mut tools = Vec::new();
    let mut built = Vec::new();
    for ((path_key, item, method, op), name) in ops.into_iter().zip(tool_names) {
        let selected = opts.selects(&Candidate {
            operation_id: op.operation_id.as_deref(),
            tool_name: &name,
            tags: &op.tags,
            path: path_key,
        });
        if !selected {
            continue;
        }
        let o = OpIn {
            path_key,
            item,
            method,
            op,
            name,
        };
        let mut cx = Cx {
            diags: &mut *diags,
            operation: Some(o.label()),
        };
        tools.push(operations::build_tool(&o, &mut shared, &mut cx));
        built.push(o);
    }
    // After every input schema, so shared component schemas report their problems there.
    if opts.output_schemas {
        for (tool, o) in tools.iter_mut().zip(&built) {
            tool.output_schema = output::output_schema(o, &mut shared);
        }
    }

    Manifest {
        title: spec.info.title.clone(),
        version: if source_version.is_empty() {
            spec.info.version.clone()
        } else {
            source_version.to_owned()
        },
        openapi: spec.openapi.clone(),
        source_hash: source_hash.to_owned(),
        namespace,
        servers: doc_servers,
        server_variables: security::server_variables(spec),
        security_schemes: security::security_schemes(spec, diags),
        tools,
    }
}

/// [`build_manifest`] on a JSON document, for unit tests.
#[cfg(test)]
pub(crate) fn build_manifest_for_test(spec: &serde_json::Value, opts: &ModelOptions) -> Manifest {
    let spec: OpenAPI = serde_json::from_value(spec.clone()).expect("a valid test document");
    build_manifest(&spec, "test", "", opts, &mut Diagnostics::new())
}

fn operation(item: &openapiv3::PathItem, method: HttpMethod) -> Option<&openapiv3::Operation> {
    match method {
        HttpMethod::Get => item.get.as_ref(),
        HttpMethod::Put => item.put.as_ref(),
        HttpMethod::Post => item.post.as_ref(),
        HttpMethod::Delete => item.delete.as_ref(),
        HttpMethod::Options => item.options.as_ref(),
        HttpMethod::Head => item.head.as_ref(),
        HttpMethod::Patch => item.patch.as_ref(),
        HttpMethod::Trace => item.trace.as_ref(),
    }
}
