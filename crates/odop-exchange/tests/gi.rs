//! The real GI registry list against the real LGD lists and national list, read from
//! `../shared/data`: every row accounted for, and products checked and named against it.

use std::io::Write;

use odop_domain::{name_key, Product, StateCode};
use odop_exchange::{import_gi, import_national, Fate, ImportOptions, ImportReport};
use odop_store::{GiIssue, ProductFilter, Store};

mod support;
use support::{data, with_places};

fn registry(store: &mut Store) -> ImportReport {
    import_gi(
        store,
        &data("gi_registered_india_2025-10.csv"),
        ImportOptions::new("test"),
    )
    .unwrap()
}

/// The real LGD lists, national list and GI registry list, loaded.
fn with_products_and_registry() -> Store {
    let mut store = with_places();
    import_national(
        &mut store,
        &data("odop_products_v31_20250707.csv"),
        ImportOptions::new("test"),
    )
    .unwrap();
    registry(&mut store);
    store
}

fn history_len(store: &Store) -> usize {
    store.history(None, usize::MAX).unwrap().len()
}

#[test]
fn every_row_of_the_registry_list_is_accounted_for() {
    let mut store = with_places();
    let report = registry(&mut store);
    let s = &report.summary;
    assert_eq!(s.rows, 696);
    // The list's own README counts 39 foreign GIs and 24 names given twice.
    assert_eq!((s.imported, s.merged, s.flagged), (633, 24, 39));
    assert_eq!(
        s.flagged_by.iter().collect::<Vec<_>>(),
        [(&"unknown_state_name", &39)]
    );
    let italy = report
        .rows
        .iter()
        .find(|r| r.label == "Prosecco, Italy")
        .unwrap();
    assert!(
        matches!(&italy.fate, Fate::Flagged { reason, .. } if reason.contains("Italy is no state or UT")),
        "{italy:?}"
    );

    let all = store.gi_registry(None).unwrap();
    assert_eq!(all.len(), 633);
    // Basmati belongs to seven states, two of them typed loosely ("Uttarkhand", "Delhi").
    let basmati = all.iter().find(|e| e.name == "Basmati").unwrap();
    let mut states = basmati.states.clone();
    states.sort();
    assert_eq!(states, [1, 2, 3, 5, 6, 7, 9].map(StateCode));
    // A registry serial number used twice names two GIs, both kept.
    assert_eq!(all.iter().filter(|e| e.number == 29).count(), 2);
    assert!(store
        .gi_registry(Some(StateCode(19)))
        .unwrap()
        .iter()
        .any(|e| e.name == "Darjeeling Tea"));

    // The same list again changes nothing, and writes no history.
    let before = history_len(&store);
    let again = registry(&mut store);
    assert_eq!(
        (
            again.summary.imported,
            again.summary.merged,
            again.summary.changed
        ),
        (0, 657, 0)
    );
    assert_eq!(history_len(&store), before);
    assert_eq!(store.gi_registry(None).unwrap(), all);
}

#[test]
fn a_dry_run_or_a_file_without_the_gi_column_changes_nothing() {
    let mut store = with_places();
    let options = ImportOptions {
        dry_run: true,
        ..ImportOptions::new("test")
    };
    let report = import_gi(
        &mut store,
        &data("gi_registered_india_2025-10.csv"),
        options,
    )
    .unwrap();
    assert_eq!(report.summary.imported, 633);
    assert!(store.gi_registry(None).unwrap().is_empty());

    registry(&mut store);
    let held = store.gi_registry(None).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let wrong = dir.path().join("wrong.csv");
    let mut f = std::fs::File::create(&wrong).unwrap();
    writeln!(f, "S.No,Goods,State\n1,Handicraft,Odisha").unwrap();
    let err = import_gi(&mut store, &wrong, ImportOptions::new("test")).unwrap_err();
    let said = err.to_string();
    assert!(said.contains("Geographical Indications"), "{said}");
    assert!(said.contains("wrong.csv"), "{said}");
    assert_eq!(store.gi_registry(None).unwrap(), held);

    // A list of a few GIs says, before it is loaded, how much of the registry it leaves out.
    let few = dir.path().join("few.csv");
    std::fs::write(
        &few,
        "S.No,Geographical Indications,Goods,State\n\
         1,Darjeeling Tea,Agricultural,West Bengal\n\
         2,A GI not yet registered,Handicraft,Odisha\n",
    )
    .unwrap();
    let options = ImportOptions {
        dry_run: true,
        ..ImportOptions::new("test")
    };
    let preview = import_gi(&mut store, &few, options).unwrap();
    let change = preview.registry.expect("what the list changes");
    assert_eq!((change.before, change.after), (held.len(), 2));
    assert_eq!(change.dropped, held.len() - 1, "all but Darjeeling Tea");
    assert_eq!(change.dropped_names.len(), 20);
    assert!(!change.dropped_names.iter().any(|n| n == "Darjeeling Tea"));
    assert_eq!(store.gi_registry(None).unwrap(), held);

    // A list of foreign GIs alone would empty the registry: it is refused instead.
    let abroad = dir.path().join("abroad.csv");
    std::fs::write(
        &abroad,
        "S.No,Geographical Indications,Goods,State\n1,Champagne,Foodstuff,France\n",
    )
    .unwrap();
    let err = import_gi(&mut store, &abroad, ImportOptions::new("test")).unwrap_err();
    assert_eq!(err.code(), "no_gi");
    assert!(err.to_string().contains("abroad.csv"), "{err}");
    assert_eq!(store.gi_registry(None).unwrap(), held);
}

