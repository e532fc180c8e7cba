//! Reading the files people actually send: other encodings, title rows, shuffled columns,
//! semicolons, and workbooks with typed cells.

mod common;

use std::fs;

use common::{cells, ODOP_SPEC, SPEC};
use odop_sheet::{read_table, read_table_bytes, Column, Format, SheetError};
use rust_xlsxwriter::{ExcelDateTime, Formula, Workbook};

fn csv(bytes: &[u8], spec: &[Column]) -> Result<odop_sheet::Table, SheetError> {
    read_table_bytes(bytes, Format::Csv, spec, "upload.csv")
}

#[test]
fn windows_1252_export_from_excel_decodes() {
    let bytes = b"Name,Note,Place,Code\r\nCaf\xe9,Artisan\x92s mark,Puducherry,\x80 5\r\n";
    let table = csv(bytes, SPEC).unwrap();
    assert_eq!(table.encoding, "windows-1252");
    assert_eq!(
        cells(&table),
        vec![vec![
            "Caf\u{e9}".to_string(),
            "Artisan\u{2019}s mark".into(),
            "Puducherry".into(),
            "\u{20ac} 5".into()
        ]]
    );
}

#[test]
fn utf8_bom_file_reads_and_reports_the_bom() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice("Name,Note,Place,Code\nबनारसी साड़ी,,Varanasi,188\n".as_bytes());
    let table = csv(&bytes, SPEC).unwrap();
    assert_eq!(table.encoding, "utf-8-bom");
    assert_eq!(table.present, vec![true; 4]);
    assert_eq!(table.get(&table.rows[0], "Name"), "बनारसी साड़ी");
}

#[test]
fn utf16_with_bom_reads_in_both_byte_orders() {
    let text = "Name\tNote\tPlace\tCode\r\nகாஞ்சிபுரம்\tsilk\tTN\t603\r\n";
    let units: Vec<u16> = text.encode_utf16().collect();
    let mut le = vec![0xFF, 0xFE];
    let mut be = vec![0xFE, 0xFF];
    for unit in &units {
        le.extend_from_slice(&unit.to_le_bytes());
        be.extend_from_slice(&unit.to_be_bytes());
    }
    for (bytes, label) in [(le, "utf-16le"), (be, "utf-16be")] {
        let table = csv(&bytes, SPEC).unwrap();
        assert_eq!(table.encoding, label);
        assert_eq!(
            cells(&table),
            vec![vec![
                "காஞ்சிபுரம்".to_string(),
                "silk".into(),
                "TN".into(),
                "603".into()
            ]]
        );
    }
}

#[test]
fn valid_utf8_devanagari_is_never_reinterpreted() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("up.csv");
    fs::write(&path, "Name,Note,Place,Code\nबनारसी साड़ी,\u{e9},x,1\n").unwrap();
    let table = read_table(&path, SPEC).unwrap();
    assert_eq!(table.encoding, "utf-8");
    assert_eq!(table.get(&table.rows[0], "Name"), "बनारसी साड़ी");
    assert_eq!(table.get(&table.rows[0], "Note"), "\u{e9}");
}

