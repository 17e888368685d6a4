//! The JSON Schema keyword vocabulary: one classified table every module reads (renderers,
//! validator, request builder, differ, code generator), so a keyword means the same thing
//! everywhere and a new one is added in one place.
//!
//! # The canonical-schema contract
//!
//! A tool's input schema in a [`Manifest`](crate::Manifest) (the *canonical* schema, built by
//! the model from OpenAPI, or written by hand for run-time tools) is plain JSON Schema 2020-12
//! restricted to the keywords marked [`Keyword::canonical`] below:
//!
//! - the top level is `type: object` with `properties`; shared schemas live in top-level
//!   `$defs` and are referenced as `#/$defs/<escaped name>` (see [`crate::pointer`]);
//! - no OpenAPI-only keyword: no `nullable` (a `null` type or an `anyOf` branch instead), no
//!   boolean `exclusiveMinimum`/`exclusiveMaximum` (numbers), no `example` (`examples`), no
//!   `discriminator`, `xml`, `externalDocs`, `x-*`, `readOnly`/`writeOnly` (read-only
//!   properties are dropped from inputs), no `definitions`, `$anchor` or `$id`;
//! - `format` is asserted by the validator for the formats it knows (see
//!   [`crate::validate`]), so it is classed as a constraint, not an annotation.
//!
//! Consumers may still meet other keywords (hand-written manifests, provider output such as
//! Gemini's `nullable`): they look them up here and treat an unknown keyword as something they
//! cannot honour (a renderer notes it, the code generator falls back to run-time validation).
//!
//! ```
//! use openapi_tools_runtime::keywords::{self, Applies, Kind};
//!
//! let k = keywords::lookup("minLength").unwrap();
//! assert_eq!((k.kind, k.applies, k.canonical), (Kind::Constraint, Applies::String, true));
//! assert!(keywords::is_annotation("description"));
//! assert!(!keywords::is_canonical("nullable"));
//! assert!(keywords::rank("type") < keywords::rank("properties"));
//! ```

/// What a keyword does to the set of values a schema accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Identifies the schema or holds definitions; says nothing about a value.
    Core,
    /// Describes a value (prose, defaults, hints) without changing what is accepted.
    Annotation,
    /// Restricts the accepted values by itself (`type`, `minLength`, `required`, ...).
    Constraint,
    /// Applies subschemas to the value or to its parts (`properties`, `items`, `anyOf`, ...).
    Applicator,
    /// Stands for another schema (`$ref`).
    Reference,
}

/// Which JSON values a keyword applies to; on any other value it is ignored (a `minLength`
/// never rejects a number).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applies {
    /// Every value.
    Any,
    /// Strings.
    String,
    /// Numbers (`integer` included).
    Number,
    /// Arrays.
    Array,
    /// Objects.
    Object,
}

impl Applies {
    /// The JSON Schema type name (`None` for [`Applies::Any`]).
    pub fn type_name(self) -> Option<&'static str> {
        match self {
            Applies::Any => None,
            Applies::String => Some("string"),
            Applies::Number => Some("number"),
            Applies::Array => Some("array"),
            Applies::Object => Some("object"),
        }
    }
}

/// One keyword of the vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keyword {
    /// The keyword as written.
    pub name: &'static str,
    /// What it does.
    pub kind: Kind,
    /// The values it applies to.
    pub applies: Applies,
    /// Whether a canonical schema may hold it (the contract above).
    pub canonical: bool,
}

/// Declares [`KEYWORDS`] and [`rank`] from one list, so the two cannot disagree; `rank` is a
/// `match`, so classifying a key costs no hashing (renderers classify every key they see).
macro_rules! vocabulary {
    ($($name:literal => $kind:ident, $applies:ident, $canonical:literal;)*) => {
        /// Every keyword, in the order renderers emit them: identity and prose first (what a
        /// model reads first), then the value space, then structure, then definitions.
        pub const KEYWORDS: &[Keyword] = &[$(Keyword {
            name: $name,
            kind: Kind::$kind,
            applies: Applies::$applies,
            canonical: $canonical,
        }),*];

        /// Position of a keyword in [`KEYWORDS`]; `KEYWORDS.len()` for an unknown keyword (so
        /// sorting by rank puts unknown keywords last).
        pub fn rank(keyword: &str) -> usize {
            let mut i = 0usize;
            $(
                if keyword == $name {
                    return i;
                }
                i += 1;
            )*
            i
        }
    };
}

