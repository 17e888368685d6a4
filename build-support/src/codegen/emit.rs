//! [`ir`](super::ir) types -> Rust items: structs, string enums, untagged unions.
//!
//! Two analyses run first, on plain data:
//! - **boxing**: a by-value reference (through `Option`, not through `Vec`/`BTreeMap`, which
//!   already allocate) from type A to type B is a `Box<B>` exactly when B also reaches A by value,
//!   i.e. when both sit in one strongly connected component; nothing else is boxed.
//! - **checks**: a type needs a `__check` method when it or anything it contains carries a
//!   constraint serde does not express (least fixpoint, so recursive types terminate).

use std::collections::HashSet;

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::Paths;
use super::ir::{Body, FieldMode, Kind, Node, TypeId, Union};
use super::lower::Lowered;
use super::names::{to_ident, unraw};

/// Emits the types of a lowered tool set.
pub struct Emitter<'a> {
    /// The lowered tool set.
    pub lowered: &'a Lowered,
    /// Paths of the crates generated code names.
    pub paths: &'a Paths,
    needs: Vec<bool>,
    boxed: HashSet<(TypeId, TypeId)>,
    args: HashSet<TypeId>,
}

/// Types referenced by value (through `Option` only) from `node`.
fn by_value(node: &Node, out: &mut Vec<TypeId>) {
    match &node.kind {
        Kind::Named(id) => out.push(*id),
        Kind::Option(inner) => by_value(inner, out),
        _ => {}
    }
}

impl<'a> Emitter<'a> {
    /// Runs the analyses.
    pub fn new(lowered: &'a Lowered, paths: &'a Paths) -> Self {
        let mut me = Emitter {
            lowered,
            paths,
            needs: vec![false; lowered.types.len()],
            boxed: HashSet::new(),
            args: lowered.tools.iter().map(|t| t.args).collect(),
        };
        me.compute_needs();
        me.compute_boxes();
        me
    }

