//! What a load may read: the directory tree file `$ref`s must stay in, regular files only, and
//! size caps per file and in total.
//!
//! A spec loaded at run time comes from a file or a URL someone else edits. Without limits,
//! `$ref: /dev/zero` reads until memory runs out, a FIFO blocks the loader for ever, and
//! `$ref: /etc/passwd#/x` pulls a private file's text into schemas sent to providers. Every file
//! the loader opens goes through [`read_checked`]: the canonical path (symlinks resolved) must be
//! inside the root, the file must be a regular file (checked with `stat` before opening, so a
//! FIFO or a device is never opened, and again on the open handle), and reading stops one byte
//! past the cap whatever the file claims its size is. Network references are never fetched.

use std::io::Read;
use std::path::{Path, PathBuf};

/// Default cap on one file: GitHub's spec is 13 MB, Microsoft Graph's 20 MB.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// Default cap on all files of one load together.
pub const DEFAULT_MAX_TOTAL_BYTES: u64 = 256 * 1024 * 1024;

/// Where file references may point.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum RefRoot {
    /// The directory of the spec file (the current directory for text), and below it.
    #[default]
    SpecDir,
    /// This directory and below it.
    Dir(PathBuf),
    /// No file may be referenced (e.g. a spec fetched from a URL: its relative references are
    /// not local files).
    NoFiles,
    /// Any readable regular file (the caps still apply). For specs you wrote yourself.
    Anywhere,
}

/// The limits of one load. [`LoadLimits::default`] is what every load uses unless told
/// otherwise: references inside the spec's directory, 64 MiB per file, 256 MiB in total.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadLimits {
    /// Where file references may point.
    pub root: RefRoot,
    /// Largest file read (the spec itself included).
    pub max_file_bytes: u64,
    /// Largest sum of all files read by one load.
    pub max_total_bytes: u64,
}

impl Default for LoadLimits {
    fn default() -> Self {
        LoadLimits {
            root: RefRoot::SpecDir,
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
            max_total_bytes: DEFAULT_MAX_TOTAL_BYTES,
        }
    }
}

impl LoadLimits {
    /// Sets the root.
    pub fn root(mut self, root: RefRoot) -> Self {
        self.root = root;
        self
    }
    /// Sets the per-file cap.
    pub fn max_file_bytes(mut self, bytes: u64) -> Self {
        self.max_file_bytes = bytes;
        self
    }
    /// Sets the cap on all files together.
    pub fn max_total_bytes(mut self, bytes: u64) -> Self {
        self.max_total_bytes = bytes;
        self
    }
}

/// The limits of one running load: the resolved root and what is left of the total budget.
#[derive(Debug, Clone)]
pub(crate) struct Budget {
    /// Canonical root directory; `None` with `anywhere == false` means no files allowed.
    root: Option<PathBuf>,
    anywhere: bool,
    max_file: u64,
    left: u64,
}

impl Budget {
    /// Resolves `limits` for a spec whose own directory is `spec_dir`.
    pub(crate) fn new(limits: &LoadLimits, spec_dir: &Path) -> Self {
        let (root, anywhere) = match &limits.root {
            RefRoot::SpecDir => (spec_dir.canonicalize().ok(), false),
            RefRoot::Dir(d) => (d.canonicalize().ok(), false),
            RefRoot::NoFiles => (None, false),
            RefRoot::Anywhere => (None, true),
        };
        Budget {
            root,
            anywhere,
            max_file: limits.max_file_bytes,
            left: limits.max_total_bytes,
        }
    }

    /// Whether `canonical` may be referenced; `Err` says why not.
    pub(crate) fn allows(&self, canonical: &Path) -> Result<(), String> {
        if self.anywhere {
            return Ok(());
        }
        match &self.root {
            Some(root) if canonical.starts_with(root) => Ok(()),
            Some(root) => Err(format!(
                "`{}` is outside the allowed directory `{}`",
                canonical.display(),
                root.display()
            )),
            None => Err("file references are not allowed for this source".to_owned()),
        }
    }

    /// Counts text that was read elsewhere (the main document) against the total.
    pub(crate) fn charge(&mut self, bytes: u64) -> Result<(), String> {
        if bytes > self.max_file {
            return Err(too_big(bytes, self.max_file, "per-file"));
        }
        if bytes > self.left {
            return Err(too_big(bytes, self.left, "remaining total"));
        }
        self.left -= bytes;
        Ok(())
    }

