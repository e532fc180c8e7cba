-- Every epoch this ledger served under, in order, with the first sequence number it could hand
-- out. A client naming an earlier epoch is known to hold this ledger's history up to that
-- epoch's end; one naming an epoch not here synced with a later copy (before a restore).
CREATE TABLE ledger_epochs (
    n         BIGSERIAL PRIMARY KEY,
    epoch     TEXT NOT NULL UNIQUE,
    first_seq BIGINT NOT NULL CHECK (first_seq >= 1)
);

-- The epoch in use when this table came began no later than the first change.
INSERT INTO ledger_epochs (epoch, first_seq) SELECT epoch, 1 FROM ledger_meta;
