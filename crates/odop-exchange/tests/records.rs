//! Workshops, stories, gaps, actions and policies: exported in form keys and imported back.

use odop_domain::{
    Action, ActionStatus, Entity, EntityKind, Fields, Gap, Id, Policy, Story, Workshop,
};
use odop_exchange::{export, import, Fate, ImportOptions, ImportReport};
use odop_store::Store;

mod support;
use support::{flags, sample};

/// These kinds, in an order where what a record refers to comes first.
const KINDS: [EntityKind; 5] = [
    EntityKind::Workshop,
    EntityKind::Gap,
    EntityKind::Action,
    EntityKind::Story,
    EntityKind::Policy,
];

/// A file imported as `kind`, which must be read.
fn imported(s: &mut Store, kind: EntityKind, file: &std::path::Path) -> ImportReport {
    import(s, kind, file, ImportOptions::new("test")).unwrap()
}

/// The sample's places, products and sellers, without the records these files carry.
fn without_records() -> Store {
    let mut s = sample();
    let mut edit = s.edit("test").unwrap();
    for (kind, key) in [
        (EntityKind::Action, "a-packaging"),
        (EntityKind::Gap, "g-packaging"),
        (EntityKind::Gap, "g-gem"),
        (EntityKind::Story, "st-weavers"),
        (EntityKind::Workshop, "w-varanasi"),
    ] {
        edit.delete(kind, Id::derived("sample", key)).unwrap();
    }
    edit.delete(
        EntityKind::Policy,
        Policy::id_for(odop_domain::StateCode(9)),
    )
    .unwrap();
    edit.commit().unwrap();
    s
}

fn all(s: &Store, kind: EntityKind) -> Vec<Fields> {
    fn of<E: Entity>(s: &Store) -> Vec<Fields> {
        let mut v: Vec<E> = s.list(None, None, usize::MAX, 0).unwrap();
        v.sort_by_key(Entity::id);
        v.iter().map(Entity::to_fields).collect()
    }
    match kind {
        EntityKind::Workshop => of::<Workshop>(s),
        EntityKind::Story => of::<Story>(s),
        EntityKind::Gap => of::<Gap>(s),
        EntityKind::Action => of::<Action>(s),
        EntityKind::Policy => of::<Policy>(s),
        _ => unreachable!(),
    }
}

#[test]
fn every_kind_travels_to_another_desk_and_back_unchanged() {
    let source = sample();
    let dir = tempfile::tempdir().unwrap();
    for ext in ["csv", "xlsx"] {
        let mut copy = without_records();
        for kind in KINDS {
            let file = dir.path().join(format!("{kind}.{ext}"));
            let n = export(&source, kind, None, &file).unwrap();
            assert!(n > 0, "{kind}");
            let report = imported(&mut copy, kind, &file);
            assert_eq!(report.summary.flagged, 0, "{kind}: {:?}", report.rows);
            assert_eq!(report.summary.imported, n, "{kind}");
            assert_eq!(all(&copy, kind), all(&source, kind), "{kind}.{ext}");

            // The same file again, into either desk, changes nothing.
            let outbox = copy.outbox(usize::MAX).unwrap().len();
            let again = imported(&mut copy, kind, &file);
            assert_eq!(
                (again.summary.merged, again.summary.changed),
                (n, 0),
                "{kind}"
            );
            assert_eq!(copy.outbox(usize::MAX).unwrap().len(), outbox);
        }
    }
}

/// Each row's column and problem code when it was flagged, `None` when it went in.
#[test]
fn a_file_with_a_few_columns_changes_only_those_fields() {
    let mut s = sample();
    let id = Id::derived("sample", "a-packaging");
    let before: Action = s.get(id).unwrap().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("status.csv");
    std::fs::write(&file, format!("id,status\n{id},done\n")).unwrap();
    let report = imported(&mut s, EntityKind::Action, &file);
    match &report.rows[0].fate {
        Fate::Merged { changed, .. } => assert_eq!(changed, &["status"]),
        other => panic!("expected a merge, got {other:?}"),
    }
    let after: Action = s.get(id).unwrap().unwrap();
    assert_eq!(
        after,
        Action {
            status: ActionStatus::Done,
            ..before
        }
    );
}

/// A row moving a gap away from the action that works on it is flagged at its district, and the
/// next row still goes in.
#[test]
fn a_row_moving_a_record_away_from_its_referrers_is_flagged() {
    let mut s = sample();
    let gap = Id::derived("sample", "g-packaging");
    let other = Id::derived("sample", "g-gem");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("gaps.csv");
    std::fs::write(
        &file,
        format!(
            "id,district,workshop,product,seller,open\n\
             {gap},578,,,,yes\n\
             {other},,,,,no\n"
        ),
    )
    .unwrap();
    let report = imported(&mut s, EntityKind::Gap, &file);
    assert_eq!(
        flags(&report),
        [Some((Some("district"), "still_referred")), None],
        "{report:?}"
    );
    let kept: Gap = s.get(gap).unwrap().unwrap();
    assert_eq!(kept.state.0, 9);
    assert!(kept.workshop.is_some());
    let closed: Gap = s.get(other).unwrap().unwrap();
    assert!(!closed.open);
}

