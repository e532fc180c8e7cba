-- The GI registry a central account sent, kept whole as JSON beside its tag (see gi_tag), so a
-- pull compares a desk's copy with one small read and reads the entries only to send them.
ALTER TABLE ledger_meta ADD COLUMN gi_tag text;
ALTER TABLE ledger_meta ADD COLUMN gi_registry text;
