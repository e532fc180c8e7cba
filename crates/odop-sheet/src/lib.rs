//! This crate owns reading and writing tabular files (CSV in any of the encodings spreadsheets
//! produce, and XLSX, XLS and ODS workbooks) as rows of text cells with their source positions.
//! It must not know about the ODOP domain, the database or any user interface: it sees only
//! column names, cells and files, and validating cell values is the caller's job.
//!
//! A read arranges the cells by a caller-given column spec and keeps each row's source line or
//! sheet row, so a caller can point a person at the exact place to fix. The header may sit below
//! title rows and its columns may come in any order. Writing produces UTF-8 CSV or XLSX,
//! atomically, with formula injection defused.
//!
//! CSV encoding is detected once per file: a byte-order mark decides when present; otherwise
//! valid UTF-8 is read as UTF-8 and anything else as Windows-1252. A file mixing the two is
//! refused with a line of each, rather than read with one part turned into mojibake; see the
//! `decode` module.

mod decode;
mod delimited;
mod error;
mod format;
mod table;
mod workbook;
mod write;

use std::path::Path;

pub use error::SheetError;
pub use format::Format;
pub use table::{Column, Fit, Row, Table};
pub use write::{escape_formula, write_csv, write_xlsx, write_xlsx_typed, CellKind};

/// Files larger than this are refused before being read, to keep memory use bounded.
pub const MAX_FILE_BYTES: u64 = 200 * 1024 * 1024;

/// Reads a table from a file, deciding the format from its content and then its extension.
///
/// A workbook signature in the content wins over the extension (a renamed .xlsx still opens),
/// and text content is read as delimited text whatever its extension says, since web portals
/// often label text exports ".xls". Only content that is neither falls back to the extension,
/// so the reader for that format can say what is wrong with it.
pub fn read_table(path: &Path, spec: &[Column]) -> Result<Table, SheetError> {
    let (file, bytes, format) = read_file(path)?;
    read_table_bytes(&bytes, format, spec, &file)
}

/// How far each of several specs fits the file's header, in the specs' order, for telling
/// which layout a file holds. Only the rows near the top are looked at; the file is refused as
/// `read_table` would refuse it (too large, empty, binary, mixed encodings, a broken workbook).
pub fn header_fits(path: &Path, specs: &[&[Column]]) -> Result<Vec<Fit>, SheetError> {
    let (file, bytes, format) = read_file(path)?;
    if bytes.is_empty() {
        return Err(SheetError::Empty { file });
    }
    match format {
        Format::Csv => delimited::fits(&bytes, specs, &file),
        format => workbook::fits(&bytes, format, specs, &file),
    }
}

/// The file's name as errors give it, its bytes, and its format as [`read_table`] decides it.
fn read_file(path: &Path) -> Result<(String, Vec<u8>, Format), SheetError> {
    let file = path.display().to_string();
    let read_error = |err| SheetError::read_failed(&file, err);
    let size = std::fs::metadata(path).map_err(read_error)?.len();
    if size > MAX_FILE_BYTES {
        return Err(SheetError::TooLarge {
            file,
            size,
            limit: MAX_FILE_BYTES,
        });
    }
    // The size is checked before reading so a huge file is never loaded; the bytes are checked
    // again (and for emptiness) by `read_table_bytes`.
    let bytes = std::fs::read(path).map_err(read_error)?;
    let format = match Format::sniff(&bytes) {
        Some(format) => format,
        None => Format::from_path(path).unwrap_or(Format::Csv),
    };
    Ok((file, bytes, format))
}

/// Reads a table from bytes already in memory; `source` names the file in error messages.
pub fn read_table_bytes(
    bytes: &[u8],
    format: Format,
    spec: &[Column],
    source: &str,
) -> Result<Table, SheetError> {
    let size = bytes.len() as u64;
    if size > MAX_FILE_BYTES {
        return Err(SheetError::TooLarge {
            file: source.into(),
            size,
            limit: MAX_FILE_BYTES,
        });
    }
    if bytes.is_empty() {
        return Err(SheetError::Empty {
            file: source.into(),
        });
    }
    match format {
        Format::Csv => delimited::read(bytes, spec, source),
        Format::Xlsx | Format::Xls | Format::Ods => workbook::read(bytes, format, spec, source),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &[Column] = &[
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
    ];

    #[test]
    fn bytes_in_each_format_route_to_their_reader() {
        let table =
            read_table_bytes(b"State,District\nGoa,North Goa\n", Format::Csv, SPEC, "m").unwrap();
        assert_eq!(table.rows.len(), 1);
        assert_eq!(table.get(&table.rows[0], "District"), "North Goa");
        let err = read_table_bytes(b"not a zip", Format::Xlsx, SPEC, "m.xlsx").unwrap_err();
        assert!(matches!(err, SheetError::Workbook { format: "XLSX", .. }));
    }

    #[test]
    fn empty_bytes_are_empty_in_every_format() {
        for format in [Format::Csv, Format::Xlsx, Format::Xls, Format::Ods] {
            let err = read_table_bytes(b"", format, SPEC, "e").unwrap_err();
            assert!(matches!(err, SheetError::Empty { .. }), "{format}: {err:?}");
        }
    }

    #[test]
    fn header_fits_count_each_specs_columns_in_the_best_row() {
        let dir = tempfile::tempdir().unwrap();
        let other: &[Column] = &[Column {
            name: "Seller",
            aliases: &[],
            required: true,
        }];
        let csv = dir.path().join("t.csv");
        std::fs::write(
            &csv,
            "Report of 2025\nDistrict;State;Notes\nGoa;North Goa;x\n",
        )
        .unwrap();
        let fits = header_fits(&csv, &[SPEC, other]).unwrap();
        assert_eq!(
            fits[0],
            Fit {
                matched: 2,
                missing: 0
            }
        );
        assert_eq!(
            fits[1],
            Fit {
                matched: 0,
                missing: 1
            }
        );

        let xlsx = dir.path().join("t.xlsx");
        let mut rows = std::iter::once(vec!["A".to_owned(), "Goa".to_owned()]);
        write_xlsx(&xlsx, "Sheet", &["Seller", "State"], &mut rows).unwrap();
        let fits = header_fits(&xlsx, &[SPEC, other]).unwrap();
        assert_eq!(
            fits[0],
            Fit {
                matched: 1,
                missing: 1
            }
        );
        assert_eq!(
            fits[1],
            Fit {
                matched: 1,
                missing: 0
            }
        );

        std::fs::write(&csv, b"").unwrap();
        assert!(matches!(
            header_fits(&csv, &[SPEC]),
            Err(SheetError::Empty { .. })
        ));
    }

    #[test]
    fn missing_file_is_a_read_error_naming_it() {
        let err = read_table(Path::new("/no/such/dir/list.csv"), SPEC).unwrap_err();
        assert!(matches!(err, SheetError::Read { .. }));
        assert!(err.to_string().contains("/no/such/dir/list.csv"));
    }
}
