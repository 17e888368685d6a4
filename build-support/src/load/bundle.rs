//! Bundling: every `$ref` to another file is copied into the main document, so everything
//! downstream only ever sees local (`#/...`) references.
//!
//! A reference found at a place of kind K (schema, parameter, response, ...) that points into
//! another file is imported into `components/<section of K>/<name>`: the name is the target's own
//! component name when the target is `/components/<section>/<name>` in its file, else the last
//! pointer token (or the file's stem for a whole-file reference), sanitised to the characters
//! component names allow, and made unique with `<file stem>_<name>` then a numeric suffix. Path
//! items (which 3.0 cannot hold in components) are copied in place. Each (file, pointer) is
//! imported once, so recursive external schemas terminate; references inside imported content
//! are resolved against the file they were written in. The walk is in document order, so names
//! are deterministic.

use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::limits::Budget;
use super::parse::{self, ParseError};
use super::{Origin, Source};
use crate::diagnostics::{Diagnostic, Diagnostics, escape_pointer_token};
use crate::normalize::walk::{Kind, walk};
use openapi_tools_runtime::pointer;

/// Upper bound on imported nodes, so a pathological set of files cannot run forever.
const MAX_IMPORTS: usize = 20_000;

/// A `$ref` still to resolve: where it sits in the bundled document, the kind of object
/// expected there, its text, and the file its text is relative to.
struct Site {
    ptr: String,
    kind: Kind,
    reference: String,
    file: usize,
}

/// State of one bundling run.
pub(crate) struct Bundler<'a> {
    sources: &'a mut Vec<Source>,
    origins: &'a mut Vec<Origin>,
    diags: &'a mut Diagnostics,
    /// Where files may be read from and how much is left to read.
    budget: &'a mut Budget,
    /// Directory relative references of the main document resolve against.
    main_dir: PathBuf,
    /// Parsed external files by index in `sources` (index 0, the main document, is not here).
    values: HashMap<usize, Value>,
    /// Canonical path -> index in `sources` (or `None` when it could not be read/parsed).
    by_path: HashMap<PathBuf, Option<usize>>,
    /// (file, fragment) -> the local reference it was imported as.
    imported: HashMap<(usize, String), String>,
    count: usize,
}

impl<'a> Bundler<'a> {
    pub(crate) fn new(
        sources: &'a mut Vec<Source>,
        origins: &'a mut Vec<Origin>,
        diags: &'a mut Diagnostics,
        budget: &'a mut Budget,
        main_dir: PathBuf,
        main_canonical: Option<PathBuf>,
    ) -> Self {
        let mut by_path = HashMap::new();
        if let Some(c) = main_canonical {
            by_path.insert(c, Some(0));
        }
        Bundler {
            sources,
            origins,
            diags,
            budget,
            main_dir,
            values: HashMap::new(),
            by_path,
            imported: HashMap::new(),
            count: 0,
        }
    }

    /// Imports every external reference of `doc` (the main document) into it.
    pub(crate) fn run(mut self, doc: &mut Value) {
        // Most documents are self-contained: one cheap scan proves it and spares the typed walk,
        // which builds a pointer for every node it visits. For JSON the scan is of the text (a
        // few `memmem` passes instead of a walk over every node of the parsed tree).
        let text_says_local = self
            .sources
            .first()
            .is_some_and(|s| s.format == parse::Format::Json && json_refs_all_local(&s.text));
        if text_says_local || !has_external_ref(doc, 0) {
            return;
        }
        let mut queue = VecDeque::new();
        collect(doc, Kind::Document, "", 0, false, &mut queue);
        while let Some(site) = queue.pop_front() {
            if self.count >= MAX_IMPORTS {
                self.diags.error(
                    site.ptr,
                    format!("more than {MAX_IMPORTS} external references; stopped bundling"),
                );
                return;
            }
            self.resolve(doc, site, &mut queue);
        }
    }

