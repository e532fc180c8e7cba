-- The GI registry's list of registered Geographical Indications: reference data, like the LGD
-- lists, loaded whole from a file, never synced, and read to check products' GI names against.
-- The registry repeats a few serial numbers, so the row's own id is the key.
CREATE TABLE gi_registry (
    id     INTEGER PRIMARY KEY,
    number INTEGER NOT NULL,
    name   TEXT NOT NULL,
    goods  TEXT NOT NULL
);

-- A GI may belong to several states (Basmati to seven); a state's GIs are read by state.
CREATE TABLE gi_registry_states (
    state INTEGER NOT NULL,
    gi    INTEGER NOT NULL REFERENCES gi_registry (id) ON DELETE CASCADE,
    PRIMARY KEY (state, gi)
) WITHOUT ROWID;
