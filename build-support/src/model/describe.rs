//! Tool descriptions: summary + description, deprecation noted, at most 1,024 characters.
//!
//! 1,024 characters is the strictest provider limit on function descriptions in common use;
//! trimming happens at a sentence boundary when one is reasonably close, else at a word
//! boundary with an ellipsis, always on `char` boundaries (never splitting UTF-8).

use openapi_tools_runtime::manifest::HttpMethod;

/// The longest tool description emitted, in characters.
pub const MAX_DESCRIPTION: usize = 1024;

/// The description a model sees for one operation.
///
/// ```
/// use openapi_tools_build::model::describe::tool_description;
/// use openapi_tools_runtime::manifest::HttpMethod;
/// let d = tool_description(Some("List pets"), Some("Returns all pets."), true, HttpMethod::Get, "/pets");
/// assert_eq!(d, "Deprecated. List pets\n\nReturns all pets.");
/// assert_eq!(tool_description(None, None, false, HttpMethod::Get, "/pets/{id}"), "GET /pets/{id}");
/// ```
pub fn tool_description(
    summary: Option<&str>,
    description: Option<&str>,
    deprecated: bool,
    method: HttpMethod,
    path: &str,
) -> String {
    let summary = summary.map(str::trim).filter(|s| !s.is_empty());
    let description = description.map(str::trim).filter(|s| !s.is_empty());
    let body = match (summary, description) {
        (Some(s), Some(d)) if repeats(s, d) => d.to_owned(),
        (Some(s), Some(d)) => format!("{s}\n\n{d}"),
        (Some(s), None) => s.to_owned(),
        (None, Some(d)) => d.to_owned(),
        (None, None) => format!("{method} {path}"),
    };
    let text = if deprecated {
        format!("Deprecated. {body}")
    } else {
        body
    };
    trim_to(&text, MAX_DESCRIPTION)
}

/// Whether the description already starts with the summary (so it need not be repeated).
fn repeats(summary: &str, description: &str) -> bool {
    let s = summary.trim_end_matches(['.', '!', '?', ' ']);
    description
        .get(..s.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(s))
}

/// `text` cut to at most `max` characters at a sentence or word boundary.
pub(crate) fn trim_to(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    // Byte offset just past the first `max - 1` chars (room for the ellipsis).
    let end = text
        .char_indices()
        .nth(max.saturating_sub(1))
        .map_or(text.len(), |(i, _)| i);
    let head = text.get(..end).unwrap_or(text);
    let sentence_end = head
        .char_indices()
        .filter(|&(i, c)| {
            matches!(c, '.' | '!' | '?')
                && head[i + c.len_utf8()..]
                    .chars()
                    .next()
                    .is_none_or(char::is_whitespace)
        })
        .map(|(i, c)| i + c.len_utf8())
        .chain(head.match_indices('\n').map(|(i, _)| i))
        .max();
    if let Some(cut) = sentence_end
        && cut >= head.len() / 2
    {
        return head[..cut].trim_end().to_owned();
    }
    let cut = head
        .char_indices()
        .filter(|(_, c)| c.is_whitespace())
        .map(|(i, _)| i)
        .last()
        .filter(|&i| i >= head.len() / 2)
        .unwrap_or(head.len());
    format!("{}…", head[..cut].trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(summary: Option<&str>, description: Option<&str>) -> String {
        tool_description(summary, description, false, HttpMethod::Get, "/pets/{id}")
    }

    #[test]
    fn summary_and_description_are_joined() {
        assert_eq!(d(Some("Get a pet"), Some("By id.")), "Get a pet\n\nBy id.");
    }

    #[test]
    fn equal_or_repeated_summaries_are_not_repeated() {
        assert_eq!(d(Some("Get a pet"), Some("Get a pet")), "Get a pet");
        assert_eq!(
            d(Some("Get a pet."), Some("Get a pet by its id.")),
            "Get a pet by its id."
        );
    }

    #[test]
    fn empty_descriptions_fall_back_to_method_and_path() {
        assert_eq!(d(Some("  "), Some("")), "GET /pets/{id}");
    }

    #[test]
    fn deprecation_is_noted() {
        let text = tool_description(Some("Old"), None, true, HttpMethod::Get, "/");
        assert_eq!(text, "Deprecated. Old");
    }

    #[test]
    fn long_text_is_cut_at_a_sentence_boundary() {
        let text = "This is a sentence. ".repeat(100);
        let out = trim_to(&text, 1024);
        assert!(out.chars().count() <= 1024);
        assert!(out.ends_with("sentence."), "{out}");
    }

    #[test]
    fn long_text_without_sentences_is_cut_at_a_word() {
        let text = "word ".repeat(300);
        let out = trim_to(&text, 1024);
        assert!(out.chars().count() <= 1024);
        assert!(out.ends_with("word…"), "{out}");
    }

    #[test]
    fn multibyte_text_is_never_split() {
        let text = "é".repeat(2000);
        let out = trim_to(&text, 1024);
        assert_eq!(out.chars().count(), 1024);
        assert!(out.ends_with('…'));
        let text = "ツ ".repeat(1000);
        assert!(trim_to(&text, 1024).chars().count() <= 1024);
    }
}