#[test]
fn products_are_checked_against_the_registry_and_clear_names_taken_as_edits() {
    let mut store = with_products_and_registry();
    let products = store.products(&ProductFilter::default()).unwrap();
    let check = store.gi_check(None).unwrap();
    assert_eq!(check.products, products.len());
    assert_eq!(check.entries, 633);
    let finding = |name: &str, district: &str| {
        check
            .findings
            .iter()
            .find(|f| f.name == name && f.district_name.eq_ignore_ascii_case(district))
    };

    // The national list says only "GI: Yes"; the registry's name is found for it.
    let kani = finding("Kani Shawls", "Budgam").unwrap();
    assert_eq!(kani.issue, GiIssue::Unnamed);
    assert_eq!(kani.candidates[0].name, "Kani Shawl");
    assert!(kani.clear);
    // Two registry GIs fit about as well: offered, not taken.
    let bardhaman = check
        .findings
        .iter()
        .find(|f| f.name.starts_with("Bardhaman Sitabhog"))
        .unwrap();
    assert!(!bardhaman.clear, "{bardhaman:?}");
    assert!(bardhaman.candidates.len() >= 2);
    // Not GI-tagged in the list, and its registry entry fits: worth a look.
    let moradabad = finding("Moradabad Metal Craft", "Moradabad").unwrap();
    assert_eq!(moradabad.issue, GiIssue::MaybeRegistered);
    // A GI named after another district is no product's of this one.
    assert!(finding("Tea", "Jalpaiguri").is_none());
    // Each state's share adds up to the whole, in order of name, one state alone when asked.
    let sum = |f: fn(&odop_store::GiStateCount) -> usize| check.states.iter().map(f).sum::<usize>();
    assert_eq!(sum(|c| c.products), check.products);
    assert_eq!(sum(|c| c.named), check.named);
    let issues = |issue: GiIssue| check.findings.iter().filter(|f| f.issue == issue).count();
    assert_eq!(sum(|c| c.unnamed), issues(GiIssue::Unnamed));
    assert_eq!(sum(|c| c.no_entry), issues(GiIssue::NoEntry));
    assert_eq!(
        sum(|c| c.maybe_registered),
        issues(GiIssue::MaybeRegistered)
    );
    assert!(check.states.windows(2).all(|w| w[0].name < w[1].name));
    let jk = store.gi_check(Some(StateCode(1))).unwrap();
    assert_eq!(jk.states.len(), 1);
    assert_eq!(jk.states[0].products, jk.products);
    assert_eq!(jk.states[0].entries, jk.entries);
    // Only registered products go unnamed; only unregistered ones may be registered.
    for f in &check.findings {
        let registered = matches!(f.issue, GiIssue::Unnamed | GiIssue::NoEntry);
        assert!(!registered || f.registered, "{f:?}");
        assert!(
            f.issue != GiIssue::MaybeRegistered || !f.registered,
            "{f:?}"
        );
    }

    let waiting = store.outbox(usize::MAX).unwrap().len();
    let clear: Vec<_> = check
        .findings
        .iter()
        .filter(|f| f.issue == GiIssue::Unnamed && f.clear)
        .collect();
    assert!(clear.len() > 100, "{}", clear.len());
    let named = store.name_gis(None, "test").unwrap();
    assert_eq!(named.len(), clear.len());
    // Each is an ordinary edit, waiting to be sent like any other.
    assert_eq!(
        store.outbox(usize::MAX).unwrap().len(),
        waiting + named.len()
    );
    let kani: Product = store.get(kani.product).unwrap().unwrap();
    assert_eq!(kani.gi.registry_name.as_deref(), Some("Kani Shawl"));

    let after = store.gi_check(None).unwrap();
    assert_eq!(after.named, check.named + named.len());
    assert!(!after
        .findings
        .iter()
        .any(|f| f.issue == GiIssue::Unnamed && f.clear));
    // A second run has nothing clear left to name.
    assert!(store.name_gis(None, "test").unwrap().is_empty());

    // A registry name the registry lacks is found, and the entry closest to it offered.
    let mut edit = store.edit("test").unwrap();
    let mut kani: Product = edit.get(kani.id).unwrap().unwrap();
    kani.gi.registry_name = Some("Kani Shawls of Kashmir".into());
    edit.put(&kani).unwrap();
    edit.commit().unwrap();
    let odd = store.gi_check(Some(kani.state)).unwrap();
    let kani = odd.findings.iter().find(|f| f.product == kani.id).unwrap();
    assert_eq!(kani.issue, GiIssue::NotInRegistry);
    assert_eq!(name_key(&kani.candidates[0].name), name_key("Kani Shawl"));
}

