//! The periodic sync: "sync now" runs a round at once, a server that cannot be reached makes it
//! back off and say so, and stopping it mid-way harms nothing.

mod support;

use std::sync::Arc;
use std::time::Duration;

use odop_protocol::Role;
use odop_store::Store;
use odop_sync::{Schedule, Status};
use support::{desk_store, product, Fault, Flaky, Hub};

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
    schedule.sync_now();
    let status = until(&mut schedule, "a round to finish", |s| {
        !s.running && s.last.is_some()
    })
    .await;
    let last = status.last.unwrap();
    assert_eq!((last.pushed, last.error), (1, None));
    assert_eq!(Store::open(&db).unwrap().sync_counts().unwrap().pending, 0);

    *remote.fault.lock().unwrap() = Fault::Unreachable;
    schedule.sync_now();
    let status = until(&mut schedule, "a failed round", |s| {
        s.failures == 1 && !s.running
    })
    .await;
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

    schedule.stop();
    // A stopped schedule runs nothing more; the database is whole and usable.
    schedule.sync_now();
    let store = Store::open(&db).unwrap();
    assert_eq!(store.sync_counts().unwrap().pending, 0);
}
