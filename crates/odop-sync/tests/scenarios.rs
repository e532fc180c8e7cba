//! Sync against a real odop-server in the same test: the everyday cases and the awkward ones.

mod support;

use std::path::PathBuf;

use odop_domain::{EntityKind, Product, Rank};
use odop_protocol::Role;
use odop_store::{Resolution, Resync, Store, SyncState};
use odop_sync::{sync_once, Report};
use support::{desk_store, local_view, product, Fault, Flaky, Hub};

struct Desk {
    path: PathBuf,
    remote: Flaky,
    account: odop_ledger::Account,
    name: String,
}

impl Desk {
    fn new(dir: &tempfile::TempDir, hub: &Hub, name: &str, role: Role, state: Option<u16>) -> Desk {
        let path = dir.path().join(format!("{name}.sqlite3"));
        drop(desk_store(&path));
        let (account, token) = hub.account(name, role, state);
        Desk {
            path,
            remote: Flaky::new(hub.base.clone(), &token),
            account,
            name: name.to_owned(),
        }
    }

    fn store(&self) -> Store {
        Store::open(&self.path).unwrap()
    }

    async fn sync(&self) -> Report {
        sync_once(&self.path, &self.remote, &self.name, &|_| {})
            .await
            .unwrap()
    }

    fn add(&self, p: &Product) {
        let mut store = self.store();
        let mut edit = store.edit(&self.name).unwrap();
        edit.put(p).unwrap();
        edit.commit().unwrap();
    }

    fn delete(&self, id: odop_domain::Id) {
        self.delete_of(EntityKind::Product, id);
    }

    fn delete_of(&self, kind: EntityKind, id: odop_domain::Id) {
        let mut store = self.store();
        let mut edit = store.edit(&self.name).unwrap();
        edit.delete(kind, id).unwrap();
        edit.commit().unwrap();
    }

    /// Writes a story about `p`, in its district of Uttar Pradesh.
    fn tell_of(&self, p: &Product) -> odop_domain::Story {
        let story: odop_domain::Story = serde_json::from_value(serde_json::json!({
            "id": odop_domain::Id::new().to_string(),
            "state": 9,
            "district": 187,
            "product": p.id.to_string(),
            "title": "Zari orders from Surat",
            "texts": [{"lang": "en", "text": "Orders tripled after the fair."}],
        }))
        .unwrap();
        let mut store = self.store();
        let mut edit = store.edit(&self.name).unwrap();
        edit.put(&story).unwrap();
        edit.commit().unwrap();
        story
    }

    fn get(&self, id: odop_domain::Id) -> Option<Product> {
        self.store().get::<Product>(id).unwrap()
    }

    fn agrees_with(&self, hub: &Hub) {
        let store = self.store();
        assert_eq!(
            local_view(&store),
            hub.view(&self.account),
            "{} differs from the server",
            self.name
        );
        assert_eq!(
            store.sync_counts().unwrap().pending,
            0,
            "{} has unpushed edits",
            self.name
        );
    }
}

#[tokio::test]
async fn edits_travel_between_desks_and_stay_within_their_state() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::start(&dir.path().join("ledger.sqlite3")).await;
    let up = Desk::new(&dir, &hub, "up", Role::StateEditor, Some(9));
    let up2 = Desk::new(&dir, &hub, "up-second", Role::StateEditor, Some(9));
    let bihar = Desk::new(&dir, &hub, "bihar", Role::StateEditor, Some(10));
    let dpiit = Desk::new(&dir, &hub, "dpiit", Role::Central, None);

    let saree = product(9, 187, "Banarasi Saree");
    up.add(&saree);
    assert_eq!(
        up.store()
            .sync_state(EntityKind::Product, &saree.id.to_string())
            .unwrap(),
        SyncState::Pending
    );
    let r = up.sync().await;
    assert_eq!((r.pushed, r.applied), (1, 1));
    assert_eq!(
        up.store()
            .sync_state(EntityKind::Product, &saree.id.to_string())
            .unwrap(),
        SyncState::Synced
    );

    up2.sync().await;
    assert_eq!(up2.get(saree.id).unwrap().name, "Banarasi Saree");
    bihar.sync().await;
    assert!(
        bihar.get(saree.id).is_none(),
        "Bihar does not read UP's rows"
    );
    dpiit.sync().await;
    assert!(dpiit.get(saree.id).is_some());

    // A Bihar desk that writes into UP is refused, with the reason, and blocks nothing.
    let forged = product(9, 188, "Forged");
    let own = product(10, 211, "Madhubani Painting");
    bihar.add(&forged);
    bihar.add(&own);
    let r = bihar.sync().await;
    assert_eq!((r.applied, r.refused), (1, 1));
    let refusals = bihar.store().refusals().unwrap();
    assert_eq!(refusals.len(), 1);
    assert!(
        refusals[0].reason.contains("state 9"),
        "{}",
        refusals[0].reason
    );
    // The values the reason names come as data too, kept for the desk to say in its language.
    assert_eq!(
        refusals[0].detail,
        Some(serde_json::json!({"row_state": 9, "account_state": 10, "moving": true}))
    );
    assert_eq!(
        bihar
            .store()
            .sync_state(EntityKind::Product, &forged.id.to_string())
            .unwrap(),
        SyncState::Refused
    );
    bihar.store().discard_refusal(refusals[0].seq).unwrap();
    bihar.sync().await;
    for desk in [&up, &up2, &bihar, &dpiit] {
        desk.sync().await;
        desk.agrees_with(&hub);
    }
}

#[tokio::test]
async fn days_offline_then_one_sync_brings_both_sides_up_to_date() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::start(&dir.path().join("ledger.sqlite3")).await;
    let field = Desk::new(&dir, &hub, "field-office", Role::StateEditor, Some(9));
    let hq = Desk::new(&dir, &hub, "hq", Role::StateEditor, Some(9));
    *field.remote.fault.lock().unwrap() = Fault::Unreachable;
    let mut ids = Vec::new();
    for day in 0..5 {
        for n in 0..20 {
            let p = product(9, 187 + (n % 2), &format!("Day {day} product {n}"));
            ids.push(p.id);
            field.add(&p);
        }
        // Each day's attempt fails without harm.
        let err = sync_once(&field.path, &field.remote, "field-office", &|_| {})
            .await
            .unwrap_err();
        assert!(err.is_transient(), "{err}");
        // Meanwhile HQ keeps working online.
        hq.add(&product(9, 188, &format!("HQ day {day}")));
        hq.sync().await;
    }
    assert_eq!(field.store().sync_counts().unwrap().pending, 100);
    *field.remote.fault.lock().unwrap() = Fault::None;
    let r = field.sync().await;
    assert_eq!(r.applied, 100);
    assert_eq!(field.store().count(EntityKind::Product).unwrap(), 105);
    hq.sync().await;
    field.agrees_with(&hub);
    hq.agrees_with(&hub);
}

#[tokio::test]
async fn two_states_and_central_edit_at_once_and_a_person_settles_the_clash() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::start(&dir.path().join("ledger.sqlite3")).await;
    let up = Desk::new(&dir, &hub, "up", Role::StateEditor, Some(9));
    let bihar = Desk::new(&dir, &hub, "bihar", Role::StateEditor, Some(10));
    let dpiit = Desk::new(&dir, &hub, "dpiit", Role::Central, None);
    let up_list: Vec<Product> = (0..4)
        .map(|n| product(9, 187, &format!("UP {n}")))
        .collect();
    let bihar_list: Vec<Product> = (0..4)
        .map(|n| product(10, 211, &format!("Bihar {n}")))
        .collect();
    for p in &up_list {
        up.add(p);
    }
    for p in &bihar_list {
        bihar.add(p);
    }
    up.sync().await;
    bihar.sync().await;
    dpiit.sync().await;
    // All three edit the same district lists offline.
    let mut a = up.get(up_list[0].id).unwrap();
    a.rank = Rank::Secondary;
    a.description = "From the state".into();
    up.add(&a);
    let mut b = dpiit.get(up_list[0].id).unwrap();
    b.rank = Rank::Tertiary;
    b.name = "UP 0, renamed by DPIIT".into();
    dpiit.add(&b);
    let mut c = bihar.get(bihar_list[1].id).unwrap();
    c.description = "Bihar's words".into();
    bihar.add(&c);
    let mut d = dpiit.get(bihar_list[1].id).unwrap();
    d.name = "Bihar 1, renamed".into();
    dpiit.add(&d);
    up.sync().await;
    bihar.sync().await;
    let r = dpiit.sync().await;
    assert_eq!(r.conflicts, 1, "only the rank clashed");
    // Different fields merged; the clashing one kept the state's value until settled.
    let merged = dpiit.get(up_list[0].id).unwrap();
    assert_eq!(merged.name, "UP 0, renamed by DPIIT");
    assert_eq!(merged.description, "From the state");
    assert_eq!(merged.rank, Rank::Secondary);
    up.sync().await;
    let conflicts = up.store().conflicts(false).unwrap();
    assert_eq!(conflicts.len(), 1, "the state sees the conflict");
    assert_eq!(conflicts[0].conflict.field, "rank");
    assert_eq!(
        conflicts[0].mine,
        serde_json::json!("secondary"),
        "UP's own value"
    );
    assert!(bihar.store().conflicts(false).unwrap().is_empty());
    assert_eq!(
        up.store()
            .sync_state(EntityKind::Product, &up_list[0].id.to_string())
            .unwrap(),
        SyncState::Conflict
    );
    // UP takes DPIIT's value; the settlement syncs like any edit.
    up.store()
        .resolve("up", &conflicts[0].conflict.id, &Resolution::Theirs)
        .unwrap();
    assert!(up.store().conflicts(false).unwrap().is_empty());
    up.sync().await;
    dpiit.sync().await;
    let settled = dpiit.store().conflicts(true).unwrap();
    assert_eq!(settled[0].conflict.resolved_by.as_deref(), Some("up"));
    assert_eq!(dpiit.get(up_list[0].id).unwrap().rank, Rank::Tertiary);
    for desk in [&up, &bihar, &dpiit] {
        desk.sync().await;
        desk.agrees_with(&hub);
    }
}

