//! Registry behaviour: reports, policies, history, rollback, listeners, namespaces,
//! enable/disable, filters, export, and concurrent swaps under readers.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::*;
use crate::manifest::ToolManifest;
use crate::toolset::testing::{manifest, tool};

type TestRegistry = Registry;

fn registry(config: RegistryConfig) -> TestRegistry {
    Registry::with_config(config)
}

fn default_registry() -> TestRegistry {
    registry(RegistryConfig::default())
}

/// A declaration's field, wherever the provider puts it (OpenAI Chat nests the function).
fn field<'a>(declaration: &'a Value, key: &str) -> &'a Value {
    match declaration.get("function") {
        Some(f) => &f[key],
        None => &declaration[key],
    }
}

fn tagged(mut t: ToolManifest, tags: &[&str]) -> ToolManifest {
    t.tags = tags.iter().map(|s| (*s).to_owned()).collect();
    t
}

/// `a`, `b`, `c` at marker `v{version}`; `b` gains a required `limit` from version 2 on (a
/// breaking change).
fn pets(version: u32) -> Manifest {
    let m = format!("v{version}");
    let b_props: &[&str] = if version >= 2 {
        &["id", "limit"]
    } else {
        &["id"]
    };
    manifest(
        &version.to_string(),
        vec![
            tagged(tool("a", &m, &["id"], &["id"]), &["read"]),
            tagged(tool("b", &m, b_props, &b_props[1..]), &["write"]),
            tool("c", &m, &[], &[]),
        ],
    )
}

