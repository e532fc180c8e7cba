-- What each live row names, field by field, so that a delete or a move of a named record finds
-- the rows naming it by index instead of reading every row of their kinds. The server fills it
-- from the rows already held in the same transaction as this script.
CREATE TABLE names (
    target TEXT NOT NULL,
    kind   TEXT NOT NULL,
    field  TEXT NOT NULL,
    id     TEXT NOT NULL,
    state  INTEGER NOT NULL,
    PRIMARY KEY (target, kind, field, id)
);
CREATE INDEX names_by_row ON names (kind, id);