#[tokio::test]
async fn a_delete_racing_an_edit_becomes_a_conflict_not_a_silent_win() {
    let (_dir, hub, one, two, p) = two_desks_with_one_row().await;
    let mut edited = one.get(p.id).unwrap();
    edited.description = "Gold thread".into();
    one.add(&edited);
    one.sync().await;
    two.delete(p.id);
    let r = two.sync().await;
    assert_eq!(r.conflicts, 1);
    assert_eq!(
        two.get(p.id).unwrap().description,
        "Gold thread",
        "the edited row came back"
    );
    let c = &two.store().conflicts(false).unwrap()[0];
    assert_eq!(c.conflict.field, "*");
    assert!(c.mine.is_null(), "this desk deleted");
    // The deleting side insists: the row goes.
    two.store()
        .resolve("two", &c.conflict.id, &Resolution::Mine)
        .unwrap();
    assert!(two.get(p.id).is_none());
    two.sync().await;
    one.sync().await;
    assert!(one.get(p.id).is_none());
    one.agrees_with(&hub);
    two.agrees_with(&hub);
}

/// Two Uttar Pradesh desks that both hold one product, synced.
async fn two_desks_with_one_row() -> (tempfile::TempDir, Hub, Desk, Desk, Product) {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::start(&dir.path().join("ledger.sqlite3")).await;
    let one = Desk::new(&dir, &hub, "one", Role::StateEditor, Some(9));
    let two = Desk::new(&dir, &hub, "two", Role::StateEditor, Some(9));
    let p = product(9, 187, "Zari Work");
    one.add(&p);
    one.sync().await;
    two.sync().await;
    (dir, hub, one, two, p)
}

/// The row deleted by `two` and synced, then renamed by `one`, which has not synced since.
async fn deleted_there_edited_here() -> (tempfile::TempDir, Hub, Desk, Desk, Product, Product) {
    let (dir, hub, one, two, p) = two_desks_with_one_row().await;
    two.delete(p.id);
    two.sync().await;
    let mut edited = one.get(p.id).unwrap();
    edited.name = "Zari and Zardozi".into();
    one.add(&edited);
    (dir, hub, one, two, p, edited)
}

/// The other way round: the editing side meets the deletion and keeps its edit. The server knew
/// only the field the edit touched; the row must come back whole, on this desk and everywhere.
#[tokio::test]
async fn an_edit_kept_over_a_deletion_brings_the_whole_row_back() {
    let (_dir, hub, one, two, p, edited) = deleted_there_edited_here().await;
    let r = one.sync().await;
    assert_eq!(r.conflicts, 1);
    assert!(
        one.get(p.id).is_none(),
        "the row is gone until a person decides"
    );
    let c = &one.store().conflicts(false).unwrap()[0];
    assert_eq!(c.conflict.field, "*");
    assert!(c.theirs.is_null(), "the other side deleted");
    assert_eq!(
        c.mine["district"],
        serde_json::json!(187),
        "mine is the whole row: {}",
        c.mine
    );
    one.store()
        .resolve("one", &c.conflict.id, &Resolution::Mine)
        .unwrap();
    assert_eq!(one.get(p.id).unwrap(), edited);
    one.sync().await;
    two.sync().await;
    assert_eq!(two.get(p.id).unwrap(), edited);
    one.agrees_with(&hub);
    two.agrees_with(&hub);
    assert_eq!(one.store().sync_counts().unwrap().conflicts, 0);
}

/// A settlement is a local write like any other and passes the same checks: a merged row in a
/// district no LGD list has is refused naming it, and leaves the conflict open and the desk as
/// it was; one in a listed district settles it.
#[tokio::test]
async fn a_merged_row_in_an_unknown_district_is_refused_and_the_conflict_stays_open() {
    let (_dir, hub, one, _two, p, _edited) = deleted_there_edited_here().await;
    assert_eq!(one.sync().await.conflicts, 1);
    let c = one.store().conflicts(false).unwrap().remove(0);
    let mut merged = c.mine.clone();
    merged["district"] = serde_json::json!(999);
    let before = local_view(&one.store());
    let e = one
        .store()
        .resolve("one", &c.conflict.id, &Resolution::Value(merged.clone()))
        .unwrap_err();
    assert_eq!(e.code(), "unknown_district", "{e}");
    assert!(e.to_string().contains("999"), "{e}");
    assert_eq!(local_view(&one.store()), before, "nothing was written");
    assert_eq!(one.store().sync_counts().unwrap().conflicts, 1);

    merged["district"] = serde_json::json!(188);
    one.store()
        .resolve("one", &c.conflict.id, &Resolution::Value(merged))
        .unwrap();
    let r = one.sync().await;
    assert_eq!((r.applied, r.refused, r.conflicts), (1, 0, 0), "{r:?}");
    assert_eq!(one.get(p.id).unwrap().district.0, 188);
    one.agrees_with(&hub);
}

/// Taking the other side's row over a deletion made here keeps it where the server holds it,
/// though the server's lists, loaded since, lack that place: the server keeps the row there,
/// and so may this desk.
#[tokio::test]
async fn a_row_taken_back_over_a_deletion_keeps_a_place_the_newer_lists_lack() {
    let (_dir, hub, one, two, p) = two_desks_with_one_row().await;
    let list = odop_ledger::Places {
        states: [9, 10].into(),
        districts: [(188, 9), (211, 10), (212, 10)].into(),
    };
    hub.ledger().set_places(&list).unwrap();
    one.delete(p.id);
    let mut edited = two.get(p.id).unwrap();
    edited.name = "Zari and Zardozi".into();
    two.add(&edited);
    let r = two.sync().await;
    assert_eq!((r.applied, r.refused), (1, 0), "{r:?}");
    let r = one.sync().await;
    assert_eq!(r.conflicts, 1, "{r:?}");
    assert_eq!(r.places, Some(list.tag()));
    let c = one.store().conflicts(false).unwrap().remove(0);
    assert_eq!(c.conflict.field, "*");
    // The pull brought the row back as the server holds it, until a person decides.
    assert_eq!(one.get(p.id).unwrap(), edited);
    one.store()
        .resolve("one", &c.conflict.id, &Resolution::Theirs)
        .unwrap();
    assert_eq!(one.get(p.id).unwrap(), edited);
    let r = one.sync().await;
    assert_eq!((r.applied, r.refused), (1, 0), "{r:?}");
    one.agrees_with(&hub);
}

/// Taking the other side's deletion is a deletion like any other: refused, naming them, while
/// records of this desk still name the record.
#[tokio::test]
async fn a_deletion_is_not_taken_while_a_record_here_still_names_the_row() {
    let (_dir, hub, one, _two, p, edited) = deleted_there_edited_here().await;
    let story = one.tell_of(&edited);
    one.sync().await;
    let c = one
        .store()
        .conflicts(false)
        .unwrap()
        .into_iter()
        .find(|c| c.conflict.field == "*")
        .expect("the deletion meets the edit");
    let e = one
        .store()
        .resolve("one", &c.conflict.id, &Resolution::Theirs)
        .unwrap_err();
    assert_eq!(e.code(), "in_use", "{e}");
    assert!(e.to_string().contains(&story.id.to_string()), "{e}");
    assert_eq!(one.store().sync_counts().unwrap().conflicts, 1);

    // Once the story is gone, the deletion is taken and everyone agrees.
    one.delete_of(EntityKind::Story, story.id);
    one.store()
        .resolve("one", &c.conflict.id, &Resolution::Theirs)
        .unwrap();
    one.sync().await;
    assert!(one.get(p.id).is_none());
    one.agrees_with(&hub);
    assert_eq!(one.store().sync_counts().unwrap().conflicts, 0);
}

