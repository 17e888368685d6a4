//! `format` checks for the formats real OpenAPI documents use on tool inputs.
//!
//! Unknown formats (`password`, `binary`, vendor formats) pass: a format is a hint the schema
//! author gave, and refusing a call over a format we do not know would block valid calls.
//! Checks are hand-written (no regexes), linear in the input, and never panic.

use std::net::{Ipv4Addr, Ipv6Addr};

use serde_json::Number;

/// Whether `s` is valid for the string format `format`.
///
/// Known: `date-time`, `date`, `time`, `uuid`, `email`, `idn-email`, `uri`, `iri`,
/// `uri-reference`, `iri-reference`, `hostname`, `idn-hostname`, `ipv4`, `ipv6`, `byte` /
/// `base64`, `json-pointer`, and `int32` / `int64` for numeric strings. Everything else passes.
///
/// `time` accepts a missing offset (`09:30:00`): models often omit it and APIs that declare
/// `format: time` commonly mean a wall-clock time.
///
/// ```
/// use openapi_tools_runtime::validate::formats::check;
/// assert!(check("date-time", "2024-02-29T09:30:00.5+01:00"));
/// assert!(!check("date-time", "2023-02-29T09:30:00Z"));
/// assert!(check("uuid", "123e4567-e89b-12d3-a456-426614174000"));
/// assert!(!check("ipv4", "256.1.1.1"));
/// assert!(check("password", "anything"));
/// ```
pub fn check(format: &str, s: &str) -> bool {
    match format {
        "date-time" => date_time(s),
        "date" => date(s),
        "time" => time(s, false),
        "uuid" => uuid(s),
        "email" | "idn-email" => email(s),
        "uri" | "iri" => uri(s),
        "uri-reference" | "iri-reference" => uri_reference(s),
        "hostname" => hostname(s),
        "idn-hostname" => !s.is_empty() && s.len() <= 253 && !s.chars().any(char::is_whitespace),
        "ipv4" => s.parse::<Ipv4Addr>().is_ok(),
        "ipv6" => s.parse::<Ipv6Addr>().is_ok(),
        "byte" | "base64" => decode_base64(s).is_some(),
        "json-pointer" => json_pointer(s),
        "int32" => s.parse::<i32>().is_ok(),
        "int64" => s.parse::<i64>().is_ok(),
        _ => true,
    }
}

/// Whether a JSON number is valid for a numeric format (`int32`, `int64`, `uint32`,
/// `uint64`, `float`); other formats pass.
pub fn check_number(format: &str, n: &Number) -> bool {
    let in_range = |lo: f64, hi: f64| -> bool {
        if let Some(i) = n.as_i64() {
            (i as f64) >= lo && (i as f64) <= hi
        } else if let Some(u) = n.as_u64() {
            (u as f64) <= hi
        } else {
            n.as_f64()
                .is_some_and(|f| f.fract() == 0.0 && f >= lo && f <= hi)
        }
    };
    match format {
        "int32" => in_range(f64::from(i32::MIN), f64::from(i32::MAX)),
        "uint32" => in_range(0.0, f64::from(u32::MAX)),
        "int64" => {
            n.as_i64().is_some()
                || n.as_f64().is_some_and(|f| {
                    f.fract() == 0.0
                        && (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f)
                })
        }
        "uint64" => n.as_u64().is_some(),
        "float" => n
            .as_f64()
            .is_some_and(|f| f.is_finite() && f.abs() <= f64::from(f32::MAX)),
        _ => true,
    }
}

/// Decodes base64 tolerantly, as models write it: standard or URL-safe alphabet, padding
/// optional, ASCII whitespace (line breaks) ignored, and a leading `data:...;base64,` URL prefix
/// stripped. Returns `None` for anything else (bad characters, impossible lengths, bits left
/// over).
///
/// ```
/// use openapi_tools_runtime::validate::formats::decode_base64;
/// assert_eq!(decode_base64("aGk=").unwrap(), b"hi");
/// assert_eq!(decode_base64("aGk").unwrap(), b"hi");
/// assert_eq!(decode_base64("data:text/plain;base64,aGk=").unwrap(), b"hi");
/// assert!(decode_base64("a").is_none());
/// ```
pub fn decode_base64(s: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    let body = match s.strip_prefix("data:") {
        Some(rest) => rest.split_once(";base64,")?.1,
        None => s,
    };
    // Models wrap long base64 text; the engines reject white space, so drop it first.
    let compact: std::borrow::Cow<'_, str> = if body.bytes().any(|b| b.is_ascii_whitespace()) {
        body.chars().filter(|c| !c.is_ascii_whitespace()).collect()
    } else {
        body.into()
    };
    STANDARD_LENIENT
        .decode(compact.as_bytes())
        .or_else(|_| URL_SAFE_LENIENT.decode(compact.as_bytes()))
        .ok()
}

