//! The real national ODOP list against the real LGD lists, read from `../shared/data`.

use std::collections::HashMap;
use std::path::Path;

use odop_domain::name_key;
use odop_exchange::{import_national, Fate, ImportOptions, ImportReport};
use odop_sheet::{read_table, Column};
use odop_store::Store;

mod support;
use support::{data, with_places};

fn import(store: &mut Store, path: &Path) -> ImportReport {
    import_national(store, path, ImportOptions::new("test")).unwrap()
}

#[test]
fn every_row_of_the_national_list_is_accounted_for() {
    let mut store = with_places();
    let report = import(&mut store, &data("odop_products_v31_20250707.csv"));
    let s = &report.summary;
    assert_eq!(s.rows, 1241);
    assert_eq!(report.rows.len(), 1241);
    assert_eq!(s.imported + s.merged + s.flagged, 1241);
    // Every flag is a disagreement with the LGD list, of three kinds.
    let by: Vec<(&str, usize)> = s.flagged_by.iter().map(|(k, v)| (*k, *v)).collect();
    assert_eq!(
        by,
        [
            ("code_in_other_state", 9),
            ("code_name_mismatch", 6),
            ("unknown_code", 12)
        ]
    );
    assert_eq!(
        store.count(odop_domain::EntityKind::Product).unwrap() as usize,
        s.imported
    );
    // Every line number is distinct and each flag has a reason.
    let mut lines: Vec<usize> = report.rows.iter().map(|r| r.line).collect();
    lines.dedup();
    assert_eq!(lines.len(), 1241);
    for r in report.flagged() {
        let Fate::Flagged {
            reason,
            code,
            detail,
            ..
        } = &r.fate
        else {
            unreachable!()
        };
        assert!(!reason.is_empty());
        // The same problem as data, for the app to say in Hindi: its kind, and the code the
        // reason names.
        let detail = detail.as_ref().expect("a place problem carries its detail");
        assert_eq!(detail["kind"], code.code(), "line {}", r.line);
        let lgd = detail["code"].as_u64().expect("the LGD code");
        assert!(reason.contains(&format!("LGD code {lgd} ")), "{reason}");
    }
    // The districts the data README names as lacking a primary product.
    assert_eq!(
        report.districts_without_primary,
        vec!["Rupnagar (42)".to_owned(), "Howrah (313)".to_owned()]
    );
    let flagged: Vec<String> = report
        .flagged()
        .map(|r| match &r.fate {
            Fate::Flagged {
                column,
                code,
                reason,
                ..
            } => format!(
                "{:>4} {} [{}] {code}: {}",
                r.line,
                r.label,
                column.as_deref().unwrap_or(""),
                reason
            ),
            _ => unreachable!(),
        })
        .collect();
    insta::assert_snapshot!("national_flagged", flagged.join("\n"));
}

/// An oracle written apart from the importer: a code that is not in the LGD list, or that the LGD
/// list puts in another state than the row names, must be flagged.
#[test]
fn every_code_that_disagrees_with_the_lgd_list_is_flagged() {
    const LGD: &[Column] = &[
        Column {
            name: "State Name",
            aliases: &[],
            required: true,
        },
        Column {
            name: "District Code",
            aliases: &[],
            required: true,
        },
        Column {
            name: "District Name",
            aliases: &[],
            required: true,
        },
    ];
    const ODOP: &[Column] = &[
        Column {
            name: "State",
            aliases: &[],
            required: true,
        },
        Column {
            name: "District",
            aliases: &[],
            required: true,
        },
        Column {
            name: "LGD Code",
            aliases: &[],
            required: true,
        },
    ];
    let lgd = read_table(&data("lgd_districts_2022-12.csv"), LGD).unwrap();
    let mut state_of: HashMap<String, String> = HashMap::new();
    for row in &lgd.rows {
        state_of.insert(
            lgd.get(row, "District Code").trim().to_owned(),
            name_key(lgd.get(row, "State Name")),
        );
    }
    let odop = read_table(&data("odop_products_v31_20250707.csv"), ODOP).unwrap();
    let mut store = with_places();
    let report = import(&mut store, &data("odop_products_v31_20250707.csv"));
    let fate: HashMap<usize, &Fate> = report.rows.iter().map(|r| (r.line, &r.fate)).collect();
    let mut must_flag = 0;
    for row in &odop.rows {
        let code = odop.get(row, "LGD Code").trim();
        let claimed = name_key(odop.get(row, "State"));
        let wrong = match state_of.get(code) {
            None => true,
            // The merged territory's cell names both of its parts on two lines.
            Some(actual) => *actual != claimed && !actual.contains("daman"),
        };
        if wrong {
            must_flag += 1;
            assert!(
                matches!(fate[&row.line], Fate::Flagged { .. }),
                "line {} (code {code}) should be flagged",
                row.line
            );
        }
    }
    assert!(
        must_flag >= 15,
        "the oracle found only {must_flag} wrong codes"
    );
    // Codes inside the right state but naming another district are flagged too (checked by hand).
    for line in [611, 649, 800, 805, 829, 1213] {
        assert!(matches!(fate[&line], Fate::Flagged { .. }), "line {line}");
    }
    // Spelling variants of the right district are not.
    for line in [340, 372, 192, 585, 353, 897, 1194, 383] {
        assert!(
            !matches!(fate[&line], Fate::Flagged { .. }),
            "line {line}: {:?}",
            fate[&line]
        );
    }
}

