//! One operation -> one [`ToolManifest`]: parameters and body laid out as top-level input
//! properties, the canonical input schema with its `$defs` closure, wire names, hash.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::rc::Rc;

use indexmap::IndexMap;
use openapi_tools_runtime::hash::{self, SchemaHasher};
use openapi_tools_runtime::manifest::{
    HttpMethod, InputParam, ParamLocation, ParamStyle, ToolManifest,
};
use openapi_tools_runtime::render::schema_nodes;
use openapiv3::{Operation, Parameter, PathItem, ReferenceOr, RequestBody};
use serde_json::{Map, Value, json};

use super::body;
use super::describe::tool_description;
use super::names::{safe_property_name, short_hash};
use super::params::{self, ParamIn, ParamSchemas};
use super::schema::{Cx, DEFS_PREFIX, Def, Finalized, SchemaSet, finalize};
use crate::diagnostics::{Diagnostic, pointer_join};

/// Everything shared by the tools of one document.
pub(crate) struct Shared<'a> {
    pub schemas: SchemaSet<'a>,
    pub param_schemas: ParamSchemas,
    pub parameters: Option<&'a IndexMap<String, ReferenceOr<Parameter>>>,
    pub bodies: Option<&'a IndexMap<String, ReferenceOr<RequestBody>>>,
    pub responses: Option<&'a IndexMap<String, ReferenceOr<openapiv3::Response>>>,
    pub doc_servers: Vec<String>,
    pub doc_security: Option<&'a Vec<openapiv3::SecurityRequirement>>,
    /// Schema nodes one tool's schema may carry ([`super::ModelOptions::schema_budget`]).
    pub schema_budget: usize,
}

/// One operation to turn into a tool.
pub(crate) struct OpIn<'a> {
    pub path_key: &'a str,
    pub item: &'a PathItem,
    pub method: HttpMethod,
    pub op: &'a Operation,
    pub name: String,
}

impl OpIn<'_> {
    pub(crate) fn label(&self) -> String {
        self.op
            .operation_id
            .clone()
            .unwrap_or_else(|| format!("{} {}", self.method, self.path_key))
    }
}

/// A top-level input property before assembly.
struct Prop {
    param: InputParam,
    schema: Value,
}

