//! Cutting a JSON body to the model's size cap by element, so what is left is still valid
//! JSON the model can read: arrays keep their first items, objects their first members, a
//! long string its first characters; the note says what was left out where (JSON pointers).
//!
//! Slicing the serialised text instead would hand the model a broken document, and it could
//! not tell a short list from a cut one.

use std::io;

use serde_json::{Map, Value};

/// A container or string worth descending into for a partial element only when this many
/// bytes are left; below that the element is left out whole.
const MIN_PARTIAL: usize = 32;

/// Most cut places named in the note (a deep document can be cut at each level).
const MAX_NAMED: usize = 4;

/// One place where elements were left out.
struct Cut {
    pointer: String,
    kept: usize,
    total: usize,
    unit: &'static str,
}

/// Bytes of `v` serialised compactly, without building the text.
pub(crate) fn size(v: &Value) -> usize {
    size_within(v, usize::MAX).unwrap_or(usize::MAX)
}

/// Bytes of `v` serialised compactly when at most `limit`, else `None`; stops counting at the
/// limit, so asking whether a large element fits a small budget costs the budget, not the
/// element (cutting a deep document would otherwise re-measure it whole at every level).
pub(crate) fn size_within(v: &Value, limit: usize) -> Option<usize> {
    struct Count {
        n: usize,
        limit: usize,
    }
    impl io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.n = self.n.saturating_add(buf.len());
            if self.n > self.limit {
                return Err(io::Error::other("over the limit"));
            }
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let mut c = Count { n: 0, limit };
    // Writing a `Value` fails only when the counter stops it.
    serde_json::to_writer(&mut c, v).ok().map(|()| c.n)
}

/// `v` cut to at most `max` bytes of compact JSON (a number, `true`, `false` or `null` at the
/// top is never cut), and the note saying how much was cut. `total` is the body's size in
/// bytes as received. A string cut short never ends in the first characters of one of
/// `secrets` (the caller scrubbed whole ones already).
pub(crate) fn fit(v: &Value, max: usize, total: usize, secrets: &[String]) -> (Value, String) {
    let mut cuts = Vec::new();
    let kept = fit_in(v, max, "", secrets, &mut cuts);
    let mut named: Vec<String> = cuts
        .iter()
        .take(MAX_NAMED)
        .map(|c| {
            let at = if c.pointer.is_empty() {
                "the top level".to_owned()
            } else {
                format!("`{}`", c.pointer)
            };
            format!("{} of {} {} kept at {at}", c.kept, c.total, c.unit)
        })
        .collect();
    if cuts.len() > MAX_NAMED {
        named.push(format!("{} more places cut", cuts.len() - MAX_NAMED));
    }
    let note = format!(
        "response cut: {} of {} bytes of JSON shown, cut by element so it stays valid JSON ({})",
        size(&kept),
        total.max(size(v)),
        named.join("; ")
    );
    (kept, note)
}

fn fit_in(
    v: &Value,
    budget: usize,
    pointer: &str,
    secrets: &[String],
    cuts: &mut Vec<Cut>,
) -> Value {
    if size_within(v, budget).is_some() {
        return v.clone();
    }
    match v {
        Value::Array(items) => {
            let mut out = Vec::new();
            let mut used = 2; // []
            for (i, item) in items.iter().enumerate() {
                let sep = usize::from(!out.is_empty());
                let room = budget.saturating_sub(used + sep);
                if let Some(s) = size_within(item, room) {
                    out.push(item.clone());
                    used += sep + s;
                    continue;
                }
                if room >= MIN_PARTIAL && partial_worth(item) {
                    let child = format!("{pointer}/{i}");
                    out.push(fit_in(item, room, &child, secrets, cuts));
                }
                break;
            }
            cuts.push(Cut {
                pointer: pointer.to_owned(),
                kept: out.len(),
                total: items.len(),
                unit: "items",
            });
            Value::Array(out)
        }
        Value::Object(members) => {
            let mut out = Map::new();
            let mut used = 2; // {}
            for (k, item) in members {
                let sep = usize::from(!out.is_empty());
                let key = size(&Value::String(k.clone())) + 1; // "key":
                let room = budget.saturating_sub(used + sep + key);
                if let Some(s) = size_within(item, room) {
                    out.insert(k.clone(), item.clone());
                    used += sep + key + s;
                    continue;
                }
                if room >= MIN_PARTIAL && partial_worth(item) {
                    let child = format!("{pointer}/{}", escape(k));
                    out.insert(k.clone(), fit_in(item, room, &child, secrets, cuts));
                }
                break;
            }
            cuts.push(Cut {
                pointer: pointer.to_owned(),
                kept: out.len(),
                total: members.len(),
                unit: "members",
            });
            Value::Object(out)
        }
        Value::String(s) => {
            let mut kept = cut_string(s, budget);
            super::redact::drop_partial_tail(&mut kept, secrets);
            cuts.push(Cut {
                pointer: pointer.to_owned(),
                kept: kept.chars().count(),
                total: s.chars().count(),
                unit: "characters",
            });
            Value::String(kept)
        }
        other => other.clone(),
    }
}