fn export_names(reg: &TestRegistry, filter: &ToolFilter) -> Vec<String> {
    let v: Value = serde_json::from_str(&reg.export(Provider::OpenAiChat, filter)).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|t| field(t, "name").as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn first_install_reports_every_tool_added_and_exports_them_in_order() {
    let reg = default_registry();
    let r = reg
        .install_manifest("pets", pets(1), InstallOptions::default())
        .unwrap();
    assert_eq!(r.action, Action::Install);
    assert_eq!(r.from, None);
    assert_eq!(r.to.as_ref().unwrap().seq, 1);
    assert_eq!(r.added, ["a", "b", "c"]);
    assert!(r.removed.is_empty() && r.updated.is_empty() && r.unchanged.is_empty());
    assert!(!r.breaking);
    assert_eq!(export_names(&reg, &ToolFilter::all()), ["a", "b", "c"]);
    let h = reg.history("pets");
    assert_eq!(h.len(), 1);
    assert_eq!(h[0].version, "1");
    assert_eq!(h[0].source_hash, pets(1).source_hash);
}

#[test]
fn replace_reports_added_removed_updated_unchanged_and_shares_unchanged_renders() {
    let reg = default_registry();
    reg.install_manifest("pets", pets(1), InstallOptions::default())
        .unwrap();
    let before = reg.snapshot();
    let mut v2 = pets(1);
    v2.version = "2".into();
    v2.tools.remove(2); // c removed
    v2.tools[1] = tool("b", "v1", &["id", "limit"], &[]); // b updated
    v2.tools.push(tool("d", "v1", &[], &[])); // d added
    let r = reg
        .install_manifest("pets", v2, InstallOptions::default())
        .unwrap();
    assert_eq!(r.action, Action::Replace);
    assert_eq!(r.from.as_ref().unwrap().seq, 1);
    assert_eq!(r.to.as_ref().unwrap().seq, 2);
    assert_eq!(r.added, ["d"]);
    assert_eq!(r.removed, ["c"]);
    assert_eq!(r.updated, ["b"]);
    assert_eq!(r.unchanged, ["a"]);
    assert!(r.breaking);
    assert_eq!(r.analysis.removed, ["c"]);

    let after = reg.snapshot();
    let old = before.set("pets").unwrap();
    let new = after.set("pets").unwrap();
    assert!(Arc::ptr_eq(
        old.rendered("a").unwrap(),
        new.rendered("a").unwrap()
    ));
    assert!(!Arc::ptr_eq(
        old.rendered("b").unwrap(),
        new.rendered("b").unwrap()
    ));
    // The old snapshot still serves the old version.
    assert_eq!(before.set("pets").unwrap().version(), "1");
    assert!(before.prepare("c", &json!({})).is_ok());
    assert!(matches!(
        after.prepare("c", &json!({})),
        Err(CallError::UnknownTool { .. })
    ));
}

#[test]
fn rejected_install_leaves_live_set_and_history_untouched() {
    let reg = registry(RegistryConfig {
        default_policy: InstallPolicy::RejectBreaking,
        ..RegistryConfig::default()
    });
    let events = reg.subscribe();
    reg.install_manifest("pets", pets(1), InstallOptions::default())
        .unwrap();
    let snap = reg.snapshot();
    let export = reg.export(Provider::Anthropic, &ToolFilter::all());

    let err = reg
        .install_manifest("pets", pets(2), InstallOptions::default())
        .unwrap_err();
    let RegistryError::Rejected(report) = &err else {
        panic!("expected a rejection, got {err}");
    };
    assert!(report.breaking);
    assert_eq!(report.updated, ["b"]);
    assert!(err.to_string().contains("rejected"));
    assert_eq!(reg.snapshot().generation(), snap.generation());
    assert_eq!(reg.snapshot().set("pets").unwrap().version(), "1");
    assert_eq!(reg.export(Provider::Anthropic, &ToolFilter::all()), export);
    let h = reg.history("pets");
    assert_eq!(h.iter().map(|e| e.seq).collect::<Vec<_>>(), [1]);

    // Listeners heard both: the install and the rejection.
    assert!(matches!(
        events.try_recv().unwrap(),
        ChangeEvent::Applied(_)
    ));
    assert!(matches!(
        events.try_recv().unwrap(),
        ChangeEvent::Rejected(_)
    ));

    // A per-install policy overrides the default; the next seq is still 2.
    let r = reg
        .install_manifest(
            "pets",
            pets(2),
            InstallOptions::default().policy(InstallPolicy::AllowBreaking),
        )
        .unwrap();
    assert_eq!(r.to.as_ref().unwrap().seq, 2);

    // A non-breaking install passes the rejecting default.
    let mut v3 = pets(2);
    v3.version = "3".into();
    v3.tools.push(tool("e", "v2", &[], &[]));
    assert!(
        reg.install_manifest("pets", v3, InstallOptions::default())
            .is_ok()
    );
}

#[test]
fn history_is_bounded_and_rollback_to_a_dropped_version_fails_clearly() {
    let reg = registry(RegistryConfig {
        history_len: 3,
        ..RegistryConfig::default()
    });
    for v in 1..=5 {
        reg.install_manifest("pets", pets(v), InstallOptions::default())
            .unwrap();
    }
    let seqs: Vec<u64> = reg.history("pets").iter().map(|e| e.seq).collect();
    assert_eq!(seqs, [3, 4, 5]);
    let err = reg.rollback("pets", 1, None).unwrap_err();
    assert!(matches!(
        &err,
        RegistryError::UnknownVersion { seq: 1, kept, .. } if kept == &[3, 4, 5]
    ));
    assert!(matches!(
        reg.rollback("nope", 1, None),
        Err(RegistryError::UnknownSet { .. })
    ));
}

#[test]
fn rollback_restores_a_kept_version_as_a_new_swap_with_its_own_report() {
    let reg = default_registry();
    reg.install_manifest("pets", pets(1), InstallOptions::default())
        .unwrap();
    let v1 = reg.snapshot();
    reg.install_manifest("pets", pets(2), InstallOptions::default())
        .unwrap();
    assert!(reg.prepare("b", &json!({"limit": 1})).is_ok());

    let r = reg.rollback("pets", 1, None).unwrap();
    assert_eq!(r.action, Action::Rollback { to: 1 });
    assert_eq!(r.from.as_ref().unwrap().seq, 2);
    assert_eq!(r.to.as_ref().unwrap().seq, 3);
    assert_eq!(r.updated, ["b"]);
    assert!(r.breaking);

    let snap = reg.snapshot();
    let live = snap.set("pets").unwrap();
    assert_eq!(live.version(), "1");
    assert_eq!(live.seq(), 3);
    assert_eq!(live.toolset().manifest(), &pets(1));
    // `limit` is gone again, so the restored checker rejects it.
    assert!(matches!(
        reg.prepare("b", &json!({"limit": 1})),
        Err(CallError::InvalidArguments(_))
    ));
    // The restored version shares the declarations kept from version 1.
    let kept = v1.set("pets").unwrap();
    for name in ["a", "b", "c"] {
        assert!(Arc::ptr_eq(
            kept.rendered(name).unwrap(),
            live.rendered(name).unwrap()
        ));
    }
    assert_eq!(
        reg.history("pets")
            .iter()
            .map(|e| e.seq)
            .collect::<Vec<_>>(),
        [1, 2, 3]
    );
}

#[test]
fn rollback_follows_the_policy() {
    let reg = default_registry();
    reg.install_manifest("pets", pets(1), InstallOptions::default())
        .unwrap();
    reg.install_manifest("pets", pets(2), InstallOptions::default())
        .unwrap();
    let gen_before = reg.snapshot().generation();
    assert!(matches!(
        reg.rollback("pets", 1, Some(InstallPolicy::RejectBreaking)),
        Err(RegistryError::Rejected(_))
    ));
    assert_eq!(reg.snapshot().generation(), gen_before);
    assert_eq!(reg.history("pets").len(), 2);
}

/// A tool set handed in as such (as generated code does).
struct Fixed(Manifest);

impl ToolSet for Fixed {
    fn manifest(&self) -> &Manifest {
        &self.0
    }
    fn prepare(
        &self,
        tool: &str,
        args: &Value,
    ) -> std::result::Result<crate::toolset::PreparedCall, CallError> {
        let t = self.0.tool(tool).ok_or_else(|| CallError::UnknownTool {
            tool: tool.to_owned(),
        })?;
        let map = args.as_object().cloned().unwrap_or_default();
        let request = crate::request::build_request(t, &map)
            .map_err(|p| CallError::InvalidArguments(crate::validate::ArgErrors::new(tool, p)))?;
        Ok(crate::toolset::PreparedCall {
            tool: tool.to_owned(),
            request,
            args: Box::new(()),
        })
    }
}

#[test]
fn installed_tool_sets_are_kept_as_is_and_can_be_rolled_back() {
    let reg = default_registry();
    let v1: Arc<dyn ToolSet> = Arc::new(Fixed(pets(1)));
    reg.install("pets", Arc::clone(&v1), InstallOptions::default())
        .unwrap();
    reg.install("pets", Arc::new(Fixed(pets(2))), InstallOptions::default())
        .unwrap();
    reg.rollback("pets", 1, None).unwrap();
    let snap = reg.snapshot();
    assert!(Arc::ptr_eq(snap.set("pets").unwrap().toolset(), &v1));
    let routed = snap.prepare("a", &json!({"id": "1"})).unwrap();
    assert_eq!(routed.call.request.path, "/v1/a/1");
}

#[test]
fn remove_reports_and_keeps_history_for_a_later_rollback() {
    let reg = default_registry();
    reg.install_manifest("pets", pets(1), InstallOptions::default())
        .unwrap();
    let r = reg.remove("pets").unwrap();
    assert_eq!(r.action, Action::Remove);
    assert_eq!(r.removed, ["a", "b", "c"]);
    assert!(r.breaking);
    assert_eq!(r.to, None);
    assert!(export_names(&reg, &ToolFilter::all()).is_empty());
    assert!(matches!(
        reg.remove("pets"),
        Err(RegistryError::UnknownSet { .. })
    ));
    let back = reg.rollback("pets", 1, None).unwrap();
    assert_eq!(back.action, Action::Rollback { to: 1 });
    assert_eq!(back.added, ["a", "b", "c"]);
    assert!(
        back.to_string()
            .starts_with("rollback to #1 `pets` - -> #2 "),
        "{back}"
    );
    assert!(r.to_string().starts_with("remove `pets` #1 "), "{r}");
    assert_eq!(export_names(&reg, &ToolFilter::all()), ["a", "b", "c"]);
}

#[test]
fn listeners_receive_every_report_in_order_and_cannot_write() {
    let reg = Arc::new(default_registry());
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let reentrant: Arc<Mutex<Vec<bool>>> = Arc::default();
    let (s, w, r2) = (
        Arc::clone(&seen),
        Arc::downgrade(&reg),
        Arc::clone(&reentrant),
    );
    let id = reg.on_change(move |e| {
        s.lock().unwrap().push(match e {
            ChangeEvent::Applied(r) => format!("applied {:?}", r.action),
            ChangeEvent::Rejected(r) => format!("rejected {:?}", r.action),
            ChangeEvent::ToolDisabled { tool, reason, .. } => format!("off {tool} {reason}"),
            ChangeEvent::ToolEnabled { tool, .. } => format!("on {tool}"),
            ChangeEvent::SourceRejected(r) => format!("source rejected {} {}", r.set, r.stage),
        });
        if let Some(reg) = w.upgrade() {
            // Reads work; writes are refused instead of deadlocking.
            let _ = reg.export(Provider::Gemini, &ToolFilter::all());
            r2.lock()
                .unwrap()
                .push(matches!(reg.remove("pets"), Err(RegistryError::Reentrant)));
        }
    });
    let rx = reg.subscribe();
    let dropped = reg.subscribe();
    drop(dropped);

    reg.install_manifest("pets", pets(1), InstallOptions::default())
        .unwrap();
    reg.disable("a", "maintenance").unwrap();
    reg.enable("a").unwrap();
    reg.install_manifest("pets", pets(2), InstallOptions::default())
        .unwrap();
    let generation = reg.snapshot().generation();
    reg.notify_source_rejected(SourceRejection {
        set: "pets".to_owned(),
        source: "file pets.yaml".to_owned(),
        version_id: None,
        stage: RejectStage::Load,
        diagnostics: vec!["error: pets.yaml:3:1: cannot parse".to_owned()],
    })
    .unwrap();
    // A source's refusal is news, not a change.
    assert_eq!(reg.snapshot().generation(), generation);
    assert_eq!(
        *seen.lock().unwrap(),
        [
            "applied Install",
            "off a maintenance",
            "on a",
            "applied Replace",
            "source rejected pets load"
        ]
    );
    assert!(reentrant.lock().unwrap().iter().all(|r| *r));
    assert_eq!(rx.try_iter().count(), 5);
    assert_eq!(reg.history("pets").len(), 2);

    assert!(reg.remove_listener(id));
    assert!(!reg.remove_listener(id));
    reg.remove("pets").unwrap();
    assert_eq!(seen.lock().unwrap().len(), 5);
    assert!(matches!(rx.try_recv().unwrap(), ChangeEvent::Applied(_)));
}

#[test]
fn name_clash_across_sets_fails_naming_both_and_changes_nothing() {
    let reg = default_registry();
    reg.install_manifest("pets", pets(1), InstallOptions::default())
        .unwrap();
    let generation = reg.snapshot().generation();
    let other = manifest(
        "1",
        vec![tool("x", "o", &[], &[]), tool("b", "o", &[], &[])],
    );
    let err = reg
        .install_manifest("store", other.clone(), InstallOptions::default())
        .unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, RegistryError::NameClash { .. }));
    assert!(text.contains("`b`") && text.contains("`store`") && text.contains("`pets`"));
    assert_eq!(reg.snapshot().generation(), generation);
    assert!(reg.history("store").is_empty());

    // Under a namespace both install, and calls route to the right set.
    let r = reg
        .install_manifest("store", other, InstallOptions::default().namespace("store"))
        .unwrap();
    assert_eq!(r.added, ["store_x", "store_b"]);
    assert_eq!(r.namespace.as_deref(), Some("store"));
    assert_eq!(
        export_names(&reg, &ToolFilter::all()),
        ["a", "b", "c", "store_x", "store_b"]
    );
    let routed = reg.prepare("store_b", &json!({})).unwrap();
    assert_eq!(routed.set.name(), "store");
    assert_eq!(routed.call.request.path, "/o/b");
    assert_eq!(routed.call.tool, "b");
    assert_eq!(reg.prepare("b", &json!({})).unwrap().set.name(), "pets");

    // Errors name the tool as the model called it.
    let err = reg.prepare("store_b", &json!({"zzz": 1})).unwrap_err();
    assert_eq!(err.tool(), "store_b");

    // A replace keeps the namespace; an explicit "" removes it (and clashes again).
    let again = manifest(
        "2",
        vec![tool("x", "o", &[], &[]), tool("b", "o", &[], &[])],
    );
    let r = reg
        .install_manifest("store", again.clone(), InstallOptions::default())
        .unwrap();
    assert_eq!(r.unchanged, ["store_x", "store_b"]);
    assert!(!r.breaking);
    assert!(matches!(
        reg.install_manifest("store", again, InstallOptions::default().namespace("")),
        Err(RegistryError::NameClash { .. })
    ));
}

