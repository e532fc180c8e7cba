//! Backups of the whole database: taken while it is open, and put back in one step that keeps
//! what it replaces, refusing anything that is not a backup and then changing nothing.

use std::path::{Path, PathBuf};

use odop_domain::{EntityKind, Id, Seller};
use odop_store::{Resync, Store, StoreError, Takeover, KEPT_DIR};
use rusqlite::types::ValueRef;
use tempfile::TempDir;

mod support;
use support::account;

fn desk() -> (TempDir, PathBuf, Store) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("odop.sqlite3");
    let mut store = Store::open(&db).unwrap();
    store.load_sample("tester").unwrap();
    (dir, db, store)
}

/// Every row of every table, as text: two databases with the same dump hold the same data.
fn dump(db: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
             ORDER BY name",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut out = Vec::new();
    for table in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\"")).unwrap();
        let n = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            let cells: Vec<String> = (0..n)
                .map(|i| match row.get_ref(i).unwrap() {
                    ValueRef::Null => "null".to_owned(),
                    ValueRef::Integer(v) => v.to_string(),
                    ValueRef::Real(v) => v.to_string(),
                    ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                    ValueRef::Blob(b) => format!("{b:?}"),
                })
                .collect();
            out.push(format!("{table}: {}", cells.join(" | ")));
        }
    }
    out.sort();
    out
}

fn a_seller(store: &Store) -> Id {
    store.list::<Seller>(None, None, 1, 0).unwrap()[0].id
}

#[test]
fn a_restore_brings_back_the_backup_and_keeps_what_it_replaced() {
    let (dir, db, mut store) = desk();
    let backup = dir.path().join("monday.sqlite3");
    let taken = store.back_up(&backup).unwrap();
    assert_eq!(taken.path, backup);
    assert!(taken.taken.is_some(), "a backup says when it was taken");
    let sellers_then = store.count(EntityKind::Seller).unwrap();
    assert!(taken.records.contains(&(EntityKind::Seller, sellers_then)));
    assert!(taken.waiting > 0, "the sample's changes wait to be sent");
    let at_backup = dump(&db);

    // A day's work after the backup.
    let gone = a_seller(&store);
    let mut edit = store.edit("tester").unwrap();
    edit.delete(EntityKind::Seller, gone).unwrap();
    edit.commit().unwrap();
    let after_work = dump(&db);
    assert_ne!(after_work, at_backup);

    let restored = store.restore(&backup, Takeover::Refuse).unwrap();
    assert!(
        !restored.resync,
        "a desk that never synced has nothing to compare"
    );
    assert_eq!(restored.from.waiting, taken.waiting);
    assert!(store.get::<Seller>(gone).unwrap().is_some());
    assert_eq!(store.count(EntityKind::Seller).unwrap(), sellers_then);
    // Full-text search works on what came back.
    assert!(!store.search("Banarasi", &[], 5).unwrap().is_empty());
    let mut now = dump(&db);
    now.retain(|r| !r.starts_with("meta: backup_taken"));
    let mut expected = at_backup;
    expected.retain(|r| !r.starts_with("meta: backup_taken"));
    assert_eq!(
        now, expected,
        "the restored database is the backup, row for row"
    );

    // The database stays in write-ahead-log mode, as the store opened it.
    let mode: String = rusqlite::Connection::open(&db)
        .unwrap()
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");

    // What it replaced is kept, and restoring that undoes the restore.
    assert!(restored.kept.path.starts_with(dir.path().join(KEPT_DIR)));
    assert!(restored
        .kept
        .records
        .contains(&(EntityKind::Seller, sellers_then - 1)));
    store
        .restore(&restored.kept.path, Takeover::Refuse)
        .unwrap();
    assert!(store.get::<Seller>(gone).unwrap().is_none());
    assert_eq!(
        std::fs::read_dir(dir.path().join(KEPT_DIR))
            .unwrap()
            .count(),
        2,
        "each restore keeps what it replaced"
    );
}

#[test]
fn a_restored_desk_that_had_synced_starts_over_with_the_server_under_a_new_client() {
    let (dir, _db, mut store) = desk();
    store.set_sync_client("old-desk").unwrap();
    let backup = dir.path().join("synced.sqlite3");
    store.back_up(&backup).unwrap();
    let waiting = store.pending(1_000).unwrap();

    let restored = store.restore(&backup, Takeover::Refuse).unwrap();
    assert!(restored.resync);
    let point = store.sync_point().unwrap();
    assert_eq!(point.client, None, "the next sync names a new client");
    assert_eq!(point.cursor, 0);
    assert_eq!(point.resync, Some(Resync::Rewound));
    let again = store.pending(1_000).unwrap();
    assert_eq!(
        again.len(),
        waiting.len(),
        "every waiting change is sent again"
    );
    assert_eq!(again.first().map(|p| p.seq), Some(1));
}

