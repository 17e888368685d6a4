//! Canonical input schemas -> [`ir`](super::ir) types, one shared type per component schema.
//!
//! Every tool's `$defs` holds the closure of the component schemas it reaches, under the same
//! DefName with the same content, so a DefName maps to one Rust type for the whole tool set. If
//! two tools disagree on a DefName's content (a hand-written manifest), each distinct content gets
//! its own type and a warning.
//!
//! The rules, in the order they are tried on one schema (see [`decide`]):
//! `$ref` -> the def's type; string `const` / string `enum` -> a Rust enum; integer `enum` ->
//! `i64` + check; `oneOf`/`anyOf` -> an untagged enum (a `{"type":"null"}` member makes it
//! `Option`, one remaining member is used directly); `allOf` of one -> that schema; `type` ->
//! primitive / `Vec` / struct / `BTreeMap` / `serde_json::Map`; no type and only annotations ->
//! `serde_json::Value`. Anything else (`not`, `allOf` that the model could not merge, keywords
//! the fast path does not check, type unions) becomes the closest type plus [`Check::Never`]: the
//! runtime validator decides those values, so nothing is ever silently accepted.

use std::collections::{HashMap, HashSet};

use openapi_tools_runtime::hash::schema_hash;
use openapi_tools_runtime::manifest::Manifest;
use openapi_tools_runtime::{keywords, pointer};
use serde_json::{Map, Value};

use super::ir::{
    Body, Check, Field, FieldMode, Kind, Node, Struct, TypeDef, TypeId, Union, Variant,
};
use super::names::SymbolTable;
use crate::diagnostics::{Diagnostic, Diagnostics, pointer_join};

/// Deeper inline nesting than this becomes `serde_json::Value` (validated at run time).
const MAX_DEPTH: usize = 48;

/// Formats that are annotations only.
const ANNOTATION_FORMATS: &[&str] = &["binary", "password"];

/// The lowered tool set.
#[derive(Debug, Default)]
pub struct Lowered {
    /// All named types (including the per-tool args structs).
    pub types: Vec<TypeDef>,
    /// Regex sources, indexed by [`Check::Pattern`].
    pub patterns: Vec<String>,
    /// The tools that were generated, in manifest order.
    pub tools: Vec<LoweredTool>,
}

/// One generated tool.
#[derive(Debug, Clone)]
pub struct LoweredTool {
    /// Index into the input manifest's tools.
    pub manifest_index: usize,
    /// The args struct.
    pub args: TypeId,
    /// The `Call` variant identifier.
    pub variant: String,
}

/// A lowered value: its node and whether `null` is allowed.
#[derive(Debug, Clone)]
struct Val {
    node: Node,
    nullable: bool,
}

impl Val {
    fn of(node: Node) -> Self {
        Val {
            node,
            nullable: false,
        }
    }

    /// The node, wrapped in `Option` when `null` is allowed (array items, map values, members).
    fn into_node(self) -> Node {
        if self.nullable {
            self.node.optional()
        } else {
            self.node
        }
    }
}

#[derive(Debug, Clone)]
enum DefState {
    Todo,
    Busy,
    Done(Val),
}

#[derive(Debug)]
struct Def<'m> {
    name: &'m str,
    schema: &'m Value,
    reserved: Option<TypeId>,
    state: DefState,
    pointer: String,
}

/// Per-tool lowering context.
struct Cx<'m> {
    defs: HashMap<&'m str, usize>,
    /// Inline types of this tool may be shared with identical ones of other tools.
    dedupe: bool,
    /// A dangling `$ref` was met: the tool is skipped.
    broken: bool,
    operation: String,
}

