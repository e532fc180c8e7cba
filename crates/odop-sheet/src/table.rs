//! Finding the header in a grid of text cells and mapping the rows under it onto a column spec.

use crate::SheetError;

/// How many rows from the top are searched for the header; report titles rarely take more.
pub(crate) const HEADER_SCAN_ROWS: usize = 30;

/// A column the caller expects, with the other spellings its header may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// The canonical name, used in `Table::columns` and `Table::get`.
    pub name: &'static str,
    /// Other header texts that mean the same column.
    pub aliases: &'static [&'static str],
    /// Whether the file is refused when the header lacks this column.
    pub required: bool,
}

/// The rows of a file, arranged as the caller's spec asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The spec's canonical names, in spec order.
    pub columns: Vec<&'static str>,
    /// Whether each spec column was found in the header.
    pub present: Vec<bool>,
    /// The data rows under the header, fully blank rows left out.
    pub rows: Vec<Row>,
    /// How the file was read: "utf-8", "utf-8-bom", "windows-1252", "utf-16le", "utf-16be",
    /// "xlsx", "xls" or "ods".
    pub encoding: &'static str,
    /// The 1-based line (CSV) or sheet row (workbooks) of the header.
    pub header_line: usize,
    /// Header cells that matched no spec column, as written in the file.
    pub extra_columns: Vec<String>,
}

/// One data row, with a cell for each spec column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The 1-based line where the CSV record starts, or the sheet row as Excel numbers it.
    pub line: usize,
    /// One cell per spec column, "" when the column or cell is absent. Raw text, not trimmed.
    pub cells: Vec<String>,
}

impl Table {
    /// The cell of `row` in the column with this canonical name, or "" when there is none.
    pub fn get<'a>(&self, row: &'a Row, column: &str) -> &'a str {
        let index = self
            .columns
            .iter()
            .position(|name| *name == column)
            .or_else(|| {
                let wanted = normalise(column);
                self.columns
                    .iter()
                    .position(|name| normalise(name) == wanted)
            });
        index
            .and_then(|i| row.cells.get(i))
            .map(String::as_str)
            .unwrap_or("")
    }

    /// Whether the file's header had this column. An absent column says nothing about a record,
    /// while an empty cell under a present one says the value is empty.
    pub fn has(&self, column: &str) -> bool {
        self.columns
            .iter()
            .zip(&self.present)
            .any(|(name, present)| *name == column && *present)
    }

    /// `new` where the file has this column, a copy of `old` where it does not: how a row
    /// merged into a stored record leaves alone what the file says nothing about.
    pub fn or_kept<T: Clone>(&self, column: &str, new: T, old: &T) -> T {
        if self.has(column) {
            new
        } else {
            old.clone()
        }
    }
}

/// A record as it appears in the source, before the spec is applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawRow {
    pub line: usize,
    pub cells: Vec<String>,
}

impl RawRow {
    fn is_blank(&self) -> bool {
        self.cells.iter().all(|cell| cell.trim().is_empty())
    }
}

/// The row chosen as header and where each spec column sits in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HeaderMatch {
    /// Index of the header among the rows searched.
    pub index: usize,
    /// For each spec column, the cell position of its header.
    pub positions: Vec<Option<usize>>,
    /// How many spec columns were found.
    pub matched: usize,
}

/// Reduces header text to what matters for matching: letters and digits, lower-cased.
///
/// Marks such as Devanagari vowel signs are kept, so only spacing and punctuation are ignored.
pub(crate) fn normalise(text: &str) -> String {
    text.chars()
        .filter(|&c| !ignorable(c))
        .flat_map(char::to_lowercase)
        .collect()
}

fn ignorable(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || c.is_ascii_punctuation()
        // Latin-1 punctuation, general punctuation (dashes, curly quotes, zero-width spaces),
        // CJK punctuation and the byte-order mark.
        || matches!(c, '\u{a0}'..='\u{bf}' | '\u{2000}'..='\u{206f}' | '\u{3000}'..='\u{303f}' | '\u{feff}')
}