    fn resolve(&mut self, doc: &mut Value, site: Site, queue: &mut VecDeque<Site>) {
        let (file_part, fragment) = split_ref(&site.reference);
        if is_remote(file_part) {
            self.diags.push(
                Diagnostic::error(
                    &site.ptr,
                    format!(
                        "remote reference `{}` is not supported: loading is offline",
                        site.reference
                    ),
                )
                .with_hint("download the referenced document and refer to it by a relative path"),
            );
            return;
        }
        let file = if file_part.is_empty() {
            Some(site.file)
        } else {
            self.open(file_part, &site)
        };
        let Some(file) = file else {
            return;
        };
        if file == 0 {
            set_ref(doc, &site.ptr, format!("#{fragment}"));
            return;
        }
        let key = (file, fragment.clone());
        if let Some(local) = self.imported.get(&key) {
            set_ref(doc, &site.ptr, local.clone());
            return;
        }
        let Some(target) = self.values.get(&file).and_then(|v| v.pointer(&fragment)) else {
            let shown = self
                .sources
                .get(file)
                .map(|s| s.path.display().to_string())
                .unwrap_or_default();
            self.diags.error(
                &site.ptr,
                format!(
                    "reference `{}`: `{}` has nothing at `#{fragment}`",
                    site.reference, shown
                ),
            );
            return;
        };
        let mut target = target.clone();
        self.count += 1;

        let from_section = component_of(&fragment);
        let section = from_section
            .as_ref()
            .map(|(s, _)| (*s).to_owned())
            .or_else(|| site.kind.section().map(str::to_owned))
            .filter(|s| s != "pathItems" && site.kind != Kind::PathItem);
        let dest = match section {
            Some(section) => {
                let stem = self.stem(file);
                let wanted = from_section
                    .as_ref()
                    .map(|(_, n)| n.clone())
                    .or_else(|| last_token(&fragment))
                    .unwrap_or_else(|| stem.clone());
                let name = unique_name(doc, &section, &sanitize(&wanted), &stem);
                let dest = format!("/components/{section}/{}", escape_pointer_token(&name));
                insert_component(doc, &section, name, target);
                let local = format!("#{dest}");
                self.imported.insert(key, local.clone());
                set_ref(doc, &site.ptr, local);
                dest
            }
            None => {
                // Copy in place; keys written next to the `$ref` (3.1 summary/description) win.
                if let (Some(Value::Object(at_site)), Value::Object(t)) =
                    (doc.pointer(&site.ptr), &mut target)
                {
                    for (k, v) in at_site {
                        if k != "$ref" {
                            t.insert(k.clone(), v.clone());
                        }
                    }
                }
                if let Some(slot) = doc.pointer_mut(&site.ptr) {
                    *slot = target;
                }
                site.ptr.clone()
            }
        };
        self.origins.push(Origin {
            bundled: dest.clone(),
            file,
            original: fragment,
        });
        if let Some(node) = doc.pointer_mut(&dest) {
            collect(node, site.kind, &dest, file, true, queue);
        }
    }

    /// Reads and parses the file `path` (relative to the file of `site`), once.
    fn open(&mut self, path: &str, site: &Site) -> Option<usize> {
        let path = pointer::percent_decode(path.strip_prefix("file://").unwrap_or(path));
        let base = if site.file == 0 {
            self.main_dir.clone()
        } else {
            self.sources
                .get(site.file)
                .and_then(|s| s.path.parent())
                .map(Path::to_path_buf)
                .unwrap_or_default()
        };
        let joined = base.join(&*path);
        let canonical = match joined.canonicalize() {
            Ok(c) => c,
            Err(e) => {
                // A missing file where the spec may not look is refused exactly like an
                // existing one: the message must not tell whether a file exists outside the root.
                if let Err(why) = self.budget.allows(&lexical(&joined)) {
                    self.diags.push(
                        Diagnostic::error(
                            &site.ptr,
                            format!("reference `{}`: {why}", site.reference),
                        )
                        .with_hint(OUTSIDE_ROOT_HINT),
                    );
                    return None;
                }
                self.diags.push(Diagnostic::error(
                    &site.ptr,
                    format!(
                        "reference `{}`: cannot read `{}`: {e}",
                        site.reference,
                        joined.display()
                    ),
                ));
                return None;
            }
        };
        if let Some(known) = self.by_path.get(&canonical) {
            return *known;
        }
        if let Err(why) = self.budget.allows(&canonical) {
            self.diags.push(
                Diagnostic::error(&site.ptr, format!("reference `{}`: {why}", site.reference))
                    .with_hint(OUTSIDE_ROOT_HINT),
            );
            self.by_path.insert(canonical, None);
            return None;
        }
        let loaded = match self.budget.read(&canonical) {
            Ok(text) => {
                let format = parse::detect(&text);
                match parse::parse(&text, format) {
                    Ok(value) => Some((text, format, value)),
                    Err(ParseError {
                        message,
                        line,
                        column,
                    }) => {
                        let mut d = Diagnostic::error(
                            "",
                            format!(
                                "cannot parse `{}` (referenced by `{}`): {message}",
                                joined.display(),
                                site.reference
                            ),
                        )
                        .with_file(&canonical);
                        d.line = line;
                        d.column = column;
                        self.diags.push(d);
                        None
                    }
                }
            }
            Err(e) => {
                self.diags.error(
                    &site.ptr,
                    format!(
                        "reference `{}`: cannot read `{}`: {e}",
                        site.reference,
                        joined.display()
                    ),
                );
                None
            }
        };
        let index = loaded.map(|(text, format, value)| {
            self.sources.push(Source {
                path: canonical.clone(),
                text,
                format,
            });
            let index = self.sources.len() - 1;
            self.values.insert(index, value);
            index
        });
        self.by_path.insert(canonical, index);
        index
    }