/// What one schema becomes.
#[derive(Debug)]
enum Decision<'s> {
    Ref(&'s str),
    Free,
    Opaque,
    StrEnum(Vec<&'s str>),
    IntEnum(Vec<i64>),
    Union {
        one_of: bool,
        members: Vec<&'s Value>,
    },
    Single(&'s Value),
    Bool,
    Int,
    Num,
    Str,
    Array,
    Struct,
    Map(&'s Value),
    JsonMap,
}

impl Decision<'_> {
    fn nominal(&self) -> bool {
        matches!(
            self,
            Decision::StrEnum(_) | Decision::Union { .. } | Decision::Struct
        )
    }
}

/// A schema's decision, whether it admits `null`, and whether it carries constraints the
/// fast path does not check.
struct Decided<'s> {
    decision: Decision<'s>,
    nullable: bool,
    never: bool,
}

fn is_null_schema(v: &Value) -> bool {
    match v.get("type") {
        Some(Value::String(t)) => t == "null",
        Some(Value::Array(ts)) => {
            ts.len() == 1 && ts.first().and_then(Value::as_str) == Some("null")
        }
        _ => v.get("const").is_some_and(Value::is_null),
    }
}

fn has_any(obj: &Map<String, Value>, keys: &[&str]) -> bool {
    keys.iter().any(|k| obj.contains_key(*k))
}

/// Decides what `obj` becomes (see the module docs for the order of rules).
fn decide(obj: &Map<String, Value>) -> Decided<'_> {
    let mut never = obj
        .keys()
        .any(|k| !keywords::is_annotation(k) && !keywords::is_canonical(k));
    if obj.contains_key("not") {
        never = true;
    }
    let (types, mut nullable) = match obj.get("type") {
        Some(Value::String(t)) => (vec![t.as_str()], t == "null"),
        Some(Value::Array(ts)) => {
            let names: Vec<&str> = ts.iter().filter_map(Value::as_str).collect();
            let nullable = names.contains(&"null");
            (
                names.into_iter().filter(|t| *t != "null").collect(),
                nullable,
            )
        }
        _ => (Vec::new(), false),
    };
    let done = |decision, nullable, never| Decided {
        decision,
        nullable,
        never,
    };
    if let Some(Value::String(r)) = obj.get("$ref") {
        let extra = obj
            .keys()
            .any(|k| k != "$ref" && !keywords::is_annotation(k));
        return done(Decision::Ref(r), false, never || extra);
    }
    if let Some(c) = obj.get("const") {
        return match c {
            Value::String(s) => done(Decision::StrEnum(vec![s.as_str()]), false, never),
            _ => done(Decision::Opaque, false, true),
        };
    }
    if let Some(values) = obj.get("enum") {
        let Some(values) = values.as_array() else {
            return done(Decision::Opaque, nullable, true);
        };
        nullable |= values.iter().any(Value::is_null);
        let non_null: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
        let strs: Vec<&str> = non_null.iter().filter_map(|v| v.as_str()).collect();
        if !strs.is_empty() && strs.len() == non_null.len() {
            return done(Decision::StrEnum(strs), nullable, never);
        }
        let ints: Vec<i64> = non_null.iter().filter_map(|v| v.as_i64()).collect();
        if !ints.is_empty() && ints.len() == non_null.len() {
            return done(Decision::IntEnum(ints), nullable, never);
        }
        return done(Decision::Opaque, nullable, true);
    }
    let union = match (obj.get("oneOf"), obj.get("anyOf")) {
        (Some(Value::Array(m)), None) => Some((true, m)),
        (None, Some(Value::Array(m))) => Some((false, m)),
        (None, None) => None,
        _ => return done(Decision::Opaque, nullable, true),
    };
    if let Some((one_of, members)) = union {
        let shaped: Vec<&Value> = members.iter().filter(|m| !is_null_schema(m)).collect();
        let constraint_only = shaped.iter().all(|m| {
            m.as_object()
                .is_some_and(|o| !o.keys().any(|k| keywords::is_shape(k)))
        });
        if constraint_only && (!types.is_empty() || obj.contains_key("properties")) {
            // `{type: object, properties, oneOf: [{required: [a]}, {required: [b]}]}`: the
            // members only constrain the parent; keep the parent's type, let the validator
            // check the members.
            never = true;
        } else {
            nullable |= shaped.len() < members.len();
            let siblings = has_any(obj, &["properties", "items", "allOf"]);
            return match shaped.as_slice() {
                [] => done(Decision::Opaque, nullable, true),
                [one] => done(Decision::Single(one), nullable, never || siblings),
                _ => done(
                    Decision::Union {
                        one_of,
                        members: shaped,
                    },
                    nullable,
                    never || siblings,
                ),
            };
        }
    }
    if let Some(all) = obj.get("allOf") {
        return match all.as_array().map(Vec::as_slice) {
            Some([one]) => done(Decision::Single(one), nullable, never),
            _ => done(Decision::Opaque, nullable, true),
        };
    }
    let ty = match types.as_slice() {
        [one] => *one,
        [] if has_any(obj, &["properties", "additionalProperties", "required"]) => "object",
        [] if obj.contains_key("items") => "array",
        [] if nullable => return done(Decision::Opaque, true, true),
        [] => {
            let constrained = obj.keys().any(|k| !keywords::is_annotation(k));
            return done(Decision::Free, false, never || constrained);
        }
        _ => return done(Decision::Opaque, nullable, true),
    };
    let decision = match ty {
        "string" => Decision::Str,
        "integer" => Decision::Int,
        "number" => Decision::Num,
        "boolean" => Decision::Bool,
        "array" => Decision::Array,
        "object" => {
            let props = obj
                .get("properties")
                .and_then(Value::as_object)
                .is_some_and(|p| !p.is_empty());
            match obj.get("additionalProperties") {
                _ if props => Decision::Struct,
                Some(Value::Bool(false)) => Decision::Struct,
                Some(ap @ Value::Object(_)) => Decision::Map(ap),
                _ if obj.contains_key("required") => Decision::Struct,
                _ => Decision::JsonMap,
            }
        }
        _ => return done(Decision::Opaque, nullable, true),
    };
    done(decision, nullable, never)
}

