-- openapi-tools store, schema 1 (SQLite). The PostgreSQL schema is the same tables and columns.

-- Tool descriptions by content: a version lists its tools by hash, so the versions of one API
-- share every tool that did not change.
CREATE TABLE tools (
    hash TEXT PRIMARY KEY,          -- sha256 of `body`
    body TEXT NOT NULL              -- one ToolManifest, JSON
);

-- Every installed version (installs, replacements and rollbacks each add one).
CREATE TABLE versions (
    set_name     TEXT NOT NULL,
    seq          INTEGER NOT NULL,  -- numbered per tool set from 1, as the registry numbers them
    content_id   TEXT NOT NULL,     -- content-derived id of the spec (Manifest::source_hash)
    label        TEXT NOT NULL,     -- info.version
    namespace    TEXT,              -- exported as {namespace}_{tool}
    header       TEXT NOT NULL,     -- the Manifest without its tools, JSON
    tool_hashes  TEXT NOT NULL,     -- JSON array of tools.hash, in manifest order
    installed_at INTEGER NOT NULL,  -- milliseconds since the Unix epoch
    action       TEXT NOT NULL,     -- install | replace | rollback
    rollback_to  INTEGER,           -- the restored seq, for rollbacks
    report       TEXT NOT NULL,     -- the change report of the swap, JSON
    change_id    INTEGER NOT NULL,  -- the changes.id that installed it
    PRIMARY KEY (set_name, seq)
);

-- The live version of each tool set (seq NULL: removed, history kept).
CREATE TABLE live (
    set_name TEXT PRIMARY KEY,
    seq      INTEGER
);

-- Tools switched off, by exported name.
CREATE TABLE disabled (
    tool     TEXT PRIMARY KEY,
    set_name TEXT NOT NULL,
    reason   TEXT NOT NULL
);

-- Tool sets pinned by an operator: sources may not replace them (rollbacks still may).
CREATE TABLE pins (
    set_name TEXT PRIMARY KEY,
    seq      INTEGER NOT NULL,
    reason   TEXT NOT NULL
);

-- The append-only audit log, and the order replicas apply changes in: ids are gapless and
-- assigned in commit order (one writer at a time).
CREATE TABLE changes (
    id       INTEGER PRIMARY KEY,
    at       INTEGER NOT NULL,      -- milliseconds since the Unix epoch
    origin   TEXT NOT NULL,         -- the process that made it
    set_name TEXT NOT NULL,
    kind     TEXT NOT NULL,         -- install | replace | rollback | remove | disable | enable | pin | unpin
    seq      INTEGER,               -- the version installed (install, replace, rollback)
    from_seq INTEGER,               -- the version it replaced
    tool     TEXT,                  -- disable, enable
    reason   TEXT,                  -- disable, pin
    actor    TEXT NOT NULL,         -- who
    why      TEXT NOT NULL,         -- why (free text, may be empty)
    source   TEXT NOT NULL          -- where the version came from (file, url, text, rollback, ...)
);