/// A record created and deleted before it was ever sent, and one created, sent, then edited
/// and deleted before the next push: each change stands on the one before, so none is a
/// conflict with another change of the same desk.
#[tokio::test]
async fn changes_made_one_on_another_between_pushes_do_not_conflict_with_each_other() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::start(&dir.path().join("ledger.sqlite3")).await;
    let desk = Desk::new(&dir, &hub, "up", Role::StateEditor, Some(9));
    let gone = product(9, 187, "Made by mistake");
    desk.add(&gone);
    desk.delete(gone.id);
    let r = desk.sync().await;
    assert_eq!(r.conflicts, 0);
    assert!(desk.get(gone.id).is_none());

    let kept = product(9, 188, "Sent once");
    desk.add(&kept);
    desk.sync().await;
    let mut renamed = desk.get(kept.id).unwrap();
    renamed.name = "Renamed".into();
    desk.add(&renamed);
    desk.delete(kept.id);
    // Both stand on version 1; the rename makes version 2, and the delete follows it.
    let r = desk.sync().await;
    assert_eq!(r.conflicts, 0, "{r:?}");
    assert!(desk.get(kept.id).is_none());
    desk.agrees_with(&hub);
    assert_eq!(desk.store().sync_counts().unwrap().conflicts, 0);
}

#[tokio::test]
async fn a_server_restored_from_an_older_backup_is_noticed_and_nothing_is_lost() {
    let dir = tempfile::tempdir().unwrap();
    let ledger_path = dir.path().join("ledger.sqlite3");
    let mut hub = Hub::start(&ledger_path).await;
    let desk = Desk::new(&dir, &hub, "up", Role::StateEditor, Some(9));
    let other = Desk::new(&dir, &hub, "up-two", Role::StateEditor, Some(9));
    let early = product(9, 187, "Before the backup");
    desk.add(&early);
    desk.sync().await;
    // The operator backs up the ledger...
    let backup = dir.path().join("backup.sqlite3");
    hub.back_up(&backup).await;
    // ...work goes on...
    let late = product(9, 188, "After the backup");
    desk.add(&late);
    let mut changed = desk.get(early.id).unwrap();
    changed.description = "Edited after the backup".into();
    desk.add(&changed);
    desk.sync().await;
    other.sync().await;
    // ...and the server is restored from the older copy.
    hub.restore(&backup).await;
    let r = desk.sync().await;
    assert_eq!(r.resync, Some(Resync::Restored), "the desk noticed: {r:?}");
    assert!(r.requeued >= 2, "{r:?}");
    let r = other.sync().await;
    assert!(r.resync.is_some(), "{r:?}");
    for d in [&desk, &other] {
        d.sync().await;
    }
    for d in [&desk, &other] {
        assert_eq!(d.get(late.id).unwrap().name, "After the backup");
        assert_eq!(
            d.get(early.id).unwrap().description,
            "Edited after the backup"
        );
        d.agrees_with(&hub);
    }
}

/// A restart is not a restore: the desk names the epoch it last pulled in, and the server,
/// which started a new one, says the history goes on. Nothing is compared again.
#[tokio::test]
async fn a_server_restart_costs_no_desk_a_resync() {
    let dir = tempfile::tempdir().unwrap();
    let mut hub = Hub::start(&dir.path().join("ledger.sqlite3")).await;
    let desk = Desk::new(&dir, &hub, "up", Role::StateEditor, Some(9));
    let other = Desk::new(&dir, &hub, "up-two", Role::StateEditor, Some(9));
    let p = product(9, 187, "Chikankari");
    desk.add(&p);
    desk.sync().await;
    other.sync().await;
    let before = desk.store().sync_point().unwrap().epoch;
    hub.restart().await;
    let mut renamed = other.get(p.id).unwrap();
    renamed.name = "Lucknow Chikankari".into();
    other.add(&renamed);
    let r = other.sync().await;
    assert_eq!((r.resync, r.pushed), (None, 1), "{r:?}");
    let r = desk.sync().await;
    assert_eq!(
        (r.resync, r.pulled),
        (None, 1),
        "only the rename moved: {r:?}"
    );
    assert_eq!(desk.get(p.id).unwrap().name, "Lucknow Chikankari");
    let after = desk.store().sync_point().unwrap().epoch;
    assert!(
        after.is_some() && after != before,
        "the desk took the new epoch"
    );
    // Twice over: the epoch the desk now holds goes on in the next one too.
    hub.restart().await;
    assert_eq!(desk.sync().await.resync, None);
    for d in [&desk, &other] {
        d.agrees_with(&hub);
    }
}

/// A restore found by what a desk was answered, not by where its cursor is: a desk whose last
/// pull came before the backup, but whose push after it was answered, has lost that push, and
/// must compare everything. A desk that only pulled before the backup carries on.
#[tokio::test]
async fn a_push_answered_after_the_backup_is_noticed_even_with_a_cursor_before_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut hub = Hub::start(&dir.path().join("ledger.sqlite3")).await;
    let desk = Desk::new(&dir, &hub, "up", Role::StateEditor, Some(9));
    let quiet = Desk::new(&dir, &hub, "up-quiet", Role::StateEditor, Some(9));
    let backup = dir.path().join("backup.sqlite3");
    let early = product(9, 187, "Before the backup");
    desk.add(&early);
    desk.sync().await;
    quiet.sync().await;
    hub.back_up(&backup).await;
    let late = product(9, 188, "Answered, then lost");
    desk.add(&late);
    *desk.remote.pulls_left.lock().unwrap() = Some(0);
    let err = sync_once(&desk.path, &desk.remote, &desk.name, &|_| {})
        .await
        .unwrap_err();
    assert!(err.is_transient(), "{err}");
    *desk.remote.pulls_left.lock().unwrap() = None;
    assert_eq!(desk.store().sync_counts().unwrap().pending, 0, "answered");
    hub.restore(&backup).await;
    let r = quiet.sync().await;
    assert_eq!(r.resync, None, "nothing of this desk's was lost: {r:?}");
    let r = desk.sync().await;
    assert_eq!(r.resync, Some(Resync::Restored), "{r:?}");
    assert_eq!(r.requeued, 1, "the lost create is sent again: {r:?}");
    quiet.sync().await;
    for d in [&desk, &quiet] {
        assert_eq!(d.get(late.id).unwrap().name, "Answered, then lost");
        d.agrees_with(&hub);
    }
}

/// The push finds that the restored server lost this desk's changes, and the resync that
/// follows is cut off before its first page. The next round must still compare everything:
/// a plain pull from the start would put the server's older row over the desk's edit and never
/// send the row the server lost.
#[tokio::test]
async fn a_resync_cut_off_before_its_first_page_is_finished_by_the_next_round() {
    let dir = tempfile::tempdir().unwrap();
    let mut hub = Hub::start(&dir.path().join("ledger.sqlite3")).await;
    let desk = Desk::new(&dir, &hub, "up", Role::StateEditor, Some(9));
    let backup = dir.path().join("backup.sqlite3");
    let early = product(9, 187, "Before the backup");
    desk.add(&early);
    desk.sync().await;
    hub.back_up(&backup).await;
    let late = product(9, 188, "After the backup");
    desk.add(&late);
    let mut changed = desk.get(early.id).unwrap();
    changed.description = "Edited after the backup".into();
    desk.add(&changed);
    desk.sync().await;
    hub.restore(&backup).await;
    // A change waiting to be pushed makes the push the first to see the loss.
    let waiting = product(9, 187, "Made after the restore");
    desk.add(&waiting);
    *desk.remote.pulls_left.lock().unwrap() = Some(0);
    let err = sync_once(&desk.path, &desk.remote, &desk.name, &|_| {})
        .await
        .unwrap_err();
    assert!(err.is_transient(), "{err}");
    *desk.remote.pulls_left.lock().unwrap() = None;
    let r = desk.sync().await;
    assert!(
        r.resync.is_some(),
        "the next round finishes the comparison: {r:?}"
    );
    assert_eq!(
        desk.get(early.id).unwrap().description,
        "Edited after the backup"
    );
    desk.sync().await;
    desk.agrees_with(&hub);
    assert_eq!(
        hub.view(&desk.account).len(),
        3,
        "the server has every row again"
    );
}

