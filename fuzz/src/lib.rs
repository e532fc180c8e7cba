//! What the fuzz targets over the desk's database share: a database holding the built-in sample,
//! copied afresh for each input, and a fingerprint of everything a write may touch.
//!
//! It must not know what any one target feeds the database.

use std::path::PathBuf;
use std::sync::LazyLock;

use odop_domain::EntityKind;
use odop_store::Store;

/// A database with the sample, made once per process.
static TEMPLATE: LazyLock<(tempfile::TempDir, PathBuf)> = LazyLock::new(|| {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("template.sqlite3");
    let mut store = Store::open(&path).expect("a new database");
    store.load_sample("fuzz").expect("the sample loads");
    drop(store);
    (dir, path)
});

/// A fresh copy of the sample database, open, in a folder of its own that goes with it.
pub struct Desk {
    pub store: Store,
    pub dir: tempfile::TempDir,
}

impl Desk {
    pub fn new() -> Desk {
        let (_, template) = &*TEMPLATE;
        let dir = tempfile::tempdir().expect("a temporary folder");
        let db = dir.path().join("odop.sqlite3");
        std::fs::copy(template, &db).expect("the template copies");
        let store = Store::open(&db).expect("the copy opens");
        Desk { store, dir }
    }
}

impl Default for Desk {
    fn default() -> Desk {
        Desk::new()
    }
}

/// Everything a write may touch: the places, every record's id and version, the length of the
/// history (every write adds to it), and the counts of waiting changes, conflicts and refusals.
#[derive(Debug, PartialEq)]
pub struct Fingerprint(String, Vec<Vec<(String, i64)>>, [u64; 4]);

impl Fingerprint {
    pub fn of(store: &Store) -> Fingerprint {
        let gazetteer = store.gazetteer().expect("places read");
        let mut districts: Vec<_> = gazetteer.districts().collect();
        districts.sort_by_key(|d| d.code);
        let places = format!("{:?} {:?}", gazetteer.states(), districts);
        let versions = EntityKind::ALL
            .iter()
            .map(|&k| store.versions(k).expect("versions read"))
            .collect();
        let history = store.history(None, usize::MAX).expect("history read").len() as u64;
        let c = store.sync_counts().expect("counts read");
        let counts = [history, c.pending, c.conflicts, c.refused];
        Fingerprint(places, versions, counts)
    }

    /// How many history entries the database holds.
    pub fn history(&self) -> u64 {
        self.2[0]
    }
}
