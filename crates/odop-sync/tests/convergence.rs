//! The property: desks of two states and DPIIT make random creates, edits, moves, deletes,
//! conflict resolutions and fixes of refused writes (saved, sent again or discarded), and sync
//! in random order through a network that drops and repeats answers, while the server restarts,
//! forgets its tombstones (pruning) and is restored from an older backup, desks put their own
//! backups back (through the store, or by copying the file) and are handed to other accounts
//! (a successor, DPIIT, another state's editor). Once the faults stop
//! and every desk syncs twice, every desk equals the server within what it may read, and no
//! desk has an unpushed edit left.
//!
//! `ODOP_SYNC_CASES` sets the number of cases (the default suite runs a few dozen; the long
//! mode, e.g. `ODOP_SYNC_CASES=10000`, runs as many as asked).

mod support;

use odop_domain::{Entity, EntityKind, Product, Rank};
use odop_protocol::Role;
use odop_store::{Resolution, Store, Takeover};
use odop_sync::sync_once;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use support::{desk_store, local_view, product, Fault, Flaky, Hub, PLACES};

#[derive(Debug, Clone)]
enum Op {
    Create {
        desk: usize,
        state: usize,
        district: usize,
    },
    Edit {
        desk: usize,
        pick: usize,
        field: u8,
        value: u8,
    },
    Move {
        desk: usize,
        pick: usize,
    },
    Delete {
        desk: usize,
        pick: usize,
    },
    Resolve {
        desk: usize,
        pick: usize,
        how: u8,
    },
    /// Takes up a refused write: 0 sends it again as it is, 1 moves the record into the
    /// desk's own state and saves it, 2 discards it.
    Fix {
        desk: usize,
        pick: usize,
        how: u8,
    },
    Sync {
        desk: usize,
        fault: u8,
    },
    Restart,
    /// Copies the ledger aside, as an operator's backup (the server restarts).
    Backup,
    /// Puts the last backup back: the server forgets everything after it.
    Restore,
    /// Forgets every tombstone and departure so far, moving the horizon.
    Prune,
    /// A desk backs its database up (`Store::back_up`).
    DeskBackup {
        desk: usize,
    },
    /// A desk restores its last backup (`odop_sync::restore`): edits made since and not yet
    /// sent go with the database they were in; what the server took since comes back.
    DeskRestore {
        desk: usize,
    },
    /// A desk's last backup is copied over its database file by hand, behind the store's back.
    DeskCopyBack {
        desk: usize,
    },
    /// The desk is handed to another account, which logs in (`odop_sync::login`) and takes its
    /// waiting changes over: 0 a successor with the same role and state, 1 DPIIT, 2 an editor
    /// of the other state.
    Handover {
        desk: usize,
        to: u8,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        5 => (0..8usize, 0..2usize, 0..2usize).prop_map(|(desk, state, district)| Op::Create { desk, state, district }),
        20 => (0..8usize, 0..4usize, 0..3u8, 0..3u8).prop_map(|(desk, pick, field, value)| Op::Edit { desk, pick, field, value }),
        2 => (0..8usize, 0..8usize).prop_map(|(desk, pick)| Op::Move { desk, pick }),
        2 => (0..8usize, 0..8usize).prop_map(|(desk, pick)| Op::Delete { desk, pick }),
        4 => (0..8usize, 0..16usize, 0..3u8).prop_map(|(desk, pick, how)| Op::Resolve { desk, pick, how }),
        3 => (0..8usize, 0..4usize, 0..3u8).prop_map(|(desk, pick, how)| Op::Fix { desk, pick, how }),
        14 => (0..8usize, 0..6u8).prop_map(|(desk, fault)| Op::Sync { desk, fault }),
        1 => Just(Op::Restart),
        1 => Just(Op::Backup),
        1 => Just(Op::Restore),
        1 => Just(Op::Prune),
        2 => (0..8usize).prop_map(|desk| Op::DeskBackup { desk }),
        1 => (0..8usize).prop_map(|desk| Op::DeskRestore { desk }),
        1 => (0..8usize).prop_map(|desk| Op::DeskCopyBack { desk }),
        1 => (0..8usize, 0..3u8).prop_map(|(desk, to)| Op::Handover { desk, to }),
    ]
}

struct Desk {
    name: String,
    path: std::path::PathBuf,
    remote: Flaky,
    account: odop_ledger::Account,
}

impl Desk {
    /// Where the desk keeps its one backup.
    fn backup(&self) -> std::path::PathBuf {
        self.path.with_extension("backup")
    }
}

