//! The conformance suite: what every [`Ledger`] backend must do, run by each backend's tests.
//!
//! Each check gets a fresh, empty ledger and panics with a message naming what failed.

use std::collections::{BTreeMap, BTreeSet};

use odop_protocol::{
    Change, FieldChange, Held, Mutation, Op, Outcome, PullQuery, PullResponse, PushRequest,
    PushResponse, Role, MAX_PULL_LIMIT, PULL_PAGE_BYTES,
};
use serde_json::{json, Value};

use crate::{
    gi_tag, publish_gi, Account, GiEntry, Ledger, LedgerError, PlaceNames, Places, StateKind, Token,
};
use odop_domain::StateCode;
use odop_protocol::{GiListing, GiRegistry};

/// A check of one behaviour, on a fresh ledger.
pub type Check = fn(&dyn Ledger);

/// Every check, by name.
pub const CHECKS: &[(&str, Check)] = &[
    ("accounts_are_unique_hashed_and_revocable", accounts),
    ("a_created_row_is_pulled_within_read_scope", create_and_pull),
    ("state_editors_write_only_their_state", authority),
    ("viewers_write_nothing", viewers),
    ("a_refused_write_is_recorded_and_blocks_nothing", refusals),
    ("a_replayed_push_changes_nothing", replay),
    (
        "another_change_under_an_answered_number_is_refused_whole",
        diverged,
    ),
    ("a_sequence_gap_ends_the_batch", gaps),
    ("different_fields_merge_and_the_same_field_conflicts", merge),
    ("a_delete_racing_an_edit_is_a_conflict", delete_races),
    ("resolving_a_conflict_is_an_ordinary_edit", resolution),
    (
        "another_states_conflict_settles_nothing_for_a_state_editor",
        foreign_settlement,
    ),
    ("pages_cover_every_change_once", paging),
    (
        "a_page_of_long_rows_ends_by_size_and_loses_nothing",
        long_rows,
    ),
    ("a_row_leaving_a_state_departs_from_its_readers", departures),
    ("an_old_cursor_after_pruning_must_resync", horizon),
    (
        "a_first_pull_after_pruning_pages_to_the_head",
        paging_past_the_horizon,
    ),
    ("a_client_id_belongs_to_one_account", client_binding),
    ("a_row_names_only_live_records_of_its_own_state", references),
    ("an_invalid_row_is_refused_with_its_field", invalid_rows),
    ("a_cursor_beyond_the_head_is_reported", foreign_cursor),
    (
        "a_history_held_from_an_earlier_epoch_goes_on_only_when_all_of_it_is_here",
        epochs,
    ),
    (
        "once_places_are_loaded_a_row_is_written_only_in_one_of_them",
        places,
    ),
    (
        "a_pull_brings_the_places_to_a_desk_whose_copy_differs",
        places_pulled,
    ),
    (
        "only_central_sends_a_gi_registry_and_pulls_bring_it_to_other_copies",
        gi_registry,
    ),
    (
        "places_loaded_with_names_bring_their_names_to_desks",
        place_names,
    ),
];

/// Makes one `#[test]` per check; `$make` is an expression giving `(guard, ledger)`: a fresh
/// ledger and whatever must live as long as it (a temporary folder, a database).
#[macro_export]
macro_rules! conformance_tests {
    ($make:expr; $($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                let (_guard, ledger) = $make;
                let check = $crate::conformance::CHECKS
                    .iter()
                    .find(|(n, _)| *n == stringify!($name))
                    .expect("a check by this name")
                    .1;
                check(&ledger);
            }
        )*
    };
}

/// Runs every check, each on a ledger from `make`, and names every check that failed.
pub fn run_all(make: &mut dyn FnMut(&str) -> Box<dyn Ledger>) -> Vec<String> {
    let mut failed = Vec::new();
    for (name, check) in CHECKS {
        let ledger = make(name);
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&*ledger)));
        if outcome.is_err() {
            failed.push((*name).to_owned());
        }
    }
    failed
}

// ---- upgrades -------------------------------------------------------------------------------

/// For a backend's upgrade test, before it takes the ledger back to a schema that kept no names:
/// a product, and a seller and a story that name it.
pub fn write_named_product(ledger: &dyn Ledger) {
    let w = world(ledger);
    push(
        ledger,
        &w.central,
        "c-central",
        vec![create(1, product(1, 9, 187, "Up Saree"))],
    );
    let r = push(
        ledger,
        &w.up,
        "c-up",
        vec![seller(1, 40, &[1]), numbered(2, story(30, 9, 187, 1))],
    );
    applied(&r, 0);
    applied(&r, 1);
}

/// After the upgrade: the product written by [`write_named_product`] is still held back from
/// deletion by both rows that name it.
pub fn named_product_is_held(ledger: &dyn Ledger) {
    let central = Account::new("dpiit", Role::Central, None).expect("a valid account");
    let r = push(ledger, &central, "c-central", vec![delete(2, 1, 1)]);
    let (code, reason, detail) = refused_with(&r, 0);
    assert_eq!(code, "in_use", "{reason}");
    assert_eq!(
        detail.expect("the rows that name it, as data")["used_by"],
        json!([format!("seller {}", id(40)), format!("story {}", id(30))]),
        "the upgrade noted what the rows held before it name"
    );
}

// ---- fixtures -------------------------------------------------------------------------------

fn account(ledger: &dyn Ledger, name: &str, role: Role, state: Option<u16>) -> Account {
    let a = Account::new(name, role, state).expect("a valid account");
    let token = Token::generate().expect("a token");
    ledger
        .insert_account(&a, &token.hash())
        .expect("account stored");
    a
}

struct World {
    central: Account,
    up: Account,
    bihar: Account,
    up_viewer: Account,
}

fn world(ledger: &dyn Ledger) -> World {
    World {
        central: account(ledger, "dpiit", Role::Central, None),
        up: account(ledger, "up-editor", Role::StateEditor, Some(9)),
        bihar: account(ledger, "bihar-editor", Role::StateEditor, Some(10)),
        up_viewer: account(ledger, "up-viewer", Role::StateViewer, Some(9)),
    }
}

fn id(n: u32) -> String {
    format!("01930000-0000-7000-8000-{n:012}")
}

fn product(n: u32, state: u16, district: u32, name: &str) -> BTreeMap<String, Value> {
    let mut f = BTreeMap::new();
    f.insert("id".into(), json!(id(n)));
    f.insert("state".into(), json!(state));
    f.insert("district".into(), json!(district));
    f.insert("rank".into(), json!("primary"));
    f.insert("sector".into(), json!("handloom"));
    f.insert("name".into(), json!(name));
    f
}

fn create(seq: u64, fields: BTreeMap<String, Value>) -> Mutation {
    let id = fields["id"].as_str().unwrap_or_default().to_owned();
    Mutation::create(seq, "product", &id, fields)
}

fn update(seq: u64, n: u32, base_version: u64, changes: &[(&str, Value, Value)]) -> Mutation {
    Mutation {
        seq,
        kind: "product".into(),
        id: id(n),
        op: Op::Put,
        base_version,
        fields: changes
            .iter()
            .map(|(k, base, new)| {
                (
                    (*k).to_owned(),
                    FieldChange {
                        base: base.clone(),
                        new: new.clone(),
                    },
                )
            })
            .collect(),
        resolves: vec![],
        at: String::new(),
    }
}

fn delete(seq: u64, n: u32, base_version: u64) -> Mutation {
    Mutation {
        seq,
        kind: "product".into(),
        id: id(n),
        op: Op::Delete,
        base_version,
        fields: BTreeMap::new(),
        resolves: vec![],
        at: String::new(),
    }
}

fn push(ledger: &dyn Ledger, who: &Account, client: &str, m: Vec<Mutation>) -> PushResponse {
    ledger
        .push(
            who,
            &PushRequest {
                client: client.into(),
                mutations: m,
            },
        )
        .expect("push taken")
}

