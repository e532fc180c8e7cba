//! Writing tables to CSV and XLSX, atomically and safe to open in a spreadsheet.

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use rust_xlsxwriter::{Format as CellFormat, Workbook, XlsxError};

use crate::SheetError;

/// First characters that make a spreadsheet treat a CSV cell as a formula.
const FORMULA_TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Column widths for XLSX, in characters.
const MIN_WIDTH: usize = 8;
const MAX_WIDTH: usize = 60;

/// Makes a cell inert in a spreadsheet by putting an apostrophe before a formula trigger.
///
/// Cells starting with `= + - @`, tab or CR get one leading `'`, so `=HYPERLINK(...)` shows as
/// text instead of running. A cell that already is apostrophes followed by a trigger (such as
/// `'=x`) gets one more, so that reading strips exactly one and every value round-trips.
pub fn escape_formula(cell: &str) -> Cow<'_, str> {
    if cell.trim_start_matches('\'').starts_with(FORMULA_TRIGGERS) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// Undoes `escape_formula`: drops one apostrophe, and only before a run ending in a trigger.
///
/// Other leading apostrophes (such as `'90s`) are data and stay.
pub(crate) fn unescape_formula(mut cell: String) -> String {
    if cell.starts_with('\'') && cell.trim_start_matches('\'').starts_with(FORMULA_TRIGGERS) {
        cell.remove(0);
    }
    cell
}

/// Writes a UTF-8 CSV (no BOM) with a header line, quoting only where needed.
///
/// Every row must have one cell per header. The file appears complete or not at all.
pub fn write_csv(
    path: &Path,
    headers: &[&str],
    rows: &mut dyn Iterator<Item = Vec<String>>,
) -> Result<(), SheetError> {
    let file = path.display().to_string();
    let csv_error = |err: csv::Error| SheetError::write_failed(&file, err.into());
    write_atomically(path, &file, |out| {
        let mut writer = csv::WriterBuilder::new()
            .quote_style(csv::QuoteStyle::Necessary)
            .from_writer(BufWriter::new(out));
        for header in headers {
            writer
                .write_field(escape_formula(header).as_bytes())
                .map_err(csv_error)?;
        }
        writer.write_record(None::<&[u8]>).map_err(csv_error)?;
        for (i, row) in rows.enumerate() {
            check_length(&file, i + 2, headers.len(), row.len())?;
            for cell in &row {
                writer
                    .write_field(escape_formula(cell).as_bytes())
                    .map_err(csv_error)?;
            }
            writer.write_record(None::<&[u8]>).map_err(csv_error)?;
        }
        let buffered = writer
            .into_inner()
            .map_err(|err| SheetError::write_failed(&file, err.into_error()))?;
        buffered
            .into_inner()
            .map_err(|err| SheetError::write_failed(&file, err.into_error()))?;
        Ok(())
    })
}

/// Writes a one-sheet XLSX: bold frozen header, every cell a string (never a formula).
///
/// Strings are stored as strings, so `=HYPERLINK(...)` stays inert and no apostrophe is needed.
/// rust_xlsxwriter escapes control characters and literal `_xHHHH_` text the way Excel does, so
/// the reader gets back exactly what was written. Empty cells are left blank. The file appears
/// complete or not at all.
pub fn write_xlsx(
    path: &Path,
    sheet: &str,
    headers: &[&str],
    rows: &mut dyn Iterator<Item = Vec<String>>,
) -> Result<(), SheetError> {
    write_xlsx_typed(path, sheet, headers, &[], rows)
}

/// How an XLSX column's cells are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellKind {
    /// A string, never a formula: what every record export writes, so it reads back unchanged.
    Text,
    /// A whole number a spreadsheet can add up; a cell that is not one stays a string.
    Count,
}

