-- Sync with the central server.
--
-- A row's `version` now means the server version it was last synced at (0: never synced). Local
-- edits leave it alone and record it in the outbox as the version they were based on, which is
-- what the server compares a delete against. Versions written before this meant local edit
-- counts, which the server never saw, so they start again from "never synced".
UPDATE products SET version = 0;
UPDATE sellers SET version = 0;
UPDATE workshops SET version = 0;
UPDATE stories SET version = 0;
UPDATE gaps SET version = 0;
UPDATE actions SET version = 0;
UPDATE policies SET version = 0;
UPDATE outbox SET base_version = 0;

-- The conflicts an edit settles, as a JSON array of conflict ids; a resolution syncs as an edit.
ALTER TABLE outbox ADD COLUMN resolves TEXT;

-- Conflicts the server recorded on rows this desk reads, as the server describes them.
CREATE TABLE sync_conflicts (
    id     TEXT PRIMARY KEY,
    entity TEXT NOT NULL,
    row_id TEXT NOT NULL,
    field  TEXT NOT NULL,
    body   TEXT NOT NULL,
    open   INTEGER NOT NULL,
    -- This desk's push met the conflict: its `client` side is this desk's.
    ours   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sync_conflicts_by_row ON sync_conflicts (entity, row_id);

-- Writes the server refused, with its reason, until they are fixed and sent again or discarded.
CREATE TABLE sync_refusals (
    seq    INTEGER PRIMARY KEY,
    entity TEXT NOT NULL,
    row_id TEXT NOT NULL,
    op     TEXT NOT NULL,
    fields TEXT NOT NULL,
    code   TEXT NOT NULL,
    reason TEXT NOT NULL,
    at     TEXT NOT NULL
);
CREATE INDEX sync_refusals_by_row ON sync_refusals (entity, row_id);

-- Rows waiting in the outbox, by row, so a pull can tell which rows hold unpushed edits.
CREATE INDEX history_by_entity_row ON history (entity, row_id);