fn outcome(r: &PushResponse, i: usize) -> &Outcome {
    &r.results[i].outcome
}

fn applied(r: &PushResponse, i: usize) -> u64 {
    match outcome(r, i) {
        Outcome::Applied { version } => *version,
        other => panic!("mutation {i} should apply, got {other:?}"),
    }
}

/// The id of the first conflict mutation `i` opened; `why` says why it should have.
fn conflict_opened(r: &PushResponse, i: usize, why: &str) -> String {
    match outcome(r, i) {
        Outcome::Conflict { conflicts, .. } => conflicts[0].id.clone(),
        other => panic!("{why}: mutation {i} got {other:?}"),
    }
}

fn refused(r: &PushResponse, i: usize) -> (String, String) {
    let (code, reason, _) = refused_with(r, i);
    (code, reason)
}

/// A refusal with the values its reason names, as data.
fn refused_with(r: &PushResponse, i: usize) -> (String, String, Option<Value>) {
    match outcome(r, i) {
        Outcome::Refused {
            code,
            reason,
            detail,
        } => (code.clone(), reason.clone(), detail.clone()),
        other => panic!("mutation {i} should be refused, got {other:?}"),
    }
}

/// Every change `who` can pull from `cursor`, following pages.
fn pull_all(ledger: &dyn Ledger, who: &Account, cursor: u64) -> (Vec<Change>, u64) {
    pull_all_by(ledger, who, cursor, 7)
}

/// [`pull_all`] with pages of up to `limit` changes, each asked with the horizon the page
/// before carried, as a desk asks.
fn pull_all_by(
    ledger: &dyn Ledger,
    who: &Account,
    mut cursor: u64,
    limit: u32,
) -> (Vec<Change>, u64) {
    let mut all = Vec::new();
    let mut horizon = 0;
    for _ in 0..10_000 {
        let page: PullResponse = ledger.pull(who, cursor, horizon, limit).expect("pull");
        assert!(page.cursor >= cursor, "a cursor never moves back");
        all.extend(page.changes);
        cursor = page.cursor;
        horizon = page.horizon;
        if !page.more {
            return (all, cursor);
        }
    }
    panic!("pull never ended");
}

/// The rows `who` sees: id -> fields.
fn view(ledger: &dyn Ledger, who: &Account) -> BTreeMap<String, Value> {
    let mut rows = BTreeMap::new();
    for change in pull_all(ledger, who, 0).0 {
        match change {
            Change::Row { id, fields, .. } => {
                rows.insert(id, Value::Object(fields));
            }
            Change::Tombstone { id, .. } | Change::Departed { id, .. } => {
                rows.remove(&id);
            }
            Change::Conflict { .. } => {}
        }
    }
    rows
}

fn conflicts_of(ledger: &dyn Ledger, who: &Account) -> Vec<odop_protocol::ConflictRecord> {
    let mut by_id = BTreeMap::new();
    for change in pull_all(ledger, who, 0).0 {
        if let Change::Conflict { record, .. } = change {
            by_id.insert(record.id.clone(), record);
        }
    }
    by_id.into_values().collect()
}

// ---- checks ---------------------------------------------------------------------------------

fn accounts(ledger: &dyn Ledger) {
    let a = Account::new("up-editor", Role::StateEditor, Some(9)).unwrap();
    let token = Token::generate().unwrap();
    ledger.insert_account(&a, &token.hash()).unwrap();
    let again = ledger.insert_account(&a, &Token::generate().unwrap().hash());
    assert!(
        matches!(again, Err(LedgerError::AccountExists { .. })),
        "a second account of the same name is refused, got {again:?}"
    );
    let found = ledger.account_for(&token.hash()).unwrap();
    assert_eq!(found.map(|f| f.name), Some("up-editor".to_owned()));
    assert_eq!(
        ledger.account_for(&token.0).unwrap(),
        None,
        "only hashes match"
    );
    assert_eq!(ledger.accounts().unwrap().len(), 1);
    assert!(ledger.revoke("up-editor").unwrap());
    assert!(
        !ledger.revoke("up-editor").unwrap(),
        "a second revoke changes nothing"
    );
    assert_eq!(ledger.account_for(&token.hash()).unwrap(), None);
    assert!(ledger.accounts().unwrap()[0].revoked_at.is_some());
    assert!(matches!(
        ledger.revoke("nobody"),
        Err(LedgerError::NoSuchAccount { .. })
    ));
}

fn create_and_pull(ledger: &dyn Ledger) {
    let w = world(ledger);
    let r = push(
        ledger,
        &w.up,
        "c-up",
        vec![create(1, product(1, 9, 187, "Banarasi Saree"))],
    );
    assert_eq!(applied(&r, 0), 1);
    assert_eq!(r.last_seq, 1);
    for who in [&w.central, &w.up, &w.up_viewer] {
        let rows = view(ledger, who);
        assert_eq!(rows.len(), 1, "{} sees the row", who.name);
        assert_eq!(rows[&id(1)]["name"], json!("Banarasi Saree"));
    }
    let (seen, cursor) = pull_all(ledger, &w.bihar, 0);
    assert!(
        seen.is_empty(),
        "another state reads nothing of UP: {seen:?}"
    );
    let head = ledger.pull(&w.central, 0, 0, 100).unwrap().head;
    assert_eq!(
        cursor, head,
        "an empty pull still moves the cursor to the head"
    );
}

fn authority(ledger: &dyn Ledger) {
    let w = world(ledger);
    push(
        ledger,
        &w.central,
        "c-central",
        vec![
            create(1, product(1, 9, 187, "Up Row")),
            create(2, product(2, 10, 211, "Bihar Row")),
        ],
    );
    let r = push(
        ledger,
        &w.up,
        "c-up",
        vec![
            create(1, product(3, 10, 211, "Forged into Bihar")),
            update(2, 2, 1, &[("name", json!("Bihar Row"), json!("Taken"))]),
            update(3, 1, 1, &[("state", json!(9), json!(10))]),
            delete(4, 2, 1),
            update(5, 2, 1, &[("state", json!(10), json!(9))]),
            update(
                6,
                1,
                1,
                &[("name", json!("Up Row"), json!("Up Row, renamed"))],
            ),
        ],
    );
    // Bihar's row, and whether the write would have moved a row there.
    let moving = [true, false, true, false, false];
    for (i, moving) in moving.into_iter().enumerate() {
        let (code, reason, detail) = refused_with(&r, i);
        assert_eq!(code, "forbidden", "mutation {i}: {reason}");
        assert!(
            reason.contains("state"),
            "the reason names the state: {reason}"
        );
        assert_eq!(
            detail,
            Some(json!({"row_state": 10, "account_state": 9, "moving": moving})),
            "mutation {i}: {reason}"
        );
    }
    assert_eq!(applied(&r, 5), 2);
    let rows = view(ledger, &w.central);
    assert_eq!(rows.len(), 2, "nothing was created in Bihar");
    assert_eq!(rows[&id(2)]["name"], json!("Bihar Row"));
    assert_eq!(rows[&id(2)]["state"], json!(10));
    assert_eq!(rows[&id(1)]["state"], json!(9));
    // DPIIT may move a row between states.
    let r = push(
        ledger,
        &w.central,
        "c-central",
        vec![update(
            3,
            1,
            2,
            &[
                ("state", json!(9), json!(10)),
                ("district", json!(187), json!(211)),
            ],
        )],
    );
    assert_eq!(applied(&r, 0), 3);
    assert_eq!(view(ledger, &w.bihar).len(), 2);
}

fn viewers(ledger: &dyn Ledger) {
    let w = world(ledger);
    let r = push(
        ledger,
        &w.up_viewer,
        "c-view",
        vec![create(1, product(1, 9, 187, "Viewer Row"))],
    );
    assert_eq!(refused(&r, 0).0, "read_only");
    assert!(view(ledger, &w.central).is_empty());
}

