//! The periodic sync: "sync now" runs a round at once, a server that cannot be reached makes it
//! back off and say so, stopping it mid-way harms nothing, and one round runs at a time.

mod support;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use odop_domain::EntityKind;
use odop_protocol::{
    GiPublished, GiRegistry, Identity, PullQuery, PullResponse, PushRequest, PushResponse, Role,
};
use odop_store::{Store, Takeover};
use odop_sync::{sync_once, Remote, Schedule, Status, SyncError};
use support::{desk_store, product, Fault, Flaky, Hub};
use tokio::sync::Notify;

async fn until(schedule: &mut Schedule, what: &str, done: impl Fn(&Status) -> bool) -> Status {
    let wait = async {
        loop {
            let status = schedule.changed().await;
            if done(&status) {
                return status;
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(30), wait)
        .await
        .unwrap_or_else(|_| panic!("waited 30 s for {what}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_now_runs_a_round_and_an_unreachable_server_backs_off() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::start(&dir.path().join("ledger.sqlite3")).await;
    let (_, token) = hub.account("up", Role::StateEditor, Some(9));
    let db = dir.path().join("desk.sqlite3");
    let mut store = desk_store(&db);
    let mut edit = store.edit("up").unwrap();
    edit.put(&product(9, 187, "Carpet")).unwrap();
    edit.commit().unwrap();
    drop(store);

    let remote = Arc::new(Flaky::new(hub.base.clone(), &token));
    // An hour between rounds: only "sync now" can make one happen within the test.
    let mut schedule = Schedule::start(
        db.clone(),
        Arc::clone(&remote),
        "up".into(),
        Duration::from_secs(3600),
    );
    // A follower sees the round start and end, as the app does to give memory back.
    let mut follower = schedule.follow();
    let ends = tokio::spawn(async move {
        let (mut seen, mut ends) = (0, 0);
        while follower.changed().await.is_ok() {
            let rounds = follower.borrow_and_update().rounds;
            if rounds > seen {
                ends += 1;
                seen = rounds;
            }
        }
        (ends, seen)
    });
    schedule.sync_now();
    let status = until(&mut schedule, "a round to finish", |s| {
        !s.running && s.last.is_some()
    })
    .await;
    assert_eq!(status.rounds, 1);
    let last = status.last.unwrap();
    assert_eq!((last.pushed, last.error), (1, None));
    assert_eq!(Store::open(&db).unwrap().sync_counts().unwrap().pending, 0);

    *remote.fault.lock().unwrap() = Fault::Unreachable;
    schedule.sync_now();
    let status = until(&mut schedule, "a failed round", |s| {
        s.failures == 1 && !s.running
    })
    .await;
    assert_eq!(status.rounds, 2, "the failed round is counted too");
    assert!(status
        .last
        .unwrap()
        .error
        .unwrap()
        .contains("cannot be reached"));
    let next = until(&mut schedule, "the backoff to be set", |s| {
        s.failures == 1 && s.next_in_secs < 3600
    })
    .await;
    assert!(
        next.next_in_secs <= 7,
        "the first retry comes within seconds, not the hour: {next:?}"
    );
    // The follower closes with the loop, having seen the rounds end: both, and any retry that
    // the backoff ran before the stop.
    tokio::time::timeout(Duration::from_secs(30), schedule.stopped())
        .await
        .expect("the loop to stop");
    let (ends, rounds) = ends.await.unwrap();
    assert!(rounds >= 2, "the follower's last count is {rounds}");
    assert!((1..=rounds).contains(&ends), "the follower saw {ends} ends");
}

/// A remote that, while `hold` is set, keeps a push's answer after the server has taken the
/// push, until the test lets it through: a round caught between the server's commit and the
/// desk's.
struct Gate {
    inner: Flaky,
    hold: AtomicBool,
    entered: Notify,
    release: Notify,
}

impl Gate {
    fn new(inner: Flaky) -> Gate {
        Gate {
            inner,
            hold: AtomicBool::new(true),
            entered: Notify::new(),
            release: Notify::new(),
        }
    }

    async fn until_held(&self) {
        tokio::time::timeout(Duration::from_secs(30), self.entered.notified())
            .await
            .expect("waited 30 s for a push to reach the gate");
    }
}

impl Remote for Gate {
    async fn whoami(&self) -> Result<Identity, SyncError> {
        self.inner.whoami().await
    }

    async fn push(&self, request: &PushRequest) -> Result<PushResponse, SyncError> {
        let answer = self.inner.push(request).await;
        if self.hold.load(Ordering::SeqCst) {
            self.entered.notify_one();
            self.release.notified().await;
        }
        answer
    }

    async fn pull(&self, query: &PullQuery) -> Result<PullResponse, SyncError> {
        self.inner.pull(query).await
    }

    async fn publish_gi(&self, registry: &GiRegistry) -> Result<GiPublished, SyncError> {
        self.inner.publish_gi(registry).await
    }
}

/// A desk with two products waiting to be pushed, and a remote that holds the push's answer.
fn desk_with_two_waiting(dir: &Path, hub: &Hub) -> (PathBuf, Arc<Gate>) {
    let (_, token) = hub.account("up", Role::StateEditor, Some(9));
    let db = dir.join("desk.sqlite3");
    let mut store = desk_store(&db);
    let mut edit = store.edit("up").unwrap();
    edit.put(&product(9, 187, "Carpet")).unwrap();
    edit.put(&product(9, 188, "Brassware")).unwrap();
    edit.commit().unwrap();
    (
        db,
        Arc::new(Gate::new(Flaky::new(hub.base.clone(), &token))),
    )
}

/// Stopped while the server has taken its push but the desk has not heard, a round leaves the
/// outbox as it was; the next round sends it again, the server answers from what it recorded,
/// and nothing is applied twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_round_stopped_mid_way_harms_nothing_and_the_next_one_finishes() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::start(&dir.path().join("ledger.sqlite3")).await;
    let (db, gate) = desk_with_two_waiting(dir.path(), &hub);
    let mut schedule = Schedule::start(
        db.clone(),
        Arc::clone(&gate),
        "up".into(),
        Duration::from_secs(3600),
    );
    schedule.sync_now();
    gate.until_held().await;
    assert_eq!(
        hub.ledger()
            .pull(&account(&hub), 0, 0, 100)
            .unwrap()
            .changes
            .len(),
        2
    );
    schedule.stop();
    let status = until(&mut schedule, "the round to be cut short", |s| {
        !s.running && s.last.is_some()
    })
    .await;
    assert_eq!(
        status.last.unwrap().error.as_deref(),
        Some("sync was cancelled")
    );
    assert_eq!(
        Store::open(&db).unwrap().sync_counts().unwrap().pending,
        2,
        "the unanswered push still waits"
    );

    gate.hold.store(false, Ordering::SeqCst);
    let r = sync_once(&db, &*gate, "up", &|_| {}).await.unwrap();
    assert_eq!((r.pushed, r.applied, r.conflicts), (2, 2, 0), "{r:?}");
    let store = Store::open(&db).unwrap();
    assert_eq!(store.sync_counts().unwrap().pending, 0);
    let on_server = hub
        .ledger()
        .pull(&account(&hub), 0, 0, 100)
        .unwrap()
        .changes;
    assert_eq!(
        on_server.len(),
        2,
        "nothing was applied twice: {on_server:?}"
    );
    assert_eq!(store.count(EntityKind::Product).unwrap(), 2);
}

/// One round at a time: a second round of the same database, asked for while the first waits
/// on the server, is told the database is busy and changes nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_round_while_one_runs_is_busy() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::start(&dir.path().join("ledger.sqlite3")).await;
    let (db, gate) = desk_with_two_waiting(dir.path(), &hub);
    let first = tokio::spawn({
        let (db, gate) = (db.clone(), Arc::clone(&gate));
        async move { sync_once(&db, &*gate, "up", &|_| {}).await }
    });
    gate.until_held().await;
    let second = sync_once(&db, &*gate, "up", &|_| {});
    let err = tokio::time::timeout(Duration::from_secs(30), second)
        .await
        .expect("the second round was let in and waits at the gate")
        .unwrap_err();
    assert!(matches!(err, SyncError::Busy), "{err}");
    assert!(err.is_transient());
    assert_eq!(Store::open(&db).unwrap().sync_counts().unwrap().pending, 2);
    gate.release.notify_one();
    let r = first.await.unwrap().unwrap();
    assert_eq!((r.pushed, r.applied), (2, 2), "{r:?}");
    assert_eq!(Store::open(&db).unwrap().sync_counts().unwrap().pending, 0);
}

/// The desk's account as the server knows it.
fn account(hub: &Hub) -> odop_ledger::Account {
    hub.ledger()
        .accounts()
        .unwrap()
        .into_iter()
        .find(|a| a.name == "up")
        .unwrap()
}

/// A restore (or a login) is refused while a round holds the database, and goes ahead once the schedule has
/// stopped: `stopped` returns only when the round in flight is gone. The restored desk then
/// sends its changes again, and the server, which took them in the round cut short, ends up
/// with each once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restore_waits_until_the_round_in_flight_has_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::start(&dir.path().join("ledger.sqlite3")).await;
    let (db, gate) = desk_with_two_waiting(dir.path(), &hub);
    let backup = dir.path().join("backup.sqlite3");
    let mut store = Store::open(&db).unwrap();
    store.back_up(&backup).unwrap();
    let schedule = Schedule::start(
        db.clone(),
        Arc::clone(&gate),
        "up".into(),
        Duration::from_secs(3600),
    );
    schedule.sync_now();
    gate.until_held().await;
    let err = odop_sync::restore(&mut store, &backup, Takeover::Refuse).unwrap_err();
    assert!(
        matches!(err, SyncError::SyncRunning { doing: "restore" }),
        "{err}"
    );
    // A login as another account would start the desk over under the round's feet.
    let (_, other) = hub.account("up-2", Role::StateEditor, Some(9));
    let url = hub.base.lock().unwrap().clone();
    let err = odop_sync::login(dir.path(), &db, &url, &other, Takeover::Refuse)
        .await
        .unwrap_err();
    assert!(
        matches!(err, SyncError::SyncRunning { doing: "log in" }),
        "{err}"
    );
    assert!(
        err.to_string().contains("log in once it has finished"),
        "{err}"
    );
    assert_eq!(
        store.account().unwrap().map(|a| a.name).as_deref(),
        Some("up"),
        "the round noted its account, and the refused login changed nothing"
    );
    assert_eq!(err.code(), "busy");

    tokio::time::timeout(Duration::from_secs(30), schedule.stopped())
        .await
        .expect("the schedule stops within 30 s");
    let restored = odop_sync::restore(&mut store, &backup, Takeover::Refuse).unwrap();
    assert_eq!(restored.from.waiting, 2);
    assert_eq!(store.sync_counts().unwrap().pending, 2);
    drop(store);

    gate.hold.store(false, Ordering::SeqCst);
    let r = sync_once(&db, &*gate, "up", &|_| {}).await.unwrap();
    assert_eq!((r.pushed, r.conflicts, r.refused), (2, 0, 0), "{r:?}");
    let on_server = hub
        .ledger()
        .pull(&account(&hub), 0, 0, 100)
        .unwrap()
        .changes;
    let rows: std::collections::BTreeSet<&str> = on_server
        .iter()
        .filter_map(|c| match c {
            odop_protocol::Change::Row { id, .. } => Some(id.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(rows.len(), 2, "{on_server:?}");
    assert_eq!(Store::open(&db).unwrap().sync_counts().unwrap().pending, 0);
}
