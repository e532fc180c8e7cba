//! Any run of pushes from DPIIT, two state editors and a viewer, forged or not, keeps the
//! server's promises: a state editor changes no row or conflict outside its state (before or
//! after the write), a viewer changes nothing, every live row is one the domain accepts and
//! names only live records, of its state where it must (no push deletes or moves a record
//! from under the rows that name it), a version only grows and grows with every change, a
//! replayed push is answered as before and changes nothing (another change under a number
//! already answered refuses the push whole, changing nothing), and each state's readers pull
//! exactly the rows and conflicts of their state; and a row is given only a place of the
//! server's LGD list.
//!
//! The input is read as pushes. A push's first byte picks the account (low two bits) and the
//! client id (the next three: its own, or one shared with every account); the second byte the
//! number of mutations. Each mutation is three bytes: kind, operation, row and sequence; the base
//! version; the change and the conflict it names. A push's first byte of 0xff restarts the
//! server, and 0xfe prunes every tombstone.
#![no_main]

use std::collections::{BTreeMap, BTreeSet};

use libfuzzer_sys::fuzz_target;
use odop_domain::EntityKind;
use odop_ledger::protocol::{
    Change, ConflictRecord, FieldChange, Fields, Mutation, Op, PushRequest, Role,
};
use odop_ledger::{Account, Ledger, LedgerError, Places, Token};
use odop_ledger_sqlite::SqliteLedger;
use serde_json::{json, Value};

/// A row as DPIIT pulls it; `fields` is `None` for a tombstone.
#[derive(Debug, Clone, PartialEq)]
struct Row {
    version: u64,
    state: u16,
    fields: Option<Fields>,
}

impl Row {
    fn new(version: u64, state: u16, fields: Option<Fields>) -> Row {
        Row {
            version,
            state,
            fields,
        }
    }
}

/// Everything an account can pull, by (kind, id).
#[derive(Debug, Clone, PartialEq, Default)]
struct Snapshot {
    rows: BTreeMap<(String, String), Row>,
    conflicts: BTreeMap<String, ConflictRecord>,
}

impl Snapshot {
    fn pull(ledger: &dyn Ledger, who: &Account) -> Snapshot {
        let mut seen = Snapshot::default();
        let (mut cursor, mut horizon) = (0, 0);
        loop {
            let page = ledger
                .pull(who, cursor, horizon, 1000)
                .unwrap_or_else(|e| panic!("{} pulls from {cursor}: {e}", who.name));
            for change in page.changes {
                match change {
                    Change::Row {
                        kind,
                        id,
                        version,
                        state,
                        fields,
                        ..
                    } => {
                        seen.rows
                            .insert((kind, id), Row::new(version, state, Some(fields)));
                    }
                    Change::Tombstone {
                        kind,
                        id,
                        version,
                        state,
                        ..
                    } => {
                        seen.rows.insert((kind, id), Row::new(version, state, None));
                    }
                    Change::Departed { kind, id, .. } => {
                        seen.rows.remove(&(kind, id));
                    }
                    Change::Conflict { record, .. } => {
                        seen.conflicts.insert(record.id.clone(), record);
                    }
                }
            }
            cursor = page.cursor;
            horizon = page.horizon;
            if !page.more {
                return seen;
            }
        }
    }

    /// The live rows and the conflicts of one state, as its readers should hold them.
    fn of_state(&self, state: u16) -> (BTreeMap<&(String, String), &Fields>, Vec<&ConflictRecord>) {
        let rows = self
            .rows
            .iter()
            .filter(|(_, r)| r.state == state)
            .filter_map(|(k, r)| r.fields.as_ref().map(|f| (k, f)))
            .collect();
        let conflicts = self
            .conflicts
            .values()
            .filter(|c| c.state == state)
            .collect();
        (rows, conflicts)
    }
}

/// The ids a run works on: four good ones and one that is no id.
fn row_id(n: u8) -> String {
    match n % 5 {
        4 => "not-an-id".to_owned(),
        n => format!("01930000-0000-7000-8000-{n:012}"),
    }
}

/// Each state with a district of it; then a district the server's LGD list lacks, and one of
/// the other state.
const PLACES: [(u16, u32); 4] = [(9, 187), (10, 211), (9, 999), (9, 211)];

/// The server's LGD list: the first two places only.
fn lgd() -> Places {
    Places {
        states: [9, 10].into(),
        districts: [(187, 9), (211, 10)].into(),
    }
}