#[test]
fn anything_but_a_good_backup_is_refused_and_changes_nothing() {
    let (dir, db, mut store) = desk();
    let before = dump(&db);
    let file = |name: &str, bytes: &[u8]| {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    };
    let good = dir.path().join("good.sqlite3");
    store.back_up(&good).unwrap();
    let whole = std::fs::read(&good).unwrap();
    let other = dir.path().join("other.sqlite3");
    rusqlite::Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        .unwrap();
    let newer = dir.path().join("newer.sqlite3");
    store.back_up(&newer).unwrap();
    rusqlite::Connection::open(&newer)
        .unwrap()
        .pragma_update(None, "user_version", odop_store::SCHEMA_VERSION + 1)
        .unwrap();

    let cases: Vec<(PathBuf, &str)> = vec![
        (dir.path().join("missing.sqlite3"), "there is no such file"),
        (file("empty.sqlite3", b""), "holds no ODOP Desk database"),
        (
            file("notes.txt", b"not a database at all\n"),
            "is not an SQLite database",
        ),
        (
            file("garbage.bin", &[0xff; 8192]),
            "is not an SQLite database",
        ),
        (file("half.sqlite3", &whole[..whole.len() / 2]), "damaged"),
        (other, "holds no ODOP Desk database"),
        (newer, "written by a newer ODOP Desk"),
        (db.clone(), "that is the database itself"),
    ];
    for (path, why) in cases {
        let err = store.restore(&path, Takeover::Refuse).unwrap_err();
        assert!(
            matches!(err, StoreError::Unrestorable { .. }),
            "{}: {err}",
            path.display()
        );
        let message = err.to_string();
        assert!(message.contains(why), "{}: {message}", path.display());
        assert!(message.contains(&path.display().to_string()), "{message}");
        assert_eq!(err.code(), "unrestorable");
        assert_eq!(dump(&db), before, "{} changed the database", path.display());
    }
    assert!(
        !dir.path().join(KEPT_DIR).exists(),
        "a refused restore keeps no copy, since it replaced nothing"
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_backup_never_overwrites_the_database_or_leaves_half_a_file() {
    let (dir, db, store) = desk();
    let err = store.back_up(&db).unwrap_err();
    assert!(
        err.to_string().contains("that is the database itself"),
        "{err}"
    );
    let err = store.back_up(dir.path()).unwrap_err();
    assert!(err.to_string().contains("is a folder"), "{err}");
    let nowhere = dir.path().join("no-such-folder").join("b.sqlite3");
    let err = store.back_up(&nowhere).unwrap_err();
    assert_eq!(err.code(), "backup_failed");
    assert!(err.to_string().contains("no-such-folder"), "{err}");

    // A second backup to the same name replaces the first whole.
    let path = dir.path().join("b.sqlite3");
    store.back_up(&path).unwrap();
    let again = store.back_up(&path).unwrap();
    assert_eq!(again.bytes, std::fs::metadata(&path).unwrap().len());
    assert!(!dir.path().join("b.sqlite3.partial").exists());
}

#[test]
fn a_backup_from_an_older_release_is_brought_up_to_date() {
    let (dir, db, mut store) = desk();
    // A database as the release that knew six migrations left it.
    let old = dir.path().join("old.sqlite3");
    let conn = rusqlite::Connection::open(&old).unwrap();
    for (number, sql) in [
        include_str!("../migrations/0001_initial.sql"),
        include_str!("../migrations/0002_sync.sql"),
        include_str!("../migrations/0003_compact_creates.sql"),
        include_str!("../migrations/0004_one_history_index.sql"),
        include_str!("../migrations/0005_refusal_detail.sql"),
        include_str!("../migrations/0006_refusal_base.sql"),
    ]
    .iter()
    .enumerate()
    {
        conn.execute_batch(sql).unwrap();
        conn.pragma_update(None, "user_version", number as i64 + 1)
            .unwrap();
    }
    drop(conn);
    assert_eq!(Store::inspect_backup(&old).unwrap().schema, 6);
    let before = std::fs::read(&old).unwrap();

    let restored = store.restore(&old, Takeover::Refuse).unwrap();
    assert_eq!(restored.from.schema, 6);
    assert_eq!(store.count(EntityKind::Product).unwrap(), 0);
    // Migration 7's table is there to read.
    assert_eq!(store.server_places().unwrap().states, 0);
    let version: u32 = rusqlite::Connection::open(&db)
        .unwrap()
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, odop_store::SCHEMA_VERSION);
    assert_eq!(
        std::fs::read(&old).unwrap(),
        before,
        "the backup itself is never written"
    );
}

#[test]
fn a_live_database_file_restores_with_what_its_log_holds() {
    let (dir, _db, mut store) = desk();
    // Another desk's database, open, its last change still only in its write-ahead log.
    let other_path = dir.path().join("other").join("odop.sqlite3");
    std::fs::create_dir_all(other_path.parent().unwrap()).unwrap();
    let mut other = Store::open(&other_path).unwrap();
    other.load_sample("tester").unwrap();
    let seller = a_seller(&other);
    let mut edit = other.edit("tester").unwrap();
    edit.delete(EntityKind::Seller, seller).unwrap();
    edit.commit().unwrap();
    assert!(other_path.with_extension("sqlite3-wal").exists());

    store.restore(&other_path, Takeover::Refuse).unwrap();
    assert!(
        store.get::<Seller>(seller).unwrap().is_none(),
        "the deletion in the log came along"
    );
    assert_eq!(
        store.count(EntityKind::Seller).unwrap(),
        other.count(EntityKind::Seller).unwrap()
    );
}

#[test]
fn another_states_backup_is_refused_unless_taken_over_and_the_desk_keeps_its_account() {
    let (dir, db, mut store) = desk();
    let up = account("up-officer", Some(9));
    store.set_account(&up).unwrap();
    // The same state's backup, made by a colleague's account, is this desk's work.
    store
        .set_account(&account("up-colleague", Some(9)))
        .unwrap();
    let colleague = dir.path().join("colleague.sqlite3");
    store.back_up(&colleague).unwrap();
    store
        .set_account(&account("karnataka-officer", Some(29)))
        .unwrap();
    let karnataka = dir.path().join("karnataka.sqlite3");
    let info = store.back_up(&karnataka).unwrap();
    assert_eq!(info.account, Some(account("karnataka-officer", Some(29))));
    assert_eq!(info.account_state.as_deref(), Some("Karnataka"));
    store.set_account(&account("dpiit", None)).unwrap();
    let central = dir.path().join("central.sqlite3");
    store.back_up(&central).unwrap();
    store.set_account(&up).unwrap();
    let before = dump(&db);

    // The preview says beforehand what the restore would refuse, and whose desk this is.
    for (backup, takeover) in [(&karnataka, true), (&central, true), (&colleague, false)] {
        let preview = store.restore_preview(backup).unwrap();
        assert_eq!(preview.takeover, takeover, "{}", backup.display());
        assert_eq!(preview.desk, Some(up.clone()));
        assert_eq!(preview.desk_state.as_deref(), Some("Uttar Pradesh"));
    }
    for (backup, theirs) in [(&karnataka, "Karnataka (29)"), (&central, "every state")] {
        let err = store.restore(backup, Takeover::Refuse).unwrap_err();
        assert_eq!(err.code(), "other_account");
        let text = err.to_string();
        assert!(text.contains(&backup.display().to_string()), "{text}");
        assert!(text.contains(theirs), "{text}");
        assert!(text.contains("Uttar Pradesh (9)"), "{text}");
        assert_eq!(dump(&db), before, "a refused restore changes nothing");
    }
    assert!(
        !dir.path().join(KEPT_DIR).exists(),
        "nothing was kept, for nothing was replaced"
    );

    store.restore(&colleague, Takeover::Refuse).unwrap();
    assert_eq!(store.account().unwrap(), Some(up.clone()));
    let taken = store.restore(&karnataka, Takeover::Allow).unwrap();
    assert_eq!(
        taken.from.account,
        Some(account("karnataka-officer", Some(29)))
    );
    assert_eq!(
        store.account().unwrap(),
        Some(up),
        "the desk goes on syncing as whoever logged in here"
    );
}

#[test]
fn a_backup_without_an_account_restores_into_any_desk() {
    let (dir, _db, mut store) = desk();
    let never_logged_in = dir.path().join("old.sqlite3");
    let info = store.back_up(&never_logged_in).unwrap();
    assert_eq!(info.account, None);
    store.set_account(&account("up-officer", Some(9))).unwrap();
    store.restore(&never_logged_in, Takeover::Refuse).unwrap();
    assert_eq!(
        store.account().unwrap(),
        Some(account("up-officer", Some(9)))
    );
}
