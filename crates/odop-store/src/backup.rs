//! Copies of the whole database: one taken while the desk works, and one put back in a single
//! step that keeps the database it replaces.

use std::path::{Path, PathBuf};

use odop_domain::EntityKind;
use rusqlite::backup::{Backup as Copy, StepResult};
use rusqlite::{Connection, OpenFlags};
use serde::Serialize;

use crate::account::{account_in, describe_in, set_account_in, state_name_in};
use crate::migrate;
use crate::sync::{meta_get, meta_set, restart_sync_in, Resync};
use crate::{now, DeskAccount, Store, StoreError};

/// Where the database that a restore replaces is kept, beside the database.
pub const KEPT_DIR: &str = "backups";

/// What a backup file holds, for a person to choose the right one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackupInfo {
    pub path: PathBuf,
    pub bytes: u64,
    /// When it was taken (RFC 3339); none for a database file copied by other means.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub taken: Option<String>,
    /// The schema version it was written with; an older one is brought up to date on restore.
    pub schema: u32,
    pub districts: u64,
    /// Records of each kind, in [`EntityKind::ALL`]'s order, by its name.
    pub records: Vec<(EntityKind, u64)>,
    /// Local changes it holds that the server had not taken when it was made.
    pub waiting: u64,
    /// The account its desk synced as, when it had logged in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<DeskAccount>,
    /// The name of that account's state in the backup's LGD list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_state: Option<String>,
}

/// What restoring a backup into this desk would mean, for a person to read before choosing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RestorePreview {
    #[serde(flatten)]
    pub backup: BackupInfo,
    /// The account this desk syncs as, which the restored database keeps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub desk: Option<DeskAccount>,
    /// The name of that account's state in this desk's LGD list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub desk_state: Option<String>,
    /// Whether the backup's desk synced for another state, so that restoring it takes that
    /// work over ([`Takeover::Allow`]).
    pub takeover: bool,
}

/// Whether a restore or a login may put work done for another state under this desk's
/// account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Takeover {
    /// A backup made by a desk syncing for another state (or for every state) is refused, and
    /// so is a login for another state while changes made for this one wait to be sent.
    Refuse,
    /// It is taken all the same: the desk then sends that work as its account, and the
    /// server refuses the waiting changes the account may not make.
    Allow,
}

impl Takeover {
    /// From a yes-or-no a person gave (a command-line flag, a button).
    pub fn when(allowed: bool) -> Takeover {
        if allowed {
            Takeover::Allow
        } else {
            Takeover::Refuse
        }
    }
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Restored {
    pub from: BackupInfo,
    /// The database as it was just before, kept as a backup of its own.
    pub kept: BackupInfo,
    /// Whether the restored database had synced: its next sync then compares everything with
    /// the server under a new client id.
    pub resync: bool,
}

impl Store {
    /// Writes a consistent copy of the database to `to`, while other connections go on
    /// working. The copy appears whole or not at all: it is written beside `to` and renamed.
    pub fn back_up(&self, to: &Path) -> Result<BackupInfo, StoreError> {
        let failed = |why: String| StoreError::BackupFailed {
            path: to.display().to_string(),
            why,
        };
        if let Some(db) = self.file() {
            if same_file(&db, to) {
                return Err(failed("that is the database itself".into()));
            }
        }
        let name = to
            .to_str()
            .ok_or_else(|| failed("the path is not valid Unicode".into()))?;
        if to.is_dir() {
            return Err(failed("that is a folder; name a file in it".into()));
        }
        let partial = PathBuf::from(format!("{name}.partial"));
        remove_if_there(&partial).map_err(|e| failed(e.to_string()))?;
        let written = self
            .copy_into(&partial)
            .map_err(|e| e.to_string())
            .and_then(|()| std::fs::rename(&partial, to).map_err(|e| e.to_string()));
        if let Err(why) = written {
            let _ = remove_if_there(&partial);
            return Err(failed(why));
        }
        Store::inspect_backup(to)
    }

    /// A copy of the database in one self-contained file at `path`, which says when it was
    /// taken. SQLite's backup API copies the pages as they are in one read transaction, a few
    /// times faster than `VACUUM INTO`, which builds every table and index anew.
    fn copy_into(&self, path: &Path) -> Result<(), StoreError> {
        let mut copy = Connection::open(path)?;
        if Copy::new(&self.conn, &mut copy)?.step(-1)? != StepResult::Done {
            return Err(StoreError::BackupFailed {
                path: path.display().to_string(),
                why: "the new file stayed locked by another program".into(),
            });
        }
        // The pages came with the database's log mode; a backup stands alone, with no log.
        copy.pragma_update(None, "journal_mode", "DELETE")?;
        meta_set(&copy, "backup_taken", &now())
    }

