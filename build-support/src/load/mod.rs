//! Loading a spec: bytes -> JSON value with a source map, external refs bundled, openapiv3 model.
//!
//! Stages, each appending to one diagnostics bag and going on after a problem where that is safe:
//!
//! 1. parse: JSON or YAML by content ([`parse`]); a Swagger 2.0 document, a non-object, or text
//!    that does not parse ends the load (`None`);
//! 2. bundle: references to other files are imported so only local references remain ([`bundle`]);
//! 3. normalise: 3.1 and lenient 3.0 fix-ups into the shape `openapiv3` reads
//!    ([`crate::normalize`]);
//! 4. check references: targets exist, are of the right kind, chains end ([`refcheck`]);
//! 5. typed read into `openapiv3::OpenAPI`, skipping (with an error) what cannot be read ([`typed`]);
//! 6. locate: every diagnostic gets its file, its pointer in that file, line and column.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::diagnostics::{Diagnostic, Diagnostics, escape_pointer_token};
use crate::normalize::{self, walk::METHODS};

mod bundle;
mod fast;
mod limits;
mod parse;
mod refcheck;
mod source_map;
mod typed;

pub(crate) use bundle::sanitize as sanitize_name;
pub use limits::{DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_TOTAL_BYTES, LoadLimits, RefRoot};
use parse::Format;

/// A loaded, bundled and normalised OpenAPI document.
#[derive(Debug, Clone)]
pub struct LoadedSpec {
    /// The document as `openapiv3` reads it: external refs internalised, normalised to 3.0 shape.
    pub openapi: openapiv3::OpenAPI,
    /// The same bundled and normalised document as JSON (what `openapi` was read from).
    pub document: Value,
    /// The document's `openapi` field as written (`"3.1.0"`); empty when missing.
    pub source_version: String,
    /// `openapi_tools_runtime::hash::bytes_hash` over the bytes of every file read, in order.
    pub source_hash: String,
    /// Every file read, the main document first (for `cargo:rerun-if-changed`).
    pub files: Vec<PathBuf>,
    sources: Sources,
}

/// One file read: its name, its text (kept to locate diagnostics lazily), its syntax.
#[derive(Debug, Clone)]
pub(crate) struct Source {
    pub(crate) path: PathBuf,
    pub(crate) text: String,
    pub(crate) format: Format,
}

/// `bundled` (a pointer prefix in the bundled document) came from `original` in `sources[file]`.
#[derive(Debug, Clone)]
pub(crate) struct Origin {
    pub(crate) bundled: String,
    pub(crate) file: usize,
    pub(crate) original: String,
}

/// The files read and where each part of the bundled document came from.
#[derive(Debug, Clone, Default)]
struct Sources {
    files: Vec<Source>,
    origins: Vec<Origin>,
}

impl Sources {
    /// Maps a pointer in the bundled document to (file index, pointer in that file).
    fn translate(&self, ptr: &str) -> (usize, String) {
        let best = self
            .origins
            .iter()
            .filter(|o| {
                ptr == o.bundled
                    || (ptr.starts_with(&o.bundled)
                        && ptr.as_bytes().get(o.bundled.len()) == Some(&b'/'))
            })
            .max_by_key(|o| o.bundled.len());
        match best {
            Some(o) => (o.file, format!("{}{}", o.original, &ptr[o.bundled.len()..])),
            None => (0, ptr.to_owned()),
        }
    }

    /// Fills file, pointer (in that file), line, column and operation of `diags` not yet located.
    fn locate(&self, labels: Labels<'_>, diags: &mut [&mut Diagnostic]) {
        let mut per_file: Vec<Vec<usize>> = vec![Vec::new(); self.files.len()];
        for (i, d) in diags.iter_mut().enumerate() {
            if d.file.is_some() {
                continue;
            }
            if d.operation.is_none() {
                d.operation = operation_of(labels, &d.pointer);
            }
            let (file, original) = self.translate(&d.pointer);
            let Some(source) = self.files.get(file) else {
                continue;
            };
            d.file = Some(source.path.clone());
            d.pointer = original;
            if let Some(list) = per_file.get_mut(file) {
                list.push(i);
            }
        }
        for (file, indices) in per_file.iter().enumerate() {
            let Some(source) = self.files.get(file).filter(|_| !indices.is_empty()) else {
                continue;
            };
            let pointers: Vec<&str> = indices
                .iter()
                .filter_map(|i| diags.get(*i))
                .map(|d| d.pointer.as_str())
                .collect();
            let found = source_map::locate(&source.text, source.format, &pointers);
            for i in indices {
                if let Some(d) = diags.get_mut(*i)
                    && let Some((line, column)) = source_map::nearest(&found, &d.pointer)
                {
                    d.line = Some(line);
                    d.column = Some(column);
                }
            }
        }
    }
}

