//! The symbol table: every Rust identifier the generated code declares is assigned here.
//!
//! Three kinds of names, three scopes:
//! - **types** (one scope per tool set): `PascalCase`, the keyword `Self` suffixed (`Self_`);
//!   std names (`String`, `Option`, `Box`, ...) are allowed because generated code spells std
//!   items with full paths; the tool set's own public items (`Tools`, `Call`, `ToolArgs`) are
//!   reserved first so a schema of that name gets the suffix, not the other way round.
//! - **fields** (one scope per struct): `snake_case`, Rust keywords become raw identifiers
//!   (`r#type`), the few that cannot be raw (`self`, `super`, `crate`, `Self`, `_`) get a `_`
//!   suffix.
//! - **variants** (one scope per enum): `PascalCase` like types; a leading `+` / `-` is spelled
//!   `Plus` / `Minus` (so `"+1"` and `"-1"` stay apart), a leading digit gets a `V` prefix
//!   (`"10"` -> `V10`), the empty string is `Empty`.
//!
//! Non-ASCII characters become `U` + hex code point words (`"é"` -> `U00e9`), so identifiers are
//! ASCII and no `non_ascii_idents` / confusable lints fire. A clash inside a scope is resolved by
//! a numeric suffix in the order names are claimed (schema order, which is deterministic), never
//! by a panic and never by merging.

use std::collections::HashSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Keywords that can be written as raw identifiers (`r#type`).
const RAW_OK_KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "else", "enum", "extern", "false", "fn", "for", "if",
    "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static",
    "struct", "trait", "true", "type", "unsafe", "use", "where", "while", "async", "await", "dyn",
    "abstract", "become", "box", "do", "final", "macro", "override", "priv", "typeof", "unsized",
    "virtual", "yield", "try", "gen",
];

/// Keywords that cannot be raw identifiers.
const NO_RAW_KEYWORDS: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Spells non-ASCII characters as `U<hex>` words and leading signs as words, so that heck's case
/// conversion (which drops punctuation) keeps `"+1"`/`"-1"`/`"é"` distinct and ASCII.
fn prepare(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len() + 8);
    let mut chars = raw.chars().peekable();
    match chars.peek() {
        Some('+') => {
            out.push_str("plus ");
            chars.next();
        }
        Some('-') => {
            out.push_str("minus ");
            chars.next();
        }
        _ => {}
    }
    for c in chars {
        if c.is_ascii() {
            out.push(c);
        } else {
            out.push_str(&format!(" U{:04x} ", c as u32));
        }
    }
    out
}

/// `PascalCase` identifier text for a type or variant; `prefix` is used when the name would start
/// with a digit, `empty` when nothing alphanumeric is left.
fn pascal(raw: &str, prefix: &str, empty: &str) -> String {
    let mut s = prepare(raw).to_upper_camel_case();
    s.retain(|c| c.is_ascii_alphanumeric() || c == '_');
    if s.is_empty() {
        return empty.to_string();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert_str(0, prefix);
    }
    if s == "Self" {
        s.push('_');
    }
    s
}

/// Identifier text for a type name derived from `raw` (a component name, a tool name, a
/// property path).
pub fn type_ident(raw: &str) -> String {
    pascal(raw, "T", "Type")
}

/// Identifier text for an enum variant derived from `raw` (an enum value, a union member).
pub fn variant_ident(raw: &str) -> String {
    pascal(raw, "V", "Empty")
}

/// Identifier text for a struct field derived from a JSON property name; keywords come back as
/// raw identifiers (`r#type`).
pub fn field_ident(raw: &str) -> String {
    let mut s = prepare(raw).to_snake_case();
    s.retain(|c| c.is_ascii_alphanumeric() || c == '_');
    if s.is_empty() || s.chars().all(|c| c == '_') {
        return "field".to_string();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, '_');
    }
    if NO_RAW_KEYWORDS.contains(&s.as_str()) {
        s.push('_');
    } else if RAW_OK_KEYWORDS.contains(&s.as_str()) {
        s.insert_str(0, "r#");
    }
    s
}

