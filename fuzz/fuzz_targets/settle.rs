//! Any conflict the server could send about a record of the sample, settled any way a person
//! can (keep mine, take theirs, or a merged value typed in), ends in a settlement or an error,
//! never a panic. A refused settlement changes nothing; a settlement that is taken leaves the
//! records hanging together, as every other local write does: each one the domain accepts, in
//! a district of its state, naming only records that exist, of its own state where it must.
//!
//! The first byte picks the kind of record (its low three bits), the second the sample's record
//! of that kind, the third the choice (mine, theirs or a value, by its remainder by three). The
//! rest, split at zero bytes: the field (empty or `*` for a deletion racing an edit), the
//! server's value and the merged value, each read as JSON, or as text where it is none.
#![no_main]

use libfuzzer_sys::fuzz_target;
use odop_domain::EntityKind;
use odop_fuzz::{assert_consistent, Desk, Fingerprint};
use odop_store::{Conflict, Incoming, Resolution};
use serde_json::Value;

/// Bytes as a JSON value, or as text when they are not JSON.
fn value(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(bytes).into_owned()))
}

fuzz_target!(|bytes: &[u8]| {
    let [pick, at, choice, rest @ ..] = bytes else {
        return;
    };
    let kind = EntityKind::ALL[usize::from(pick & 7) % EntityKind::ALL.len()];
    let Desk {
        mut store,
        dir: _dir,
    } = Desk::new();
    let ids = store.versions(kind).expect("ids read");
    let (row, _) = &ids[usize::from(*at) % ids.len()];
    let held = store
        .fields(kind, row)
        .expect("a record read")
        .expect("a listed record is stored");
    let mut parts = rest.split(|&b| b == 0);
    let field = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
    let field = if field.is_empty() {
        "*".to_owned()
    } else {
        field
    };
    let server = value(parts.next().unwrap_or_default());
    let merged = value(parts.next().unwrap_or_default());
    let mine = if field == "*" {
        Value::Object(held.clone())
    } else {
        held.get(&field).cloned().unwrap_or(Value::Null)
    };
    let state = held
        .get("state")
        .and_then(Value::as_u64)
        .unwrap_or_default();
    let conflict = Conflict {
        id: "fuzz-conflict".to_owned(),
        kind: kind.as_str().to_owned(),
        row: row.clone(),
        field,
        base: Value::Null,
        server,
        client: mine,
        server_author: "elsewhere".to_owned(),
        client_author: "fuzz".to_owned(),
        state: u16::try_from(state).unwrap_or_default(),
        at: "2026-12-07T00:00:00Z".to_owned(),
        resolved_by: None,
    };
    store
        .apply_incoming(
            &[Incoming::Conflict(Box::new(conflict))],
            1,
            0,
            "fuzz",
            &mut |_| {},
        )
        .expect("a conflict is kept");
    let choice = match choice % 3 {
        0 => Resolution::Mine,
        1 => Resolution::Theirs,
        _ => Resolution::Value(merged),
    };
    let before = Fingerprint::of(&store);
    match store.resolve("fuzz", "fuzz-conflict", &choice) {
        Ok(()) => assert_consistent(&store),
        Err(e) => assert_eq!(Fingerprint::of(&store), before, "refused ({e}) yet written"),
    }
});