fn refusals(ledger: &dyn Ledger) {
    let w = world(ledger);
    let r = push(
        ledger,
        &w.up,
        "c-up",
        vec![
            create(1, product(1, 10, 211, "Not Ours")),
            create(2, product(2, 9, 187, "Ours")),
        ],
    );
    refused(&r, 0);
    applied(&r, 1);
    assert_eq!(r.last_seq, 2, "the client's sequence moves past a refusal");
    let kept = ledger.refusals(&w.up, 10).unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!((kept[0].seq, kept[0].code.as_str()), (1, "forbidden"));
    assert_eq!(ledger.refusals(&w.central, 10).unwrap().len(), 1);
    assert!(ledger.refusals(&w.bihar, 10).unwrap().is_empty());
}

fn replay(ledger: &dyn Ledger) {
    let w = world(ledger);
    let batch = vec![
        create(1, product(1, 9, 187, "Chikankari")),
        update(2, 1, 1, &[("rank", json!("primary"), json!("secondary"))]),
        create(3, product(2, 10, 211, "Refused")),
        delete(4, 1, 2),
    ];
    let first = push(ledger, &w.up, "c-up", batch.clone());
    let after_first = pull_all(ledger, &w.central, 0);
    for _ in 0..4 {
        let again = push(ledger, &w.up, "c-up", batch.clone());
        assert_eq!(again, first, "a replay is answered as the first time");
        assert_eq!(
            pull_all(ledger, &w.central, 0),
            after_first,
            "and changes nothing"
        );
    }
    // Part of the batch again, then the rest: still the same.
    let partial = push(ledger, &w.up, "c-up", batch[1..3].to_vec());
    assert_eq!(partial.results, first.results[1..3].to_vec());
    assert_eq!(ledger.refusals(&w.central, 10).unwrap().len(), 1);
}

fn diverged(ledger: &dyn Ledger) {
    let w = world(ledger);
    let mut edit = update(
        2,
        1,
        1,
        &[("name", json!("Chikankari"), json!("Chikankari Kurta"))],
    );
    edit.at = "2026-03-01T10:00:00.000Z".into();
    let first = push(
        ledger,
        &w.up,
        "c-up",
        vec![create(1, product(1, 9, 187, "Chikankari")), edit.clone()],
    );
    let before = pull_all(ledger, &w.central, 0);
    let again = push(ledger, &w.up, "c-up", vec![edit]);
    assert_eq!(
        again.results,
        first.results[1..].to_vec(),
        "the same change again is a replay"
    );

    // A copy of the client's database from before number 2 was sent makes another change
    // under it, and one more after.
    let mut other = update(
        2,
        1,
        1,
        &[("name", json!("Chikankari"), json!("Lucknow Chikankari"))],
    );
    other.at = "2026-03-02T09:00:00.000Z".into();
    let later = create(3, product(3, 9, 187, "Zardozi"));
    let err = ledger
        .push(
            &w.up,
            &PushRequest {
                client: "c-up".into(),
                mutations: vec![other.clone(), later.clone()],
            },
        )
        .expect_err("another change under an answered number is refused");
    assert!(matches!(err, LedgerError::Diverged { seq: 2, .. }), "{err}");
    assert_eq!(err.code(), "client_diverged");
    assert_eq!(
        pull_all(ledger, &w.central, 0),
        before,
        "nothing of the refused push is taken"
    );

    // As a new client the same changes are taken, numbered from 1.
    other.seq = 1;
    other.base_version = 2;
    other.fields.insert(
        "name".into(),
        FieldChange {
            base: json!("Chikankari Kurta"),
            new: json!("Lucknow Chikankari"),
        },
    );
    let taken = push(
        ledger,
        &w.up,
        "c-up-new",
        vec![other, Mutation { seq: 2, ..later }],
    );
    assert!(
        taken
            .results
            .iter()
            .all(|r| matches!(r.outcome, Outcome::Applied { .. })),
        "{taken:?}"
    );
}

fn gaps(ledger: &dyn Ledger) {
    let w = world(ledger);
    let r = push(
        ledger,
        &w.up,
        "c-up",
        vec![
            create(1, product(1, 9, 187, "One")),
            create(3, product(3, 9, 187, "Three")),
        ],
    );
    assert_eq!(r.results.len(), 1, "the batch ends at the gap");
    assert_eq!(r.last_seq, 1);
    assert_eq!(view(ledger, &w.up).len(), 1);
}

fn merge(ledger: &dyn Ledger) {
    let w = world(ledger);
    let mut fields = product(1, 9, 187, "Banarasi Saree");
    fields.insert("description".into(), json!("Silk"));
    push(ledger, &w.up, "c-a", vec![create(1, fields)]);
    // Another UP desk and DPIIT each edit version 1.
    let a = push(
        ledger,
        &w.up,
        "c-b",
        vec![update(
            1,
            1,
            1,
            &[(
                "name",
                json!("Banarasi Saree"),
                json!("Banarasi Silk Saree"),
            )],
        )],
    );
    assert_eq!(applied(&a, 0), 2);
    let b = push(
        ledger,
        &w.central,
        "c-central",
        vec![update(
            1,
            1,
            1,
            &[
                ("description", json!("Silk"), json!("Hand-woven silk")),
                ("name", json!("Banarasi Saree"), json!("Benarasi Saree")),
            ],
        )],
    );
    let Outcome::Conflict { version, conflicts } = outcome(&b, 0) else {
        panic!("the same field changed twice is a conflict: {b:?}");
    };
    assert_eq!(*version, 3, "the other field still applied");
    assert_eq!(conflicts.len(), 1);
    let c = &conflicts[0];
    assert_eq!(c.field, "name");
    assert_eq!(
        (&c.base, &c.server, &c.client),
        (
            &json!("Banarasi Saree"),
            &json!("Banarasi Silk Saree"),
            &json!("Benarasi Saree")
        )
    );
    assert_eq!(
        (c.server_author.as_str(), c.client_author.as_str()),
        ("up-editor", "dpiit")
    );
    let rows = view(ledger, &w.up);
    assert_eq!(
        rows[&id(1)]["name"],
        json!("Banarasi Silk Saree"),
        "the field was left as it was"
    );
    assert_eq!(rows[&id(1)]["description"], json!("Hand-woven silk"));
    assert_eq!(
        conflicts_seen(ledger, &w.up),
        1,
        "the state sees its conflict"
    );
    assert_eq!(conflicts_seen(ledger, &w.central), 1, "DPIIT sees it");
    assert_eq!(
        conflicts_seen(ledger, &w.bihar),
        0,
        "another state does not"
    );
    // Setting a field to the value it already holds is no conflict.
    let same = push(
        ledger,
        &w.central,
        "c-central",
        vec![update(
            2,
            1,
            1,
            &[(
                "name",
                json!("Banarasi Saree"),
                json!("Banarasi Silk Saree"),
            )],
        )],
    );
    assert_eq!(applied(&same, 0), 3);
}

fn conflicts_seen(ledger: &dyn Ledger, who: &Account) -> usize {
    conflicts_of(ledger, who).len()
}

fn delete_races(ledger: &dyn Ledger) {
    let w = world(ledger);
    push(
        ledger,
        &w.up,
        "c-a",
        vec![
            create(1, product(1, 9, 187, "Edited")),
            create(2, product(2, 9, 187, "Deleted")),
        ],
    );
    // Edit row 1 on one desk while another deletes it from version 1.
    push(
        ledger,
        &w.up,
        "c-a",
        vec![update(
            3,
            1,
            1,
            &[("name", json!("Edited"), json!("Edited again"))],
        )],
    );
    let d = push(ledger, &w.up, "c-b", vec![delete(1, 1, 1)]);
    let Outcome::Conflict { conflicts, .. } = outcome(&d, 0) else {
        panic!("a delete against a newer edit is a conflict: {d:?}");
    };
    assert_eq!(conflicts[0].field, "*");
    assert_eq!(conflicts[0].client, Value::Null);
    assert!(view(ledger, &w.up).contains_key(&id(1)), "the row survives");
    // A delete at the current version leaves a tombstone.
    let d = push(ledger, &w.up, "c-b", vec![delete(2, 2, 1)]);
    assert_eq!(applied(&d, 0), 2);
    let (changes, _) = pull_all(ledger, &w.up_viewer, 0);
    assert!(changes
        .iter()
        .any(|c| matches!(c, Change::Tombstone { id: t, .. } if *t == id(2))));
    // An edit made before the delete was seen is a conflict too.
    let e = push(
        ledger,
        &w.up,
        "c-a",
        vec![update(
            4,
            2,
            1,
            &[("name", json!("Deleted"), json!("Revived"))],
        )],
    );
    assert!(matches!(outcome(&e, 0), Outcome::Conflict { .. }), "{e:?}");
    assert!(!view(ledger, &w.up).contains_key(&id(2)));
}

