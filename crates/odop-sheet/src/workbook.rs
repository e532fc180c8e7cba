//! Reading XLSX, XLS and ODS workbooks through calamine, each cell turned into the text a person
//! sees in the spreadsheet.

use std::io::Cursor;

use calamine::{Data, ExcelDateTime, Ods, Range, Reader, SheetType, Sheets, Xls, Xlsx};

use crate::table::{self, Column, Fit, RawRow, Table};
use crate::{Format, SheetError};

/// Reads the first worksheet whose header satisfies the spec.
///
/// When no sheet does, the error is the most useful one seen: a header with missing columns
/// beats no header at all, and an all-empty workbook is `Empty`.
pub(crate) fn read(
    bytes: &[u8],
    format: Format,
    spec: &[Column],
    file: &str,
) -> Result<Table, SheetError> {
    // Workbook parsers face untrusted binary data; if one panics on a malformed file, that file
    // is reported as unreadable rather than taking the application down.
    std::panic::catch_unwind(|| read_sheets(bytes, format, spec, file)).unwrap_or_else(|_| {
        Err(SheetError::Workbook {
            file: file.into(),
            format: format.label(),
            detail: "the reader failed on malformed data".into(),
        })
    })
}

/// How far each spec fits the header of any worksheet: the best sheet for each.
pub(crate) fn fits(
    bytes: &[u8],
    format: Format,
    specs: &[&[Column]],
    file: &str,
) -> Result<Vec<Fit>, SheetError> {
    std::panic::catch_unwind(|| {
        let (mut sheets, _) = open(bytes, format, file)?;
        let mut best = vec![Fit::default(); specs.len()];
        let mut any = false;
        for name in worksheets(&sheets) {
            let range = sheets
                .worksheet_range(&name)
                .map_err(|e| unreadable(format, file, format!("sheet {name:?}: {e}")))?;
            let head: Vec<RawRow> = raw_rows(&range)
                .take(table::HEADER_SCAN_ROWS)
                .collect::<Result<_, _>>()?;
            any |= head
                .iter()
                .any(|row| row.cells.iter().any(|c| !c.trim().is_empty()));
            for (fit, spec) in best.iter_mut().zip(specs) {
                *fit = fit.better(Fit::of(&head, spec));
            }
        }
        if any {
            Ok(best)
        } else {
            Err(SheetError::Empty { file: file.into() })
        }
    })
    .unwrap_or_else(|_| {
        Err(unreadable(
            format,
            file,
            "the reader failed on malformed data".into(),
        ))
    })
}

fn unreadable(format: Format, file: &str, detail: String) -> SheetError {
    SheetError::Workbook {
        file: file.into(),
        format: format.label(),
        detail,
    }
}

/// A workbook read from bytes in memory, whatever its format.
type Workbook<'b> = Sheets<Cursor<&'b [u8]>>;

/// The workbook, opened by its format's reader, and how its cells are described.
fn open<'b>(
    bytes: &'b [u8],
    format: Format,
    file: &str,
) -> Result<(Workbook<'b>, &'static str), SheetError> {
    let unreadable = |detail: String| unreadable(format, file, detail);
    let cursor = Cursor::new(bytes);
    Ok(match format {
        Format::Xlsx => (
            Sheets::Xlsx(Xlsx::new(cursor).map_err(|e| unreadable(e.to_string()))?),
            "xlsx",
        ),
        Format::Xls => (
            Sheets::Xls(Xls::new(cursor).map_err(|e| unreadable(e.to_string()))?),
            "xls",
        ),
        Format::Ods => (
            Sheets::Ods(Ods::new(cursor).map_err(|e| unreadable(e.to_string()))?),
            "ods",
        ),
        Format::Csv => return Err(unreadable("a text file is no workbook".into())),
    })
}

/// The names of the worksheets, in order; charts and other sheets left out.
fn worksheets(sheets: &Workbook<'_>) -> Vec<String> {
    sheets
        .sheets_metadata()
        .iter()
        .filter(|sheet| sheet.typ == SheetType::WorkSheet)
        .map(|sheet| sheet.name.clone())
        .collect()
}

fn read_sheets(
    bytes: &[u8],
    format: Format,
    spec: &[Column],
    file: &str,
) -> Result<Table, SheetError> {
    // Callers route CSV elsewhere; handling it here keeps this function total.
    if format == Format::Csv {
        return crate::delimited::read(bytes, spec, file);
    }
    let unreadable = |detail: String| unreadable(format, file, detail);
    let (mut sheets, encoding) = open(bytes, format, file)?;
    let names = worksheets(&sheets);

    let mut missing_columns = None;
    let mut no_header = None;
    for name in names {
        let range = sheets
            .worksheet_range(&name)
            .map_err(|e| unreadable(format!("sheet {name:?}: {e}")))?;
        if range.is_empty() {
            continue;
        }
        match table::assemble(raw_rows(&range), spec, file, encoding, keep) {
            Ok(table) => return Ok(table),
            Err(err @ SheetError::MissingColumns { .. }) => {
                missing_columns.get_or_insert(err);
            }
            Err(err @ SheetError::NoHeader { .. }) => {
                no_header.get_or_insert(err);
            }
            Err(SheetError::Empty { .. }) => {}
            Err(err) => return Err(err),
        }
    }
    Err(missing_columns
        .or(no_header)
        .unwrap_or_else(|| SheetError::Empty { file: file.into() }))
}

