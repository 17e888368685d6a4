//! The intermediate form between canonical JSON Schemas and Rust tokens.
//!
//! Lowering ([`super::lower`]) turns schemas into [`Node`]s (the Rust type of a value plus the
//! checks serde cannot express) and named [`TypeDef`]s; emission ([`super::emit`],
//! [`super::checks`]) turns those into tokens. Keeping the two apart lets the recursion analysis
//! (which references need a `Box`) and the "does this type need a check" fixpoint run on plain
//! data.

/// Index of a named type in [`crate::codegen::lower::Lowered::types`].
pub type TypeId = usize;

/// The Rust type of one value, with the constraints checked after deserialisation.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// What the value deserialises into.
    pub kind: Kind,
    /// Constraints on the value itself (not on its children).
    pub checks: Vec<Check>,
}

impl Node {
    /// A node without checks.
    pub fn new(kind: Kind) -> Self {
        Node {
            kind,
            checks: Vec::new(),
        }
    }

    /// `serde_json::Value` that the fast path cannot vouch for (the runtime validator decides).
    pub fn opaque() -> Self {
        Node {
            kind: Kind::Any,
            checks: vec![Check::Never],
        }
    }

    /// `Option<self>`.
    pub fn optional(self) -> Self {
        Node::new(Kind::Option(Box::new(self)))
    }
}

/// Rust type shapes.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// `bool`
    Bool,
    /// `i64`
    Int,
    /// `serde_json::Number` (not `f64`: `1` must stay `1` on the wire, not become `1.0`)
    Num,
    /// `String`
    Str,
    /// `serde_json::Value`
    Any,
    /// `serde_json::Map<String, Value>` (an object with no declared properties)
    JsonMap,
    /// A generated struct or enum.
    Named(TypeId),
    /// `Vec<T>`
    Vec(Box<Node>),
    /// `BTreeMap<String, T>`
    Map(Box<Node>),
    /// `Option<T>`
    Option(Box<Node>),
}

/// A constraint the fast path checks. The checks only ever decide "certainly valid"; a failing
/// check sends the arguments to the runtime validator, which has the final word and the messages.
#[derive(Debug, Clone, PartialEq)]
pub enum Check {
    /// Length in code points within bounds (`u64::MAX` = unbounded).
    Len(u64, u64),
    /// Index into the tool set's pattern table.
    Pattern(usize),
    /// `format` (or `contentEncoding: base64`) checked with the runtime's `formats::check`
    /// (strings) or `formats::check_number` (numbers).
    Format(String),
    /// `minimum` / `exclusiveMinimum` (`true` = exclusive).
    Min(f64, bool),
    /// `maximum` / `exclusiveMaximum` (`true` = exclusive).
    Max(f64, bool),
    /// `multipleOf`.
    MultipleOf(f64),
    /// Item / property count within bounds.
    Count(u64, u64),
    /// `uniqueItems: true`.
    Unique,
    /// A non-string `enum` of integers.
    IntIn(Vec<i64>),
    /// Something the fast path does not check: always defer to the validator.
    Never,
}

/// A named generated type.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    /// The Rust identifier (from the symbol table).
    pub name: String,
    /// First line of the schema description, for a doc comment.
    pub doc: Option<String>,
    /// What it is.
    pub body: Body,
}

/// The kinds of named types.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// Reserved but never reached (its tool was skipped); not emitted.
    Pending,
    /// A struct from an object schema with properties.
    Struct(Struct),
    /// A Rust enum from a string `enum` or `const`.
    Enum(Vec<Variant>),
    /// An untagged enum from `oneOf` / `anyOf`.
    Union(Union),
}

/// A struct.
#[derive(Debug, Clone, PartialEq)]
pub struct Struct {
    /// Fields in schema order.
    pub fields: Vec<Field>,
    /// `additionalProperties: false`: unknown keys fail deserialisation (the fast path) and the
    /// validator reports them (the slow path).
    pub deny_unknown: bool,
    /// `additionalProperties: <schema>` or `true` next to properties: a flattened map.
    pub extra: Option<(String, Node)>,
    /// Object-level constraints (only [`Check::Never`] so far).
    pub checks: Vec<Check>,
}

/// How presence and `null` map onto `Option`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldMode {
    /// Required, not nullable: `T`.
    Required,
    /// Required and nullable: `Option<T>` that must be present.
    RequiredNullable,
    /// Optional, not nullable: `Option<T>`, `null` read as absent.
    Optional,
    /// Optional and nullable: `Option<Option<T>>`, so an explicit `null` is kept and sent.
    OptionalNullable,
}

/// One struct field.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The JSON (tool-facing) property name.
    pub json: String,
    /// The Rust identifier text (may be raw: `r#type`).
    pub ident: String,
    /// The value's node, before the `Option` wrapping that [`Field::mode`] implies.
    pub node: Node,
    /// Presence and nullability.
    pub mode: FieldMode,
    /// First line of the property description.
    pub doc: Option<String>,
}

impl Field {
    /// The node of the field as declared (with its `Option` layers).
    pub fn declared(&self) -> Node {
        match self.mode {
            FieldMode::Required => self.node.clone(),
            FieldMode::RequiredNullable | FieldMode::Optional => self.node.clone().optional(),
            FieldMode::OptionalNullable => self.node.clone().optional().optional(),
        }
    }
}

/// One variant of a string enum.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// Rust identifier text.
    pub ident: String,
    /// The JSON string.
    pub value: String,
}

/// An untagged union.
#[derive(Debug, Clone, PartialEq)]
pub struct Union {
    /// Members in schema order (serde tries them in this order).
    pub variants: Vec<(String, Node)>,
    /// Whether "the first member that deserialises and passes its checks" implies the union's
    /// schema holds: always for `anyOf`; for `oneOf` only when members are provably disjoint.
    pub exact: bool,
}
