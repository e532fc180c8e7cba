-- A central desk holds every state, and a state's dashboard and `odop history --state` show the
-- changes made in that one. Each entry keeps the state its record lay in when it was changed,
-- so a deleted record's changes stay with their state. The GI registry belongs to no state.
ALTER TABLE history ADD COLUMN state INTEGER;

-- A create holds the whole record, a delete the values it removed; places name their state.
UPDATE history SET state = CASE
    WHEN entity = 'state' THEN CAST(row_id AS INTEGER)
    WHEN entity = 'district'
        THEN (SELECT d.state FROM districts d WHERE d.code = CAST(history.row_id AS INTEGER))
    WHEN entity = 'gi_registry' THEN NULL
    WHEN op = 'create' THEN json_extract(fields, '$.state')
    WHEN op = 'delete' THEN json_extract(fields, '$.state.old')
END;

-- An update (or a delete that named no state): the state it moved the record to, else the
-- record's state as held, else the state of the row's latest entry that has one (its record
-- deleted since).
UPDATE history SET state = coalesce(
    json_extract(fields, '$.state.new'),
    CASE entity
        WHEN 'product' THEN (SELECT r.state FROM products r WHERE r.id = history.row_id)
        WHEN 'seller' THEN (SELECT r.state FROM sellers r WHERE r.id = history.row_id)
        WHEN 'workshop' THEN (SELECT r.state FROM workshops r WHERE r.id = history.row_id)
        WHEN 'story' THEN (SELECT r.state FROM stories r WHERE r.id = history.row_id)
        WHEN 'gap' THEN (SELECT r.state FROM gaps r WHERE r.id = history.row_id)
        WHEN 'action' THEN (SELECT r.state FROM actions r WHERE r.id = history.row_id)
        WHEN 'policy' THEN (SELECT r.state FROM policies r WHERE r.id = history.row_id)
    END,
    (SELECT h.state FROM history h
      WHERE h.row_id = history.row_id AND h.entity = history.entity AND h.state IS NOT NULL
      ORDER BY h.id DESC LIMIT 1)
)
WHERE state IS NULL AND op IN ('update', 'delete') AND entity <> 'gi_registry';