#[test]
fn rows_without_ids_are_added_once_and_an_action_takes_its_gaps_state() {
    let mut s = sample();
    let gap = Id::derived("sample", "g-gem");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("actions.csv");
    std::fs::write(
        &file,
        format!(
            "Gap,Kind,Owner,Status,Due\n\
             {gap},ecommerce_onboarding,GeM cell of the Commissionerate,open,2027-03-31\n\
             {gap},state_policy,Department of Industries,open,\n"
        ),
    )
    .unwrap();
    let first = imported(&mut s, EntityKind::Action, &file);
    assert_eq!(first.summary.imported, 2, "{:?}", first.rows);
    let second = imported(&mut s, EntityKind::Action, &file);
    assert_eq!((second.summary.imported, second.summary.changed), (0, 0));
    let actions: Vec<Action> = s.list(None, None, 100, 0).unwrap();
    assert_eq!(actions.len(), 3);
    assert!(actions.iter().all(|a| a.state.0 == 9));
}

#[test]
fn bad_cells_are_flagged_by_column_and_the_other_rows_go_in() {
    let mut s = sample();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("workshops.csv");
    let nobody = Id::new();
    let lalita = Id::derived("sample", "s-lalita");
    std::fs::write(
        &file,
        format!(
            "district,date,venue,attendance,sellers_met\n\
             187,2026-12-01,Sampark at Lallapura,sixty,\n\
             99999,2026-12-02,Sampark at nowhere,10,\n\
             187,2026-13-40,Sampark on no day,10,\n\
             187,2026-12-03,Sampark with a stranger,10,[\"{nobody}\"]\n\
             187,2026-12-04,,10,\n\
             578,2026-12-04,Sampark in Madurai,10,[\"{lalita}\"]\n\
             187,2026-12-05,Sampark at Bhadohi road,75,\n"
        ),
    )
    .unwrap();
    let before = s.count(EntityKind::Workshop).unwrap();
    let report = imported(&mut s, EntityKind::Workshop, &file);
    assert_eq!(
        flags(&report),
        vec![
            Some((Some("attendance"), "bad_format")),
            Some((Some("district"), "unknown_code")),
            Some((Some("date"), "out_of_range")),
            Some((Some("sellers_met"), "missing_reference")),
            Some((Some("venue"), "missing")),
            // A Tamil Nadu workshop cannot have met a weaver of Varanasi.
            Some((Some("sellers_met"), "reference_in_other_state")),
            None,
        ]
    );
    assert_eq!(s.count(EntityKind::Workshop).unwrap(), before + 1);
}

#[test]
fn a_dry_run_and_a_file_without_a_header_change_nothing() {
    let mut s = sample();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("stories.csv");
    std::fs::write(
        &file,
        "state,title,text.hi\n9,बुनकरों की नई राह,अब हर करघा ऑनलाइन बिकता है\n",
    )
    .unwrap();
    let outbox = s.outbox(usize::MAX).unwrap().len();
    let options = ImportOptions {
        dry_run: true,
        ..ImportOptions::new("test")
    };
    let report = import(&mut s, EntityKind::Story, &file, options).unwrap();
    assert_eq!(report.summary.imported, 1, "{:?}", report.rows);
    assert_eq!(s.outbox(usize::MAX).unwrap().len(), outbox);

    let garbage = dir.path().join("notes.csv");
    std::fs::write(&garbage, "these,are,not\nthe,right,columns\n").unwrap();
    let err = import(
        &mut s,
        EntityKind::Story,
        &garbage,
        ImportOptions::new("test"),
    )
    .unwrap_err();
    assert_eq!(err.code(), "bad_file");
    assert!(err.to_string().contains("notes.csv"), "{err}");
    assert_eq!(s.outbox(usize::MAX).unwrap().len(), outbox);
}

#[test]
fn a_policy_row_is_about_its_states_policy_whatever_id_it_names() {
    // A row naming state 9 and some other id would otherwise write state 9's policy while the
    // report named the other id, and several such rows would overwrite one another on every
    // import of the file.
    let mut s = sample();
    let up = Policy::id_for(odop_domain::StateCode(9));
    let other = Id::new();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("policies.csv");
    std::fs::write(
        &file,
        format!(
            "id,state,status,note\n\
             {other},9,drafting,One\n\
             ,9,drafting,Two\n\
             {up},9,drafting,Three\n\
             ,abc,drafting,Four\n\
             ,,drafting,Five\n"
        ),
    )
    .unwrap();
    let report = imported(&mut s, EntityKind::Policy, &file);
    assert_eq!(
        flags(&report),
        vec![
            Some((Some("id"), "bad_format")),
            None,
            Some((Some("id"), "duplicate")),
            Some((Some("state"), "bad_format")),
            Some((Some("state"), "missing")),
        ]
    );
    match &report.rows[1].fate {
        Fate::Merged { id, .. } => assert_eq!(*id, up.to_string()),
        other => panic!("expected a merge into state 9's policy, got {other:?}"),
    }
    let policy: Policy = s.get(up).unwrap().unwrap();
    assert_eq!(policy.note, "Two");
    assert_eq!(s.count(EntityKind::Policy).unwrap(), 1);

    let again = imported(&mut s, EntityKind::Policy, &file);
    assert_eq!((again.summary.imported, again.summary.changed), (0, 0));
}