/// `operationId` of the operation at `/paths/<path>/<method>` in `doc`, else `METHOD /path`.
pub(crate) fn operation_label(doc: &Value, path: &str, method: &str) -> String {
    let pointer = format!("/paths/{}/{method}/operationId", escape_pointer_token(path));
    match doc.pointer(&pointer).and_then(Value::as_str) {
        Some(id) => id.to_owned(),
        None => format!("{} {path}", method.to_ascii_uppercase()),
    }
}

/// Where the operation labels of diagnostics come from: the bundled JSON document while loading,
/// the typed document once the JSON one is gone (the pipeline drops it before modelling).
#[derive(Clone, Copy)]
enum Labels<'a> {
    /// No document (it could not be used): `METHOD /path`.
    None,
    Json(&'a Value),
    Typed(&'a openapiv3::OpenAPI),
}

/// The operation a pointer into the bundled document falls under, if any.
fn operation_of(labels: Labels<'_>, ptr: &str) -> Option<String> {
    let mut tokens = ptr.strip_prefix("/paths/")?.split('/');
    let path = openapi_tools_runtime::pointer::unescape(tokens.next()?);
    let method = tokens.next()?;
    if !METHODS.contains(&method) {
        return None;
    }
    let fallback = || format!("{} {path}", method.to_ascii_uppercase());
    Some(match labels {
        Labels::Json(doc) => operation_label(doc, &path, method),
        Labels::Typed(api) => typed_operation_id(api, &path, method).unwrap_or_else(fallback),
        Labels::None => fallback(),
    })
}

/// The `operationId` of the operation at `path` and `method` of the typed document.
fn typed_operation_id(api: &openapiv3::OpenAPI, path: &str, method: &str) -> Option<String> {
    let openapiv3::ReferenceOr::Item(item) = api.paths.paths.get(path)? else {
        return None;
    };
    let op = match method {
        "get" => item.get.as_ref(),
        "put" => item.put.as_ref(),
        "post" => item.post.as_ref(),
        "delete" => item.delete.as_ref(),
        "options" => item.options.as_ref(),
        "head" => item.head.as_ref(),
        "patch" => item.patch.as_ref(),
        "trace" => item.trace.as_ref(),
        _ => None,
    }?;
    op.operation_id.clone()
}

impl LoadedSpec {
    /// Fills file, line and column of a diagnostic from its pointer into [`LoadedSpec::document`],
    /// mapping bundled pointers back to the original file and pointer. Each call scans the file
    /// once: prefer [`LoadedSpec::locate_all`] for many diagnostics.
    pub fn locate(&self, d: &mut Diagnostic) {
        self.sources.locate(Labels::Json(&self.document), &mut [d]);
    }

    /// Locates every diagnostic of `diags` not located yet, one scan per file.
    pub fn locate_all(&self, diags: &mut Diagnostics) {
        let mut all: Vec<&mut Diagnostic> = diags.iter_mut().collect();
        self.sources.locate(Labels::Json(&self.document), &mut all);
    }

    /// Splits off the JSON document (a tree as large as the typed one, which only loading and
    /// [`LoadedSpec::locate`] read), so a caller that models the typed document can free it
    /// early, off its own thread.
    pub(crate) fn into_typed(self) -> (TypedSpec, Value) {
        let typed = TypedSpec {
            openapi: self.openapi,
            source_version: self.source_version,
            source_hash: self.source_hash,
            files: self.files,
            sources: self.sources,
        };
        (typed, self.document)
    }
}

/// A [`LoadedSpec`] without its JSON document ([`LoadedSpec::into_typed`]): what modelling needs,
/// and what locating the model's diagnostics needs.
#[derive(Debug)]
pub(crate) struct TypedSpec {
    pub(crate) openapi: openapiv3::OpenAPI,
    pub(crate) source_version: String,
    pub(crate) source_hash: String,
    pub(crate) files: Vec<PathBuf>,
    sources: Sources,
}

impl TypedSpec {
    /// [`LoadedSpec::locate_all`], with operation labels read from the typed document.
    pub(crate) fn locate_all(&self, diags: &mut Diagnostics) {
        let mut all: Vec<&mut Diagnostic> = diags.iter_mut().collect();
        self.sources.locate(Labels::Typed(&self.openapi), &mut all);
    }
}

/// Loads the OpenAPI document at `path` (JSON or YAML, by content), following references to
/// other files relative to it, within the default [`LoadLimits`] (references inside the spec's
/// directory tree, size caps).
///
/// Returns `None` only when the document as a whole cannot be used (unreadable, unparsable,
/// Swagger 2.0, not an object); every problem, located, goes into `diags`.
pub fn load_file(path: &Path, diags: &mut Diagnostics) -> Option<LoadedSpec> {
    load_file_with(path, &LoadLimits::default(), diags)
}

/// [`load_file`] within `limits`: what run-time loading of specs other people edit uses.
pub fn load_file_with(
    path: &Path,
    limits: &LoadLimits,
    diags: &mut Diagnostics,
) -> Option<LoadedSpec> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut budget = limits::Budget::new(limits, &dir);
    let text = match limits::read_capped(path, limits.max_file_bytes) {
        Ok(text) => text,
        Err(e) => {
            diags.push(Diagnostic::error("", format!("cannot read the file: {e}")).with_file(path));
            return None;
        }
    };
    if let Err(e) = budget.charge(text.len() as u64) {
        diags.push(Diagnostic::error("", format!("cannot read the file: {e}")).with_file(path));
        return None;
    }
    load_text(
        text,
        path.to_path_buf(),
        dir,
        path.canonicalize().ok(),
        &mut budget,
        diags,
    )
}

