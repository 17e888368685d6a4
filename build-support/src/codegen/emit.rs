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
use super::ir::{Body, Kind, Node, TypeId};
use super::lower::Lowered;
use super::names::to_ident;

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

    pub(crate) fn name(&self, id: TypeId) -> proc_macro2::Ident {
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

    /// All named types, in id order (component schemas, args structs, inline types), with
    /// their JSON conversions and serde impls (see [`super::json`]).
    pub fn types(&self) -> TokenStream {
        let mut out = TokenStream::new();
        let mut names = Vec::new();
        for id in 0..self.lowered.types.len() {
            if let Some(item) = self.item(id) {
                out.extend(item);
                names.push(self.name(id));
            }
        }
        out.extend(self.serde_impls(&names));
        out
    }

    fn item(&self, id: TypeId) -> Option<TokenStream> {
        let def = self.lowered.types.get(id)?;
        let name = self.name(id);
        let doc = doc_attr(def.doc.as_deref());
        let item = match &def.body {
            Body::Pending => return None,
            Body::Struct(s) => {
                let fields = s.fields.iter().map(|f| {
                    let ident = to_ident(&f.ident);
                    let ty = self.ty(&f.declared(), Some(id), true);
                    let doc = doc_attr(f.doc.as_deref());
                    quote!(#doc pub #ident: #ty,)
                });
                let extra = s.extra.as_ref().map(|(ident, node)| {
                    let ident = to_ident(ident);
                    let ty = self.ty(node, Some(id), true);
                    quote!(
                        /// Properties not declared in the schema.
                        pub #ident: #ty,
                    )
                });
                quote! {
                    #doc
                    #[derive(Debug, Clone)]
                    pub struct #name { #(#fields)* #extra }
                }
            }
            Body::Enum(variants) => {
                let vs = variants.iter().map(|v| {
                    let ident = to_ident(&v.ident);
                    quote!(#ident,)
                });
                quote! {
                    #doc
                    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
                    pub enum #name { #(#vs)* }
                }
            }
            Body::Union(u) => {
                let vs = u.variants.iter().map(|(ident, node)| {
                    let ident = to_ident(ident);
                    let ty = self.ty(node, Some(id), true);
                    quote!(#ident(#ty),)
                });
                quote! {
                    #doc
                    #[derive(Debug, Clone)]
                    pub enum #name { #(#vs)* }
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
        let json = self.json_impls(id, &name);
        Some(quote!(#item #json #check))
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
