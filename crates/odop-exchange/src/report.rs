use odop_store::{Outcome, StoreError};
use serde::Serialize;

/// What became of one input row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "fate", rename_all = "snake_case")]
pub enum Fate {
    /// A new record was created from the row.
    Imported { id: String },
    /// The row matched an existing record; `changed` lists the fields it changed (none when the
    /// record already said the same).
    Merged { id: String, changed: Vec<String> },
    /// The row was not imported, for this reason.
    Flagged {
        column: Option<String>,
        reason: String,
    },
}

impl Fate {
    /// The fate of a row whose record was written: new, or merged into the record it matched.
    pub(crate) fn written(id: String, outcome: Outcome, matched: bool) -> Fate {
        match outcome {
            Outcome::Updated { fields } => Fate::Merged {
                id,
                changed: fields,
            },
            _ if matched => Fate::Merged {
                id,
                changed: vec![],
            },
            _ => Fate::Imported { id },
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowReport {
    /// The line (CSV) or row (spreadsheet) in the source file where the row starts.
    pub line: usize,
    /// What the row is about, as written: e.g. "Banarasi Saree, Varanasi".
    pub label: String,
    #[serde(flatten)]
    pub fate: Fate,
    /// Things worth a look that did not stop the row.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub rows: usize,
    pub imported: usize,
    pub merged: usize,
    pub changed: usize,
    pub flagged: usize,
}

/// The account of an import: every row's fate, and findings about the whole file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub source: String,
    pub encoding: String,
    pub header_line: usize,
    pub dry_run: bool,
    pub summary: Summary,
    /// Districts this file speaks of that end up with no primary product.
    pub districts_without_primary: Vec<String>,
    pub rows: Vec<RowReport>,
}

impl ImportReport {
    pub(crate) fn new(source: &str, encoding: &str, header_line: usize, dry_run: bool) -> Self {
        ImportReport {
            source: source.to_owned(),
            encoding: encoding.to_owned(),
            header_line,
            dry_run,
            summary: Summary::default(),
            districts_without_primary: Vec::new(),
            rows: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, row: RowReport) {
        self.summary.rows += 1;
        match &row.fate {
            Fate::Imported { .. } => self.summary.imported += 1,
            Fate::Merged { changed, .. } => {
                self.summary.merged += 1;
                if !changed.is_empty() {
                    self.summary.changed += 1;
                }
            }
            Fate::Flagged { .. } => self.summary.flagged += 1,
        }
        self.rows.push(row);
    }

    /// The report with only the rows worth a look (flagged, or with warnings); the summary still
    /// counts every row. A window shows these, and need not carry 100,000 imported rows.
    pub fn into_findings(mut self) -> ImportReport {
        self.rows
            .retain(|r| matches!(r.fate, Fate::Flagged { .. }) || !r.warnings.is_empty());
        self.rows.shrink_to_fit();
        self
    }

    /// The flagged rows only.
    pub fn flagged(&self) -> impl Iterator<Item = &RowReport> {
        self.rows
            .iter()
            .filter(|r| matches!(r.fate, Fate::Flagged { .. }))
    }
}

/// Why a row was not imported, and the column to look in.
#[derive(Debug)]
pub(crate) struct Flag {
    pub(crate) column: Option<&'static str>,
    pub(crate) reason: String,
}

pub(crate) fn flag(column: &'static str, reason: impl Into<String>) -> Flag {
    Flag {
        column: Some(column),
        reason: reason.into(),
    }
}

impl From<Flag> for Fate {
    fn from(f: Flag) -> Fate {
        Fate::Flagged {
            column: f.column.map(str::to_owned),
            reason: f.reason,
        }
    }
}

/// A store refusal that is about this row (reported) rather than about the database (fatal).
/// `column_of` names the file's column for a record field, since each layout names them its way.
pub(crate) fn row_problem(
    e: StoreError,
    column_of: fn(&str) -> &'static str,
) -> Result<Flag, StoreError> {
    match e {
        StoreError::Invalid { source, .. } => {
            Ok(flag(column_of(source.field()), source.to_string()))
        }
        StoreError::UnknownDistrict { .. }
        | StoreError::UnknownState { .. }
        | StoreError::DistrictInOtherState { .. } => Ok(flag("LGD Code", e.to_string())),
        StoreError::UnknownSector(_) => Ok(flag("Sector", e.to_string())),
        StoreError::MissingReference { .. } => Ok(Flag {
            column: None,
            reason: e.to_string(),
        }),
        other => Err(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(line: usize, fate: Fate, warnings: Vec<String>) -> RowReport {
        RowReport {
            line,
            label: format!("row {line}"),
            fate,
            warnings,
        }
    }

    #[test]
    fn findings_keep_flagged_and_warned_rows_and_every_count() {
        let mut report = ImportReport::new("f.csv", "utf-8", 1, false);
        report.push(row(2, Fate::Imported { id: "a".into() }, vec![]));
        report.push(row(
            3,
            Fate::Flagged {
                column: Some("LGD Code".into()),
                reason: "unknown".into(),
            },
            vec![],
        ));
        report.push(row(
            4,
            Fate::Merged {
                id: "b".into(),
                changed: vec![],
            },
            vec!["spelling".into()],
        ));
        let summary = report.summary.clone();

        let findings = report.into_findings();

        assert_eq!(findings.summary, summary);
        assert_eq!(
            findings.rows.iter().map(|r| r.line).collect::<Vec<_>>(),
            [3, 4]
        );
    }
}