/// As [`write_xlsx`], with each column's [`CellKind`] from `kinds` (a column past its end is
/// text): a table of figures whose columns sum in the spreadsheet.
pub fn write_xlsx_typed(
    path: &Path,
    sheet: &str,
    headers: &[&str],
    kinds: &[CellKind],
    rows: &mut dyn Iterator<Item = Vec<String>>,
) -> Result<(), SheetError> {
    let file = path.display().to_string();
    let cell_error = |row: usize, column: usize, err: XlsxError| SheetError::CellNotWritable {
        file: file.clone(),
        row,
        column,
        reason: err.to_string(),
    };
    let mut workbook = Workbook::new();
    let worksheet = workbook.add_worksheet();
    worksheet
        .set_name(sheet)
        .map_err(|err| SheetError::SheetName {
            file: file.clone(),
            name: sheet.into(),
            reason: err.to_string(),
        })?;
    let bold = CellFormat::new().set_bold();
    let mut widths: Vec<usize> = headers.iter().map(|h| text_width(h)).collect();
    for (c, header) in headers.iter().enumerate() {
        worksheet
            .write_string_with_format(0, column_index(c), *header, &bold)
            .map_err(|err| cell_error(1, c + 1, err))?;
    }
    for (i, row) in rows.enumerate() {
        let sheet_row = i + 2;
        check_length(&file, sheet_row, headers.len(), row.len())?;
        // Out-of-range rows saturate here so rust_xlsxwriter reports Excel's limit.
        let r = u32::try_from(i + 1).unwrap_or(u32::MAX);
        for (c, cell) in row.into_iter().enumerate() {
            if cell.is_empty() {
                continue;
            }
            widths[c] = widths[c].max(text_width(&cell));
            let count = match kinds.get(c) {
                Some(CellKind::Count) => cell.parse::<u32>().ok(),
                _ => None,
            };
            match count {
                Some(n) => worksheet.write_number(r, column_index(c), f64::from(n)),
                None => worksheet.write_string(r, column_index(c), cell),
            }
            .map_err(|err| cell_error(sheet_row, c + 1, err))?;
        }
    }
    worksheet
        .set_freeze_panes(1, 0)
        .map_err(|err| cell_error(1, 1, err))?;
    for (c, width) in widths.iter().enumerate() {
        let width = (width + 2).clamp(MIN_WIDTH, MAX_WIDTH);
        worksheet
            .set_column_width(column_index(c), width as f64)
            .map_err(|err| cell_error(1, c + 1, err))?;
    }
    let bytes = workbook
        .save_to_buffer()
        .map_err(|err| SheetError::write_failed(&file, io::Error::other(err)))?;
    write_atomically(path, &file, |out| {
        out.write_all(&bytes)
            .map_err(|err| SheetError::write_failed(&file, err))
    })
}

fn check_length(file: &str, row: usize, expected: usize, found: usize) -> Result<(), SheetError> {
    if expected == found {
        Ok(())
    } else {
        Err(SheetError::RowLength {
            file: file.into(),
            row,
            expected,
            found,
        })
    }
}

/// Out-of-range columns saturate so rust_xlsxwriter reports Excel's limit.
fn column_index(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}

/// Characters in the longest line, a fair guess at the column width a cell needs.
fn text_width(text: &str) -> usize {
    text.lines()
        .map(|line| line.chars().count())
        .max()
        .unwrap_or(0)
}