/// First line of a description, for doc comments.
fn doc_of(schema: &Value) -> Option<String> {
    let text = schema
        .get("description")
        .or_else(|| schema.get("title"))
        .and_then(Value::as_str)?;
    let line = text.lines().map(str::trim).find(|l| !l.is_empty())?;
    let mut out: String = line.chars().take(160).collect();
    if out.len() < line.len() {
        out.push_str("...");
    }
    Some(out)
}

fn num(obj: &Map<String, Value>, key: &str) -> Option<u64> {
    obj.get(key).and_then(Value::as_u64)
}

/// The lowering state for one tool set.
pub struct Lowerer<'m> {
    names: SymbolTable,
    out: Lowered,
    defs: Vec<Def<'m>>,
    pattern_ix: HashMap<String, usize>,
    enum_dedupe: HashMap<Vec<String>, TypeId>,
    inline_dedupe: HashMap<String, TypeId>,
    /// Args struct of each manifest tool (by manifest index).
    args_ids: Vec<TypeId>,
    /// `oneOf` unions whose exactness is decided at the end.
    one_of: Vec<TypeId>,
    diags: Diagnostics,
}

impl<'m> Lowerer<'m> {
    /// Lowers every tool of `manifest`; `reserved` are the tool set's own item names.
    pub fn run(manifest: &'m Manifest, reserved: &[&str]) -> (Lowered, Diagnostics) {
        let mut me = Lowerer {
            names: SymbolTable::new(reserved),
            out: Lowered::default(),
            defs: Vec::new(),
            pattern_ix: HashMap::new(),
            enum_dedupe: HashMap::new(),
            inline_dedupe: HashMap::new(),
            args_ids: Vec::new(),
            one_of: Vec::new(),
            diags: Diagnostics::new(),
        };
        let tool_defs = me.collect_defs(manifest);
        me.reserve_names(manifest);
        let mut variants = me.names.variant_scope();
        for (ti, tool) in manifest.tools.iter().enumerate() {
            let Some((defs, dedupe)) = tool_defs.get(ti).cloned() else {
                continue;
            };
            let mut cx = Cx {
                defs,
                dedupe,
                broken: false,
                operation: tool.name.clone(),
            };
            let args = me.args_ids.get(ti).copied();
            let Some(args) = args else { continue };
            let ptr = format!("/tools/{ti}/input_schema");
            match tool.input_schema.as_object() {
                Some(obj) => me.lower_struct(obj, &mut cx, args, &ptr, 0),
                None => {
                    me.diags.push(
                        Diagnostic::warning(
                            &ptr,
                            "the input schema is not an object; tool skipped",
                        )
                        .with_operation(&tool.name),
                    );
                    continue;
                }
            }
            if let Some(def) = me.out.types.get_mut(args) {
                def.doc = Some(tool_doc(tool));
            }
            if cx.broken {
                me.set_body(args, Body::Pending);
                me.diags.push(
                    Diagnostic::warning(&ptr, "the input schema has a dangling $ref; tool skipped")
                        .with_operation(&tool.name),
                );
                continue;
            }
            me.out.tools.push(LoweredTool {
                manifest_index: ti,
                args,
                variant: variants.variant(&tool.name),
            });
        }
        me.finish_unions();
        (me.out, me.diags)
    }
}

fn tool_doc(tool: &openapi_tools_runtime::manifest::ToolManifest) -> String {
    let first = tool
        .description
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    let short: String = first.chars().take(160).collect();
    format!(
        "Arguments of `{}` ({} {}). {short}",
        tool.name, tool.method, tool.path
    )
    .trim_end()
    .to_string()
}

const C_BOOL: u8 = 1;
const C_INT: u8 = 2;
const C_NUM: u8 = 4;
const C_STR: u8 = 8;
const C_ARR: u8 = 16;
const C_OBJ: u8 = 32;
const C_NULL: u8 = 64;
const C_ALL: u8 = 127;

