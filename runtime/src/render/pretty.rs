//! Pretty JSON written at a nesting level, so a tool can be serialised straight into the middle
//! of a larger pretty-printed document.
//!
//! `serde_json`'s `PrettyFormatter` always starts at level 0; placing its output inside an array
//! meant writing each tool to a buffer and copying it line by line with extra indentation.
//! [`Nested`] is the same two-space format starting at a given level, so the bytes are exactly
//! those of pretty-printing the whole document at once.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::{Formatter, Serializer};

/// Writes `value` pretty-printed as if it sat `level` levels deep in a pretty document: its
/// first token unindented (the caller has placed it), every following line indented by
/// `level + nesting` steps of two spaces.
pub(crate) fn write_nested<W: Write, T: Serialize + ?Sized>(
    value: &T,
    level: usize,
    out: &mut W,
) -> io::Result<()> {
    let mut ser = Serializer::with_formatter(
        out,
        Nested {
            level,
            has_value: false,
        },
    );
    value.serialize(&mut ser).map_err(io::Error::from)
}

/// Writes `level` steps of two-space indentation.
pub(crate) fn write_indent<W: Write + ?Sized>(level: usize, out: &mut W) -> io::Result<()> {
    const SPACES: &[u8] = &[b' '; 64];
    let mut n = level * 2;
    while n > 0 {
        let k = n.min(SPACES.len());
        out.write_all(&SPACES[..k])?;
        n -= k;
    }
    Ok(())
}

/// `serde_json::ser::PrettyFormatter` with two-space indentation, starting at `level`.
struct Nested {
    level: usize,
    has_value: bool,
}

impl Nested {
    /// `[` or `{`: one level deeper, nothing in it yet.
    fn open<W: ?Sized + Write>(&mut self, w: &mut W, token: &[u8]) -> io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(token)
    }

    /// `]` or `}`: on its own line unless the container is empty.
    fn close<W: ?Sized + Write>(&mut self, w: &mut W, token: &[u8]) -> io::Result<()> {
        self.level -= 1;
        if self.has_value {
            w.write_all(b"\n")?;
            write_indent(self.level, w)?;
        }
        w.write_all(token)
    }

    /// Before an array element or object key: a new, indented line.
    fn item<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        w.write_all(if first { b"\n" } else { b",\n" })?;
        write_indent(self.level, w)
    }
}

impl Formatter for Nested {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_output_is_the_slice_of_the_whole_pretty_document() {
        let inner = json!({"a": [1, {"b": {}}, []], "c": {"d": "x\ny"}, "e": []});
        let whole = serde_json::to_string_pretty(&json!({"k": [inner.clone()]})).unwrap();
        let mut out = b"{\n  \"k\": [\n".to_vec();
        write_indent(2, &mut out).unwrap();
        write_nested(&inner, 2, &mut out).unwrap();
        out.extend_from_slice(b"\n  ]\n}");
        assert_eq!(String::from_utf8(out).unwrap(), whole);
        let mut deep = Vec::new();
        write_indent(40, &mut deep).unwrap();
        assert_eq!(deep.len(), 80);
    }
}
