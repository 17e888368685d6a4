//! JSON Pointers (RFC 6901) and local `$ref`s: the one implementation every module uses.
//!
//! A `$ref` is a URI reference; its fragment is percent-encoded (RFC 3986) and, once decoded,
//! a JSON Pointer whose tokens escape `~` as `~0` and `/` as `~1`. Decoding therefore runs in
//! that order: percent-decode the whole fragment ([`percent_decode`]), then split it into tokens
//! and unescape each ([`unescape`]). Every module resolving a `$ref` goes through [`resolve`] or
//! [`ref_pointer`], so `#/$defs/a%20b` means the same thing to the validator, the renderers,
//! the request builder and the differ.
//!
//! ```
//! use openapi_tools_runtime::pointer;
//! use serde_json::json;
//!
//! let root = json!({"$defs": {"a b": {"type": "string"}, "x/y": {"type": "integer"}}});
//! assert_eq!(pointer::resolve(&root, "#/$defs/a%20b"), Some(&json!({"type": "string"})));
//! assert_eq!(pointer::join("/$defs", "x/y"), "/$defs/x~1y");
//! assert_eq!(pointer::resolve(&root, "#/$defs/x~1y"), Some(&json!({"type": "integer"})));
//! assert_eq!(pointer::def_name("#/$defs/x~1y"), Some("x/y".into()));
//! ```

use std::borrow::Cow;

use serde_json::Value;

/// The prefix of a reference to a definition of the canonical schema.
pub const DEFS_PREFIX: &str = "#/$defs/";

/// Escapes one token (`~` -> `~0`, `/` -> `~1`); borrows when nothing needs escaping.
pub fn escape(token: &str) -> Cow<'_, str> {
    if token.bytes().any(|b| b == b'~' || b == b'/') {
        token.replace('~', "~0").replace('/', "~1").into()
    } else {
        token.into()
    }
}

/// Undoes [`escape`] on one token (`~1` first, then `~0`, as RFC 6901 section 4 requires, so
/// `~01` becomes `~1`, not `/`).
pub fn unescape(token: &str) -> Cow<'_, str> {
    if token.contains('~') {
        token.replace("~1", "/").replace("~0", "~").into()
    } else {
        token.into()
    }
}

/// Appends one escaped token to `ptr`.
pub fn push(ptr: &mut String, token: &str) {
    ptr.push('/');
    ptr.push_str(&escape(token));
}

/// `ptr` with one escaped token appended.
pub fn join(ptr: &str, token: &str) -> String {
    let mut out = String::with_capacity(ptr.len() + token.len() + 1);
    out.push_str(ptr);
    push(&mut out, token);
    out
}

/// The unescaped tokens of a pointer (`""` has none; `"/"` has one empty token).
pub fn tokens(ptr: &str) -> impl Iterator<Item = Cow<'_, str>> {
    ptr.strip_prefix('/')
        .map(|rest| rest.split('/').map(unescape))
        .into_iter()
        .flatten()
}

/// Decodes `%XX` escapes (exactly two hex digits; `%+f`, `%4` and `%zz` stay as written). When
/// the decoded bytes are not UTF-8 the text is returned unchanged: it was not a percent-encoded
/// pointer.
pub fn percent_decode(s: &str) -> Cow<'_, str> {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .unwrap_or(Cow::Borrowed(s))
}

/// The JSON Pointer a local reference (`#`, `#/...`) names, percent-decoded; `None` for a
/// reference into another document.
pub fn ref_pointer(reference: &str) -> Option<Cow<'_, str>> {
    reference.strip_prefix('#').map(percent_decode)
}

/// The value a local `$ref` names inside `root` (`#` is the root itself); `None` when the
/// reference is not local or names nothing.
pub fn resolve<'a>(root: &'a Value, reference: &str) -> Option<&'a Value> {
    let ptr = ref_pointer(reference)?;
    if ptr.contains('~') {
        return root.pointer(&ptr);
    }
    // Nothing to unescape: `Value::pointer` without its two copies of every token (renderers
    // resolve a big document's references hundreds of thousands of times).
    if ptr.is_empty() {
        return Some(root);
    }
    ptr.strip_prefix('/')?
        .split('/')
        .try_fold(root, |target, token| match target {
            Value::Object(m) => m.get(token),
            Value::Array(a) => array_index(token).and_then(|i| a.get(i)),
            _ => None,
        })
}

/// An array index token as `Value::pointer` reads it: decimal digits, no sign, no leading zero.
fn array_index(token: &str) -> Option<usize> {
    if token.starts_with('+') || (token.starts_with('0') && token.len() != 1) {
        return None;
    }
    token.parse().ok()
}

/// The definition name of `#/$defs/Name` (decoded and unescaped); `None` for any other
/// reference, including a pointer into a definition (`#/$defs/A/properties/b`).
pub fn def_name(reference: &str) -> Option<String> {
    let ptr = ref_pointer(reference)?;
    let rest = ptr.strip_prefix("/$defs/")?;
    (!rest.contains('/')).then(|| unescape(rest).into_owned())
}

/// The definition a local reference points into (`#/$defs/A/properties/b` -> `A`).
pub fn def_of(reference: &str) -> Option<String> {
    let ptr = ref_pointer(reference)?;
    let rest = ptr.strip_prefix("/$defs/")?;
    let name = rest.split('/').next()?;
    Some(unescape(name).into_owned())
}

