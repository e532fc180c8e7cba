//! Reads the real national ODOP list kept in the shared data folder (never copied into the repo).

mod common;

use std::path::PathBuf;

use common::ODOP_SPEC;
use odop_sheet::read_table;

/// This package's folder, asked of cargo at run time: a test built from another checkout that
/// shares the target directory would otherwise read that checkout's files.
fn manifest_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from)
}

fn national_list() -> PathBuf {
    let path = manifest_dir().join("../../../shared/data/odop_products_v31_20250707.csv");
    // A missing file must fail loudly: a skipped test would hide that nothing was checked.
    assert!(
        path.is_file(),
        "the national ODOP list is missing: expected it at {}",
        path.display()
    );
    path
}

#[test]
fn national_list_reads_every_product() {
    let table = read_table(&national_list(), ODOP_SPEC).unwrap();
    assert_eq!(table.encoding, "utf-8");
    assert_eq!(table.header_line, 1);
    assert_eq!(table.present, vec![true; 10]);
    assert!(table.extra_columns.is_empty(), "{:?}", table.extra_columns);
    assert_eq!(table.rows.len(), 1241);

    let first = &table.rows[0];
    assert_eq!(first.line, 2);
    assert_eq!(table.get(first, "State"), "Andaman and Nicobar Islands");
    assert_eq!(table.get(first, "District"), "Nicobars");
    assert_eq!(table.get(first, "LGD Code"), "603");
    assert_eq!(
        table.get(first, "Ministry/ Department"),
        "Ministry of Agriculture & Farmers' Welfare"
    );
}

#[test]
fn national_list_keeps_the_embedded_newline_and_raw_spacing() {
    let table = read_table(&national_list(), ODOP_SPEC).unwrap();
    let dnh: Vec<_> = table
        .rows
        .iter()
        .filter(|row| table.get(row, "State").contains('\n'))
        .collect();
    assert!(!dnh.is_empty(), "no State cell with an embedded newline");
    assert!(dnh
        .iter()
        .all(|row| table.get(row, "State") == "Dadra & Nagar Haveli (UT)\nDaman & Diu (UT)"));
    // Cells are not trimmed: the list is known to hold values with stray spaces.
    assert!(table
        .rows
        .iter()
        .any(|row| row.cells.iter().any(|cell| cell != cell.trim())));
    // Line numbers only grow, and by more than one where a record spans lines.
    assert!(table
        .rows
        .windows(2)
        .all(|pair| pair[0].line < pair[1].line));
    assert!(table.rows.last().unwrap().line > 1241);
}
