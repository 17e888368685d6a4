//! Path templates: parameter substitution with path-style serialisation.
//!
//! Every parameter value is percent-encoded as (part of) one path segment, so `/`, `?`, `#`
//! and `%` in a value cannot change the path, and a segment that comes out as exactly `.` or
//! `..` is written `%2E` / `%2E%2E` so it cannot traverse. Templates are taken as real specs
//! write them: a fragment (S3's `/{Bucket}#cors`) is dropped, a literal query
//! (`/fax/history?date_from={date_from}`) becomes query pairs, and AWS's greedy `{Key+}` keeps
//! the value's `/` separators (each piece still encoded).

use crate::manifest::ParamStyle;

use super::encode::{self, COMPONENT, PATH_LITERAL, Shape, enc};

/// One piece of a parsed path template.
#[derive(Debug, PartialEq)]
pub(crate) enum Piece<'a> {
    /// Literal text, as written in the spec.
    Lit(&'a str),
    /// `{name}`; `greedy` for AWS `{name+}`.
    Var { name: &'a str, greedy: bool },
}

/// A template split into its path pieces and the literal query text after `?` (if any).
pub(crate) struct Template<'a> {
    pub pieces: Vec<Piece<'a>>,
    pub query: Option<&'a str>,
}

/// Parses a path template. A `#` or `?` inside braces does not count as a delimiter.
pub(crate) fn parse(template: &str) -> Template<'_> {
    let mut end = template.len();
    let mut query = None;
    let mut depth = 0usize;
    for (i, c) in template.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            '#' if depth == 0 => {
                if query.is_none() {
                    end = i;
                }
                break;
            }
            '?' if depth == 0 && query.is_none() => {
                end = i;
                query = Some(i + 1);
            }
            _ => {}
        }
    }
    let query = query.map(|q| {
        let rest = template.get(q..).unwrap_or_default();
        rest.split('#').next().unwrap_or_default()
    });
    let path = template.get(..end).unwrap_or_default();
    Template {
        pieces: pieces(path),
        query,
    }
}

/// Splits `text` into literal and `{var}` pieces (an unclosed brace is literal).
pub(crate) fn pieces(text: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let Some(close_rel) = rest.get(open..).and_then(|r| r.find('}')) else {
            break;
        };
        let close = open + close_rel;
        if open > 0 {
            out.push(Piece::Lit(rest.get(..open).unwrap_or_default()));
        }
        let inner = rest.get(open + 1..close).unwrap_or_default();
        let (name, greedy) = match inner.strip_suffix('+') {
            Some(n) => (n, true),
            None => (inner, false),
        };
        out.push(Piece::Var { name, greedy });
        rest = rest.get(close + 1..).unwrap_or_default();
    }
    if !rest.is_empty() {
        out.push(Piece::Lit(rest));
    }
    out
}

/// Serialises one path parameter value per its style (OpenAPI 3.0.3 style-examples table).
/// `name` is the wire name (used by `matrix`). `None` for null.
pub(crate) fn serialize(
    style: ParamStyle,
    explode: bool,
    name: &str,
    value: &serde_json::Value,
    greedy: bool,
) -> Option<String> {
    let shape = Shape::of(value)?;
    let e = |s: &str| -> String {
        if greedy {
            encode::join(s.split('/').map(|p| enc(p, COMPONENT)), "/")
        } else {
            enc(s, COMPONENT)
        }
    };
    let n = enc(name, COMPONENT);
    Some(match style {
        ParamStyle::Label => {
            // 3.0.3 table: label arrays and objects are `.`-separated whether exploded or not.
            match &shape {
                Shape::Scalar(s) => format!(".{}", e(s)),
                Shape::List(items) => {
                    format!(".{}", encode::join(items.iter().map(|i| e(i)), "."))
                }
                Shape::Pairs(pairs) => format!(".{}", encode::pairs_text(pairs, explode, ".", &e)),
            }
        }
        ParamStyle::Matrix => match &shape {
            Shape::Scalar(s) if s.is_empty() => format!(";{n}"),
            Shape::Scalar(s) => format!(";{n}={}", e(s)),
            Shape::List(items) if items.is_empty() => format!(";{n}"),
            Shape::List(items) if explode => {
                encode::join(items.iter().map(|i| format!(";{n}={}", e(i))), "")
            }
            Shape::List(items) => format!(";{n}={}", encode::join(items.iter().map(|i| e(i)), ",")),
            Shape::Pairs(pairs) if pairs.is_empty() => format!(";{n}"),
            Shape::Pairs(pairs) if explode => {
                format!(";{}", encode::pairs_text(pairs, true, ";", &e))
            }
            Shape::Pairs(pairs) => format!(";{n}={}", encode::pairs_text(pairs, false, ",", &e)),
        },
        // simple (the default) and anything not meant for paths.
        _ => shape.simple(explode, &e),
    })
}