/// Builds the tool for one operation.
pub(crate) fn build_tool<'a>(
    o: &OpIn<'a>,
    shared: &mut Shared<'a>,
    cx: &mut Cx<'_>,
) -> ToolManifest {
    let path_ptr = pointer_join("/paths", o.path_key);
    let op_ptr = pointer_join(&path_ptr, o.method.key());
    let template = path_template(o.path_key);

    let mut inputs = params::merged(
        &o.item.parameters,
        &o.op.parameters,
        &path_ptr,
        &op_ptr,
        shared.parameters,
        cx,
    );
    let path = check_path_params(&template, &mut inputs, &op_ptr, cx);

    // Parameters.
    let names = param_names(&inputs);
    let mut props: Vec<Prop> = Vec::new();
    for (p, name) in inputs.iter().zip(names) {
        let (mut schema, content_type) = shared.param_schemas.property(p, &mut shared.schemas, cx);
        // `style: simple` (the path default, `None` here) writes an empty object as an empty
        // segment and `label` as the dot segment `.`, both refused by the request builder;
        // `matrix` writes `;name`, which it accepts.
        if p.location == ParamLocation::Path && p.style != Some(ParamStyle::Matrix) {
            require_properties(&mut schema, &mut shared.schemas, cx);
        }
        let required = p.data.required || p.location == ParamLocation::Path;
        props.push(Prop {
            param: InputParam {
                name,
                wire_name: p.wire_name.clone(),
                location: p.location,
                required,
                deprecated: p.data.deprecated == Some(true),
                style: p.style,
                explode: p.data.explode,
                allow_reserved: p.allow_reserved,
                content_type,
            },
            schema,
        });
    }
    for var in &template.vars {
        if let Some(mut p) = synthetic(var, &inputs) {
            if props.iter().any(|q| q.param.name == p.param.name) {
                p.param.name = format!("{}_path", p.param.name);
            }
            cx.warn(
                &op_ptr,
                format!(
                    "path variable `{{{var}}}` has no parameter declaration; it becomes a \
                     required string `{}`",
                    p.param.name
                ),
            );
            props.push(p);
        }
    }

    // Body.
    let mut body_spec = None;
    let mut alternatives = None;
    if let Some(rb) = &o.op.request_body {
        let rb_ptr = pointer_join(&op_ptr, "requestBody");
        if let Some((rb, rb_ptr)) = body::resolve(rb, &rb_ptr, shared.bodies, cx)
            && let Some(mut model) = body::model(rb, &rb_ptr, &mut shared.schemas, cx)
        {
            let taken: BTreeSet<String> = props.iter().map(|p| p.param.name.clone()).collect();
            let flat = model.flat.take().and_then(|flat| flatten(flat, &taken));
            model.spec.flattened = flat.is_some();
            match flat {
                Some(flat) => {
                    alternatives = model
                        .alternatives
                        .take()
                        .map(|a| alternatives_schema(&a, &flat));
                    props.extend(flat);
                }
                None => {
                    let name = ["body", "request_body"]
                        .into_iter()
                        .find(|n| !taken.contains(*n))
                        .map_or_else(
                            || format!("body_{}", short_hash(&o.label(), 6)),
                            str::to_owned,
                        );
                    props.push(Prop {
                        param: InputParam {
                            name: name.clone(),
                            wire_name: name,
                            location: ParamLocation::Body,
                            required: rb.required,
                            deprecated: false,
                            style: None,
                            explode: None,
                            allow_reserved: false,
                            content_type: None,
                        },
                        schema: model.whole,
                    });
                }
            }
            body_spec = Some(model.spec);
        }
    }

    // Canonical schema: properties, then the `$defs` closure they reach.
    let mut properties = Map::new();
    let mut required = Vec::new();
    let mut wire_names: BTreeMap<String, String> = BTreeMap::new();
    let mut refs = BTreeSet::new();
    for p in &props {
        let base = pointer_join("/properties", &p.param.name);
        let Finalized {
            schema,
            wire_names: renamed,
            refs: r,
        } = finalize(&p.schema, &base);
        wire_names.extend(renamed);
        refs.extend(r);
        properties.insert(p.param.name.clone(), schema);
        if p.param.required {
            required.push(Value::String(p.param.name.clone()));
        }
    }
    // Built by hand: `json!` would re-serialise every embedded value.
    let mut top = Map::new();
    top.insert("type".into(), Value::String("object".into()));
    top.insert("properties".into(), Value::Object(properties));
    if !required.is_empty() {
        top.insert("required".into(), Value::Array(required));
    }
    if let Some((keyword, members)) = alternatives {
        top.insert(keyword.into(), members);
    }
    top.insert("additionalProperties".into(), Value::Bool(false));
    let mut input_schema = Value::Object(top);
    let budget = shared.schema_budget;
    let used = schema_nodes(&input_schema, budget);
    let closure = shared.schemas.closure(&refs, used, budget, cx.diags);
    let stubs: Vec<(String, Value)> = closure
        .cut
        .iter()
        .map(|(name, def)| (name.clone(), shared.schemas.stub(name, def, budget)))
        .collect();
    // Hashed before the `$defs` are copied in: an expanded definition's canonical text is
    // written once per document, not once per tool that carries it.
    let schema_hash = input_hash(&input_schema, &closure.expanded, &stubs);
    if !closure.expanded.is_empty() || !stubs.is_empty() {
        let mut out = Map::new();
        for (name, def) in &closure.expanded {
            let base = pointer_join("/$defs", name);
            for (ptr, wire) in &def.done.wire_names {
                wire_names.insert(format!("{base}{ptr}"), wire.clone());
            }
            out.insert(name.clone(), def.done.schema.clone());
        }
        out.extend(stubs);
        // Sorted like the expanded ones: stubs sit among them by name.
        out.sort_keys();
        if let Value::Object(top) = &mut input_schema {
            top.insert("$defs".into(), Value::Object(out));
        }
    }
    if !closure.cut.is_empty() {
        cx.diags
            .push(budget_note(&op_ptr, &o.label(), budget, &closure.cut));
    }

    let security =
        o.op.security
            .as_ref()
            .or(shared.doc_security)
            .map(|reqs| {
                reqs.iter()
                    .map(|r| r.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                    .collect()
            })
            .unwrap_or_default();
    let servers = if !o.op.servers.is_empty() {
        o.op.servers.iter().map(|s| s.url.clone()).collect()
    } else if !o.item.servers.is_empty() {
        o.item.servers.iter().map(|s| s.url.clone()).collect()
    } else {
        shared.doc_servers.clone()
    };

    ToolManifest {
        name: o.name.clone(),
        operation_id: o.op.operation_id.clone(),
        method: o.method,
        path,
        tags: o.op.tags.clone(),
        summary: o.op.summary.clone(),
        description: tool_description(
            o.op.summary.as_deref().or(o.item.summary.as_deref()),
            o.op.description
                .as_deref()
                .or(o.item.description.as_deref()),
            o.op.deprecated,
            o.method,
            o.path_key,
        ),
        deprecated: o.op.deprecated,
        servers,
        security,
        params: props.into_iter().map(|p| p.param).collect(),
        body: body_spec,
        schema_hash: schema_hash.unwrap_or_else(|| hash::schema_hash(&input_schema)),
        input_schema,
        wire_names,
        output_schema: None,
    }
}

/// [`hash::schema_hash`] of `top` once `$defs` holding `expanded` and `stubs` is added to it, as
/// [`build_tool`] does, computed without that copy: the expanded definitions are hashed from their
/// cached canonical text ([`Def::canonical`]). `None` when there is no `$defs` to add (or `top`
/// is not the plain object `build_tool` makes): the caller hashes the finished schema then.
fn input_hash(
    top: &Value,
    expanded: &BTreeMap<String, Rc<Def>>,
    stubs: &[(String, Value)],
) -> Option<String> {
    let Value::Object(members) = top else {
        return None;
    };
    if (expanded.is_empty() && stubs.is_empty()) || members.contains_key("$defs") {
        return None;
    }
    let mut h = SchemaHasher::new();
    h.open();
    // `None` stands for `$defs`, not in `top` yet.
    let mut entries: Vec<(&str, Option<&Value>)> = members
        .iter()
        .map(|(k, v)| (k.as_str(), Some(v)))
        .chain([("$defs", None)])
        .collect();
    entries.sort_unstable_by_key(|(k, _)| *k);
    for (key, value) in entries {
        h.key(key);
        if let Some(v) = value {
            h.value(v);
            continue;
        }
        // A name is either expanded or cut, never both.
        let mut defs: Vec<(&str, Result<&Def, &Value>)> = expanded
            .iter()
            .map(|(n, d)| (n.as_str(), Ok(&**d)))
            .chain(stubs.iter().map(|(n, v)| (n.as_str(), Err(v))))
            .collect();
        defs.sort_unstable_by_key(|(n, _)| *n);
        h.open();
        for (name, def) in defs {
            h.key(name);
            match def {
                Ok(def) => h.canonical(def.canonical()),
                Err(stub) => h.value(stub),
            }
        }
        h.close();
    }
    h.close();
    Some(h.finish())
}

/// A path parameter (style `simple` or `label`) whose schema is an object gets
/// `minProperties: 1`: an empty object fills the path segment with nothing (or `.`), which the
/// request builder refuses, so the schema must not
/// accept it either (the model then learns the rule from the schema, not from a failed call).
/// Objects named by a `$ref` get the keyword beside the reference.
fn require_properties(schema: &mut Value, schemas: &mut SchemaSet<'_>, cx: &mut Cx<'_>) {
    const MAX_REF_HOPS: usize = 16;
    let is_object = |s: &Value| match s.get("type") {
        Some(Value::String(t)) => t == "object",
        Some(Value::Array(types)) => types.iter().any(|t| t == "object"),
        _ => s.get("properties").is_some(),
    };
    let Some(obj) = schema.as_object() else {
        return;
    };
    if obj
        .get("minProperties")
        .and_then(Value::as_u64)
        .is_some_and(|n| n >= 1)
    {
        return;
    }
    // Follow `$ref`s (aliases of aliases too) to the schema that says what the value is.
    let target = |s: &Value| {
        s.get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix(DEFS_PREFIX))
            .map(str::to_owned)
    };
    let mut object = is_object(schema);
    let mut next = target(schema);
    for _ in 0..MAX_REF_HOPS {
        let Some(def) = next.and_then(|name| schemas.def(&name, cx.diags)) else {
            break;
        };
        object = is_object(&def.wire_form);
        next = target(&def.wire_form);
    }
    if object && let Some(obj) = schema.as_object_mut() {
        obj.insert("minProperties".into(), Value::from(1));
    }
}

