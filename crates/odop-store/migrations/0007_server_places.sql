-- The server's LGD lists as this desk's last pull brought them, so that a form hears of a place
-- the server would refuse before the record is sent. Empty, with no 'server_places' tag in
-- meta, until a pull brings them; a tag of 'none' says the server has none loaded.
CREATE TABLE server_states (
    code INTEGER PRIMARY KEY
) WITHOUT ROWID;

CREATE TABLE server_districts (
    code INTEGER PRIMARY KEY,
    state INTEGER NOT NULL
) WITHOUT ROWID;