fn roles(n: usize) -> Vec<(Role, Option<u16>)> {
    (0..n)
        .map(|i| match i {
            0 => (Role::Central, None),
            3 => (Role::StateViewer, Some(9)),
            i if i % 2 == 1 => (Role::StateEditor, Some(9)),
            _ => (Role::StateEditor, Some(10)),
        })
        .collect()
}

fn pick<T: Clone>(items: &[T], n: usize) -> Option<T> {
    (!items.is_empty()).then(|| items[n % items.len()].clone())
}

fn write(store: &mut Store, who: &str, p: &Product) {
    let mut edit = store.edit(who).unwrap();
    // Local rules may refuse (nothing to see here); the server's refusals are what matter.
    if edit.put(p).is_ok() {
        edit.commit().unwrap();
    }
}

async fn run(desks_n: usize, ops: Vec<Op>) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let mut hub = Hub::start(&dir.path().join("ledger.sqlite3")).await;
    let mut desks: Vec<Desk> = roles(desks_n)
        .into_iter()
        .enumerate()
        .map(|(i, (role, state))| {
            let name = format!("desk{i}");
            let path = dir.path().join(format!("{name}.sqlite3"));
            drop(desk_store(&path));
            let (account, token) = hub.account(&name, role, state);
            Desk {
                remote: Flaky::new(hub.base.clone(), &token),
                name,
                path,
                account,
            }
        })
        .collect();

    // The accounts desks are handed to exist from the start, as a server restored from an older
    // backup would otherwise not know them: two of each kind, each of which may hold several desks.
    let mut successors = std::collections::HashMap::new();
    for (role, state) in [
        (Role::Central, None),
        (Role::StateEditor, Some(9)),
        (Role::StateEditor, Some(10)),
        (Role::StateViewer, Some(9)),
    ] {
        for k in 0..2 {
            let name = format!("{}-{}-{k}", role.as_str(), state.unwrap_or(0));
            successors.insert((role, state, k), hub.account(&name, role, state));
        }
    }
    let backup = dir.path().join("backup.sqlite3");
    let mut handovers = 0;
    for op in ops {
        match op {
            Op::Handover { desk, to } => {
                let d = &mut desks[desk % desks_n];
                let (role, state) = match to {
                    0 => (d.account.role, d.account.state),
                    1 => (Role::Central, None),
                    _ => (
                        Role::StateEditor,
                        Some(if d.account.state == Some(9) { 10 } else { 9 }),
                    ),
                };
                handovers += 1;
                let (account, token) = successors[&(role, state, handovers % 2)].clone();
                // A restarted hub listens on another port; a desk's real server keeps its
                // address, so each login starts from no saved server rather than move there.
                let settings = dir.path().join(format!("{}-settings-{handovers}", d.name));
                std::fs::create_dir_all(&settings).unwrap();
                let url = hub.base.lock().unwrap().clone();
                odop_sync::login(&settings, &d.path, &url, &token, Takeover::Allow)
                    .await
                    .map_err(|e| {
                        TestCaseError::fail(format!("{} could not log in: {e}", d.name))
                    })?;
                d.remote = Flaky::new(hub.base.clone(), &token);
                d.account = account;
            }
            Op::Restart => hub.restart().await,
            Op::Backup => hub.back_up(&backup).await,
            Op::Restore => {
                if backup.exists() {
                    hub.restore(&backup).await;
                }
            }
            Op::Prune => {
                hub.ledger().prune(&odop_ledger::now()).unwrap();
            }
            Op::DeskBackup { desk } => {
                let d = &desks[desk % desks_n];
                let store = Store::open(&d.path).unwrap();
                store.back_up(&d.backup()).unwrap();
            }
            Op::DeskRestore { desk } => {
                let d = &desks[desk % desks_n];
                if d.backup().exists() {
                    let mut store = Store::open(&d.path).unwrap();
                    // A backup from before the desk changed hands is another account's work:
                    // refused, then taken over, as a person told so may choose.
                    if let Err(e) = odop_sync::restore(&mut store, &d.backup(), Takeover::Refuse) {
                        prop_assert_eq!(e.code(), "other_account", "{}", e);
                        odop_sync::restore(&mut store, &d.backup(), Takeover::Allow).unwrap();
                    }
                }
            }
            Op::DeskCopyBack { desk } => {
                let d = &desks[desk % desks_n];
                if d.backup().exists() {
                    // The copy is whole: the backup has no log, and the desk's goes with it.
                    for log in ["-wal", "-shm"] {
                        let _ = std::fs::remove_file(format!("{}{log}", d.path.display()));
                    }
                    std::fs::copy(d.backup(), &d.path).unwrap();
                }
            }
            Op::Sync { desk, fault } => {
                let d = &desks[desk % desks_n];
                *d.remote.fault.lock().unwrap() = match fault {
                    2 => Fault::DropAnswer,
                    3 => Fault::Duplicate,
                    4 => Fault::Unreachable,
                    _ => Fault::None,
                };
                // Failures are expected here; convergence is checked after the faults stop.
                let _ = sync_once(&d.path, &d.remote, &d.name, &|_| {}).await;
            }
            Op::Create {
                desk,
                state,
                district,
            } => {
                let d = &desks[desk % desks_n];
                let (code, districts) = PLACES[state];
                let mut store = Store::open(&d.path).unwrap();
                write(
                    &mut store,
                    &d.name,
                    &product(code, districts[district], &format!("{} item", d.name)),
                );
            }
            Op::Edit {
                desk,
                pick: n,
                field,
                value,
            } => {
                let d = &desks[desk % desks_n];
                let mut store = Store::open(&d.path).unwrap();
                let rows: Vec<Product> = store.list(None, None, 1000, 0).unwrap();
                if let Some(mut p) = pick(&rows, n) {
                    match field {
                        0 => p.name = format!("Name {value}"),
                        1 => p.description = format!("Description {value}"),
                        _ => {
                            p.rank = [Rank::Primary, Rank::Secondary, Rank::Tertiary]
                                [value as usize % 3];
                        }
                    }
                    write(&mut store, &d.name, &p);
                }
            }
            Op::Move { desk, pick: n } => {
                let d = &desks[desk % desks_n];
                let mut store = Store::open(&d.path).unwrap();
                let rows: Vec<Product> = store.list(None, None, 1000, 0).unwrap();
                if let Some(mut p) = pick(&rows, n) {
                    let (code, districts) = PLACES
                        .iter()
                        .find(|(s, _)| *s != p.state.0)
                        .copied()
                        .unwrap();
                    p.state = odop_domain::StateCode(code);
                    p.district = odop_domain::DistrictCode(districts[0]);
                    write(&mut store, &d.name, &p);
                }
            }
            Op::Delete { desk, pick: n } => {
                let d = &desks[desk % desks_n];
                let mut store = Store::open(&d.path).unwrap();
                let rows: Vec<Product> = store.list(None, None, 1000, 0).unwrap();
                if let Some(p) = pick(&rows, n) {
                    let mut edit = store.edit(&d.name).unwrap();
                    if edit.delete(EntityKind::Product, p.id()).is_ok() {
                        edit.commit().unwrap();
                    }
                }
            }
            Op::Fix { desk, pick: n, how } => {
                let d = &desks[desk % desks_n];
                let mut store = Store::open(&d.path).unwrap();
                let refused = store.refusals().unwrap();
                let Some(r) = pick(&refused, n) else {
                    continue;
                };
                let own = PLACES.iter().find(|(s, _)| Some(*s) == d.account.state);
                let row = r
                    .row
                    .parse()
                    .ok()
                    .and_then(|id| store.get::<Product>(id).unwrap());
                match (how, own, row) {
                    (1, Some((code, districts)), Some(mut p)) => {
                        p.state = odop_domain::StateCode(*code);
                        p.district = odop_domain::DistrictCode(districts[1]);
                        write(&mut store, &d.name, &p);
                    }
                    (2, ..) => store.discard_refusal(r.seq).unwrap(),
                    // The record may have left this desk; that is the person's to see.
                    _ => {
                        let _ = store.resend_refusal(&d.name, r.seq);
                    }
                }
            }
            Op::Resolve { desk, pick: n, how } => {
                let d = &desks[desk % desks_n];
                let mut store = Store::open(&d.path).unwrap();
                let open = store.conflicts(false).unwrap();
                if let Some(c) = pick(&open, n) {
                    let choice = match how {
                        0 => Resolution::Mine,
                        1 => Resolution::Theirs,
                        _ => match c.conflict.field.as_str() {
                            "name" => Resolution::Value("Merged name".into()),
                            "description" => Resolution::Value("Merged description".into()),
                            _ => Resolution::Theirs,
                        },
                    };
                    // A row gone since may make a choice impossible; that is the person's to see.
                    let _ = store.resolve(&d.name, &c.conflict.id, &choice);
                }
            }
        }
    }

    // The faults stop; every desk gives up refused writes and syncs, twice over.
    for _ in 0..2 {
        for d in &desks {
            *d.remote.fault.lock().unwrap() = Fault::None;
            let mut store = Store::open(&d.path).unwrap();
            for r in store.refusals().unwrap() {
                store.discard_refusal(r.seq).unwrap();
            }
            drop(store);
            sync_once(&d.path, &d.remote, &d.name, &|_| {})
                .await
                .map_err(|e| TestCaseError::fail(format!("{} could not sync: {e}", d.name)))?;
        }
    }
    for d in &desks {
        let store = Store::open(&d.path).unwrap();
        prop_assert_eq!(
            store.sync_counts().unwrap().pending,
            0,
            "{} kept unpushed edits",
            &d.name
        );
        prop_assert_eq!(
            local_view(&store),
            hub.view(&d.account),
            "{} diverged from the server",
            &d.name
        );
    }
    hub.halt().await;
    Ok(())
}

