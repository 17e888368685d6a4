//! The embedded store: one SQLite file.
//!
//! Write-ahead log with `synchronous = FULL`: a change is on disk when `append` returns, and a
//! crash (even `kill -9` mid-write) leaves every acknowledged change and no half of any other.
//! Each change is one `BEGIN IMMEDIATE` transaction, so several processes may share the file
//! (writers take turns; followers poll the `changes` table).

use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};

use openapi_tools_runtime::manifest::Manifest;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use crate::model::{self, ChangeKind, ChangeRecord, LiveRow, NewChange, State, VersionRecord};
use crate::{Store, StoreError};

/// Migrations, in order; `schema_migrations` remembers which ran.
const MIGRATIONS: &[(i64, &str)] = &[(1, include_str!("../migrations/sqlite/0001_init.sql"))];

/// A store in one SQLite file. See the module docs.
pub struct SqliteStore {
    conn: Mutex<Connection>,
    path: std::path::PathBuf,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SqliteStore({})", self.path.display())
    }
}

fn db(e: rusqlite::Error) -> StoreError {
    StoreError::db(e)
}

impl SqliteStore {
    /// Opens `path` (created when missing) and brings its schema up to date.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        let mut conn = Connection::open(path)
            .map_err(|e| StoreError::Database(format!("{}: {e}", path.display())))?;
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(db)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(db)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(db)?;
        conn.pragma_update(None, "foreign_keys", "ON").map_err(db)?;
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(db)?;
        tx.execute_batch(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)",
        )
        .map_err(db)?;
        for (version, sql) in MIGRATIONS {
            let done: Option<i64> = tx
                .query_row(
                    "SELECT version FROM schema_migrations WHERE version = ?1",
                    [version],
                    |r| r.get(0),
                )
                .optional()
                .map_err(db)?;
            if done.is_none() {
                tx.execute_batch(sql).map_err(db)?;
                tx.execute("INSERT INTO schema_migrations VALUES (?1)", [version])
                    .map_err(db)?;
            }
        }
        tx.commit().map_err(db)?;
        Ok(SqliteStore {
            conn: Mutex::new(conn),
            path: path.to_owned(),
        })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The columns of a `changes` row, in the order `change_row` reads them.
const CHANGE_COLUMNS: &str =
    "id, at, origin, set_name, kind, seq, from_seq, tool, reason, actor, why, source";

fn change_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(ChangeRecord, String)> {
    let kind: String = r.get(4)?;
    Ok((
        ChangeRecord {
            id: model::to_u64(r.get(0)?),
            at_ms: r.get(1)?,
            origin: r.get(2)?,
            set: r.get(3)?,
            kind: ChangeKind::Install,
            seq: r.get::<_, Option<i64>>(5)?.map(model::to_u64),
            from_seq: r.get::<_, Option<i64>>(6)?.map(model::to_u64),
            tool: r.get(7)?,
            reason: r.get(8)?,
            actor: r.get(9)?,
            why: r.get(10)?,
            source: r.get(11)?,
        },
        kind,
    ))
}

/// The columns of a version joined with its change, in the order `version_row` reads them.
const VERSION_QUERY: &str = "SELECT v.set_name, v.seq, v.content_id, v.label, v.namespace, \
     v.installed_at, v.action, v.rollback_to, v.tool_hashes, v.report, c.actor, c.why, c.source, \
     (l.seq = v.seq) FROM versions v JOIN changes c ON c.id = v.change_id \
     LEFT JOIN live l ON l.set_name = v.set_name";

fn version_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(VersionRecord, String, String)> {
    let hashes: String = r.get(8)?;
    let tools = serde_json::from_str::<Vec<String>>(&hashes).map_or(0, |h| h.len());
    let report: String = r.get(9)?;
    Ok((
        VersionRecord {
            set: r.get(0)?,
            seq: model::to_u64(r.get(1)?),
            content_id: r.get(2)?,
            label: r.get(3)?,
            namespace: r.get(4)?,
            installed_at_ms: r.get(5)?,
            action: ChangeKind::Install,
            rollback_to: r.get::<_, Option<i64>>(7)?.map(model::to_u64),
            tools,
            report: serde_json::from_str(&report).unwrap_or(serde_json::Value::Null),
            actor: r.get(10)?,
            why: r.get(11)?,
            source: r.get(12)?,
            live: r.get::<_, Option<bool>>(13)?.unwrap_or(false),
        },
        r.get(6)?,
        hashes,
    ))
}

