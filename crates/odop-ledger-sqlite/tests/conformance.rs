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
    another_change_under_an_answered_number_is_refused_whole,
    a_sequence_gap_ends_the_batch,
    different_fields_merge_and_the_same_field_conflicts,
    a_delete_racing_an_edit_is_a_conflict,
    resolving_a_conflict_is_an_ordinary_edit,
    another_states_conflict_settles_nothing_for_a_state_editor,
    pages_cover_every_change_once,
    a_page_of_long_rows_ends_by_size_and_loses_nothing,
    a_row_leaving_a_state_departs_from_its_readers,
    an_old_cursor_after_pruning_must_resync,
    a_first_pull_after_pruning_pages_to_the_head,
    a_client_id_belongs_to_one_account,
    a_row_names_only_live_records_of_its_own_state,
    an_invalid_row_is_refused_with_its_field,
    a_cursor_beyond_the_head_is_reported,
    a_history_held_from_an_earlier_epoch_goes_on_only_when_all_of_it_is_here,
    once_places_are_loaded_a_row_is_written_only_in_one_of_them,
    a_pull_brings_the_places_to_a_desk_whose_copy_differs,
    only_central_sends_a_gi_registry_and_pulls_bring_it_to_other_copies,
    places_loaded_with_names_bring_their_names_to_desks,
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

/// Takes a ledger back to schema `version` by dropping the tables later schemas added (the
/// rows table schema 3 rebuilt reads the same to the older code).
fn take_back(path: &std::path::Path, version: u32) {
    const ADDED: &[(u32, &str)] = &[
        (2, "DROP TABLE epochs;"),
        (3, "DROP TABLE names;"),
        (4, "DROP TABLE place_districts; DROP TABLE place_states;"),
        (5, "ALTER TABLE mutations DROP COLUMN mark;"),
    ];
    let conn = rusqlite::Connection::open(path).unwrap();
    for (_, drop) in ADDED.iter().filter(|(v, _)| *v > version) {
        conn.execute_batch(drop).unwrap();
    }
    conn.pragma_update(None, "user_version", version).unwrap();
}

/// A ledger from before epochs were kept (schema 1: no `epochs` table) is upgraded in place,
/// and a client holding the epoch it last ran under carries on after the upgrade.
#[test]
fn a_ledger_from_before_kept_epochs_carries_its_clients_on() {
    use odop_ledger::protocol::{Held, Mutation, PullQuery, PushRequest, Role};
    use odop_ledger::{Account, Ledger, Token};

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.sqlite3");
    let ledger = SqliteLedger::open(&path).unwrap();
    let up = Account::new("up-editor", Role::StateEditor, Some(9)).unwrap();
    ledger
        .insert_account(&up, &Token::generate().unwrap().hash())
        .unwrap();
    let id = "01930000-0000-7000-8000-000000000001";
    let fields: [(&str, serde_json::Value); 6] = [
        ("id", id.into()),
        ("state", 9.into()),
        ("district", 187.into()),
        ("rank", "primary".into()),
        ("sector", "handloom".into()),
        ("name", "Banarasi Saree".into()),
    ];
    let push = PushRequest {
        client: "c-up".into(),
        mutations: vec![Mutation::create(1, "product", id, fields)],
    };
    ledger.push(&up, &push).unwrap();
    let page = ledger.pull(&up, 0, 0, 100).unwrap();
    drop(ledger);
    take_back(&path, 1);

    let ledger = SqliteLedger::open(&path).unwrap();
    let held = Held {
        epoch: page.epoch.clone(),
        client: "c-up".into(),
        acked: 1,
    };
    let next = ledger
        .pull_with(&up, &PullQuery::new(page.cursor, 0, 100, Some(held)))
        .unwrap();
    assert_ne!(next.epoch, page.epoch, "a start takes a new epoch");
    assert!(next.continues, "the upgrade kept the history: {next:?}");
}

/// A ledger from before names were kept (schema 2) learns what its rows already name when it is
/// upgraded, so a record they name is still held back from deletion.
#[test]
fn a_ledger_from_before_kept_names_still_holds_named_records() {
    use odop_ledger::conformance::{named_product_is_held, write_named_product};

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.sqlite3");
    write_named_product(&SqliteLedger::open(&path).unwrap());
    take_back(&path, 2);
    named_product_is_held(&SqliteLedger::open(&path).unwrap());
}
