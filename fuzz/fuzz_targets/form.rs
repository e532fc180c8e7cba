//! Any form, as the CLI's `field=value` words or the app's edit dialog send it, saved as a new
//! record or over a record of the sample, ends in a saved record or an error, never a panic. A
//! refused form changes nothing; an add creates a record and never writes over one; a saved
//! record is one the domain accepts, written with one history entry; and saving the same form
//! again over what it saved changes nothing.
//!
//! After every save or delete that is taken, the records hang together: each in a district of
//! its state, naming only records that exist, of its own state where it must.
//!
//! The first byte picks the kind of record (its low three bits) and, with bit 3, an edit of
//! the sample's record of that kind at the index the second byte gives; with bit 4 as well, a
//! delete of it. The rest is the form: `key=value` pairs split at zero bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use odop_domain::{EntityKind, Id};
use odop_fuzz::{assert_consistent, Desk, Fingerprint};
use odop_store::Outcome;

fuzz_target!(|bytes: &[u8]| {
    let Some((&pick, mut body)) = bytes.split_first() else {
        return;
    };
    let kind = EntityKind::ALL[usize::from(pick & 7) % EntityKind::ALL.len()];
    let Desk {
        mut store,
        dir: _dir,
    } = Desk::new();
    let id: Option<Id> = if pick & 8 == 0 {
        None
    } else {
        let Some((&at, rest)) = body.split_first() else {
            return;
        };
        body = rest;
        let ids = store.versions(kind).expect("ids read");
        let (id, _) = &ids[usize::from(at) % ids.len()];
        Some(id.parse().expect("a stored id"))
    };
    let pairs: Vec<(String, String)> = body
        .split(|&b| b == 0)
        .map(|pair| {
            let text = String::from_utf8_lossy(pair);
            match text.split_once('=') {
                Some((key, value)) => (key.to_owned(), value.to_owned()),
                None => (text.into_owned(), String::new()),
            }
        })
        .collect();

    let held = id.map(|id| store.fields(kind, &id.to_string()).expect("a record read"));
    let before = Fingerprint::of(&store);
    if let Some(id) = id.filter(|_| pick & 16 != 0) {
        match store.delete_record(kind, id, "fuzz") {
            Ok(_) => assert_consistent(&store),
            Err(e) => assert_eq!(Fingerprint::of(&store), before, "refused ({e}) yet written"),
        }
        return;
    }
    let saved = match store.save_form(kind, id, &pairs, "fuzz") {
        Ok(saved) => saved,
        Err(e) => {
            assert_eq!(Fingerprint::of(&store), before, "refused ({e}) yet written");
            if let Some(id) = id {
                let now = store.fields(kind, &id.to_string()).expect("a record read");
                assert_eq!(now, held.flatten(), "refused ({e}) yet changed");
            }
            return;
        }
    };
    if id.is_none() {
        // An add makes a record; it never writes over one.
        assert_eq!(saved.outcome, Outcome::Created, "an add of {pairs:?}");
    }
    let once = Fingerprint::of(&store);
    let written = u64::from(saved.outcome != Outcome::Unchanged);
    assert_eq!(
        once.history(),
        before.history() + written,
        "one history entry per write: {saved:?}"
    );
    if saved.outcome == Outcome::Unchanged {
        assert_eq!(once, before, "an unchanged record was written");
    }
    let fields = store
        .fields(kind, &saved.id)
        .expect("the saved record reads")
        .unwrap_or_else(|| panic!("{saved:?} but no {kind} {} is stored", saved.id));
    assert_consistent(&store);

    // The same form again, over what it saved: an id cannot be given for a change.
    let again: Vec<_> = pairs
        .into_iter()
        .filter(|(k, _)| k.trim() != "id")
        .collect();
    let id = saved.id.parse().expect("a saved id");
    match store.save_form(kind, Some(id), &again, "fuzz") {
        Ok(s) if s.outcome == Outcome::Unchanged => {}
        other => panic!("saving {again:?} again over {fields:?} gave {other:?}"),
    }
    assert_eq!(Fingerprint::of(&store), once, "saved again");
});
