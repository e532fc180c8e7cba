//! Any file imported as any kind of record, or as the LGD lists, on a copy of a database holding
//! the built-in sample, ends in a report or an error, never a panic; a failed or dry import
//! leaves every place, record, history entry and waiting change as it was; and importing the
//! same file twice changes nothing the second time. After an import, the records hang together
//! (see `odop_fuzz::assert_consistent`).
//!
//! The first byte picks the import: its low three bits a kind of record (7: the LGD lists, whose
//! states and districts files are split at the first zero byte), bit 3 XLSX rather than CSV,
//! bit 4 a dry run.
#![no_main]

use std::path::{Path, PathBuf};

use libfuzzer_sys::fuzz_target;
use odop_domain::EntityKind;
use odop_exchange::{import, import_lgd, ImportOptions};
use odop_fuzz::{assert_consistent, Desk, Fingerprint};
use odop_store::Store;

/// What one import says: its summary, or its error.
type Said = Result<String, String>;

/// The files an input becomes, and the import that reads them.
enum Input {
    Records(EntityKind, PathBuf),
    Lgd(PathBuf, PathBuf),
}

impl Input {
    fn write(pick: u8, body: &[u8], dir: &Path) -> Input {
        let extension = if pick & 8 == 0 { "csv" } else { "xlsx" };
        let file = |name: &str, bytes: &[u8]| {
            let path = dir.join(format!("{name}.{extension}"));
            std::fs::write(&path, bytes).expect("the input is written");
            path
        };
        match usize::from(pick & 7) {
            7 => {
                let split = body.iter().position(|&b| b == 0).unwrap_or(body.len());
                let districts = body.get(split + 1..).unwrap_or_default();
                Input::Lgd(file("states", &body[..split]), file("districts", districts))
            }
            k => Input::Records(EntityKind::ALL[k], file("input", body)),
        }
    }

    fn import(&self, store: &mut Store, dry_run: bool) -> Said {
        match self {
            Input::Records(kind, path) => {
                let options = ImportOptions {
                    who: "fuzz",
                    dry_run,
                    progress: None,
                };
                import(store, *kind, path, options)
                    .map(|r| format!("{kind:?} {:?}", r.summary))
                    .map_err(|e| e.to_string())
            }
            Input::Lgd(states, districts) => import_lgd(store, states, districts, "fuzz", dry_run)
                .map(|r| format!("LGD {:?}", r.counts))
                .map_err(|e| e.to_string()),
        }
    }
}

fuzz_target!(|bytes: &[u8]| {
    let Some((&pick, body)) = bytes.split_first() else {
        return;
    };
    let dry_run = pick & 16 != 0;
    let Desk { mut store, dir } = Desk::new();
    let input = Input::write(pick, body, dir.path());

    let before = Fingerprint::of(&store);
    let said = input.import(&mut store, dry_run);
    if said.is_err() || dry_run {
        assert_eq!(
            Fingerprint::of(&store),
            before,
            "the import changed the database: {said:?}"
        );
        return;
    }
    assert_consistent(&store);
    let once = Fingerprint::of(&store);
    let again = input.import(&mut store, false);
    assert_eq!(Fingerprint::of(&store), once, "imported again: {again:?}");
});
