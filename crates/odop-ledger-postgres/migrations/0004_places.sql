-- The LGD places written rows are checked against; empty until an administrator loads them.
CREATE TABLE place_states (
    code INTEGER PRIMARY KEY CHECK (code BETWEEN 1 AND 65535)
);

CREATE TABLE place_districts (
    code  BIGINT PRIMARY KEY CHECK (code BETWEEN 1 AND 4294967295),
    state INTEGER NOT NULL REFERENCES place_states (code)
);
