-- The values a refusal's reason names (the record's state and the account's, or the field and
-- the rule it broke), as the server sent them, so the desk can say the reason in its language.
-- NULL for refusals kept before this column, and from servers that send no detail.
ALTER TABLE sync_refusals ADD COLUMN detail TEXT CHECK (detail IS NULL OR json_valid(detail));