/// A resync after a restore stops after its first page, which already moved the cursor and
/// took the server's new epoch. The rows on later pages must still be compared: the desk's
/// edits made after the backup survive, and the rows the server lost are sent again.
#[tokio::test]
async fn a_resync_cut_off_mid_way_is_finished_by_the_next_round() {
    let dir = tempfile::tempdir().unwrap();
    let mut hub = Hub::start(&dir.path().join("ledger.sqlite3")).await;
    let desk = Desk::new(&dir, &hub, "up", Role::StateEditor, Some(9));
    let backup = dir.path().join("backup.sqlite3");
    let rows: Vec<Product> = (0..6)
        .map(|n| product(9, 187, &format!("Product {n}")))
        .collect();
    for p in &rows {
        desk.add(p);
    }
    desk.sync().await;
    hub.back_up(&backup).await;
    for p in &rows {
        let mut p = desk.get(p.id).unwrap();
        p.description = format!("{} edited after the backup", p.name);
        desk.add(&p);
    }
    let late: Vec<Product> = (0..2)
        .map(|n| product(9, 188, &format!("Late {n}")))
        .collect();
    for p in &late {
        desk.add(p);
    }
    desk.sync().await;
    hub.restore(&backup).await;
    // Two rows a page: the pull that notices the restore, one page of the resync, then no
    // network.
    *desk.remote.page.lock().unwrap() = Some(2);
    *desk.remote.pulls_left.lock().unwrap() = Some(2);
    let err = sync_once(&desk.path, &desk.remote, &desk.name, &|_| {})
        .await
        .unwrap_err();
    assert!(err.is_transient(), "{err}");
    *desk.remote.pulls_left.lock().unwrap() = None;
    let r = desk.sync().await;
    assert!(
        r.resync.is_some(),
        "the next round finishes the comparison: {r:?}"
    );
    desk.sync().await;
    for p in &rows {
        assert_eq!(
            desk.get(p.id).unwrap().description,
            format!("{} edited after the backup", p.name)
        );
    }
    desk.agrees_with(&hub);
    assert_eq!(hub.view(&desk.account).len(), 8);
}

/// A desk away past the server's pruning horizon resyncs and drops the rows deleted meanwhile.
/// Cut off once its cursor has passed the horizon, the next round must still finish the
/// comparison, or the deleted row stays on this desk for good.
#[tokio::test]
async fn a_horizon_resync_cut_off_mid_way_still_removes_what_was_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::start(&dir.path().join("ledger.sqlite3")).await;
    let one = Desk::new(&dir, &hub, "one", Role::StateEditor, Some(9));
    let two = Desk::new(&dir, &hub, "two", Role::StateEditor, Some(9));
    let first = product(9, 187, "First");
    let second = product(9, 187, "Second");
    let doomed = product(9, 187, "Deleted while away");
    for p in [&first, &second, &doomed] {
        one.add(p);
    }
    one.sync().await;
    two.sync().await;
    one.delete(doomed.id);
    let third = product(9, 188, "Third");
    let fourth = product(9, 188, "Fourth");
    one.add(&third);
    one.add(&fourth);
    one.sync().await;
    assert_eq!(hub.ledger().prune("9999").unwrap(), 1);
    // One row a page: the pull the server answers with 410, the resync's first three pages
    // (two ending below the horizon, the third past it), then no network.
    *two.remote.page.lock().unwrap() = Some(1);
    *two.remote.pulls_left.lock().unwrap() = Some(4);
    let err = sync_once(&two.path, &two.remote, &two.name, &|_| {})
        .await
        .unwrap_err();
    assert!(err.is_transient(), "{err}");
    *two.remote.pulls_left.lock().unwrap() = None;
    two.sync().await;
    assert!(two.get(doomed.id).is_none(), "the deleted row is gone");
    two.agrees_with(&hub);
}

/// One desk writes a story about a product while, offline from it, another desk deletes that
/// product. The server refuses the story, saying which record it names; the story stays
/// where it was written. Given up, it leaves the desk, which then holds what the server holds.
#[tokio::test]
async fn a_story_about_a_product_deleted_meanwhile_is_refused_naming_the_product() {
    let (_dir, hub, one, two, p) = two_desks_with_one_row().await;
    let story = one.tell_of(&p);
    two.delete(p.id);
    two.sync().await;

    let r = one.sync().await;
    assert_eq!((r.applied, r.refused), (0, 1), "{r:?}");
    let refused = one.store().refusals().unwrap().remove(0);
    assert_eq!(refused.code, "missing_reference", "{refused:?}");
    assert!(
        refused.reason.contains(&p.id.to_string()),
        "{}",
        refused.reason
    );
    let detail = refused.detail.clone().expect("the record named, as data");
    assert_eq!(
        (&detail["field"], &detail["kind"]),
        (&serde_json::json!("product"), &serde_json::json!("product"))
    );
    assert_eq!(refused.title, "Zari orders from Surat");
    assert_eq!(
        refused.named.get(&p.id.to_string()).map(String::as_str),
        Some("Zari Work"),
        "the product this desk wrote is named as its history last had it"
    );
    assert!(
        hub.view(&two.account).is_empty(),
        "the server holds neither"
    );

    one.store().discard_refusal(refused.seq).unwrap();
    one.sync().await;
    assert!(one
        .store()
        .get::<odop_domain::Story>(story.id)
        .unwrap()
        .is_none());
    assert!(one.get(p.id).is_none());
    one.agrees_with(&hub);
    two.agrees_with(&hub);
}

/// Two desks with one product: the first deletes it while the second, offline from it, writes
/// a story about it and syncs first, so the first's sync (whose report is returned) has the
/// deletion refused.
async fn a_deletion_refused_for_a_story() -> (
    tempfile::TempDir,
    Hub,
    Desk,
    Desk,
    Product,
    odop_domain::Story,
    Report,
) {
    let (dir, hub, one, two, p) = two_desks_with_one_row().await;
    one.delete(p.id);
    let story = two.tell_of(&p);
    two.sync().await;
    let r = one.sync().await;
    (dir, hub, one, two, p, story, r)
}

/// One desk deletes a product while another, offline from it, writes a story about it and
/// syncs first. The server refuses the deletion, naming the story. Given up, the deletion
/// brings the product back; once the story is deleted, the product can be.
#[tokio::test]
async fn a_deletion_of_a_product_a_story_now_names_is_refused_naming_the_story() {
    let (_dir, hub, one, two, p, story, r) = a_deletion_refused_for_a_story().await;
    assert_eq!((r.applied, r.refused), (0, 1), "{r:?}");
    let refused = one.store().refusals().unwrap().remove(0);
    assert_eq!(refused.code, "in_use", "{refused:?}");
    assert_eq!(
        refused.detail.clone().expect("the rows that name it")["used_by"],
        serde_json::json!([format!("story {}", story.id)])
    );
    assert_eq!(
        refused.named.get(&story.id.to_string()).map(String::as_str),
        Some("Zari orders from Surat"),
        "the story this desk now holds is named by its title"
    );
    assert!(
        one.get(p.id).is_none(),
        "the deletion stands on this desk until sent again or given up"
    );

    // Given up, the deletion leaves the product as the server holds it; once the story is
    // gone, the product may go too.
    one.store().discard_refusal(refused.seq).unwrap();
    one.sync().await;
    assert!(one.get(p.id).is_some(), "the product is back");
    two.delete_of(EntityKind::Story, story.id);
    two.sync().await;
    one.sync().await;
    one.delete(p.id);
    let r = one.sync().await;
    assert_eq!((r.applied, r.refused), (1, 0), "{r:?}");
    two.sync().await;
    assert!(two.get(p.id).is_none());
    one.agrees_with(&hub);
    two.agrees_with(&hub);
}

/// A refused deletion is sent again as it was made once nothing names the product, though this
/// desk no longer holds it; while a record here still names it, sending it again is refused
/// here, naming that record.
#[tokio::test]
async fn a_refused_deletion_is_sent_again_once_nothing_names_the_product() {
    let (_dir, hub, one, two, p, story, r) = a_deletion_refused_for_a_story().await;
    assert_eq!(r.refused, 1, "{r:?}");
    let seq = one.store().refusals().unwrap()[0].seq;

    let early = one.store().resend_refusal("one", seq).unwrap_err();
    assert_eq!(early.code(), "in_use", "{early}");
    assert!(early.to_string().contains(&story.id.to_string()), "{early}");
    assert_eq!(
        one.store().refusals().unwrap().len(),
        1,
        "the refusal stays"
    );

    two.delete_of(EntityKind::Story, story.id);
    two.sync().await;
    one.sync().await;
    assert!(one.get(p.id).is_none(), "still deleted here");
    one.store().resend_refusal("one", seq).unwrap();
    assert!(one.store().refusals().unwrap().is_empty());
    let r = one.sync().await;
    assert_eq!((r.applied, r.refused), (1, 0), "{r:?}");
    two.sync().await;
    assert!(
        two.get(p.id).is_none(),
        "the deletion reached the other desk"
    );
    one.agrees_with(&hub);
    two.agrees_with(&hub);
}

/// A refused deletion sent again goes on the version it was made on: an edit the server took
/// since meets it as a conflict a person settles, and is not deleted unseen.
#[tokio::test]
async fn a_refused_deletion_sent_again_after_an_edit_elsewhere_is_a_conflict() {
    let (_dir, hub, one, two, p, story, r) = a_deletion_refused_for_a_story().await;
    assert_eq!(r.refused, 1, "{r:?}");
    let seq = one.store().refusals().unwrap()[0].seq;

    two.delete_of(EntityKind::Story, story.id);
    two.sync().await;
    one.sync().await;
    // Edited at the server after this desk last pulled, so the desk still holds no product.
    let mut edited = two.get(p.id).unwrap();
    edited.description = "Gold thread".into();
    two.add(&edited);
    two.sync().await;

    one.store().resend_refusal("one", seq).unwrap();
    let r = one.sync().await;
    assert_eq!((r.applied, r.conflicts), (0, 1), "{r:?}");
    assert_eq!(
        one.get(p.id).unwrap().description,
        "Gold thread",
        "the edited row came back"
    );
    let c = &one.store().conflicts(false).unwrap()[0];
    assert_eq!(c.conflict.field, "*");
    one.store()
        .resolve("one", &c.conflict.id, &Resolution::Theirs)
        .unwrap();
    one.sync().await;
    two.sync().await;
    assert_eq!(two.get(p.id).unwrap().description, "Gold thread");
    one.agrees_with(&hub);
    two.agrees_with(&hub);
}