    /// Reads what a backup holds, refusing a file that is no ODOP Desk database, is damaged,
    /// or was written by a newer release. Changes nothing.
    pub fn inspect_backup(path: &Path) -> Result<BackupInfo, StoreError> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| unrestorable(path, &opened(path, &e)))?;
        let schema = checked_schema(path, &conn)?;
        info(path, &conn, schema).map_err(|e| unrestorable(path, &e.to_string()))
    }

    /// What the backup at `from` holds, and whether restoring it here would take over another
    /// state's work. Changes nothing.
    pub fn restore_preview(&self, from: &Path) -> Result<RestorePreview, StoreError> {
        let backup = Store::inspect_backup(from)?;
        let desk = account_in(&self.conn)?;
        let desk_state = match &desk {
            Some(account) => self.account_state_name(account)?,
            None => None,
        };
        Ok(RestorePreview {
            takeover: needs_takeover(desk.as_ref(), backup.account.as_ref()),
            backup,
            desk,
            desk_state,
        })
    }

    /// Replaces the whole database with the backup at `from`, in one step: either the backup
    /// is in place or nothing changed. The database as it was is first kept in
    /// [`KEPT_DIR`] beside it. A backup from an older release is brought up to date; one that
    /// had synced gets a new client id and compares everything with the server at its next
    /// sync, so the server never takes its changes for ones it has already answered.
    ///
    /// A backup whose desk synced for another state than this one is refused unless
    /// `takeover` allows it; the restored database keeps this desk's account either way.
    ///
    /// Nothing else may sync this database meanwhile: the sync crate holds its lock around it.
    pub fn restore(&mut self, from: &Path, takeover: Takeover) -> Result<Restored, StoreError> {
        let db = self
            .file()
            .ok_or_else(|| unrestorable(from, "this database has no file to restore into"))?;
        if same_file(&db, from) {
            return Err(unrestorable(from, "that is the database itself"));
        }
        let folder = db.parent().map(Path::to_path_buf).unwrap_or_default();
        let from_info = Store::inspect_backup(from)?;
        let mine = account_in(&self.conn)?;
        if let (Some(mine), Some(theirs), Takeover::Refuse) = (&mine, &from_info.account, takeover)
        {
            if needs_takeover(Some(mine), Some(theirs)) {
                return Err(StoreError::OtherAccountsBackup {
                    path: from.display().to_string(),
                    backup: describe_in(&self.conn, theirs)?,
                    desk: describe_in(&self.conn, mine)?,
                });
            }
        }
        // A copy of its own, beside the database, is brought up to date and readied for sync,
        // so the user's file is never written and the step that replaces is a single one.
        let staged = folder.join(".odop-restore.partial");
        let result = self.restore_staged(from, &staged, &folder, from_info, mine.as_ref());
        let _ = remove_if_there(&staged);
        let _ = remove_if_there(&staged.with_extension("partial-journal"));
        result
    }

    fn restore_staged(
        &mut self,
        from: &Path,
        staged: &Path,
        folder: &Path,
        from_info: BackupInfo,
        mine: Option<&DeskAccount>,
    ) -> Result<Restored, StoreError> {
        remove_if_there(staged).map_err(|e| unrestorable(from, &e.to_string()))?;
        let beside = |suffix: &str| PathBuf::from(format!("{}{suffix}", from.display())).exists();
        if beside("-wal") || beside("-journal") {
            // Part of it may be in a log beside it (a live database's file): SQLite reads both.
            let source = Connection::open_with_flags(from, OpenFlags::SQLITE_OPEN_READ_ONLY)
                .map_err(|e| unrestorable(from, &opened(from, &e)))?;
            source
                .execute("VACUUM INTO ?1", [staged.to_string_lossy()])
                .map_err(|e| unrestorable(from, &e.to_string()))?;
        } else {
            // A backup is one self-contained file: a copy of its bytes is the whole of it.
            std::fs::copy(from, staged).map_err(|e| unrestorable(from, &e.to_string()))?;
        }
        let mut copy = Connection::open(staged).map_err(|e| unrestorable(from, &e.to_string()))?;
        copy.pragma_update(None, "journal_mode", "DELETE")?;
        migrate::migrate(&mut copy).map_err(|e| unrestorable(from, &e.to_string()))?;
        let resync = meta_get(&copy, "sync_client")?.is_some();
        if resync {
            restart_sync_in(&mut copy, None, Resync::Rewound)?;
        }
        copy.execute("DELETE FROM meta WHERE key = 'backup_taken'", [])?;
        // The desk goes on syncing as whoever logged in here, whatever the backup's desk was.
        if let Some(mine) = mine {
            set_account_in(&copy, mine)?;
        }

        // To the millisecond, so that a second restore never writes over the first one's copy.
        let stamp: String = now().chars().filter(char::is_ascii_digit).collect();
        let (day, time) = stamp.split_at(stamp.len().min(8));
        let kept_dir = folder.join(KEPT_DIR);
        std::fs::create_dir_all(&kept_dir).map_err(|e| StoreError::BackupFailed {
            path: kept_dir.display().to_string(),
            why: e.to_string(),
        })?;
        let kept =
            self.back_up(&kept_dir.join(format!("odop-before-restore-{day}-{time}.sqlite3")))?;

        let step = Copy::new(&copy, &mut self.conn)?.step(-1)?;
        if step != StepResult::Done {
            // Another connection held the database the whole time: nothing was replaced.
            return Err(unrestorable(
                from,
                "the database stayed busy; close other programs using it and try again",
            ));
        }
        Ok(Restored {
            from: from_info,
            kept,
            resync,
        })
    }

    /// The database's file; none in memory.
    pub fn file(&self) -> Option<PathBuf> {
        self.conn
            .path()
            .filter(|p| !p.is_empty())
            .map(PathBuf::from)
    }
}

