//! Property-style test of the schema walk: for edits of a small schema (drop an enum value,
//! drop a property, add a required property, narrow a bound), inside and outside unions, alone
//! and in pairs, in both directions, the report is breaking exactly when some argument object
//! valid before is invalid after. Validity is decided by the runtime [`Validator`] over a pool
//! of argument objects that holds a witness for every edit (each enum value, each bound, each
//! property present and absent).

use serde_json::{Value, json};

use super::testkit::{diff_tools, with_schema};
use crate::manifest::HttpMethod;
use crate::validate::Validator;

/// Closed objects throughout: a property a caller sends that the schema does not declare is
/// rejected, so dropping a property breaks exactly the callers that send it. (In an open
/// object the tool still accepts it; that case is a rule test in `schema_tests.rs`.)
fn base() -> Value {
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["a"],
        "properties": {
            "a": {"type": "string", "enum": ["x", "y", "z"]},
            "n": {"type": "integer", "minimum": 0, "maximum": 10},
            "s": {"type": "string", "maxLength": 4},
            "u": {"anyOf": [
                {"type": "string", "enum": ["p", "q"]},
                {"type": "integer", "minimum": 0, "maximum": 5}
            ]},
            "o": {
                "type": "object",
                "additionalProperties": false,
                "properties": {
                    "k": {"type": "string", "enum": ["k1", "k2"]},
                    "m": {"type": "integer", "maximum": 3}
                },
                "anyOf": [{"required": ["k"]}, {"required": ["m"]}]
            }
        }
    })
}

/// One edit: what it does and where.
#[derive(Debug, Clone, Copy)]
enum Edit {
    DropEnumValue(&'static str, usize),
    DropProperty(&'static str, &'static str),
    AddRequired(&'static str, &'static str),
    Lower(&'static str, &'static str),
}

const EDITS: &[Edit] = &[
    Edit::DropEnumValue("/properties/a", 0),
    Edit::DropEnumValue("/properties/a", 2),
    Edit::DropEnumValue("/properties/u/anyOf/0", 1),
    Edit::DropEnumValue("/properties/o/properties/k", 0),
    Edit::DropProperty("", "a"),
    Edit::DropProperty("", "n"),
    Edit::DropProperty("", "u"),
    Edit::DropProperty("", "o"),
    Edit::DropProperty("/properties/o", "k"),
    Edit::DropProperty("/properties/o", "m"),
    Edit::AddRequired("", "n"),
    Edit::AddRequired("", "u"),
    Edit::AddRequired("/properties/o", "k"),
    Edit::AddRequired("/properties/o/anyOf/0", "m"),
    Edit::AddRequired("/properties/o/anyOf/1", "k"),
    Edit::Lower("/properties/n", "maximum"),
    Edit::Lower("/properties/s", "maxLength"),
    Edit::Lower("/properties/u/anyOf/1", "maximum"),
    Edit::Lower("/properties/o/properties/m", "maximum"),
];

fn apply(schema: &mut Value, edit: Edit) {
    match edit {
        Edit::DropEnumValue(p, i) => {
            if let Some(Value::Array(values)) = schema.pointer_mut(&format!("{p}/enum"))
                && i < values.len()
            {
                values.remove(i);
            }
        }
        Edit::DropProperty(p, name) => {
            if let Some(Value::Object(props)) = schema.pointer_mut(&format!("{p}/properties")) {
                props.remove(name);
            }
            if let Some(Value::Array(req)) = schema.pointer_mut(&format!("{p}/required")) {
                req.retain(|r| r != name);
            }
        }
        Edit::AddRequired(p, name) => {
            if let Some(Value::Object(node)) = schema.pointer_mut(p) {
                let req = node.entry("required").or_insert_with(|| json!([]));
                if let Value::Array(req) = req
                    && !req.iter().any(|r| r == name)
                {
                    req.push(json!(name));
                }
            }
        }
        Edit::Lower(p, key) => {
            if let Some(v) = schema.pointer_mut(&format!("{p}/{key}")) {
                *v = json!(v.as_i64().unwrap_or(0) - 1);
            }
        }
    }
}

/// Every combination of a few values per property (absent included), each enum value and
/// each bound among them.
fn pool() -> Vec<Value> {
    let a = [None, Some(json!("x")), Some(json!("y")), Some(json!("z"))];
    let n = [None, Some(json!(0)), Some(json!(10))];
    let s = [None, Some(json!("")), Some(json!("abcd"))];
    let u = [
        None,
        Some(json!("p")),
        Some(json!("q")),
        Some(json!(0)),
        Some(json!(5)),
    ];
    let o = [
        None,
        Some(json!({})),
        Some(json!({"k": "k1"})),
        Some(json!({"k": "k2"})),
        Some(json!({"m": 3})),
        Some(json!({"k": "k1", "m": 3})),
    ];
    let mut out = Vec::new();
    for a in &a {
        for n in &n {
            for s in &s {
                for u in &u {
                    for o in &o {
                        let mut m = serde_json::Map::new();
                        for (k, v) in [("a", a), ("n", n), ("s", s), ("u", u), ("o", o)] {
                            if let Some(v) = v {
                                m.insert(k.to_owned(), v.clone());
                            }
                        }
                        out.push(Value::Object(m));
                    }
                }
            }
        }
    }
    out
}

/// An argument object valid under `old` and invalid under `new`, if the pool has one.
fn witness<'p>(old: &Value, new: &Value, pool: &'p [Value]) -> Option<&'p Value> {
    let (vo, vn) = (Validator::new(old), Validator::new(new));
    pool.iter()
        .find(|i| vo.validate(i).is_empty() && !vn.validate(i).is_empty())
}

fn check(old: &Value, new: &Value, what: &str, pool: &[Value]) {
    let tool = |s: &Value| with_schema("t", HttpMethod::Post, "/t", s.clone());
    let report = diff_tools(tool(old), tool(new));
    let broken = witness(old, new, pool);
    assert_eq!(
        report.breaking,
        broken.is_some(),
        "{what}: report says breaking={}, witness {broken:?}\n{:#?}",
        report.breaking,
        report.changes
    );
}

/// A small deterministic generator (SplitMix64), so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) % n as u64) as usize
    }
}

#[test]
fn breaking_exactly_when_a_valid_argument_object_becomes_invalid() {
    let pool = pool();
    let base = base();
    // The pool exercises the base schema: some objects valid, some not.
    let v = Validator::new(&base);
    assert!(pool.iter().any(|i| v.validate(i).is_empty()));
    assert!(pool.iter().any(|i| !v.validate(i).is_empty()));

    let mut cases: Vec<Vec<Edit>> = EDITS.iter().map(|e| vec![*e]).collect();
    let mut rng = Rng(13);
    for _ in 0..40 {
        let first = EDITS[rng.below(EDITS.len())];
        let second = EDITS[rng.below(EDITS.len())];
        cases.push(vec![first, second]);
    }
    for edits in cases {
        let mut edited = base.clone();
        for e in &edits {
            apply(&mut edited, *e);
        }
        check(&base, &edited, &format!("{edits:?}"), &pool);
        check(&edited, &base, &format!("reverse of {edits:?}"), &pool);
    }
}