#[test]
fn invalid_names_and_duplicates_are_refused() {
    let reg = default_registry();
    let bad = manifest("1", vec![tool("list.pets", "m", &[], &[])]);
    assert!(matches!(
        reg.install_manifest("s", bad, InstallOptions::default()),
        Err(RegistryError::InvalidToolName { .. })
    ));
    let dup = manifest(
        "1",
        vec![tool("a", "m", &[], &[]), tool("a", "n", &[], &[])],
    );
    assert!(matches!(
        reg.install_manifest("s", dup, InstallOptions::default()),
        Err(RegistryError::DuplicateTool { .. })
    ));
    assert!(matches!(
        reg.install_manifest("s", pets(1), InstallOptions::default().namespace("9x")),
        Err(RegistryError::InvalidNamespace { .. })
    ));
    assert!(matches!(
        reg.install_manifest("", pets(1), InstallOptions::default()),
        Err(RegistryError::EmptySetName)
    ));
    assert_eq!(reg.snapshot().generation(), 0);
    // A namespace that makes a name too long shortens it, still valid.
    let long = manifest("1", vec![tool(&"l".repeat(62), "m", &[], &[])]);
    let r = reg
        .install_manifest("s", long, InstallOptions::default().namespace("ns"))
        .unwrap();
    assert_eq!(r.added[0].len(), MAX_TOOL_NAME);
    assert!(reg.prepare(&r.added[0], &json!({})).is_ok());
}