/// Writes through a temporary file in the destination's directory, then renames it into place,
/// so a failed export never leaves a half-written file and never clobbers the old one.
///
/// A destination that is no regular file (`/dev/stdout`, a pipe) has no old file to keep and
/// must not be replaced by one: it is written straight through. A symbolic link keeps pointing
/// where it did, and the file it names is replaced.
fn write_atomically(
    path: &Path,
    file: &str,
    fill: impl FnOnce(&mut File) -> Result<(), SheetError>,
) -> Result<(), SheetError> {
    let write_error = |err: io::Error| SheetError::write_failed(file, err);
    if let Ok(meta) = std::fs::metadata(path) {
        if !meta.is_file() && !meta.is_dir() {
            let mut out = File::options()
                .write(true)
                .open(path)
                .map_err(write_error)?;
            fill(&mut out)?;
            return out.flush().map_err(write_error);
        }
    }
    let mut resolved = path.to_owned();
    // Links are followed as far as they go; a dangling one names the file to create.
    for _ in 0..40 {
        match std::fs::symlink_metadata(&resolved) {
            Ok(m) if m.file_type().is_symlink() => {
                let target = std::fs::read_link(&resolved).map_err(write_error)?;
                resolved = resolved
                    .parent()
                    .map_or(target.clone(), |dir| dir.join(&target));
            }
            _ => break,
        }
    }
    let path = resolved.as_path();
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".odop-sheet-").suffix(".part");
    // Temporary files are private by default; an export should get normal permissions.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut temp = builder.tempfile_in(dir).map_err(write_error)?;
    fill(temp.as_file_mut())?;
    temp.as_file().sync_all().map_err(write_error)?;
    temp.persist(path).map_err(|err| write_error(err.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_triggers_get_an_apostrophe() {
        assert_eq!(escape_formula("=1+2"), "'=1+2");
        assert_eq!(escape_formula("+91 98"), "'+91 98");
        assert_eq!(escape_formula("-5"), "'-5");
        assert_eq!(escape_formula("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(escape_formula("\tx"), "'\tx");
        assert_eq!(escape_formula("\rx"), "'\rx");
        assert_eq!(escape_formula("'=x"), "''=x");
        assert!(matches!(escape_formula("Varanasi"), Cow::Borrowed(_)));
        assert_eq!(escape_formula("a=b"), "a=b");
        assert_eq!(escape_formula("'90s"), "'90s");
        assert_eq!(escape_formula(""), "");
    }

    #[test]
    fn unescape_strips_only_before_a_trigger() {
        assert_eq!(unescape_formula("'=1+2".into()), "=1+2");
        assert_eq!(unescape_formula("''=x".into()), "'=x");
        assert_eq!(unescape_formula("'90s".into()), "'90s");
        assert_eq!(unescape_formula("'".into()), "'");
        assert_eq!(unescape_formula("=raw".into()), "=raw");
        for cell in ["=a", "'=a", "''-b", "'x", "", "'", "@", "plain"] {
            assert_eq!(unescape_formula(escape_formula(cell).into_owned()), cell);
        }
    }

    #[test]
    fn widths_follow_the_longest_line() {
        assert_eq!(text_width("ab\nabcd"), 4);
        assert_eq!(text_width("साड़ी"), 5);
        assert_eq!(text_width(""), 0);
    }

    /// A fill that writes these bytes.
    fn bytes(b: &'static [u8]) -> impl FnOnce(&mut File) -> Result<(), SheetError> {
        move |out| {
            out.write_all(b)
                .map_err(|e| SheetError::write_failed("test", e))
        }
    }

    #[test]
    fn a_link_keeps_pointing_at_the_file_it_names() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.csv");
        std::fs::write(&real, "old").unwrap();
        let link = dir.path().join("link.csv");
        std::os::unix::fs::symlink("real.csv", &link).unwrap();
        write_atomically(&link, "link.csv", bytes(b"new")).unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
        // A link to a file not there yet makes it.
        let ahead = dir.path().join("ahead.csv");
        std::os::unix::fs::symlink("later.csv", &ahead).unwrap();
        write_atomically(&ahead, "ahead.csv", bytes(b"made")).unwrap();
        let made = std::fs::read_to_string(dir.path().join("later.csv")).unwrap();
        assert_eq!(made, "made");
    }

    /// A pipe, as `/dev/stdout` is in a shell pipeline, gets the bytes and stays a pipe.
    #[test]
    fn a_pipe_is_written_through_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success(), "mkfifo {}", fifo.display());
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
        };
        write_atomically(&fifo, "pipe", bytes(b"through")).unwrap();
        assert_eq!(reader.join().unwrap(), "through");
        use std::os::unix::fs::FileTypeExt;
        assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
    }

    #[test]
    fn failed_fill_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.csv");
        let err = write_atomically(&target, "out.csv", |out| {
            out.write_all(b"half").unwrap();
            Err(SheetError::Empty {
                file: "out.csv".into(),
            })
        })
        .unwrap_err();
        assert!(matches!(err, SheetError::Empty { .. }));
        assert!(!target.exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
