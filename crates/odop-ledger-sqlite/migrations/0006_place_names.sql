-- The names of the LGD places, so that a desk that only synced can name every place of its
-- rows. NULL for places loaded before names were kept.
ALTER TABLE place_states ADD COLUMN name TEXT;
ALTER TABLE place_states ADD COLUMN ut INTEGER NOT NULL DEFAULT 0 CHECK (ut IN (0, 1));
ALTER TABLE place_districts ADD COLUMN name TEXT;