/// Tool-facing names of the parameters. A name shared by parameters in different locations
/// (`id` in path and query) stays with the first in path, query, header, cookie order; the
/// others get `_query`, `_header`, ... and a hash of their wire name if that is still taken.
fn param_names(inputs: &[ParamIn<'_>]) -> Vec<String> {
    let base: Vec<String> = inputs
        .iter()
        .map(|p| safe_property_name(&p.wire_name))
        .collect();
    let mut groups: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, b) in base.iter().enumerate() {
        groups.entry(b.as_str()).or_default().push(i);
    }
    let mut names = base.clone();
    let rank = |l: ParamLocation| l as u8;
    for group in groups.values().filter(|g| g.len() > 1) {
        let mut order = group.clone();
        order.sort_by_key(|&i| {
            inputs
                .get(i)
                .map(|p| (rank(p.location), p.data.name.clone()))
        });
        for &i in order.iter().skip(1) {
            let (Some(p), Some(b)) = (inputs.get(i), base.get(i)) else {
                continue;
            };
            let candidate = format!("{b}_{}", p.location.as_in());
            let candidate = if base.contains(&candidate) || names.contains(&candidate) {
                format!(
                    "{b}_{}",
                    short_hash(&format!("{} {}", p.location.as_in(), p.data.name), 6)
                )
            } else {
                candidate
            };
            if let Some(slot) = names.get_mut(i) {
                *slot = safe_property_name(&candidate);
            }
        }
    }
    names
}

