//! The ledger conformance suite against SQLite, one test per check.

use odop_ledger::conformance_tests;
use odop_ledger_sqlite::SqliteLedger;

fn fresh() -> (tempfile::TempDir, SqliteLedger) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let ledger = SqliteLedger::open(&dir.path().join("ledger.sqlite3")).expect("ledger opens");
    (dir, ledger)
}

conformance_tests!(
    fresh();
    accounts_are_unique_hashed_and_revocable,
    a_created_row_is_pulled_within_read_scope,
    state_editors_write_only_their_state,
    viewers_write_nothing,
    a_refused_write_is_recorded_and_blocks_nothing,
    a_replayed_push_changes_nothing,
    a_sequence_gap_ends_the_batch,
    different_fields_merge_and_the_same_field_conflicts,
    a_delete_racing_an_edit_is_a_conflict,
    resolving_a_conflict_is_an_ordinary_edit,
    pages_cover_every_change_once,
    a_page_of_long_rows_ends_by_size_and_loses_nothing,
    a_row_leaving_a_state_departs_from_its_readers,
    an_old_cursor_after_pruning_must_resync,
    a_first_pull_after_pruning_pages_to_the_head,
    a_client_id_belongs_to_one_account,
    an_invalid_row_is_refused_with_its_field,
    a_cursor_beyond_the_head_is_reported,
);

#[test]
fn every_check_has_a_test() {
    let source = include_str!("conformance.rs");
    for (name, _) in odop_ledger::conformance::CHECKS {
        assert!(
            source.contains(&format!("    {name},")),
            "no test runs {name}"
        );
    }
}

#[test]
fn a_newer_ledger_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.sqlite3");
    drop(SqliteLedger::open(&path).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    let err = SqliteLedger::open(&path).unwrap_err();
    assert_eq!(err.code(), "schema_too_new");
    assert!(err.to_string().contains("99"), "{err}");
}
