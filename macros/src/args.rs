//! Parsing the macro's arguments into the shared [`Settings`], every mistake reported at once
//! with its span.

use std::collections::BTreeSet;

use openapi_tools_build::Settings;
use proc_macro2::Span;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Ident, LitBool, LitStr, Token, braced, bracketed};

/// Every option the macro knows, in the order the docs list them.
pub const OPTIONS: &[&str] = &[
    "spec",
    "tags",
    "exclude_tags",
    "operations",
    "exclude_operations",
    "paths",
    "exclude_paths",
    "namespace",
    "rename",
    "runtime",
    "module",
    "toolset",
    "lock_file",
    "deny_breaking",
    "strict",
];

/// The parsed arguments.
pub struct MacroArgs {
    /// The shared settings.
    pub settings: Settings,
    /// Where errors about the spec point: its string literal.
    pub spec_span: Span,
}

/// One `key = value` (or the leading bare spec literal).
enum Arg {
    Spec(LitStr),
    Option { key: Ident, value: Value },
}

/// An option's value as written.
enum Value {
    Str(LitStr),
    Bool(LitBool),
    List(Span, Vec<LitStr>),
    Map(Span, Vec<(LitStr, LitStr)>),
}

impl Value {
    fn span(&self) -> Span {
        match self {
            Value::Str(s) => s.span(),
            Value::Bool(b) => b.span,
            Value::List(s, _) | Value::Map(s, _) => *s,
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            Value::Str(_) => "a string",
            Value::Bool(_) => "a boolean",
            Value::List(..) => "a list",
            Value::Map(..) => "a map",
        }
    }
}

struct Pair(LitStr, LitStr);

impl Parse for Pair {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let k: LitStr = input.parse()?;
        if input.peek(Token![=>]) {
            input.parse::<Token![=>]>()?;
        } else {
            input.parse::<Token![=]>()?;
        }
        Ok(Pair(k, input.parse()?))
    }
}

impl Parse for Value {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let look = input.lookahead1();
        if look.peek(LitStr) {
            Ok(Value::Str(input.parse()?))
        } else if look.peek(LitBool) {
            Ok(Value::Bool(input.parse()?))
        } else if look.peek(syn::token::Bracket) {
            let content;
            let bracket = bracketed!(content in input);
            let items = Punctuated::<LitStr, Token![,]>::parse_terminated(&content)?;
            Ok(Value::List(
                bracket.span.join(),
                items.into_iter().collect(),
            ))
        } else if look.peek(syn::token::Brace) {
            let content;
            let brace = braced!(content in input);
            let items = Punctuated::<Pair, Token![,]>::parse_terminated(&content)?;
            Ok(Value::Map(
                brace.span.join(),
                items.into_iter().map(|Pair(k, v)| (k, v)).collect(),
            ))
        } else {
            Err(look.error())
        }
    }
}

impl Parse for Arg {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        if input.peek(LitStr) {
            return Ok(Arg::Spec(input.parse()?));
        }
        let key: Ident = input.call(syn::ext::IdentExt::parse_any)?;
        input.parse::<Token![=]>()?;
        let value: Value = input.parse()?;
        Ok(Arg::Option { key, value })
    }
}

struct RawArgs(Vec<Arg>);

impl Parse for RawArgs {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let list = Punctuated::<Arg, Token![,]>::parse_terminated(input)?;
        Ok(RawArgs(list.into_iter().collect()))
    }
}

/// Collects errors so that all of them are reported in one compilation.
#[derive(Default)]
struct Errors(Option<syn::Error>);

impl Errors {
    fn push(&mut self, span: Span, message: impl std::fmt::Display) {
        let e = syn::Error::new(span, message);
        match &mut self.0 {
            Some(all) => all.combine(e),
            None => self.0 = Some(e),
        }
    }
}

