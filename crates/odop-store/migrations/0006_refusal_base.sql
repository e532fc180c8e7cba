-- The version the server held when a refused write was made, so that a refused delete of a
-- record this desk no longer holds can be sent again on it. NULL for refusals kept before this
-- column.
ALTER TABLE sync_refusals ADD COLUMN base_version INTEGER;
