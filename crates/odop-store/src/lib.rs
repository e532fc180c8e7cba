//! The local ODOP database: one SQLite file per data directory, fully usable offline.
//!
//! This crate owns the schema and its numbered migrations, every write (which, in the same
//! transaction, also appends an outbox entry for sync and a history entry for audit), full-text
//! search in any script, the statistics a department reports, the GI registry as reference data
//! (and products checked against it), sellers recorded twice and their merging, and backups of
//! the whole database.
//!
//! It must not know about file formats, the network, the sync protocol's wire types or any user
//! interface; callers hand it domain values and get domain values back.

mod account;
mod backup;
mod browse;
mod clock;
mod duplicates;
mod edit;
mod error;
mod form;
mod gi;
mod migrate;
mod owners;
mod places;
mod read;
mod sample;
mod server_places;
mod stats;
mod sync;

use std::path::Path;

use rusqlite::Connection;

/// The database's file name in a data directory, which the app and the CLI share.
pub const DB_FILE: &str = "odop.sqlite3";

/// The page cache each connection may grow to, in KiB (a negative `cache_size`).
pub const PAGE_CACHE_KIB: i64 = 64 * 1024;

pub use account::DeskAccount;
pub use backup::{BackupInfo, RestorePreview, Restored, Takeover, KEPT_DIR};
pub use browse::{
    ActionTally, Choices, DistrictDetail, DistrictProduct, DistrictQuery, DistrictRow, GapOutcome,
    Page, PlaceChoice, ProductDetail, RecordQuery, RecordRow, SellerQuery, SellerRow,
    WorkshopOutcome,
};
pub use clock::{now, today};
pub use duplicates::{Duplicates, Merged};
pub use edit::{search_text, Edit, Outcome};
pub use error::{FieldProblem, Referrer, StoreError};
pub use form::{build_fields, record_from, Saved};
pub use gi::{GiCandidate, GiCheck, GiCounts, GiFinding, GiHeld, GiIssue, GiStateCount};
pub use migrate::SCHEMA_VERSION;
pub use owners::ActionOwner;
pub use places::PlaceCounts;
pub use read::{DistrictSummary, HistoryEntry, Hit, OutboxEntry, ProductFilter};
pub use server_places::ServerPlaces;
pub use stats::{Count, DistrictFigures, DistrictRef, StateFigures, Stats};
pub use sync::{
    Applied, Conflict, ConflictView, Incoming, Pending, RefusedWrite, Resolution, Resync, Resynced,
    SyncCounts, SyncPoint, SyncState, Verdict, PULL_CHECKPOINT_PAGES,
};

/// An open local database.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
}

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let conn = Connection::open(path).map_err(|source| StoreError::Open {
            path: path.display().to_string(),
            source,
        })?;
        Store::prepare(conn, true)
    }

    /// A private database in memory, for tests and benchmarks.
    pub fn open_in_memory() -> Result<Store, StoreError> {
        Store::prepare(Connection::open_in_memory()?, false)
    }

    fn prepare(mut conn: Connection, wal: bool) -> Result<Store, StoreError> {
        // Another process (the app and the CLI at once) may hold the write lock briefly.
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // Before anything that writes: a newer release's database is refused untouched.
        migrate::version(&conn)?;
        if wal {
            conn.pragma_update(None, "journal_mode", "WAL")?;
        }
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // A seller touches a dozen indexes in random order; with SQLite's 2 MB default a large
        // import reads most of its pages back from the log. The cache grows only as it is used.
        conn.pragma_update(None, "cache_size", -PAGE_CACHE_KIB)?;
        migrate::migrate(&mut conn)?;
        Ok(Store { conn })
    }

    /// Gives back the page cache's memory. A bulk write fills the cache to its limit, and a
    /// connection kept open all day (the app's) would hold it until it closes; the pages are
    /// read from the file again as they are needed.
    pub fn release_memory(&self) -> Result<(), StoreError> {
        self.conn.execute_batch("PRAGMA shrink_memory")?;
        Ok(())
    }

    /// Starts an edit: every change inside it commits together or not at all.
    pub fn edit(&mut self, who: &str) -> Result<Edit<'_>, StoreError> {
        Edit::begin(&mut self.conn, who)
    }

    /// The connection, for read-only queries by sibling modules.
    fn conn(&self) -> &Connection {
        &self.conn
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bytes the connection's page cache holds now, as SQLite counts them.
    #[allow(unsafe_code)]
    fn cache_used(store: &Store) -> i32 {
        let (mut now, mut highest) = (0, 0);
        // SAFETY: the handle is the open connection's, and SQLite only writes the two counters.
        let rc = unsafe {
            rusqlite::ffi::sqlite3_db_status(
                store.conn.handle(),
                rusqlite::ffi::SQLITE_DBSTATUS_CACHE_USED,
                &mut now,
                &mut highest,
                0,
            )
        };
        assert_eq!(rc, rusqlite::ffi::SQLITE_OK);
        now
    }

    #[test]
    fn releasing_memory_empties_the_page_cache_and_keeps_every_record() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join(DB_FILE)).unwrap();
        store.load_sample("tester").unwrap();
        let records = store.count(odop_domain::EntityKind::Seller).unwrap();
        let filled = cache_used(&store);
        store.release_memory().unwrap();
        let released = cache_used(&store);
        assert!(
            released < filled / 2,
            "the cache held {filled} bytes, and {released} after"
        );
        assert_eq!(
            store.count(odop_domain::EntityKind::Seller).unwrap(),
            records
        );
    }
}