impl<'m> Lowerer<'m> {
    /// Registers every `$defs` entry of every tool; returns per tool its DefName -> def map and
    /// whether all its defs are the tool set's primary versions (so its inline types can be
    /// shared with other tools').
    fn collect_defs(&mut self, manifest: &'m Manifest) -> Vec<(HashMap<&'m str, usize>, bool)> {
        let mut by_name: HashMap<&'m str, Vec<usize>> = HashMap::new();
        let mut per_tool = Vec::with_capacity(manifest.tools.len());
        for (ti, tool) in manifest.tools.iter().enumerate() {
            let mut map = HashMap::new();
            let mut primary = true;
            if let Some(defs) = tool.input_schema.get("$defs").and_then(Value::as_object) {
                for (name, schema) in defs {
                    let entries = by_name.entry(name.as_str()).or_default();
                    let found = entries
                        .iter()
                        .position(|&di| self.defs.get(di).is_some_and(|d| d.schema == schema));
                    let di = match found.and_then(|pos| entries.get(pos).map(|di| (pos, *di))) {
                        Some((pos, di)) => {
                            primary &= pos == 0;
                            di
                        }
                        None => {
                            let pointer =
                                pointer_join(&format!("/tools/{ti}/input_schema/$defs"), name);
                            if !entries.is_empty() {
                                primary = false;
                                self.diags.push(
                                    Diagnostic::warning(
                                        &pointer,
                                        format!(
                                            "component schema `{name}` differs from the one other tools \
                                             use under the same name; generating a separate type"
                                        ),
                                    )
                                    .with_operation(&tool.name),
                                );
                            }
                            self.defs.push(Def {
                                name: name.as_str(),
                                schema,
                                reserved: None,
                                state: DefState::Todo,
                                pointer,
                            });
                            let di = self.defs.len() - 1;
                            entries.push(di);
                            di
                        }
                    };
                    map.insert(name.as_str(), di);
                }
            }
            per_tool.push((map, primary));
        }
        per_tool
    }

    /// Claims type names: component schemas first (sorted by name, so adding an operation does
    /// not rename them), then one args struct per tool (manifest order). Inline types are named
    /// as they are met, after these.
    fn reserve_names(&mut self, manifest: &Manifest) {
        let mut order: Vec<usize> = (0..self.defs.len()).collect();
        order.sort_by(|&a, &b| {
            let name = |i: usize| self.defs.get(i).map(|d| d.name).unwrap_or("");
            name(a).cmp(name(b))
        });
        for di in order {
            let Some(def) = self.defs.get(di) else {
                continue;
            };
            let (name, schema) = (def.name, def.schema);
            let nominal = schema
                .as_object()
                .is_some_and(|o| decide(o).decision.nominal());
            if nominal {
                let id = self.new_type(name, doc_of(schema));
                if let Some(def) = self.defs.get_mut(di) {
                    def.reserved = Some(id);
                }
            }
        }
        for tool in &manifest.tools {
            let id = self.new_type(&format!("{} args", tool.name), None);
            self.args_ids.push(id);
        }
    }

    fn new_type(&mut self, raw: &str, doc: Option<String>) -> TypeId {
        let name = self.names.type_name(raw);
        self.out.types.push(TypeDef {
            name,
            doc,
            body: Body::Pending,
        });
        self.out.types.len() - 1
    }

    fn type_name(&self, id: TypeId) -> String {
        self.out
            .types
            .get(id)
            .map(|t| t.name.clone())
            .unwrap_or_default()
    }

    fn set_body(&mut self, id: TypeId, body: Body) {
        if let Some(t) = self.out.types.get_mut(id) {
            t.body = body;
        }
    }

    /// The type for a nominal inline schema: the reserved one, a shared identical one, or new.
    /// The flag says whether the body still has to be lowered.
    fn alloc(
        &mut self,
        s: &Value,
        hint: &str,
        target: Option<TypeId>,
        cx: &Cx<'_>,
    ) -> (TypeId, bool) {
        if let Some(id) = target {
            return (id, true);
        }
        if !cx.dedupe {
            return (self.new_type(hint, doc_of(s)), true);
        }
        let key = schema_hash(s);
        if let Some(&id) = self.inline_dedupe.get(&key) {
            return (id, false);
        }
        let id = self.new_type(hint, doc_of(s));
        self.inline_dedupe.insert(key, id);
        (id, true)
    }