/// Discarding a refused write pulls everything again to get the server's rows back; a row
/// deleted and pruned meanwhile is not in that pull, and must go all the same.
#[tokio::test]
async fn discarding_a_refused_write_drops_rows_deleted_and_pruned_meanwhile() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::start(&dir.path().join("ledger.sqlite3")).await;
    let one = Desk::new(&dir, &hub, "one", Role::StateEditor, Some(9));
    let two = Desk::new(&dir, &hub, "two", Role::StateEditor, Some(9));
    let doomed = product(9, 187, "Deleted while away");
    one.add(&doomed);
    one.sync().await;
    let forged = product(10, 211, "Written into Bihar");
    two.add(&forged);
    let r = two.sync().await;
    assert_eq!(r.refused, 1);
    assert!(two.get(doomed.id).is_some());
    one.delete(doomed.id);
    one.sync().await;
    assert_eq!(hub.ledger().prune("9999").unwrap(), 1);

    let seq = two.store().refusals().unwrap()[0].seq;
    two.store().discard_refusal(seq).unwrap();
    let r = two.sync().await;
    assert_eq!(r.resync, Some(Resync::Discarded), "{r:?}");
    assert!(two.get(forged.id).is_none(), "the refused row is given up");
    assert!(two.get(doomed.id).is_none(), "the deleted row is gone");
    two.agrees_with(&hub);
}

/// Pruning must not stop a ledger of many pages from reaching a desk. A new desk's first sync
/// and a first sync cut off below the horizon both finish without a resync, and a desk that
/// held a row deleted and pruned meanwhile compares everything, page by page, and drops it.
#[tokio::test]
async fn after_pruning_first_syncs_and_resyncs_of_many_pages_finish() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::start(&dir.path().join("ledger.sqlite3")).await;
    let one = Desk::new(&dir, &hub, "one", Role::StateEditor, Some(9));
    let held = Desk::new(&dir, &hub, "held", Role::StateEditor, Some(9));
    let early: Vec<Product> = (0..8)
        .map(|n| product(9, 187, &format!("Early {n}")))
        .collect();
    for p in &early {
        one.add(p);
    }
    one.sync().await;
    held.sync().await;
    // Deletions after the first eight rows and two rows after them: with two rows a page,
    // every page of a first sync but the last ends below the horizon.
    one.delete(early[0].id);
    one.delete(early[1].id);
    for n in 0..2 {
        one.add(&product(9, 188, &format!("Late {n}")));
    }
    one.sync().await;
    assert_eq!(hub.ledger().prune("9999").unwrap(), 2);

    let fresh = Desk::new(&dir, &hub, "fresh", Role::StateEditor, Some(9));
    *fresh.remote.page.lock().unwrap() = Some(2);
    let r = fresh.sync().await;
    assert!(r.resync.is_none(), "a first sync needs no resync: {r:?}");
    fresh.agrees_with(&hub);
    assert_eq!(hub.view(&fresh.account).len(), 8);

    // Two pages, then no network: the cursor kept is below the horizon, and the horizon kept
    // beside it lets the next round go on from there.
    let cut = Desk::new(&dir, &hub, "cut", Role::StateEditor, Some(9));
    *cut.remote.page.lock().unwrap() = Some(2);
    *cut.remote.pulls_left.lock().unwrap() = Some(2);
    let err = sync_once(&cut.path, &cut.remote, &cut.name, &|_| {})
        .await
        .unwrap_err();
    assert!(err.is_transient(), "{err}");
    assert_eq!(cut.store().count(EntityKind::Product).unwrap(), 4);
    *cut.remote.pulls_left.lock().unwrap() = None;
    let r = cut.sync().await;
    assert!(
        r.resync.is_none(),
        "the first sync goes on where it stopped: {r:?}"
    );
    cut.agrees_with(&hub);

    *held.remote.page.lock().unwrap() = Some(2);
    let r = held.sync().await;
    assert_eq!(
        r.resync,
        Some(Resync::Horizon),
        "a desk behind the horizon compares everything: {r:?}"
    );
    assert!(held.get(early[0].id).is_none() && held.get(early[1].id).is_none());
    held.agrees_with(&hub);
    let r = held.sync().await;
    assert!(
        r.resync.is_none(),
        "once compared, the desk pulls as usual: {r:?}"
    );
}

/// A Bihar desk creates a record in Uttar Pradesh by mistake; the server refuses it. Moved to
/// Bihar and saved, the record is sent again as a whole new record, not as the two fields that
/// moved, which the server could not make a record of.
#[tokio::test]
async fn a_refused_create_fixed_and_saved_lands_on_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::start(&dir.path().join("ledger.sqlite3")).await;
    let bihar = Desk::new(&dir, &hub, "bihar", Role::StateEditor, Some(10));
    let mistake = product(9, 188, "Madhubani Painting");
    bihar.add(&mistake);
    let r = bihar.sync().await;
    assert_eq!(r.refused, 1);
    let mut fixed = bihar.get(mistake.id).unwrap();
    fixed.state = odop_domain::StateCode(10);
    fixed.district = odop_domain::DistrictCode(211);
    bihar.add(&fixed);
    assert!(bihar.store().refusals().unwrap().is_empty());
    let r = bihar.sync().await;
    assert_eq!((r.applied, r.refused, r.conflicts), (1, 0, 0), "{r:?}");
    assert_eq!(bihar.get(mistake.id).unwrap(), fixed);
    bihar.agrees_with(&hub);
    assert_eq!(hub.view(&bihar.account).len(), 1);
}

/// The server checks places against its own LGD list: a desk whose list has a district the
/// server's lacks is told so by code and district, and a product moved to a listed district
/// lands. Until then the desk, holding the lists from that pull, refuses to send it unmoved.
#[tokio::test]
async fn a_product_in_a_district_the_servers_lgd_list_lacks_is_refused_then_lands_once_moved() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::start(&dir.path().join("ledger.sqlite3")).await;
    let list = odop_ledger::Places {
        states: [9, 10].into(),
        districts: [(187, 9), (211, 10), (212, 10)].into(),
    };
    hub.ledger().set_places(&list).unwrap();
    let up = Desk::new(&dir, &hub, "up", Role::StateEditor, Some(9));
    let p = product(9, 188, "Carpets");
    up.add(&p);
    let r = up.sync().await;
    assert_eq!((r.applied, r.refused), (0, 1), "{r:?}");
    let refusals = up.store().refusals().unwrap();
    assert_eq!(refusals.len(), 1);
    assert_eq!(refusals[0].code, "unknown_district");
    assert_eq!(
        refusals[0].detail,
        Some(serde_json::json!({"district": 188}))
    );
    assert!(refusals[0].reason.contains("188"), "{}", refusals[0].reason);
    assert!(hub.view(&up.account).is_empty());

    // The desk now holds the lists. The server never took the record, so it has no place
    // there to keep: renamed where it lies, it is refused here, before it is sent again.
    let mut renamed = up.get(p.id).unwrap();
    renamed.name = "Hand-knotted Carpets".into();
    let mut store = up.store();
    let mut edit = store.edit("up").unwrap();
    assert_eq!(edit.put(&renamed).unwrap_err().code(), "off_server_list");
    drop(edit);

    let mut moved = up.get(p.id).unwrap();
    moved.district = odop_domain::DistrictCode(187);
    up.add(&moved);
    let r = up.sync().await;
    assert_eq!((r.applied, r.refused, r.conflicts), (1, 0, 0), "{r:?}");
    assert!(up.store().refusals().unwrap().is_empty());
    up.agrees_with(&hub);
}

