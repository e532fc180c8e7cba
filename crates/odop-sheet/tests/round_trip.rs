//! Export then import must give back exactly what was exported, in both formats.

mod common;

use std::fs;
use std::path::Path;

use calamine::{open_workbook, Reader, Xlsx};
use common::{awkward_rows, cells, non_blank, HEADERS, SPEC};
use odop_sheet::{
    read_table, write_csv, write_xlsx, write_xlsx_typed, CellKind, SheetError, Table,
};
use proptest::prelude::*;

fn csv_round_trip(dir: &Path, rows: &[Vec<String>]) -> Table {
    let path = dir.join("export.csv");
    write_csv(&path, &HEADERS, &mut rows.iter().cloned()).unwrap();
    read_table(&path, SPEC).unwrap()
}

fn xlsx_round_trip(dir: &Path, rows: &[Vec<String>]) -> Table {
    let path = dir.join("export.xlsx");
    write_xlsx(&path, "ODOP", &HEADERS, &mut rows.iter().cloned()).unwrap();
    read_table(&path, SPEC).unwrap()
}

#[test]
fn csv_round_trip_keeps_awkward_text_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let rows = awkward_rows();
    let table = csv_round_trip(dir.path(), &rows);
    assert_eq!(table.encoding, "utf-8");
    assert_eq!(table.header_line, 1);
    assert!(table.extra_columns.is_empty());
    assert_eq!(cells(&table), rows);
    // The second record spans three lines, so the third starts on line 6.
    let lines: Vec<usize> = table.rows.iter().map(|r| r.line).collect();
    assert_eq!(lines, vec![2, 3, 6, 7, 8, 9, 10, 11]);
}

#[test]
fn csv_export_defuses_formulas_and_has_no_bom() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("export.csv");
    write_csv(&path, &HEADERS, &mut awkward_rows().into_iter()).unwrap();
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("Name,Note,Place,Code\n"), "{text}");
    assert!(text.contains("\"'=HYPERLINK(\"\"http://x.test\"\",\"\"click\"\")\""));
    assert!(text.contains(",'+91 98765 43210,'-5,'@SUM(A1:A9)\n"));
    assert!(text.contains("''=already escaped"));
    assert!(!text.contains(",=") && !text.starts_with('='));
}

#[test]
fn xlsx_round_trip_keeps_awkward_text_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let rows = awkward_rows();
    let table = xlsx_round_trip(dir.path(), &rows);
    assert_eq!(table.encoding, "xlsx");
    assert_eq!(table.header_line, 1);
    assert_eq!(cells(&table), rows);
    let lines: Vec<usize> = table.rows.iter().map(|r| r.line).collect();
    assert_eq!(lines, (2..=9).collect::<Vec<_>>());
}

#[test]
fn xlsx_export_stores_strings_never_formulas() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("export.xlsx");
    write_xlsx(&path, "Products", &HEADERS, &mut awkward_rows().into_iter()).unwrap();
    let mut workbook: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(workbook.sheet_names(), vec!["Products".to_string()]);
    let formulas = workbook.worksheet_formula("Products").unwrap();
    assert!(
        formulas.used_cells().all(|(_, _, f)| f.is_empty()),
        "a cell was stored as a formula"
    );
    let values = workbook.worksheet_range("Products").unwrap();
    assert_eq!(
        values.get_value((3, 0)),
        Some(&calamine::Data::String(
            "=HYPERLINK(\"http://x.test\",\"click\")".into()
        ))
    );
}

#[test]
fn rows_of_the_wrong_width_are_refused_and_the_old_file_survives() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["old.csv", "old.xlsx"] {
        let path = dir.path().join(name);
        fs::write(&path, b"previous export").unwrap();
        let mut rows = vec![
            vec!["a".to_string(), "b".into(), "c".into(), "d".into()],
            vec!["short".to_string()],
        ]
        .into_iter();
        let err = if name.ends_with("csv") {
            write_csv(&path, &HEADERS, &mut rows)
        } else {
            write_xlsx(&path, "Sheet1", &HEADERS, &mut rows)
        }
        .unwrap_err();
        assert!(
            matches!(
                err,
                SheetError::RowLength {
                    row: 3,
                    expected: 4,
                    found: 1,
                    ..
                }
            ),
            "{err:?}"
        );
        assert_eq!(fs::read(&path).unwrap(), b"previous export");
    }
    // Only the two untouched files remain: no temporary file is left behind.
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 2);
}