#[test]
fn utf8_text_with_a_stray_windows_byte_is_refused_naming_both_lines() {
    // Read either way, part of this file would be mojibake.
    let mut bytes = "Name,Note,Place,Code\nसाड़ी,".as_bytes().to_vec();
    bytes.extend_from_slice(b"Caf\xe9,x,1\n");
    let err = csv(&bytes, SPEC).unwrap_err();
    assert!(
        matches!(
            err,
            SheetError::MixedEncodings {
                utf8_line: 2,
                other_line: 2,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("CSV UTF-8"), "{err}");
}

#[test]
fn header_below_title_rows_with_shuffled_columns() {
    let text = "\
One District One Product - national list,,,,
Published 2025-07-07,,,,

District,Sector,LGD Code,state/ut,Product,Remarks
Nicobars,Agriculture,603,Andaman and Nicobar Islands,Coconut,first
,,,,,
South Andamans,Marine,602,Andaman and Nicobar Islands,Marine Products,
";
    let table = csv(text.as_bytes(), ODOP_SPEC).unwrap();
    assert_eq!(table.header_line, 4);
    assert_eq!(table.extra_columns, vec!["Remarks".to_string()]);
    assert_eq!(
        table.present,
        vec![true, true, true, true, false, true, false, false, false, false]
    );
    assert_eq!(table.rows.len(), 2);
    let first = &table.rows[0];
    assert_eq!(first.line, 5);
    assert_eq!(table.get(first, "State"), "Andaman and Nicobar Islands");
    assert_eq!(table.get(first, "District"), "Nicobars");
    assert_eq!(table.get(first, "LGD Code"), "603");
    assert_eq!(table.get(first, "Category"), "");
    assert_eq!(table.rows[1].line, 7);
    assert_eq!(table.get(&table.rows[1], "Product"), "Marine Products");
}

#[test]
fn header_matching_ignores_case_space_and_punctuation() {
    let text = "STATE,product,district,lgd-code,MINISTRY DEPARTMENT\nGoa,Cashew,North Goa,1,Agri\n";
    let table = csv(text.as_bytes(), ODOP_SPEC).unwrap();
    assert_eq!(table.get(&table.rows[0], "Ministry/ Department"), "Agri");
    assert_eq!(table.get(&table.rows[0], "LGD Code"), "1");
}

#[test]
fn missing_required_column_lists_missing_and_found() {
    let text = "Report\nState,Product,Sector\nGoa,Cashew,Agriculture\n";
    let err = csv(text.as_bytes(), ODOP_SPEC).unwrap_err();
    match &err {
        SheetError::MissingColumns {
            file,
            line,
            missing,
            found,
        } => {
            assert_eq!(file, "upload.csv");
            assert_eq!(*line, 2);
            assert_eq!(missing, &["District".to_string(), "LGD Code".to_string()]);
            assert_eq!(
                found,
                &[
                    "State".to_string(),
                    "Product".to_string(),
                    "Sector".to_string()
                ]
            );
        }
        other => panic!("expected MissingColumns, got {other:?}"),
    }
    let message = err.to_string();
    assert!(message.contains("District, LGD Code"), "{message}");
    assert!(message.contains("State, Product, Sector"), "{message}");
}

#[test]
fn semicolon_delimited_file() {
    let text = "Name;Note;Place;Code\r\nKolhapuri chappal;\"leather; hand-made\";Kolhapur;520\r\n";
    let table = csv(text.as_bytes(), SPEC).unwrap();
    assert_eq!(
        cells(&table),
        vec![vec![
            "Kolhapuri chappal".to_string(),
            "leather; hand-made".into(),
            "Kolhapur".into(),
            "520".into()
        ]]
    );
}

#[test]
fn tab_delimited_file_with_commas_in_cells() {
    let text = "Name\tNote\tPlace\tCode\nA, B\tC\tD\t1\n";
    let table = csv(text.as_bytes(), SPEC).unwrap();
    assert_eq!(table.get(&table.rows[0], "Name"), "A, B");
}

#[test]
fn short_and_long_rows() {
    let text = "Name,Note,Place,Code\nonly name\na,b,c,d,extra,more\n";
    let table = csv(text.as_bytes(), SPEC).unwrap();
    assert_eq!(
        cells(&table),
        vec![
            vec!["only name".to_string(), "".into(), "".into(), "".into()],
            vec!["a".to_string(), "b".into(), "c".into(), "d".into()],
        ]
    );
}

#[test]
fn apostrophe_is_stripped_only_before_a_formula_trigger() {
    let text = "Name,Note,Place,Code\n'=1+2,'90s,'-3,''@x\n";
    let table = csv(text.as_bytes(), SPEC).unwrap();
    assert_eq!(
        cells(&table),
        vec![vec![
            "=1+2".to_string(),
            "'90s".into(),
            "-3".into(),
            "'@x".into()
        ]]
    );
}

#[test]
fn big_cell_is_not_an_error_here() {
    let big = "x".repeat(1024 * 1024 + 10);
    let text = format!("Name,Note,Place,Code\n{big},\"{big}\",p,1\n");
    let table = csv(text.as_bytes(), SPEC).unwrap();
    assert_eq!(table.get(&table.rows[0], "Note").len(), big.len());
}

#[test]
fn workbook_cells_read_as_text_people_see() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("typed.xlsx");
    let mut workbook = Workbook::new();
    let notes = workbook.add_worksheet();
    notes.set_name("Notes").unwrap();
    notes.write_string(0, 0, "Read me first").unwrap();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Data").unwrap();
    // Title in B2, header on row 4 starting at column B, as reports often are.
    sheet.write_string(1, 1, "ODOP report").unwrap();
    for (c, header) in ["Code", "Name", "Place", "Note"].iter().enumerate() {
        sheet.write_string(3, 1 + c as u16, *header).unwrap();
    }
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    sheet.write_number(4, 1, 603.0).unwrap();
    sheet.write_string(4, 2, "Coconut").unwrap();
    sheet
        .write_datetime_with_format(4, 3, ExcelDateTime::from_ymd(2025, 7, 7).unwrap(), &date)
        .unwrap();
    sheet
        .write_formula(4, 4, Formula::new("=1+2").set_result("3"))
        .unwrap();
    sheet.write_number(6, 1, 2.5).unwrap();
    sheet.write_boolean(6, 2, true).unwrap();
    workbook.save(&path).unwrap();

    let table = read_table(&path, SPEC).unwrap();
    assert_eq!(table.encoding, "xlsx");
    assert_eq!(table.header_line, 4);
    // Cells come in spec order (Name, Note, Place, Code), not sheet order.
    assert_eq!(
        cells(&table),
        vec![
            vec![
                "Coconut".to_string(),
                "3".into(),
                "2025-07-07".into(),
                "603".into()
            ],
            vec!["TRUE".to_string(), "".into(), "".into(), "2.5".into()],
        ]
    );
    assert_eq!(table.rows[0].line, 5);
    assert_eq!(table.rows[1].line, 7);
}

#[test]
fn workbook_without_the_columns_reports_missing_ones() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("partial.xlsx");
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_string(0, 0, "Name").unwrap();
    sheet.write_string(0, 1, "Place").unwrap();
    sheet.write_string(1, 0, "x").unwrap();
    workbook.save(&path).unwrap();
    let err = read_table(&path, SPEC).unwrap_err();
    assert!(
        matches!(&err, SheetError::MissingColumns { missing, .. } if missing == &["Note".to_string(), "Code".to_string()]),
        "{err:?}"
    );
}

#[test]
fn renamed_workbook_is_recognised_by_content() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.xlsx");
    let rows = vec![vec![
        "a".to_string(),
        "b".to_string(),
        "c".to_string(),
        "d".to_string(),
    ]];
    odop_sheet::write_xlsx(&real, "S", &common::HEADERS, &mut rows.clone().into_iter()).unwrap();
    let renamed = dir.path().join("download.csv");
    fs::rename(&real, &renamed).unwrap();
    let table = read_table(&renamed, SPEC).unwrap();
    assert_eq!(table.encoding, "xlsx");
    assert_eq!(cells(&table), rows);
}

#[test]
fn text_labelled_as_xls_is_read_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("portal-export.xls");
    fs::write(&path, "Name\tNote\tPlace\tCode\nx\ty\tz\t1\n").unwrap();
    let table = read_table(&path, SPEC).unwrap();
    assert_eq!(table.encoding, "utf-8");
    assert_eq!(table.get(&table.rows[0], "Code"), "1");
}
