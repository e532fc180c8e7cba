//! Bad files must produce a clear error naming the file and place, never a panic.

mod common;

use std::fs;

use common::{HEADERS, SPEC};
use odop_sheet::{read_table, read_table_bytes, write_xlsx, Format, SheetError, MAX_FILE_BYTES};

/// Deterministic pseudo-random bytes (xorshift), so a failure can be reproduced.
fn garbage(len: usize, mut seed: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 24) as u8
        })
        .collect()
}

#[test]
fn empty_file_is_empty() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["empty.csv", "empty.xlsx", "empty.ods"] {
        let path = dir.path().join(name);
        fs::write(&path, b"").unwrap();
        let err = read_table(&path, SPEC).unwrap_err();
        assert!(matches!(err, SheetError::Empty { .. }), "{name}: {err:?}");
        assert!(err.to_string().contains(name), "{err}");
    }
}

#[test]
fn whitespace_only_file_is_empty() {
    let err = read_table_bytes(b" \r\n\n\t\n", Format::Csv, SPEC, "blank.csv").unwrap_err();
    assert!(matches!(err, SheetError::Empty { .. }), "{err:?}");
    let err = read_table_bytes(b",,,\n,,\n", Format::Csv, SPEC, "commas.csv").unwrap_err();
    assert!(matches!(err, SheetError::Empty { .. }), "{err:?}");
}

#[test]
fn random_binary_is_neither_text_nor_workbook() {
    let dir = tempfile::tempdir().unwrap();
    for (seed, name) in [(1, "noise.csv"), (2, "noise.bin"), (3, "noise.txt")] {
        let path = dir.path().join(name);
        fs::write(&path, garbage(4096, seed)).unwrap();
        assert_eq!(Format::sniff(&fs::read(&path).unwrap()), None);
        let err = read_table(&path, SPEC).unwrap_err();
        assert!(matches!(err, SheetError::NotText { .. }), "{name}: {err:?}");
        let message = err.to_string();
        assert!(message.contains(name), "{message}");
        assert!(
            message.contains("neither a text table nor a spreadsheet workbook"),
            "{message}"
        );
    }
}

#[test]
fn random_binary_named_as_workbook_cannot_be_read() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["noise.xlsx", "noise.xls", "noise.ods"] {
        let path = dir.path().join(name);
        fs::write(&path, garbage(4096, 7)).unwrap();
        let err = read_table(&path, SPEC).unwrap_err();
        assert!(
            matches!(err, SheetError::Workbook { .. }),
            "{name}: {err:?}"
        );
        assert!(err.to_string().contains(name), "{err}");
    }
}

#[test]
fn random_binary_in_every_format_never_panics() {
    for seed in 1..40 {
        let bytes = garbage(64 + seed as usize * 37, seed);
        for format in [Format::Csv, Format::Xlsx, Format::Xls, Format::Ods] {
            let result = read_table_bytes(&bytes, format, SPEC, "fuzz");
            assert!(result.is_err(), "{format} seed {seed} was accepted");
        }
    }
}

#[test]
fn truncated_xlsx_names_the_file_and_the_workbook_problem() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("export.xlsx");
    let rows: Vec<Vec<String>> = (0..200)
        .map(|i| {
            vec![
                format!("name {i}"),
                "note".into(),
                "place".into(),
                i.to_string(),
            ]
        })
        .collect();
    write_xlsx(&path, "ODOP", &HEADERS, &mut rows.into_iter()).unwrap();
    let bytes = fs::read(&path).unwrap();
    fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    let err = read_table(&path, SPEC).unwrap_err();
    match &err {
        SheetError::Workbook { file, format, .. } => {
            assert!(file.ends_with("export.xlsx"), "{file}");
            assert_eq!(*format, "XLSX");
        }
        other => panic!("expected a workbook error, got {other:?}"),
    }
    assert!(err.to_string().contains("cannot be read"), "{err}");
}

#[test]
fn unbalanced_quote_names_the_line_where_the_record_starts() {
    let text = "Name,Note,Place,Code\na,b,c,1\n\"d\ne\",f,g,2\nh,\"never closed,i,3\nj,k,l,4\n";
    let err = read_table_bytes(text.as_bytes(), Format::Csv, SPEC, "broken.csv").unwrap_err();
    assert!(
        matches!(
            err,
            SheetError::UnclosedQuote {
                line: 5,
                column: 2,
                ..
            }
        ),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(message.contains("broken.csv"), "{message}");
    assert!(message.contains("line 5"), "{message}");
}

#[test]
fn unbalanced_quote_in_the_header_area_is_reported_too() {
    let text = "\"Name,Note,Place,Code\nx,y,z,1\n";
    let err = read_table_bytes(text.as_bytes(), Format::Csv, SPEC, "head.csv").unwrap_err();
    assert!(
        matches!(err, SheetError::UnclosedQuote { line: 1, .. }),
        "{err:?}"
    );
}

#[test]
fn no_header_is_a_clear_error() {
    let text = "just,some,numbers\n1,2,3\n";
    let err = read_table_bytes(text.as_bytes(), Format::Csv, SPEC, "n.csv").unwrap_err();
    assert!(matches!(err, SheetError::NoHeader { .. }), "{err:?}");
    let message = err.to_string();
    assert!(message.contains("no header row"), "{message}");
    assert!(message.contains("Name, Note, Place, Code"), "{message}");
}

#[test]
fn header_below_row_thirty_is_not_searched_for() {
    let mut text = "title\n".repeat(30);
    text.push_str("Name,Note,Place,Code\nx,y,z,1\n");
    let err = read_table_bytes(text.as_bytes(), Format::Csv, SPEC, "deep.csv").unwrap_err();
    assert!(
        matches!(err, SheetError::NoHeader { scanned: 30, .. }),
        "{err:?}"
    );
}

#[test]
fn file_over_the_limit_is_refused_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.csv");
    // A sparse file: the size is reported without writing 200 MiB.
    let file = fs::File::create(&path).unwrap();
    file.set_len(MAX_FILE_BYTES + 1).unwrap();
    let err = read_table(&path, SPEC).unwrap_err();
    assert!(
        matches!(err, SheetError::TooLarge { size, limit, .. } if size == MAX_FILE_BYTES + 1 && limit == MAX_FILE_BYTES),
        "{err:?}"
    );
}

#[test]
fn nul_bytes_in_a_text_file_are_reported_with_their_line() {
    let text = b"Name,Note,Place,Code\na,b,c,1\nx\x00y,b,c,2\n";
    let err = read_table_bytes(text, Format::Csv, SPEC, "nul.csv").unwrap_err();
    assert!(
        matches!(err, SheetError::NotText { line: 3, .. }),
        "{err:?}"
    );
}