/// Loads an OpenAPI document from text. `name` is shown in diagnostics; references to other
/// files resolve against the current directory.
///
/// ```
/// use openapi_tools_build::{Diagnostics, load::load_str};
/// let yaml = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /pets:\n    get:\n      responses:\n        '200': {description: ok}\n";
/// let mut diags = Diagnostics::new();
/// let spec = load_str(yaml, "pets.yaml", &mut diags).unwrap();
/// assert_eq!(spec.source_version, "3.1.0");
/// assert_eq!(spec.openapi.paths.paths.len(), 1);
/// assert!(diags.is_empty());
/// ```
pub fn load_str(text: &str, name: &str, diags: &mut Diagnostics) -> Option<LoadedSpec> {
    let dir = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    load_str_with(text, name, &dir, &LoadLimits::default(), diags)
}

/// Loads an OpenAPI document from text whose relative references resolve against `base_dir`
/// (also the root for [`RefRoot::SpecDir`]), within `limits`; the text counts against the caps.
pub fn load_str_with(
    text: &str,
    name: &str,
    base_dir: &Path,
    limits: &LoadLimits,
    diags: &mut Diagnostics,
) -> Option<LoadedSpec> {
    let mut budget = limits::Budget::new(limits, base_dir);
    if let Err(e) = budget.charge(text.len() as u64) {
        diags.push(Diagnostic::error("", format!("spec text too large: {e}")).with_file(name));
        return None;
    }
    load_text(
        text.to_owned(),
        PathBuf::from(name),
        base_dir.to_path_buf(),
        None,
        &mut budget,
        diags,
    )
}

