//! What a desk's front ends (the app and the CLI) ask of sync, each as one call.

use std::path::Path;

use odop_protocol::Identity;
use odop_store::{
    DeskAccount, GiHeld, Restored, ServerPlaces, Store, SyncCounts, SyncPoint, Takeover,
};
use serde::Serialize;

use crate::{HttpRemote, Remote, Report, Settings, Status, SyncError};

/// Checks the token with the server and remembers both, keeping the sync interval. The
/// database at `db` notes the account, so that its backups say whose work they hold; a desk
/// handed to another account starts over with the server as that account (see
/// [`Store::change_account`], which also says when `takeover` is needed). A desk that synced
/// with another server moves there only with `takeover`, and then sends that server what it
/// lacks ([`Store::move_to_server`]). No sync of the database may run meanwhile
/// (`SyncRunning`); the app stops its own first.
pub async fn login(
    data_dir: &Path,
    db: &Path,
    server: &str,
    token: &str,
    takeover: Takeover,
) -> Result<Login, SyncError> {
    let remote = HttpRemote::new(server, token)?;
    let who = remote.whoami().await?;
    let saved = Settings::load(data_dir)?;
    let _lock = unsynced(db, "log in")?;
    let mut store = Store::open(db)?;
    let synced = store.has_synced()?;
    let moved = saved
        .as_ref()
        .filter(|s| synced && s.server != remote.base());
    let starts_over = match (moved, takeover) {
        (Some(before), Takeover::Refuse) => {
            return Err(SyncError::OtherServer {
                before: before.server.clone(),
                now: remote.base().to_owned(),
            })
        }
        (Some(_), Takeover::Allow) => store.move_to_server(&account_of(&who))?,
        (None, _) => store.change_account(&account_of(&who), takeover)?,
    };
    drop(store);
    let interval = saved.map_or(15, |s| s.interval_minutes);
    Settings {
        server: remote.base().to_owned(),
        token: token.trim().to_owned(),
        interval_minutes: interval,
    }
    .save(data_dir)?;
    Ok(Login { who, starts_over })
}

/// What a login found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Login {
    #[serde(flatten)]
    pub who: Identity,
    /// The desk was another account's: its next round compares everything with the server as
    /// a new client.
    pub starts_over: bool,
}

/// Holds the database's sync lock for something no round may run beside.
fn unsynced(db: &Path, doing: &'static str) -> Result<crate::round::Lock, SyncError> {
    crate::round::lock(db).map_err(|e| match e {
        SyncError::Busy => SyncError::SyncRunning { doing },
        other => other,
    })
}

/// The account as the store keeps it.
pub(crate) fn account_of(who: &Identity) -> DeskAccount {
    DeskAccount {
        name: who.name.clone(),
        role: who.role.as_str().to_owned(),
        state: who.state,
    }
}

/// Puts the backup at `from` in place of the database `store` has open, while no sync of it
/// runs in any process: a round that went on would settle its answers against the backup's
/// changes. (`SyncRunning` when one runs; the app stops its own first.) A backup of
/// another state's desk is refused unless `takeover` allows it. A store in memory has no file
/// and no lock, and the store refuses it.
pub fn restore(store: &mut Store, from: &Path, takeover: Takeover) -> Result<Restored, SyncError> {
    let _lock = store
        .file()
        .map(|db| unsynced(&db, "restore"))
        .transpose()?;
    Ok(store.restore(from, takeover)?)
}

/// Changes the minutes between periodic syncs (1 to 1440).
pub fn set_interval(data_dir: &Path, minutes: u32) -> Result<Settings, SyncError> {
    let Some(mut settings) = Settings::load(data_dir)? else {
        return Err(SyncError::NotLoggedIn);
    };
    if !(1..=1440).contains(&minutes) {
        return Err(SyncError::BadSetting {
            name: "interval",
            reason: format!("the interval must be 1 to 1440 minutes, not {minutes}"),
        });
    }
    settings.interval_minutes = minutes;
    settings.save(data_dir)?;
    Ok(settings)
}

/// Everything a status line or a sync screen shows, in one value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Overview {
    /// The server, when logged in (never the token).
    pub server: Option<String>,
    pub interval_minutes: Option<u32>,
    pub point: SyncPoint,
    pub counts: SyncCounts,
    /// The account this desk syncs as, with its state, once it has logged in or synced.
    pub account: Option<DeskAccount>,
    /// The name of its state in this desk's LGD list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_state: Option<String>,
    /// The copy of the server's LGD lists this desk checks places against.
    pub server_places: ServerPlaces,
    /// The GI registry this desk holds, and whether it waits to be sent or was refused.
    pub gi: GiHeld,
    /// The last finished round, from this process or an earlier one.
    pub last: Option<Report>,
    /// The periodic sync's live state, when one runs in this process.
    pub live: Option<Status>,
}

/// Where this desk stands with the server.
pub fn overview(
    data_dir: &Path,
    store: &Store,
    live: Option<Status>,
) -> Result<Overview, SyncError> {
    let settings = Settings::load(data_dir)?;
    let stored: Option<Report> = store
        .sync_report()?
        .and_then(|r| serde_json::from_str(&r).ok());
    let last = live
        .as_ref()
        .and_then(|s| s.last.clone())
        .filter(|r| !r.finished.is_empty())
        .or(stored);
    let account = store.account()?;
    let account_state = match &account {
        Some(a) => store.account_state_name(a)?,
        None => None,
    };
    Ok(Overview {
        account_state,
        account,
        server: settings.as_ref().map(|s| s.server.clone()),
        interval_minutes: settings.as_ref().map(|s| s.interval_minutes),
        point: store.sync_point()?,
        counts: store.sync_counts()?,
        server_places: store.server_places()?,
        gi: store.gi_held()?,
        last,
        live,
    })
}
