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

/// Replaces every occurrence of each secret in `text` with `***`.
pub(crate) fn scrub<'a, I, S>(text: &'a str, secrets: I) -> Cow<'a, str>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut out: Cow<'a, str> = Cow::Borrowed(text);
    for s in secrets {
        let s = s.as_ref();
        if s.len() >= MIN_SCRUB_LEN && out.contains(s) {
            out = Cow::Owned(out.replace(s, "***"));
        }
        // Encoded forms (query values echoed back): percent-encoded, and form-encoded with
        // `+` for spaces, in the URL crate's and in the strict (all non-alphanumeric) flavour.
        let strict = percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC)
            .to_string();
        let url = percent_encoding::utf8_percent_encode(s, FORM).to_string();
        for enc in [
            strict.replace("%20", "+"),
            url.replace("%20", "+"),
            strict,
            url,
        ] {
            if enc != s && enc.len() >= MIN_SCRUB_LEN && out.contains(&enc) {
                out = Cow::Owned(out.replace(&enc, "***"));
            }
        }
    }
    out
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
}