fn load_text(
    text: String,
    path: PathBuf,
    dir: PathBuf,
    canonical: Option<PathBuf>,
    budget: &mut limits::Budget,
    diags: &mut Diagnostics,
) -> Option<LoadedSpec> {
    let format = parse::detect(&text);
    // The main file's hash needs only its bytes: computed beside the parse, on a second thread.
    let (parsed, main_hash) = std::thread::scope(|scope| {
        let hashing = std::thread::Builder::new()
            .name("openapi-tools-hash".into())
            .spawn_scoped(scope, || {
                openapi_tools_runtime::hash::bytes_hash(text.as_bytes())
            });
        let parsed = parse::parse(&text, format);
        let hash = hashing.ok().and_then(|h| h.join().ok());
        (parsed, hash)
    });
    let mut document = match parsed {
        Ok(v) => v,
        Err(e) => {
            let kind = if format == Format::Json {
                "JSON"
            } else {
                "YAML"
            };
            let mut d = Diagnostic::error("", format!("cannot parse as {kind}: {}", e.message))
                .with_file(&path);
            d.line = e.line;
            d.column = e.column;
            diags.push(d);
            return None;
        }
    };
    let mut sources = Sources {
        files: vec![Source { path, text, format }],
        origins: Vec::new(),
    };
    let mut local = Diagnostics::new();
    let source_version = match check_version(&mut document, &mut local) {
        Some(v) => v,
        None => {
            sources.locate(Labels::None, &mut local.iter_mut().collect::<Vec<_>>());
            diags.extend(local);
            return None;
        }
    };

    bundle::Bundler::new(
        &mut sources.files,
        &mut sources.origins,
        &mut local,
        budget,
        dir,
        canonical,
    )
    .run(&mut document);
    for m in normalize::normalize(&mut document, &mut local) {
        let (file, original) = sources.translate(&m.from);
        sources.origins.push(Origin {
            bundled: m.to,
            file,
            original,
        });
    }
    refcheck::check(&mut document, &mut local);
    let openapi = typed::read(&mut document, &mut local);

    let source_hash = if let [only] = sources.files.as_slice() {
        main_hash.unwrap_or_else(|| openapi_tools_runtime::hash::bytes_hash(only.text.as_bytes()))
    } else {
        let all: Vec<u8> = sources.files.iter().flat_map(|s| s.text.bytes()).collect();
        openapi_tools_runtime::hash::bytes_hash(&all)
    };
    let files = sources.files.iter().map(|s| s.path.clone()).collect();
    let Some(openapi) = openapi else {
        sources.locate(
            Labels::Json(&document),
            &mut local.iter_mut().collect::<Vec<_>>(),
        );
        diags.extend(local);
        return None;
    };
    let spec = LoadedSpec {
        openapi,
        document,
        source_version,
        source_hash,
        files,
        sources,
    };
    spec.locate_all(&mut local);
    diags.extend(local);
    Some(spec)
}

/// Checks the document is an OpenAPI 3.0/3.1 object; returns its `openapi` field as written, or
/// `None` when the document cannot be used at all.
fn check_version(doc: &mut Value, diags: &mut Diagnostics) -> Option<String> {
    let Some(obj) = doc.as_object_mut() else {
        let what = match doc {
            Value::Null => "empty",
            Value::Array(_) => "a list",
            _ => "a single value",
        };
        diags.error(
            "",
            format!("not an OpenAPI document: the top level is {what}, not an object"),
        );
        return None;
    };
    if let Some(v) = obj.get("swagger") {
        diags.push(
            Diagnostic::error(
                "/swagger",
                format!(
                    "this is a Swagger {} document; only OpenAPI 3.0 and 3.1 are supported",
                    v.as_str().unwrap_or("2.0")
                ),
            )
            .with_hint("convert it to OpenAPI 3 first (for example with swagger2openapi)"),
        );
        return None;
    }
    let written = match obj.get("openapi") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => {
            // YAML reads `openapi: 3.1` as a number.
            let s = n.to_string();
            diags.warning(
                "/openapi",
                format!("`openapi` should be a string; read `{s}` as text"),
            );
            obj.insert("openapi".to_owned(), Value::String(s.clone()));
            s
        }
        _ => {
            diags.push(
                Diagnostic::error(
                    "/openapi",
                    "no `openapi` version field; read as OpenAPI 3.0",
                )
                .with_hint("add `openapi: 3.0.3` or `openapi: 3.1.0` at the top"),
            );
            obj.insert("openapi".to_owned(), Value::String("3.0.3".to_owned()));
            return Some(String::new());
        }
    };
    let supported = written.starts_with("3.0") || written.starts_with("3.1");
    if !supported {
        let read_as = if written.starts_with("3.") {
            "3.1.0"
        } else {
            "3.0.3"
        };
        diags.error(
            "/openapi",
            format!(
                "unsupported OpenAPI version `{written}` (only 3.0.x and 3.1.x); read as {read_as}"
            ),
        );
        obj.insert("openapi".to_owned(), Value::String(read_as.to_owned()));
    }
    Some(written)
}

#[cfg(test)]
mod tests;
