use odop_domain::Places;
use rusqlite::{params, Connection};

use crate::sync::{meta_get, meta_set};
use crate::{Store, StoreError};

/// What this desk knows of the server's LGD lists.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ServerPlaces {
    /// The tag of the copy held; `None` before any pull brought one.
    pub tag: Option<String>,
    pub states: usize,
    pub districts: usize,
}

impl Store {
    /// The tag of the server's lists this desk holds, to name in its next pull.
    pub fn server_places_tag(&self) -> Result<Option<String>, StoreError> {
        meta_get(self.conn(), "server_places")
    }

    /// Keeps the lists a pull brought, in place of the copy held, in one transaction. Writes
    /// made before stay as they are: the server judges those when they are sent.
    pub fn keep_server_places(&mut self, tag: &str, places: &Places) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute_batch("DELETE FROM server_districts; DELETE FROM server_states;")?;
        {
            let mut state = tx.prepare("INSERT INTO server_states (code) VALUES (?1)")?;
            for code in &places.states {
                state.execute([code])?;
            }
            let mut district =
                tx.prepare("INSERT INTO server_districts (code, state) VALUES (?1, ?2)")?;
            for (code, state) in &places.districts {
                district.execute(params![code, state])?;
            }
        }
        meta_set(&tx, "server_places", tag)?;
        tx.commit()?;
        Ok(())
    }

    /// How much of the server's lists this desk holds. Counted, not read: every sync overview
    /// asks, and the app's status line asks every few seconds.
    pub fn server_places(&self) -> Result<ServerPlaces, StoreError> {
        let (states, districts): (i64, i64) = self.conn().query_row(
            "SELECT (SELECT count(*) FROM server_states), (SELECT count(*) FROM server_districts)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(ServerPlaces {
            tag: self.server_places_tag()?,
            states: usize::try_from(states).unwrap_or_default(),
            districts: usize::try_from(districts).unwrap_or_default(),
        })
    }
}

/// The copy of the server's lists this desk holds; empty (checking nothing) when it holds none.
pub(crate) fn read(conn: &Connection) -> Result<Places, StoreError> {
    let mut places = Places::default();
    let mut states = conn.prepare_cached("SELECT code FROM server_states")?;
    for code in states.query_map([], |r| r.get(0))? {
        places.states.insert(code?);
    }
    let mut districts = conn.prepare_cached("SELECT code, state FROM server_districts")?;
    for row in districts.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))? {
        let (code, state) = row?;
        places.districts.insert(code, state);
    }
    Ok(places)
}