fn finish_version(
    (mut record, action, _): (VersionRecord, String, String),
) -> Result<VersionRecord, StoreError> {
    record.action = ChangeKind::parse(&action)?;
    Ok(record)
}

impl Store for SqliteStore {
    fn append(&self, change: &NewChange<'_>) -> Result<u64, StoreError> {
        // Serialise outside the transaction: the writer lock is held for SQL only.
        let split = change
            .version
            .map(|v| model::split(v.manifest))
            .transpose()?;
        let mut conn = self.conn();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(db)?;
        let row: Option<(Option<i64>, i64)> = tx
            .query_row(
                "SELECT l.seq, (SELECT coalesce(max(seq), 0) FROM versions WHERE set_name = ?1) \
                 FROM live l WHERE l.set_name = ?1",
                [change.set],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(db)?;
        let (live, max_seq) =
            row.map_or((None, 0), |(l, m)| (l.map(model::to_u64), model::to_u64(m)));
        let pin: Option<(i64, String)> = tx
            .query_row(
                "SELECT seq, reason FROM pins WHERE set_name = ?1",
                [change.set],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(db)?;
        model::check(
            change,
            live,
            max_seq,
            pin.map(|(s, r)| (model::to_u64(s), r)),
        )?;

        let at = model::now_ms();
        let opt = |v: Option<u64>| v.map(model::to_i64);
        tx.execute(
            "INSERT INTO changes (at, origin, set_name, kind, seq, from_seq, tool, reason, actor, \
             why, source) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                at,
                change.origin,
                change.set,
                change.kind.as_str(),
                opt(change.seq),
                opt(change.from_seq),
                change.tool,
                change.reason,
                change.actor,
                change.why,
                change.source
            ],
        )
        .map_err(db)?;
        let id = tx.last_insert_rowid();
        match change.kind {
            ChangeKind::Install | ChangeKind::Replace | ChangeKind::Rollback => {
                let (Some(version), Some(split), Some(seq)) = (change.version, split, change.seq)
                else {
                    return Err(StoreError::Corrupt(format!(
                        "{} of `{}` without a version",
                        change.kind.as_str(),
                        change.set
                    )));
                };
                {
                    let mut put = tx
                        .prepare_cached("INSERT OR IGNORE INTO tools (hash, body) VALUES (?1, ?2)")
                        .map_err(db)?;
                    for (hash, body) in &split.tools {
                        put.execute(params![hash, body]).map_err(db)?;
                    }
                }
                let hashes: Vec<&str> = split.tools.iter().map(|(h, _)| h.as_str()).collect();
                tx.execute(
                    "INSERT INTO versions (set_name, seq, content_id, label, namespace, header, \
                     tool_hashes, installed_at, action, rollback_to, report, change_id) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                    params![
                        change.set,
                        model::to_i64(seq),
                        version.manifest.source_hash,
                        version.manifest.version,
                        version.namespace,
                        split.header,
                        serde_json::to_string(&hashes)
                            .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                        at,
                        change.kind.as_str(),
                        opt(version.rollback_to),
                        version.report.to_string(),
                        id
                    ],
                )
                .map_err(db)?;
                tx.execute(
                    "INSERT INTO live (set_name, seq) VALUES (?1, ?2) \
                     ON CONFLICT (set_name) DO UPDATE SET seq = excluded.seq",
                    params![change.set, model::to_i64(seq)],
                )
                .map_err(db)?;
            }
            ChangeKind::Remove => {
                tx.execute(
                    "UPDATE live SET seq = NULL WHERE set_name = ?1",
                    [change.set],
                )
                .map_err(db)?;
                tx.execute("DELETE FROM disabled WHERE set_name = ?1", [change.set])
                    .map_err(db)?;
            }
            ChangeKind::Disable => {
                tx.execute(
                    "INSERT INTO disabled (tool, set_name, reason) VALUES (?1, ?2, ?3) \
                     ON CONFLICT (tool) DO UPDATE SET set_name = excluded.set_name, \
                     reason = excluded.reason",
                    params![change.tool, change.set, change.reason.unwrap_or("")],
                )
                .map_err(db)?;
            }
            ChangeKind::Enable => {
                tx.execute("DELETE FROM disabled WHERE tool = ?1", [change.tool])
                    .map_err(db)?;
            }
            ChangeKind::Pin => {
                tx.execute(
                    "INSERT INTO pins (set_name, seq, reason) VALUES (?1, ?2, ?3) \
                     ON CONFLICT (set_name) DO UPDATE SET seq = excluded.seq, reason = excluded.reason",
                    params![change.set, opt(live).unwrap_or(0), change.reason.unwrap_or("")],
                )
                .map_err(db)?;
            }
            ChangeKind::Unpin => {
                tx.execute("DELETE FROM pins WHERE set_name = ?1", [change.set])
                    .map_err(db)?;
            }
        }
        tx.commit().map_err(db)?;
        Ok(model::to_u64(id))
    }