/// A whole row of `kind` (a product, a seller or a story) in a district of a state; a seller
/// sells, and a story tells of, the product `named`.
fn record(kind: &str, id: &str, (state, district): (u16, u32), name: &str, named: &str) -> Fields {
    let mut f = Fields::new();
    f.insert("id".into(), json!(id));
    f.insert("state".into(), json!(state));
    f.insert("district".into(), json!(district));
    match kind {
        "seller" => {
            f.insert("name".into(), json!(name));
            f.insert("kind".into(), json!("artisan"));
            f.insert("packaging".into(), json!("needed"));
            f.insert("products".into(), json!([named]));
        }
        "story" => {
            f.insert("title".into(), json!(name));
            f.insert("texts".into(), json!([{"lang": "en", "text": "Sold out."}]));
            f.insert("product".into(), json!(named));
        }
        _ => {
            f.insert("name".into(), json!(name));
            f.insert("rank".into(), json!("primary"));
            f.insert("sector".into(), json!("handloom"));
        }
    }
    f
}

fn change(base: Option<&Value>, new: Value) -> FieldChange {
    FieldChange {
        base: base.cloned().unwrap_or(Value::Null),
        new,
    }
}

/// The field changes byte `c` asks for, against the row as it now is (`held`).
fn changes(kind: &str, id: &str, c: u8, held: Option<&Fields>) -> BTreeMap<String, FieldChange> {
    let get = |name: &str| held.and_then(|f| f.get(name));
    let name = format!("Name {}", (c >> 3) & 3);
    let named = row_id(c >> 5 & 3);
    let all = |place: (u16, u32)| {
        record(kind, id, place, &name, &named)
            .into_iter()
            .map(|(k, v)| {
                let base = get(&k).cloned();
                (k, change(base.as_ref(), v))
            })
            .collect()
    };
    let one = |field: &str, base: Option<&Value>, new: Value| {
        BTreeMap::from([(field.to_owned(), change(base, new))])
    };
    match c & 7 {
        0 => all(PLACES[0]),
        1 => all(PLACES[1]),
        2 => one("name", get("name"), json!(name)),
        // Made on a value someone has since changed.
        3 => one("name", Some(&json!("Stale")), json!(name)),
        4 => {
            let (state, district) = PLACES[usize::from(c >> 6 & 3)];
            let mut moved = one("state", get("state"), json!(state));
            moved.insert("district".into(), change(get("district"), json!(district)));
            moved
        }
        5 => match kind {
            "seller" => one("products", get("products"), json!([named])),
            "story" => one("product", get("product"), json!(named)),
            _ => one(
                "description",
                get("description"),
                json!(format!("About {name}")),
            ),
        },
        6 => one("description", get("description"), Value::Null),
        _ => one("rank", get("rank"), json!("foremost")),
    }
}

struct World {
    ledger: SqliteLedger,
    dir: tempfile::TempDir,
    accounts: [Account; 4],
    /// The next sequence number each client id would send.
    next: BTreeMap<String, u64>,
    /// Every conflict id ever answered, so that a mutation can name one, its own or not.
    conflict_ids: Vec<String>,
}

impl World {
    fn new() -> World {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let ledger = SqliteLedger::open(&dir.path().join("ledger.sqlite3")).expect("a ledger");
        let accounts = [
            ("dpiit", Role::Central, None),
            ("up-editor", Role::StateEditor, Some(9)),
            ("bihar-editor", Role::StateEditor, Some(10)),
            ("up-viewer", Role::StateViewer, Some(9)),
        ]
        .map(|(name, role, state)| {
            let a = Account::new(name, role, state).expect("an account");
            let token = Token::generate().expect("a token");
            ledger.insert_account(&a, &token.hash()).expect("stored");
            a
        });
        ledger.set_places(&lgd()).expect("places stored");
        World {
            ledger,
            dir,
            accounts,
            next: BTreeMap::new(),
            conflict_ids: Vec::new(),
        }
    }

    /// Opens the ledger again, as a server start does, which begins a new epoch.
    fn restart(&mut self) {
        let path = self.dir.path().join("ledger.sqlite3");
        self.ledger = SqliteLedger::open(&path).expect("the ledger opens again");
    }

