//! JSON pointer -> line:column, computed only when a diagnostic asks for it.
//!
//! Neither `serde_json` nor `yaml_serde` reports where a successfully parsed value came from, and
//! building a full pointer -> position table for GitHub's 13 MB document would cost more than
//! the whole load. So positions are found lazily, in one streaming pass per file over exactly the
//! pointers that diagnostics name (plus their ancestors, so a pointer to a node that normalisation
//! created falls back to the nearest node that exists in the source):
//!
//! - JSON: a small position scanner over the bytes (the text already parsed, so it can be lenient).
//! - YAML: the `saphyr-parser` event parser, whose events carry start marks. `yaml_serde` keeps
//!   its libyaml event stream private, and driving `libyaml-rs` directly would mean unsafe FFI-style
//!   code; saphyr is a safe, YAML 1.2 event parser, and the structure of a document (mappings,
//!   sequences, scalar keys) is the same under both parsers. If saphyr disagrees or fails on some
//!   exotic input, the position is simply left unknown: locating never fails a load.
//!
//! A mapping entry is located at its key (`get:` rather than the operation body), a sequence item
//! at its first character.

use std::collections::{HashMap, HashSet};

use saphyr_parser::{Event, Parser};

use super::parse::Format;
use crate::diagnostics::escape_pointer_token;

/// 1-based line and column.
pub(crate) type Position = (usize, usize);

/// Finds the positions of `pointers` (and of their ancestors) in `text`.
pub(crate) fn locate(text: &str, format: Format, pointers: &[&str]) -> HashMap<String, Position> {
    let mut wanted = HashSet::new();
    for p in pointers {
        let mut p: &str = p;
        loop {
            if !wanted.insert(p.to_owned()) {
                break;
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => break,
            }
        }
    }
    wanted.insert(String::new());
    let mut tracker = Tracker {
        wanted: &wanted,
        found: HashMap::new(),
        stack: Vec::new(),
    };
    match format {
        Format::Json => scan_json(text, &mut tracker),
        Format::Yaml => scan_yaml(text, &mut tracker),
    }
    tracker.found
}

/// The nearest located ancestor-or-self of `pointer`.
pub(crate) fn nearest(found: &HashMap<String, Position>, pointer: &str) -> Option<Position> {
    let mut p = pointer;
    loop {
        if let Some(pos) = found.get(p) {
            return Some(*pos);
        }
        p = &p[..p.rfind('/')?];
    }
}

enum Frame {
    /// `ptr`: this mapping's pointer when it leads to a wanted one. `pending`: the pointer of the
    /// value whose key was just read; `expect_key`: whether the next node is a key.
    Map {
        ptr: Option<String>,
        pending: Option<String>,
        expect_key: bool,
    },
    Seq {
        ptr: Option<String>,
        index: usize,
    },
}

#[derive(Clone, Copy, PartialEq)]
enum Node {
    Map,
    Seq,
    Scalar,
}

struct Tracker<'w> {
    wanted: &'w HashSet<String>,
    found: HashMap<String, Position>,
    stack: Vec<Frame>,
}