fn resolution(ledger: &dyn Ledger) {
    let w = world(ledger);
    push(
        ledger,
        &w.up,
        "c-a",
        vec![create(1, product(1, 9, 187, "Base"))],
    );
    push(
        ledger,
        &w.up,
        "c-a",
        vec![update(2, 1, 1, &[("name", json!("Base"), json!("Mine"))])],
    );
    let r = push(
        ledger,
        &w.central,
        "c-central",
        vec![update(1, 1, 1, &[("name", json!("Base"), json!("Theirs"))])],
    );
    let conflict = conflict_opened(&r, 0, "the same field changed twice is a conflict");
    // DPIIT settles on a merged value, editing from the server's value.
    let mut settle = update(
        2,
        1,
        2,
        &[("name", json!("Mine"), json!("Mine and Theirs"))],
    );
    settle.resolves = vec![conflict];
    let r = push(ledger, &w.central, "c-central", vec![settle]);
    assert_eq!(applied(&r, 0), 3);
    let seen = conflicts_of(ledger, &w.up);
    assert_eq!(seen.len(), 1);
    assert_eq!(
        seen[0].resolved_by.as_deref(),
        Some("dpiit"),
        "the state sees it settled"
    );
    assert_eq!(
        view(ledger, &w.up)[&id(1)]["name"],
        json!("Mine and Theirs")
    );
}

/// Naming a conflict id grants nothing: a state editor who learns another state's conflict can
/// neither revive that state's deleted row into its own state nor mark the conflict settled.
fn foreign_settlement(ledger: &dyn Ledger) {
    let w = world(ledger);
    push(
        ledger,
        &w.central,
        "c-central",
        vec![create(1, product(1, 10, 211, "Bihar Row"))],
    );
    let d = push(ledger, &w.bihar, "c-bihar", vec![delete(1, 1, 1)]);
    assert_eq!(applied(&d, 0), 2);
    // DPIIT's edit, made before the delete was seen, leaves an open whole-row conflict.
    let r = push(
        ledger,
        &w.central,
        "c-central",
        vec![update(
            2,
            1,
            1,
            &[("name", json!("Bihar Row"), json!("Bihar Row, edited"))],
        )],
    );
    let conflict = conflict_opened(&r, 0, "an edit of a deleted row is a conflict");

    let mut revive = create(1, product(1, 9, 187, "Taken by UP"));
    revive.resolves = vec![conflict.clone()];
    let mut revive_as_bihar = create(2, product(1, 10, 211, "Taken by UP"));
    revive_as_bihar.resolves = vec![conflict.clone()];
    let mut delete_again = delete(3, 1, 2);
    delete_again.resolves = vec![conflict.clone()];
    let r = push(
        ledger,
        &w.up,
        "c-up",
        vec![revive, revive_as_bihar, delete_again],
    );
    for i in 0..3 {
        let (code, reason) = refused(&r, i);
        assert_eq!(code, "forbidden", "mutation {i}: {reason}");
    }
    assert!(
        !view(ledger, &w.central).contains_key(&id(1)),
        "the row stays deleted"
    );
    let seen = conflicts_of(ledger, &w.central);
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].resolved_by, None, "the conflict is still open");

    // Bihar's own editor may keep the edit over the deletion.
    let mut keep = create(2, product(1, 10, 211, "Bihar Row, kept"));
    keep.resolves = vec![conflict];
    let r = push(ledger, &w.bihar, "c-bihar", vec![keep]);
    assert_eq!(applied(&r, 0), 3);
    assert_eq!(
        view(ledger, &w.central)[&id(1)]["name"],
        json!("Bihar Row, kept")
    );
    assert_eq!(
        conflicts_of(ledger, &w.central)[0].resolved_by.as_deref(),
        Some("bihar-editor")
    );

    // A conflict stays with the state it arose in: once DPIIT moves its row to UP, UP's editor
    // may edit the row but not settle the conflict, which it cannot see.
    push(
        ledger,
        &w.central,
        "c-central",
        vec![create(3, product(2, 10, 211, "Moving Row"))],
    );
    push(
        ledger,
        &w.bihar,
        "c-bihar",
        vec![update(
            3,
            2,
            1,
            &[("name", json!("Moving Row"), json!("Bihar's"))],
        )],
    );
    let r = push(
        ledger,
        &w.central,
        "c-central",
        vec![update(
            4,
            2,
            1,
            &[("name", json!("Moving Row"), json!("DPIIT's"))],
        )],
    );
    let moved_conflict = conflict_opened(&r, 0, "the same field changed twice is a conflict");
    let r = push(
        ledger,
        &w.central,
        "c-central",
        vec![update(
            5,
            2,
            2,
            &[
                ("state", json!(10), json!(9)),
                ("district", json!(211), json!(187)),
            ],
        )],
    );
    assert_eq!(applied(&r, 0), 3);
    let mut edit = update(4, 2, 3, &[("name", json!("Bihar's"), json!("UP's"))]);
    edit.resolves = vec![moved_conflict.clone()];
    let r = push(ledger, &w.up, "c-up", vec![edit]);
    assert_eq!(applied(&r, 0), 4, "the row is UP's to edit");
    let still_open = conflicts_of(ledger, &w.central)
        .into_iter()
        .find(|c| c.id == moved_conflict)
        .expect("the conflict is kept");
    assert_eq!(still_open.resolved_by, None, "UP settled Bihar's conflict");
}