fn partial_worth(v: &Value) -> bool {
    matches!(v, Value::Array(_) | Value::Object(_) | Value::String(_))
}

/// The longest prefix of `s` (at a char boundary) whose JSON string fits in `budget` bytes.
fn cut_string(s: &str, budget: usize) -> String {
    let mut end = budget.saturating_sub(2).min(s.len());
    loop {
        while end > 0 && !s.is_char_boundary(end) {
            end -= 1;
        }
        let candidate = &s[..end];
        let over = size(&Value::String(candidate.to_owned())).saturating_sub(budget);
        if over == 0 || end == 0 {
            return candidate.to_owned();
        }
        // Escapes made it longer than its byte length: shrink by the overshoot.
        end = end.saturating_sub(over.max(1));
    }
}

/// A key as a JSON pointer token (RFC 6901).
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn arrays_keep_their_first_items_and_stay_valid() {
        let v = Value::Array((0..1000).map(|i| json!({"id": i, "name": "pet"})).collect());
        let (kept, note) = fit(&v, 200, size(&v), &[]);
        assert!(size(&kept) <= 200, "{}", size(&kept));
        let items = kept.as_array().unwrap();
        assert!(items.len() > 3 && items.len() < 1000);
        assert_eq!(items[0], json!({"id": 0, "name": "pet"}));
        assert_eq!(items[items.len() - 1]["id"], items.len() - 1);
        assert!(
            note.contains(&format!(
                "{} of 1000 items kept at the top level",
                items.len()
            )),
            "{note}"
        );
        assert!(note.contains(&format!("of {} bytes of JSON shown", size(&v))));
    }

    #[test]
    fn nested_lists_are_cut_inside_and_long_strings_by_character() {
        let v = json!({
            "total": 5000,
            "data/x": {"items": (0..5000).collect::<Vec<_>>()},
            "after": "never reached"
        });
        let (kept, note) = fit(&v, 300, 99_999, &[]);
        assert!(size(&kept) <= 300);
        assert_eq!(kept["total"], 5000);
        let items = kept["data/x"]["items"].as_array().unwrap();
        assert!(!items.is_empty() && items.len() < 5000);
        assert!(kept.get("after").is_none());
        assert!(
            note.contains("of 5000 items kept at `/data~1x/items`"),
            "{note}"
        );
        assert!(
            note.contains("2 of 3 members kept at the top level"),
            "{note}"
        );
        assert!(note.contains("of 99999 bytes"), "{note}");

        let s = json!({"text": "é\"".repeat(500)});
        let (kept, note) = fit(&s, 100, size(&s), &[]);
        assert!(size(&kept) <= 100, "{}", size(&kept));
        let t = kept["text"].as_str().unwrap();
        assert!(!t.is_empty() && "é\"".repeat(500).starts_with(t));
        assert!(
            note.contains("of 1000 characters kept at `/text`"),
            "{note}"
        );
    }

    #[test]
    fn scalars_are_never_cut_and_sizes_match_serde() {
        let v = json!([1, "two", {"three": [3.5, null, true]}]);
        assert_eq!(size(&v), serde_json::to_string(&v).unwrap().len());
        assert_eq!(fit(&json!(12345), 2, 5, &[]).0, json!(12345));
        let (kept, _) = fit(&v, 10, size(&v), &[]);
        assert_eq!(kept, json!([1, "two"]));
    }
}
