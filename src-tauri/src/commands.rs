//! Thin adapters from the web UI to `odop_store`: each command calls one
//! store function and turns its error into `{ code, message }`.
//!
//! The commands are `async` so that Tauri runs them off the main thread and
//! a slow store call (loading the sample) does not freeze the window.

// Tauri hands a command its `State` by value.
#![allow(clippy::needless_pass_by_value)]

use std::sync::{Mutex, MutexGuard};

use odop_store::{DistrictSummary, Store, StoreError};
use serde::Serialize;
use tauri::State;

/// Who the desktop app records as the author of the rows it adds.
const WHO: &str = "odop-desk";

/// The error a command hands the UI: a stable machine code and a message
/// for people.
#[derive(Debug, Serialize)]
pub struct CommandError {
    code: &'static str,
    message: String,
}

impl From<StoreError> for CommandError {
    fn from(error: StoreError) -> Self {
        CommandError {
            code: error.code(),
            message: error.to_string(),
        }
    }
}

type Shared<'a> = State<'a, Mutex<Store>>;

/// The store, even if an earlier command panicked while holding the lock:
/// the store keeps no state between calls that a panic could leave half-made
/// (SQLite rolls back an unfinished transaction), so carrying on is safe.
fn lock(store: Shared<'_>) -> MutexGuard<'_, Store> {
    store
        .inner()
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// One row per district with its product count and primary product.
#[tauri::command(async)]
pub fn district_summaries(store: Shared<'_>) -> Result<Vec<DistrictSummary>, CommandError> {
    Ok(lock(store).district_summaries()?)
}

/// Loads the built-in sample data; returns the number of rows added.
#[tauri::command(async)]
pub fn load_sample(store: Shared<'_>) -> Result<usize, CommandError> {
    Ok(lock(store).load_sample(WHO)?)
}

/// True while the store holds no products yet.
#[tauri::command(async)]
pub fn is_empty(store: Shared<'_>) -> Result<bool, CommandError> {
    Ok(lock(store).is_empty()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_store_error_reaches_the_ui_as_code_and_message() {
        let dir = tempfile::tempdir().unwrap();
        // A directory is not a database file.
        let error = Store::open(dir.path()).unwrap_err();
        let code = error.code();
        let message = error.to_string();

        let json = serde_json::to_value(CommandError::from(error)).unwrap();

        assert_eq!(
            json,
            serde_json::json!({ "code": code, "message": message })
        );
        assert!(!code.is_empty());
    }
}
