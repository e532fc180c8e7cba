-- A packaging drive's lists (who needs help with packaging, whose work is under way) and the
-- dashboard's counts of sellers by packaging status. The status sits inside each seller's
-- record; without a column and an index on it, each list and count read every record. The
-- state rides in the index so that one state's counts are ranges of it.
ALTER TABLE sellers ADD COLUMN packaging TEXT
    GENERATED ALWAYS AS (json_extract(body, '$.packaging')) VIRTUAL;
CREATE INDEX sellers_by_packaging ON sellers (packaging, state, name);