#[test]
fn cell_too_long_for_excel_names_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.xlsx");
    let mut rows = vec![
        vec!["a".to_string(), "b".into(), "c".into(), "d".into()],
        vec!["a".to_string(), "b".into(), "x".repeat(40_000), "d".into()],
    ]
    .into_iter();
    let err = write_xlsx(&path, "S", &HEADERS, &mut rows).unwrap_err();
    assert!(
        matches!(
            err,
            SheetError::CellNotWritable {
                row: 3,
                column: 3,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(!path.exists());
}

#[test]
fn bad_sheet_name_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.xlsx");
    let err = write_xlsx(&path, "bad/name", &HEADERS, &mut std::iter::empty()).unwrap_err();
    assert!(
        matches!(&err, SheetError::SheetName { name, .. } if name == "bad/name"),
        "{err:?}"
    );
    assert!(!path.exists());
}

#[test]
fn export_into_missing_directory_is_a_write_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no-such-dir").join("x.csv");
    let err = write_csv(&path, &HEADERS, &mut std::iter::empty()).unwrap_err();
    assert!(matches!(err, SheetError::Write { .. }), "{err:?}");
    assert!(err.to_string().contains("x.csv"));
}

/// Any text a person can type: no control characters except line feed. XLSX cannot hold most
/// control characters at all, and CSV readers differ on bare CR, so both are left out.
fn cell() -> impl Strategy<Value = String> {
    let typed = proptest::collection::vec(
        any::<char>().prop_filter("control character", |c| !c.is_control() || *c == '\n'),
        0..12,
    )
    .prop_map(String::from_iter);
    // Short strings over the characters that matter to quoting and formula escaping.
    let tricky = "[=+@'\" ,;\\-\na-zअ-ह_x0-9]{0,8}";
    prop_oneof![typed, tricky]
}

fn rows() -> impl Strategy<Value = Vec<Vec<String>>> {
    proptest::collection::vec(proptest::collection::vec(cell(), 4), 0..12)
}

/// Where each kept CSV record starts: every record takes one line plus its embedded newlines.
fn csv_lines(rows: &[Vec<String>]) -> Vec<usize> {
    let mut line = 2;
    let mut lines = Vec::new();
    for row in rows {
        if row.iter().any(|cell| !cell.trim().is_empty()) {
            lines.push(line);
        }
        line += 1 + row
            .iter()
            .map(|cell| cell.matches('\n').count())
            .sum::<usize>();
    }
    lines
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn any_text_round_trips_through_csv(rows in rows()) {
        let dir = tempfile::tempdir().unwrap();
        let table = csv_round_trip(dir.path(), &rows);
        prop_assert_eq!(cells(&table), non_blank(&rows));
        let lines: Vec<usize> = table.rows.iter().map(|r| r.line).collect();
        prop_assert_eq!(lines, csv_lines(&rows));
    }

    #[test]
    fn any_text_round_trips_through_xlsx(rows in rows()) {
        let dir = tempfile::tempdir().unwrap();
        let table = xlsx_round_trip(dir.path(), &rows);
        prop_assert_eq!(cells(&table), non_blank(&rows));
        let expected_lines: Vec<usize> = rows
            .iter()
            .enumerate()
            .filter(|(_, row)| row.iter().any(|cell| !cell.trim().is_empty()))
            .map(|(i, _)| i + 2)
            .collect();
        let lines: Vec<usize> = table.rows.iter().map(|r| r.line).collect();
        prop_assert_eq!(lines, expected_lines);
    }
}

#[test]
fn a_count_column_is_stored_as_numbers_and_anything_else_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("figures.xlsx");
    let rows = vec![
        vec!["Goa".to_owned(), "0187".to_owned(), "12".to_owned()],
        // A count column's cell that is no count stays as written.
        vec!["=1+1".to_owned(), "9".to_owned(), "n/a".to_owned()],
    ];
    write_xlsx_typed(
        &path,
        "States",
        &["State", "Code", "Products"],
        &[CellKind::Text, CellKind::Text, CellKind::Count],
        &mut rows.into_iter(),
    )
    .unwrap();
    let mut workbook: Xlsx<_> = open_workbook(&path).unwrap();
    let values = workbook.worksheet_range("States").unwrap();
    use calamine::Data;
    assert_eq!(values.get_value((1, 2)), Some(&Data::Float(12.0)));
    assert_eq!(values.get_value((1, 1)), Some(&Data::String("0187".into())));
    assert_eq!(values.get_value((2, 0)), Some(&Data::String("=1+1".into())));
    assert_eq!(values.get_value((2, 2)), Some(&Data::String("n/a".into())));
    let formulas = workbook.worksheet_formula("States").unwrap();
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()));
}
