use std::io;
use std::sync::Arc;

use thiserror::Error;

/// Why a table could not be read or written.
///
/// Every variant names the file (as the caller gave it) and, where there is one, the line, row or
/// column, so the message alone tells a person what to fix. The file field is called `file`
/// because thiserror reserves the name `source` for a wrapped error. I/O errors sit behind an
/// `Arc` so the whole error can be cloned into a UI or a report.
#[derive(Debug, Clone, Error)]
pub enum SheetError {
    #[error("cannot read {file}: {source}")]
    Read {
        file: String,
        source: Arc<io::Error>,
    },

    #[error("cannot write {file}: {source}")]
    Write {
        file: String,
        source: Arc<io::Error>,
    },

    #[error(
        "{file}: unsupported file type {extension:?}; expected .csv, .tsv, .txt, .xlsx, .xlsm, .xls or .ods"
    )]
    UnsupportedFormat { file: String, extension: String },

    #[error("{file} is empty")]
    Empty { file: String },

    #[error("{file} is {size} bytes, more than the {limit} bytes this program reads")]
    TooLarge { file: String, size: u64, limit: u64 },

    #[error(
        "{file} is neither a text table nor a spreadsheet workbook: it holds binary data (first seen on line {line})"
    )]
    NotText { file: String, line: usize },

    #[error(
        "{file} mixes text encodings: line {utf8_line} is UTF-8 but line {other_line} holds bytes that are not (Windows-1252?), so part of it would be misread; save the whole file again in one encoding (in Excel: \"CSV UTF-8\")"
    )]
    MixedEncodings {
        file: String,
        utf8_line: usize,
        other_line: usize,
    },

    #[error(
        "{file}: the {format} workbook cannot be read; it may be corrupt or truncated ({detail})"
    )]
    Workbook {
        file: String,
        format: &'static str,
        detail: String,
    },

    #[error(
        "{file}: the quoted field in column {column} of the record that starts on line {line} is never closed (unbalanced \" quote)"
    )]
    UnclosedQuote {
        file: String,
        line: usize,
        column: usize,
    },

    #[error(
        "{file}: no header row found in the first {scanned} rows; expected columns such as {}",
        .expected.join(", ")
    )]
    NoHeader {
        file: String,
        scanned: usize,
        expected: Vec<String>,
    },

    #[error(
        "{file}: the header on row {line} lacks the required column(s) {}; it has: {}",
        .missing.join(", "),
        .found.join(", ")
    )]
    MissingColumns {
        file: String,
        line: usize,
        missing: Vec<String>,
        found: Vec<String>,
    },

    #[error("{file}: row {row} has {found} cells but there are {expected} headers")]
    RowLength {
        file: String,
        row: usize,
        expected: usize,
        found: usize,
    },

    #[error("{file}: the cell in row {row}, column {column} cannot be written: {reason}")]
    CellNotWritable {
        file: String,
        row: usize,
        column: usize,
        reason: String,
    },

    #[error("{file}: {name:?} cannot be used as a sheet name: {reason}")]
    SheetName {
        file: String,
        name: String,
        reason: String,
    },
}

impl SheetError {
    pub(crate) fn read_failed(file: &str, source: io::Error) -> SheetError {
        SheetError::Read {
            file: file.into(),
            source: Arc::new(source),
        }
    }

    pub(crate) fn write_failed(file: &str, source: io::Error) -> SheetError {
        SheetError::Write {
            file: file.into(),
            source: Arc::new(source),
        }
    }

    /// The file the problem is in, for messages that list several files.
    pub fn file(&self) -> &str {
        match self {
            SheetError::Read { file, .. }
            | SheetError::Write { file, .. }
            | SheetError::UnsupportedFormat { file, .. }
            | SheetError::Empty { file }
            | SheetError::TooLarge { file, .. }
            | SheetError::NotText { file, .. }
            | SheetError::MixedEncodings { file, .. }
            | SheetError::Workbook { file, .. }
            | SheetError::UnclosedQuote { file, .. }
            | SheetError::NoHeader { file, .. }
            | SheetError::MissingColumns { file, .. }
            | SheetError::RowLength { file, .. }
            | SheetError::CellNotWritable { file, .. }
            | SheetError::SheetName { file, .. } => file,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_columns_message_lists_missing_and_found() {
        let err = SheetError::MissingColumns {
            file: "list.csv".into(),
            line: 4,
            missing: vec!["District".into(), "LGD Code".into()],
            found: vec!["State".into(), "Product".into()],
        };
        let text = err.to_string();
        assert_eq!(
            text,
            "list.csv: the header on row 4 lacks the required column(s) District, LGD Code; it has: State, Product"
        );
        assert_eq!(err.file(), "list.csv");
    }

    #[test]
    fn io_errors_keep_their_cause_and_clone() {
        use std::error::Error as _;
        let err = SheetError::write_failed("out.csv", io::Error::other("disk full"));
        let copy = err.clone();
        assert_eq!(copy.to_string(), "cannot write out.csv: disk full");
        assert_eq!(err.source().unwrap().to_string(), "disk full");
    }

    #[test]
    fn unclosed_quote_message_names_line_and_column() {
        let err = SheetError::UnclosedQuote {
            file: "a.csv".into(),
            line: 7,
            column: 3,
        };
        let text = err.to_string();
        assert!(text.contains("a.csv"), "{text}");
        assert!(text.contains("line 7"), "{text}");
        assert!(text.contains("column 3"), "{text}");
    }
}