/// Workbook cells are stored as typed values, so nothing was added that needs undoing.
fn keep(cell: String) -> String {
    cell
}

/// The rows of a sheet as text, numbered as Excel shows them.
fn raw_rows(range: &Range<Data>) -> impl Iterator<Item = Result<RawRow, SheetError>> + '_ {
    // The range starts at the first used cell, which need not be A1.
    let first_row = range.start().map_or(0, |(row, _)| row as usize);
    range.rows().enumerate().map(move |(i, cells)| {
        Ok(RawRow {
            line: first_row + i + 1,
            cells: cells.iter().map(cell_text).collect(),
        })
    })
}

/// The text a spreadsheet shows for a cell, in a form that does not depend on locale.
pub(crate) fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(text) => text.clone(),
        Data::Int(n) => n.to_string(),
        Data::Float(x) => number_text(*x),
        Data::Bool(true) => "TRUE".into(),
        Data::Bool(false) => "FALSE".into(),
        Data::DateTime(when) => datetime_text(when),
        Data::DateTimeIso(text) => iso_datetime_text(text),
        Data::DurationIso(text) => text.clone(),
        Data::Error(err) => err.to_string(),
    }
}

/// Whole numbers without ".0" (so LGD code 603 reads "603"), others to Excel's 15 digits.
pub(crate) fn number_text(x: f64) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    if x.fract() == 0.0 && x.abs() < 1e15 {
        return format!("{}", x as i64);
    }
    // Rounding to 15 significant digits drops binary noise such as 0.30000000000000004.
    let rounded: f64 = format!("{x:.14e}").parse().unwrap_or(x);
    rounded.to_string()
}

fn datetime_text(when: &ExcelDateTime) -> String {
    let serial = when.as_f64();
    if when.is_duration() {
        let seconds = (serial * 86_400.0).round() as i64;
        return format!(
            "{}:{:02}:{:02}",
            seconds / 3600,
            seconds / 60 % 60,
            seconds % 60
        );
    }
    let (year, month, day, hour, minute, second, milli) = when.to_ymd_hms_milli();
    if (0.0..1.0).contains(&serial) {
        return format!("{hour:02}:{minute:02}:{second:02}");
    }
    if (hour, minute, second, milli) == (0, 0, 0, 0) {
        format!("{year:04}-{month:02}-{day:02}")
    } else {
        format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}:{second:02}")
    }
}

/// ODS stores dates as ISO 8601; midnight is dropped so a plain date reads YYYY-MM-DD.
fn iso_datetime_text(text: &str) -> String {
    match text.split_once('T') {
        Some((date, time)) if time.trim_start_matches(['0', ':', '.']).is_empty() => {
            date.to_string()
        }
        Some((date, time)) => format!("{date} {time}"),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use calamine::{CellErrorType, ExcelDateTimeType};

    use super::*;

    #[test]
    fn whole_numbers_have_no_decimal_point() {
        assert_eq!(number_text(603.0), "603");
        assert_eq!(number_text(-12.0), "-12");
        assert_eq!(number_text(0.1 + 0.2), "0.3");
        assert_eq!(number_text(2.5), "2.5");
        assert_eq!(number_text(1e20), "100000000000000000000");
    }

    #[test]
    fn dates_read_as_iso() {
        let date = ExcelDateTime::new(45845.0, ExcelDateTimeType::DateTime, false);
        assert_eq!(cell_text(&Data::DateTime(date)), "2025-07-07");
        let stamp = ExcelDateTime::new(45845.5, ExcelDateTimeType::DateTime, false);
        assert_eq!(cell_text(&Data::DateTime(stamp)), "2025-07-07 12:00:00");
        let time = ExcelDateTime::new(0.75, ExcelDateTimeType::DateTime, false);
        assert_eq!(cell_text(&Data::DateTime(time)), "18:00:00");
        let span = ExcelDateTime::new(1.5, ExcelDateTimeType::TimeDelta, false);
        assert_eq!(cell_text(&Data::DateTime(span)), "36:00:00");
    }

    #[test]
    fn iso_dates_from_ods() {
        assert_eq!(
            cell_text(&Data::DateTimeIso("2025-07-07T00:00:00".into())),
            "2025-07-07"
        );
        assert_eq!(
            cell_text(&Data::DateTimeIso("2025-07-07T10:30:00".into())),
            "2025-07-07 10:30:00"
        );
        assert_eq!(
            cell_text(&Data::DateTimeIso("2025-07-07".into())),
            "2025-07-07"
        );
    }

    #[test]
    fn other_cells_read_as_shown() {
        assert_eq!(cell_text(&Data::Bool(true)), "TRUE");
        assert_eq!(cell_text(&Data::Int(7)), "7");
        assert_eq!(cell_text(&Data::Error(CellErrorType::NA)), "#N/A");
        assert_eq!(cell_text(&Data::Empty), "");
        assert_eq!(cell_text(&Data::String(" x ".into())), " x ");
    }

    #[test]
    fn garbage_bytes_are_a_workbook_error() {
        let spec = &[Column {
            name: "State",
            aliases: &[],
            required: true,
        }];
        for format in [Format::Xlsx, Format::Xls, Format::Ods] {
            let err = read(b"PK\x03\x04 not really", format, spec, "bad.bin").unwrap_err();
            assert!(
                matches!(&err, SheetError::Workbook { file, .. } if file == "bad.bin"),
                "{err:?}"
            );
        }
    }
}