/// Whether a backup made by a desk syncing as `theirs` holds another state's work for a desk
/// syncing as `mine`. A desk or a backup that never logged in holds anyone's.
fn needs_takeover(mine: Option<&DeskAccount>, theirs: Option<&DeskAccount>) -> bool {
    matches!((mine, theirs), (Some(mine), Some(theirs)) if !mine.same_scope(theirs))
}

fn unrestorable(path: &Path, why: &str) -> StoreError {
    StoreError::Unrestorable {
        path: path.display().to_string(),
        why: why.to_owned(),
    }
}

fn opened(path: &Path, e: &rusqlite::Error) -> String {
    if path.exists() {
        e.to_string()
    } else {
        "there is no such file".into()
    }
}

/// The schema version of an ODOP Desk database, read without writing.
fn checked_schema(path: &Path, conn: &Connection) -> Result<u32, StoreError> {
    let check: String = conn
        .query_row("PRAGMA quick_check(1)", [], |r| r.get(0))
        .map_err(|e| match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase) => {
                unrestorable(path, "it is not an SQLite database")
            }
            Some(rusqlite::ErrorCode::DatabaseCorrupt) => {
                unrestorable(path, &format!("it is damaged ({e})"))
            }
            _ => unrestorable(path, &format!("it cannot be read ({e})")),
        })?;
    if check != "ok" {
        return Err(unrestorable(path, &format!("it is damaged ({check})")));
    }
    let schema = migrate::version(conn).map_err(|e| match e {
        StoreError::NewerDatabase { found, supported } => unrestorable(
            path,
            &format!(
                "it was written by a newer ODOP Desk (schema version {found}; this program \
                 knows up to {supported}); install that version or newer"
            ),
        ),
        other => other,
    })?;
    let tables: u32 = conn.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' \
         AND name IN ('meta', 'states', 'districts', 'products', 'sellers', 'outbox')",
        [],
        |r| r.get(0),
    )?;
    if schema == 0 || tables < 6 {
        return Err(unrestorable(path, "it holds no ODOP Desk database"));
    }
    Ok(schema)
}

fn info(path: &Path, conn: &Connection, schema: u32) -> Result<BackupInfo, StoreError> {
    let count = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0).map(|n| n as u64));
    let account = account_in(conn)?;
    let mut records = Vec::new();
    for kind in EntityKind::ALL {
        records.push((
            kind,
            count(&format!("SELECT count(*) FROM {}", kind.table()))?,
        ));
    }
    Ok(BackupInfo {
        path: path.to_path_buf(),
        bytes: std::fs::metadata(path).map(|m| m.len()).unwrap_or_default(),
        taken: meta_get(conn, "backup_taken")?,
        schema,
        districts: count("SELECT count(*) FROM districts")?,
        records,
        waiting: count("SELECT count(*) FROM outbox")?,
        account_state: match &account {
            Some(a) => state_name_in(conn, a)?,
            None => None,
        },
        account,
    })
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

fn remove_if_there(path: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}
