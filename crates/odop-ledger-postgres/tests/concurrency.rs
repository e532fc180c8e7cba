//! Pushes racing each other on PostgreSQL, where, unlike SQLite, writers really run at once:
//! every push is taken, and a reader following the change sequence page by page misses nothing.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};

use odop_ledger::protocol::{Change, FieldChange, Mutation, Op, PushRequest, PushResponse, Role};
use odop_ledger::{Account, Ledger, Token};
use odop_ledger_postgres::PostgresLedger;
use odop_pgtest::Cluster;
use serde_json::json;

const DESKS: u32 = 6;
const PUSHES_PER_DESK: u32 = 12;

fn id(n: u32) -> String {
    format!("01930000-0000-7000-8000-{n:012}")
}

fn create(seq: u64, n: u32, name: &str) -> Mutation {
    let fields = [
        ("id", json!(id(n))),
        ("state", json!(9)),
        ("district", json!(187)),
        ("rank", json!("primary")),
        ("sector", json!("handloom")),
        ("name", json!(name)),
    ];
    Mutation::create(seq, "product", &id(n), fields)
}

/// Renames shared row `n` from what the desk first saw; racing desks make conflicts.
fn rename(seq: u64, n: u32, to: &str) -> Mutation {
    Mutation {
        seq,
        kind: "product".into(),
        id: id(n),
        op: Op::Put,
        base_version: 1,
        fields: BTreeMap::from([(
            "name".to_owned(),
            FieldChange {
                base: json!(format!("Shared {n}")),
                new: json!(to),
            },
        )]),
        resolves: vec![],
        at: String::new(),
    }
}

fn push(
    ledger: &dyn Ledger,
    who: &Account,
    client: &str,
    mutations: Vec<Mutation>,
) -> PushResponse {
    ledger
        .push(
            who,
            &PushRequest {
                client: client.into(),
                mutations,
            },
        )
        .unwrap_or_else(|e| panic!("a push by {client} failed: {e}"))
}

/// Applies a page of changes to a view of id -> version.
fn follow(view: &mut BTreeMap<String, u64>, changes: &[Change]) {
    for change in changes {
        match change {
            Change::Row { id, version, .. } => {
                view.insert(id.clone(), *version);
            }
            Change::Tombstone { id, .. } | Change::Departed { id, .. } => {
                view.remove(id);
            }
            Change::Conflict { .. } => {}
        }
    }
}

/// Tells the reader the writers are done, also when one of them failed, so it stops.
struct Done<'a>(&'a AtomicBool);

impl Drop for Done<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}

#[test]
fn racing_pushes_are_all_taken_and_a_following_reader_misses_nothing() {
    let cluster =
        Cluster::start().unwrap_or_else(|e| panic!("these tests start their own PostgreSQL: {e}"));
    let ledger = PostgresLedger::open(&cluster.create_database("race").unwrap()).unwrap();
    let up = Account::new("up-editor", Role::StateEditor, Some(9)).unwrap();
    ledger
        .insert_account(&up, &Token::generate().unwrap().hash())
        .unwrap();
    push(
        &ledger,
        &up,
        "seed",
        vec![create(1, 1, "Shared 1"), create(2, 2, "Shared 2")],
    );

    let writing = AtomicBool::new(true);
    let (followed, seen_seqs, twins) = std::thread::scope(|s| {
        let reader = s.spawn(|| {
            let mut view = BTreeMap::new();
            let mut seqs = Vec::new();
            let (mut cursor, mut horizon) = (0, 0);
            loop {
                // Read the flag first: a page read after the writers stopped sees everything.
                let last_round = !writing.load(Ordering::SeqCst);
                loop {
                    let page = ledger.pull(&up, cursor, horizon, 5).expect("pull");
                    assert!(page.cursor >= cursor, "a cursor never moves back");
                    seqs.extend(page.changes.iter().map(Change::seq));
                    follow(&mut view, &page.changes);
                    (cursor, horizon) = (page.cursor, page.horizon);
                    if !page.more {
                        break;
                    }
                }
                if last_round {
                    return (view, seqs);
                }
            }
        });
        let done = Done(&writing);
        // Two pushes of the same new client at once: one takes it, the other is a replay.
        let twin_batch = vec![create(1, 900, "Twin"), create(2, 901, "Twin too")];
        let twins: Vec<_> = (0..2)
            .map(|_| {
                let batch = twin_batch.clone();
                let (ledger, up) = (&ledger, &up);
                s.spawn(move || push(ledger, up, "twin", batch))
            })
            .collect();
        let desks: Vec<_> = (0..DESKS)
            .map(|desk| {
                let (ledger, up) = (&ledger, &up);
                s.spawn(move || {
                    let client = format!("desk-{desk}");
                    // Half the desks edit the shared rows in one order, half in the other.
                    let (a, b) = if desk % 2 == 0 { (1, 2) } else { (2, 1) };
                    for p in 0..PUSHES_PER_DESK {
                        let n = 1000 * (desk + 1) + p;
                        let seq = u64::from(3 * p + 1);
                        let r = push(
                            ledger,
                            up,
                            &client,
                            vec![
                                rename(seq, a, &format!("Shared {a} by {desk}")),
                                rename(seq + 1, b, &format!("Shared {b} by {desk}")),
                                create(seq + 2, n, &format!("Desk {desk} row {p}")),
                            ],
                        );
                        assert_eq!(r.last_seq, seq + 2, "{client} push {p}: {r:?}");
                    }
                })
            })
            .collect();
        for desk in desks {
            desk.join().expect("a desk's pushes");
        }
        let twins: Vec<PushResponse> = twins
            .into_iter()
            .map(|t| t.join().expect("a twin push"))
            .collect();
        drop(done);
        let (view, seqs) = reader.join().expect("the reader");
        (view, seqs, twins)
    });

    assert_eq!(
        twins[0], twins[1],
        "the second twin push is answered as a replay"
    );
    assert_eq!(twins[0].last_seq, 2);
    assert!(
        seen_seqs.windows(2).all(|p| p[0] < p[1]),
        "the reader saw each change once, in order"
    );
    let mut fresh = BTreeMap::new();
    let (mut cursor, mut horizon) = (0, 0);
    loop {
        let page = ledger.pull(&up, cursor, horizon, 500).unwrap();
        follow(&mut fresh, &page.changes);
        (cursor, horizon) = (page.cursor, page.horizon);
        if !page.more {
            break;
        }
    }
    let rows = 2 + 2 + (DESKS * PUSHES_PER_DESK) as usize;
    assert_eq!(fresh.len(), rows, "every created row is there");
    assert_eq!(
        followed, fresh,
        "following the sequence while it grew gives what reading it afterwards gives"
    );
}