#[test]
fn disabled_tools_leave_exports_and_refuse_calls_with_the_reason() {
    let reg = default_registry();
    reg.install_manifest("pets", pets(1), InstallOptions::default())
        .unwrap();
    assert!(reg.disable("b", "rate limited upstream").unwrap());
    assert!(!reg.disable("b", "rate limited upstream").unwrap());
    assert_eq!(export_names(&reg, &ToolFilter::all()), ["a", "c"]);
    assert_eq!(reg.export_raw(Provider::Mcp, &ToolFilter::all()).len(), 2);
    let err = reg.prepare("b", &json!({})).unwrap_err();
    assert_eq!(
        err,
        CallError::Disabled {
            tool: "b".into(),
            reason: "rate limited upstream".into()
        }
    );
    assert!(err.to_string().contains("rate limited upstream"));
    let snap = reg.snapshot();
    let all = ToolFilter::all();
    let listed: Vec<(&str, Option<&str>)> =
        snap.tools(&all).map(|t| (t.name, t.disabled)).collect();
    assert_eq!(
        listed,
        [
            ("a", None),
            ("b", Some("rate limited upstream")),
            ("c", None)
        ]
    );

    // Stays disabled across a replace that keeps the tool.
    reg.install_manifest("pets", pets(2), InstallOptions::default())
        .unwrap();
    assert_eq!(
        reg.snapshot().disabled_reason("b"),
        Some("rate limited upstream")
    );
    assert!(reg.enable("b").unwrap());
    assert!(!reg.enable("b").unwrap());
    assert_eq!(export_names(&reg, &ToolFilter::all()), ["a", "b", "c"]);
    assert!(matches!(
        reg.disable("zzz", "x"),
        Err(RegistryError::UnknownTool { .. })
    ));
}