/// A desk keeps the server's LGD lists from its pulls, and refuses a place they lack at the
/// form, before anything is sent: a new record, or one moved there. A record already there
/// stays editable, as the server takes it. A changed list is brought by the next pull, and a
/// cleared one checks nothing again.
#[tokio::test]
async fn a_desk_refuses_a_place_the_servers_lgd_list_lacks_before_sending_it() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::start(&dir.path().join("ledger.sqlite3")).await;
    let up = Desk::new(&dir, &hub, "up", Role::StateEditor, Some(9));
    // Made before the lists, in a district they will lack.
    let early = product(9, 188, "Carpets");
    up.add(&early);
    assert_eq!(up.sync().await.places.as_deref(), Some("none"));
    assert_eq!(
        up.store().server_places_tag().unwrap().as_deref(),
        Some("none")
    );

    let list = odop_ledger::Places {
        states: [9, 10].into(),
        // A newer release, say: 187 moved to Bihar, 188 gone.
        districts: [(187, 10), (211, 10), (212, 10)].into(),
    };
    hub.ledger().set_places(&list).unwrap();
    let r = up.sync().await;
    assert_eq!(r.places, Some(list.tag()), "{r:?}");
    let held = up.store().server_places().unwrap();
    assert_eq!((held.states, held.districts), (2, 3));
    // A round with nothing new brings no second copy.
    assert_eq!(up.sync().await.places, None);
    // The forms' choices mark the places the server's lists lack.
    let choices = up.store().choices().unwrap();
    let unlisted: Vec<u32> = choices
        .districts
        .iter()
        .filter(|d| d.unlisted)
        .map(|d| d.code)
        .collect();
    assert_eq!(unlisted, [187, 188], "{:?}", choices.districts);
    assert!(choices.states.iter().all(|s| !s.unlisted));

    let mut store = up.store();
    let history = store.history(None, 50).unwrap().len();
    let refused = |store: &mut Store, p: &Product| {
        let mut edit = store.edit("up").unwrap();
        let e = edit.put(p).unwrap_err();
        assert_eq!(e.code(), "off_server_list", "{e}");
        assert_eq!(e.form_key().as_deref(), Some("district"));
        e
    };
    let e = refused(&mut store, &product(9, 188, "Durries"));
    assert_eq!(
        e.to_string(),
        "district 188 is not in the server's LGD list; the server would refuse this record"
    );
    assert_eq!(
        e.form_detail(),
        Some(serde_json::json!({"problem": "server_unknown_district", "district": 188}))
    );
    // This desk's list has 187 in Uttar Pradesh; the server's puts it in Bihar.
    let mut strayed = up.get(early.id).unwrap();
    strayed.district = odop_domain::DistrictCode(187);
    let e = refused(&mut store, &strayed);
    assert_eq!(
        e.form_detail(),
        Some(serde_json::json!({
            "problem": "server_district_in_other_state", "district": 187, "actual": 10, "claimed": 9
        }))
    );
    assert_eq!(
        store.history(None, 50).unwrap().len(),
        history,
        "nothing was written"
    );
    assert_eq!(up.store().sync_counts().unwrap().pending, 0);

    // Renamed where it lies, the early record is taken here and there.
    let mut renamed = up.get(early.id).unwrap();
    renamed.name = "Hand-knotted Carpets".into();
    up.add(&renamed);
    let r = up.sync().await;
    assert_eq!((r.applied, r.refused), (1, 0), "{r:?}");

    hub.ledger()
        .set_places(&odop_ledger::Places::default())
        .unwrap();
    assert_eq!(up.sync().await.places.as_deref(), Some("none"));
    let anywhere = product(9, 188, "Durries");
    up.add(&anywhere);
    let r = up.sync().await;
    assert_eq!((r.applied, r.refused), (1, 0), "{r:?}");
    up.agrees_with(&hub);
}

/// An Uttar Pradesh desk renames a record and moves it to Bihar; the server refuses the move.
/// Put back in Uttar Pradesh (in another district), the change goes out against what the
/// server last held: the rename and the district land, and nothing conflicts with the
/// refused values the server never had.
#[tokio::test]
async fn a_refused_update_fixed_and_saved_lands_without_a_conflict() {
    let (_dir, hub, one, _two, p) = two_desks_with_one_row().await;
    let mut moved = one.get(p.id).unwrap();
    moved.name = "Zari and Zardozi".into();
    moved.state = odop_domain::StateCode(10);
    moved.district = odop_domain::DistrictCode(211);
    one.add(&moved);
    let r = one.sync().await;
    assert_eq!(r.refused, 1);
    let mut fixed = one.get(p.id).unwrap();
    fixed.state = odop_domain::StateCode(9);
    fixed.district = odop_domain::DistrictCode(188);
    one.add(&fixed);
    let r = one.sync().await;
    assert_eq!((r.applied, r.refused, r.conflicts), (1, 0, 0), "{r:?}");
    assert!(one.store().conflicts(true).unwrap().is_empty());
    let held = &hub.view(&one.account)[&("product".to_owned(), p.id.to_string())];
    assert_eq!(held["name"], "Zari and Zardozi");
    assert_eq!(held["district"], 188);
    one.agrees_with(&hub);
}

/// A desk edits a record DPIIT has meanwhile moved to another state: refused, and the record
/// leaves the desk. Once DPIIT moves it back, the desk sends its refused edit again as it was,
/// and the edit lands.
#[tokio::test]
async fn a_refused_write_sent_again_once_its_reason_is_gone_lands() {
    let (dir, hub, one, _two, p) = two_desks_with_one_row().await;
    let dpiit = Desk::new(&dir, &hub, "dpiit", Role::Central, None);
    dpiit.sync().await;
    let mut away = dpiit.get(p.id).unwrap();
    away.state = odop_domain::StateCode(10);
    away.district = odop_domain::DistrictCode(211);
    dpiit.add(&away);
    dpiit.sync().await;
    let mut renamed = one.get(p.id).unwrap();
    renamed.name = "Zari and Zardozi".into();
    one.add(&renamed);
    let r = one.sync().await;
    assert_eq!(r.refused, 1);
    assert!(one.get(p.id).is_none(), "the record left this state");
    let seq = one.store().refusals().unwrap()[0].seq;
    let err = one.store().resend_refusal("one", seq).unwrap_err();
    assert_eq!(err.code(), "not_found", "{err}");
    let mut back = dpiit.get(p.id).unwrap();
    back.state = odop_domain::StateCode(9);
    back.district = odop_domain::DistrictCode(187);
    dpiit.add(&back);
    dpiit.sync().await;
    one.sync().await;
    assert_eq!(
        one.get(p.id).unwrap().name,
        "Zari Work",
        "the server's row came back"
    );
    one.store().resend_refusal("one", seq).unwrap();
    assert!(one.store().refusals().unwrap().is_empty());
    assert_eq!(one.get(p.id).unwrap().name, "Zari and Zardozi");
    let r = one.sync().await;
    assert_eq!((r.applied, r.refused, r.conflicts), (1, 0, 0), "{r:?}");
    one.agrees_with(&hub);
    dpiit.sync().await;
    assert_eq!(dpiit.get(p.id).unwrap().name, "Zari and Zardozi");
}

/// A desk deletes a record DPIIT has meanwhile moved to another state: refused, and refused
/// again when sent again as it is. Once DPIIT moves it back and the record returns to the desk,
/// the deletion sent again lands.
#[tokio::test]
async fn a_refused_delete_sent_again_once_its_reason_is_gone_lands() {
    let (dir, hub, one, two, p) = two_desks_with_one_row().await;
    let dpiit = Desk::new(&dir, &hub, "dpiit", Role::Central, None);
    dpiit.sync().await;
    let mut away = dpiit.get(p.id).unwrap();
    away.state = odop_domain::StateCode(10);
    away.district = odop_domain::DistrictCode(211);
    dpiit.add(&away);
    dpiit.sync().await;
    one.delete(p.id);
    let r = one.sync().await;
    assert_eq!(r.refused, 1);
    let refused = one.store().refusals().unwrap().remove(0);
    assert_eq!(refused.op, "delete");
    // Sent again before its reason is gone, though the desk no longer holds the record, it
    // goes as it was made and is refused again for the same reason.
    one.store().resend_refusal("one", refused.seq).unwrap();
    let r = one.sync().await;
    assert_eq!((r.applied, r.refused), (0, 1), "{r:?}");
    let refused_again = one.store().refusals().unwrap().remove(0);
    assert_eq!(
        (refused_again.op.as_str(), refused_again.code.as_str()),
        ("delete", refused.code.as_str())
    );
    let refused = refused_again;
    let mut back = dpiit.get(p.id).unwrap();
    back.state = odop_domain::StateCode(9);
    back.district = odop_domain::DistrictCode(187);
    dpiit.add(&back);
    dpiit.sync().await;
    one.sync().await;
    assert!(one.get(p.id).is_some(), "the record came back");
    one.store().resend_refusal("one", refused.seq).unwrap();
    assert!(one.get(p.id).is_none());
    let r = one.sync().await;
    assert_eq!((r.applied, r.refused, r.conflicts), (1, 0, 0), "{r:?}");
    two.sync().await;
    assert!(two.get(p.id).is_none());
    one.agrees_with(&hub);
    two.agrees_with(&hub);
}

