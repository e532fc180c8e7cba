//! Offline-first sync of the local ODOP database with the central server.
//!
//! This crate owns the sync round (push the outbox in order, pull by cursor, recover when the
//! server no longer shares this desk's history), periodic sync with backoff, the saved server
//! settings, and turning the protocol's wire types into the store's own terms.
//!
//! It must not know SQL (the store applies each step in one transaction) or any user
//! interface; the app and the CLI call it and show what it reports.

mod desk;
mod error;
mod remote;
mod round;
mod schedule;
mod settings;

pub use desk::{login, overview, restore, set_interval, Login, Overview};
pub use error::SyncError;
pub use remote::{HttpRemote, Remote};
pub use round::{sync_once, GiExchange, Progress, Report};
pub use schedule::{next_wait, Schedule, Status};
pub use settings::Settings;

/// Stops the process here, as a power cut would, when `ODOP_CRASH_AT` names this point: the
/// crash tests use it to prove that no step loses or repeats an edit.
pub fn crash_point(name: &str) {
    if std::env::var("ODOP_CRASH_AT").is_ok_and(|at| at == name) {
        let _ = std::process::Command::new("kill")
            .args(["-KILL", &std::process::id().to_string()])
            .status();
        // SIGKILL cannot be caught; if `kill` itself failed, abort just as abruptly.
        std::process::abort();
    }
}
