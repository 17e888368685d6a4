//! The one redaction step everything that prints goes through: results, error messages, dry
//! runs. Known secret values (credentials, fetched tokens) are replaced by `***` wherever they
//! appear, so a server echoing a key back cannot leak it to the model.

use std::borrow::Cow;

/// Secrets shorter than this are not scrubbed from free text (a one-letter "secret" would
/// garble every result); they are still never printed by this crate itself.
const MIN_SCRUB_LEN: usize = 4;

/// `application/x-www-form-urlencoded` bytes left as they are (WHATWG URL form encoding).
pub(crate) const FORM: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'*');

/// Every form `secret` can come back in: as is, percent-encoded and form-encoded (with `+`
/// for spaces), in the URL crate's and in the strict (all non-alphanumeric) flavour. Forms
/// shorter than [`MIN_SCRUB_LEN`] are left out.
pub(crate) fn forms(secret: &str) -> Vec<String> {
    if secret.len() < MIN_SCRUB_LEN {
        return Vec::new();
    }
    let strict = percent_encoding::utf8_percent_encode(secret, percent_encoding::NON_ALPHANUMERIC)
        .to_string();
    let url = percent_encoding::utf8_percent_encode(secret, FORM).to_string();
    let mut out = vec![secret.to_owned()];
    for enc in [
        strict.replace("%20", "+"),
        url.replace("%20", "+"),
        strict,
        url,
    ] {
        if !out.contains(&enc) {
            out.push(enc);
        }
    }
    out
}

/// Replaces every occurrence of each secret (in each of its [`forms`]) in `text` with `***`.
pub(crate) fn scrub<'a, I, S>(text: &'a str, secrets: I) -> Cow<'a, str>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut out: Cow<'a, str> = Cow::Borrowed(text);
    for s in secrets {
        for form in forms(s.as_ref()) {
            if out.contains(&form) {
                out = Cow::Owned(out.replace(&form, "***"));
            }
        }
    }
    out
}

/// [`scrub`] for bytes (binary bodies inlined as base64).
pub(crate) fn scrub_bytes(bytes: &[u8], secrets: &[String]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    for s in secrets {
        for form in forms(s) {
            let finder = memchr::memmem::Finder::new(form.as_bytes());
            if finder.find(&out).is_none() {
                continue;
            }
            let mut next = Vec::with_capacity(out.len());
            let mut at = 0;
            for hit in finder.find_iter(&out) {
                next.extend_from_slice(&out[at..hit]);
                next.extend_from_slice(b"***");
                at = hit + form.len();
            }
            next.extend_from_slice(&out[at..]);
            out = next;
        }
    }
    out
}

/// Drops the end of `text` while it is the start of a secret (in any of its [`forms`]): text
/// cut to a size cap must not keep the first characters of a secret the cut went through
/// (after [`scrub`] no whole secret is left, but its beginning would be).
pub(crate) fn drop_partial_tail(text: &mut String, secrets: &[String]) {
    let forms: Vec<String> = secrets.iter().flat_map(|s| forms(s)).collect();
    loop {
        let longest = forms
            .iter()
            .filter_map(|f| {
                (1..f.len())
                    .rev()
                    .find(|&k| f.is_char_boundary(k) && text.ends_with(&f[..k]))
            })
            .max();
        match longest {
            Some(k) => text.truncate(text.len() - k),
            None => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrubs_plain_and_encoded_occurrences_only_of_long_enough_secrets() {
        let secrets = ["s3cr3t/key", "ab"];
        assert_eq!(
            scrub("token s3cr3t/key and s3cr3t%2Fkey; ab", secrets),
            "token *** and ***; ab"
        );
        assert_eq!(
            scrub("?q=1&api_key=qk+secret%262", ["qk secret&2"]),
            "?q=1&api_key=***"
        );
        assert!(matches!(scrub("nothing", secrets), Cow::Borrowed(_)));
    }

    #[test]
    fn partial_tails_of_any_form_are_dropped() {
        let secrets = ["hk-SECRET/1".to_owned()];
        for (text, kept) in [
            ("abc hk-SEC", "abc "),
            ("abc hk-SECRET%2", "abc "),
            ("abc h", "abc "),
            ("abc hk-SECRET/1", "abc hk-SECRET/1"), // whole: scrub's job
            ("abc k-SEC", "abc k-SEC"),
            ("", ""),
        ] {
            let mut t = text.to_owned();
            drop_partial_tail(&mut t, &secrets);
            assert_eq!(t, kept, "{text}");
        }
        assert_eq!(
            scrub_bytes(b"\x00hk-SECRET/1\xff hk-SECRET%2F1", &secrets),
            b"\x00***\xff ***"
        );
    }
}
