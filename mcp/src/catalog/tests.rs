use openapi_tools_runtime::Manifest;
use openapi_tools_runtime::registry::{InstallOptions, Registry, ToolFilter};

use super::*;

fn petstore() -> Manifest {
    serde_json::from_str(include_str!(
        "../../../fixtures/calls/petstore.manifest.json"
    ))
    .unwrap()
}

fn names(c: &Catalog) -> Vec<&str> {
    (0..c.tools.len())
        .filter_map(|i| c.tool(i))
        .map(|t| t.name.as_ref())
        .collect()
}

fn registry() -> Registry {
    let r = Registry::new();
    r.install_manifest("pets", petstore(), InstallOptions::default())
        .unwrap();
    r
}

#[test]
fn offers_enabled_tools_with_their_mcp_declarations() {
    let r = registry();
    let cache = CatalogCache::default();
    let c = cache.get(&r.snapshot(), &Offer::default(), MetaMode::Never);
    assert_eq!(
        names(&c),
        ["list_pets", "get_pet", "create_pet", "delete_pet"]
    );
    let delete = c.get("delete_pet").unwrap();
    let hints = delete.annotations.as_ref().unwrap();
    assert_eq!(hints.destructive_hint, Some(true));
    assert_eq!(hints.read_only_hint, Some(false));
    assert_eq!(delete.input_schema.get("type"), Some(&"object".into()));

    r.disable("create_pet", "maintenance").unwrap();
    let c2 = cache.get(&r.snapshot(), &Offer::default(), MetaMode::Never);
    assert_eq!(names(&c2), ["list_pets", "get_pet", "delete_pet"]);
    assert_eq!(c2.epoch, c.epoch + 1);
}

#[test]
fn read_only_and_filters_restrict_the_offer() {
    let r = registry();
    let offer = Offer {
        filter: ToolFilter::default(),
        read_only: true,
    };
    let c = CatalogCache::default().get(&r.snapshot(), &offer, MetaMode::Never);
    assert_eq!(names(&c), ["list_pets", "get_pet"]);
    let offer = Offer {
        filter: ToolFilter::tag("write"),
        read_only: false,
    };
    let c = CatalogCache::default().get(&r.snapshot(), &offer, MetaMode::Never);
    assert_eq!(names(&c), ["create_pet", "delete_pet"]);
}

#[test]
fn epoch_moves_only_when_the_offered_list_changes() {
    let r = registry();
    let cache = CatalogCache::default();
    let offer = Offer {
        filter: ToolFilter::set("pets"),
        read_only: false,
    };
    let first = cache.get(&r.snapshot(), &offer, MetaMode::Never);
    // Same content again: a new generation, the same list.
    r.install_manifest("pets", petstore(), InstallOptions::default())
        .unwrap();
    let same = cache.get(&r.snapshot(), &offer, MetaMode::Never);
    assert_ne!(same.generation, first.generation);
    assert_eq!(same.epoch, first.epoch);
    // Another set outside the filter.
    r.install_manifest(
        "other",
        petstore(),
        InstallOptions::default().namespace("o"),
    )
    .unwrap();
    assert_eq!(
        cache.get(&r.snapshot(), &offer, MetaMode::Never).epoch,
        first.epoch
    );
    // A changed description.
    let mut m = petstore();
    m.tools[1].description = "Fetch one pet by id.".into();
    r.install_manifest("pets", m, InstallOptions::default())
        .unwrap();
    let changed = cache.get(&r.snapshot(), &offer, MetaMode::Never);
    assert_eq!(changed.epoch, first.epoch + 1);
    assert_eq!(
        changed.get("get_pet").unwrap().description.as_deref(),
        Some("Fetch one pet by id.")
    );
}

#[test]
fn several_sets_are_listed_under_their_namespaces() {
    let r = registry();
    r.install_manifest(
        "more",
        petstore(),
        InstallOptions::default().namespace("v2"),
    )
    .unwrap();
    let c = CatalogCache::default().get(&r.snapshot(), &Offer::default(), MetaMode::Never);
    assert_eq!(c.tools.len(), 8);
    assert!(c.get("v2_get_pet").is_some());
    assert!(c.get("get_pet").is_some());
}