fn paging(ledger: &dyn Ledger) {
    let w = world(ledger);
    let batch: Vec<_> = (1..=25)
        .map(|n| {
            create(
                u64::from(n),
                product(n, if n % 3 == 0 { 10 } else { 9 }, 187, "Row"),
            )
        })
        .collect();
    push(ledger, &w.central, "c-central", batch);
    let (changes, cursor) = pull_all(ledger, &w.central, 0);
    let ids: BTreeSet<_> = changes
        .iter()
        .filter_map(|c| match c {
            Change::Row { id, .. } => Some(id.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        (changes.len(), ids.len()),
        (25, 25),
        "every row exactly once"
    );
    let seqs: Vec<_> = changes.iter().map(Change::seq).collect();
    assert!(seqs.windows(2).all(|p| p[0] < p[1]), "in sequence order");
    assert_eq!(view(ledger, &w.up).len(), 17, "UP reads its 17 rows");
    // Nothing new: an empty page at the same cursor.
    let again = ledger.pull(&w.central, cursor, 0, 7).unwrap();
    assert!(again.changes.is_empty() && !again.more && again.cursor == cursor);
    // A limit of 0 still makes progress.
    assert_eq!(ledger.pull(&w.central, 0, 0, 0).unwrap().changes.len(), 1);
}

fn long_rows(ledger: &dyn Ledger) {
    let w = world(ledger);
    // 200 products with 9,000-letter Devanagari descriptions: about 27 KB of JSON each, so
    // more than a page's size in all.
    let description = "क".repeat(9_000);
    let rows: u32 = 200;
    for first in (1..=rows).step_by(50) {
        let batch = (first..first + 50)
            .map(|n| {
                let mut f = product(n, 9, 187, "Long");
                f.insert("description".into(), json!(description));
                create(u64::from(n), f)
            })
            .collect();
        push(ledger, &w.central, "c-central", batch);
    }
    // The first row leaves UP after everything else was written: its departure comes last.
    push(
        ledger,
        &w.central,
        "c-central",
        vec![update(
            u64::from(rows) + 1,
            1,
            1,
            &[
                ("state", json!(9), json!(10)),
                ("district", json!(187), json!(211)),
            ],
        )],
    );

    let first = ledger.pull(&w.up, 0, 0, MAX_PULL_LIMIT).expect("pull");
    let size: usize = first
        .changes
        .iter()
        .map(|c| match c {
            Change::Row { fields, .. } => serde_json::to_string(fields).map_or(0, |t| t.len()),
            _ => 0,
        })
        .sum();
    assert!(
        first.more && first.changes.len() < rows as usize,
        "a page of {} changes ({size} bytes) should have ended by size",
        first.changes.len()
    );
    assert!(
        (PULL_PAGE_BYTES..PULL_PAGE_BYTES + 40_000).contains(&size),
        "the page holds {size} bytes of fields, not just past {PULL_PAGE_BYTES}"
    );
    assert!(
        first
            .changes
            .iter()
            .all(|c| matches!(c, Change::Row { .. })),
        "the departure, written last, waits for its page"
    );

    let mut changes = first.changes;
    let (rest, _) = pull_all_by(ledger, &w.up, first.cursor, MAX_PULL_LIMIT);
    changes.extend(rest);
    let seqs: Vec<_> = changes.iter().map(Change::seq).collect();
    assert!(
        seqs.windows(2).all(|p| p[0] < p[1]),
        "in sequence order, none twice"
    );
    assert!(
        matches!(changes.last(), Some(Change::Departed { id: d, .. }) if *d == id(1)),
        "UP is told the first row left"
    );
    assert_eq!(view(ledger, &w.up).len(), rows as usize - 1);
}

fn departures(ledger: &dyn Ledger) {
    let w = world(ledger);
    push(
        ledger,
        &w.central,
        "c-central",
        vec![create(1, product(1, 9, 187, "Mover"))],
    );
    let (_, up_cursor) = pull_all(ledger, &w.up, 0);
    push(
        ledger,
        &w.central,
        "c-central",
        vec![update(
            2,
            1,
            1,
            &[
                ("state", json!(9), json!(10)),
                ("district", json!(187), json!(211)),
            ],
        )],
    );
    let (changes, _) = pull_all(ledger, &w.up, up_cursor);
    assert!(
        matches!(changes.as_slice(), [Change::Departed { id: d, .. }] if *d == id(1)),
        "UP is told the row left: {changes:?}"
    );
    assert!(view(ledger, &w.up).is_empty());
    assert_eq!(view(ledger, &w.bihar).len(), 1);
    // Back again: UP sees the row, not a departure.
    push(
        ledger,
        &w.central,
        "c-central",
        vec![update(
            3,
            1,
            2,
            &[
                ("state", json!(10), json!(9)),
                ("district", json!(211), json!(187)),
            ],
        )],
    );
    assert_eq!(view(ledger, &w.up).len(), 1);
}

fn horizon(ledger: &dyn Ledger) {
    let w = world(ledger);
    push(
        ledger,
        &w.up,
        "c-up",
        vec![
            create(1, product(1, 9, 187, "Gone")),
            create(2, product(2, 9, 187, "Kept")),
        ],
    );
    let (_, old) = pull_all(ledger, &w.up, 0);
    push(ledger, &w.up, "c-up", vec![delete(3, 1, 1)]);
    assert_eq!(ledger.prune("9999-01-01T00:00:00.000Z").unwrap(), 1);
    match ledger.pull(&w.up, old, 0, 100) {
        Err(LedgerError::ResyncRequired { cursor, .. }) => assert_eq!(cursor, old),
        other => panic!("a cursor below the horizon must resync: {other:?}"),
    }
    let rows = view(ledger, &w.up);
    assert_eq!(rows.len(), 1, "a full resync from 0 still works");
    assert_eq!(ledger.prune("9999-01-01T00:00:00.000Z").unwrap(), 0);
}

/// A first pull pages from 0 to the head however far pruning has gone, each page asked with
/// the horizon the page before carried: rows read after the pruning show every deletion it
/// forgot. Pruning that passes the cursor of a pull under way still stops it.
fn paging_past_the_horizon(ledger: &dyn Ledger) {
    let w = world(ledger);
    let creates = (1..=8).map(|n| create(u64::from(n), product(n, 9, 187, "Row")));
    push(ledger, &w.up, "c-up", creates.collect());
    push(
        ledger,
        &w.up,
        "c-up",
        vec![
            delete(9, 1, 1),
            delete(10, 2, 1),
            create(11, product(9, 9, 187, "After")),
            create(12, product(10, 9, 187, "After")),
        ],
    );
    assert_eq!(ledger.prune("9999-01-01T00:00:00.000Z").unwrap(), 2);
    let (mut cursor, mut known, mut pages) = (0, 0, 0);
    let mut ids = BTreeSet::new();
    loop {
        let page = ledger
            .pull(&w.up, cursor, known, 2)
            .unwrap_or_else(|e| panic!("page {pages} after cursor {cursor}: {e}"));
        assert_eq!(page.horizon, 10, "the last pruned deletion's sequence");
        ids.extend(page.changes.iter().map(|c| match c {
            Change::Row { id, .. } => id.clone(),
            other => panic!("only rows are left: {other:?}"),
        }));
        (cursor, known, pages) = (page.cursor, page.horizon, pages + 1);
        if !page.more {
            break;
        }
    }
    assert!(pages > 2, "most pages end below the horizon: {pages}");
    assert_eq!(cursor, 12, "the pull reaches the head");
    assert_eq!(ids, (3..=10).map(id).collect::<BTreeSet<_>>());

    let first = ledger.pull(&w.up, 0, 0, 2).unwrap();
    let second = ledger.pull(&w.up, first.cursor, first.horizon, 2).unwrap();
    // A row of the first page is deleted and the deletion pruned before the third page.
    push(ledger, &w.up, "c-up", vec![delete(13, 3, 1)]);
    assert_eq!(ledger.prune("9999-01-01T00:00:00.000Z").unwrap(), 1);
    match ledger.pull(&w.up, second.cursor, second.horizon, 2) {
        Err(LedgerError::ResyncRequired { cursor, horizon }) => {
            assert_eq!((cursor, horizon), (second.cursor, 13));
        }
        other => panic!("pruning past the cursor since the last page must resync: {other:?}"),
    }
    // A client that does not say which horizon it saw is answered as before horizons were sent.
    assert!(matches!(
        ledger.pull(&w.up, first.cursor, 0, 2),
        Err(LedgerError::ResyncRequired { .. })
    ));
}

fn client_binding(ledger: &dyn Ledger) {
    let w = world(ledger);
    push(
        ledger,
        &w.up,
        "shared-id",
        vec![create(1, product(1, 9, 187, "Mine"))],
    );
    let stolen = ledger.push(
        &w.bihar,
        &PushRequest {
            client: "shared-id".into(),
            mutations: vec![create(2, product(2, 10, 211, "Theirs"))],
        },
    );
    assert!(
        matches!(stolen, Err(LedgerError::ClientTaken { .. })),
        "got {stolen:?}"
    );
}

fn invalid_rows(ledger: &dyn Ledger) {
    let w = world(ledger);
    let mut bad = product(1, 9, 187, "x");
    bad.insert("name".into(), json!(""));
    // The row's own id field disagrees with the id the mutation names.
    let mut wrong_id = create(2, product(2, 9, 187, "Wrong id"));
    wrong_id.id = id(99);
    let mut unknown = create(3, product(3, 9, 187, "Kind"));
    unknown.kind = "spaceship".into();
    let mut bad_id = create(4, product(4, 9, 187, "Id"));
    bad_id.id = "'; DROP TABLE rows; --".into();
    let r = push(
        ledger,
        &w.up,
        "c-up",
        vec![create(1, bad), wrong_id, unknown, bad_id],
    );
    let (code, reason, detail) = refused_with(&r, 0);
    assert_eq!(code, "invalid");
    assert!(
        reason.contains("name"),
        "the reason names the field: {reason}"
    );
    let detail = detail.expect("an invalid row's refusal carries the problem as data");
    assert_eq!(detail["field"], json!("name"), "{detail}");
    assert!(detail["problem"].is_string(), "{detail}");
    assert_eq!(refused(&r, 1).0, "invalid");
    assert_eq!(refused(&r, 2).0, "unknown_kind");
    assert_eq!(refused(&r, 3).0, "bad_id");
    assert!(view(ledger, &w.central).is_empty());
}

/// A state's policy record, which names no district.
fn policy(seq: u64, state: u16) -> Mutation {
    let id = odop_domain::Policy::id_for(odop_domain::StateCode(state)).to_string();
    Mutation::create(
        seq,
        "policy",
        &id,
        [
            ("id", json!(id)),
            ("state", json!(state)),
            ("status", json!("drafting")),
        ],
    )
}

fn places(ledger: &dyn Ledger) {
    let w = world(ledger);
    assert!(ledger.places().expect("places read").is_empty());
    // With no list loaded, no place is checked, as before there were lists.
    let r = push(
        ledger,
        &w.up,
        "c-up",
        vec![create(1, product(1, 9, 999_999, "Placed before"))],
    );
    applied(&r, 0);

    let list = Places {
        states: [9, 10].into(),
        districts: [(187, 9), (188, 9), (230, 10)].into(),
    };
    ledger.set_places(&list).expect("places stored");
    assert_eq!(ledger.places().expect("places read"), list);
    let r = push(
        ledger,
        &w.up,
        "c-up",
        vec![
            create(2, product(2, 9, 188, "In place")),
            create(3, product(3, 9, 4242, "Nowhere")),
            create(4, product(4, 9, 230, "In Bihar's district")),
            // A row keeps the place it had; an edit of its name is taken.
            update(
                5,
                1,
                1,
                &[("name", json!("Placed before"), json!("Renamed"))],
            ),
            // Moving it is a new place, and checked.
            update(6, 1, 2, &[("district", json!(999_999), json!(7))]),
        ],
    );
    applied(&r, 0);
    let (code, reason, detail) = refused_with(&r, 1);
    assert_eq!(code, "unknown_district", "{reason}");
    assert!(
        reason.contains("4242"),
        "the reason names the code: {reason}"
    );
    assert_eq!(detail, Some(json!({"district": 4242})));
    let (code, reason, detail) = refused_with(&r, 2);
    assert_eq!(code, "district_in_other_state", "{reason}");
    assert_eq!(
        detail,
        Some(json!({"district": 230, "actual": 10, "claimed": 9})),
        "{reason}"
    );
    assert_eq!(applied(&r, 3), 2);
    assert_eq!(refused(&r, 4).0, "unknown_district");

    // A record with no district is checked by its state alone.
    let r = push(
        ledger,
        &w.central,
        "c-central",
        vec![policy(1, 10), policy(2, 99)],
    );
    applied(&r, 0);
    let (code, reason, detail) = refused_with(&r, 1);
    assert_eq!(code, "unknown_state", "{reason}");
    assert_eq!(detail, Some(json!({"state": 99})));
    let held = view(ledger, &w.central);
    assert_eq!(held.len(), 3, "only the placed rows are held: {held:?}");
    let used = crate::places_in_use(ledger).expect("places in use read");
    assert_eq!(
        used,
        [
            ((9, Some(188)), 1),
            ((9, Some(999_999)), 1),
            ((10, None), 1)
        ]
        .into(),
        "the row placed before the list still lies where it did"
    );
    assert!(!held.contains_key(&id(3)) && !held.contains_key(&id(4)));

    // A new list replaces the old one whole, and an empty one checks nothing again.
    let smaller = Places {
        states: [10].into(),
        districts: [(230, 10)].into(),
    };
    ledger.set_places(&smaller).expect("places stored");
    assert_eq!(ledger.places().expect("places read"), smaller);
    let r = push(
        ledger,
        &w.up,
        "c-up",
        vec![create(7, product(5, 9, 187, "Dropped from the list"))],
    );
    assert_eq!(refused(&r, 0).0, "unknown_district");
    ledger
        .set_places(&Places::default())
        .expect("places cleared");
    let r = push(
        ledger,
        &w.up,
        "c-up",
        vec![create(8, product(5, 9, 187, "Dropped from the list"))],
    );
    applied(&r, 0);
}

/// A story of state `state` in district `district`, naming `product` (by fixture number).
fn story(n: u32, state: u16, district: u32, product: u32) -> Mutation {
    Mutation::create(
        1,
        "story",
        &id(n),
        [
            ("id", json!(id(n))),
            ("state", json!(state)),
            ("district", json!(district)),
            ("product", json!(id(product))),
            ("title", json!(format!("Story {n}"))),
            ("texts", json!([{"lang": "en", "text": "Orders doubled."}])),
        ],
    )
}

/// An Uttar Pradesh exporter numbered `n` selling the products numbered in `products`.
fn seller(seq: u64, n: u32, products: &[u32]) -> Mutation {
    let products: Vec<String> = products.iter().map(|p| id(*p)).collect();
    Mutation::create(
        seq,
        "seller",
        &id(n),
        [
            ("id", json!(id(n))),
            ("state", json!(9)),
            ("district", json!(187)),
            ("name", json!("Trader")),
            ("kind", json!("exporter")),
            ("packaging", json!("needed")),
            ("products", json!(products)),
        ],
    )
}

fn numbered(seq: u64, mut m: Mutation) -> Mutation {
    m.seq = seq;
    m
}

fn references(ledger: &dyn Ledger) {
    let w = world(ledger);
    push(
        ledger,
        &w.central,
        "c-central",
        vec![
            create(1, product(1, 9, 187, "Up Saree")),
            create(2, product(2, 10, 211, "Bihar Painting")),
            create(3, product(3, 9, 187, "Up Carpet")),
        ],
    );
    // A seller may sell products made in other states.
    let seller = seller(5, 40, &[1, 2]);
    let r = push(
        ledger,
        &w.up,
        "c-up",
        vec![
            numbered(1, story(30, 9, 187, 1)),
            numbered(2, story(31, 9, 187, 2)),
            numbered(3, story(32, 9, 187, 77)),
            numbered(4, story(33, 9, 187, 40)),
            seller,
        ],
    );
    applied(&r, 0);
    let (code, reason, detail) = refused_with(&r, 1);
    assert_eq!(code, "reference_in_other_state", "{reason}");
    let detail = detail.expect("the refusal names the record as data");
    assert_eq!(detail["field"], json!("product"), "{detail}");
    assert_eq!(detail["id"], json!(id(2)), "{detail}");
    assert_eq!(detail["row_state"], json!(10), "{detail}");
    let (code, reason, detail) = refused_with(&r, 2);
    assert_eq!(code, "missing_reference", "{reason}");
    assert!(
        reason.contains(&id(77)),
        "the reason names the id: {reason}"
    );
    assert_eq!(detail.expect("as data")["kind"], json!("product"));
    // An id of a seller is no product's.
    assert_eq!(refused(&r, 3).0, "missing_reference");
    applied(&r, 4);

    // A record that rows name is neither deleted nor moved away from them.
    let r = push(ledger, &w.central, "c-central", vec![delete(4, 1, 1)]);
    let (code, reason, detail) = refused_with(&r, 0);
    assert_eq!(code, "in_use", "{reason}");
    let used_by = detail.expect("the rows that name it, as data")["used_by"].clone();
    assert_eq!(
        used_by,
        json!([format!("seller {}", id(40)), format!("story {}", id(30))]),
        "{reason}"
    );
    let r = push(
        ledger,
        &w.central,
        "c-central",
        vec![numbered(5, story(35, 9, 187, 3))],
    );
    applied(&r, 0);
    let away = update(
        6,
        3,
        1,
        &[
            ("state", json!(9), json!(10)),
            ("district", json!(187), json!(211)),
        ],
    );
    let (code, reason) = refused(&push(ledger, &w.central, "c-central", vec![away]), 0);
    assert_eq!(code, "still_referred", "{reason}");
    assert!(
        reason.contains(&id(35)),
        "the reason names the story: {reason}"
    );
    // A seller may sell a product of another state, so it holds no product back.
    let home = update(
        7,
        2,
        1,
        &[
            ("state", json!(10), json!(9)),
            ("district", json!(211), json!(187)),
        ],
    );
    applied(&push(ledger, &w.central, "c-central", vec![home]), 0);

    // Once nothing names it, it goes; a new name for it is then refused.
    let mut retell = update(6, 30, 1, &[("product", json!(id(1)), json!(id(3)))]);
    retell.kind = "story".into();
    let mut narrower = update(
        7,
        40,
        1,
        &[("products", json!([id(1), id(2)]), json!([id(2)]))],
    );
    narrower.kind = "seller".into();
    let r = push(ledger, &w.up, "c-up", vec![retell, narrower]);
    applied(&r, 0);
    applied(&r, 1);
    applied(
        &push(ledger, &w.central, "c-central", vec![delete(8, 1, 1)]),
        0,
    );
    let r = push(
        ledger,
        &w.up,
        "c-up",
        vec![numbered(8, story(34, 9, 187, 1))],
    );
    assert_eq!(refused(&r, 0).0, "missing_reference");

    // Moving a record to another state checks again what it already named.
    let mut moving = update(
        9,
        35,
        1,
        &[
            ("state", json!(9), json!(10)),
            ("district", json!(187), json!(211)),
        ],
    );
    moving.kind = "story".into();
    let r = push(ledger, &w.central, "c-central", vec![moving]);
    let (code, _, detail) = refused_with(&r, 0);
    assert_eq!(code, "reference_in_other_state");
    assert_eq!(detail.expect("as data")["record_state"], json!(10));

    let held: BTreeSet<String> = view(ledger, &w.central).into_keys().collect();
    let want: BTreeSet<String> = [id(2), id(3), id(30), id(35), id(40)].into_iter().collect();
    assert_eq!(held, want, "only the accepted rows are held");

    // A deleted row names nothing any more: product 3 is held back by story 30 alone once
    // story 35 is gone, and goes once story 30 is gone too.
    let mut gone = delete(10, 35, 1);
    gone.kind = "story".into();
    applied(&push(ledger, &w.central, "c-central", vec![gone]), 0);
    let (code, _, detail) = refused_with(
        &push(ledger, &w.central, "c-central", vec![delete(11, 3, 1)]),
        0,
    );
    assert_eq!(code, "in_use");
    assert_eq!(
        detail.expect("as data")["used_by"],
        json!([format!("story {}", id(30))])
    );
    let mut gone = delete(12, 30, 2);
    gone.kind = "story".into();
    applied(&push(ledger, &w.central, "c-central", vec![gone]), 0);
    applied(
        &push(ledger, &w.central, "c-central", vec![delete(13, 3, 1)]),
        0,
    );
}

fn foreign_cursor(ledger: &dyn Ledger) {
    let w = world(ledger);
    push(
        ledger,
        &w.up,
        "c-up",
        vec![create(1, product(1, 9, 187, "One"))],
    );
    let page = ledger.pull(&w.up, 1_000_000, 0, 10).unwrap();
    assert!(page.changes.is_empty());
    assert!(
        page.head < 1_000_000,
        "the head tells the client it is ahead"
    );
    let other = ledger.pull(&w.central, 0, 0, 10).unwrap();
    assert_eq!(other.epoch, page.epoch);
    assert!(!page.epoch.is_empty());
}

/// A client names the epoch of its last page, its client id and its last answered push. The
/// history it holds goes on in a later epoch of the same database (a restart); it does not when
/// the epoch is unknown here, the cursor is past that epoch's end, more pushes were answered
/// than this database took, or the client id is another account's.
fn epochs(ledger: &dyn Ledger) {
    let w = world(ledger);
    let taken = push(
        ledger,
        &w.up,
        "c-up",
        vec![
            create(1, product(1, 9, 187, "One")),
            create(2, product(2, 9, 188, "Two")),
        ],
    );
    assert_eq!(taken.last_seq, 2);
    let first = ledger.pull(&w.up, 0, 0, 100).unwrap();
    assert!(!first.continues, "a first pull names no history");
    let held = |epoch: &str, client: &str, acked: u64| Held {
        epoch: epoch.into(),
        client: client.into(),
        acked,
    };
    let ask = |who: &Account, cursor: u64, h: Held| {
        ledger
            .pull_with(who, &PullQuery::new(cursor, 0, 100, Some(h)))
            .expect("pull")
    };
    let same = ask(&w.up, first.cursor, held(&first.epoch, "c-up", 2));
    assert!(same.continues, "the current epoch goes on");

    let later = ledger.new_epoch().expect("a new epoch");
    assert_ne!(later, first.epoch);
    let after = ask(&w.up, first.cursor, held(&first.epoch, "c-up", 2));
    assert_eq!(after.epoch, later, "the page carries the epoch now in use");
    assert!(after.continues, "a restart keeps the history: {after:?}");
    // Changes written in the new epoch lie past the old one's end.
    push(
        ledger,
        &w.up,
        "c-up",
        vec![create(3, product(3, 9, 187, "Three"))],
    );
    let head = ledger.pull(&w.up, 0, 0, 100).unwrap().head;
    assert!(head > first.cursor);
    let past = ask(&w.up, head, held(&first.epoch, "c-up", 3));
    assert!(
        !past.continues,
        "no cursor past an epoch's end was handed out in it"
    );
    let now = ask(&w.up, head, held(&later, "c-up", 3));
    assert!(now.continues, "the new epoch reaches the head");

    let unknown = ask(&w.up, first.cursor, held("an-epoch-never-here", "c-up", 2));
    assert!(!unknown.continues, "an unknown epoch is another history");
    let lost = ask(&w.up, head, held(&later, "c-up", 4));
    assert!(
        !lost.continues,
        "a push answered to the client but not here was lost"
    );
    let foreign = ask(&w.bihar, head, held(&later, "c-up", 0));
    assert!(
        !foreign.continues,
        "another account's client proves nothing"
    );
    let quiet = ask(&w.bihar, head, held(&later, "c-bihar-never-pushed", 0));
    assert!(quiet.continues, "a client that never pushed lost nothing");
    // What the page holds does not depend on what was claimed.
    assert_eq!(past.changes, now.changes);
    let plain = ledger.pull(&w.up, first.cursor, 0, 100).unwrap();
    assert_eq!(unknown.changes, plain.changes);
    assert!(!plain.changes.is_empty());
}

/// Two products of Uttar Pradesh written by `who`, so that a pull one row at a time has a page
/// before its last: reference lists ride only on the last.
fn two_rows(ledger: &dyn Ledger, who: &Account, client: &str) {
    let r = push(
        ledger,
        who,
        client,
        vec![
            create(1, product(1, 9, 187, "One")),
            create(2, product(2, 9, 187, "Two")),
        ],
    );
    applied(&r, 1);
}

/// The lists go to a desk on the last page of a pull that named another tag than theirs, in the
/// page's own snapshot: not on earlier pages, not again once the desk names theirs, and not to a
/// desk that does not ask.
fn places_pulled(ledger: &dyn Ledger) {
    let w = world(ledger);
    two_rows(ledger, &w.central, "c-central");
    let ask = |held: Option<&str>, cursor: u64, limit: u32| {
        let query = PullQuery {
            places: held.map(str::to_owned),
            ..PullQuery::new(cursor, 0, limit, None)
        };
        ledger.pull_with(&w.central, &query).expect("pull")
    };
    let none = ask(Some("unknown"), 0, 100)
        .places
        .expect("the lists, none loaded");
    assert_eq!((none.tag.as_str(), none.states.len()), ("none", 0));
    assert_eq!(ask(Some("none"), 0, 100).places, None);

    let list = Places {
        states: [9, 10].into(),
        districts: [(187, 9), (230, 10)].into(),
    };
    ledger.set_places(&list).expect("places stored");
    let first = ask(Some("none"), 0, 1);
    assert!(first.more && first.places.is_none(), "{first:?}");
    let last = ask(Some("none"), first.cursor, 100);
    assert!(!last.more);
    let update = last.places.expect("the new lists on the last page");
    assert_eq!(update.tag, list.tag());
    assert_eq!(update.states, vec![9, 10]);
    assert_eq!(update.districts, vec![(187, 9), (230, 10)]);
    assert_eq!(ask(Some(&list.tag()), 0, 100).places, None);
    assert_eq!(ask(None, 0, 100).places, None);
    // Cleared, the lists go as none to a desk that holds them.
    ledger
        .set_places(&Places::default())
        .expect("places cleared");
    let cleared = ask(Some(&list.tag()), 0, 100)
        .places
        .expect("the lists cleared");
    assert_eq!(
        (
            cleared.tag.as_str(),
            cleared.states.len(),
            cleared.districts.len()
        ),
        ("none", 0, 0)
    );
    assert_eq!(ask(Some("none"), 0, 100).places, None);
}

fn gi_listing(number: u32, name: &str, states: &[u16]) -> GiListing {
    GiListing {
        number,
        name: name.into(),
        goods: "Handicraft".into(),
        states: states.to_vec(),
    }
}

fn gi_sent(entries: Vec<GiListing>) -> GiRegistry {
    let domain: Vec<GiEntry> = entries.iter().map(crate::entry_of).collect();
    GiRegistry {
        tag: gi_tag(&domain),
        entries,
    }
}

fn gi_registry(ledger: &dyn Ledger) {
    let w = world(ledger);
    two_rows(ledger, &w.up, "c-up");
    let ask = |who: &Account, held: Option<&str>, cursor: u64, limit: u32| {
        let query = PullQuery {
            gi: held.map(str::to_owned),
            ..PullQuery::new(cursor, 0, limit, None)
        };
        ledger.pull_with(who, &query).expect("pull")
    };
    // Until DPIIT sends one, a desk keeps its own: nothing is sent, not even "none".
    assert_eq!(ask(&w.up, Some("3gi-0000000000000001"), 0, 100).gi, None);

    let good = gi_sent(vec![
        gi_listing(17, "Basmati", &[9, 10]),
        gi_listing(2, "Banarasi Brocades and Sarees", &[9]),
    ]);
    let refused = publish_gi(ledger, &w.up, &good).expect_err("a state may not send it");
    assert!(
        matches!(refused, LedgerError::NotCentral { .. }),
        "{refused}"
    );
    assert_eq!(refused.code(), "forbidden");
    assert!(ledger.gi_registry().expect("read").is_empty());

    // Each bad list is refused whole, naming the entry, and keeps nothing.
    ledger
        .set_places(&Places {
            states: [9, 10].into(),
            districts: [(187, 9), (230, 10)].into(),
        })
        .expect("places stored");
    let bad_lists = [
        (gi_sent(vec![]), "no entries"),
        (
            gi_sent(vec![
                gi_listing(1, "Basmati", &[9]),
                gi_listing(2, "BASMATI", &[10]),
            ]),
            "entry 2 (\"BASMATI\", number 2): entry 1 has the same name",
        ),
        (
            gi_sent(vec![
                gi_listing(1, "Basmati", &[9]),
                gi_listing(3, "Muga Silk", &[18]),
            ]),
            "entry 2 (\"Muga Silk\", number 3): state 18 is not in the server's LGD lists",
        ),
        (
            gi_sent(vec![gi_listing(1, "Basmati", &[])]),
            "entry 1 (\"Basmati\", number 1): state is required",
        ),
        (
            GiRegistry {
                tag: "2gi-0000000000000000".into(),
                ..good.clone()
            },
            "but its entries make",
        ),
    ];
    for (list, says) in bad_lists {
        let e = publish_gi(ledger, &w.central, &list).expect_err("a bad list");
        assert_eq!(e.code(), "bad_gi_registry", "{e}");
        assert!(e.to_string().contains(says), "{e} should say {says:?}");
    }
    assert!(ledger.gi_registry().expect("read").is_empty());

    let answer = publish_gi(ledger, &w.central, &good).expect("central sends it");
    assert_eq!(
        (answer.tag.as_str(), answer.entries),
        (good.tag.as_str(), 2)
    );
    let held = ledger.gi_registry().expect("read");
    assert_eq!(held.len(), 2);
    assert_eq!(held[0].name, "Basmati");
    assert_eq!(held[0].states, vec![StateCode(9), StateCode(10)]);
    assert_eq!(gi_tag(&held), good.tag);

    // The registry rides on the last page only, to a desk whose copy differs.
    let first = ask(&w.up, Some("none"), 0, 1);
    assert!(first.more && first.gi.is_none(), "{first:?}");
    let last = ask(&w.up, Some("none"), first.cursor, 100);
    assert!(!last.more);
    assert_eq!(last.gi.as_ref(), Some(&good));
    assert_eq!(ask(&w.bihar, Some("none"), 0, 100).gi.as_ref(), Some(&good));
    assert_eq!(ask(&w.up_viewer, Some(&good.tag), 0, 100).gi, None);
    assert_eq!(ask(&w.up, None, 0, 100).gi, None);

    // A new list replaces the old whole, and goes to desks holding the old.
    let next = gi_sent(vec![gi_listing(17, "Basmati", &[9, 10])]);
    publish_gi(ledger, &w.central, &next).expect("replaced");
    assert_eq!(ask(&w.up, Some(&good.tag), 0, 100).gi, Some(next));
}

fn place_names(ledger: &dyn Ledger) {
    let w = world(ledger);
    let ask = |held: &str| {
        let query = PullQuery {
            places: Some(held.to_owned()),
            ..PullQuery::new(0, 0, 100, None)
        };
        ledger.pull_with(&w.up, &query).expect("pull").places
    };
    let list = Places {
        states: [9, 10, 4].into(),
        districts: [(187, 9), (230, 10)].into(),
    };
    // Loaded without names, the lists keep the tag they always had, and carry no names.
    ledger.set_places(&list).expect("places stored");
    assert_eq!(ledger.places_tag().expect("tag"), Some(list.tag()));
    let bare = ask("none").expect("the lists");
    assert!(bare.state_names.is_empty() && bare.district_names.is_empty());

    let names = PlaceNames {
        states: [
            (9, ("Uttar Pradesh".to_owned(), StateKind::State)),
            (10, ("Bihar".to_owned(), StateKind::State)),
            (4, ("Chandigarh".to_owned(), StateKind::Ut)),
        ]
        .into(),
        // A district without a name in the file stays nameless, and still listed.
        districts: [(187, "Varanasi".to_owned())].into(),
    };
    ledger
        .set_named_places(&list, &names)
        .expect("named places stored");
    assert_eq!(ledger.places().expect("places"), list);
    let tag = list.tag_named(&names);
    assert_ne!(tag, list.tag());
    assert_eq!(ledger.places_tag().expect("tag"), Some(tag.clone()));
    // A desk holding the nameless copy is sent the names.
    let update = ask(&list.tag()).expect("the named lists");
    assert_eq!(update.tag, tag);
    assert_eq!(
        update.state_names,
        vec![
            (4, "Chandigarh".to_owned(), "ut".to_owned()),
            (9, "Uttar Pradesh".to_owned(), "state".to_owned()),
            (10, "Bihar".to_owned(), "state".to_owned()),
        ]
    );
    assert_eq!(update.district_names, vec![(187, "Varanasi".to_owned())]);
    assert_eq!(update.districts, vec![(187, 9), (230, 10)]);
    assert_eq!(ask(&tag), None);
}
