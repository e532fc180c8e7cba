//! What the import tests share: a database holding the built-in sample, and readers of the
//! flags a report gives.

// Each test binary uses the part it needs.
#![allow(dead_code)]

use odop_exchange::{Fate, ImportReport};
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
