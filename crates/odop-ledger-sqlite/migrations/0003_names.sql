-- Rows get an integer key of their own, which VACUUM keeps (it may renumber a bare rowid), so
-- that the table of names below can point at rows by number.
CREATE TABLE rows_keyed (
    n       INTEGER PRIMARY KEY,
    kind    TEXT NOT NULL,
    id      TEXT NOT NULL,
    version INTEGER NOT NULL,
    state   INTEGER NOT NULL,
    fields  TEXT NOT NULL,
    deleted INTEGER NOT NULL,
    author  TEXT NOT NULL,
    at      TEXT NOT NULL,
    seq     INTEGER NOT NULL UNIQUE,
    UNIQUE (kind, id)
) STRICT;
INSERT INTO rows_keyed (n, kind, id, version, state, fields, deleted, author, at, seq)
    SELECT rowid, kind, id, version, state, fields, deleted, author, at, seq FROM rows;
DROP TABLE rows;
ALTER TABLE rows_keyed RENAME TO rows;
CREATE INDEX rows_by_state ON rows (state, seq);

-- What each live row names, field by field, as the keys of the named row (`target`) and of the
-- row naming it (`row`), so that a delete or a move of a record finds the rows naming it by
-- index. Numbers, not ids, keep the entries small: targets come in no order, and a small index
-- stays in memory while a push writes all over it. The server fills it from the rows already
-- held in the same transaction as this script.
CREATE TABLE names (
    target INTEGER NOT NULL,
    field  TEXT NOT NULL,
    row    INTEGER NOT NULL,
    PRIMARY KEY (target, field, row)
) STRICT, WITHOUT ROWID;
CREATE INDEX names_by_row ON names (row);