    fn pattern(&mut self, p: &str) -> usize {
        if let Some(&i) = self.pattern_ix.get(p) {
            return i;
        }
        self.out.patterns.push(p.to_string());
        let i = self.out.patterns.len() - 1;
        self.pattern_ix.insert(p.to_string(), i);
        i
    }

    fn lower(
        &mut self,
        s: &'m Value,
        cx: &mut Cx<'m>,
        hint: &str,
        ptr: &str,
        depth: usize,
        target: Option<TypeId>,
    ) -> Val {
        let obj = match s {
            Value::Object(o) => o,
            Value::Bool(true) => return Val::of(Node::new(Kind::Any)),
            _ => return Val::of(Node::opaque()),
        };
        if depth > MAX_DEPTH {
            self.diags.push(
                Diagnostic::warning(
                    ptr,
                    "schema nested too deeply for a Rust type; using serde_json::Value (still validated)",
                )
                .with_operation(&cx.operation),
            );
            return Val::of(Node::opaque());
        }
        let d = decide(obj);
        let mut val = match d.decision {
            Decision::Ref(r) => self.lower_ref(r, cx, ptr, depth),
            Decision::Free => Val::of(Node::new(Kind::Any)),
            Decision::Opaque => Val::of(Node::opaque()),
            Decision::StrEnum(values) => Val::of(Node::new(Kind::Named(
                self.str_enum(&values, s, hint, target),
            ))),
            Decision::IntEnum(ints) => {
                let mut checks = vec![Check::IntIn(ints)];
                checks.extend(num_checks(obj, true));
                Val::of(Node {
                    kind: Kind::Int,
                    checks,
                })
            }
            Decision::Union { one_of, members } => {
                let kw = if one_of { "oneOf" } else { "anyOf" };
                let (id, fresh) = self.alloc(s, hint, target, cx);
                if fresh {
                    self.lower_union(id, one_of, &members, cx, &format!("{ptr}/{kw}"), depth);
                }
                Val::of(Node::new(Kind::Named(id)))
            }
            Decision::Single(m) => self.lower(m, cx, hint, ptr, depth + 1, target),
            Decision::Bool => Val::of(Node::new(Kind::Bool)),
            Decision::Int => Val::of(Node {
                kind: Kind::Int,
                checks: num_checks(obj, true),
            }),
            Decision::Num => Val::of(Node {
                kind: Kind::Num,
                checks: num_checks(obj, false),
            }),
            Decision::Str => Val::of(Node {
                kind: Kind::Str,
                checks: self.str_checks(obj),
            }),
            Decision::Array => {
                let item = match obj.get("items") {
                    Some(items) => self
                        .lower(
                            items,
                            cx,
                            &format!("{hint} item"),
                            &format!("{ptr}/items"),
                            depth + 1,
                            None,
                        )
                        .into_node(),
                    None => Node::new(Kind::Any),
                };
                let mut checks = count_check(obj, "minItems", "maxItems");
                if obj.get("uniqueItems") == Some(&Value::Bool(true)) {
                    let opaque_items = matches!(item.kind, Kind::Any | Kind::JsonMap)
                        || matches!(&item.kind, Kind::Option(n) if matches!(n.kind, Kind::Any | Kind::JsonMap));
                    checks.push(if opaque_items {
                        Check::Never
                    } else {
                        Check::Unique
                    });
                }
                Val::of(Node {
                    kind: Kind::Vec(Box::new(item)),
                    checks,
                })
            }
            Decision::Struct => {
                let (id, fresh) = self.alloc(s, hint, target, cx);
                if fresh {
                    self.lower_struct(obj, cx, id, ptr, depth);
                }
                Val::of(Node::new(Kind::Named(id)))
            }
            Decision::Map(ap) => {
                let value = self
                    .lower(
                        ap,
                        cx,
                        &format!("{hint} value"),
                        &format!("{ptr}/additionalProperties"),
                        depth + 1,
                        None,
                    )
                    .into_node();
                Val::of(Node {
                    kind: Kind::Map(Box::new(value)),
                    checks: count_check(obj, "minProperties", "maxProperties"),
                })
            }
            Decision::JsonMap => Val::of(Node {
                kind: Kind::JsonMap,
                checks: count_check(obj, "minProperties", "maxProperties"),
            }),
        };
        val.nullable |= d.nullable;
        if d.never && !val.node.checks.contains(&Check::Never) {
            val.node.checks.push(Check::Never);
        }
        val
    }