#[test]
fn filters_by_set_tag_and_name_in_deterministic_order() {
    let reg = default_registry();
    // Installed in reverse order; exports list sets by name.
    reg.install_manifest(
        "zoo",
        manifest("1", vec![tagged(tool("z1", "z", &[], &[]), &["read"])]),
        InstallOptions::default(),
    )
    .unwrap();
    reg.install_manifest("pets", pets(1), InstallOptions::default())
        .unwrap();
    assert_eq!(
        export_names(&reg, &ToolFilter::all()),
        ["a", "b", "c", "z1"]
    );
    assert_eq!(export_names(&reg, &ToolFilter::tag("read")), ["a", "z1"]);
    assert_eq!(export_names(&reg, &ToolFilter::set("zoo")), ["z1"]);
    let f = ToolFilter {
        sets: vec!["pets".into()],
        tags: vec!["read".into(), "write".into()],
        names: Vec::new(),
    };
    assert_eq!(export_names(&reg, &f), ["a", "b"]);
    let f = ToolFilter {
        names: vec!["c".into(), "z1".into()],
        ..ToolFilter::default()
    };
    assert_eq!(export_names(&reg, &f), ["c", "z1"]);
}

#[test]
fn export_is_the_concatenation_of_the_raw_pieces_and_cached_per_snapshot() {
    let reg = default_registry();
    reg.install_manifest("pets", pets(1), InstallOptions::default())
        .unwrap();
    for p in Provider::ALL {
        let snap = reg.snapshot();
        let all = snap.export(p, &ToolFilter::all());
        let raw = snap.export_raw(p, &ToolFilter::all());
        let joined = format!(
            "[{}]",
            raw.iter().map(|r| r.get()).collect::<Vec<_>>().join(",")
        );
        assert_eq!(&*all, joined);
        let parsed: Value = serde_json::from_str(&all).unwrap();
        assert_eq!(field(&parsed[0], "name"), "a", "{p:?}");
        assert!(Arc::ptr_eq(&all, &snap.export(p, &ToolFilter::all())));
    }
}

