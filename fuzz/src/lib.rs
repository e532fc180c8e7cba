//! What the fuzz targets over the desk's database share: a database holding the built-in sample,
//! copied afresh for each input, a fingerprint of everything a write may touch, and a check that
//! the records hang together.
//!
//! It must not know what any one target feeds the database.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::LazyLock;

use odop_domain::{DistrictCode, EntityKind};
use odop_store::Store;
use serde_json::Value;

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
        // libFuzzer's timeout timer interrupts system calls; a copy cut short is tried again.
        let mut copied = std::fs::copy(template, &db);
        while matches!(&copied, Err(e) if e.kind() == std::io::ErrorKind::Interrupted) {
            copied = std::fs::copy(template, &db);
        }
        copied.expect("the template copies");
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

/// The fields that name another record: (kind, field, kind named, whether the named record must
/// be of the same state). Written out here rather than taken from the store, so that a mistake
/// in the store's own list cannot hide from the check.
const LINKS: &[(EntityKind, &str, EntityKind, bool)] = &[
    (EntityKind::Seller, "products", EntityKind::Product, false),
    (
        EntityKind::Workshop,
        "sellers_met",
        EntityKind::Seller,
        true,
    ),
    (EntityKind::Story, "seller", EntityKind::Seller, true),
    (EntityKind::Story, "product", EntityKind::Product, true),
    (EntityKind::Gap, "workshop", EntityKind::Workshop, true),
    (EntityKind::Gap, "product", EntityKind::Product, true),
    (EntityKind::Gap, "seller", EntityKind::Seller, true),
    (EntityKind::Action, "gap", EntityKind::Gap, true),
];

/// Panics, naming the record, unless every record is one the domain accepts, lies in a district
/// of its own state, and names only records that exist, of its own state where it must.
pub fn assert_consistent(store: &Store) {
    let gazetteer = store.gazetteer().expect("places read");
    let mut states: HashMap<(EntityKind, String), u64> = HashMap::new();
    let mut records = Vec::new();
    for kind in EntityKind::ALL {
        for (id, _) in store.versions(kind).expect("ids read") {
            let fields = store
                .fields(kind, &id)
                .expect("a record read")
                .expect("a listed record is stored");
            if let Err(e) = kind.check(&fields) {
                panic!("{kind} {id} is stored though the domain refuses it: {e}");
            }
            let state = fields
                .get("state")
                .and_then(Value::as_u64)
                .unwrap_or_default();
            if let Some(code) = fields.get("district").and_then(Value::as_u64) {
                let district = gazetteer.district(DistrictCode(code as u32));
                let home = district.map(|d| u64::from(d.state.0));
                assert_eq!(
                    home,
                    Some(state),
                    "{kind} {id} of state {state} in district {code}"
                );
            }
            states.insert((kind, id.clone()), state);
            records.push((kind, id, fields, state));
        }
    }
    for (kind, id, fields, state) in &records {
        for (from, field, to, same_state) in LINKS {
            if from != kind {
                continue;
            }
            let named: Vec<&str> = match fields.get(*field) {
                Some(Value::String(s)) => vec![s.as_str()],
                Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
                _ => vec![],
            };
            for target in named {
                let found = states.get(&(*to, target.to_owned()));
                let Some(found) = found else {
                    panic!("{kind} {id} names {to} {target} in {field}, which is not stored");
                };
                assert!(
                    !same_state || found == state,
                    "{kind} {id} of state {state} names {to} {target} of state {found} in {field}"
                );
            }
        }
    }
}