    fn stem(&self, file: usize) -> String {
        self.sources
            .get(file)
            .and_then(|s| s.path.file_stem())
            .map(|s| sanitize(&s.to_string_lossy()))
            .unwrap_or_else(|| "external".to_owned())
    }
}

/// Queues every `$ref` under `node`. In the main document (`all == false`) only references to
/// other files matter; in imported content every reference is relative to its file.
fn collect(
    node: &mut Value,
    kind: Kind,
    base: &str,
    file: usize,
    all: bool,
    queue: &mut VecDeque<Site>,
) {
    walk(node, kind, base, &mut |n, k, ptr| {
        if let Some(r) = n.get("$ref").and_then(Value::as_str)
            && (all || !r.starts_with('#'))
        {
            queue.push_back(Site {
                ptr: ptr.to_owned(),
                kind: k,
                reference: r.to_owned(),
                file,
            });
        }
    });
}

/// Whether any `$ref` anywhere in `node` (examples included, so this over-approximates what
/// [`collect`] finds) is a string that does not start with `#`. Past the walk's depth limit the
/// answer is `true`: the typed walk then decides.
fn has_external_ref(node: &Value, depth: usize) -> bool {
    if depth > crate::normalize::walk::MAX_DEPTH {
        return true;
    }
    match node {
        Value::Object(map) => map.iter().any(|(k, v)| {
            (k == "$ref" && v.as_str().is_some_and(|r| !r.starts_with('#')))
                || has_external_ref(v, depth + 1)
        }),
        Value::Array(items) => items.iter().any(|v| has_external_ref(v, depth + 1)),
        _ => false,
    }
}

/// Whether JSON `text` provably has no `$ref` that [`has_external_ref`] would find: every
/// `"$ref"` followed by a colon (every way a `$ref` key can be written without escapes) has a
/// string value written starting with `#`, and no `\u` escape spells a character of `$ref`.
/// `false` means "not proven" (the walk over the parsed tree decides).
fn json_refs_all_local(text: &str) -> bool {
    let bytes = text.as_bytes();
    // `\u0024` `$`, `\u0072` `r`, `\u0065` `e`, `\u0066` `f`: a key spelled with them is `$ref`
    // too. (JSON has no other escape for these characters, and `\u` takes no capital `U`.)
    let spelled = memchr::memmem::find_iter(bytes, br"\u00").any(|at| {
        matches!(
            bytes.get(at + 4..at + 6),
            Some(b"24" | b"72" | b"65" | b"66")
        )
    });
    if spelled {
        return false;
    }
    let json_space = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r');
    memchr::memmem::find_iter(bytes, br#""$ref""#).all(|at| {
        let rest = bytes.get(at + 6..).unwrap_or_default();
        let mut rest = rest.iter().skip_while(|b| json_space(b));
        if rest.next() != Some(&b':') {
            // Not a key (a value, or text inside a string).
            return true;
        }
        let mut rest = rest.skip_while(|b| json_space(b));
        rest.next() == Some(&b'"') && rest.next() == Some(&b'#')
    })
}

fn set_ref(doc: &mut Value, ptr: &str, reference: String) {
    if let Some(Value::Object(obj)) = doc.pointer_mut(ptr) {
        obj.insert("$ref".to_owned(), Value::String(reference));
    }
}

fn insert_component(doc: &mut Value, section: &str, name: String, value: Value) {
    let Some(root) = doc.as_object_mut() else {
        return;
    };
    let components = root
        .entry("components")
        .or_insert_with(|| Value::Object(Map::new()));
    if !components.is_object() {
        *components = Value::Object(Map::new());
    }
    if let Some(components) = components.as_object_mut() {
        let items = components
            .entry(section)
            .or_insert_with(|| Value::Object(Map::new()));
        if !items.is_object() {
            *items = Value::Object(Map::new());
        }
        if let Some(items) = items.as_object_mut() {
            items.insert(name, value);
        }
    }
}

fn unique_name(doc: &Value, section: &str, name: &str, stem: &str) -> String {
    let taken = |n: &str| {
        doc.get("components")
            .and_then(|c| c.get(section))
            .and_then(|s| s.get(n))
            .is_some()
    };
    if !taken(name) {
        return name.to_owned();
    }
    let prefixed = format!("{stem}_{name}");
    if !taken(&prefixed) {
        return prefixed;
    }
    (2..)
        .map(|i| format!("{prefixed}_{i}"))
        .find(|n| !taken(n))
        .unwrap_or(prefixed)
}

