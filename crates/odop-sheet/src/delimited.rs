//! Reading delimited text: quoted fields that span lines, LF or CRLF, and the delimiter guessed
//! from the header.

use crate::decode;
use crate::table::{self, Column, Fit, RawRow, Table, HEADER_SCAN_ROWS};
use crate::write::unescape_formula;
use crate::SheetError;

/// Delimiters tried, in the order that wins a tie.
const DELIMITERS: [u8; 3] = [b',', b';', b'\t'];

/// A quoted field that reaches the end of the text without its closing quote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Unclosed {
    /// Line where the record holding the field starts.
    pub line: usize,
    /// 1-based position of the field in its record.
    pub column: usize,
}

impl Unclosed {
    fn into_error(self, file: &str) -> SheetError {
        SheetError::UnclosedQuote {
            file: file.into(),
            line: self.line,
            column: self.column,
        }
    }
}

/// The records of delimited text, each with the line it starts on.
///
/// A field is quoted only when its first character is `"`; a quote anywhere else is kept as text,
/// as is anything between a closing quote and the next delimiter. This matches how spreadsheets
/// read hand-edited files instead of refusing them.
#[derive(Debug, Clone)]
pub(crate) struct Records<'a> {
    text: &'a str,
    pos: usize,
    line: usize,
    delimiter: u8,
}

impl<'a> Records<'a> {
    pub(crate) fn new(text: &'a str, delimiter: u8) -> Self {
        Records {
            text,
            pos: 0,
            line: 1,
            delimiter,
        }
    }
}

/// Line breaks inside a quoted chunk: LF, CRLF and a lone CR each count once.
fn line_breaks(chunk: &str) -> usize {
    let bytes = chunk.as_bytes();
    bytes
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
        .count()
}

impl Iterator for Records<'_> {
    type Item = Result<RawRow, Unclosed>;

    fn next(&mut self) -> Option<Self::Item> {
        let bytes = self.text.as_bytes();
        if self.pos >= bytes.len() {
            return None;
        }
        let start_line = self.line;
        let mut cells = Vec::new();
        let mut cell = String::new();
        loop {
            if bytes.get(self.pos) == Some(&b'"') {
                let column = cells.len() + 1;
                self.pos += 1;
                loop {
                    let rest = &self.text[self.pos..];
                    let Some(quote) = rest.find('"') else {
                        // Stop for good: everything after the open quote belongs to this field.
                        self.pos = bytes.len();
                        return Some(Err(Unclosed {
                            line: start_line,
                            column,
                        }));
                    };
                    let chunk = &rest[..quote];
                    self.line += line_breaks(chunk);
                    cell.push_str(chunk);
                    self.pos += quote + 1;
                    if bytes.get(self.pos) == Some(&b'"') {
                        cell.push('"');
                        self.pos += 1;
                    } else {
                        break;
                    }
                }
            }
            // Delimiters and line ends are ASCII, so these byte offsets are character boundaries.
            let rest = &bytes[self.pos..];
            let end = rest
                .iter()
                .position(|&b| b == self.delimiter || b == b'\n' || b == b'\r')
                .unwrap_or(rest.len());
            cell.push_str(&self.text[self.pos..self.pos + end]);
            self.pos += end;
            match bytes.get(self.pos) {
                Some(&b) if b == self.delimiter => {
                    cells.push(std::mem::take(&mut cell));
                    self.pos += 1;
                }
                Some(b'\r') => {
                    self.pos += 1;
                    if bytes.get(self.pos) == Some(&b'\n') {
                        self.pos += 1;
                    }
                    self.line += 1;
                    break;
                }
                Some(b'\n') => {
                    self.pos += 1;
                    self.line += 1;
                    break;
                }
                _ => break,
            }
        }
        cells.push(cell);
        Some(Ok(RawRow {
            line: start_line,
            cells,
        }))
    }
}

/// The delimiter under which the top of the file yields the best header.
///
/// Ranking by spec columns matched, then by header width, means a title row full of commas or a
/// description with semicolons cannot outvote the real header.
pub(crate) fn detect_delimiter(text: &str, spec: &[Column]) -> u8 {
    let mut best = (DELIMITERS[0], 0, 0);
    for delimiter in DELIMITERS {
        let head: Vec<RawRow> = Records::new(text, delimiter)
            .take(HEADER_SCAN_ROWS)
            .map_while(Result::ok)
            .collect();
        let Some(header) = table::best_header(&head, spec) else {
            continue;
        };
        let width = head[header.index]
            .cells
            .iter()
            .filter(|cell| !cell.trim().is_empty())
            .count();
        if (header.matched, width) > (best.1, best.2) {
            best = (delimiter, header.matched, width);
        }
    }
    best.0
}