    /// Reads one push from the input and sends it, checking every promise; `None` at the end.
    fn push(&mut self, input: &mut impl Iterator<Item = u8>) -> Option<()> {
        let head = input.next()?;
        match head {
            0xff => {
                self.restart();
                return Some(());
            }
            0xfe => {
                self.ledger
                    .prune("9999-12-31T00:00:00.000Z")
                    .expect("tombstones pruned");
                return Some(());
            }
            _ => {}
        }
        let who = self.accounts[usize::from(head & 3)].clone();
        let client = match head >> 2 & 7 {
            n @ 0..=3 => format!("{}-{n}", who.name),
            n => format!("shared-{n}"),
        };
        let count = 1 + input.next()? % 4;
        let before = Snapshot::pull(&self.ledger, &self.accounts[0]);
        let mut next = *self.next.get(&client).unwrap_or(&1);
        let mut mutations = Vec::new();
        for _ in 0..count {
            let (a, b, c) = (input.next()?, input.next()?, input.next()?);
            let kind = match a & 3 {
                0 | 1 => "product",
                2 => "seller",
                _ => "story",
            };
            let id = row_id(a >> 3 & 7);
            let held = before.rows.get(&(kind.to_owned(), id.clone()));
            let current = held.map_or(0, |r| r.version);
            let seq = match a >> 6 {
                0 | 1 => next,
                2 => next.saturating_sub(1).max(1),
                _ => next + 1,
            };
            next = next.max(seq + 1);
            let base_version = match b & 3 {
                0 => current,
                1 => current.saturating_sub(1),
                2 => 0,
                _ => u64::from(b >> 2 & 7),
            };
            let op = if a & 4 == 0 { Op::Put } else { Op::Delete };
            let fields = match op {
                Op::Put => changes(kind, &id, c, held.and_then(|r| r.fields.as_ref())),
                Op::Delete => BTreeMap::new(),
            };
            let resolves = match (c & 0x80, self.conflict_ids.len()) {
                (0, _) | (_, 0) => Vec::new(),
                (_, n) => vec![self.conflict_ids[usize::from(b >> 5) % n].clone()],
            };
            mutations.push(Mutation {
                seq,
                kind: kind.to_owned(),
                id,
                op,
                base_version,
                fields,
                resolves,
                at: String::new(),
            });
        }
        let request = PushRequest {
            client: client.clone(),
            mutations,
        };
        let answer = match self.ledger.push(&who, &request) {
            Ok(answer) => answer,
            Err(e @ (LedgerError::ClientTaken { .. } | LedgerError::Diverged { .. })) => {
                let after = Snapshot::pull(&self.ledger, &self.accounts[0]);
                assert_eq!(before, after, "a push refused whole ({e}) changes nothing");
                return Some(());
            }
            Err(e) => panic!("{} pushed {request:?}: {e}", who.name),
        };
        self.next.insert(client, answer.last_seq + 1);
        let after = Snapshot::pull(&self.ledger, &self.accounts[0]);
        self.check(&who, &before, &after, &request);

        let again = self.ledger.push(&who, &request).expect("a replay is taken");
        assert_eq!(again, answer, "a replay is answered as the push was");
        let replayed = Snapshot::pull(&self.ledger, &self.accounts[0]);
        assert_eq!(replayed, after, "a replay changes nothing");

        for c in after.conflicts.keys() {
            if !self.conflict_ids.contains(c) {
                self.conflict_ids.push(c.clone());
            }
        }
        Some(())
    }

