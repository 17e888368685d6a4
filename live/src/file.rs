//! A spec file watched with `notify`: every file the spec references is watched too.
//!
//! The watch is on the directories holding those files (not the files): editors that write a
//! temporary file and rename it over the spec, and delete-then-recreate, replace the file's
//! inode, which a watch on the file itself would lose. Events for other files in the same
//! directories are ignored. A burst of events (one save is often several) becomes one reload
//! after [`LiveOptions::debounce`] of quiet.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex, PoisonError};

use notify::{RecursiveMode, Watcher};
use openapi_tools_runtime::registry::Registry;

use crate::LiveError;
use crate::apply::{self, Outcome};
use crate::handle::{Control, WatchHandle};
use crate::options::{DEFAULT_DEBOUNCE, LiveOptions};

/// Loads the spec at `path` into the tool set `set` now, then reloads it whenever it or a file
/// it references changes, until the handle is dropped.
///
/// Returns what became of the first load (a refused first load still starts the watch: the
/// set is installed once the file is fixed). Later outcomes reach the registry's listeners.
///
/// ```no_run
/// use openapi_tools_live::{LiveOptions, watch_file};
/// use openapi_tools_runtime::registry::{ChangeEvent, Registry, InstallPolicy};
///
/// let registry = Registry::new();
/// registry.on_change(|event| match event {
///     ChangeEvent::Applied(report) => println!("swapped: {report}"),
///     ChangeEvent::Rejected(report) => println!("breaking, refused: {report}"),
///     ChangeEvent::SourceRejected(why) => println!("refused: {why}"),
///     _ => {}
/// });
/// let options = LiveOptions::default().policy(InstallPolicy::RejectBreaking);
/// let (_first, _watch) = watch_file(&registry, "petstore", "specs/petstore.yaml", options)?;
/// // ... serve; the tools follow the file while `_watch` lives.
/// # Ok::<(), openapi_tools_live::LiveError>(())
/// ```
pub fn watch_file(
    registry: &Registry,
    set: &str,
    path: impl AsRef<Path>,
    options: LiveOptions,
) -> Result<(Outcome, WatchHandle), LiveError> {
    let path = absolute(path.as_ref());
    let (tx, rx) = mpsc::channel::<Control>();
    let events = tx.clone();
    let watched = Watched::default();
    let files = Arc::clone(&watched.files);
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        // Errors (e.g. queue overflow) also trigger a re-read: better one reload too many.
        let relevant = res.map_or(true, |e| {
            !matches!(e.kind, notify::EventKind::Access(_)) && {
                let files = files.lock().unwrap_or_else(PoisonError::into_inner);
                e.paths.iter().any(|p| files.contains(p))
            }
        });
        if relevant {
            let _ = events.send(Control::Check);
        }
    })
    .map_err(|e| LiveError::Watch {
        path: path.clone(),
        message: e.to_string(),
    })?;
    let (first, files) = apply::load_file(registry, set, &path, &options);
    let mut watched = watched;
    watched.update(&mut watcher, &path, &files)?;

    let registry = registry.clone();
    let set = set.to_owned();
    let thread = std::thread::Builder::new()
        .name(format!("openapi-tools-watch-{set}"))
        .spawn(move || {
            run(&registry, &set, &path, &options, &rx, watcher, watched);
        })?;
    Ok((first, WatchHandle::new(tx, thread)))
}

/// Directories watched and the files in them that matter.
#[derive(Default)]
struct Watched {
    dirs: BTreeSet<PathBuf>,
    /// Shared with the event callback, which ignores every other path.
    files: Arc<Mutex<BTreeSet<PathBuf>>>,
}

impl Watched {
    /// Adds `spec` and `files` and watches their directories. Files are never dropped: one
    /// that a version stopped referencing costs at most a reload that finds nothing new.
    fn update(
        &mut self,
        watcher: &mut impl Watcher,
        spec: &Path,
        files: &[PathBuf],
    ) -> Result<(), LiveError> {
        let all: Vec<PathBuf> = std::iter::once(spec)
            .chain(files.iter().map(PathBuf::as_path))
            .map(absolute)
            .collect();
        for dir in all.iter().filter_map(|f| f.parent()) {
            if self.dirs.contains(dir) {
                continue;
            }
            watcher
                .watch(dir, RecursiveMode::NonRecursive)
                .map_err(|e| LiveError::Watch {
                    path: dir.to_path_buf(),
                    message: e.to_string(),
                })?;
            self.dirs.insert(dir.to_path_buf());
        }
        self.files
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend(all);
        Ok(())
    }
}

fn run<W: Watcher>(
    registry: &Registry,
    set: &str,
    path: &Path,
    options: &LiveOptions,
    rx: &Receiver<Control>,
    mut watcher: W,
    mut watched: Watched,
) {
    let quiet = options.debounce.unwrap_or(DEFAULT_DEBOUNCE);
    loop {
        match rx.recv() {
            Ok(Control::Check) => {}
            Ok(Control::Stop) | Err(_) => return,
        }
        // Debounce: wait for `quiet` without events.
        loop {
            match rx.recv_timeout(quiet) {
                Ok(Control::Check) => {}
                Ok(Control::Stop) | Err(RecvTimeoutError::Disconnected) => return,
                Err(RecvTimeoutError::Timeout) => break,
            }
        }
        let (_, files) = apply::load_file(registry, set, path, options);
        // New references are watched from now on.
        if let Err(e) = watched.update(&mut watcher, path, &files) {
            apply::refuse(
                registry,
                set,
                &format!("file {}", path.display()),
                None,
                openapi_tools_runtime::registry::RejectStage::Fetch,
                vec![e.to_string()],
            );
        }
    }
}

/// `path` made absolute without resolving its last component (a symlinked spec stays the link).
fn absolute(path: &Path) -> PathBuf {
    let name = path.file_name().map(PathBuf::from);
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    match (parent.canonicalize(), name) {
        (Ok(dir), Some(name)) => dir.join(name),
        _ => path.to_path_buf(),
    }
}
