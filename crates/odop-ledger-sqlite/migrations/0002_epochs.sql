-- Every epoch this ledger served under, in order, with the first sequence number it could hand
-- out. A client naming an earlier epoch is known to hold this ledger's history up to that
-- epoch's end; one naming an epoch not here synced with a later copy (before a restore).
CREATE TABLE epochs (
    n         INTEGER PRIMARY KEY,
    epoch     TEXT NOT NULL UNIQUE,
    first_seq INTEGER NOT NULL
) STRICT;

-- The epoch in use when this table came began no later than the first change.
INSERT INTO epochs (epoch, first_seq) SELECT value, 1 FROM meta WHERE key = 'epoch';
