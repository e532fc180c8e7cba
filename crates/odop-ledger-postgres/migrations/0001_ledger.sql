-- The central ledger: accounts, the latest form of every synced row, and one change sequence.
--
-- Row fields, answers and conflicts are JSON kept as TEXT, not JSONB: JSONB refuses "\u0000"
-- inside strings and rewrites numbers, and a replayed answer must come back as it was given.
-- Timestamps are RFC 3339 text compared byte by byte (COLLATE "C"), whatever the database's
-- locale, so they sort as time does.

-- One row: the epoch (this database's identity), the head of the change sequence and the
-- horizon below which pruned deletions are gone. Writers take the next number by updating it,
-- which locks the row until they commit.
CREATE TABLE ledger_meta (
    only_row BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (only_row),
    epoch    TEXT NOT NULL,
    head     BIGINT NOT NULL CHECK (head >= 0),
    horizon  BIGINT NOT NULL CHECK (horizon >= 0)
);
INSERT INTO ledger_meta (epoch, head, horizon) VALUES (gen_random_uuid()::text, 0, 0);

CREATE TABLE accounts (
    name       TEXT PRIMARY KEY,
    role       TEXT NOT NULL CHECK (role IN ('central', 'state-editor', 'state-viewer')),
    state      INTEGER CHECK (state BETWEEN 0 AND 65535),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT COLLATE "C" NOT NULL,
    revoked_at TEXT COLLATE "C"
);

-- Each installation's place in its own mutation sequence.
CREATE TABLE clients (
    id       TEXT PRIMARY KEY,
    account  TEXT NOT NULL REFERENCES accounts (name),
    last_seq BIGINT NOT NULL
);

-- The answer given to each mutation, so a replay gets the same answer.
CREATE TABLE mutations (
    client  TEXT NOT NULL,
    seq     BIGINT NOT NULL,
    outcome TEXT NOT NULL,
    PRIMARY KEY (client, seq)
);

CREATE TABLE rows (
    kind    TEXT NOT NULL,
    id      TEXT NOT NULL,
    version BIGINT NOT NULL,
    state   INTEGER NOT NULL CHECK (state BETWEEN 0 AND 65535),
    fields  TEXT NOT NULL,
    deleted BOOLEAN NOT NULL,
    author  TEXT NOT NULL,
    at      TEXT COLLATE "C" NOT NULL,
    seq     BIGINT NOT NULL UNIQUE,
    PRIMARY KEY (kind, id)
);
CREATE INDEX rows_by_state ON rows (state, seq);

CREATE TABLE departures (
    kind  TEXT NOT NULL,
    id    TEXT NOT NULL,
    state INTEGER NOT NULL CHECK (state BETWEEN 0 AND 65535),
    seq   BIGINT NOT NULL,
    PRIMARY KEY (kind, id, state)
);
CREATE INDEX departures_by_state ON departures (state, seq);

CREATE TABLE conflicts (
    id    TEXT PRIMARY KEY,
    state INTEGER NOT NULL CHECK (state BETWEEN 0 AND 65535),
    body  TEXT NOT NULL,
    seq   BIGINT NOT NULL UNIQUE
);
CREATE INDEX conflicts_by_state ON conflicts (state, seq);

CREATE TABLE refusals (
    client  TEXT NOT NULL,
    seq     BIGINT NOT NULL,
    account TEXT NOT NULL,
    state   INTEGER CHECK (state BETWEEN 0 AND 65535),
    code    TEXT NOT NULL,
    reason  TEXT NOT NULL,
    at      TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (client, seq)
);
CREATE INDEX refusals_by_time ON refusals (at, seq);