/// Component names allow `[A-Za-z0-9._-]`.
pub(crate) fn sanitize(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() { "_".to_owned() } else { s }
}

/// `(section, name)` when `fragment` is exactly `/components/<section>/<name>`.
fn component_of(fragment: &str) -> Option<(&str, String)> {
    let rest = fragment.strip_prefix("/components/")?;
    let (section, name) = rest.split_once('/')?;
    if name.contains('/') || Kind::from_section(section).is_none() {
        return None;
    }
    Some((section, pointer::unescape(name).into_owned()))
}

fn last_token(fragment: &str) -> Option<String> {
    let t = fragment.rsplit('/').next()?;
    (!t.is_empty()).then(|| pointer::unescape(t).into_owned())
}

/// Splits a reference into its file part and its (percent-decoded) JSON pointer fragment.
pub(crate) fn split_ref(reference: &str) -> (&str, String) {
    match reference.split_once('#') {
        Some((file, fragment)) => (file, pointer::percent_decode(fragment).into_owned()),
        None => (reference, String::new()),
    }
}

/// Whether a reference's file part names a network resource.
pub(crate) fn is_remote(file_part: &str) -> bool {
    file_part.contains("://") && !file_part.starts_with("file://")
}

/// The hint of a reference refused by the load's root.
const OUTSIDE_ROOT_HINT: &str =
    "refer only to files in the spec's directory tree, or widen the load's root";

/// `path` made absolute with `.` and `..` resolved without touching the file system (for a path
/// that does not exist, so cannot be canonicalised).
fn lexical(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for part in absolute.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_scan_proves_only_what_the_tree_scan_agrees_with() {
        let cases = [
            (
                r##"{"a": {"$ref": "#/x"}, "b": ["$ref", {"$ref" :  "#/y"}]}"##,
                true,
            ),
            (r##"{"a": {"$ref": "other.json#/x"}}"##, false),
            (r##"{"a": {"$ref": "\u0023/x"}}"##, false),
            (r##"{"a": {"\u0024ref": "other.json"}}"##, false),
            (r##"{"a": {"$r\u0065f": "other.json"}}"##, false),
            (r##"{"a": {"$ref": 1}}"##, false),
            (
                r##"{"a": {"description": "see \"$ref\": x", "$ref": "#/b"}}"##,
                true,
            ),
            (r##"{"a": "\u00e9", "$ref": "#/b"}"##, true),
        ];
        for (text, proven) in cases {
            assert_eq!(json_refs_all_local(text), proven, "{text}");
            let doc: Value = serde_json::from_str(text).unwrap();
            if proven {
                assert!(!has_external_ref(&doc, 0), "{text}");
            }
        }
    }

    /// On every JSON document of the fixtures and the corpus, the text scan never claims "all
    /// local" where the walk over the parsed tree finds an external reference.
    #[test]
    fn text_scan_agrees_with_the_tree_scan_on_real_documents() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for dir in [
            "../fixtures/load",
            "../fixtures/load/split",
            "../fixtures/specs",
        ] {
            if root.join(dir).is_dir() {
                files.extend(openapi_tools_test_support::spec_files(root.join(dir)));
            }
        }
        if let Some(dir) = openapi_tools_test_support::corpus_or_skip(root, "text ref scan") {
            files.extend(openapi_tools_test_support::spec_files(dir));
        }
        let mut proven = 0;
        for path in files {
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let Ok(doc) = serde_json::from_str::<Value>(&text) else {
                continue;
            };
            if json_refs_all_local(&text) {
                assert!(!has_external_ref(&doc, 0), "{}", path.display());
                proven += 1;
            }
        }
        assert!(proven > 0, "no JSON document was proven self-contained");
    }

    #[test]
    fn splits_and_decodes_references() {
        assert_eq!(
            split_ref("a.yaml#/x/%7Bid%7D"),
            ("a.yaml", "/x/{id}".to_owned())
        );
        assert_eq!(split_ref("a.yaml"), ("a.yaml", String::new()));
        assert_eq!(
            split_ref("#/components/schemas/A"),
            ("", "/components/schemas/A".to_owned())
        );
        assert!(is_remote("https://example.com/x.yaml"));
        assert!(!is_remote("./x.yaml"));
    }

    #[test]
    fn component_fragments_keep_their_section_and_name() {
        assert_eq!(
            component_of("/components/schemas/A~1B"),
            Some(("schemas", "A/B".to_owned()))
        );
        assert_eq!(component_of("/components/schemas/A/properties/b"), None);
        assert_eq!(component_of("/definitions/A"), None);
        assert_eq!(sanitize("My Schema<T>"), "My_Schema_T_");
    }
}