#[test]
fn importing_the_same_file_twice_changes_nothing_the_second_time() {
    let mut store = with_places();
    let first = import(&mut store, &data("odop_products_v31_20250707.csv"));
    let outbox = store.outbox(usize::MAX).unwrap().len();
    let history = store.history(None, usize::MAX).unwrap().len();
    let second = import(&mut store, &data("odop_products_v31_20250707.csv"));
    assert_eq!(second.summary.imported, 0);
    assert_eq!(second.summary.changed, 0);
    assert_eq!(second.summary.merged, first.summary.imported);
    assert_eq!(second.summary.flagged, first.summary.flagged);
    assert_eq!(store.outbox(usize::MAX).unwrap().len(), outbox);
    assert_eq!(store.history(None, usize::MAX).unwrap().len(), history);
}

#[test]
fn a_dry_run_reports_everything_and_changes_nothing() {
    let mut store = with_places();
    let report = import_national(
        &mut store,
        &data("odop_products_v31_20250707.csv"),
        ImportOptions {
            who: "test",
            dry_run: true,
            progress: None,
        },
    )
    .unwrap();
    assert!(report.dry_run);
    assert_eq!(report.summary.rows, 1241);
    assert!(report.summary.imported > 1000);
    assert!(store.is_empty().unwrap());
    assert!(store.outbox(10).unwrap().is_empty());
}

#[test]
fn the_windows_1252_and_xlsx_forms_import_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(data("odop_products_v31_20250707.csv")).unwrap();
    // What Excel on Windows writes: the same text in Windows-1252 (the file is all Latin-1).
    let bytes: Vec<u8> = text
        .chars()
        .map(|c| match c {
            '\u{2019}' => 0x92,
            '\u{2018}' => 0x91,
            '\u{201C}' => 0x93,
            '\u{201D}' => 0x94,
            '\u{2013}' => 0x96,
            '\u{2014}' => 0x97,
            c if (c as u32) < 256 => c as u32 as u8,
            c => panic!("{c:?} has no Windows-1252 byte"),
        })
        .collect();
    let cp1252 = dir.path().join("odop-1252.csv");
    std::fs::write(&cp1252, bytes).unwrap();

    let mut utf8 = with_places();
    let reference = import(&mut utf8, &data("odop_products_v31_20250707.csv"));
    let mut other = with_places();
    let report = import(&mut other, &cp1252);
    assert_eq!(report.encoding, "windows-1252");
    assert_eq!(report.summary, reference.summary);
    let a = utf8.products(&Default::default()).unwrap();
    let b = other.products(&Default::default()).unwrap();
    assert_eq!(a, b);

    // The same rows as a workbook, with two title rows above the header.
    let xlsx = dir.path().join("odop.xlsx");
    let table = read_table(
        &data("odop_products_v31_20250707.csv"),
        odop_exchange::NATIONAL_COLUMNS,
    )
    .unwrap();
    let mut rows: Vec<Vec<String>> = vec![
        vec!["One District One Product: national list".to_owned()],
        vec![String::new()],
    ];
    let header: Vec<String> = table.columns.iter().map(|c| (*c).to_owned()).collect();
    rows.push(header.clone());
    for r in &table.rows {
        rows.push(r.cells.clone());
    }
    let width = header.len();
    for r in &mut rows {
        r.resize(width, String::new());
    }
    let heads: Vec<&str> = vec![""; width];
    odop_sheet::write_xlsx(&xlsx, "List", &heads, &mut rows.into_iter()).unwrap();
    let mut third = with_places();
    let report = import(&mut third, &xlsx);
    assert_eq!(report.summary, reference.summary);
    assert_eq!(third.products(&Default::default()).unwrap(), a);
}

#[test]
fn a_local_name_without_its_language_is_read_by_its_script() {
    let mut store = with_places();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("local.csv");
    std::fs::write(
        &path,
        "State,Product,District,LGD Code,Category,Sector,Local Name\n\
         Tamil Nadu,Kanchipuram Silk,Kanchipuram,574,Primary,Handloom,காஞ்சிபுரம் பட்டு\n\
         Maharashtra,Paithani Saree,Aurangabad,469,Primary,Handloom,पैठणी साडी\n",
    )
    .unwrap();
    let report = import(&mut store, &path);
    assert_eq!(report.summary.imported, 2, "{:?}", report.rows);
    let langs: HashMap<String, String> = store
        .products(&Default::default())
        .unwrap()
        .into_iter()
        .map(|p| (p.name, p.local_name.unwrap().lang.to_string()))
        .collect();
    assert_eq!(langs["Kanchipuram Silk"], "ta");
    assert_eq!(langs["Paithani Saree"], "mr");
}
