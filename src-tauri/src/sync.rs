//! Thin adapters from the web UI to sync: each command takes its arguments, calls one core
//! function and maps the error. The periodic sync runs on Tauri's async runtime.

// Tauri hands a command its `State` and arguments by value.
#![allow(clippy::needless_pass_by_value)]

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use odop_store::{ConflictView, RefusedWrite, Resolution, Restored, SyncState, Takeover};
use odop_sync::{HttpRemote, Login, Overview, Schedule, Settings};
use serde_json::Value;
use tauri::{AppHandle, State};

use crate::commands::{lock, CommandError, Shared};

/// Who the app records as the author of a settled conflict.
const WHO: &str = "odop-desk";

/// The desk's place for sync: where its files are, and the periodic sync when logged in.
#[derive(Debug)]
pub struct SyncDesk {
    data_dir: PathBuf,
    schedule: Mutex<Option<Schedule>>,
}

impl SyncDesk {
    pub fn new(data_dir: PathBuf) -> SyncDesk {
        SyncDesk {
            data_dir,
            schedule: Mutex::new(None),
        }
    }

    fn slot(&self) -> std::sync::MutexGuard<'_, Option<Schedule>> {
        self.schedule
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Stops the periodic sync and waits until no round of it runs.
    async fn pause(&self) {
        let running = self.slot().take();
        if let Some(schedule) = running {
            schedule.stopped().await;
        }
    }

    /// (Re)starts the periodic sync from the saved settings; must run on the async runtime.
    pub fn restart(&self) -> Result<(), CommandError> {
        if let Some(old) = self.slot().take() {
            old.stop();
        }
        let Some(settings) = Settings::load(&self.data_dir)? else {
            return Ok(());
        };
        let remote = Arc::new(HttpRemote::new(&settings.server, &settings.token)?);
        let schedule = Schedule::start(
            self.data_dir.join(odop_store::DB_FILE),
            remote,
            WHO.to_owned(),
            Duration::from_secs(u64::from(settings.interval_minutes) * 60),
        );
        // A round's own connection fills its page cache (a first sync pulls every row) and
        // frees it on closing, into glibc's arenas: give it back as each round ends, as after
        // an import.
        let mut follower = schedule.follow();
        tauri::async_runtime::spawn(async move {
            let mut seen = 0;
            while follower.changed().await.is_ok() {
                let rounds = follower.borrow_and_update().rounds;
                if rounds > seen {
                    seen = rounds;
                    crate::give_back_memory();
                }
            }
        });
        // A desk that has been offline syncs as soon as it opens.
        schedule.sync_now();
        *self.slot() = Some(schedule);
        Ok(())
    }
}

type Desk<'a> = State<'a, SyncDesk>;

/// Where this desk stands with the server, for the header and the sync screen.
#[tauri::command(async)]
pub fn sync_overview(store: Shared<'_>, desk: Desk<'_>) -> Result<Overview, CommandError> {
    let live = desk.slot().as_ref().map(Schedule::status);
    Ok(odop_sync::overview(&desk.data_dir, &lock(store), live)?)
}

/// Checks the token with the server, remembers it and starts syncing, with the periodic
/// sync paused meanwhile: a desk handed to another account starts over as a new client.
#[tauri::command]
pub async fn sync_login(
    desk: Desk<'_>,
    server: String,
    token: String,
    take_over: bool,
) -> Result<Login, CommandError> {
    let db = desk.data_dir.join(odop_store::DB_FILE);
    desk.pause().await;
    let who = odop_sync::login(
        &desk.data_dir,
        &db,
        &server,
        &token,
        Takeover::when(take_over),
    )
    .await;
    desk.restart()?;
    Ok(who?)
}

/// Syncs now (or right after the round that is running).
#[tauri::command]
pub async fn sync_now(desk: Desk<'_>) -> Result<(), CommandError> {
    match desk.slot().as_ref() {
        Some(schedule) => {
            schedule.sync_now();
            Ok(())
        }
        None => Err(odop_sync::SyncError::NotLoggedIn.into()),
    }
}

/// Changes the minutes between syncs.
#[tauri::command]
pub async fn sync_set_interval(desk: Desk<'_>, minutes: u32) -> Result<(), CommandError> {
    odop_sync::set_interval(&desk.data_dir, minutes)?;
    desk.restart()
}

/// Open conflicts, newest first.
#[tauri::command(async)]
pub fn sync_conflicts(store: Shared<'_>) -> Result<Vec<ConflictView>, CommandError> {
    Ok(lock(store).conflicts(false)?)
}

/// Settles a conflict: `mine`, `theirs`, or `value` with the merged value.
#[tauri::command(async)]
pub fn sync_resolve(
    store: Shared<'_>,
    id: String,
    choice: String,
    value: Option<Value>,
) -> Result<(), CommandError> {
    let resolution = match (choice.as_str(), value) {
        ("mine", _) => Resolution::Mine,
        ("theirs", _) => Resolution::Theirs,
        ("value", Some(v)) => Resolution::Value(v),
        _ => {
            return Err(CommandError::bad_argument(
                "choice",
                "mine, theirs or value with a value",
            ))
        }
    };
    Ok(lock(store).resolve(WHO, &id, &resolution)?)
}

/// Writes the server refused, with its reasons.
#[tauri::command(async)]
pub fn sync_refusals(store: Shared<'_>) -> Result<Vec<RefusedWrite>, CommandError> {
    Ok(lock(store).refusals()?)
}

/// Sends a refused write again at the next sync.
#[tauri::command(async)]
pub fn sync_resend(store: Shared<'_>, seq: i64) -> Result<(), CommandError> {
    Ok(lock(store).resend_refusal(WHO, seq)?)
}

/// Gives up a refused write.
#[tauri::command(async)]
pub fn sync_discard(store: Shared<'_>, seq: i64) -> Result<(), CommandError> {
    Ok(lock(store).discard_refusal(seq)?)
}

/// Where one record stands with the server.
#[tauri::command(async)]
pub fn sync_state(store: Shared<'_>, kind: String, id: String) -> Result<SyncState, CommandError> {
    let kind = kind.parse()?;
    Ok(lock(store).sync_state(kind, &id)?)
}

/// Replaces the database with a backup, with the periodic sync paused meanwhile. Another
/// state's backup is taken only when the person has seen whose it is and said so.
#[tauri::command]
pub async fn backup_restore(
    app: AppHandle,
    store: Shared<'_>,
    desk: Desk<'_>,
    path: PathBuf,
    take_over: bool,
) -> Result<Restored, CommandError> {
    let path = crate::desktop::typed(&app, &path);
    desk.pause().await;
    let restored = odop_sync::restore(&mut lock(store), &path, Takeover::when(take_over));
    desk.restart()?;
    Ok(restored?)
}