/// A flattened body's required-only alternatives over tool-facing names:
/// `("oneOf", [{"required": ["id"]}, {"required": ["owner", "repo", "number"]}])`.
fn alternatives_schema(alts: &body::Alternatives, flat: &[Prop]) -> (&'static str, Value) {
    let name = |wire: &String| {
        flat.iter()
            .find(|p| &p.param.wire_name == wire)
            .map_or_else(|| wire.clone(), |p| p.param.name.clone())
    };
    let members = alts
        .required
        .iter()
        .map(|set| json!({"required": set.iter().map(name).collect::<Vec<_>>()}))
        .collect();
    (alts.keyword, Value::Array(members))
}

/// Flattened body properties, or `None` when one would clash with a parameter name.
fn flatten(flat: Vec<(String, Value, bool)>, taken: &BTreeSet<String>) -> Option<Vec<Prop>> {
    let wires: Vec<&str> = flat.iter().map(|(w, _, _)| w.as_str()).collect();
    let names = super::names::assign_property_names(&wires);
    if names.iter().any(|n| taken.contains(n)) {
        return None;
    }
    Some(
        flat.into_iter()
            .zip(names)
            .map(|((wire, schema, required), name)| Prop {
                param: InputParam {
                    deprecated: schema.get("deprecated") == Some(&Value::Bool(true)),
                    name,
                    wire_name: wire,
                    location: ParamLocation::BodyProperty,
                    required,
                    style: None,
                    explode: None,
                    allow_reserved: false,
                    content_type: None,
                },
                schema,
            })
            .collect(),
    )
}

/// A path key split into its template and the variables it names; `query` holds
/// `(query key, variable)` pairs of a query string written into the key
/// (`/fax/history?date_from={date_from}`).
struct Template {
    path: String,
    vars: Vec<String>,
    query: Vec<(String, String)>,
    /// Query-string parts with no variable (`?type=sms`).
    literal_query: Vec<String>,
}

fn template_vars(text: &str) -> Vec<String> {
    let mut vars = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        let after = rest.get(start + 1..).unwrap_or("");
        let Some(end) = after.find('}') else {
            break;
        };
        vars.push(after.get(..end).unwrap_or("").to_owned());
        rest = after.get(end + 1..).unwrap_or("");
    }
    vars
}