#[test]
fn hostile_rows_are_flagged_by_column_and_the_rest_loaded() {
    let mut store = with_places();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gi.csv");
    let huge = "x".repeat(1 << 20);
    let text = format!(
        "S.No,Geographical Indications,Goods,State,State 2\n\
         1,Darjeeling Tea,Agricultural,West Bengal,\n\
         2,{huge},Handicraft,Odisha,\n\
         3,Bell\u{7}Metal,Handicraft,Odisha,\n\
         four,Kota Doria,Handicraft,Rajasthan,\n\
         5,Nowhere Silk,Handicraft,,\n\
         6,=HYPERLINK(\"http://x\"),Handicraft,Goa,Atlantis\n"
    );
    std::fs::write(&path, text).unwrap();
    let report = import_gi(&mut store, &path, ImportOptions::new("test")).unwrap();
    let flags: Vec<(usize, Option<&str>, &str)> = report
        .flagged()
        .map(|r| match &r.fate {
            Fate::Flagged { column, code, .. } => (r.line, column.as_deref(), code.code()),
            _ => unreachable!(),
        })
        .collect();
    assert_eq!(
        flags,
        [
            (3, Some("Geographical Indications"), "too_long"),
            (4, Some("Geographical Indications"), "control_character"),
            (5, Some("S.No"), "bad_format"),
            (6, Some("State"), "missing"),
        ]
    );
    // A formula-looking name is only text; a place no list knows is left out with a warning.
    let names: Vec<String> = store
        .gi_registry(None)
        .unwrap()
        .into_iter()
        .map(|e| e.name)
        .collect();
    assert_eq!(names, ["Darjeeling Tea", "=HYPERLINK(\"http://x\")"]);
    let last = report.rows.last().unwrap();
    assert!(
        last.warnings.iter().any(|w| w.contains("Atlantis")),
        "{last:?}"
    );
}

#[test]
fn the_checks_worklist_imports_back_with_the_names_filled_in() {
    let mut store = with_products_and_registry();
    let jk = Some(StateCode(1));
    let findings = store.gi_check(jk).unwrap().findings;
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("gi-check.csv");
    let rows = odop_exchange::export_gi_check(&store, jk, &list).unwrap();
    assert_eq!(rows, findings.len());
    let kani = findings.iter().find(|f| f.name == "Kani Shawls").unwrap();

    // The officer writes the registry's name into the GI Name cell and sends the file back.
    let text = std::fs::read_to_string(&list).unwrap();
    let id = kani.product.to_string();
    let filled = text.replace(&format!(",,,{id},"), &format!(",,Kani Shawl,{id},"));
    assert_ne!(filled, text, "the worklist has Kani Shawls' row");
    std::fs::write(&list, filled).unwrap();
    assert_eq!(
        odop_exchange::recognise(&list).unwrap(),
        odop_exchange::Layout::National
    );
    let report = import_national(&mut store, &list, ImportOptions::new("test")).unwrap();
    assert_eq!(report.summary.merged, rows);
    assert_eq!(report.summary.changed, 1);
    let product: Product = store.get(kani.product).unwrap().unwrap();
    assert_eq!(product.gi.registry_name.as_deref(), Some("Kani Shawl"));
}
