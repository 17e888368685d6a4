//! `multipart/form-data` parts and their encoding (RFC 7578).

use crate::hash::bytes_hash;

/// One part of a `multipart/form-data` body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// Field name (the wire name of the property).
    pub name: String,
    /// File name, set for binary parts (the field name: tool inputs carry no file name).
    pub filename: Option<String>,
    /// Part content type (`application/json` for objects, the declared type for files);
    /// `None` means `text/plain`.
    pub content_type: Option<String>,
    /// The part's bytes (decoded from base64 for binary parts).
    pub data: Vec<u8>,
}

/// Encodes `parts` with `boundary`. Field and file names are quoted with `"`, CR and LF
/// percent-encoded (the HTML form-submission rule), so a name cannot break the part headers.
///
/// ```
/// use openapi_tools_runtime::request::{Part, encode_multipart};
/// let parts = [Part { name: "a".into(), filename: None, content_type: None, data: b"1".to_vec() }];
/// assert_eq!(
///     encode_multipart(&parts, "XyZ"),
///     b"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--XyZ--\r\n".to_vec()
/// );
/// ```
pub fn encode_multipart(parts: &[Part], boundary: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(parts.iter().map(|p| p.data.len() + 128).sum::<usize>() + 64);
    for p in parts {
        out.extend_from_slice(b"--");
        out.extend_from_slice(boundary.as_bytes());
        out.extend_from_slice(b"\r\nContent-Disposition: form-data; name=\"");
        out.extend_from_slice(quote_name(&p.name).as_bytes());
        out.push(b'"');
        if let Some(f) = &p.filename {
            out.extend_from_slice(b"; filename=\"");
            out.extend_from_slice(quote_name(f).as_bytes());
            out.push(b'"');
        }
        out.extend_from_slice(b"\r\n");
        if let Some(ct) = &p.content_type {
            out.extend_from_slice(b"Content-Type: ");
            out.extend_from_slice(strip_controls(ct).as_bytes());
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(&p.data);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"--");
    out.extend_from_slice(boundary.as_bytes());
    out.extend_from_slice(b"--\r\n");
    out
}

/// A boundary that occurs in no part: derived from the parts' content (so the same request
/// encodes to the same bytes), re-derived in the unlikely case it collides.
pub fn choose_boundary(parts: &[Part]) -> String {
    let mut seed: Vec<u8> = Vec::new();
    for p in parts {
        seed.extend_from_slice(p.name.as_bytes());
        seed.push(0);
        seed.extend_from_slice(&p.data);
    }
    let candidates = (0u32..64).map(|attempt| {
        seed.extend_from_slice(&attempt.to_le_bytes());
        let hash = bytes_hash(&seed);
        format!("openapi-tools-{}", hash.get(..24).unwrap_or(&hash))
    });
    first_absent(parts, candidates)
        // 64 sha256-derived collisions cannot happen by chance.
        .unwrap_or_else(|| format!("openapi-tools-{}", bytes_hash(&seed)))
}

/// The first candidate boundary that occurs in no part.
fn first_absent(parts: &[Part], candidates: impl Iterator<Item = String>) -> Option<String> {
    candidates.into_iter().find(|boundary| {
        let b = boundary.as_bytes();
        !parts
            .iter()
            .any(|p| p.data.windows(b.len()).any(|w| w == b) || p.name.contains(boundary.as_str()))
    })
}

fn quote_name(name: &str) -> String {
    name.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn strip_controls(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_part_with_filename_and_hostile_names() {
        let parts = [Part {
            name: "f\"\r\nX: 1".into(),
            filename: Some("f".into()),
            content_type: Some("image/png\r\nX: 2".into()),
            data: vec![0, 255],
        }];
        let body = encode_multipart(&parts, "B");
        let mut expected = b"--B\r\nContent-Disposition: form-data; name=\"f%22%0D%0AX: 1\"; filename=\"f\"\r\nContent-Type: image/pngX: 2\r\n\r\n".to_vec();
        expected.extend_from_slice(&[0, 255]);
        expected.extend_from_slice(b"\r\n--B--\r\n");
        assert_eq!(body, expected);
    }

    #[test]
    fn boundary_is_deterministic_and_absent_from_data() {
        let parts = vec![Part {
            name: "a".into(),
            filename: None,
            content_type: None,
            data: b"--xyz--".to_vec(),
        }];
        let b = choose_boundary(&parts);
        assert_eq!(b, choose_boundary(&parts));
        assert!(b.starts_with("openapi-tools-"));
        let picked = first_absent(&parts, ["xyz".to_owned(), "abc".to_owned()].into_iter());
        assert_eq!(picked.as_deref(), Some("abc"));
    }
}
