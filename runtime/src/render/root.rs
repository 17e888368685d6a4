//! Alternatives at the root of a tool's input schema.
//!
//! A flattened request body may carry `oneOf`/`anyOf` members that only list required
//! properties (`oneOf: [{required: [id]}, {required: [owner, repo, number]}]`); the model puts
//! them at the root of the canonical input schema, where the validator enforces them. No
//! provider accepts a union at the root of a tool's parameters (Anthropic and OpenAI reject it,
//! Gemini has no such keyword), so every renderer sees the schema without it and the tool
//! description starts with one sentence naming the alternatives. The dispatcher's validator still
//! rejects a call that sends none (or, for `oneOf`, several) of them, naming every set.

use serde_json::{Map, Value};

use super::ToolDef;

/// A tool whose root alternatives moved into its description.
pub(crate) struct Lowered {
    /// The input schema without the root `anyOf` / `oneOf`.
    pub schema: Value,
    /// The description with the alternatives sentence in front.
    pub description: String,
    /// What was done, for [`super::Rendered::notes`].
    pub note: String,
}

impl Lowered {
    /// `tool` with the lowered schema and description.
    pub(crate) fn as_def<'a>(&'a self, tool: &ToolDef<'a>) -> ToolDef<'a> {
        ToolDef {
            input_schema: &self.schema,
            description: &self.description,
            ..*tool
        }
    }
}

/// `Some` when the root of `tool`'s schema has a union of required-only members.
pub(crate) fn lower(tool: &ToolDef<'_>) -> Option<Lowered> {
    let root = tool.input_schema.as_object()?;
    let (keyword, members) = ["oneOf", "anyOf"]
        .into_iter()
        .find_map(|k| Some((k, root.get(k)?.as_array()?)))?;
    if root.contains_key("anyOf") && root.contains_key("oneOf") {
        return None;
    }
    let sets: Vec<Vec<&str>> = members.iter().map(required_only).collect::<Option<_>>()?;
    if sets.is_empty() {
        return None;
    }
    let mut schema: Map<String, Value> = root.clone();
    schema.remove(keyword);
    let listed: Vec<String> = sets.iter().map(|s| and_list(s)).collect();
    let how = if keyword == "oneOf" && sets.len() > 1 {
        "exactly one of"
    } else {
        "at least one of"
    };
    let sentence = format!("Send {how}: {}.", listed.join("; or "));
    let base = tool.description.trim_end();
    // First, so that a provider's length cap (OpenAI: 1024 characters) never cuts it off.
    let description = if base.is_empty() {
        sentence
    } else {
        format!("{sentence}\n\n{base}")
    };
    Some(Lowered {
        schema: Value::Object(schema),
        description,
        note: format!(
            "/: root `{keyword}` of required properties moved into the description (the validator still enforces it)"
        ),
    })
}

/// The `required` names of `{"required": [...]}` with nothing else that restricts.
fn required_only(member: &Value) -> Option<Vec<&str>> {
    let m = member.as_object()?;
    if !m
        .keys()
        .all(|k| matches!(k.as_str(), "required" | "description" | "title"))
    {
        return None;
    }
    let names: Vec<&str> = m
        .get("required")?
        .as_array()?
        .iter()
        .map(Value::as_str)
        .collect::<Option<_>>()?;
    (!names.is_empty()).then_some(names)
}

/// `` `a` ``, `` `a` and `b` ``, `` `a`, `b` and `c` ``.
fn and_list(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match quoted.as_slice() {
        [init @ .., last] if !init.is_empty() => format!("{} and {last}", init.join(", ")),
        _ => quoted.concat(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::{Provider, RenderOptions, render, render_providers};
    use serde_json::json;

    fn schema(keyword: &str) -> Value {
        let mut s = json!({"type": "object", "additionalProperties": false,
            "properties": {"type": {"type": "string"}, "id": {"type": "integer"},
                "owner": {"type": "string"}, "repo": {"type": "string"}, "number": {"type": "integer"}},
            "required": ["type"]});
        s[keyword] = json!([{"required": ["id"]}, {"required": ["owner", "repo", "number"]}]);
        s
    }

    fn def<'a>(s: &'a Value) -> ToolDef<'a> {
        ToolDef {
            name: "add_item",
            title: None,
            description: "Add an item.",
            input_schema: s,
            method: None,
            deprecated: false,
        }
    }

    #[test]
    fn root_alternatives_move_into_the_description_for_every_provider() {
        let s = schema("oneOf");
        for p in Provider::ALL {
            let r = render(p, &def(&s), &RenderOptions::default());
            let text = r.tool.to_string();
            assert!(!text.contains("oneOf"), "{p}: {text}");
            assert!(
                text.contains("Send exactly one of: `id`; or `owner`, `repo` and `number`."),
                "{p}: {text}"
            );
            assert!(r.notes.iter().any(|n| n.contains("root `oneOf`")), "{p}");
        }
        // OpenAI strict mode stays possible: the rest is a plain closed object.
        let r = render(Provider::OpenAiChat, &def(&s), &RenderOptions::default());
        assert!(r.strict, "{:?}", r.notes);
        let all = render_providers(&[def(&s)], &RenderOptions::default());
        assert!(!Value::Object(all).to_string().contains("oneOf"));
    }

    #[test]
    fn any_of_reads_at_least_one_and_other_unions_stay() {
        let s = schema("anyOf");
        let l = lower(&def(&s)).unwrap();
        assert!(
            l.description
                .starts_with("Send at least one of: `id`; or `owner`, `repo` and `number`.")
        );
        assert!(l.schema.get("anyOf").is_none());
        let mut shaped = schema("anyOf");
        shaped["anyOf"][0] = json!({"required": ["id"], "properties": {"id": {"minimum": 1}}});
        assert!(lower(&def(&shaped)).is_none());
        assert!(lower(&def(&json!({"type": "object"}))).is_none());
    }
}
