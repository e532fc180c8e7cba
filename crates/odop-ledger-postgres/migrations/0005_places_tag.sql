-- The tag of the LGD lists (see Places::tag), written with them, so that a pull compares a
-- desk's copy with one small read. NULL for lists loaded before it: a pull then reads them.
ALTER TABLE ledger_meta ADD COLUMN places_tag text;