/// The server loses this desk's rename to a restore, and another desk renames the restored
/// row differently: both rows are now at the same version. This desk's rename must not be
/// put over silently by the other's; the server records the clash for a person to settle.
#[tokio::test]
async fn an_edit_lost_to_a_restore_meets_a_later_edit_of_the_same_field_as_a_conflict() {
    let (dir, mut hub, one, two, p) = two_desks_with_one_row().await;
    let backup = dir.path().join("backup.sqlite3");
    hub.back_up(&backup).await;
    let mut mine = one.get(p.id).unwrap();
    mine.name = "Zari, as one named it".into();
    one.add(&mine);
    one.sync().await;
    hub.restore(&backup).await;
    let mut theirs = two.get(p.id).unwrap();
    theirs.name = "Zari, as two named it".into();
    two.add(&theirs);
    two.sync().await;
    let r = one.sync().await;
    assert!(r.resync.is_some(), "{r:?}");
    let conflicts = one.store().conflicts(false).unwrap();
    assert_eq!(conflicts.len(), 1, "{r:?}");
    assert_eq!(conflicts[0].conflict.field, "name");
    assert_eq!(conflicts[0].mine, "Zari, as one named it");
    assert_eq!(conflicts[0].theirs, "Zari, as two named it");
    two.sync().await;
    assert_eq!(two.store().conflicts(false).unwrap().len(), 1);
    one.agrees_with(&hub);
    two.agrees_with(&hub);
}

/// A push the server merged with another desk's change of another field, whose pull is then
/// lost, leaves this desk's row behind the version the push made. A comparison of everything
/// (as after a restore) then finds the row merely behind, and must not send it back as though
/// the server had lost this desk's older value.
#[tokio::test]
async fn a_row_behind_its_own_push_is_not_sent_back_by_a_full_comparison() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::start(&dir.path().join("ledger.sqlite3")).await;
    let one = Desk::new(&dir, &hub, "one", Role::StateEditor, Some(9));
    let two = Desk::new(&dir, &hub, "two", Role::StateEditor, Some(9));
    let mut p = product(9, 187, "Zari Work");
    p.description = "One's words".into();
    one.add(&p);
    one.sync().await;
    two.sync().await;
    let mut words = two.get(p.id).unwrap();
    words.description = "Two's words".into();
    two.add(&words);
    two.sync().await;
    let mut renamed = one.get(p.id).unwrap();
    renamed.name = "Zari and Zardozi".into();
    one.add(&renamed);
    *one.remote.pulls_left.lock().unwrap() = Some(0);
    let err = sync_once(&one.path, &one.remote, &one.name, &|_| {})
        .await
        .unwrap_err();
    assert!(err.is_transient(), "{err}");
    assert_eq!(
        one.store().sync_counts().unwrap().pending,
        0,
        "the push landed"
    );
    *one.remote.pulls_left.lock().unwrap() = None;
    // What a pull that finds a restored server marks due.
    one.store().begin_resync(Resync::Restored).unwrap();
    let r = one.sync().await;
    assert_eq!(r.resync, Some(Resync::Restored), "{r:?}");
    assert_eq!((r.requeued, r.pushed), (0, 0), "{r:?}");
    assert!(one.store().conflicts(true).unwrap().is_empty());
    let row = one.get(p.id).unwrap();
    assert_eq!(
        (row.name.as_str(), row.description.as_str()),
        ("Zari and Zardozi", "Two's words")
    );
    one.agrees_with(&hub);
}

/// The server, asked who the token is, and `whoami` alone lost on the way: a test's stand-in
/// for a round that cannot learn its account.
struct Silent(Flaky);

impl odop_sync::Remote for Silent {
    async fn whoami(&self) -> Result<odop_protocol::Identity, odop_sync::SyncError> {
        Err(odop_sync::SyncError::Answer(
            "the test lost the answer".into(),
        ))
    }

    async fn push(
        &self,
        request: &odop_protocol::PushRequest,
    ) -> Result<odop_protocol::PushResponse, odop_sync::SyncError> {
        self.0.push(request).await
    }

    async fn pull(
        &self,
        query: &odop_protocol::PullQuery,
    ) -> Result<odop_protocol::PullResponse, odop_sync::SyncError> {
        self.0.pull(query).await
    }

    async fn publish_gi(
        &self,
        registry: &odop_protocol::GiRegistry,
    ) -> Result<odop_protocol::GiPublished, odop_sync::SyncError> {
        self.0.publish_gi(registry).await
    }
}

/// A desk handed to another account of its state syncs as that account at once: the round
/// asks who the token is and starts over as a new client, taking the rows the new account
/// reads. When the round cannot ask, the server's refusal of the old client starts it over.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_desk_that_changes_hands_starts_over_as_a_new_client() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::start(&dir.path().join("ledger.sqlite3")).await;
    let up = Desk::new(&dir, &hub, "up", Role::StateEditor, Some(9));
    let other = Desk::new(&dir, &hub, "up-other", Role::StateEditor, Some(9));
    let theirs = product(9, 188, "Written Before The Handover");
    other.add(&theirs);
    other.sync().await;
    up.add(&product(9, 187, "Sent By The First Officer"));
    up.sync().await;

    // Handed over: the next round takes the rows as the successor reads them, and sends what
    // waits as the successor's.
    let (successor, token) = hub.account("up-next", Role::StateEditor, Some(9));
    up.add(&product(9, 188, "Waiting At The First Handover"));
    let next = Flaky::new(hub.base.clone(), &token);
    let r = sync_once(&up.path, &next, "up-next", &|_| {})
        .await
        .unwrap();
    assert_eq!((r.resync, r.applied), (Some(Resync::Rewound), 1), "{r:?}");
    assert_eq!(up.store().account().unwrap().unwrap().name, "up-next");
    assert_eq!(local_view(&up.store()), hub.view(&successor));

    // Handed on again, a change waiting, and the round unable to ask who it is.
    let (last, token) = hub.account("up-last", Role::StateEditor, Some(9));
    let waiting = product(9, 187, "Waiting At The Second Handover");
    up.add(&waiting);
    let silent = Silent(Flaky::new(hub.base.clone(), &token));
    let r = sync_once(&up.path, &silent, "up-last", &|_| {})
        .await
        .unwrap();
    assert_eq!((r.resync, r.refused), (Some(Resync::Rewound), 0), "{r:?}");
    assert_eq!(up.store().sync_counts().unwrap().pending, 0);
    assert!(hub
        .view(&last)
        .contains_key(&("product".into(), waiting.id.to_string())));
    assert_eq!(local_view(&up.store()), hub.view(&last));
}

fn gi_entry(number: u32, name: &str, states: &[u16]) -> odop_domain::GiEntry {
    odop_domain::GiEntry {
        number,
        name: name.into(),
        goods: "Handicraft".into(),
        states: states.iter().map(|&s| odop_domain::StateCode(s)).collect(),
    }
}

fn load_gi(desk: &Desk, entries: &[odop_domain::GiEntry]) {
    let mut store = desk.store();
    let mut edit = store.edit(&desk.name).unwrap();
    edit.replace_gi_registry(entries).unwrap();
    edit.commit().unwrap();
}

/// DPIIT loads the GI registry on its desk and the next sync sends it; every state desk takes
/// it at its own next sync, in place of a list it loaded itself, which it never sends. A list
/// the server refuses is reported, not sent again, and gives way to the server's.
#[tokio::test]
async fn dpiits_gi_registry_reaches_every_desk_and_a_states_own_list_is_never_sent() {
    use odop_domain::gi_tag;
    use odop_sync::GiExchange;

    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::start(&dir.path().join("ledger.sqlite3")).await;
    hub.ledger()
        .set_places(&odop_ledger::Places {
            states: [9, 10].into(),
            districts: [(187, 9), (188, 9), (211, 10), (212, 10)].into(),
        })
        .unwrap();
    let dpiit = Desk::new(&dir, &hub, "dpiit", Role::Central, None);
    let up = Desk::new(&dir, &hub, "up", Role::StateEditor, Some(9));
    let bihar = Desk::new(&dir, &hub, "bihar", Role::StateEditor, Some(10));

    // Until DPIIT sends one, a state desk keeps the list it loaded, and sends it nowhere.
    let own = [gi_entry(1, "Kota Doria", &[9])];
    load_gi(&up, &own);
    assert_eq!(up.sync().await.gi, vec![]);
    assert!(hub.ledger().gi_registry().unwrap().is_empty());
    assert_eq!(up.store().gi_registry(None).unwrap(), own);

    let list = [
        gi_entry(17, "Basmati", &[9, 10]),
        gi_entry(2, "Banarasi Brocades and Sarees", &[9]),
    ];
    let tag = gi_tag(&list);
    load_gi(&dpiit, &list);
    assert_eq!(
        dpiit.sync().await.gi,
        vec![GiExchange::Sent {
            tag: tag.clone(),
            entries: 2
        }]
    );
    assert_eq!(hub.ledger().gi_registry().unwrap(), list);
    assert_eq!(dpiit.sync().await.gi, vec![], "sent once");

    for desk in [&up, &bihar] {
        let taken = GiExchange::Taken {
            tag: tag.clone(),
            entries: 2,
        };
        assert_eq!(desk.sync().await.gi, vec![taken], "{}", desk.name);
        assert_eq!(desk.store().gi_registry(None).unwrap(), list);
        assert_eq!(desk.store().gi_tag().unwrap(), tag);
        assert_eq!(desk.sync().await.gi, vec![], "{} takes it once", desk.name);
    }
    let history = up.store().history(None, 50).unwrap();
    assert!(
        history
            .iter()
            .any(|h| h.title == "GI registry from the server: 2 entries"),
        "{history:?}"
    );

    // A list naming a state the server's LGD lists lack is refused whole and reported. The
    // server keeps its list, which comes back to DPIIT's desk in the same round.
    let bad = [
        gi_entry(17, "Basmati", &[9, 10]),
        gi_entry(5, "Muga Silk", &[18]),
    ];
    load_gi(&dpiit, &bad);
    let r = dpiit.sync().await;
    match r.gi.as_slice() {
        [GiExchange::Refused {
            tag: refused,
            reason,
        }, GiExchange::Taken { tag: taken, .. }] => {
            assert_eq!(refused, &gi_tag(&bad));
            assert!(reason.contains("\"Muga Silk\""), "{reason}");
            assert!(reason.contains("state 18"), "{reason}");
            assert_eq!(taken, &tag);
        }
        other => panic!("refused, then the server's taken: {other:?}"),
    }
    assert_eq!(hub.ledger().gi_registry().unwrap(), list);
    assert_eq!(dpiit.store().gi_registry(None).unwrap(), list);
    assert_eq!(dpiit.sync().await.gi, vec![]);
    up.agrees_with(&hub);
}