/// Padding optional (models often drop it), trailing bits must be zero (canonical encodings).
const LENIENT: base64::engine::GeneralPurposeConfig = base64::engine::GeneralPurposeConfig::new()
    .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent);
const STANDARD_LENIENT: base64::engine::GeneralPurpose =
    base64::engine::GeneralPurpose::new(&base64::alphabet::STANDARD, LENIENT);
const URL_SAFE_LENIENT: base64::engine::GeneralPurpose =
    base64::engine::GeneralPurpose::new(&base64::alphabet::URL_SAFE, LENIENT);

fn digits(s: &[u8]) -> Option<u32> {
    if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    s.iter().try_fold(0u32, |acc, d| {
        acc.checked_mul(10)?.checked_add(u32::from(d - b'0'))
    })
}

fn date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return false;
    }
    let (Some(y), Some(m), Some(d)) = (
        b.get(0..4).and_then(digits),
        b.get(5..7).and_then(digits),
        b.get(8..10).and_then(digits),
    ) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

fn time(s: &str, offset_required: bool) -> bool {
    let b = s.as_bytes();
    if b.len() < 8 || b.get(2) != Some(&b':') || b.get(5) != Some(&b':') {
        return false;
    }
    let (Some(h), Some(m), Some(sec)) = (
        b.get(0..2).and_then(digits),
        b.get(3..5).and_then(digits),
        b.get(6..8).and_then(digits),
    ) else {
        return false;
    };
    if h > 23 || m > 59 || sec > 60 {
        return false;
    }
    let mut rest = b.get(8..).unwrap_or_default();
    if let Some(frac) = rest.strip_prefix(b".") {
        let n = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return false;
        }
        rest = frac.get(n..).unwrap_or_default();
    }
    match rest {
        [] => !offset_required,
        [b'Z' | b'z'] => true,
        [b'+' | b'-', oh1, oh2, b':', om1, om2] => {
            matches!((digits(&[*oh1, *oh2]), digits(&[*om1, *om2])), (Some(oh), Some(om)) if oh <= 23 && om <= 59)
        }
        _ => false,
    }
}

fn date_time(s: &str) -> bool {
    let Some(sep) = s.find(['T', 't', ' ']) else {
        return false;
    };
    // RFC 3339 allows a space in place of `T` ("NOTE" in section 5.6); JSON Schema tests do
    // not, but servers accept it and rejecting it would only bounce valid-looking calls.
    match (s.get(..sep), s.get(sep + 1..)) {
        (Some(d), Some(t)) => date(d) && time(t, true),
        _ => false,
    }
}

fn uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

fn email(s: &str) -> bool {
    let Some((local, domain)) = s.rsplit_once('@') else {
        return false;
    };
    if local.is_empty() || local.len() > 64 || s.len() > 254 {
        return false;
    }
    if local.chars().any(|c| c.is_whitespace() || c.is_control())
        || local.starts_with('.')
        || local.ends_with('.')
        || local.contains("..")
    {
        return false;
    }
    if let Some(ip) = domain.strip_prefix('[').and_then(|d| d.strip_suffix(']')) {
        return match ip.strip_prefix("IPv6:") {
            Some(v6) => v6.parse::<Ipv6Addr>().is_ok(),
            None => ip.parse::<Ipv4Addr>().is_ok(),
        };
    }
    domain.contains('.') && domain_like(domain)
}

/// Host names, lenient on non-ASCII letters (internationalised domains in emails).
fn domain_like(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.trim_end_matches('.').split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
}

fn hostname(s: &str) -> bool {
    s.is_ascii() && domain_like(s)
}

fn uri_chars_ok(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if c == b'%' {
            let ok = b
                .get(i + 1..i + 3)
                .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit));
            if !ok {
                return false;
            }
            i += 3;
            continue;
        }
        if c <= b' '
            || c == 0x7f
            || matches!(
                c,
                b'<' | b'>' | b'"' | b'{' | b'}' | b'|' | b'\\' | b'^' | b'`'
            )
        {
            return false;
        }
        i += 1;
    }
    true
}

fn scheme_len(s: &str) -> Option<usize> {
    let colon = s.find(':')?;
    let scheme = s.get(..colon)?;
    let mut chars = scheme.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    (first_ok && rest_ok).then_some(colon)
}

fn uri(s: &str) -> bool {
    scheme_len(s).is_some() && uri_chars_ok(s)
}

fn uri_reference(s: &str) -> bool {
    uri_chars_ok(s)
}