/// A short human label for what a reference names, for descriptions and messages: the
/// definition name of `#/$defs/Name`, else the last token of the pointer (decoded and
/// unescaped), else the reference as written.
pub fn ref_label(reference: &str) -> String {
    if let Some(name) = def_name(reference) {
        return name;
    }
    let decoded = percent_decode(reference);
    match decoded.rsplit('/').next() {
        Some(last) if !last.is_empty() && last != "#" => unescape(last).into_owned(),
        _ => reference.to_owned(),
    }
}

/// The local reference to definition `name` (`#/$defs/` + escaped name). Not percent-encoded:
/// a JSON string carries any character, and [`resolve`] accepts both forms.
pub fn def_ref(name: &str) -> String {
    format!("{DEFS_PREFIX}{}", escape(name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn escaping_round_trips() {
        for t in ["plain", "a/b", "a~b", "~1", "~01", "/~/", ""] {
            assert_eq!(unescape(&escape(t)), t);
        }
        assert_eq!(escape("a~/b"), "a~0~1b");
        assert_eq!(unescape("~01"), "~1");
        assert!(matches!(escape("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn ref_labels_name_the_target() {
        assert_eq!(ref_label("#/$defs/a~1b"), "a/b");
        assert_eq!(ref_label("#/$defs/a%20b"), "a b");
        assert_eq!(ref_label("#/components/schemas/Pet~0x"), "Pet~x");
        assert_eq!(ref_label("#/$defs/A/properties/b"), "b");
        assert_eq!(ref_label("#"), "#");
        assert_eq!(ref_label("other.yaml"), "other.yaml");
    }

    #[test]
    fn percent_decoding_takes_exactly_two_hex_digits() {
        assert_eq!(percent_decode("a%20b"), "a b");
        assert_eq!(percent_decode("%7Bid%7d"), "{id}");
        assert_eq!(percent_decode("%+f%4%zz%41"), "%+f%4%zzA");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%C3%A9"), "é");
        // Not UTF-8 once decoded: left as written.
        assert_eq!(percent_decode("%FF"), "%FF");
    }

    #[test]
    fn tokens_split_and_unescape() {
        assert_eq!(tokens("").count(), 0);
        assert_eq!(tokens("/").collect::<Vec<_>>(), [""]);
        assert_eq!(tokens("/a~1b/~0/2").collect::<Vec<_>>(), ["a/b", "~", "2"]);
        let mut p = String::new();
        push(&mut p, "a/b");
        push(&mut p, "~");
        assert_eq!(p, "/a~1b/~0");
        assert_eq!(join("", "x"), "/x");
    }

    #[test]
    fn local_references_resolve_once_decoded() {
        let root = json!({"$defs": {"a b": {"const": 1}, "a/b": {"const": 2}, "%": {"const": 3},
            "A": {"properties": {"b": {"const": 4}}}}});
        assert_eq!(resolve(&root, "#"), Some(&root));
        assert_eq!(resolve(&root, "#/$defs/a%20b"), Some(&json!({"const": 1})));
        assert_eq!(
            resolve(&root, "#/%24defs/a%20b"),
            Some(&json!({"const": 1}))
        );
        assert_eq!(resolve(&root, "#/$defs/a~1b"), Some(&json!({"const": 2})));
        assert_eq!(resolve(&root, "#/$defs/%25"), Some(&json!({"const": 3})));
        assert_eq!(
            resolve(&root, "#/$defs/A/properties/b"),
            Some(&json!({"const": 4}))
        );
        assert_eq!(resolve(&root, "#/$defs/missing"), None);
        assert_eq!(resolve(&root, "other.json#/$defs/A"), None);
        assert_eq!(resolve(&root, "#$defs"), None);
    }

    #[test]
    fn resolution_is_value_pointer_of_the_decoded_pointer() {
        let root = json!({"$defs": {"A": {"items": [{"const": 0}, {"const": 1}], "": {"e": 1},
            "0": {"const": "key"}}, "a/b": {"const": 2}, "a~b": {"const": 3}},
            "list": [[5, 6], {"k": 7}]});
        for r in [
            "#",
            "#/",
            "#/$defs/A",
            "#/$defs/A/items/1",
            "#/$defs/A/items/01",
            "#/$defs/A/items/+1",
            "#/$defs/A/items/-1",
            "#/$defs/A/items/2",
            "#/$defs/A//e",
            "#/$defs/A/0",
            "#/$defs/a~1b",
            "#/$defs/a~0b",
            "#/$defs/a%2Fb",
            "#/list/0/1",
            "#/list/1/k",
            "#/list/1/k/x",
            "#$defs",
            "#/$defs/B",
            "other.json#/$defs/A",
            "",
        ] {
            let expected = ref_pointer(r).and_then(|p| root.pointer(&p));
            assert_eq!(resolve(&root, r), expected, "{r}");
        }
        assert_eq!(resolve(&root, "#/list/0/1"), Some(&json!(6)));
    }

    #[test]
    fn definition_names() {
        assert_eq!(def_name("#/$defs/a%20b").as_deref(), Some("a b"));
        assert_eq!(def_name("#/$defs/a~1b").as_deref(), Some("a/b"));
        assert_eq!(def_name("#/$defs/A/properties/b"), None);
        assert_eq!(def_name("#/components/schemas/A"), None);
        assert_eq!(def_of("#/$defs/A/properties/b").as_deref(), Some("A"));
        assert_eq!(def_ref("a/b"), "#/$defs/a~1b");
        assert_eq!(def_name(&def_ref("x~y/z")).as_deref(), Some("x~y/z"));
    }
}