/// A desk that never loaded the LGD lists learns, at its first sync, the states and districts
/// the server's lists name, so it can name every place of the rows it pulls. A desk with its
/// own lists keeps its names, and learns only what it lacks.
#[tokio::test]
async fn a_desk_without_lgd_lists_learns_the_servers_place_names() {
    use odop_domain::{DistrictCode, StateCode, StateKind};
    use odop_ledger::PlaceNames;

    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::start(&dir.path().join("ledger.sqlite3")).await;
    let places = odop_ledger::Places {
        states: [9, 10, 4].into(),
        districts: [(187, 9), (188, 9), (211, 10), (212, 10), (4001, 4)].into(),
    };
    let names = PlaceNames {
        states: [
            (9, ("UTTAR PRADESH".to_owned(), StateKind::State)),
            (10, ("BIHAR".to_owned(), StateKind::State)),
            (4, ("CHANDIGARH".to_owned(), StateKind::Ut)),
        ]
        .into(),
        districts: [
            (187, "VARANASI".to_owned()),
            (188, "BHADOHI".to_owned()),
            (211, "PATNA".to_owned()),
            // A name no place could have is left out; the round goes on.
            (212, "GAYA\u{7}".to_owned()),
            (4001, "CHANDIGARH".to_owned()),
        ]
        .into(),
    };
    hub.ledger().set_named_places(&places, &names).unwrap();
    let up = Desk::new(&dir, &hub, "up", Role::StateEditor, Some(9));
    up.add(&product(9, 187, "Carpets"));
    // A desk with its own lists keeps its own names and learns only the places it lacks.
    let r = up.sync().await;
    assert_eq!(r.learnt_places, 2, "Chandigarh and its district: {r:?}");
    let own = up.store().gazetteer().unwrap();
    assert_eq!(own.state(StateCode(9)).unwrap().name, "State 9");
    assert_eq!(
        own.district(DistrictCode(187)).unwrap().name,
        "District 187"
    );
    assert_eq!(own.district(DistrictCode(4001)).unwrap().name, "Chandigarh");

    // A fresh desk: no LGD lists of its own.
    let path = dir.path().join("fresh.sqlite3");
    drop(Store::open(&path).unwrap());
    let (account, token) = hub.account("up-2", Role::StateEditor, Some(9));
    let fresh = Desk {
        path,
        remote: Flaky::new(hub.base.clone(), &token),
        account,
        name: "up-2".into(),
    };
    assert!(fresh.store().gazetteer().unwrap().is_empty());
    let r = fresh.sync().await;
    assert_eq!(r.learnt_places, 7, "{r:?}");
    let gazetteer = fresh.store().gazetteer().unwrap();
    let up_state = gazetteer.state(StateCode(9)).expect("Uttar Pradesh learnt");
    assert_eq!(up_state.name, "Uttar Pradesh");
    assert_eq!(
        gazetteer.state(StateCode(4)).map(|s| s.kind),
        Some(StateKind::Ut)
    );
    let varanasi = gazetteer
        .district(DistrictCode(187))
        .expect("Varanasi learnt");
    assert_eq!(
        (varanasi.name.as_str(), varanasi.state),
        ("Varanasi", StateCode(9))
    );
    assert!(
        gazetteer.district(DistrictCode(212)).is_none(),
        "no name to learn it by"
    );
    // Its pulled product now lies in a district it can name, and its state's lists read.
    let products = fresh
        .store()
        .products(&odop_store::ProductFilter {
            state: Some(StateCode(9)),
            ..odop_store::ProductFilter::default()
        })
        .unwrap();
    assert_eq!(products.len(), 1);
    assert!(fresh
        .store()
        .history(None, 50)
        .unwrap()
        .iter()
        .any(|h| h.who == "server (its LGD lists)" && h.title.contains("Varanasi")));
    // A second round learns nothing more.
    assert_eq!(fresh.sync().await.learnt_places, 0);
    fresh.agrees_with(&hub);
}

/// A seller of Varanasi with this name and phone, and a story about it.
fn seller_and_story(name: &str, phone: &str) -> (odop_domain::Seller, odop_domain::Story) {
    let seller: odop_domain::Seller = serde_json::from_value(serde_json::json!({
        "id": odop_domain::Id::new().to_string(),
        "state": 9,
        "district": 187,
        "name": name,
        "kind": "cooperative",
        "contact": {"phone": phone},
        "packaging": "not_assessed",
    }))
    .unwrap();
    let story: odop_domain::Story = serde_json::from_value(serde_json::json!({
        "id": odop_domain::Id::new().to_string(),
        "state": 9,
        "district": 187,
        "seller": seller.id.to_string(),
        "title": format!("{name} at the fair"),
        "texts": [{"lang": "en", "text": "Orders from three cities."}],
    }))
    .unwrap();
    (seller, story)
}

/// A seller recorded twice is merged on one desk: the kept record, the story renamed to it and
/// the deletion reach the other desk. A story the other desk wrote meanwhile about the merged
/// record stops the deletion at the server, naming it; merged again once that story has
/// arrived, the seller ends as one record everywhere, and no story is lost.
#[tokio::test]
async fn a_merge_of_a_seller_recorded_twice_reaches_every_desk() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::start(&dir.path().join("ledger.sqlite3")).await;
    let one = Desk::new(&dir, &hub, "one", Role::StateEditor, Some(9));
    let two = Desk::new(&dir, &hub, "two", Role::StateEditor, Some(9));
    let (kept, _) = seller_and_story("Kashi Silk Weavers Cooperative", "+91 94150 11223");
    let (twice, story) = seller_and_story("Kashi Silk Weavers Co-op", "094150 11223");
    {
        let mut store = one.store();
        let mut edit = store.edit("one").unwrap();
        edit.put(&kept).unwrap();
        edit.put(&twice).unwrap();
        edit.put(&story).unwrap();
        edit.commit().unwrap();
    }
    one.sync().await;
    two.sync().await;
    assert_eq!(two.store().duplicate_sellers(None).unwrap().len(), 1);

    // Offline from the merge, the other desk writes a story about the record merged away.
    let (_, mut late) = seller_and_story("Kashi Silk Weavers Co-op", "094150 11223");
    late.seller = Some(twice.id);
    {
        let mut store = two.store();
        let mut edit = store.edit("two").unwrap();
        edit.put(&late).unwrap();
        edit.commit().unwrap();
    }
    two.sync().await;

    let merged = one.store().merge_sellers("one", twice.id, kept.id).unwrap();
    assert_eq!(merged.renamed.len(), 1, "{merged:?}");
    let r = one.sync().await;
    assert_eq!(r.refused, 1, "the deletion is refused: {r:?}");
    let refused = one.store().refusals().unwrap().remove(0);
    assert_eq!(refused.code, "in_use", "{refused:?}");
    assert!(
        refused.reason.contains(&late.id.to_string()),
        "{}",
        refused.reason
    );

    // Given up, the deletion brings the record back with the late story naming it; merged
    // again, both stories name the kept seller.
    one.store().discard_refusal(refused.seq).unwrap();
    one.sync().await;
    assert!(one
        .store()
        .get::<odop_domain::Seller>(twice.id)
        .unwrap()
        .is_some());
    let again = one.store().merge_sellers("one", twice.id, kept.id).unwrap();
    assert_eq!(again.renamed.len(), 1, "the late story: {again:?}");
    let r = one.sync().await;
    assert_eq!(r.refused, 0, "{r:?}");
    two.sync().await;
    for desk in [&one, &two] {
        let store = desk.store();
        assert!(store
            .get::<odop_domain::Seller>(twice.id)
            .unwrap()
            .is_none());
        for s in [&story, &late] {
            let s: odop_domain::Story = store.get(s.id).unwrap().unwrap();
            assert_eq!(s.seller, Some(kept.id), "{} on {}", s.title, desk.name);
        }
        assert!(store.duplicate_sellers(None).unwrap().is_empty());
        desk.agrees_with(&hub);
    }
}
