//! The fleet store: PostgreSQL through a pooled async client (tokio-postgres + deadpool), with
//! every change published by `NOTIFY`.
//!
//! Ordering: every append takes `LOCK TABLE changes IN SHARE ROW EXCLUSIVE MODE` (writers take
//! turns; readers never wait), so change ids are gapless and assigned in commit order. A
//! replica that reads the changes after the last id it applied therefore never skips one, and
//! a missed notification only delays it until the next notification, reconnection or poll.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use openapi_tools_runtime::manifest::Manifest;
use tokio_postgres::{AsyncMessage, IsolationLevel, NoTls, Row};

use crate::model::{self, ChangeKind, ChangeRecord, LiveRow, NewChange, State, VersionRecord};
use crate::url::redact;
use crate::{Store, StoreError};

/// Migrations, in order; `schema_migrations` remembers which ran.
const MIGRATIONS: &[(i64, &str)] = &[(1, include_str!("../migrations/postgres/0001_init.sql"))];

/// The channel changes are announced on (the payload is the change id).
const CHANNEL: &str = "openapi_tools_changes";

/// Taken while migrating, so replicas starting together migrate once.
const MIGRATION_LOCK: i64 = 0x6f70_656e_6170_6931;

/// A store in a PostgreSQL database. See the module docs.
pub struct PostgresStore {
    pool: Pool,
    config: tokio_postgres::Config,
    shown: String,
    runtime: Option<tokio::runtime::Runtime>,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PostgresStore({})", self.shown)
    }
}