#[test]
fn every_desk_converges_with_the_server_whatever_the_network_does() {
    let cases = std::env::var("ODOP_SYNC_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(24);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let runtime = runtime();
    let strategy = (2..=8usize, proptest::collection::vec(op(), 10..60));
    runner
        .run(&strategy, |(desks, ops)| runtime.block_on(run(desks, ops)))
        .unwrap();
}

/// A case the long mode found: a desk creates and deletes a record, sends both, then pulls
/// another desk's record of the same district.
#[test]
fn a_record_created_and_deleted_before_its_first_push_leaves_nothing_behind() {
    let runtime = runtime();
    let ops = vec![
        Op::Create {
            desk: 1,
            state: 0,
            district: 0,
        },
        Op::Delete { desk: 1, pick: 0 },
        Op::Sync { desk: 1, fault: 0 },
        Op::Sync { desk: 2, fault: 0 },
        Op::Delete { desk: 0, pick: 0 },
        Op::Create {
            desk: 2,
            state: 0,
            district: 0,
        },
        Op::Sync { desk: 2, fault: 0 },
        Op::Edit {
            desk: 1,
            pick: 0,
            field: 0,
            value: 0,
        },
        Op::Sync { desk: 1, fault: 0 },
        Op::Resolve {
            desk: 1,
            pick: 8,
            how: 0,
        },
        Op::Edit {
            desk: 1,
            pick: 0,
            field: 0,
            value: 0,
        },
    ];
    runtime.block_on(run(2, ops)).unwrap();
}

/// A case the long mode found: a desk's create is refused in another state, its next create's
/// answer is lost, another desk renames that record, and the refused write is discarded at the
/// end. The rename must reach the desk that made the record.
#[test]
fn a_rename_of_a_record_whose_create_answer_was_lost_reaches_its_maker_after_a_discard() {
    let runtime = runtime();
    let create = |desk, state| Op::Create {
        desk,
        state,
        district: 0,
    };
    let ops = vec![
        create(1, 1),
        Op::Sync { desk: 5, fault: 0 },
        create(1, 0),
        Op::Sync { desk: 5, fault: 2 },
        Op::Sync { desk: 4, fault: 0 },
        Op::Edit {
            desk: 0,
            pick: 0,
            field: 0,
            value: 0,
        },
        create(2, 0),
        create(0, 0),
        create(0, 0),
        create(0, 0),
    ];
    runtime.block_on(run(4, ops)).unwrap();
}

/// A case the long mode found: a desk's create in another state is refused, the server is then
/// restored from a backup taken before it, and the desk's next create in that state is refused
/// too. The push that finds the restore starts a new client, whose numbers begin at 1 again: the
/// second refusal must not take the first one's place, or the first record, never on the server
/// and no longer refused, stays on the desk after every refusal is discarded.
#[test]
fn a_refusal_before_a_restore_is_kept_apart_from_one_after_it() {
    let runtime = runtime();
    let elsewhere = Op::Create {
        desk: 1,
        state: 1,
        district: 0,
    };
    let sync = Op::Sync { desk: 1, fault: 0 };
    let ops = vec![
        Op::Backup,
        elsewhere.clone(),
        sync.clone(),
        Op::Restore,
        elsewhere,
        sync,
    ];
    runtime.block_on(run(2, ops)).unwrap();
}

/// The runtime a case runs its desks and server on.
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
}
