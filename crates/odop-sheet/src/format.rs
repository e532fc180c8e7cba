use std::fmt;
use std::path::Path;

use crate::decode;
use crate::SheetError;

/// The kind of file a table is stored in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Delimited text (comma, semicolon or tab) in any encoding spreadsheets produce.
    Csv,
    /// Office Open XML workbook (Excel 2007 and later).
    Xlsx,
    /// Legacy Excel 97-2003 workbook.
    Xls,
    /// OpenDocument spreadsheet (LibreOffice).
    Ods,
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const OLE_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
const ODS_MIMETYPE: &[u8] = b"application/vnd.oasis.opendocument.spreadsheet";

/// How much of a file `sniff` looks at to decide whether it is text.
const SNIFF_BYTES: usize = 64 * 1024;

impl Format {
    /// The format a file name's extension promises.
    pub fn from_path(path: &Path) -> Result<Format, SheetError> {
        let extension = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        match extension.as_str() {
            "csv" | "tsv" | "txt" => Ok(Format::Csv),
            "xlsx" | "xlsm" => Ok(Format::Xlsx),
            "xls" => Ok(Format::Xls),
            "ods" => Ok(Format::Ods),
            _ => Err(SheetError::UnsupportedFormat {
                file: path.display().to_string(),
                extension,
            }),
        }
    }

    /// The format the content itself shows, or `None` when it is neither a workbook nor text.
    ///
    /// Only the start of the file is examined, so a text file whose binary damage comes later is
    /// still reported as CSV; reading it then names the line.
    pub fn sniff(bytes: &[u8]) -> Option<Format> {
        if bytes.is_empty() {
            return None;
        }
        if bytes.starts_with(ZIP_MAGIC) {
            return Some(if is_ods_zip(bytes) {
                Format::Ods
            } else {
                Format::Xlsx
            });
        }
        if bytes.starts_with(OLE_MAGIC) {
            return Some(Format::Xls);
        }
        let head = &bytes[..bytes.len().min(SNIFF_BYTES)];
        decode::looks_like_text(head).then_some(Format::Csv)
    }

    /// A short upper-case name for messages, such as "XLSX".
    pub fn label(self) -> &'static str {
        match self {
            Format::Csv => "CSV",
            Format::Xlsx => "XLSX",
            Format::Xls => "XLS",
            Format::Ods => "ODS",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// ODS packages store an uncompressed `mimetype` entry first, so its content sits right after
/// the first local file header.
fn is_ods_zip(bytes: &[u8]) -> bool {
    let field = |at: usize| -> Option<usize> {
        let pair = bytes.get(at..at + 2)?;
        Some(usize::from(u16::from_le_bytes([pair[0], pair[1]])))
    };
    let (Some(name_len), Some(extra_len)) = (field(26), field(28)) else {
        return false;
    };
    let name_end = 30 + name_len;
    let data_start = name_end + extra_len;
    bytes.get(30..name_end) == Some(b"mimetype".as_slice())
        && bytes
            .get(data_start..)
            .is_some_and(|data| data.starts_with(ODS_MIMETYPE))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ods_header() -> Vec<u8> {
        let mut bytes = ZIP_MAGIC.to_vec();
        bytes.extend_from_slice(&[0; 22]);
        bytes.extend_from_slice(&8u16.to_le_bytes());
        bytes.extend_from_slice(&0u16.to_le_bytes());
        bytes.extend_from_slice(b"mimetype");
        bytes.extend_from_slice(ODS_MIMETYPE);
        bytes
    }

    #[test]
    fn extension_decides_format_case_insensitively() {
        assert_eq!(
            Format::from_path(Path::new("a/b.CSV")).unwrap(),
            Format::Csv
        );
        assert_eq!(
            Format::from_path(Path::new("list.xlsx")).unwrap(),
            Format::Xlsx
        );
        assert_eq!(
            Format::from_path(Path::new("old.Xls")).unwrap(),
            Format::Xls
        );
        assert_eq!(Format::from_path(Path::new("lo.ods")).unwrap(), Format::Ods);
    }

    #[test]
    fn unknown_extension_is_named_in_the_error() {
        let err = Format::from_path(Path::new("photo.png")).unwrap_err();
        assert!(matches!(
            &err,
            SheetError::UnsupportedFormat { extension, .. } if extension == "png"
        ));
        assert!(err.to_string().contains("photo.png"));
    }

    #[test]
    fn sniff_tells_workbooks_from_text() {
        assert_eq!(Format::sniff(b"PK\x03\x04rest"), Some(Format::Xlsx));
        assert_eq!(Format::sniff(&ods_header()), Some(Format::Ods));
        assert_eq!(Format::sniff(OLE_MAGIC), Some(Format::Xls));
        assert_eq!(
            Format::sniff(b"State,District\nGoa,North Goa\n"),
            Some(Format::Csv)
        );
        assert_eq!(Format::sniff(b"Caf\xe9,ok\n"), Some(Format::Csv));
        assert_eq!(Format::sniff(b"\x00\x01\x02\x03binary"), None);
        assert_eq!(Format::sniff(b""), None);
    }

    #[test]
    fn short_zip_is_xlsx_not_a_panic() {
        assert_eq!(Format::sniff(b"PK\x03\x04\x00"), Some(Format::Xlsx));
    }
}