impl Tracker<'_> {
    fn done(&self) -> bool {
        self.found.len() >= self.wanted.len()
    }

    /// Whether the next node could be recorded: its parent leads to a wanted pointer (or it is
    /// the root). Positions are only computed then.
    fn wants_positions(&self) -> bool {
        match self.stack.last() {
            None => true,
            Some(Frame::Seq { ptr, .. }) => ptr.is_some(),
            Some(Frame::Map {
                ptr,
                expect_key: true,
                ..
            }) => ptr.is_some(),
            Some(Frame::Map { pending, .. }) => pending.is_some(),
        }
    }

    fn expects_key(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Frame::Map {
                expect_key: true,
                ..
            })
        )
    }

    fn child(&self, parent: &Option<String>, token: &str) -> Option<String> {
        let parent = parent.as_ref()?;
        let p = format!("{parent}/{}", escape_pointer_token(token));
        self.wanted.contains(&p).then_some(p)
    }

    /// A node starts at `pos`; `key` is its text when it is a scalar in key position.
    fn start(&mut self, node: Node, pos: Position, key: Option<&str>) {
        let ptr = match self.stack.last() {
            None => Some(String::new()),
            Some(Frame::Seq { ptr, index }) => self.child(ptr, &index.to_string()),
            Some(Frame::Map {
                ptr,
                expect_key: true,
                ..
            }) => {
                let child = match (node, key) {
                    (Node::Scalar, Some(k)) => self.child(ptr, k),
                    _ => None,
                };
                if let Some(c) = &child {
                    self.found.entry(c.clone()).or_insert(pos);
                }
                if let Some(Frame::Map {
                    pending,
                    expect_key,
                    ..
                }) = self.stack.last_mut()
                {
                    *pending = child;
                    *expect_key = false;
                }
                if node != Node::Scalar {
                    // A complex key: walk it, but nothing inside can be named by a pointer.
                    self.stack.push(if node == Node::Map {
                        Frame::Map {
                            ptr: None,
                            pending: None,
                            expect_key: true,
                        }
                    } else {
                        Frame::Seq {
                            ptr: None,
                            index: 0,
                        }
                    });
                }
                return;
            }
            Some(Frame::Map { pending, .. }) => pending.clone(),
        };
        match self.stack.last_mut() {
            Some(Frame::Seq { index, .. }) => *index += 1,
            Some(Frame::Map {
                expect_key,
                pending,
                ..
            }) => {
                *expect_key = true;
                *pending = None;
            }
            None => {}
        }
        if let Some(p) = &ptr {
            self.found.entry(p.clone()).or_insert(pos);
        }
        match node {
            Node::Map => self.stack.push(Frame::Map {
                ptr,
                pending: None,
                expect_key: true,
            }),
            Node::Seq => self.stack.push(Frame::Seq { ptr, index: 0 }),
            Node::Scalar => {}
        }
    }

    fn end(&mut self) {
        self.stack.pop();
    }
}

fn scan_yaml(text: &str, tracker: &mut Tracker<'_>) {
    let mut depth = 0usize;
    for event in Parser::new_from_str(text) {
        let Ok((event, span)) = event else {
            return;
        };
        let pos = (span.start.line(), span.start.col() + 1);
        match event {
            Event::DocumentStart(_) => {
                depth += 1;
                if depth > 1 {
                    return; // only the first document is the spec
                }
            }
            Event::MappingStart(..) => tracker.start(Node::Map, pos, None),
            Event::SequenceStart(..) => tracker.start(Node::Seq, pos, None),
            Event::Scalar(value, ..) => tracker.start(Node::Scalar, pos, Some(&value)),
            Event::Alias(_) => tracker.start(Node::Scalar, pos, None),
            Event::MappingEnd | Event::SequenceEnd => tracker.end(),
            _ => {}
        }
        if tracker.done() {
            return;
        }
    }
}

/// Columns count characters from the line start. Minified JSON is one long line, so the count
/// continues from the last computed position instead of restarting at the line start.
struct Columns<'t> {
    text: &'t str,
    line_start: usize,
    at: usize,
    col: usize,
}

impl Columns<'_> {
    fn new_line(&mut self, start: usize) {
        self.line_start = start;
        self.at = start;
        self.col = 1;
    }

    fn column(&mut self, pos: usize) -> usize {
        if pos < self.at {
            self.at = self.line_start;
            self.col = 1;
        }
        self.col += self.text.get(self.at..pos).map_or(0, |s| s.chars().count());
        self.at = pos;
        self.col
    }
}