/// Where each spec column sits in one candidate header row.
fn match_row(cells: &[String], spec: &[Column]) -> (Vec<Option<usize>>, usize) {
    let wanted: Vec<Vec<String>> = spec
        .iter()
        .map(|column| {
            std::iter::once(column.name)
                .chain(column.aliases.iter().copied())
                .map(normalise)
                .collect()
        })
        .collect();
    let mut positions = vec![None; spec.len()];
    let mut matched = 0;
    for (position, cell) in cells.iter().enumerate() {
        let key = normalise(cell);
        if key.is_empty() {
            continue;
        }
        // The first header cell for a column wins; a repeat is reported as an extra column.
        let hit = wanted
            .iter()
            .enumerate()
            .find(|(j, names)| positions[*j].is_none() && names.contains(&key));
        if let Some((j, _)) = hit {
            positions[j] = Some(position);
            matched += 1;
        }
    }
    (positions, matched)
}

/// How far a spec fits a file's header: how many of its columns the best header row names,
/// and how many of its required ones that row lacks. Telling which layout a file holds weighs
/// these for each layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Fit {
    pub matched: usize,
    pub missing: usize,
}

impl Fit {
    pub(crate) fn of(rows: &[RawRow], spec: &[Column]) -> Fit {
        let required = spec.iter().filter(|c| c.required).count();
        match best_header(rows, spec) {
            None => Fit {
                matched: 0,
                missing: required,
            },
            Some(header) => Fit {
                matched: header.matched,
                missing: spec
                    .iter()
                    .zip(&header.positions)
                    .filter(|(column, position)| column.required && position.is_none())
                    .count(),
            },
        }
    }

    /// The better of two fits: more columns named, then fewer required ones missing.
    pub(crate) fn better(self, other: Fit) -> Fit {
        if (other.matched, std::cmp::Reverse(other.missing))
            > (self.matched, std::cmp::Reverse(self.missing))
        {
            other
        } else {
            self
        }
    }
}

/// The row among `rows` that names the most spec columns; the earliest wins a tie.
pub(crate) fn best_header(rows: &[RawRow], spec: &[Column]) -> Option<HeaderMatch> {
    let mut best: Option<HeaderMatch> = None;
    for (index, row) in rows.iter().enumerate().take(HEADER_SCAN_ROWS) {
        let (positions, matched) = match_row(&row.cells, spec);
        if matched > best.as_ref().map_or(0, |b| b.matched) {
            best = Some(HeaderMatch {
                index,
                positions,
                matched,
            });
        }
    }
    best
}