    fn compute_needs(&mut self) {
        loop {
            let mut changed = false;
            for id in 0..self.lowered.types.len() {
                if self.needs.get(id) == Some(&false) && self.type_needs(id) {
                    if let Some(n) = self.needs.get_mut(id) {
                        *n = true;
                    }
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
    }

    fn type_needs(&self, id: TypeId) -> bool {
        match self.lowered.types.get(id).map(|t| &t.body) {
            Some(Body::Struct(s)) => {
                !s.checks.is_empty()
                    || s.fields.iter().any(|f| self.node_needs(&f.node))
                    || s.extra.as_ref().is_some_and(|(_, n)| self.node_needs(n))
            }
            Some(Body::Union(u)) => !u.exact || u.variants.iter().any(|(_, n)| self.node_needs(n)),
            _ => false,
        }
    }

    /// Whether a value of this node has anything to check.
    pub fn node_needs(&self, node: &Node) -> bool {
        !node.checks.is_empty()
            || match &node.kind {
                Kind::Named(id) => self.needs.get(*id).copied().unwrap_or(false),
                Kind::Vec(n) | Kind::Map(n) | Kind::Option(n) => self.node_needs(n),
                _ => false,
            }
    }

    fn edges(&self, id: TypeId) -> Vec<TypeId> {
        let mut out = Vec::new();
        match self.lowered.types.get(id).map(|t| &t.body) {
            Some(Body::Struct(s)) => s.fields.iter().for_each(|f| by_value(&f.node, &mut out)),
            Some(Body::Union(u)) => u.variants.iter().for_each(|(_, n)| by_value(n, &mut out)),
            _ => {}
        }
        out
    }

    fn compute_boxes(&mut self) {
        let n = self.lowered.types.len();
        let edges: Vec<Vec<TypeId>> = (0..n).map(|id| self.edges(id)).collect();
        // reach(t) contains owner <=> owner and t are in one cycle (t reaches owner by value).
        let reaches = |from: TypeId, to: TypeId| {
            let mut seen = vec![false; n];
            let mut stack = vec![from];
            while let Some(x) = stack.pop() {
                if x == to {
                    return true;
                }
                if let Some(s) = seen.get_mut(x) {
                    if *s {
                        continue;
                    }
                    *s = true;
                }
                if let Some(next) = edges.get(x) {
                    stack.extend(next.iter().copied());
                }
            }
            false
        };
        for (owner, targets) in edges.iter().enumerate() {
            for &t in targets {
                if t == owner || reaches(t, owner) {
                    self.boxed.insert((owner, t));
                }
            }
        }
    }

    fn name(&self, id: TypeId) -> proc_macro2::Ident {
        to_ident(
            self.lowered
                .types
                .get(id)
                .map(|t| t.name.as_str())
                .unwrap_or("Unknown"),
        )
    }

    /// The Rust type of `node` as written inside type `owner` (`by_value`: not behind a
    /// `Vec`/map, so a cycle needs a `Box`).
    pub fn ty(&self, node: &Node, owner: Option<TypeId>, by_value: bool) -> TokenStream {
        let json = &self.paths.json;
        match &node.kind {
            Kind::Bool => quote!(bool),
            Kind::Int => quote!(i64),
            Kind::Num => quote!(#json::Number),
            Kind::Str => quote!(::std::string::String),
            Kind::Any => quote!(#json::Value),
            Kind::JsonMap => quote!(#json::Map<::std::string::String, #json::Value>),
            Kind::Named(id) => {
                let ident = self.name(*id);
                if by_value && owner.is_some_and(|o| self.boxed.contains(&(o, *id))) {
                    quote!(::std::boxed::Box<#ident>)
                } else {
                    quote!(#ident)
                }
            }
            Kind::Vec(inner) => {
                let t = self.ty(inner, owner, false);
                quote!(::std::vec::Vec<#t>)
            }
            Kind::Map(inner) => {
                let t = self.ty(inner, owner, false);
                quote!(::std::collections::BTreeMap<::std::string::String, #t>)
            }
            Kind::Option(inner) => {
                let t = self.ty(inner, owner, by_value);
                quote!(::std::option::Option<#t>)
            }
        }
    }

    /// Whether type `id` has a check (its `__check` method exists, or for an args struct its
    /// `ToolArgs::__ok` is overridden).
    pub fn needs(&self, id: TypeId) -> bool {
        self.needs.get(id).copied().unwrap_or(false)
    }

    /// All named types, in id order (component schemas, args structs, inline types).
    pub fn types(&self) -> TokenStream {
        let mut out = TokenStream::new();
        for id in 0..self.lowered.types.len() {
            out.extend(self.item(id));
        }
        out
    }

    fn item(&self, id: TypeId) -> TokenStream {
        let Some(def) = self.lowered.types.get(id) else {
            return TokenStream::new();
        };
        let name = self.name(id);
        let doc = doc_attr(def.doc.as_deref());
        let serde = &self.paths.serde;
        let krate = &self.paths.serde_crate_attr;
        let item = match &def.body {
            Body::Pending => return TokenStream::new(),
            Body::Struct(s) => {
                let deny = s
                    .deny_unknown
                    .then(|| quote!(#[serde(deny_unknown_fields)]));
                let fields = s.fields.iter().map(|f| {
                    let ident = to_ident(&f.ident);
                    let ty = self.ty(&f.declared(), Some(id), true);
                    let mut args = Vec::new();
                    if unraw(&f.ident) != f.json {
                        let json = &f.json;
                        args.push(quote!(rename = #json));
                    }
                    match f.mode {
                        FieldMode::Required => {}
                        FieldMode::RequiredNullable => {
                            let path = self.paths.deserialize_fn.as_str();
                            args.push(quote!(deserialize_with = #path));
                        }
                        FieldMode::Optional => {
                            args.push(quote!(
                                skip_serializing_if = "::std::option::Option::is_none"
                            ));
                        }
                        FieldMode::OptionalNullable => args.push(quote!(
                            default,
                            deserialize_with = "__some",
                            skip_serializing_if = "::std::option::Option::is_none"
                        )),
                    }
                    let attr = (!args.is_empty()).then(|| quote!(#[serde(#(#args),*)]));
                    let doc = doc_attr(f.doc.as_deref());
                    quote!(#doc #attr pub #ident: #ty,)
                });
                let extra = s.extra.as_ref().map(|(ident, node)| {
                    let ident = to_ident(ident);
                    let ty = self.ty(node, Some(id), true);
                    quote!(
                        /// Properties not declared in the schema.
                        #[serde(flatten)]
                        pub #ident: #ty,
                    )
                });
                quote! {
                    #doc
                    #[derive(Debug, Clone, #serde::Deserialize, #serde::Serialize)]
                    #krate
                    #deny
                    pub struct #name { #(#fields)* #extra }
                }
            }
            Body::Enum(variants) => {
                let vs = variants.iter().map(|v| {
                    let ident = to_ident(&v.ident);
                    let value = &v.value;
                    if v.ident == *value {
                        quote!(#ident,)
                    } else {
                        quote!(#[serde(rename = #value)] #ident,)
                    }
                });
                quote! {
                    #doc
                    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, #serde::Deserialize, #serde::Serialize)]
                    #krate
                    pub enum #name { #(#vs)* }
                }
            }
            Body::Union(u) => {
                let vs = u.variants.iter().map(|(ident, node)| {
                    let ident = to_ident(ident);
                    let ty = self.ty(node, Some(id), true);
                    quote!(#ident(#ty),)
                });
                match self.by_json_type(&name, u, id) {
                    // Members told apart by the JSON type alone: a visitor picks the member
                    // from the first token, where `#[serde(untagged)]` would buffer the value
                    // and try each member in turn (the slowest part of parsing such calls).
                    Some(deserialize) => quote! {
                        #doc
                        #[derive(Debug, Clone, #serde::Serialize)]
                        #krate
                        #[serde(untagged)]
                        pub enum #name { #(#vs)* }
                        #deserialize
                    },
                    None => quote! {
                        #doc
                        #[derive(Debug, Clone, #serde::Deserialize, #serde::Serialize)]
                        #krate
                        #[serde(untagged)]
                        pub enum #name { #(#vs)* }
                    },
                }
            }
        };
        let check = (!self.args.contains(&id))
            .then(|| self.check_body(id))
            .flatten()
            .map(|body| {
                quote! {
                    impl #name {
                        #[doc(hidden)]
                        pub fn __check(&self) -> bool { #body }
                    }
                }
            });
        quote!(#item #check)
    }
}

/// The JSON type a member of a union accepts, when it accepts exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum JsonType {
    String,
    Integer,
    Boolean,
    Object,
    Array,
}

impl Emitter<'_> {
    fn json_type(&self, node: &Node) -> Option<JsonType> {
        match &node.kind {
            Kind::Str => Some(JsonType::String),
            Kind::Int => Some(JsonType::Integer),
            Kind::Bool => Some(JsonType::Boolean),
            Kind::JsonMap | Kind::Map(_) => Some(JsonType::Object),
            Kind::Vec(_) => Some(JsonType::Array),
            Kind::Named(t) => match self.lowered.types.get(*t).map(|d| &d.body) {
                Some(Body::Struct(_)) => Some(JsonType::Object),
                _ => None,
            },
            Kind::Num | Kind::Any | Kind::Option(_) => None,
        }
    }

    /// A `Deserialize` impl for a union whose members each accept one JSON type, all different
    /// (`string | integer`, `string | object`, ...): accepts exactly what the untagged derive
    /// accepts, without buffering. `None` for any other union.
    fn by_json_type(
        &self,
        name: &proc_macro2::Ident,
        u: &Union,
        id: TypeId,
    ) -> Option<TokenStream> {
        let mut seen = Vec::new();
        for (_, node) in &u.variants {
            let t = self.json_type(node)?;
            if seen.contains(&t) {
                return None;
            }
            seen.push(t);
        }
        let serde = &self.paths.serde;
        let mut methods = Vec::new();
        for ((ident, node), t) in u.variants.iter().zip(&seen) {
            let ident = to_ident(ident);
            let ty = self.ty(node, Some(id), true);
            methods.push(match t {
                JsonType::String => quote! {
                    fn visit_str<E: #serde::de::Error>(self, v: &str) -> ::std::result::Result<#name, E> {
                        ::std::result::Result::Ok(#name::#ident(::std::string::ToString::to_string(v)))
                    }
                    fn visit_string<E: #serde::de::Error>(self, v: ::std::string::String) -> ::std::result::Result<#name, E> {
                        ::std::result::Result::Ok(#name::#ident(v))
                    }
                },
                JsonType::Integer => quote! {
                    fn visit_i64<E: #serde::de::Error>(self, v: i64) -> ::std::result::Result<#name, E> {
                        ::std::result::Result::Ok(#name::#ident(v))
                    }
                    fn visit_u64<E: #serde::de::Error>(self, v: u64) -> ::std::result::Result<#name, E> {
                        match i64::try_from(v) {
                            ::std::result::Result::Ok(v) => ::std::result::Result::Ok(#name::#ident(v)),
                            ::std::result::Result::Err(_) => ::std::result::Result::Err(
                                E::invalid_value(#serde::de::Unexpected::Unsigned(v), &self),
                            ),
                        }
                    }
                },
                JsonType::Boolean => quote! {
                    fn visit_bool<E: #serde::de::Error>(self, v: bool) -> ::std::result::Result<#name, E> {
                        ::std::result::Result::Ok(#name::#ident(v))
                    }
                },
                JsonType::Object => quote! {
                    fn visit_map<A: #serde::de::MapAccess<'de>>(self, map: A) -> ::std::result::Result<#name, A::Error> {
                        <#ty as #serde::Deserialize>::deserialize(
                            #serde::de::value::MapAccessDeserializer::new(map),
                        ).map(#name::#ident)
                    }
                },
                JsonType::Array => quote! {
                    fn visit_seq<A: #serde::de::SeqAccess<'de>>(self, seq: A) -> ::std::result::Result<#name, A::Error> {
                        <#ty as #serde::Deserialize>::deserialize(
                            #serde::de::value::SeqAccessDeserializer::new(seq),
                        ).map(#name::#ident)
                    }
                },
            });
        }
        let expecting = format!("a value of `{name}`");
        Some(quote! {
            impl<'de> #serde::Deserialize<'de> for #name {
                fn deserialize<D: #serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                    struct __Visitor;
                    impl<'de> #serde::de::Visitor<'de> for __Visitor {
                        type Value = #name;
                        fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                            f.write_str(#expecting)
                        }
                        #(#methods)*
                    }
                    d.deserialize_any(__Visitor)
                }
            }
        })
    }
}

/// `#[doc = " text"]`, rendered by prettyplease as `/// text`.
pub fn doc_attr(doc: Option<&str>) -> Option<TokenStream> {
    doc.map(|d| {
        let text = format!(" {}", d.replace("*/", "* /"));
        quote!(#[doc = #text])
    })
}

/// An `f64` literal; a negative value is a `-` token and a positive literal (what the parser
/// produces), non-finite values (never produced by lowering) become `NAN`, which fails every
/// comparison and so defers to the validator.
pub fn f64_lit(f: f64) -> TokenStream {
    if !f.is_finite() {
        return quote!(f64::NAN);
    }
    let lit = Literal::f64_unsuffixed(f.abs());
    if f.is_sign_negative() && f != 0.0 {
        quote!(-#lit)
    } else {
        quote!(#lit)
    }
}

/// An `i64` literal, negative values as `-` + literal.
pub fn i64_lit(i: i64) -> TokenStream {
    let lit = Literal::u64_unsuffixed(i.unsigned_abs());
    if i < 0 { quote!(-#lit) } else { quote!(#lit) }
}