/// The identifier text without a raw prefix: what serde calls the field by default.
pub fn unraw(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

/// Turns identifier text made by this module into an [`proc_macro2::Ident`].
pub fn to_ident(text: &str) -> proc_macro2::Ident {
    let span = proc_macro2::Span::call_site();
    match text.strip_prefix("r#") {
        Some(kw) => proc_macro2::Ident::new_raw(kw, span),
        None => proc_macro2::Ident::new(text, span),
    }
}

/// One namespace of identifiers; claims are unique within it.
#[derive(Debug, Default, Clone)]
pub struct Scope {
    used: HashSet<String>,
    /// Separator between a clashing name and its number (`""` for types, `"_"` for fields).
    sep: &'static str,
}

impl Scope {
    /// A scope for `PascalCase` names (types, variants): clashes become `Name2`, `Name3`, ...
    pub fn pascal() -> Self {
        Scope {
            used: HashSet::new(),
            sep: "",
        }
    }

    /// A scope for `snake_case` names (fields): clashes become `name_2`, `name_3`, ...
    pub fn snake() -> Self {
        Scope {
            used: HashSet::new(),
            sep: "_",
        }
    }

    /// Claims `base` (already a valid identifier text) or the first free numbered variant of it.
    pub fn claim(&mut self, base: &str) -> String {
        if self.used.insert(unraw(base).to_string()) {
            return base.to_string();
        }
        // `self_` + `_2` would be `self__2` (and `Self_2` is not camel case): numbering starts
        // from the name without its keyword-avoiding underscore.
        let stem = match unraw(base).trim_end_matches('_') {
            "" => unraw(base),
            s => s,
        };
        let mut n = 2usize;
        loop {
            let candidate = format!("{stem}{}{n}", self.sep);
            if self.used.insert(candidate.clone()) {
                return candidate;
            }
            n += 1;
        }
    }
}

/// The per-tool-set symbol table: the type scope plus constructors for field and variant
/// scopes, so every identifier goes through the rules above.
#[derive(Debug, Clone)]
pub struct SymbolTable {
    types: Scope,
}

impl SymbolTable {
    /// A table with the tool set's own item names (`reserved`) claimed first.
    pub fn new(reserved: &[&str]) -> Self {
        let mut types = Scope::pascal();
        for r in reserved {
            types.claim(r);
        }
        SymbolTable { types }
    }

    /// Claims a type name derived from `raw`.
    pub fn type_name(&mut self, raw: &str) -> String {
        self.types.claim(&type_ident(raw))
    }

    /// A fresh scope for the fields of one struct.
    pub fn field_scope(&self) -> FieldScope {
        FieldScope(Scope::snake())
    }

    /// A fresh scope for the variants of one enum.
    pub fn variant_scope(&self) -> VariantScope {
        VariantScope(Scope::pascal())
    }
}

/// Field names of one struct.
#[derive(Debug)]
pub struct FieldScope(Scope);

impl FieldScope {
    /// Claims the field identifier for JSON property `raw`.
    pub fn field(&mut self, raw: &str) -> String {
        self.0.claim(&field_ident(raw))
    }
}

/// Variant names of one enum.
#[derive(Debug)]
pub struct VariantScope(Scope);

impl VariantScope {
    /// Claims the variant identifier for `raw` (an enum value or a member label).
    pub fn variant(&mut self, raw: &str) -> String {
        self.0.claim(&variant_ident(raw))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_become_raw_or_suffixed_fields() {
        assert_eq!(field_ident("type"), "r#type");
        assert_eq!(field_ident("async"), "r#async");
        assert_eq!(field_ident("gen"), "r#gen");
        assert_eq!(field_ident("self"), "self_");
        assert_eq!(field_ident("Self"), "self_");
        assert_eq!(field_ident("super"), "super_");
        assert_eq!(field_ident("crate"), "crate_");
        assert_eq!(field_ident("_"), "field");
    }

    #[test]
    fn fields_are_snake_case_and_start_with_a_letter_or_underscore() {
        assert_eq!(field_ident("petId"), "pet_id");
        assert_eq!(field_ident("X-Rate-Limit"), "x_rate_limit");
        assert_eq!(field_ident("123abc"), "_123abc");
        assert_eq!(field_ident(""), "field");
        assert_eq!(field_ident("@type"), "r#type");
    }

    #[test]
    fn self_type_is_suffixed_and_std_names_are_kept() {
        assert_eq!(type_ident("Self"), "Self_");
        assert_eq!(type_ident("self"), "Self_");
        assert_eq!(type_ident("String"), "String");
        assert_eq!(type_ident("Option"), "Option");
        assert_eq!(type_ident("pet-store_item"), "PetStoreItem");
        assert_eq!(type_ident("2fa"), "T2fa");
    }

    #[test]
    fn nasty_enum_values_get_distinct_variants() {
        let mut scope = SymbolTable::new(&[]).variant_scope();
        let got: Vec<String> = ["10", "+1", "-1", "1", "", "foo", "FOO", "Foo", "é", "e"]
            .iter()
            .map(|v| scope.variant(v))
            .collect();
        assert_eq!(
            got,
            [
                "V10", "Plus1", "Minus1", "V1", "Empty", "Foo", "Foo2", "Foo3", "U00e9", "E"
            ]
        );
    }

    #[test]
    fn clashes_are_numbered_in_claim_order() {
        let mut t = SymbolTable::new(&["Tools", "Call"]);
        assert_eq!(t.type_name("call"), "Call2");
        assert_eq!(t.type_name("Pet"), "Pet");
        assert_eq!(t.type_name("pet"), "Pet2");
        let mut f = t.field_scope();
        assert_eq!(f.field("fooBar"), "foo_bar");
        assert_eq!(f.field("foo_bar"), "foo_bar_2");
        assert_eq!(f.field("type"), "r#type");
        assert_eq!(f.field("Type"), "type_2");
        assert_eq!(f.field("self"), "self_");
        assert_eq!(f.field("Self"), "self_2");
        assert_eq!(t.type_name("Self"), "Self_");
        assert_eq!(t.type_name("self"), "Self2");
    }

    #[test]
    fn raw_idents_round_trip_to_tokens() {
        assert_eq!(to_ident("r#type").to_string(), "r#type");
        assert_eq!(unraw("r#type"), "type");
        assert_eq!(to_ident("pet_id").to_string(), "pet_id");
    }
}