    fn changes_since(&self, after: u64) -> Result<Vec<ChangeRecord>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare_cached(&format!(
                "SELECT {CHANGE_COLUMNS} FROM changes WHERE id > ?1 ORDER BY id"
            ))
            .map_err(db)?;
        let rows = stmt
            .query_map([model::to_i64(after)], change_row)
            .map_err(db)?;
        rows.map(|r| {
            let (mut record, kind) = r.map_err(db)?;
            record.kind = ChangeKind::parse(&kind)?;
            Ok(record)
        })
        .collect()
    }

    fn state(&self) -> Result<State, StoreError> {
        let mut conn = self.conn();
        // One read transaction: the state and `last_change` agree.
        let tx = conn.transaction().map_err(db)?;
        let mut state = State::default();
        {
            let mut stmt = tx
                .prepare(
                    "SELECT l.set_name, l.seq, (SELECT coalesce(max(seq), 0) FROM versions v \
                     WHERE v.set_name = l.set_name) FROM live l ORDER BY l.set_name",
                )
                .map_err(db)?;
            let rows = stmt
                .query_map([], |r| {
                    Ok(LiveRow {
                        set: r.get(0)?,
                        seq: r.get::<_, Option<i64>>(1)?.map(model::to_u64),
                        max_seq: model::to_u64(r.get(2)?),
                    })
                })
                .map_err(db)?;
            state.sets = rows.collect::<Result<_, _>>().map_err(db)?;
            let mut stmt = tx
                .prepare("SELECT tool, set_name, reason FROM disabled ORDER BY tool")
                .map_err(db)?;
            let rows = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .map_err(db)?;
            state.disabled = rows.collect::<Result<_, _>>().map_err(db)?;
            let mut stmt = tx
                .prepare("SELECT set_name, seq, reason FROM pins ORDER BY set_name")
                .map_err(db)?;
            let rows = stmt
                .query_map([], |r| Ok((r.get(0)?, model::to_u64(r.get(1)?), r.get(2)?)))
                .map_err(db)?;
            state.pins = rows.collect::<Result<_, _>>().map_err(db)?;
            state.last_change = model::to_u64(
                tx.query_row("SELECT coalesce(max(id), 0) FROM changes", [], |r| r.get(0))
                    .map_err(db)?,
            );
        }
        tx.commit().map_err(db)?;
        Ok(state)
    }

    fn version(
        &self,
        set: &str,
        seq: u64,
    ) -> Result<Option<(VersionRecord, Manifest)>, StoreError> {
        let conn = self.conn();
        let found = conn
            .query_row(
                &format!("{VERSION_QUERY} WHERE v.set_name = ?1 AND v.seq = ?2"),
                params![set, model::to_i64(seq)],
                |r| {
                    let row = version_row(r)?;
                    Ok((row, r.get::<_, i64>(1)?))
                },
            )
            .optional()
            .map_err(db)?;
        let Some((row, _)) = found else {
            return Ok(None);
        };
        let header: String = conn
            .query_row(
                "SELECT header FROM versions WHERE set_name = ?1 AND seq = ?2",
                params![set, model::to_i64(seq)],
                |r| r.get(0),
            )
            .map_err(db)?;
        let hashes: Vec<String> = serde_json::from_str(&row.2)
            .map_err(|e| StoreError::Corrupt(format!("tool list of `{set}` #{seq}: {e}")))?;
        let mut get = conn
            .prepare_cached("SELECT body FROM tools WHERE hash = ?1")
            .map_err(db)?;
        let bodies = hashes
            .iter()
            .map(|h| get.query_row([h], |r| r.get::<_, String>(0)).map_err(db))
            .collect::<Result<Vec<_>, _>>()?;
        let manifest = model::assemble(&header, &bodies)?;
        Ok(Some((finish_version(row)?, manifest)))
    }

    fn versions(&self, set: Option<&str>) -> Result<Vec<VersionRecord>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare(&format!(
                "{VERSION_QUERY} WHERE ?1 IS NULL OR v.set_name = ?1 ORDER BY v.set_name, v.seq"
            ))
            .map_err(db)?;
        let rows = stmt.query_map([set], version_row).map_err(db)?;
        rows.map(|r| finish_version(r.map_err(db)?)).collect()
    }
}