/// Many readers export and prepare calls while a writer swaps versions (and toggles a tool)
/// continuously. Every export comes from one version (one marker), every call is prepared on
/// the version of the snapshot it was routed with, and no call is lost.
#[test]
fn readers_never_see_torn_versions_while_a_writer_swaps() {
    const TOOLS: usize = 8;
    fn version(k: u64) -> Manifest {
        let marker = format!("v{k}");
        manifest(
            &k.to_string(),
            (0..TOOLS)
                .map(|i| {
                    tool(
                        &format!("t{i}"),
                        &marker,
                        &["id", &format!("p{k}")],
                        &["id"],
                    )
                })
                .collect(),
        )
    }
    let reg = Arc::new(default_registry());
    reg.install_manifest("s", version(0), InstallOptions::default())
        .unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let swaps = Arc::new(AtomicU64::new(0));
    let writer = {
        let (reg, stop, swaps) = (Arc::clone(&reg), Arc::clone(&stop), Arc::clone(&swaps));
        thread::spawn(move || {
            let mut k = 1;
            while !stop.load(Ordering::Relaxed) {
                reg.install_manifest("s", version(k), InstallOptions::default())
                    .unwrap();
                if k % 7 == 0 {
                    let seq = reg.history("s").first().map(|e| e.seq).unwrap();
                    reg.rollback("s", seq, None).unwrap();
                }
                k += 1;
                swaps.fetch_add(1, Ordering::Relaxed);
            }
        })
    };
    let readers: Vec<_> = (0..4)
        .map(|r| {
            let (reg, stop) = (Arc::clone(&reg), Arc::clone(&stop));
            thread::spawn(move || {
                let mut calls = 0u64;
                let provider = Provider::ALL[r % Provider::ALL.len()];
                while !stop.load(Ordering::Relaxed) {
                    let snap = reg.snapshot();
                    let live = snap.set("s").unwrap();
                    let marker = format!("(v{})", live.version());
                    let export: Value =
                        serde_json::from_str(&snap.export(provider, &ToolFilter::all())).unwrap();
                    let tools = export.as_array().unwrap();
                    assert_eq!(tools.len(), TOOLS);
                    for t in tools {
                        let d = field(t, "description").as_str().unwrap();
                        assert!(d.ends_with(&marker), "torn export: {d} vs {marker}");
                    }
                    let name = format!("t{}", calls as usize % TOOLS);
                    let routed = snap.prepare(&name, &json!({"id": "x"})).unwrap();
                    assert!(Arc::ptr_eq(&routed.set, live));
                    let expected = format!("/v{}/{name}/x", live.version());
                    assert_eq!(routed.call.request.path, expected);
                    // Through the registry directly: routed to whatever is live, consistently.
                    let routed = reg.prepare(&name, &json!({"id": "y"})).unwrap();
                    let expected = format!("/v{}/{name}/y", routed.set.version());
                    assert_eq!(routed.call.request.path, expected);
                    // Parsed provider calls dispatch on the same snapshot, none lost.
                    let response = json!({"content": [
                        {"type": "tool_use", "id": "u1", "name": name, "input": {"id": "z"}},
                        {"type": "tool_use", "id": "u2", "name": "t0", "input": {"id": "w"}}
                    ]});
                    let parsed =
                        crate::calls::parse_tool_calls(Provider::Anthropic, &response).unwrap();
                    let outcomes = crate::calls::dispatch(&snap, parsed);
                    assert_eq!(outcomes.len(), 2);
                    for o in &outcomes {
                        let routed = o.result.as_ref().unwrap();
                        assert!(Arc::ptr_eq(&routed.set, live));
                        assert_eq!(routed.name, o.call.name);
                    }
                    calls += 4;
                }
                calls
            })
        })
        .collect();
    // Until the writer swapped enough versions (real diff and renderers: slow on a loaded
    // machine in a debug build), at least 800 ms, at most 20 s.
    let start = Instant::now();
    while start.elapsed() < Duration::from_millis(800)
        || (swaps.load(Ordering::Relaxed) <= 10 && start.elapsed() < Duration::from_secs(20))
    {
        thread::sleep(Duration::from_millis(20));
    }
    stop.store(true, Ordering::Relaxed);
    writer.join().unwrap();
    let calls: u64 = readers.into_iter().map(|r| r.join().unwrap()).sum();
    assert!(swaps.load(Ordering::Relaxed) > 10, "writer made progress");
    assert!(calls > 10, "readers made progress");
    assert!(reg.history("s").len() <= reg.config().history_len);
}