    /// Reads `path` as UTF-8 if it is a regular file within both caps.
    pub(crate) fn read(&mut self, path: &Path) -> Result<String, String> {
        let text = read_capped(path, self.max_file.min(self.left))?;
        self.charge(text.len() as u64)?;
        Ok(text)
    }
}

fn too_big(bytes: u64, cap: u64, which: &str) -> String {
    format!("{bytes} bytes is over the {which} limit of {cap} bytes")
}

/// Reads a regular file, at most `cap` bytes (more is an error), as UTF-8.
pub(crate) fn read_capped(path: &Path, cap: u64) -> Result<String, String> {
    // `stat` first: opening a FIFO would block until a writer comes.
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err(format!("`{}` is not a regular file", path.display()));
    }
    if meta.len() > cap {
        return Err(too_big(meta.len(), cap, "size"));
    }
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    // The path may have been swapped between the two calls: check what was opened.
    if !file.metadata().map_err(|e| e.to_string())?.is_file() {
        return Err(format!("`{}` is not a regular file", path.display()));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(cap.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > cap {
        return Err(format!(
            "grew past the size limit of {cap} bytes while read"
        ));
    }
    String::from_utf8(bytes).map_err(|e| format!("not UTF-8 text: {}", e.utf8_error()))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::diagnostics::Diagnostics;
    use crate::load::{load_file_with, load_str_with};

    /// A spec whose one operation's response schema is `$ref: <reference>`.
    fn spec_referring_to(reference: &str) -> String {
        format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /a:\n    get:\n      \
             operationId: getA\n      responses:\n        '200':\n          description: ok\n          \
             content:\n            application/json:\n              schema:\n                \
             $ref: '{reference}'\n"
        )
    }

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// Loads `spec` within `limits`; returns whether a spec came out and every message.
    fn load(spec: &Path, limits: &LoadLimits) -> (bool, String) {
        let mut diags = Diagnostics::new();
        let loaded = load_file_with(spec, limits, &mut diags);
        let text = diags.iter().map(|d| format!("{d}\n")).collect::<String>();
        (loaded.is_some(), text)
    }

    const PET: &str = "type: object\nproperties:\n  name: {type: string}\n";

    #[test]
    fn references_stay_inside_the_spec_directory_unless_the_root_is_widened() {
        let tmp = tempfile::tempdir().unwrap();
        let spec = tmp.path().join("api/spec.yaml");
        write(&spec, &spec_referring_to("../shared/pet.yaml"));
        write(&tmp.path().join("shared/pet.yaml"), PET);

        let (_, msgs) = load(&spec, &LoadLimits::default());
        assert!(msgs.contains("outside the allowed directory"), "{msgs}");
        assert!(msgs.contains("spec.yaml:12:15"), "located: {msgs}");

        let wider = LoadLimits::default().root(RefRoot::Dir(tmp.path().to_path_buf()));
        let (ok, msgs) = load(&spec, &wider);
        assert!(ok && msgs.is_empty(), "{msgs}");
    }

    /// Issue #21 (info): a `$ref` to a missing file outside the root said "cannot read ...: No
    /// such file", one to an existing file "outside the allowed directory": the difference told
    /// a spec author which files exist on the machine. Both are now refused alike.
    #[test]
    fn refusals_outside_the_root_do_not_tell_whether_the_file_exists() {
        let tmp = tempfile::tempdir().unwrap();
        write(&tmp.path().join("shared/pet.yaml"), PET);
        for reference in [
            "../shared/pet.yaml",
            "../shared/missing.yaml",
            "/nonexistent/x.yaml",
        ] {
            let spec = tmp.path().join("api/spec.yaml");
            write(&spec, &spec_referring_to(reference));
            let (_, msgs) = load(&spec, &LoadLimits::default());
            assert!(
                msgs.contains("outside the allowed directory"),
                "{reference}: {msgs}"
            );
            assert!(!msgs.contains("cannot read"), "{reference}: {msgs}");
            let none = LoadLimits::default().root(RefRoot::NoFiles);
            let (_, msgs) = load(&spec, &none);
            assert!(
                msgs.contains("file references are not allowed"),
                "{reference}: {msgs}"
            );
            assert!(!msgs.contains("cannot read"), "{reference}: {msgs}");
        }
    }

    #[test]
    fn a_symlink_inside_the_root_to_a_file_outside_it_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        write(&outside.path().join("secret.yaml"), PET);
        let spec = tmp.path().join("spec.yaml");
        write(&spec, &spec_referring_to("link.yaml"));
        std::os::unix::fs::symlink(
            outside.path().join("secret.yaml"),
            tmp.path().join("link.yaml"),
        )
        .unwrap();
        let (_, msgs) = load(&spec, &LoadLimits::default());
        assert!(msgs.contains("outside the allowed directory"), "{msgs}");
    }

    #[test]
    fn devices_and_fifos_are_not_read() {
        let tmp = tempfile::tempdir().unwrap();
        let anywhere = LoadLimits::default().root(RefRoot::Anywhere);

        let spec = tmp.path().join("zero.yaml");
        write(&spec, &spec_referring_to("/dev/zero#/x"));
        let (_, msgs) = load(&spec, &LoadLimits::default());
        assert!(msgs.contains("outside the allowed directory"), "{msgs}");
        let (_, msgs) = load(&spec, &anywhere);
        assert!(msgs.contains("not a regular file"), "{msgs}");

        // A FIFO in the spec's own directory: opening it would block for ever.
        let fifo = tmp.path().join("pipe.yaml");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            eprintln!("skipped the FIFO case: `mkfifo` is not available");
            return;
        }
        let spec = tmp.path().join("fifo.yaml");
        write(&spec, &spec_referring_to("pipe.yaml"));
        let (_, msgs) = load(&spec, &LoadLimits::default());
        assert!(msgs.contains("not a regular file"), "{msgs}");
        // The spec itself may not be a FIFO either.
        let (ok, msgs) = load(&fifo, &LoadLimits::default());
        assert!(!ok && msgs.contains("not a regular file"), "{msgs}");
    }

    #[test]
    fn huge_files_are_refused_before_they_are_read() {
        let tmp = tempfile::tempdir().unwrap();
        // Sparse: 1 GiB that takes no disk and would take seconds and a gigabyte to read.
        let huge = tmp.path().join("huge.yaml");
        std::fs::File::create(&huge)
            .unwrap()
            .set_len(1 << 30)
            .unwrap();
        let spec = tmp.path().join("spec.yaml");
        write(&spec, &spec_referring_to("huge.yaml"));
        let (_, msgs) = load(&spec, &LoadLimits::default());
        assert!(msgs.contains("over the size limit"), "{msgs}");

        let (ok, msgs) = load(&huge, &LoadLimits::default());
        assert!(!ok && msgs.contains("over the size limit"), "{msgs}");
    }

    #[test]
    fn the_total_cap_counts_every_file_of_a_load() {
        let tmp = tempfile::tempdir().unwrap();
        let spec = tmp.path().join("spec.yaml");
        write(&spec, &spec_referring_to("pet.yaml"));
        write(&tmp.path().join("pet.yaml"), PET);
        let spec_len = std::fs::metadata(&spec).unwrap().len();

        let fits = LoadLimits::default().max_total_bytes(spec_len + PET.len() as u64);
        let (ok, msgs) = load(&spec, &fits);
        assert!(ok && msgs.is_empty(), "{msgs}");

        let short = LoadLimits::default().max_total_bytes(spec_len + PET.len() as u64 - 1);
        let (_, msgs) = load(&spec, &short);
        assert!(msgs.contains("over the"), "{msgs}");

        let per_file = LoadLimits::default().max_file_bytes(spec_len);
        let (ok, msgs) = load(&spec, &per_file);
        assert!(ok && msgs.is_empty(), "{msgs}");
        let per_file = LoadLimits::default().max_file_bytes(PET.len() as u64 - 1);
        let (ok, msgs) = load(&spec, &per_file);
        assert!(!ok && msgs.contains("over the size limit"), "{msgs}");
    }

    #[test]
    fn text_sources_may_forbid_file_references_entirely() {
        let tmp = tempfile::tempdir().unwrap();
        write(&tmp.path().join("pet.yaml"), PET);
        let text = spec_referring_to("pet.yaml");
        let mut diags = Diagnostics::new();
        let none = LoadLimits::default().root(RefRoot::NoFiles);
        load_str_with(&text, "remote.yaml", tmp.path(), &none, &mut diags);
        let msgs = diags.iter().map(|d| d.to_string()).collect::<String>();
        assert!(msgs.contains("file references are not allowed"), "{msgs}");

        let mut diags = Diagnostics::new();
        let spec = load_str_with(
            &text,
            "local.yaml",
            tmp.path(),
            &LoadLimits::default(),
            &mut diags,
        );
        assert!(spec.is_some() && diags.is_empty(), "{diags:#?}");
    }
}
