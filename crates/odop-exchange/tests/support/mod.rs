//! What the import tests share: a database holding the built-in sample, and readers of the
//! flags a report gives.

// Each test binary uses the part it needs.
#![allow(dead_code)]

use std::path::PathBuf;

use odop_exchange::{import_lgd, Fate, ImportReport};
use odop_store::Store;

/// An in-memory database holding the built-in sample.
pub fn sample() -> Store {
    let mut s = Store::open_in_memory().unwrap();
    s.load_sample("test").unwrap();
    s
}

/// The column, problem code and reason of a row that must have been flagged.
pub fn flag_of(fate: &Fate) -> (Option<&str>, &str, &str) {
    match fate {
        Fate::Flagged {
            column,
            code,
            reason,
            ..
        } => (column.as_deref(), code.code(), reason),
        other => panic!("the row should be flagged, got {other:?}"),
    }
}

/// Each row's flag as (column, problem code), or `None` for a row that went in.
pub fn flags(report: &ImportReport) -> Vec<Option<(Option<&str>, &str)>> {
    report
        .rows
        .iter()
        .map(|r| match &r.fate {
            Fate::Flagged { column, code, .. } => Some((column.as_deref(), code.code())),
            _ => None,
        })
        .collect()
}

/// This package's folder, asked of cargo at run time: a test built from another checkout that
/// shares the target directory would otherwise read that checkout's files.
fn manifest_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from)
}

pub fn data(name: &str) -> PathBuf {
    let path = manifest_dir().join("../../../shared/data").join(name);
    assert!(
        path.exists(),
        "the shared data file {} is missing: the tests read it from ../shared/data beside the repository",
        path.display()
    );
    path
}

/// An in-memory database holding the real LGD lists.
pub fn with_places() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    import_lgd(
        &mut store,
        &data("lgd_states_2022-02.csv"),
        &data("lgd_districts_2022-12.csv"),
        "test",
        false,
    )
    .unwrap();
    store
}