    fn dangling(&mut self, r: &str, cx: &mut Cx<'_>, ptr: &str) -> Val {
        self.diags.push(
            Diagnostic::warning(
                ptr,
                format!("`$ref` `{r}` does not name an entry of `$defs`"),
            )
            .with_operation(&cx.operation),
        );
        cx.broken = true;
        Val::of(Node::opaque())
    }

    fn lower_ref(&mut self, r: &str, cx: &mut Cx<'m>, ptr: &str, depth: usize) -> Val {
        let Some(name) = pointer::def_name(r) else {
            return self.dangling(r, cx, ptr);
        };
        let Some(&di) = cx.defs.get(name.as_str()) else {
            return self.dangling(r, cx, ptr);
        };
        let Some(def) = self.defs.get(di) else {
            return self.dangling(r, cx, ptr);
        };
        match &def.state {
            DefState::Done(v) => return v.clone(),
            // Recursion through a def that is not a named type (an array of itself): the
            // inner occurrence cannot be typed; the validator checks it.
            DefState::Busy => return Val::of(Node::opaque()),
            DefState::Todo => {}
        }
        let (schema, reserved, pointer, def_name) =
            (def.schema, def.reserved, def.pointer.clone(), def.name);
        match reserved {
            Some(id) => {
                let decided = schema.as_object().map(decide);
                let mut node = Node::new(Kind::Named(id));
                if decided.as_ref().is_some_and(|d| d.never) {
                    node.checks.push(Check::Never);
                }
                let preset = Val {
                    node,
                    nullable: decided.is_some_and(|d| d.nullable),
                };
                if let Some(def) = self.defs.get_mut(di) {
                    def.state = DefState::Done(preset.clone());
                }
                let hint = self.type_name(id);
                let got = self.lower(schema, cx, &hint, &pointer, depth + 1, Some(id));
                if got.node.kind != Kind::Named(id) {
                    self.diags.push(Diagnostic::error(
                        &pointer,
                        "internal error: component schema lowered inconsistently",
                    ));
                }
                preset
            }
            None => {
                if let Some(def) = self.defs.get_mut(di) {
                    def.state = DefState::Busy;
                }
                let got = self.lower(schema, cx, def_name, &pointer, depth + 1, None);
                if let Some(def) = self.defs.get_mut(di) {
                    def.state = DefState::Done(got.clone());
                }
                got
            }
        }
    }

    fn str_enum(
        &mut self,
        values: &[&str],
        s: &Value,
        hint: &str,
        target: Option<TypeId>,
    ) -> TypeId {
        let mut seen = HashSet::new();
        let values: Vec<String> = values
            .iter()
            .filter(|v| seen.insert(**v))
            .map(|v| v.to_string())
            .collect();
        if target.is_none()
            && let Some(&id) = self.enum_dedupe.get(&values)
        {
            return id;
        }
        let id = match target {
            Some(id) => id,
            None => {
                let id = self.new_type(hint, doc_of(s));
                self.enum_dedupe.insert(values.clone(), id);
                id
            }
        };
        let mut scope = self.names.variant_scope();
        let variants = values
            .into_iter()
            .map(|value| Variant {
                ident: scope.variant(&value),
                value,
            })
            .collect();
        self.set_body(id, Body::Enum(variants));
        id
    }

    fn str_checks(&mut self, obj: &Map<String, Value>) -> Vec<Check> {
        let mut checks = Vec::new();
        let (min, max) = (num(obj, "minLength"), num(obj, "maxLength"));
        if min.is_some() || max.is_some() {
            checks.push(Check::Len(min.unwrap_or(0), max.unwrap_or(u64::MAX)));
        }
        match obj.get("pattern") {
            Some(Value::String(p)) => checks.push(Check::Pattern(self.pattern(p))),
            Some(_) => checks.push(Check::Never),
            None => {}
        }
        if let Some(Value::String(f)) = obj.get("format")
            && !ANNOTATION_FORMATS.contains(&f.as_str())
        {
            checks.push(Check::Format(f.clone()));
        }
        // The validator asserts `contentEncoding: base64` (binary uploads as base64 text).
        if obj.get("contentEncoding").and_then(Value::as_str) == Some("base64")
            && !checks.contains(&Check::Format("base64".into()))
        {
            checks.push(Check::Format("base64".into()));
        }
        checks
    }