/// Reads a delimited text file into a table.
pub(crate) fn read(bytes: &[u8], spec: &[Column], file: &str) -> Result<Table, SheetError> {
    let decoded = text_of(bytes, file)?;
    let text: &str = &decoded.text;
    let delimiter = detect_delimiter(text, spec);
    let rows = Records::new(text, delimiter).map(|row| row.map_err(|u| u.into_error(file)));
    table::assemble(rows, spec, file, decoded.encoding, unescape_formula)
}

/// How far each spec fits the file's header: the rows near the top only are read.
pub(crate) fn fits(bytes: &[u8], specs: &[&[Column]], file: &str) -> Result<Vec<Fit>, SheetError> {
    let decoded = text_of(bytes, file)?;
    let text: &str = &decoded.text;
    Ok(specs
        .iter()
        .map(|spec| {
            let head: Vec<RawRow> = Records::new(text, detect_delimiter(text, spec))
                .take(HEADER_SCAN_ROWS)
                .map_while(Result::ok)
                .collect();
            Fit::of(&head, spec)
        })
        .collect())
}

/// The file's text, refused when it is binary, mixes encodings or holds nothing.
fn text_of<'a>(bytes: &'a [u8], file: &str) -> Result<decode::Decoded<'a>, SheetError> {
    let decoded = decode::decode(bytes);
    if let Some(line) = decode::first_binary_line(&decoded.text) {
        return Err(SheetError::NotText {
            file: file.into(),
            line,
        });
    }
    if let Some(m) = decoded.mixed {
        return Err(SheetError::MixedEncodings {
            file: file.into(),
            utf8_line: m.utf8_line,
            other_line: m.other_line,
        });
    }
    if decoded.text.trim().is_empty() {
        return Err(SheetError::Empty { file: file.into() });
    }
    Ok(decoded)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(text: &str, delimiter: u8) -> Vec<Result<RawRow, Unclosed>> {
        Records::new(text, delimiter).collect()
    }

    fn row(line: usize, cells: &[&str]) -> Result<RawRow, Unclosed> {
        Ok(RawRow {
            line,
            cells: cells.iter().map(|c| c.to_string()).collect(),
        })
    }

    #[test]
    fn plain_records_with_lf_and_crlf() {
        assert_eq!(
            records("a,b\r\nc,d\n,\n", b','),
            vec![row(1, &["a", "b"]), row(2, &["c", "d"]), row(3, &["", ""])]
        );
    }

    #[test]
    fn quoted_fields_span_lines_and_keep_line_numbers() {
        let text = "h1,h2\n\"two\nlines\",x\r\n\"a \"\"q\"\", b\",\"\"\nlast,1";
        assert_eq!(
            records(text, b','),
            vec![
                row(1, &["h1", "h2"]),
                row(2, &["two\nlines", "x"]),
                row(4, &["a \"q\", b", ""]),
                row(5, &["last", "1"]),
            ]
        );
    }

    #[test]
    fn stray_quotes_are_text() {
        assert_eq!(
            records("5\" screen,\"ab\"cd\n", b','),
            vec![row(1, &["5\" screen", "abcd"])]
        );
    }

    #[test]
    fn unclosed_quote_reports_record_start() {
        let got = records("h\nok\nx,\"never\nclosed\n", b',');
        assert_eq!(got[0], row(1, &["h"]));
        assert_eq!(got[1], row(2, &["ok"]));
        assert_eq!(got[2], Err(Unclosed { line: 3, column: 2 }));
        assert_eq!(got.len(), 3);
    }

    #[test]
    fn lone_cr_ends_a_record() {
        assert_eq!(
            records("a\rb\r", b','),
            vec![row(1, &["a"]), row(2, &["b"])]
        );
    }

    #[test]
    fn delimiter_follows_the_header() {
        let spec = &[
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
        assert_eq!(
            detect_delimiter("State;District\nGoa;North, Goa\n", spec),
            b';'
        );
        assert_eq!(detect_delimiter("State\tDistrict\nGoa\tx;y\n", spec), b'\t');
        assert_eq!(
            detect_delimiter("Report; 2025\nState,District\n", spec),
            b','
        );
        assert_eq!(detect_delimiter("nothing here", spec), b',');
    }
}
