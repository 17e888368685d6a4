//! Header and cookie parameters.
//!
//! Headers use the `simple` style and are not percent-encoded (HTTP has no such encoding for
//! header values); instead a value containing CR, LF, NUL or another control character (tab
//! excepted) is refused, because it could end the header and inject new ones. Header names
//! must be RFC 9110 tokens. Cookies use the `form` style and are sent together as one
//! `Cookie: a=b; c=d` header, values percent-encoded outside RFC 6265's cookie-octets.

use serde_json::Value;

use super::encode::{COOKIE, Shape, enc};

/// Whether `name` is an RFC 9110 token (what a header field name must be).
pub(crate) fn is_token(name: &str) -> bool {
    !name.is_empty()
        && name.bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(
                    b,
                    b'!' | b'#'
                        | b'$'
                        | b'%'
                        | b'&'
                        | b'\''
                        | b'*'
                        | b'+'
                        | b'-'
                        | b'.'
                        | b'^'
                        | b'_'
                        | b'`'
                        | b'|'
                        | b'~'
                )
        })
}

/// Header names a tool argument may never set: the client owns framing and routing (`Host`,
/// `Content-Length`, `Transfer-Encoding`, `Connection`, `Upgrade`, `TE`, `Trailer`,
/// `Keep-Alive`, `Proxy-*`) and credentials (`Authorization`, `Cookie`). OpenAPI forbids
/// `Authorization` and `Content-Type`/`Accept` header parameters too; the model drops them when
/// it can, and this check holds at run time for manifests from anywhere.
pub fn forbidden_header(name: &str) -> bool {
    const NAMES: &[&str] = &[
        "host",
        "content-length",
        "transfer-encoding",
        "connection",
        "upgrade",
        "te",
        "trailer",
        "keep-alive",
        "authorization",
        "cookie",
    ];
    NAMES.iter().any(|n| n.eq_ignore_ascii_case(name))
        || name
            .get(..6)
            .is_some_and(|p| p.eq_ignore_ascii_case("proxy-"))
}

/// The first character that may not appear in a header value, if any.
pub(crate) fn forbidden_char(value: &str) -> Option<char> {
    value
        .chars()
        .find(|c| (c.is_ascii_control() && *c != '\t') || *c == '\u{7f}')
}

/// How a forbidden character is named in a message.
pub(crate) fn char_name(c: char) -> String {
    match c {
        '\r' => "a carriage return (CR)".to_owned(),
        '\n' => "a line feed (LF)".to_owned(),
        '\0' => "a NUL character".to_owned(),
        other => format!("the control character U+{:04X}", u32::from(other)),
    }
}

/// Header text for a value (`simple` style); `None` for null.
pub(crate) fn header_value(explode: bool, value: &Value) -> Option<String> {
    Shape::of(value).map(|s| s.simple(explode, &|t: &str| t.to_owned()))
}

/// `name=value` cookie pairs (`form` style) for one parameter; empty for null.
pub(crate) fn cookie_pairs(name: &str, explode: bool, value: &Value) -> Vec<String> {
    let e = |s: &str| enc(s, COOKIE);
    let n = e(name);
    match Shape::of(value) {
        None => Vec::new(),
        Some(Shape::Scalar(s)) => vec![format!("{n}={}", e(&s))],
        Some(Shape::List(items)) if explode => {
            items.iter().map(|i| format!("{n}={}", e(i))).collect()
        }
        Some(Shape::List(items)) => {
            let joined: Vec<String> = items.iter().map(|i| e(i)).collect();
            vec![format!("{n}={}", joined.join(","))]
        }
        Some(Shape::Pairs(ps)) if explode => ps
            .iter()
            .map(|(k, v)| format!("{}={}", e(k), e(v)))
            .collect(),
        Some(Shape::Pairs(ps)) => {
            let joined: Vec<String> = ps.iter().flat_map(|(k, v)| [e(k), e(v)]).collect();
            vec![format!("{n}={}", joined.join(","))]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tokens() {
        assert!(is_token("X-Request-Id"));
        assert!(!is_token("X Request"));
        assert!(!is_token("X:Y"));
        assert!(!is_token(""));
        assert!(!is_token("Ünicode"));
    }

    #[test]
    fn forbidden_chars() {
        assert_eq!(forbidden_char("a\tb"), None);
        assert_eq!(forbidden_char("a\r\nX-Evil: 1"), Some('\r'));
        assert_eq!(forbidden_char("a\u{0}"), Some('\0'));
        assert_eq!(forbidden_char("ünïcode"), None);
    }

    #[test]
    fn cookies() {
        assert_eq!(cookie_pairs("s", true, &json!("a b;c")), ["s=a%20b%3Bc"]);
        assert_eq!(
            cookie_pairs("c", false, &json!(["x", "y,z"])),
            ["c=x,y%2Cz"]
        );
        assert_eq!(cookie_pairs("c", true, &json!(["x", "y"])), ["c=x", "c=y"]);
        assert_eq!(
            cookie_pairs("c", true, &json!({"R": 1, "G": 2})),
            ["R=1", "G=2"]
        );
    }
}