impl Drop for PostgresStore {
    fn drop(&mut self) {
        // Dropping a runtime may not block inside another runtime's thread.
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

fn db(e: impl std::fmt::Display) -> StoreError {
    StoreError::db(e)
}

impl PostgresStore {
    /// Connects to `url` (a `postgres://` URL or libpq key-value string) and brings the schema
    /// up to date. Errors never show the password.
    pub fn connect(url: &str) -> Result<PostgresStore, StoreError> {
        let shown = redact(url);
        let config = tokio_postgres::Config::from_str(url)
            .map_err(|e| StoreError::Url(format!("{shown}: {e}")))?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("openapi-tools-store-pg")
            .enable_all()
            .build()
            .map_err(db)?;
        let manager = Manager::from_config(
            config.clone(),
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(4)
            .runtime(deadpool_postgres::Runtime::Tokio1)
            .wait_timeout(Some(Duration::from_secs(10)))
            .create_timeout(Some(Duration::from_secs(5)))
            .build()
            .map_err(db)?;
        let store = PostgresStore {
            pool,
            config,
            shown,
            runtime: Some(runtime),
        };
        store.migrate()?;
        Ok(store)
    }

    /// Runs `fut` on the store's runtime and waits for it (from any thread, async or not).
    fn run<T, F>(&self, fut: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: std::future::Future<Output = Result<T, StoreError>> + Send + 'static,
    {
        let rt = self.runtime.as_ref().ok_or_else(|| db("store closed"))?;
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        rt.spawn(async move {
            let _ = tx.send(fut.await);
        });
        rx.recv().map_err(|_| db("store runtime stopped"))?
    }

    fn migrate(&self) -> Result<(), StoreError> {
        let pool = self.pool.clone();
        let shown = self.shown.clone();
        self.run(async move {
            let mut client = pool
                .get()
                .await
                .map_err(|e| StoreError::Database(format!("{shown}: {e}")))?;
            let tx = client.transaction().await.map_err(db)?;
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
                .await
                .map_err(db)?;
            tx.batch_execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY)",
            )
            .await
            .map_err(db)?;
            for (version, sql) in MIGRATIONS {
                let done = tx
                    .query_opt(
                        "SELECT version FROM schema_migrations WHERE version = $1",
                        &[version],
                    )
                    .await
                    .map_err(db)?;
                if done.is_none() {
                    tx.batch_execute(sql).await.map_err(db)?;
                    tx.execute("INSERT INTO schema_migrations VALUES ($1)", &[version])
                        .await
                        .map_err(db)?;
                }
            }
            tx.commit().await.map_err(db)
        })
    }
}

fn change_record(r: &Row) -> Result<ChangeRecord, StoreError> {
    let kind: String = r.try_get(4).map_err(db)?;
    Ok(ChangeRecord {
        id: model::to_u64(r.try_get(0).map_err(db)?),
        at_ms: r.try_get(1).map_err(db)?,
        origin: r.try_get(2).map_err(db)?,
        set: r.try_get(3).map_err(db)?,
        kind: ChangeKind::parse(&kind)?,
        seq: r
            .try_get::<_, Option<i64>>(5)
            .map_err(db)?
            .map(model::to_u64),
        from_seq: r
            .try_get::<_, Option<i64>>(6)
            .map_err(db)?
            .map(model::to_u64),
        tool: r.try_get(7).map_err(db)?,
        reason: r.try_get(8).map_err(db)?,
        actor: r.try_get(9).map_err(db)?,
        why: r.try_get(10).map_err(db)?,
        source: r.try_get(11).map_err(db)?,
    })
}

const VERSION_QUERY: &str = "SELECT v.set_name, v.seq, v.content_id, v.label, v.namespace, \
     v.installed_at, v.action, v.rollback_to, v.tool_hashes, v.report, c.actor, c.why, c.source, \
     coalesce(l.seq = v.seq, false), v.header FROM versions v JOIN changes c ON c.id = v.change_id \
     LEFT JOIN live l ON l.set_name = v.set_name";

fn version_record(r: &Row) -> Result<(VersionRecord, String, String), StoreError> {
    let hashes: String = r.try_get(8).map_err(db)?;
    let tools = serde_json::from_str::<Vec<String>>(&hashes).map_or(0, |h| h.len());
    let report: String = r.try_get(9).map_err(db)?;
    let action: String = r.try_get(6).map_err(db)?;
    Ok((
        VersionRecord {
            set: r.try_get(0).map_err(db)?,
            seq: model::to_u64(r.try_get(1).map_err(db)?),
            content_id: r.try_get(2).map_err(db)?,
            label: r.try_get(3).map_err(db)?,
            namespace: r.try_get(4).map_err(db)?,
            installed_at_ms: r.try_get(5).map_err(db)?,
            action: ChangeKind::parse(&action)?,
            rollback_to: r
                .try_get::<_, Option<i64>>(7)
                .map_err(db)?
                .map(model::to_u64),
            tools,
            report: serde_json::from_str(&report).unwrap_or(serde_json::Value::Null),
            actor: r.try_get(10).map_err(db)?,
            why: r.try_get(11).map_err(db)?,
            source: r.try_get(12).map_err(db)?,
            live: r.try_get(13).map_err(db)?,
        },
        hashes,
        r.try_get(14).map_err(db)?,
    ))
}

/// An owned copy of a change, to move into the runtime.
struct Owned {
    origin: String,
    set: String,
    kind: ChangeKind,
    seq: Option<i64>,
    from_seq: Option<i64>,
    tool: Option<String>,
    reason: Option<String>,
    actor: String,
    why: String,
    source: String,
    version: Option<OwnedVersion>,
    check: OwnedCheck,
}

struct OwnedVersion {
    content_id: String,
    label: String,
    namespace: Option<String>,
    header: String,
    tools: Vec<(String, String)>,
    rollback_to: Option<i64>,
    report: String,
}

/// What `model::check` needs, detached from the borrowed change.
struct OwnedCheck {
    set: String,
    kind: ChangeKind,
    seq: Option<u64>,
    from_seq: Option<u64>,
}

impl Store for PostgresStore {
    fn append(&self, change: &NewChange<'_>) -> Result<u64, StoreError> {
        let version = match change.version {
            Some(v) => {
                let split = model::split(v.manifest)?;
                Some(OwnedVersion {
                    content_id: v.manifest.source_hash.clone(),
                    label: v.manifest.version.clone(),
                    namespace: v.namespace.map(str::to_owned),
                    header: split.header,
                    tools: split.tools,
                    rollback_to: v.rollback_to.map(model::to_i64),
                    report: v.report.to_string(),
                })
            }
            None => None,
        };
        let c = Owned {
            origin: change.origin.to_owned(),
            set: change.set.to_owned(),
            kind: change.kind,
            seq: change.seq.map(model::to_i64),
            from_seq: change.from_seq.map(model::to_i64),
            tool: change.tool.map(str::to_owned),
            reason: change.reason.map(str::to_owned),
            actor: change.actor.to_owned(),
            why: change.why.to_owned(),
            source: change.source.to_owned(),
            version,
            check: OwnedCheck {
                set: change.set.to_owned(),
                kind: change.kind,
                seq: change.seq,
                from_seq: change.from_seq,
            },
        };
        let pool = self.pool.clone();
        self.run(async move {
            let mut client = pool.get().await.map_err(db)?;
            let tx = client.transaction().await.map_err(db)?;
            tx.batch_execute("LOCK TABLE changes IN SHARE ROW EXCLUSIVE MODE")
                .await
                .map_err(db)?;
            let live_row = tx
                .query_opt(
                    "SELECT seq, (SELECT coalesce(max(seq), 0) FROM versions WHERE set_name = $1) \
                     FROM live WHERE set_name = $1",
                    &[&c.set],
                )
                .await
                .map_err(db)?;
            let (live, max_seq) = match &live_row {
                Some(r) => (
                    r.try_get::<_, Option<i64>>(0).map_err(db)?.map(model::to_u64),
                    model::to_u64(r.try_get(1).map_err(db)?),
                ),
                None => (None, 0),
            };
            let pin = tx
                .query_opt("SELECT seq, reason FROM pins WHERE set_name = $1", &[&c.set])
                .await
                .map_err(db)?
                .map(|r| -> Result<(u64, String), StoreError> {
                    Ok((
                        model::to_u64(r.try_get(0).map_err(db)?),
                        r.try_get(1).map_err(db)?,
                    ))
                })
                .transpose()?;
            let check = NewChange {
                origin: "",
                set: &c.check.set,
                kind: c.check.kind,
                seq: c.check.seq,
                from_seq: c.check.from_seq,
                version: None,
                tool: None,
                reason: None,
                actor: "",
                why: "",
                source: "",
            };
            model::check(&check, live, max_seq, pin)?;

            let id: i64 = tx
                .query_one("SELECT coalesce(max(id), 0) + 1 FROM changes", &[])
                .await
                .map_err(db)?
                .try_get(0)
                .map_err(db)?;
            let at = model::now_ms();
            tx.execute(
                "INSERT INTO changes (id, at, origin, set_name, kind, seq, from_seq, tool, reason, \
                 actor, why, source) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                &[
                    &id,
                    &at,
                    &c.origin,
                    &c.set,
                    &c.kind.as_str(),
                    &c.seq,
                    &c.from_seq,
                    &c.tool,
                    &c.reason,
                    &c.actor,
                    &c.why,
                    &c.source,
                ],
            )
            .await
            .map_err(db)?;
            match c.kind {
                ChangeKind::Install | ChangeKind::Replace | ChangeKind::Rollback => {
                    let (Some(v), Some(seq)) = (&c.version, c.seq) else {
                        return Err(StoreError::Corrupt(format!(
                            "{} of `{}` without a version",
                            c.kind.as_str(),
                            c.set
                        )));
                    };
                    // Send only the tools the store does not hold yet.
                    let hashes: Vec<&str> = v.tools.iter().map(|(h, _)| h.as_str()).collect();
                    let known: std::collections::HashSet<String> = tx
                        .query("SELECT hash FROM tools WHERE hash = ANY($1)", &[&hashes])
                        .await
                        .map_err(db)?
                        .iter()
                        .map(|r| r.get::<_, String>(0))
                        .collect();
                    let mut seen = std::collections::HashSet::new();
                    let (new_hashes, new_bodies): (Vec<&str>, Vec<&str>) = v
                        .tools
                        .iter()
                        .filter(|(h, _)| !known.contains(h) && seen.insert(h.as_str()))
                        .map(|(h, b)| (h.as_str(), b.as_str()))
                        .unzip();
                    if !new_hashes.is_empty() {
                        tx.execute(
                            "INSERT INTO tools (hash, body) SELECT * FROM unnest($1::text[], \
                             $2::text[]) ON CONFLICT (hash) DO NOTHING",
                            &[&new_hashes, &new_bodies],
                        )
                        .await
                        .map_err(db)?;
                    }
                    let list = serde_json::to_string(&hashes).map_err(db)?;
                    tx.execute(
                        "INSERT INTO versions (set_name, seq, content_id, label, namespace, header, \
                         tool_hashes, installed_at, action, rollback_to, report, change_id) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                        &[
                            &c.set,
                            &seq,
                            &v.content_id,
                            &v.label,
                            &v.namespace,
                            &v.header,
                            &list,
                            &at,
                            &c.kind.as_str(),
                            &v.rollback_to,
                            &v.report,
                            &id,
                        ],
                    )
                    .await
                    .map_err(db)?;
                    tx.execute(
                        "INSERT INTO live (set_name, seq) VALUES ($1, $2) \
                         ON CONFLICT (set_name) DO UPDATE SET seq = excluded.seq",
                        &[&c.set, &seq],
                    )
                    .await
                    .map_err(db)?;
                }
                ChangeKind::Remove => {
                    tx.execute("UPDATE live SET seq = NULL WHERE set_name = $1", &[&c.set])
                        .await
                        .map_err(db)?;
                    tx.execute("DELETE FROM disabled WHERE set_name = $1", &[&c.set])
                        .await
                        .map_err(db)?;
                }
                ChangeKind::Disable => {
                    tx.execute(
                        "INSERT INTO disabled (tool, set_name, reason) VALUES ($1, $2, $3) \
                         ON CONFLICT (tool) DO UPDATE SET set_name = excluded.set_name, \
                         reason = excluded.reason",
                        &[&c.tool, &c.set, &c.reason.as_deref().unwrap_or("")],
                    )
                    .await
                    .map_err(db)?;
                }
                ChangeKind::Enable => {
                    tx.execute("DELETE FROM disabled WHERE tool = $1", &[&c.tool])
                        .await
                        .map_err(db)?;
                }
                ChangeKind::Pin => {
                    let seq = live.map(model::to_i64).unwrap_or(0);
                    tx.execute(
                        "INSERT INTO pins (set_name, seq, reason) VALUES ($1, $2, $3) \
                         ON CONFLICT (set_name) DO UPDATE SET seq = excluded.seq, \
                         reason = excluded.reason",
                        &[&c.set, &seq, &c.reason.as_deref().unwrap_or("")],
                    )
                    .await
                    .map_err(db)?;
                }
                ChangeKind::Unpin => {
                    tx.execute("DELETE FROM pins WHERE set_name = $1", &[&c.set])
                        .await
                        .map_err(db)?;
                }
            }
            // Delivered to listeners when (and only if) the transaction commits.
            tx.execute("SELECT pg_notify($1, $2)", &[&CHANNEL, &id.to_string()])
                .await
                .map_err(db)?;
            tx.commit().await.map_err(db)?;
            Ok(model::to_u64(id))
        })
    }

