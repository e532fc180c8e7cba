-- Master data from the Local Government Directory. Names are kept as LGD writes them.
CREATE TABLE states (
    code       INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    local_name TEXT,
    kind       TEXT NOT NULL CHECK (kind IN ('state', 'ut')),
    aliases    TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(aliases))
);

CREATE TABLE districts (
    code    INTEGER PRIMARY KEY,
    state   INTEGER NOT NULL REFERENCES states (code),
    name    TEXT NOT NULL,
    aliases TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(aliases))
);
CREATE INDEX districts_by_state ON districts (state);

-- The sector list is data so that a department can add a sector without a new release.
CREATE TABLE sectors (
    slug     TEXT PRIMARY KEY,
    label    TEXT NOT NULL,
    aliases  TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(aliases)),
    position INTEGER NOT NULL
);
INSERT INTO sectors (slug, label, aliases, position) VALUES
    ('agriculture', 'Agriculture', '["agri","horticulture"]', 1),
    ('handicraft', 'Handicraft', '["handicrafts","crafts"]', 2),
    ('handloom', 'Handloom', '["handlooms"]', 3),
    ('textile', 'Textile', '["textiles"]', 4),
    ('food-processing', 'Food Processing', '["food processing industries"]', 5),
    ('marine', 'Marine', '["fisheries","marine products"]', 6),
    ('manufacturing', 'Manufacturing', '["manufactured"]', 7),
    ('dairy', 'Dairy', '["dairying"]', 8),
    ('services', 'Services', '["service","tourism"]', 9),
    ('others', 'Others', '["other"]', 10);