fn json_pointer(s: &str) -> bool {
    if s.is_empty() {
        return true;
    }
    if !s.starts_with('/') {
        return false;
    }
    let b = s.as_bytes();
    b.iter()
        .enumerate()
        .all(|(i, c)| *c != b'~' || matches!(b.get(i + 1), Some(b'0' | b'1')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_time_cases() {
        for ok in [
            "2024-01-31T09:30:00Z",
            "2024-01-31t09:30:00z",
            "2024-01-31T09:30:00.123456+05:30",
            "2024-01-31 09:30:00Z",
            "2016-12-31T23:59:60Z",
        ] {
            assert!(check("date-time", ok), "{ok}");
        }
        for bad in [
            "2024-01-31",
            "2024-01-31T09:30:00",
            "2024-13-01T00:00:00Z",
            "2024-01-32T00:00:00Z",
            "2024-01-31T24:00:00Z",
            "2024-01-31T09:30:00.Z",
            "2024-01-31T09:30:00+5:30",
            "yesterday",
            "",
            "２０２４-01-31T09:30:00Z",
        ] {
            assert!(!check("date-time", bad), "{bad}");
        }
    }

    #[test]
    fn dates_know_leap_years() {
        assert!(check("date", "2000-02-29"));
        assert!(!check("date", "1900-02-29"));
        assert!(!check("date", "2024-04-31"));
        assert!(!check("date", "2024-1-01"));
    }

    #[test]
    fn times() {
        assert!(check("time", "09:30:00"));
        assert!(check("time", "09:30:00.5-08:00"));
        assert!(!check("time", "9:30:00"));
        assert!(!check("time", "09:60:00"));
    }

    #[test]
    fn uuids() {
        assert!(check("uuid", "123E4567-e89b-12d3-a456-426614174000"));
        assert!(!check("uuid", "123e4567e89b12d3a456426614174000"));
        assert!(!check("uuid", "123e4567-e89b-12d3-a456-42661417400g"));
    }

    #[test]
    fn emails() {
        assert!(check("email", "a.b+c@example.co.uk"));
        assert!(check("email", "user@[127.0.0.1]"));
        assert!(check("idn-email", "jörg@bücher.de"));
        assert!(!check("email", "no-at.example.com"));
        assert!(!check("email", "a b@example.com"));
        assert!(!check("email", "a@localhost"));
        assert!(!check("email", "@example.com"));
        assert!(!check("email", "a..b@example.com"));
    }

    #[test]
    fn uris() {
        assert!(check("uri", "https://example.com/a?b=c#d"));
        assert!(check("uri", "urn:isbn:0451450523"));
        assert!(!check("uri", "/relative/path"));
        assert!(!check("uri", "https://exa mple.com"));
        assert!(!check("uri", "https://example.com/%zz"));
        assert!(check("uri-reference", "/relative/path?x=1"));
        assert!(!check("uri-reference", "a\nb"));
    }

    #[test]
    fn hostnames_and_ips() {
        assert!(check("hostname", "api.example.com"));
        assert!(check("hostname", "localhost"));
        assert!(!check("hostname", "-bad.example.com"));
        assert!(!check("hostname", &format!("{}.com", "a".repeat(64))));
        assert!(check("ipv4", "192.168.0.1"));
        assert!(!check("ipv4", "192.168.0"));
        assert!(!check("ipv4", "01.2.3.4"));
        assert!(check("ipv6", "::1"));
        assert!(check("ipv6", "2001:db8::8a2e:370:7334"));
        assert!(!check("ipv6", "2001:db8:::1"));
    }

    #[test]
    fn base64_tolerance_and_rejections() {
        assert_eq!(decode_base64("").unwrap(), b"");
        assert_eq!(decode_base64("aGVsbG8gd29ybGQ=").unwrap(), b"hello world");
        assert_eq!(
            decode_base64("aGVs\nbG8g\nd29y\nbGQ=").unwrap(),
            b"hello world"
        );
        assert_eq!(
            decode_base64("-_8=").unwrap(),
            decode_base64("+/8=").unwrap()
        );
        assert!(decode_base64("aGk=a").is_none());
        assert!(decode_base64("aGk==").is_none());
        assert!(decode_base64("aGl=").is_none(), "left-over bits");
        assert!(decode_base64("a!==").is_none());
        assert!(decode_base64("data:image/png,xyz").is_none());
        assert!(check("byte", "AAEC"));
        assert!(!check("byte", "not base64!"));
    }

    #[test]
    fn numeric_formats() {
        let n = |v: serde_json::Value| v.as_number().unwrap().clone();
        assert!(check_number("int32", &n(serde_json::json!(2147483647))));
        assert!(!check_number("int32", &n(serde_json::json!(2147483648u64))));
        assert!(!check_number("int32", &n(serde_json::json!(1.5))));
        assert!(check_number(
            "int64",
            &n(serde_json::json!(-9223372036854775808i64))
        ));
        assert!(!check_number("int64", &n(serde_json::json!(1e19))));
        assert!(check_number("double", &n(serde_json::json!(1e300))));
        assert!(!check_number("float", &n(serde_json::json!(1e300))));
        assert!(check("int32", "-12"));
        assert!(!check("int64", "12a"));
    }

    #[test]
    fn json_pointers() {
        assert!(check("json-pointer", ""));
        assert!(check("json-pointer", "/a~1b/~0"));
        assert!(!check("json-pointer", "a"));
        assert!(!check("json-pointer", "/a~2"));
    }
}