    fn changes_since(&self, after: u64) -> Result<Vec<ChangeRecord>, StoreError> {
        let pool = self.pool.clone();
        self.run(async move {
            let client = pool.get().await.map_err(db)?;
            let rows = client
                .query(
                    "SELECT id, at, origin, set_name, kind, seq, from_seq, tool, reason, actor, \
                     why, source FROM changes WHERE id > $1 ORDER BY id",
                    &[&model::to_i64(after)],
                )
                .await
                .map_err(db)?;
            rows.iter().map(change_record).collect()
        })
    }

    fn state(&self) -> Result<State, StoreError> {
        let pool = self.pool.clone();
        self.run(async move {
            let mut client = pool.get().await.map_err(db)?;
            let tx = client
                .build_transaction()
                .isolation_level(IsolationLevel::RepeatableRead)
                .read_only(true)
                .start()
                .await
                .map_err(db)?;
            let mut state = State::default();
            for r in tx
                .query(
                    "SELECT l.set_name, l.seq, (SELECT coalesce(max(seq), 0) FROM versions v \
                     WHERE v.set_name = l.set_name) FROM live l ORDER BY l.set_name",
                    &[],
                )
                .await
                .map_err(db)?
            {
                state.sets.push(LiveRow {
                    set: r.try_get(0).map_err(db)?,
                    seq: r
                        .try_get::<_, Option<i64>>(1)
                        .map_err(db)?
                        .map(model::to_u64),
                    max_seq: model::to_u64(r.try_get(2).map_err(db)?),
                });
            }
            for r in tx
                .query(
                    "SELECT tool, set_name, reason FROM disabled ORDER BY tool",
                    &[],
                )
                .await
                .map_err(db)?
            {
                state.disabled.push((
                    r.try_get(0).map_err(db)?,
                    r.try_get(1).map_err(db)?,
                    r.try_get(2).map_err(db)?,
                ));
            }
            for r in tx
                .query(
                    "SELECT set_name, seq, reason FROM pins ORDER BY set_name",
                    &[],
                )
                .await
                .map_err(db)?
            {
                state.pins.push((
                    r.try_get(0).map_err(db)?,
                    model::to_u64(r.try_get(1).map_err(db)?),
                    r.try_get(2).map_err(db)?,
                ));
            }
            state.last_change = model::to_u64(
                tx.query_one("SELECT coalesce(max(id), 0)::BIGINT FROM changes", &[])
                    .await
                    .map_err(db)?
                    .try_get(0)
                    .map_err(db)?,
            );
            tx.commit().await.map_err(db)?;
            Ok(state)
        })
    }