/// Builds the table from a source's rows: finds the header, checks required columns, and maps
/// every later non-blank row onto the spec. `tidy` undoes what the writer of that format added.
pub(crate) fn assemble<I>(
    rows: I,
    spec: &[Column],
    file: &str,
    encoding: &'static str,
    tidy: fn(String) -> String,
) -> Result<Table, SheetError>
where
    I: Iterator<Item = Result<RawRow, SheetError>>,
{
    let mut rows = rows.peekable();
    let mut head: Vec<RawRow> = Vec::with_capacity(HEADER_SCAN_ROWS);
    for row in rows.by_ref().take(HEADER_SCAN_ROWS) {
        head.push(row?);
    }
    if head.iter().all(RawRow::is_blank) && rows.peek().is_none() {
        return Err(SheetError::Empty { file: file.into() });
    }
    let Some(header) = best_header(&head, spec) else {
        return Err(SheetError::NoHeader {
            file: file.into(),
            scanned: head.len(),
            expected: spec.iter().map(|c| c.name.to_string()).collect(),
        });
    };
    let header_row = &head[header.index];
    let found: Vec<String> = header_row
        .cells
        .iter()
        .map(|cell| cell.trim())
        .filter(|cell| !cell.is_empty())
        .map(str::to_string)
        .collect();
    let missing: Vec<String> = spec
        .iter()
        .zip(&header.positions)
        .filter(|(column, position)| column.required && position.is_none())
        .map(|(column, _)| column.name.to_string())
        .collect();
    if !missing.is_empty() {
        return Err(SheetError::MissingColumns {
            file: file.into(),
            line: header_row.line,
            missing,
            found,
        });
    }
    let extra_columns = header_row
        .cells
        .iter()
        .enumerate()
        .filter(|(position, cell)| {
            !cell.trim().is_empty() && !header.positions.contains(&Some(*position))
        })
        .map(|(_, cell)| tidy(cell.trim().to_string()))
        .collect();

    let header_line = header_row.line;
    let mut table = Table {
        columns: spec.iter().map(|c| c.name).collect(),
        present: header.positions.iter().map(Option::is_some).collect(),
        rows: Vec::new(),
        encoding,
        header_line,
        extra_columns,
    };
    let later = head.into_iter().skip(header.index + 1).map(Ok).chain(rows);
    for row in later {
        let row = row?;
        if row.is_blank() {
            continue;
        }
        let mut source = row.cells;
        let cells = header
            .positions
            .iter()
            .map(|position| {
                position
                    .and_then(|p| source.get_mut(p))
                    .map(|cell| tidy(std::mem::take(cell)))
                    .unwrap_or_default()
            })
            .collect();
        table.rows.push(Row {
            line: row.line,
            cells,
        });
    }
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &[Column] = &[
        Column {
            name: "State",
            aliases: &["State/UT"],
            required: true,
        },
        Column {
            name: "Ministry/ Department",
            aliases: &[],
            required: false,
        },
        Column {
            name: "District",
            aliases: &[],
            required: true,
        },
    ];

    fn raw(line: usize, cells: &[&str]) -> RawRow {
        RawRow {
            line,
            cells: cells.iter().map(|c| c.to_string()).collect(),
        }
    }

    fn keep(cell: String) -> String {
        cell
    }

    #[test]
    fn normalise_ignores_case_space_and_punctuation() {
        assert_eq!(normalise("Ministry/ Department"), "ministrydepartment");
        assert_eq!(normalise(" ministry department "), "ministrydepartment");
        assert_eq!(normalise("LGD-Code"), "lgdcode");
        assert_eq!(normalise("\u{feff}State"), "state");
        assert_eq!(normalise("ज़िला"), "ज़िला");
    }

    #[test]
    fn header_is_the_row_naming_most_columns() {
        let rows = vec![
            raw(1, &["ODOP list by state"]),
            raw(2, &["State"]),
            raw(3, &["District", "ministry department", "STATE/UT"]),
        ];
        let header = best_header(&rows, SPEC).unwrap();
        assert_eq!(header.index, 2);
        assert_eq!(header.matched, 3);
        assert_eq!(header.positions, vec![Some(2), Some(1), Some(0)]);
    }

    #[test]
    fn assemble_maps_cells_and_skips_blank_rows() {
        let rows = vec![
            Ok(raw(1, &["District", "Extra", "State"])),
            Ok(raw(2, &["Nicobars", "x", " Andaman ", "more"])),
            Ok(raw(3, &["", " ", ""])),
            Ok(raw(4, &["Goa North"])),
        ];
        let table = assemble(rows.into_iter(), SPEC, "t.csv", "utf-8", keep).unwrap();
        assert_eq!(table.header_line, 1);
        assert_eq!(table.present, vec![true, false, true]);
        assert_eq!(table.extra_columns, vec!["Extra".to_string()]);
        assert_eq!(table.rows.len(), 2);
        let first = &table.rows[0];
        assert_eq!(first.line, 2);
        assert_eq!(table.get(first, "State"), " Andaman ");
        assert_eq!(table.get(first, "District"), "Nicobars");
        assert_eq!(table.get(first, "Ministry/ Department"), "");
        assert_eq!(table.get(first, "no such column"), "");
        assert_eq!(table.get(&table.rows[1], "State"), "");
        assert_eq!(table.rows[1].line, 4);
    }

    #[test]
    fn missing_required_column_lists_what_was_found() {
        let rows = vec![Ok(raw(5, &["State", "Product", ""]))];
        let err = assemble(rows.into_iter(), SPEC, "t.csv", "utf-8", keep).unwrap_err();
        match err {
            SheetError::MissingColumns {
                line,
                missing,
                found,
                ..
            } => {
                assert_eq!(line, 5);
                assert_eq!(missing, vec!["District".to_string()]);
                assert_eq!(found, vec!["State".to_string(), "Product".to_string()]);
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn no_matching_row_is_no_header() {
        let rows = vec![Ok(raw(1, &["a", "b"])), Ok(raw(2, &["c", "d"]))];
        let err = assemble(rows.into_iter(), SPEC, "t.csv", "utf-8", keep).unwrap_err();
        assert!(
            matches!(err, SheetError::NoHeader { scanned: 2, .. }),
            "{err:?}"
        );
    }

    #[test]
    fn duplicate_header_goes_to_extra_columns() {
        let rows = vec![
            Ok(raw(1, &["State", "District", "state"])),
            Ok(raw(2, &["Goa", "North Goa", "ignored"])),
        ];
        let table = assemble(rows.into_iter(), SPEC, "t.csv", "utf-8", keep).unwrap();
        assert_eq!(table.extra_columns, vec!["state".to_string()]);
        assert_eq!(table.get(&table.rows[0], "State"), "Goa");
    }
}