vocabulary! {
    "$schema" => Core, Any, false;
    "$id" => Core, Any, false;
    "$anchor" => Core, Any, false;
    "$ref" => Reference, Any, true;
    "type" => Constraint, Any, true;
    "title" => Annotation, Any, true;
    "description" => Annotation, Any, true;
    "nullable" => Constraint, Any, false;
    "enum" => Constraint, Any, true;
    "const" => Constraint, Any, true;
    "format" => Constraint, String, true;
    "pattern" => Constraint, String, true;
    "minLength" => Constraint, String, true;
    "maxLength" => Constraint, String, true;
    "minimum" => Constraint, Number, true;
    "exclusiveMinimum" => Constraint, Number, true;
    "maximum" => Constraint, Number, true;
    "exclusiveMaximum" => Constraint, Number, true;
    "multipleOf" => Constraint, Number, true;
    "contentEncoding" => Annotation, String, true;
    "contentMediaType" => Annotation, String, true;
    "properties" => Applicator, Object, true;
    "required" => Constraint, Object, true;
    "additionalProperties" => Applicator, Object, true;
    "minProperties" => Constraint, Object, true;
    "maxProperties" => Constraint, Object, true;
    "items" => Applicator, Array, true;
    "minItems" => Constraint, Array, true;
    "maxItems" => Constraint, Array, true;
    "uniqueItems" => Constraint, Array, true;
    "anyOf" => Applicator, Any, true;
    "oneOf" => Applicator, Any, true;
    "allOf" => Applicator, Any, true;
    "not" => Applicator, Any, true;
    "default" => Annotation, Any, true;
    "examples" => Annotation, Any, true;
    "example" => Annotation, Any, false;
    "deprecated" => Annotation, Any, true;
    "readOnly" => Annotation, Any, false;
    "writeOnly" => Annotation, Any, false;
    "$comment" => Core, Any, false;
    "if" => Applicator, Any, false;
    "then" => Applicator, Any, false;
    "else" => Applicator, Any, false;
    "dependentSchemas" => Applicator, Object, false;
    "dependentRequired" => Constraint, Object, false;
    "patternProperties" => Applicator, Object, false;
    "propertyNames" => Applicator, Object, false;
    "prefixItems" => Applicator, Array, false;
    "contains" => Applicator, Array, false;
    "minContains" => Constraint, Array, false;
    "maxContains" => Constraint, Array, false;
    "unevaluatedProperties" => Applicator, Object, false;
    "unevaluatedItems" => Applicator, Array, false;
    "$dynamicRef" => Reference, Any, false;
    "$recursiveRef" => Reference, Any, false;
    "definitions" => Core, Any, false;
    "$defs" => Core, Any, true;
}

/// The entry for `keyword`, or `None` when the vocabulary does not know it.
pub fn lookup(keyword: &str) -> Option<&'static Keyword> {
    KEYWORDS.get(rank(keyword))
}

/// Whether `keyword` never changes what a schema accepts (annotations and core keywords such as
/// `$defs` and `$comment`). Unknown keywords are not: a consumer cannot know they are harmless.
pub fn is_annotation(keyword: &str) -> bool {
    lookup(keyword).is_some_and(|k| matches!(k.kind, Kind::Annotation | Kind::Core))
}

/// Whether a canonical schema may hold `keyword` (the contract in the module docs).
pub fn is_canonical(keyword: &str) -> bool {
    lookup(keyword).is_some_and(|k| k.canonical)
}

/// The type `keyword` applies to (`"string"`, `"number"`, `"array"`, `"object"`), or `None`
/// when it applies to every value or is unknown.
pub fn applies_to(keyword: &str) -> Option<&'static str> {
    lookup(keyword).and_then(|k| k.applies.type_name())
}

/// Whether `keyword` says what shape a value has (a type, a structure, values, or a reference)
/// rather than only narrowing a shape given elsewhere: a `oneOf` branch with none of these
/// only adds constraints to its parent.
pub fn is_shape(keyword: &str) -> bool {
    matches!(
        keyword,
        "$ref"
            | "type"
            | "properties"
            | "items"
            | "enum"
            | "const"
            | "anyOf"
            | "oneOf"
            | "allOf"
            | "additionalProperties"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn rank_and_table_agree() {
        let mut seen = HashSet::new();
        for (i, k) in KEYWORDS.iter().enumerate() {
            assert!(seen.insert(k.name), "{} listed twice", k.name);
            assert_eq!(rank(k.name), i);
            assert_eq!(lookup(k.name), Some(k));
        }
        assert_eq!(rank("x-unknown"), KEYWORDS.len());
        assert_eq!(lookup("x-unknown"), None);
    }

    #[test]
    fn openapi_only_keywords_are_not_canonical() {
        for k in [
            "nullable",
            "example",
            "discriminator",
            "xml",
            "readOnly",
            "writeOnly",
            "definitions",
            "$anchor",
            "$id",
            "x-foo",
        ] {
            assert!(!is_canonical(k), "{k}");
        }
        for k in [
            "type",
            "properties",
            "$ref",
            "$defs",
            "examples",
            "minLength",
        ] {
            assert!(is_canonical(k), "{k}");
        }
    }

    #[test]
    fn classification() {
        assert_eq!(applies_to("minLength"), Some("string"));
        assert_eq!(applies_to("multipleOf"), Some("number"));
        assert_eq!(applies_to("uniqueItems"), Some("array"));
        assert_eq!(applies_to("required"), Some("object"));
        assert_eq!(applies_to("enum"), None);
        assert!(is_annotation("examples") && is_annotation("$defs") && is_annotation("readOnly"));
        assert!(!is_annotation("format") && !is_annotation("x-unknown"));
        assert!(is_shape("$ref") && !is_shape("minLength") && !is_shape("description"));
    }
}
