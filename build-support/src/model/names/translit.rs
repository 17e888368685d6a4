//! ASCII folding for names: `Resolução` -> `Resolucao`, `Straße` -> `Strasse`.
//!
//! Tool and property names must be ASCII for every provider. Latin letters with diacritics (the
//! common case in real specs) fold to their base letter so the name stays readable; anything else
//! that is not ASCII (symbols like `≠`, other scripts) becomes a word separator, and callers fall
//! back to a hash when nothing readable is left.

/// Folds `s` to ASCII; characters with no sensible Latin reading become a space (a separator).
pub(crate) fn to_ascii(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii() {
            out.push(c);
        } else if let Some(folded) = fold(c) {
            out.push_str(folded);
        } else {
            out.push(' ');
        }
    }
    out
}

/// Latin-1 Supplement and Latin Extended-A letters with their ASCII reading.
fn fold(c: char) -> Option<&'static str> {
    const TABLE: &[(&str, &str)] = &[
        ("ÀÁÂÃÄÅĀĂĄ", "A"),
        ("àáâãäåāăą", "a"),
        ("ÇĆĈĊČ", "C"),
        ("çćĉċč", "c"),
        ("ĎĐÐ", "D"),
        ("ďđð", "d"),
        ("ÈÉÊËĒĔĖĘĚ", "E"),
        ("èéêëēĕėęě", "e"),
        ("ĜĞĠĢ", "G"),
        ("ĝğġģ", "g"),
        ("ĤĦ", "H"),
        ("ĥħ", "h"),
        ("ÌÍÎÏĨĪĬĮİ", "I"),
        ("ìíîïĩīĭįı", "i"),
        ("Ĵ", "J"),
        ("ĵ", "j"),
        ("Ķ", "K"),
        ("ķĸ", "k"),
        ("ĹĻĽĿŁ", "L"),
        ("ĺļľŀł", "l"),
        ("ÑŃŅŇŊ", "N"),
        ("ñńņňŉŋ", "n"),
        ("ÒÓÔÕÖØŌŎŐ", "O"),
        ("òóôõöøōŏő", "o"),
        ("ŔŖŘ", "R"),
        ("ŕŗř", "r"),
        ("ŚŜŞŠ", "S"),
        ("śŝşšſ", "s"),
        ("ŢŤŦ", "T"),
        ("ţťŧ", "t"),
        ("ÙÚÛÜŨŪŬŮŰŲ", "U"),
        ("ùúûüũūŭůűų", "u"),
        ("Ŵ", "W"),
        ("ŵ", "w"),
        ("ÝŶŸ", "Y"),
        ("ýÿŷ", "y"),
        ("ŹŻŽ", "Z"),
        ("źżž", "z"),
        ("Æ", "AE"),
        ("æ", "ae"),
        ("Œ", "OE"),
        ("œ", "oe"),
        ("ß", "ss"),
        ("Þ", "Th"),
        ("þ", "th"),
        ("Ĳ", "IJ"),
        ("ĳ", "ij"),
    ];
    TABLE
        .iter()
        .find(|(letters, _)| letters.contains(c))
        .map(|(_, ascii)| *ascii)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_diacritics_fold_to_their_base_letter() {
        assert_eq!(to_ascii("Resolução"), "Resolucao");
        assert_eq!(to_ascii("Straße"), "Strasse");
        assert_eq!(to_ascii("Œuvre"), "OEuvre");
    }

    #[test]
    fn other_characters_become_separators() {
        assert_eq!(to_ascii("a≠b"), "a b");
        assert_eq!(to_ascii("名前"), "  ");
    }
}
