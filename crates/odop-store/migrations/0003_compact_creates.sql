-- A create's history entry holds the new record's fields as they are, the same text as its body,
-- instead of wrapping every value as {"new": value, "old": null}: the old side of a create is
-- always empty, and the wrappers made a bulk import's history larger than the records it wrote.
-- Readers put the wrappers back, so what the store answers is unchanged.
--
-- Only records' entries are rewritten: the LGD places already wrote their names unwrapped.
UPDATE history
SET fields = (
    SELECT json_group_object(key, json(value -> '$.new')) FROM json_each(history.fields)
)
WHERE op = 'create'
  AND entity IN ('product', 'seller', 'workshop', 'story', 'gap', 'action', 'policy');

-- A refused create keeps a copy of its history entry's fields.
UPDATE sync_refusals
SET fields = (
    SELECT json_group_object(key, json(value -> '$.new')) FROM json_each(sync_refusals.fields)
)
WHERE op = 'create';