    fn version(
        &self,
        set: &str,
        seq: u64,
    ) -> Result<Option<(VersionRecord, Manifest)>, StoreError> {
        let pool = self.pool.clone();
        let set = set.to_owned();
        self.run(async move {
            let client = pool.get().await.map_err(db)?;
            let Some(row) = client
                .query_opt(
                    &format!("{VERSION_QUERY} WHERE v.set_name = $1 AND v.seq = $2"),
                    &[&set, &model::to_i64(seq)],
                )
                .await
                .map_err(db)?
            else {
                return Ok(None);
            };
            let (record, hashes, header) = version_record(&row)?;
            let hashes: Vec<String> = serde_json::from_str(&hashes)
                .map_err(|e| StoreError::Corrupt(format!("tool list of `{set}` #{seq}: {e}")))?;
            let mut bodies: std::collections::HashMap<String, String> = client
                .query(
                    "SELECT hash, body FROM tools WHERE hash = ANY($1)",
                    &[&hashes],
                )
                .await
                .map_err(db)?
                .into_iter()
                .map(|r| (r.get(0), r.get(1)))
                .collect();
            let ordered = hashes
                .iter()
                .map(|h| {
                    // A tool listed twice is fetched once.
                    bodies
                        .get(h)
                        .cloned()
                        .or_else(|| bodies.remove(h))
                        .ok_or_else(|| StoreError::Corrupt(format!("tool {h} is missing")))
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Some((record, model::assemble(&header, &ordered)?)))
        })
    }

    fn versions(&self, set: Option<&str>) -> Result<Vec<VersionRecord>, StoreError> {
        let pool = self.pool.clone();
        let set = set.map(str::to_owned);
        self.run(async move {
            let client = pool.get().await.map_err(db)?;
            let rows = client
                .query(
                    &format!(
                        "{VERSION_QUERY} WHERE $1::TEXT IS NULL OR v.set_name = $1 \
                         ORDER BY v.set_name, v.seq"
                    ),
                    &[&set],
                )
                .await
                .map_err(db)?;
            rows.iter()
                .map(|r| version_record(r).map(|(v, _, _)| v))
                .collect()
        })
    }

    fn on_remote_change(&self, wake: Box<dyn Fn() + Send + Sync>) {
        let Some(rt) = self.runtime.as_ref() else {
            return;
        };
        let wake: Arc<dyn Fn() + Send + Sync> = Arc::from(wake);
        let config = self.config.clone();
        rt.spawn(listen(config, wake));
    }
}

/// Listens for changes for as long as the store lives, reconnecting with a growing pause
/// (250 ms to 2 s). After every (re)connection `wake` runs once, so changes made while the
/// connection was down are caught up from the table.
async fn listen(config: tokio_postgres::Config, wake: Arc<dyn Fn() + Send + Sync>) {
    let mut pause = Duration::from_millis(250);
    loop {
        if let Ok((client, mut connection)) = config.connect(NoTls).await {
            let on_message = Arc::clone(&wake);
            let driver = tokio::spawn(async move {
                while let Some(message) =
                    futures_util::future::poll_fn(|cx| connection.poll_message(cx)).await
                {
                    match message {
                        Ok(AsyncMessage::Notification(_)) => on_message(),
                        Ok(_) => {}
                        Err(_) => break,
                    }
                }
            });
            if client
                .batch_execute(&format!("LISTEN {CHANNEL}"))
                .await
                .is_ok()
            {
                pause = Duration::from_millis(250);
                wake();
            }
            let _ = driver.await;
            drop(client);
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_secs(2));
    }
}