#[test]
fn pages_and_cursors() {
    let r = registry();
    let cache = CatalogCache::default();
    let c = cache.get(&r.snapshot(), &Offer::default(), MetaMode::Never);
    let (p1, next) = page(&c, &OwnTools::default(), 0, 3);
    assert_eq!(p1.len(), 3);
    let next = next.unwrap();
    let cur = Cursor::decode(&next, &c, &OwnTools::default()).unwrap();
    let (p2, end) = page(&c, &OwnTools::default(), cur.offset, 3);
    assert_eq!(p2.len(), 1);
    assert_eq!(p2[0].name, "delete_pet");
    assert_eq!(end, None);
    assert!(matches!(
        Cursor::decode("nonsense", &c, &OwnTools::default()),
        Err(CursorError::Malformed(_))
    ));
    assert!(matches!(
        Cursor::decode("e0.99", &c, &OwnTools::default()),
        Err(CursorError::Malformed(_))
    ));
    r.disable("list_pets", "x").unwrap();
    let c2 = cache.get(&r.snapshot(), &Offer::default(), MetaMode::Never);
    assert_eq!(
        Cursor::decode(&next, &c2, &OwnTools::default()),
        Err(CursorError::Stale)
    );
    // A page past the end is empty, never a panic.
    assert_eq!(page(&c2, &OwnTools::default(), 10, 3), (Vec::new(), None));
}

fn listed(c: &Catalog) -> Vec<&str> {
    c.listed().map(|t| t.name.as_ref()).collect()
}

#[test]
fn meta_tools_replace_the_list_above_the_threshold() {
    let r = registry();
    let cache = CatalogCache::default();
    let c = cache.get(&r.snapshot(), &Offer::default(), MetaMode::Above(3));
    assert_eq!(listed(&c), ["search_tools", "call_tool"]);
    // The offered tools stay behind the meta-tools (for call_tool and direct calls).
    assert_eq!(c.tools.len(), 4);
    let search = c.listed().next().unwrap();
    assert_eq!(
        search.annotations.as_ref().unwrap().read_only_hint,
        Some(true)
    );
    assert!(search.description.as_deref().unwrap().contains("4 tools"));
    // Pages and cursors run over what is listed.
    let (p1, next) = page(&c, &OwnTools::default(), 0, 1);
    assert_eq!(p1[0].name, "search_tools");
    let cur = Cursor::decode(&next.unwrap(), &c, &OwnTools::default()).unwrap();
    assert_eq!(
        page(&c, &OwnTools::default(), cur.offset, 1),
        (vec![c.listed().nth(1).unwrap().clone()], None)
    );

    // One tool disabled: 3 offered, not above 3, the full list again (a new epoch).
    r.disable("create_pet", "maintenance").unwrap();
    let c2 = cache.get(&r.snapshot(), &Offer::default(), MetaMode::Above(3));
    assert_eq!(listed(&c2), ["list_pets", "get_pet", "delete_pet"]);
    assert_eq!(c2.epoch, c.epoch + 1);
    assert!(
        CatalogCache::default()
            .get(&r.snapshot(), &Offer::default(), MetaMode::Above(4))
            .meta
            .is_none()
    );
}

#[test]
fn meta_tools_search_only_the_offered_tools() {
    let r = registry();
    r.install_manifest(
        "more",
        petstore(),
        InstallOptions::default().namespace("v2"),
    )
    .unwrap();
    let offer = Offer {
        filter: ToolFilter::default(),
        read_only: true,
    };
    let c = CatalogCache::default().get(&r.snapshot(), &offer, MetaMode::Always);
    let meta = c.meta.as_ref().unwrap();
    let manifest = meta.tools().toolset().manifest();
    let mut names: Vec<&str> = manifest.tools.iter().map(|t| t.name.as_str()).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        ["get_pet", "list_pets", "v2_get_pet", "v2_list_pets"]
    );
    let found = meta
        .tools()
        .search(&serde_json::json!({"query": "delete a pet", "top_k": 10}))
        .unwrap();
    assert!(!found.to_string().contains("delete_pet"), "{found}");
}