    fn check(&self, who: &Account, before: &Snapshot, after: &Snapshot, request: &PushRequest) {
        let outside = |state: u16| match who.role {
            Role::Central => false,
            Role::StateEditor => Some(state) != who.state,
            Role::StateViewer => true,
        };
        let keys: BTreeSet<_> = before.rows.keys().chain(after.rows.keys()).collect();
        for key in keys {
            let (old, new) = (before.rows.get(key), after.rows.get(key));
            if old == new {
                continue;
            }
            for row in [old, new].into_iter().flatten() {
                assert!(
                    !outside(row.state),
                    "{} changed {key:?} in state {}: {old:?} -> {new:?}\n{request:?}",
                    who.name,
                    row.state
                );
            }
            let new = new.expect("a row once written stays, at least as a tombstone");
            if let Some(old) = old {
                assert!(
                    new.version > old.version,
                    "{key:?} changed without a new version"
                );
            }
            if let Some(fields) = &new.fields {
                let kind: EntityKind = key.0.parse().expect("a known kind");
                let checked = kind
                    .check(fields)
                    .unwrap_or_else(|e| panic!("{key:?} was stored though invalid: {e}"));
                assert_eq!(
                    checked.state.0, new.state,
                    "{key:?} is held under its state"
                );
                assert_eq!(fields.get("id"), Some(&json!(key.1)));
                let place = |r: &Row| {
                    let district = r.fields.as_ref().and_then(|f| f.get("district")).cloned();
                    (r.state, district)
                };
                if old.is_none_or(|o| o.fields.is_none() || place(o) != place(new)) {
                    let district = fields.get("district").and_then(Value::as_u64);
                    let district = district.map(|d| u32::try_from(d).unwrap_or(u32::MAX));
                    assert!(
                        lgd().check(new.state, district).is_ok(),
                        "{key:?} was given a place the LGD list lacks: {fields:?}"
                    );
                }
                names_what_it_may(key, old, new, before, after);
            }
        }
        leaves_nothing_behind(before, after, request);
        for (id, c) in &after.conflicts {
            if before.conflicts.get(id) != Some(c) {
                assert!(
                    !outside(c.state),
                    "{} opened or settled conflict {id} of state {}\n{request:?}",
                    who.name,
                    c.state
                );
            }
        }
        for reader in &self.accounts[1..] {
            let state = reader.state.expect("a state account");
            let theirs = Snapshot::pull(&self.ledger, reader);
            let (rows, conflicts) = theirs.of_state(state);
            assert_eq!(
                (rows, conflicts),
                after.of_state(state),
                "{} reads exactly its state",
                reader.name
            );
            let stray = theirs.rows.values().find(|r| r.state != state);
            assert!(stray.is_none(), "{} holds {stray:?}", reader.name);
        }
    }
}

/// A row written by this push names only records that were live before it or were written
/// by it (which may have deleted them since), of its own state where the reference asks. A
/// name the row already held is not judged again, unless the row moved and the name must share
/// its state.
fn names_what_it_may(
    key: &(String, String),
    old: Option<&Row>,
    new: &Row,
    before: &Snapshot,
    after: &Snapshot,
) {
    let kind: EntityKind = key.0.parse().expect("a known kind");
    let fields = new.fields.as_ref().expect("a live row");
    let held = old.and_then(|r| r.fields.as_ref());
    let stays = old.is_some_and(|r| r.state == new.state);
    for reference in kind.references() {
        let had = held.map(|f| reference.ids(f)).unwrap_or_default();
        for id in reference.ids(fields) {
            if had.contains(&id) && (stays || !reference.same_state) {
                continue;
            }
            let target = (reference.target.as_str().to_owned(), id.to_owned());
            let fits = |r: &Row| !reference.same_state || r.state == new.state;
            let was_live = before
                .rows
                .get(&target)
                .filter(|r| r.fields.is_some())
                .is_some_and(fits);
            let written_now = after
                .rows
                .get(&target)
                .filter(|r| before.rows.get(&target) != Some(*r))
                .is_some_and(fits);
            assert!(
                was_live || written_now,
                "{key:?} names {target:?} in {}, which was neither live nor written, \
                 or lies in another state: {:?}",
                reference.field,
                after.rows.get(&target)
            );
        }
    }
}

/// No live row names a record this push deleted, or one it moved to another state where the
/// reference must share the state: the server refuses such a delete or move.
fn leaves_nothing_behind(before: &Snapshot, after: &Snapshot, request: &PushRequest) {
    for (key, old) in &before.rows {
        if old.fields.is_none() {
            continue;
        }
        let new = after.rows.get(key);
        let gone = new.is_none_or(|r| r.fields.is_none());
        let moved = new.is_some_and(|r| r.state != old.state);
        if !gone && !moved {
            continue;
        }
        let kind: EntityKind = key.0.parse().expect("a known kind");
        for (other, row) in &after.rows {
            let Some(fields) = &row.fields else { continue };
            let from: EntityKind = other.0.parse().expect("a known kind");
            for reference in from.references() {
                if reference.target != kind || !reference.ids(fields).contains(&key.1.as_str()) {
                    continue;
                }
                assert!(!gone, "{other:?} names {key:?}, deleted\n{request:?}");
                assert!(
                    !reference.same_state || new.is_some_and(|r| r.state == row.state),
                    "{other:?} names {key:?}, moved to another state\n{request:?}"
                );
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut world = World::new();
    let mut input = data.iter().copied().take(200);
    while world.push(&mut input).is_some() {}
});
