//! The fast-path checks: one boolean expression per constrained value.
//!
//! A check answers "is this value certainly valid?" and may answer "no" for a valid value (a
//! float `multipleOf` rounding, [`Check::Never`]); it must never answer "yes" for an invalid one.
//! A "no" sends the call to the runtime validator, which is the one authority on validity and
//! on messages, so messages are identical to those of runtime-loaded tools.

use proc_macro2::TokenStream;
use quote::quote;

use super::emit::{Emitter, f64_lit, i64_lit};
use super::ir::{Body, Check, Kind, Node, TypeId};
use super::names::to_ident;

/// `f` as an `i64` when it is a whole number inside `i64`'s range.
fn as_i64(f: f64) -> Option<i64> {
    // 2^63 is exactly representable; everything below it converts exactly when integral.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    (f.fract() == 0.0 && (-LIMIT..LIMIT).contains(&f)).then_some(f as i64)
}

/// The value as `f64`: `(*v as f64)` for integers, `__f(v)` for `serde_json::Number` (NaN when
/// not representable, which fails every comparison and so defers to the validator).
fn float(int: bool, e: &TokenStream) -> TokenStream {
    if int {
        quote!((*#e as f64))
    } else {
        quote!(__f(#e))
    }
}

fn bound(n: u64) -> TokenStream {
    if n == u64::MAX {
        quote!(u64::MAX)
    } else {
        let lit = proc_macro2::Literal::u64_unsuffixed(n);
        quote!(#lit)
    }
}

/// A check expression, with "always false" kept apart so it folds instead of producing
/// `|v| false` (an unused variable) or bindings nobody reads.
enum Chk {
    False,
    Expr(TokenStream),
}

/// `a && b && ...`, folding `false`.
fn all(parts: Vec<Chk>) -> Option<Chk> {
    let mut exprs = Vec::with_capacity(parts.len());
    for p in parts {
        match p {
            Chk::False => return Some(Chk::False),
            Chk::Expr(e) => exprs.push(e),
        }
    }
    match exprs.len() {
        0 => None,
        _ => Some(Chk::Expr(quote!(#(#exprs)&&*))),
    }
}

impl Emitter<'_> {
    /// The body of `__check` (or `ToolArgs::__ok`) for type `id`, `None` when nothing is checked.
    pub fn check_body(&self, id: TypeId) -> Option<TokenStream> {
        if !self.needs(id) {
            return None;
        }
        match self.lowered.types.get(id).map(|t| &t.body)? {
            Body::Struct(s) => {
                if s.checks.contains(&Check::Never) {
                    return Some(quote!(false));
                }
                let mut names = Vec::new();
                let mut parts = Vec::new();
                let fields = s
                    .fields
                    .iter()
                    .map(|f| (f.ident.as_str(), f.declared()))
                    .chain(
                        s.extra
                            .iter()
                            .map(|(ident, node)| (ident.as_str(), node.clone())),
                    );
                for (ident, node) in fields {
                    let ident = to_ident(ident);
                    if let Some(c) = self.node_check(&node, &quote!(#ident)) {
                        if let Chk::Expr(_) = c {
                            names.push(ident);
                        }
                        parts.push(c);
                    }
                }
                match all(parts) {
                    None => Some(quote!(true)),
                    Some(Chk::False) => Some(quote!(false)),
                    Some(Chk::Expr(e)) => Some(quote! {
                        let Self { #(#names,)* .. } = self;
                        #e
                    }),
                }
            }
            Body::Union(u) => {
                if !u.exact {
                    return Some(quote!(false));
                }
                let arms = u.variants.iter().map(|(ident, node)| {
                    let ident = to_ident(ident);
                    match self.node_check(node, &quote!(v)) {
                        Some(Chk::Expr(c)) => quote!(Self::#ident(v) => #c,),
                        Some(Chk::False) => quote!(Self::#ident(_) => false,),
                        None => quote!(Self::#ident(_) => true,),
                    }
                });
                Some(quote!(match self { #(#arms)* }))
            }
            _ => None,
        }
    }

    /// A check of the value `e` (an expression of type `&T`) of `node`.
    fn node_check(&self, node: &Node, e: &TokenStream) -> Option<Chk> {
        if !self.node_needs(node) {
            return None;
        }
        if node.checks.contains(&Check::Never) {
            return Some(Chk::False);
        }
        let mut parts: Vec<Chk> = self
            .own_checks(node, e)
            .into_iter()
            .map(Chk::Expr)
            .collect();
        let v = quote!(v);
        match &node.kind {
            Kind::Named(_) => parts.push(Chk::Expr(quote!(#e.__check()))),
            Kind::Option(inner) => match self.node_check(inner, &v) {
                Some(Chk::False) => parts.push(Chk::Expr(quote!(#e.is_none()))),
                Some(Chk::Expr(c)) => parts.push(Chk::Expr(quote!(#e.as_ref().is_none_or(|v| #c)))),
                None => {}
            },
            Kind::Vec(inner) => match self.node_check(inner, &v) {
                Some(Chk::False) => parts.push(Chk::Expr(quote!(#e.is_empty()))),
                Some(Chk::Expr(c)) => parts.push(Chk::Expr(quote!(#e.iter().all(|v| #c)))),
                None => {}
            },
            Kind::Map(inner) => match self.node_check(inner, &v) {
                Some(Chk::False) => parts.push(Chk::Expr(quote!(#e.is_empty()))),
                Some(Chk::Expr(c)) => parts.push(Chk::Expr(quote!(#e.values().all(|v| #c)))),
                None => {}
            },
            _ => {}
        }
        all(parts)
    }

    /// The node's own constraints; an inclusive integer range becomes one `contains`.
    fn own_checks(&self, node: &Node, e: &TokenStream) -> Vec<TokenStream> {
        let range = match (&node.kind, &node.checks[..]) {
            (Kind::Int, checks) => {
                let lo = checks.iter().find_map(|c| match c {
                    Check::Min(f, false) => as_i64(*f),
                    _ => None,
                });
                let hi = checks.iter().find_map(|c| match c {
                    Check::Max(f, false) => as_i64(*f),
                    _ => None,
                });
                lo.zip(hi)
            }
            _ => None,
        };
        let mut out = Vec::new();
        if let Some((lo, hi)) = range {
            let (lo, hi) = (i64_lit(lo), i64_lit(hi));
            out.push(quote!((#lo..=#hi).contains(#e)));
        }
        for c in &node.checks {
            if range.is_some() && matches!(c, Check::Min(_, false) | Check::Max(_, false)) {
                continue;
            }
            if let Some(t) = self.own_check(&node.kind, c, e) {
                out.push(t);
            }
        }
        out
    }

    fn own_check(&self, kind: &Kind, check: &Check, e: &TokenStream) -> Option<TokenStream> {
        let rt = &self.paths.rt;
        let int = matches!(kind, Kind::Int);
        let num = int || matches!(kind, Kind::Num);
        Some(match check {
            Check::Len(min, max) if matches!(kind, Kind::Str) => {
                let (min, max) = (bound(*min), bound(*max));
                quote!(__in(#e.chars().count(), #min, #max))
            }
            Check::Pattern(i) if matches!(kind, Kind::Str) => {
                let i = proc_macro2::Literal::usize_unsuffixed(*i);
                quote!(__re(#i, #e))
            }
            Check::Format(f) if matches!(kind, Kind::Str) => {
                quote!(#rt::validate::formats::check(#f, #e))
            }
            Check::Format(f) if int => {
                let json = &self.paths.json;
                quote!(#rt::validate::formats::check_number(#f, &#json::Number::from(*#e)))
            }
            Check::Format(f) if num => quote!(#rt::validate::formats::check_number(#f, #e)),
            Check::Min(f, exclusive) | Check::Max(f, exclusive) if num => {
                let is_min = matches!(check, Check::Min(..));
                let op = match (is_min, *exclusive) {
                    (true, false) => quote!(>=),
                    (true, true) => quote!(>),
                    (false, false) => quote!(<=),
                    (false, true) => quote!(<),
                };
                match (int, as_i64(*f)) {
                    (true, Some(i)) => {
                        let lit = i64_lit(i);
                        quote!(*#e #op #lit)
                    }
                    _ => {
                        let (value, lit) = (float(int, e), f64_lit(*f));
                        quote!(#value #op #lit)
                    }
                }
            }
            Check::MultipleOf(m) if num => match (int, as_i64(*m)) {
                (true, Some(i)) if i > 0 => {
                    let lit = i64_lit(i);
                    quote!(*#e % #lit == 0)
                }
                _ => {
                    let (value, lit) = (float(int, e), f64_lit(*m));
                    quote!(__multiple(#value, #lit))
                }
            },
            Check::Count(min, max)
                if matches!(kind, Kind::Vec(_) | Kind::Map(_) | Kind::JsonMap) =>
            {
                let (min, max) = (bound(*min), bound(*max));
                quote!(__in(#e.len(), #min, #max))
            }
            Check::Unique if matches!(kind, Kind::Vec(_)) => quote!(__unique(#e)),
            Check::IntIn(values) if int => {
                let lits = values.iter().map(|i| i64_lit(*i));
                quote!([#(#lits),*].contains(#e))
            }
            Check::Never => quote!(false),
            // A constraint on a kind it does not apply to is ignored, as JSON Schema does.
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_in_range_become_integers() {
        assert_eq!(as_i64(5.0), Some(5));
        assert_eq!(as_i64(-3.0), Some(-3));
        assert_eq!(as_i64(1.5), None);
        assert_eq!(as_i64(9.3e18), None);
        assert_eq!(as_i64(-9_223_372_036_854_775_808.0), Some(i64::MIN));
    }
}
