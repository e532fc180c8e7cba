-- Two changes that make a large import write less, measured on 100,000 sellers.
--
-- Row ids are UUIDs, unique across every kind, so the index on `row_id` alone finds a row's
-- history entries as well as one on (entity, row_id) does. Keeping both made every change write
-- one more index entry (about 6 MB per 100,000 creates).
DROP INDEX history_by_entity_row;

-- A search index gathers the words of a transaction in memory and writes them out as a new
-- segment each time they pass `hashsize` (1 MiB by default), merging segments as they pile up. A
-- 100,000-row import wrote dozens of segments and merged them over and over; at 4 MiB it writes
-- a quarter as many. Small edits never reach either size, so only bulk writes change.
INSERT INTO products_fts (products_fts, rank) VALUES ('hashsize', 4194304);
INSERT INTO sellers_fts (sellers_fts, rank) VALUES ('hashsize', 4194304);
INSERT INTO stories_fts (stories_fts, rank) VALUES ('hashsize', 4194304);
INSERT INTO workshops_fts (workshops_fts, rank) VALUES ('hashsize', 4194304);
INSERT INTO gaps_fts (gaps_fts, rank) VALUES ('hashsize', 4194304);
