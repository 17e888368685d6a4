//! Renders every fixture in `fixtures/render/` for every provider and snapshots the output
//! (tools, which are strict, and the notes explaining each lowering).
//!
//! With `RENDER_CHECK_OUT=<dir>` set, also writes the provider checker's input for each fixture:
//! `<dir>/<fixture>.json` (default options) and `<dir>/<fixture>.anthropic-strict.json`
//! (`anthropic_strict` on); `scripts/check-render-fixtures.sh` runs the checker on them.

use std::path::{Path, PathBuf};

use openapi_tools_runtime::HttpMethod;
use openapi_tools_runtime::render::{
    Provider, RenderOptions, Rendered, ToolDef, render_all, render_providers,
};
use serde::Deserialize;
use serde_json::{Map, Value, json};

#[derive(Deserialize)]
struct Fixture {
    name: String,
    #[serde(default)]
    title: Option<String>,
    description: String,
    input_schema: Value,
    #[serde(default)]
    method: Option<HttpMethod>,
    #[serde(default)]
    deprecated: bool,
}

impl Fixture {
    fn def(&self) -> ToolDef<'_> {
        ToolDef {
            name: &self.name,
            title: self.title.as_deref(),
            description: &self.description,
            input_schema: &self.input_schema,
            method: self.method,
            deprecated: self.deprecated,
        }
    }
}

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/render")
}

fn fixtures() -> Vec<(String, Vec<Fixture>)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixture_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no fixtures in {:?}", fixture_dir());
    files
        .into_iter()
        .map(|p| {
            let stem = p.file_stem().unwrap().to_string_lossy().into_owned();
            let tools: Vec<Fixture> =
                serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
            (stem, tools)
        })
        .collect()
}

fn summary(tools: &[ToolDef], rendered: &[Rendered]) -> Value {
    let mut notes = Map::new();
    let mut strict = Vec::new();
    for (t, r) in tools.iter().zip(rendered) {
        if r.strict {
            strict.push(json!(t.name));
        }
        if !r.notes.is_empty() {
            notes.insert(t.name.to_string(), json!(r.notes));
        }
    }
    json!({"strict": strict, "notes": notes, "tools": rendered.iter().map(|r| &r.tool).collect::<Vec<_>>()})
}

#[test]
fn fixture_snapshots() {
    let strict = RenderOptions {
        anthropic_strict: true,
        ..RenderOptions::default()
    };
    let plain = RenderOptions::default();
    for (stem, fx) in fixtures() {
        let defs: Vec<ToolDef> = fx.iter().map(Fixture::def).collect();
        for (label, provider, opts) in [
            ("openai_chat", Provider::OpenAiChat, &plain),
            ("anthropic", Provider::Anthropic, &plain),
            ("anthropic_strict", Provider::Anthropic, &strict),
            ("gemini", Provider::Gemini, &plain),
            ("mcp", Provider::Mcp, &plain),
        ] {
            let r = render_all(provider, &defs, opts);
            insta::assert_json_snapshot!(format!("{stem}__{label}"), summary(&defs, &r));
        }
    }
}

#[test]
fn responses_is_the_flattened_chat_shape() {
    for (_, fx) in fixtures() {
        let defs: Vec<ToolDef> = fx.iter().map(Fixture::def).collect();
        let chat = render_all(Provider::OpenAiChat, &defs, &RenderOptions::default());
        let resp = render_all(Provider::OpenAiResponses, &defs, &RenderOptions::default());
        for (c, r) in chat.iter().zip(&resp) {
            let mut flat = json!({"type": "function"});
            for (k, v) in c.tool["function"].as_object().unwrap() {
                flat[k] = v.clone();
            }
            assert_eq!(flat, r.tool);
            assert_eq!(c.strict, r.strict);
        }
    }
}

/// Reverses the keyword order of every schema object (not property order, which is meaningful).
fn reverse_keywords(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut out = Map::new();
            for (k, sub) in m.iter().rev() {
                let val = if k == "properties" || k == "$defs" {
                    Value::Object(
                        sub.as_object()
                            .unwrap()
                            .iter()
                            .map(|(n, s)| (n.clone(), reverse_keywords(s)))
                            .collect(),
                    )
                } else {
                    reverse_keywords(sub)
                };
                out.insert(k.clone(), val);
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(reverse_keywords).collect()),
        other => other.clone(),
    }
}

#[test]
fn output_does_not_depend_on_keyword_order() {
    let opts = RenderOptions {
        anthropic_strict: true,
        ..RenderOptions::default()
    };
    for (stem, fx) in fixtures() {
        let defs: Vec<ToolDef> = fx.iter().map(Fixture::def).collect();
        let reversed: Vec<Value> = fx
            .iter()
            .map(|f| reverse_keywords(&f.input_schema))
            .collect();
        let defs2: Vec<ToolDef> = defs
            .iter()
            .zip(&reversed)
            .map(|(d, s)| ToolDef {
                input_schema: s,
                ..*d
            })
            .collect();
        let a = serde_json::to_string(&render_providers(&defs, &opts)).unwrap();
        let b = serde_json::to_string(&render_providers(&defs2, &opts)).unwrap();
        assert_eq!(a, b, "{stem}: output depends on keyword order");
    }
}

#[test]
fn write_checker_input() {
    let Some(dir) = std::env::var_os("RENDER_CHECK_OUT") else {
        return;
    };
    let dir = PathBuf::from(dir);
    std::fs::create_dir_all(&dir).unwrap();
    for (stem, fx) in fixtures() {
        let defs: Vec<ToolDef> = fx.iter().map(Fixture::def).collect();
        for (suffix, opts) in [
            ("", RenderOptions::default()),
            (
                ".anthropic-strict",
                RenderOptions {
                    anthropic_strict: true,
                    ..RenderOptions::default()
                },
            ),
        ] {
            let all = render_providers(&defs, &opts);
            let path = dir.join(format!("{stem}{suffix}.json"));
            std::fs::write(&path, serde_json::to_vec_pretty(&all).unwrap()).unwrap();
        }
    }
}
