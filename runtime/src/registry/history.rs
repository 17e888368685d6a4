//! Version history per tool set, bounded, with what is needed to roll back.
//!
//! Unchanged tools share memory across kept versions: runtime-loaded manifests are kept as
//! one `Arc<ToolManifest>` per tool, reused from the previous version when the tool is equal,
//! and pre-rendered declarations are shared the same way. The newest version is kept as its
//! own tool set (which is live anyway) and turned into that shared form only when a newer
//! version arrives, so a first install copies nothing.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use super::report::InstallReport;
use crate::manifest::{Manifest, ToolManifest};
use crate::toolset::{DynamicToolSet, RenderedTool, ToolSet};

/// One kept version of a tool set.
#[derive(Clone)]
pub struct HistoryEntry {
    /// Registry sequence number (increasing per set).
    pub seq: u64,
    /// `info.version` of the manifest.
    pub version: String,
    /// When it was installed.
    pub installed_at: SystemTime,
    /// [`Manifest::source_hash`] of the version.
    pub source_hash: String,
    /// The namespace it was exported under.
    pub namespace: Option<String>,
    /// The report of the change that installed it.
    pub report: Arc<InstallReport>,
    pub(crate) kept: Kept,
    pub(crate) rendered: Vec<Arc<RenderedTool>>,
}

impl fmt::Debug for HistoryEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HistoryEntry")
            .field("seq", &self.seq)
            .field("version", &self.version)
            .field("installed_at", &self.installed_at)
            .field("source_hash", &self.source_hash)
            .field("namespace", &self.namespace)
            .field("report", &self.report)
            .finish_non_exhaustive()
    }
}

/// How a version is kept so it can be installed again.
#[derive(Clone)]
pub(crate) enum Kept {
    /// A tool set handed in as such (generated code): re-installed as is.
    ToolSet(Arc<dyn ToolSet>),
    /// A runtime-loaded manifest: the header (with no tools) and shared tools; rebuilt into a
    /// `DynamicToolSet` on rollback.
    Manifest {
        header: Arc<Manifest>,
        tools: Vec<Arc<ToolManifest>>,
    },
    /// The newest runtime-loaded version, as its tool set: nothing to copy while it is the
    /// newest; [`History::push`] turns it into [`Kept::Manifest`] when a newer one arrives.
    Newest(Arc<DynamicToolSet>),
}

impl Kept {
    /// Keeps `manifest`, sharing every tool equal to one of `previous`.
    pub(crate) fn manifest(manifest: &Manifest, previous: Option<&Kept>) -> Kept {
        let prev: &[Arc<ToolManifest>] = match previous {
            Some(Kept::Manifest { tools, .. }) => tools,
            _ => &[],
        };
        // Versions of one set mostly keep their tool order: look at the same position first
        // and build the name index only for tools that moved.
        let mut by_name: Option<HashMap<&str, &Arc<ToolManifest>>> = None;
        let tools = manifest
            .tools
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let old = match prev.get(i).filter(|o| o.name == t.name) {
                    Some(o) => Some(o),
                    None => by_name
                        .get_or_insert_with(|| {
                            let mut map = HashMap::with_capacity(prev.len());
                            for o in prev {
                                map.entry(o.name.as_str()).or_insert(o);
                            }
                            map
                        })
                        .get(t.name.as_str())
                        .copied(),
                };
                match old {
                    Some(o) if same_tool(o, t) => Arc::clone(o),
                    _ => Arc::new(t.clone()),
                }
            })
            .collect();
        let header = Manifest {
            tools: Vec::new(),
            ..manifest_header(manifest)
        };
        Kept::Manifest {
            header: Arc::new(header),
            tools,
        }
    }

    /// The manifest again, owned (for rebuilding a tool set).
    pub(crate) fn to_manifest(&self) -> Option<Manifest> {
        match self {
            Kept::ToolSet(_) => None,
            Kept::Newest(set) => Some(set.manifest().clone()),
            Kept::Manifest { header, tools } => Some(Manifest {
                tools: tools.iter().map(|t| (**t).clone()).collect(),
                ..manifest_header(header)
            }),
        }
    }
}

/// Equal tools, comparing input schemas by [`ToolManifest::schema_hash`] (the manifest's
/// promise) rather than walking them: this runs for every tool on every install.
fn same_tool(a: &ToolManifest, b: &ToolManifest) -> bool {
    // Destructured so a new field cannot be forgotten here.
    let ToolManifest {
        name,
        operation_id,
        method,
        path,
        tags,
        summary,
        description,
        deprecated,
        servers,
        security,
        params,
        body,
        input_schema: _,
        schema_hash,
        wire_names,
        output_schema,
    } = a;
    *schema_hash == b.schema_hash
        && *name == b.name
        && *method == b.method
        && *path == b.path
        && *operation_id == b.operation_id
        && *description == b.description
        && *summary == b.summary
        && *deprecated == b.deprecated
        && *tags == b.tags
        && *servers == b.servers
        && *security == b.security
        && *params == b.params
        && *body == b.body
        && *wire_names == b.wire_names
        && *output_schema == b.output_schema
}