    fn member_label(&self, m: &Value) -> String {
        if let Some(r) = m.get("$ref").and_then(Value::as_str) {
            return pointer::ref_label(r);
        }
        if let Some(t) = m.get("title").and_then(Value::as_str) {
            return t.to_string();
        }
        let Some(obj) = m.as_object() else {
            return "value".into();
        };
        match decide(obj).decision {
            Decision::StrEnum(v) if v.len() == 1 => {
                v.first().map(|s| s.to_string()).unwrap_or_default()
            }
            Decision::Str | Decision::StrEnum(_) => "string".into(),
            Decision::Int | Decision::IntEnum(_) => "integer".into(),
            Decision::Num => "number".into(),
            Decision::Bool => "boolean".into(),
            Decision::Array => "array".into(),
            Decision::Struct | Decision::Map(_) | Decision::JsonMap => "object".into(),
            _ => "value".into(),
        }
    }

    fn lower_union(
        &mut self,
        id: TypeId,
        one_of: bool,
        members: &[&'m Value],
        cx: &mut Cx<'m>,
        ptr: &str,
        depth: usize,
    ) {
        let name = self.type_name(id);
        let mut scope = self.names.variant_scope();
        let mut variants = Vec::with_capacity(members.len());
        for (i, m) in members.iter().enumerate() {
            let ident = scope.variant(&self.member_label(m));
            let node = self
                .lower(
                    m,
                    cx,
                    &format!("{name} {ident}"),
                    &format!("{ptr}/{i}"),
                    depth + 1,
                    None,
                )
                .into_node();
            variants.push((ident, node));
        }
        // `exact` of a oneOf is decided once every member type exists (finish_unions).
        self.set_body(
            id,
            Body::Union(Union {
                variants,
                exact: !one_of,
            }),
        );
        if one_of {
            self.one_of.push(id);
        }
    }

    fn lower_struct(
        &mut self,
        obj: &'m Map<String, Value>,
        cx: &mut Cx<'m>,
        id: TypeId,
        ptr: &str,
        depth: usize,
    ) {
        let name = self.type_name(id);
        let required: Vec<&str> = obj
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut scope = self.names.field_scope();
        let mut fields = Vec::new();
        let mut checks = Vec::new();
        if let Some(props) = obj.get("properties").and_then(Value::as_object) {
            let base = format!("{ptr}/properties");
            for (key, sub) in props {
                let ident = scope.field(key);
                let val = self.lower(
                    sub,
                    cx,
                    &format!("{name} {key}"),
                    &pointer_join(&base, key),
                    depth + 1,
                    None,
                );
                let mode = match (required.contains(&key.as_str()), val.nullable) {
                    (true, false) => FieldMode::Required,
                    (true, true) => FieldMode::RequiredNullable,
                    (false, false) => FieldMode::Optional,
                    (false, true) => FieldMode::OptionalNullable,
                };
                fields.push(Field {
                    json: key.clone(),
                    ident,
                    node: val.node,
                    mode,
                    doc: doc_of(sub),
                });
            }
        } else if obj.get("properties").is_some() {
            checks.push(Check::Never);
        }
        // `oneOf: [{required: [id]}, {required: [owner, repo, number]}]` beside the fields (a
        // flattened body's alternatives at a tool's root): serde cannot say it, the validator
        // decides.
        if required
            .iter()
            .any(|r| !fields.iter().any(|f| f.json == *r))
            || has_any(obj, &["minProperties", "maxProperties", "anyOf", "oneOf"])
        {
            checks.push(Check::Never);
        }
        let (deny_unknown, extra) = match obj.get("additionalProperties") {
            Some(Value::Bool(false)) => (true, None),
            Some(Value::Bool(true)) => (
                false,
                Some((
                    scope.field("additional_properties"),
                    Node::new(Kind::JsonMap),
                )),
            ),
            Some(ap @ Value::Object(_)) => {
                let value = self
                    .lower(
                        ap,
                        cx,
                        &format!("{name} value"),
                        &format!("{ptr}/additionalProperties"),
                        depth + 1,
                        None,
                    )
                    .into_node();
                (
                    false,
                    Some((
                        scope.field("additional_properties"),
                        Node::new(Kind::Map(Box::new(value))),
                    )),
                )
            }
            Some(_) => {
                checks.push(Check::Never);
                (false, None)
            }
            None => (false, None),
        };
        self.set_body(
            id,
            Body::Struct(Struct {
                fields,
                deny_unknown,
                extra,
                checks,
            }),
        );
    }

    /// Decides, for each `oneOf` union, whether its members are provably disjoint (then the
    /// first member that deserialises is the only one that can match).
    fn finish_unions(&mut self) {
        for id in std::mem::take(&mut self.one_of) {
            let exact = match self.out.types.get(id).map(|t| &t.body) {
                Some(Body::Union(u)) => u.variants.iter().enumerate().all(|(i, (_, a))| {
                    u.variants
                        .iter()
                        .skip(i + 1)
                        .all(|(_, b)| self.disjoint(a, b))
                }),
                _ => false,
            };
            if let Some(TypeDef {
                body: Body::Union(u),
                ..
            }) = self.out.types.get_mut(id)
            {
                u.exact = exact;
            }
        }
    }

    fn body_of(&self, node: &Node) -> Option<&Body> {
        match node.kind {
            Kind::Named(id) => self.out.types.get(id).map(|t| &t.body),
            _ => None,
        }
    }

    fn cats(&self, node: &Node, depth: usize) -> u8 {
        if depth > 16 {
            return C_ALL;
        }
        match &node.kind {
            Kind::Bool => C_BOOL,
            Kind::Int => C_INT,
            Kind::Num => C_INT | C_NUM,
            Kind::Str => C_STR,
            Kind::Any => C_ALL,
            Kind::JsonMap | Kind::Map(_) => C_OBJ,
            Kind::Vec(_) => C_ARR,
            Kind::Option(n) => C_NULL | self.cats(n, depth + 1),
            Kind::Named(_) => match self.body_of(node) {
                Some(Body::Struct(_)) => C_OBJ,
                Some(Body::Enum(_)) => C_STR,
                Some(Body::Union(u)) => u
                    .variants
                    .iter()
                    .fold(0, |acc, (_, n)| acc | self.cats(n, depth + 1)),
                _ => C_ALL,
            },
        }
    }

    /// Single-valued required enum fields: the tags that tell object members apart.
    fn tags<'a>(&'a self, s: &'a Struct) -> Vec<(&'a str, &'a str)> {
        s.fields
            .iter()
            .filter(|f| f.mode == FieldMode::Required)
            .filter_map(|f| match self.body_of(&f.node) {
                Some(Body::Enum(v)) if v.len() == 1 => {
                    v.first().map(|v| (f.json.as_str(), v.value.as_str()))
                }
                _ => None,
            })
            .collect()
    }

