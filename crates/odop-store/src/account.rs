//! The server account a desk syncs as, kept in the database so that its backups carry it.

use odop_domain::{EntityKind, StateCode};
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};

use crate::sync::{meta_get, meta_set, restart_sync_in, Resync};
use crate::{Store, StoreError, Takeover};

/// The account this database's changes go to the server as, as the server named it at login.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskAccount {
    pub name: String,
    /// The server's word for what the account may do (`central`, `state-editor`, ...).
    pub role: String,
    /// The LGD code of the state whose rows it works on; `None` for a central account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<u16>,
}

impl DeskAccount {
    /// Whether a desk syncing as `other` works on the same rows as this one. Names and roles
    /// may differ: two officers of one department share their state's records.
    pub fn same_scope(&self, other: &DeskAccount) -> bool {
        self.state == other.state
    }
}

const KEY: &str = "desk_account";

impl Store {
    /// The account this desk last logged in or synced as; `None` before either.
    pub fn account(&self) -> Result<Option<DeskAccount>, StoreError> {
        account_in(self.conn())
    }

    /// The state this desk works on: its account's, when it syncs as a state's; else the one
    /// state its records lie in, when they all lie in one. `None` for a central desk, and for
    /// a desk holding several states' records or none.
    pub fn desk_state(&self) -> Result<Option<StateCode>, StoreError> {
        if let Some(account) = account_in(self.conn())? {
            return Ok(account.state.map(StateCode));
        }
        // Each table's lowest and highest state, each found at one end of an index where the
        // table has one: reading every table's states walked the whole seller index.
        let mut only = None;
        for kind in EntityKind::ALL {
            let table = kind.table();
            let (low, high): (Option<u16>, Option<u16>) = self
                .conn()
                .prepare_cached(&format!(
                    "SELECT (SELECT min(state) FROM {table}), (SELECT max(state) FROM {table})"
                ))?
                .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            match (low, high) {
                (None, None) => {}
                (Some(low), Some(high)) if low == high && only.is_none_or(|s| s == low) => {
                    only = Some(low);
                }
                _ => return Ok(None),
            }
        }
        Ok(only.map(StateCode))
    }

    /// Remembers the account the desk syncs as from now on.
    pub fn set_account(&self, account: &DeskAccount) -> Result<(), StoreError> {
        set_account_in(self.conn(), account)
    }

    /// Makes `account` the one this desk syncs as, at a login or when a round finds its token
    /// is another account than the one noted. The server ties a client id
    /// to one account, so a desk handed to another account starts over with the server as a
    /// new client: it takes the server's rows as the new account reads them, and sends its
    /// waiting changes again under that account. Waiting changes made for another state than
    /// the new account's are refused (and nothing changes) unless `takeover` allows it: that
    /// account may not make them. A desk that synced before it noted its account starts over
    /// too, since it cannot tell. Returns whether the desk starts over.
    pub fn change_account(
        &mut self,
        account: &DeskAccount,
        takeover: Takeover,
    ) -> Result<bool, StoreError> {
        let before = account_in(&self.conn)?;
        if before.as_ref() == Some(account) {
            return Ok(false);
        }
        // A desk that synced without noting its account may have synced as another one.
        let handed_over = before.as_ref().is_none_or(|b| b.name != account.name);
        if let (Some(before), Takeover::Refuse) = (&before, takeover) {
            let waiting: i64 = self
                .conn
                .query_row("SELECT count(*) FROM outbox", [], |r| r.get(0))?;
            if !before.same_scope(account) && waiting > 0 {
                return Err(StoreError::OtherAccountsChanges {
                    waiting: waiting as u64,
                    desk: describe_in(&self.conn, before)?,
                    login: describe_in(&self.conn, account)?,
                });
            }
        }
        let synced = meta_get(&self.conn, "sync_client")?.is_some();
        let restart = handed_over && synced;
        // The restart first: cut short after it, the next login or round finds the old account
        // and starts over again, where the other order would leave the old client in place.
        if restart {
            restart_sync_in(&mut self.conn, None, Resync::Rewound)?;
        }
        set_account_in(&self.conn, account)?;
        Ok(restart)
    }

    /// Starts over with another server as `account`: a new client id, and a full comparison
    /// that sends that server every row it lacks, as after a server lost its data
    /// (`Resync::Restored`). A desk moved to another server takes its work along, and never
    /// drops rows only because that server has not got them. Returns whether the desk had
    /// synced, and so starts over.
    pub fn move_to_server(&mut self, account: &DeskAccount) -> Result<bool, StoreError> {
        let synced = self.has_synced()?;
        // The account first: cut short after it, the next round finds the account it expects
        // and no restart of its own, and the other server's unknown epoch or numbering makes
        // it compare everything as `Restored` all the same.
        set_account_in(&self.conn, account)?;
        if synced {
            restart_sync_in(&mut self.conn, None, Resync::Restored)?;
        }
        Ok(synced)
    }

    /// Whether this desk holds a history with a server: a client id, or a comparison due
    /// after starting over (which clears the id until the next round names a new one).
    pub fn has_synced(&self) -> Result<bool, StoreError> {
        Ok(meta_get(&self.conn, "sync_client")?.is_some()
            || meta_get(&self.conn, "sync_resync")?.is_some())
    }

    /// The account in words, with its state's name when this database knows it.
    pub fn describe_account(&self, account: &DeskAccount) -> Result<String, StoreError> {
        describe_in(self.conn(), account)
    }

    /// The name of the account's state in this database's LGD list.
    pub fn account_state_name(&self, account: &DeskAccount) -> Result<Option<String>, StoreError> {
        state_name_in(self.conn(), account)
    }
}

pub(crate) fn account_in(conn: &rusqlite::Connection) -> Result<Option<DeskAccount>, StoreError> {
    // A value this release cannot read is treated as unknown: the account is a guard, not data.
    Ok(meta_get(conn, KEY)?.and_then(|v| serde_json::from_str(&v).ok()))
}

pub(crate) fn set_account_in(
    conn: &rusqlite::Connection,
    account: &DeskAccount,
) -> Result<(), StoreError> {
    let text = serde_json::to_string(account).unwrap_or_default();
    meta_set(conn, KEY, &text)
}

pub(crate) fn describe_in(
    conn: &rusqlite::Connection,
    account: &DeskAccount,
) -> Result<String, StoreError> {
    Ok(match account.state {
        None => format!("every state (account {:?})", account.name),
        Some(code) => {
            let place = state_name_in(conn, account)?
                .map_or_else(|| format!("state {code}"), |n| format!("{n} ({code})"));
            format!("{place} (account {:?})", account.name)
        }
    })
}

/// The name of the account's state as this database's LGD list has it.
pub(crate) fn state_name_in(
    conn: &rusqlite::Connection,
    account: &DeskAccount,
) -> Result<Option<String>, StoreError> {
    let Some(code) = account.state else {
        return Ok(None);
    };
    Ok(conn
        .prepare_cached("SELECT name FROM states WHERE code = ?1")?
        .query_row([code], |r| r.get(0))
        .optional()?)
}