/// Parses the macro input: `"spec.yaml"`, or `spec = "...", key = value, ...` (a bare spec
/// literal may also come first, followed by options).
pub fn parse(input: proc_macro2::TokenStream) -> syn::Result<MacroArgs> {
    let raw: RawArgs = syn::parse2(input)?;
    let mut errors = Errors::default();
    let mut spec: Option<LitStr> = None;
    let mut seen = BTreeSet::new();
    let mut settings = Settings::new("");

    for arg in raw.0 {
        let (key, value) = match arg {
            Arg::Spec(lit) => {
                if spec.is_some() {
                    errors.push(lit.span(), "the spec is given twice");
                } else {
                    spec = Some(lit);
                }
                continue;
            }
            Arg::Option { key, value } => (key, value),
        };
        let name = key.to_string();
        if !OPTIONS.contains(&name.as_str()) {
            errors.push(
                key.span(),
                format!(
                    "unknown option `{name}`; expected one of: {}",
                    OPTIONS.join(", ")
                ),
            );
            continue;
        }
        if !seen.insert(name.clone()) || (name == "spec" && spec.is_some()) {
            errors.push(key.span(), format!("option `{name}` is given twice"));
            continue;
        }
        let expect = |errors: &mut Errors, what: &str| {
            errors.push(
                value.span(),
                format!("`{name}` expects {what}, not {}", value.kind()),
            )
        };
        let model = &mut settings.model;
        match (name.as_str(), &value) {
            ("spec", Value::Str(s)) => spec = Some(s.clone()),
            ("tags", Value::List(_, l)) => model.include_tags = strings(l),
            ("exclude_tags", Value::List(_, l)) => model.exclude_tags = strings(l),
            ("operations", Value::List(_, l)) => model.include_operations = strings(l),
            ("exclude_operations", Value::List(_, l)) => model.exclude_operations = strings(l),
            ("paths", Value::List(_, l)) => model.include_paths = strings(l),
            ("exclude_paths", Value::List(_, l)) => model.exclude_paths = strings(l),
            ("namespace", Value::Str(s)) => model.namespace = Some(s.value()),
            ("rename", Value::Map(_, pairs)) => {
                for (k, v) in pairs {
                    if model.name_overrides.insert(k.value(), v.value()).is_some() {
                        errors.push(k.span(), format!("`{}` is renamed twice", k.value()));
                    }
                }
            }
            ("runtime", Value::Str(s)) => {
                if let Err(e) = settings.set_runtime_path(&s.value()) {
                    errors.push(s.span(), e);
                }
            }
            ("module", Value::Str(s)) => settings.codegen.module_name = Some(s.value()),
            ("toolset", Value::Str(s)) => settings.codegen.toolset_name = s.value(),
            ("lock_file", Value::Str(s)) => settings.lock_file = Some(s.value().into()),
            ("deny_breaking", Value::Bool(b)) => settings.deny_breaking = b.value,
            ("strict", Value::Bool(b)) => settings.strict = b.value,
            (
                "tags" | "exclude_tags" | "operations" | "exclude_operations" | "paths"
                | "exclude_paths",
                _,
            ) => expect(&mut errors, "a list of strings (`[\"a\", \"b\"]`)"),
            ("rename", _) => expect(&mut errors, "a map (`{ \"listPets\" = \"pets_list\" }`)"),
            ("deny_breaking" | "strict", _) => expect(&mut errors, "`true` or `false`"),
            _ => expect(&mut errors, "a string"),
        }
    }

    let spec_span = match &spec {
        Some(s) => s.span(),
        None => Span::call_site(),
    };
    match &spec {
        Some(s) if s.value().trim().is_empty() => errors.push(s.span(), "the spec path is empty"),
        Some(s) => settings.spec = s.value().into(),
        None => errors.push(
            Span::call_site(),
            "missing spec: write `openapi_tools!(\"specs/api.yaml\")` or `spec = \"...\"`",
        ),
    }
    match errors.0 {
        Some(e) => Err(e),
        None => Ok(MacroArgs {
            settings,
            spec_span,
        }),
    }
}

fn strings(list: &[LitStr]) -> Vec<String> {
    list.iter().map(LitStr::value).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn bare_spec() {
        let a = parse(quote!("specs/petstore.yaml")).ok().unwrap();
        assert_eq!(
            a.settings.spec,
            std::path::PathBuf::from("specs/petstore.yaml")
        );
    }

    #[test]
    fn every_option() {
        let a = parse(quote!(
            spec = "s.yaml", tags = ["pets"], exclude_tags = ["admin"], operations = ["a"],
            exclude_operations = ["b"], paths = ["/pets*"], exclude_paths = ["/x"],
            namespace = "pet", rename = { "listPets" = "pets_list", "GET /x" => "x" },
            runtime = "::openapi_tools_runtime", module = "petstore", toolset = "Pets",
            lock_file = "tools.lock.json", deny_breaking = true, strict = true,
        ))
        .ok()
        .unwrap();
        let s = a.settings;
        assert_eq!(s.model.include_tags, ["pets"]);
        assert_eq!(s.model.exclude_paths, ["/x"]);
        assert_eq!(
            s.model.name_overrides.get("GET /x").map(String::as_str),
            Some("x")
        );
        assert_eq!(s.runtime_path_string(), "::openapi_tools_runtime");
        assert_eq!(s.codegen.toolset_name, "Pets");
        assert!(s.deny_breaking);
        assert!(s.strict);
    }

    #[test]
    fn all_mistakes_at_once() {
        let Err(e) = parse(quote!(tags = "pets", colour = "red", deny_breaking = "yes")) else {
            panic!("accepted");
        };
        let messages: Vec<String> = e.into_iter().map(|e| e.to_string()).collect();
        assert_eq!(messages.len(), 4, "{messages:?}");
        assert!(messages[0].starts_with("`tags` expects a list of strings"));
        assert!(messages[1].starts_with("unknown option `colour`"));
        assert!(messages[2].starts_with("`deny_breaking` expects `true` or `false`"));
        assert!(messages[3].starts_with("missing spec"));
    }

    #[test]
    fn twice_is_an_error() {
        assert!(parse(quote!("a.yaml", spec = "b.yaml")).is_err());
        assert!(parse(quote!("a.yaml", tags = [], tags = [])).is_err());
    }
}