fn manifest_header(m: &Manifest) -> Manifest {
    Manifest {
        title: m.title.clone(),
        version: m.version.clone(),
        openapi: m.openapi.clone(),
        source_hash: m.source_hash.clone(),
        namespace: m.namespace.clone(),
        servers: m.servers.clone(),
        server_variables: m.server_variables.clone(),
        security_schemes: m.security_schemes.clone(),
        tools: Vec::new(),
    }
}

/// The kept versions of one tool set.
pub(crate) struct History {
    pub(crate) entries: VecDeque<HistoryEntry>,
    pub(crate) next_seq: u64,
    /// The sequence number of the live version, `None` while the set is removed.
    pub(crate) live: Option<u64>,
}

impl History {
    pub(crate) fn new() -> Self {
        History {
            entries: VecDeque::new(),
            next_seq: 1,
            live: None,
        }
    }

    /// Appends the new live version and drops the oldest beyond `max` (at least one is kept).
    /// The version that was newest until now is turned into its shared [`Kept::Manifest`] form.
    pub(crate) fn push(&mut self, entry: HistoryEntry, max: usize) {
        let n = self.entries.len();
        // (With room for one version only, the newest until now is about to go anyway.)
        if max > 1
            && let Some(Kept::Newest(set)) = self.entries.back().map(|e| &e.kept)
        {
            let before = n.checked_sub(2).and_then(|i| self.entries.get(i));
            let kept = Kept::manifest(set.manifest(), before.map(|e| &e.kept));
            if let Some(last) = self.entries.back_mut() {
                last.kept = kept;
            }
        }
        self.live = Some(entry.seq);
        self.next_seq = entry.seq + 1;
        self.entries.push_back(entry);
        while self.entries.len() > max.max(1) {
            self.entries.pop_front();
        }
    }

    pub(crate) fn get(&self, seq: u64) -> Option<&HistoryEntry> {
        self.entries.iter().find(|e| e.seq == seq)
    }

    pub(crate) fn seqs(&self) -> Vec<u64> {
        self.entries.iter().map(|e| e.seq).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::toolset::testing::{manifest, tool};

    #[test]
    fn equal_tools_share_one_allocation_across_versions() {
        let v1 = manifest(
            "1",
            vec![tool("a", "m", &["id"], &[]), tool("b", "m", &[], &[])],
        );
        let mut v2 = manifest(
            "2",
            vec![tool("a", "m", &["id"], &[]), tool("b", "m", &[], &[])],
        );
        v2.tools[1].description.push_str(" changed");
        let k1 = Kept::manifest(&v1, None);
        let k2 = Kept::manifest(&v2, Some(&k1));
        let (Kept::Manifest { tools: t1, .. }, Kept::Manifest { tools: t2, .. }) = (&k1, &k2)
        else {
            panic!("kept as manifests");
        };
        assert!(Arc::ptr_eq(&t1[0], &t2[0]));
        assert!(!Arc::ptr_eq(&t1[1], &t2[1]));
        assert_eq!(k2.to_manifest().unwrap(), v2);
    }

    #[test]
    fn the_newest_version_is_kept_as_its_tool_set_until_a_newer_one_arrives() {
        let entry = |seq: u64, m: &Manifest| HistoryEntry {
            seq,
            version: m.version.clone(),
            installed_at: SystemTime::now(),
            source_hash: String::new(),
            namespace: None,
            report: Arc::new(InstallReport {
                set: "s".into(),
                action: super::super::Action::Install,
                from: None,
                to: None,
                namespace: None,
                added: Vec::new(),
                removed: Vec::new(),
                updated: Vec::new(),
                unchanged: Vec::new(),
                breaking: false,
                analysis: crate::diff::diff(m, m),
                at: SystemTime::now(),
            }),
            kept: Kept::Newest(Arc::new(DynamicToolSet::new(m.clone()))),
            rendered: Vec::new(),
        };
        let v1 = manifest("1", vec![tool("a", "m", &["id"], &[])]);
        let mut v2 = v1.clone();
        v2.version = "2".into();
        let mut h = History::new();
        h.push(entry(1, &v1), 10);
        assert!(matches!(h.entries[0].kept, Kept::Newest(_)));
        h.push(entry(2, &v2), 10);
        h.push(entry(3, &v2), 10);
        let (Kept::Manifest { tools: t1, .. }, Kept::Manifest { tools: t2, .. }) =
            (&h.entries[0].kept, &h.entries[1].kept)
        else {
            panic!("older versions in shared form");
        };
        assert!(Arc::ptr_eq(&t1[0], &t2[0]));
        assert!(matches!(h.entries[2].kept, Kept::Newest(_)));
        assert_eq!(h.entries[0].kept.to_manifest().unwrap(), v1);
        assert_eq!(h.entries[2].kept.to_manifest().unwrap(), v2);
    }
}