-- Every edited record is stored whole as JSON (the domain's serde form), with the fields that
-- queries filter on exposed as generated columns so they can be indexed.
CREATE TABLE products (
    id         TEXT PRIMARY KEY,
    body       TEXT NOT NULL CHECK (json_valid(body)),
    version    INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL,
    state      INTEGER GENERATED ALWAYS AS (json_extract(body, '$.state')) VIRTUAL,
    district   INTEGER GENERATED ALWAYS AS (json_extract(body, '$.district')) VIRTUAL,
    rank       TEXT GENERATED ALWAYS AS (json_extract(body, '$.rank')) VIRTUAL,
    sector     TEXT GENERATED ALWAYS AS (json_extract(body, '$.sector')) VIRTUAL,
    name       TEXT GENERATED ALWAYS AS (json_extract(body, '$.name')) VIRTUAL,
    gi         INTEGER GENERATED ALWAYS AS (json_extract(body, '$.gi.registered')) VIRTUAL
);
CREATE INDEX products_by_district ON products (district, rank);
CREATE INDEX products_by_sector ON products (sector);

CREATE TABLE sellers (
    id         TEXT PRIMARY KEY,
    body       TEXT NOT NULL CHECK (json_valid(body)),
    version    INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL,
    state      INTEGER GENERATED ALWAYS AS (json_extract(body, '$.state')) VIRTUAL,
    district   INTEGER GENERATED ALWAYS AS (json_extract(body, '$.district')) VIRTUAL,
    kind       TEXT GENERATED ALWAYS AS (json_extract(body, '$.kind')) VIRTUAL,
    name       TEXT GENERATED ALWAYS AS (json_extract(body, '$.name')) VIRTUAL
);
CREATE INDEX sellers_by_district ON sellers (district);
CREATE INDEX sellers_by_name ON sellers (name);

CREATE TABLE workshops (
    id         TEXT PRIMARY KEY,
    body       TEXT NOT NULL CHECK (json_valid(body)),
    version    INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL,
    state      INTEGER GENERATED ALWAYS AS (json_extract(body, '$.state')) VIRTUAL,
    district   INTEGER GENERATED ALWAYS AS (json_extract(body, '$.district')) VIRTUAL,
    date       TEXT GENERATED ALWAYS AS (json_extract(body, '$.date')) VIRTUAL
);
CREATE INDEX workshops_by_date ON workshops (date);

CREATE TABLE stories (
    id         TEXT PRIMARY KEY,
    body       TEXT NOT NULL CHECK (json_valid(body)),
    version    INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL,
    state      INTEGER GENERATED ALWAYS AS (json_extract(body, '$.state')) VIRTUAL,
    district   INTEGER GENERATED ALWAYS AS (json_extract(body, '$.district')) VIRTUAL,
    product    TEXT GENERATED ALWAYS AS (json_extract(body, '$.product')) VIRTUAL,
    seller     TEXT GENERATED ALWAYS AS (json_extract(body, '$.seller')) VIRTUAL
);
CREATE INDEX stories_by_product ON stories (product);
CREATE INDEX stories_by_seller ON stories (seller);

CREATE TABLE gaps (
    id         TEXT PRIMARY KEY,
    body       TEXT NOT NULL CHECK (json_valid(body)),
    version    INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL,
    state      INTEGER GENERATED ALWAYS AS (json_extract(body, '$.state')) VIRTUAL,
    district   INTEGER GENERATED ALWAYS AS (json_extract(body, '$.district')) VIRTUAL,
    kind       TEXT GENERATED ALWAYS AS (json_extract(body, '$.kind')) VIRTUAL,
    open       INTEGER GENERATED ALWAYS AS (json_extract(body, '$.open')) VIRTUAL,
    workshop   TEXT GENERATED ALWAYS AS (json_extract(body, '$.workshop')) VIRTUAL
);
CREATE INDEX gaps_by_kind ON gaps (open, kind);

CREATE TABLE actions (
    id         TEXT PRIMARY KEY,
    body       TEXT NOT NULL CHECK (json_valid(body)),
    version    INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL,
    state      INTEGER GENERATED ALWAYS AS (json_extract(body, '$.state')) VIRTUAL,
    gap        TEXT GENERATED ALWAYS AS (json_extract(body, '$.gap')) VIRTUAL,
    status     TEXT GENERATED ALWAYS AS (json_extract(body, '$.status')) VIRTUAL
);
CREATE INDEX actions_by_gap ON actions (gap);

CREATE TABLE policies (
    id         TEXT PRIMARY KEY,
    body       TEXT NOT NULL CHECK (json_valid(body)),
    version    INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL,
    state      INTEGER GENERATED ALWAYS AS (json_extract(body, '$.state')) VIRTUAL
);

-- Who changed what and when, kept for good. Only the store writes this table, always with JSON
-- it has just serialised, so it carries no json_valid check (on a bulk import that check alone
-- cost a tenth of the time).
CREATE TABLE history (
    id      INTEGER PRIMARY KEY,
    at      TEXT NOT NULL,
    who     TEXT NOT NULL,
    entity  TEXT NOT NULL,
    row_id  TEXT NOT NULL,
    op      TEXT NOT NULL CHECK (op IN ('create', 'update', 'delete')),
    title   TEXT NOT NULL,
    fields  TEXT NOT NULL
);
CREATE INDEX history_by_row ON history (row_id);

-- Changes waiting to be pushed, in the order they were made: each names its history entry, which
-- holds the change, so a change is stored once. `seq` is dense: it continues from the counter in
-- `meta` (outbox_seq), and entries leave only from the front once pushed.
CREATE TABLE outbox (
    seq          INTEGER PRIMARY KEY,
    history_id   INTEGER NOT NULL UNIQUE REFERENCES history (id),
    base_version INTEGER NOT NULL
);

-- A search index per searchable kind, keyed by the record's rowid so that an edit replaces its
-- entry in O(log n). Marks (M*) are token characters so that Indian scripts, whose vowel signs and
-- viramas are marks, are not cut apart inside a word.
CREATE VIRTUAL TABLE products_fts USING fts5 (
    title, body,
    tokenize = "unicode61 remove_diacritics 2 categories 'L* N* Co M*'", prefix = '2 3'
);
CREATE VIRTUAL TABLE sellers_fts USING fts5 (
    title, body,
    tokenize = "unicode61 remove_diacritics 2 categories 'L* N* Co M*'", prefix = '2 3'
);
CREATE VIRTUAL TABLE stories_fts USING fts5 (
    title, body,
    tokenize = "unicode61 remove_diacritics 2 categories 'L* N* Co M*'", prefix = '2 3'
);
CREATE VIRTUAL TABLE workshops_fts USING fts5 (
    title, body,
    tokenize = "unicode61 remove_diacritics 2 categories 'L* N* Co M*'", prefix = '2 3'
);
CREATE VIRTUAL TABLE gaps_fts USING fts5 (
    title, body,
    tokenize = "unicode61 remove_diacritics 2 categories 'L* N* Co M*'", prefix = '2 3'
);

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