fn scan_json(text: &str, tracker: &mut Tracker<'_>) {
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut line = 1;
    let mut cols = Columns {
        text,
        line_start: 0,
        at: 0,
        col: 1,
    };
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\n' => {
                line += 1;
                i += 1;
                cols.new_line(i);
            }
            b' ' | b'\t' | b'\r' | b':' | b',' => i += 1,
            b'{' | b'[' => {
                let node = if b == b'{' { Node::Map } else { Node::Seq };
                if tracker.wants_positions() {
                    tracker.start(node, (line, cols.column(i)), None);
                } else {
                    tracker.start(node, (line, 0), None);
                }
                i += 1;
            }
            b'}' | b']' => {
                tracker.end();
                i += 1;
            }
            b'"' => {
                let start = i;
                i += 1;
                let mut escaped = false;
                while let Some(&c) = bytes.get(i) {
                    i += 1;
                    match c {
                        b'\\' => {
                            escaped = true;
                            i += 1;
                        }
                        b'"' => break,
                        _ => {}
                    }
                }
                let pos = if tracker.wants_positions() {
                    (line, cols.column(start))
                } else {
                    (line, 0)
                };
                if tracker.expects_key() && tracker.wants_positions() {
                    let raw = text.get(start..i).unwrap_or("\"\"");
                    let key = if escaped {
                        serde_json::from_str::<String>(raw).unwrap_or_default()
                    } else {
                        raw.get(1..raw.len().saturating_sub(1))
                            .unwrap_or("")
                            .to_owned()
                    };
                    tracker.start(Node::Scalar, pos, Some(&key));
                } else {
                    tracker.start(Node::Scalar, pos, None);
                }
            }
            _ => {
                let start = i;
                while let Some(&c) = bytes.get(i) {
                    if matches!(c, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t' | b':') {
                        break;
                    }
                    i += 1;
                }
                let pos = if tracker.wants_positions() {
                    (line, cols.column(start))
                } else {
                    (line, 0)
                };
                tracker.start(Node::Scalar, pos, None);
            }
        }
        if tracker.done() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const JSON: &str = "{\n  \"openapi\": \"3.0.0\",\n  \"paths\": {\n    \"/a/{id}\": {\n      \"get\": {\"tags\": [\"x\", {\"k\\\"q\": 1}]}\n    }\n  }\n}\n";

    #[test]
    fn json_keys_and_items_are_located() {
        let ptrs = [
            "/paths/~1a~1{id}/get",
            "/paths/~1a~1{id}/get/tags/1/k\"q",
            "/openapi",
        ];
        let found = locate(JSON, Format::Json, &ptrs);
        assert_eq!(found.get("/openapi"), Some(&(2, 3)));
        assert_eq!(found.get("/paths/~1a~1{id}/get"), Some(&(5, 7)));
        assert_eq!(found.get("/paths/~1a~1{id}/get/tags/1"), Some(&(5, 29)));
        assert_eq!(
            found.get("/paths/~1a~1{id}/get/tags/1/k\"q"),
            Some(&(5, 30))
        );
    }

    #[test]
    fn missing_pointer_falls_back_to_nearest_ancestor() {
        let ptr = "/paths/~1a~1{id}/get/responses/200";
        let found = locate(JSON, Format::Json, &[ptr]);
        assert_eq!(nearest(&found, ptr), Some((5, 7)));
    }

    #[test]
    fn yaml_keys_items_and_flow_nodes_are_located() {
        let yaml = "openapi: 3.1.0\npaths:\n  /a:\n    get:\n      tags: [x, y]\n      parameters:\n        - name: q\n          in: query\n";
        let ptrs = ["/paths/~1a/get/tags/1", "/paths/~1a/get/parameters/0/in"];
        let found = locate(yaml, Format::Yaml, &ptrs);
        assert_eq!(found.get("/paths/~1a/get"), Some(&(4, 5)));
        assert_eq!(found.get("/paths/~1a/get/tags/1"), Some(&(5, 17)));
        assert_eq!(found.get("/paths/~1a/get/parameters/0"), Some(&(7, 11)));
        assert_eq!(found.get("/paths/~1a/get/parameters/0/in"), Some(&(8, 11)));
    }

    #[test]
    fn yaml_non_string_keys_match_their_text() {
        let yaml = "responses:\n  200:\n    description: ok\n";
        let found = locate(yaml, Format::Yaml, &["/responses/200/description"]);
        assert_eq!(found.get("/responses/200/description"), Some(&(3, 5)));
    }
}