    fn disjoint(&self, a: &Node, b: &Node) -> bool {
        if self.cats(a, 0) & self.cats(b, 0) == 0 {
            return true;
        }
        match (self.body_of(a), self.body_of(b)) {
            (Some(Body::Enum(va)), Some(Body::Enum(vb))) => {
                !va.iter().any(|x| vb.iter().any(|y| x.value == y.value))
            }
            (Some(Body::Struct(sa)), Some(Body::Struct(sb))) => {
                let tb = self.tags(sb);
                self.tags(sa)
                    .iter()
                    .any(|(k, v)| tb.iter().any(|(k2, v2)| k == k2 && v != v2))
            }
            _ => false,
        }
    }
}

fn count_check(obj: &Map<String, Value>, min: &str, max: &str) -> Vec<Check> {
    let (lo, hi) = (num(obj, min), num(obj, max));
    if lo.is_some() || hi.is_some() {
        vec![Check::Count(lo.unwrap_or(0), hi.unwrap_or(u64::MAX))]
    } else {
        Vec::new()
    }
}

/// Numeric formats the validator asserts (`formats::check_number`); `int64` is implied by `i64`.
const NUMBER_FORMATS: &[&str] = &["int32", "uint32", "int64", "uint64", "float"];

fn num_checks(obj: &Map<String, Value>, int: bool) -> Vec<Check> {
    let mut checks = Vec::new();
    if let Some(f) = obj.get("format").and_then(Value::as_str)
        && NUMBER_FORMATS.contains(&f)
        && !(int && f == "int64")
    {
        checks.push(Check::Format(f.to_string()));
    }
    for (key, make) in [
        ("minimum", (|f| Check::Min(f, false)) as fn(f64) -> Check),
        ("exclusiveMinimum", |f| Check::Min(f, true)),
        ("maximum", |f| Check::Max(f, false)),
        ("exclusiveMaximum", |f| Check::Max(f, true)),
    ] {
        match obj.get(key) {
            Some(Value::Number(n)) => match n.as_f64() {
                Some(f) if f.is_finite() => checks.push(make(f)),
                _ => checks.push(Check::Never),
            },
            Some(_) => checks.push(Check::Never),
            None => {}
        }
    }
    match obj.get("multipleOf").and_then(Value::as_f64) {
        Some(m) if m.is_finite() && m > 0.0 => checks.push(Check::MultipleOf(m)),
        Some(_) => checks.push(Check::Never),
        None if obj.contains_key("multipleOf") => checks.push(Check::Never),
        None => {}
    }
    checks
}
