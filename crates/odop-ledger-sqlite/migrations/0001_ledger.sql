-- The central ledger: accounts, the latest form of every synced row, and one change sequence.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE accounts (
    name       TEXT PRIMARY KEY,
    role       TEXT NOT NULL CHECK (role IN ('central', 'state-editor', 'state-viewer')),
    state      INTEGER,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
) STRICT;

-- Each installation's place in its own mutation sequence.
CREATE TABLE clients (
    id       TEXT PRIMARY KEY,
    account  TEXT NOT NULL REFERENCES accounts (name),
    last_seq INTEGER NOT NULL
) STRICT;

-- The answer given to each mutation, so a replay gets the same answer.
CREATE TABLE mutations (
    client  TEXT NOT NULL,
    seq     INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    PRIMARY KEY (client, seq)
) STRICT, WITHOUT ROWID;

CREATE TABLE rows (
    kind    TEXT NOT NULL,
    id      TEXT NOT NULL,
    version INTEGER NOT NULL,
    state   INTEGER NOT NULL,
    fields  TEXT NOT NULL,
    deleted INTEGER NOT NULL,
    author  TEXT NOT NULL,
    at      TEXT NOT NULL,
    seq     INTEGER NOT NULL UNIQUE,
    PRIMARY KEY (kind, id)
) STRICT;
CREATE INDEX rows_by_state ON rows (state, seq);

CREATE TABLE departures (
    kind  TEXT NOT NULL,
    id    TEXT NOT NULL,
    state INTEGER NOT NULL,
    seq   INTEGER NOT NULL,
    PRIMARY KEY (kind, id, state)
) STRICT;
CREATE INDEX departures_by_state ON departures (state, seq);

CREATE TABLE conflicts (
    id     TEXT PRIMARY KEY,
    state  INTEGER NOT NULL,
    body   TEXT NOT NULL,
    seq    INTEGER NOT NULL UNIQUE
) STRICT;
CREATE INDEX conflicts_by_state ON conflicts (state, seq);

CREATE TABLE refusals (
    client  TEXT NOT NULL,
    seq     INTEGER NOT NULL,
    account TEXT NOT NULL,
    state   INTEGER,
    code    TEXT NOT NULL,
    reason  TEXT NOT NULL,
    at      TEXT NOT NULL,
    PRIMARY KEY (client, seq)
) STRICT;

INSERT INTO meta (key, value) VALUES ('head', '0'), ('horizon', '0');