/// Literal template text, percent-encoding only what can never appear in a path.
pub(crate) fn literal(text: &str) -> String {
    enc(text, PATH_LITERAL)
}

/// Why the path segments a value wrote (from byte `start` of `path` on) are unsafe, if they
/// are: a whole `.`/`..` segment (URL parsers and servers resolve those, `%2E` forms included,
/// so the request would reach another resource), or, for greedy `{name+}` values, an empty
/// segment (`//host` would turn the rest into an authority for a relative reference).
pub(crate) fn unsafe_segments(path: &str, start: usize, greedy: bool) -> Option<&'static str> {
    let before = path.get(..start)?;
    let seg_start = before.rfind('/').map_or(0, |i| i + 1);
    if greedy && path.get(seg_start.saturating_sub(1)..)?.contains("//") {
        return Some("expected a path without empty segments (`//`)");
    }
    if path.get(seg_start..)?.split('/').any(is_dot_segment) {
        return Some(
            "expected a value that is not `.` or `..` (they would move the request to another resource)",
        );
    }
    None
}

/// `.`, `..` and their percent-encoded forms (`%2e`, `.%2E`, `%2e%2e`, ...).
fn is_dot_segment(seg: &str) -> bool {
    let lower = seg.to_ascii_lowercase();
    let decoded = lower.replace("%2e", ".");
    decoded == "." || decoded == ".."
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_split_fragment_and_query() {
        let t = parse("/{Bucket}#cors");
        assert_eq!(
            t.pieces,
            [
                Piece::Lit("/"),
                Piece::Var {
                    name: "Bucket",
                    greedy: false
                }
            ]
        );
        assert_eq!(t.query, None);
        let t = parse("/fax/history?date_from={date_from}&x=1#frag");
        assert_eq!(t.pieces, [Piece::Lit("/fax/history")]);
        assert_eq!(t.query, Some("date_from={date_from}&x=1"));
        let t = parse("/{Key+}?uploads");
        assert_eq!(
            t.pieces,
            [
                Piece::Lit("/"),
                Piece::Var {
                    name: "Key",
                    greedy: true
                }
            ]
        );
        assert_eq!(t.query, Some("uploads"));
        assert_eq!(parse("/a{b").pieces, [Piece::Lit("/a{b")]);
    }

    #[test]
    fn dot_and_empty_segments() {
        assert!(unsafe_segments("/files/..", 7, false).is_some());
        assert!(unsafe_segments("/files/%2e%2E", 7, false).is_some());
        assert!(unsafe_segments("/files/.%2e", 7, false).is_some());
        assert!(unsafe_segments("/files/v..", 7, false).is_none());
        assert!(unsafe_segments("/f/a/../b", 3, true).is_some());
        assert!(unsafe_segments("/f//evil.com/x", 3, true).is_some());
        assert!(unsafe_segments("/f/a//b", 3, true).is_some());
        assert!(unsafe_segments("/f/a/b/", 3, true).is_none());
        assert!(unsafe_segments("/f/a%2F%2Fb", 3, false).is_none());
    }
}