#[test]
fn replaced_versions_are_freed_and_ones_a_reader_holds_stay_alive() {
    let reg = default_registry();
    reg.install_manifest("pets", pets(1), InstallOptions::default())
        .unwrap();
    let v1 = Arc::downgrade(reg.snapshot().set("pets").unwrap());
    reg.install_manifest("pets", pets(2), InstallOptions::default())
        .unwrap();
    let held = reg.snapshot(); // a reader keeps v2's snapshot
    let v2 = Arc::downgrade(held.set("pets").unwrap());
    for k in 3..6 {
        reg.install_manifest("pets", pets(k), InstallOptions::default())
            .unwrap();
    }
    // v1 went to the reclaimer: freed soon, off the writer's path.
    let deadline = Instant::now() + Duration::from_secs(5);
    while v1.upgrade().is_some() && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(5));
    }
    assert!(v1.upgrade().is_none(), "v1 was never freed");
    // v2 is still in use by the reader and must stay intact until it lets go.
    let v2_live = v2.upgrade().expect("v2 kept alive by its reader");
    assert_eq!(v2_live.seq(), 2);
    drop(v2_live);
    drop(held);
    assert!(v2.upgrade().is_none());
}

/// A registry that pre-renders one provider exports every provider exactly as one that
/// pre-renders all of them: the others render on first use, once, and are shared by later
/// versions like pre-rendered ones.
#[test]
fn providers_not_prerendered_export_the_same_on_first_use() {
    let eager = default_registry();
    let lazy = registry(RegistryConfig {
        prerender: Providers::only(Provider::Mcp),
        ..RegistryConfig::default()
    });
    let v1 = || {
        manifest(
            "1",
            vec![tool("a", "v1", &["id"], &[]), tool("b", "v1", &[], &[])],
        )
    };
    for reg in [&eager, &lazy] {
        reg.install_manifest("pets", v1(), InstallOptions::default().namespace("ns"))
            .unwrap();
    }
    let snap = lazy.snapshot();
    let a = snap.set("pets").unwrap().rendered("ns_a").unwrap();
    assert!(a.get(Provider::Mcp).is_some());
    assert!(a.get(Provider::Gemini).is_none());
    for p in Provider::ALL {
        assert_eq!(
            lazy.export(p, &ToolFilter::all()),
            eager.export(p, &ToolFilter::all()),
            "{p:?}"
        );
    }
    let gemini = Arc::clone(a.get(Provider::Gemini).unwrap());
    let all = ToolFilter::all();
    let entry = snap.tools(&all).next().unwrap();
    assert!(Arc::ptr_eq(
        entry.declaration(Provider::Gemini).unwrap(),
        &gemini
    ));

    // An unchanged tool keeps its renderings across a replace; a changed one renders anew.
    let v2 = manifest(
        "2",
        vec![tool("a", "v1", &["id"], &[]), tool("b", "v2", &["x"], &[])],
    );
    lazy.install_manifest("pets", v2, InstallOptions::default())
        .unwrap();
    let next = lazy.snapshot();
    let set = next.set("pets").unwrap();
    assert!(Arc::ptr_eq(
        set.rendered("ns_a").unwrap().get(Provider::Gemini).unwrap(),
        &gemini
    ));
    assert!(
        set.rendered("ns_b")
            .unwrap()
            .get(Provider::Gemini)
            .is_none()
    );
    assert!(
        lazy.export(Provider::Gemini, &ToolFilter::all())
            .contains(r#""x""#)
    );
}
