//! Any file imported as any kind of record, on a copy of a database holding the built-in
//! sample, ends in a report or an error, never a panic; a failed or dry import leaves every
//! record, version and waiting change as it was; and importing the same file twice changes
//! nothing the second time.
#![no_main]

use std::path::PathBuf;
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use odop_domain::EntityKind;
use odop_exchange::{import, ImportOptions};
use odop_store::Store;

/// A database with the sample, made once; each input works on a fresh copy of it.
static TEMPLATE: LazyLock<(tempfile::TempDir, PathBuf)> = LazyLock::new(|| {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("template.sqlite3");
    let mut store = Store::open(&path).expect("a new database");
    store.load_sample("fuzz").expect("the sample loads");
    drop(store);
    (dir, path)
});

/// Every record's id and version, the length of the history, and the counts of waiting
/// changes, conflicts and refusals: every write adds to the history.
fn fingerprint(store: &Store) -> (Vec<Vec<(String, i64)>>, [u64; 4]) {
    let versions = EntityKind::ALL
        .iter()
        .map(|&k| store.versions(k).expect("versions read"))
        .collect();
    let history = store.history(None, usize::MAX).expect("history read").len() as u64;
    let c = store.sync_counts().expect("counts read");
    (versions, [history, c.pending, c.conflicts, c.refused])
}

fuzz_target!(|bytes: &[u8]| {
    let Some((&pick, body)) = bytes.split_first() else {
        return;
    };
    let kind = EntityKind::ALL[usize::from(pick & 7) % EntityKind::ALL.len()];
    let extension = if pick & 8 == 0 { "csv" } else { "xlsx" };
    let dry_run = pick & 16 != 0;

    let (_, template) = &*TEMPLATE;
    let dir = tempfile::tempdir().expect("a temporary folder");
    let db = dir.path().join("odop.sqlite3");
    std::fs::copy(template, &db).expect("the template copies");
    let file = dir.path().join(format!("input.{extension}"));
    std::fs::write(&file, body).expect("the input is written");

    let mut store = Store::open(&db).expect("the copy opens");
    let before = fingerprint(&store);
    let options = ImportOptions {
        who: "fuzz",
        dry_run,
        progress: None,
    };
    let result = import(&mut store, kind, &file, options);
    if result.is_err() || dry_run {
        assert_eq!(
            fingerprint(&store),
            before,
            "{kind:?} import changed the database: {:?}",
            result.map(|r| r.summary)
        );
        return;
    }
    // Importing the same file again changes nothing.
    let once = fingerprint(&store);
    let options = ImportOptions {
        who: "fuzz",
        dry_run: false,
        progress: None,
    };
    let again = import(&mut store, kind, &file, options).map(|r| r.summary);
    assert_eq!(
        fingerprint(&store),
        once,
        "{kind:?} import again: {again:?}"
    );
});