fn path_template(key: &str) -> Template {
    let without_fragment = key.split('#').next().unwrap_or(key);
    let (path, query) = without_fragment
        .split_once('?')
        .unwrap_or((without_fragment, ""));
    let mut bound = Vec::new();
    let mut literal_query = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        match template_vars(v).into_iter().next() {
            Some(var) => bound.push((k.to_owned(), var)),
            None => literal_query.push(pair.to_owned()),
        }
    }
    Template {
        path: path.to_owned(),
        vars: template_vars(path),
        query: bound,
        literal_query,
    }
}

/// Reconciles the template with the declared path parameters: a path parameter bound in the
/// key's query string becomes a query parameter; a greedy `{Key+}` (AWS) names the parameter
/// `Key`; a path parameter the template does not name is reported.
fn check_path_params(
    t: &Template,
    inputs: &mut [ParamIn<'_>],
    op_ptr: &str,
    cx: &mut Cx<'_>,
) -> String {
    let mut path = t.path.clone();
    for var in &t.vars {
        if let Some(stripped) = var.strip_suffix('+')
            && inputs
                .iter()
                .any(|p| p.location == ParamLocation::Path && p.data.name == stripped)
        {
            path = path.replace(&format!("{{{var}}}"), &format!("{{{stripped}}}"));
            cx.warn(
                op_ptr,
                format!(
                    "greedy path variable `{{{var}}}` treated as `{{{stripped}}}`; its value is \
                     percent-encoded like any other"
                ),
            );
        }
    }
    for p in inputs.iter_mut() {
        if p.location != ParamLocation::Path {
            continue;
        }
        let in_path = t
            .vars
            .iter()
            .any(|v| v == &p.data.name || v.strip_suffix('+') == Some(p.data.name.as_str()));
        if in_path {
            continue;
        }
        if let Some((key, _)) = t.query.iter().find(|(_, var)| var == &p.data.name) {
            p.location = ParamLocation::Query;
            p.style = None;
            p.wire_name = key.clone();
            cx.warn(
                &p.pointer,
                format!(
                    "path parameter `{}` is bound in the query string of the path key; it is \
                     sent as query parameter `{key}`",
                    p.data.name
                ),
            );
        } else {
            cx.warn(
                &p.pointer,
                format!(
                    "path parameter `{}` does not appear in the path template",
                    p.data.name
                ),
            );
        }
    }
    if !t.literal_query.is_empty() {
        cx.warn(
            op_ptr,
            format!(
                "the path key's query string has fixed parts (`{}`) that a request cannot carry; \
                 they are dropped",
                t.literal_query.join("&")
            ),
        );
    }
    path
}

/// A required string parameter for a template variable no parameter declares (the request
/// cannot be built without it).
fn synthetic(var: &str, inputs: &[ParamIn<'_>]) -> Option<Prop> {
    let name = var.strip_suffix('+').unwrap_or(var);
    let declared = inputs
        .iter()
        .any(|p| p.location == ParamLocation::Path && p.data.name == name);
    (!declared).then(|| Prop {
        param: InputParam {
            name: safe_property_name(name),
            wire_name: name.to_owned(),
            location: ParamLocation::Path,
            required: true,
            deprecated: false,
            style: None,
            explode: None,
            allow_reserved: false,
            content_type: None,
        },
        schema: json!({"type": "string"}),
    })
}

/// The note for a tool whose `$defs` were cut at the schema budget: how many definitions, and
/// the first few by name.
fn budget_note(
    op_ptr: &str,
    label: &str,
    budget: usize,
    cut: &BTreeMap<String, std::rc::Rc<Def>>,
) -> Diagnostic {
    const SHOWN: usize = 3;
    let names: Vec<&str> = cut.keys().map(String::as_str).take(SHOWN).collect();
    let more = cut.len().saturating_sub(SHOWN);
    let list = if more > 0 {
        format!("{} (and {more} more)", names.join(", "))
    } else {
        names.join(", ")
    };
    Diagnostic::info(
        op_ptr,
        format!(
            "input schema reached its size limit of {budget} schema nodes; {} deeper \
             definition(s) are sent as loose values naming their component: {list}",
            cut.len()
        ),
    )
    .with_operation(label.to_owned())
    .with_hint(
        "raise the schema budget (ModelOptions::max_schema_nodes) to expand them, at the \
         cost of a larger tool",
    )
}

#[cfg(test)]
mod tests {
    use openapi_tools_runtime::request::build_request;
    use openapi_tools_runtime::validate::Validator;
    use serde_json::{Value, json};

    use crate::model::{ModelOptions, build_manifest_for_test};

    /// One operation `GET /reports/{filter}` whose path parameter has `schema`, plus a query
    /// parameter with the same schema (which an empty object may fill: it is optional).
    fn tool(schema: Value) -> openapi_tools_runtime::manifest::ToolManifest {
        styled_tool(schema, "simple")
    }

    fn styled_tool(schema: Value, style: &str) -> openapi_tools_runtime::manifest::ToolManifest {
        let spec = json!({
            "openapi": "3.0.3",
            "info": {"title": "T", "version": "1"},
            "paths": {"/reports/{filter}": {"get": {
                "operationId": "getReports",
                "parameters": [
                    {"name": "filter", "in": "path", "required": true, "style": style,
                     "schema": schema},
                    {"name": "extra", "in": "query", "schema": schema}
                ],
                "responses": {"200": {"description": "ok"}}
            }}},
            "components": {"schemas": {
                "Range": {"type": "object", "properties": {
                    "from": {"type": "string"}, "to": {"type": "string"}}},
                "RangeAlias": {"$ref": "#/components/schemas/Range"},
                "Name": {"type": "string"}
            }}
        });
        build_manifest_for_test(&spec, &ModelOptions::default())
            .tools
            .remove(0)
    }

    /// Problems the validator and the request builder find with `filter` set to `value`.
    fn problems(tool: &openapi_tools_runtime::manifest::ToolManifest, value: Value) -> usize {
        let args = json!({ "filter": value });
        let invalid = Validator::new(&tool.input_schema).validate(&args).len();
        let unbuildable = build_request(tool, args.as_object().unwrap())
            .err()
            .map_or(0, |p| p.len());
        invalid + unbuildable
    }

    #[test]
    fn object_path_parameters_need_a_property() {
        let inline = json!({"type": "object", "properties": {"from": {"type": "string"}}});
        for schema in [
            inline,
            json!({"$ref": "#/components/schemas/Range"}),
            json!({"$ref": "#/components/schemas/RangeAlias"}),
        ] {
            let t = tool(schema.clone());
            let props = &t.input_schema["properties"];
            assert_eq!(props["filter"]["minProperties"], 1, "{schema}");
            // The optional query parameter may still be an empty object.
            assert_eq!(props["extra"].get("minProperties"), None, "{schema}");
            // The schema now refuses what the request builder refuses ...
            let empty = json!({});
            let args = json!({ "filter": empty });
            assert!(!Validator::new(&t.input_schema).validate(&args).is_empty());
            assert!(build_request(&t, args.as_object().unwrap()).is_err());
            // ... and both accept an object with a property.
            assert_eq!(problems(&t, json!({"from": "2024"})), 0, "{schema}");
        }
    }

    #[test]
    fn other_path_parameters_are_unchanged() {
        for schema in [
            json!({"type": "string"}),
            json!({"$ref": "#/components/schemas/Name"}),
            json!({"type": "object", "minProperties": 2}),
        ] {
            let t = tool(schema.clone());
            let filter = &t.input_schema["properties"]["filter"];
            let expected = schema.get("minProperties").cloned();
            assert_eq!(filter.get("minProperties").cloned(), expected, "{schema}");
        }
        // `matrix` writes an empty object as `;filter`, which the request builder accepts.
        let object = json!({"type": "object", "properties": {"from": {"type": "string"}}});
        let t = styled_tool(object.clone(), "matrix");
        let filter = &t.input_schema["properties"]["filter"];
        assert_eq!(filter.get("minProperties"), None);
        assert_eq!(problems(&t, json!({})), 0);
        // `label` writes it as the dot segment `.`, which it refuses: so does the schema.
        let t = styled_tool(object, "label");
        assert_eq!(t.input_schema["properties"]["filter"]["minProperties"], 1);
        assert!(problems(&t, json!({})) >= 2);
        assert_eq!(problems(&t, json!({"from": "2024"})), 0);
    }
}
