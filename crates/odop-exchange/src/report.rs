use std::collections::BTreeMap;

use odop_domain::{Invalid, Misplaced, PlaceProblem};
use odop_store::{FieldProblem, Outcome, StoreError};
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
        /// The kind of problem, stable for scripts and translations.
        code: Problem,
        reason: String,
        /// The problem as data, where the domain describes it: a refused value
        /// (`{"problem": .., "rule": ..}`) or a place that disagrees with LGD (`{"kind": ..}`),
        /// with the values `reason` names, so an interface can say it in its own language.
        #[serde(skip_serializing_if = "Option::is_none")]
        detail: Option<serde_json::Value>,
    },
}

/// The kinds of problem that stop a row, each with a stable code: scripts key on it, and the
/// app shows a headline for it in the reader's language before the English reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(into = "&'static str")]
pub enum Problem {
    /// A required cell is empty.
    Missing,
    /// A cell is longer than its field allows.
    TooLong,
    /// A cell holds a control character.
    ControlCharacter,
    /// A cell is none of the values its field accepts.
    UnknownValue,
    /// A cell is not written the way its field needs (a GSTIN, a phone number, a code).
    BadFormat,
    /// A number or date outside the range its field accepts.
    OutOfRange,
    /// The state named is not in the LGD list.
    UnknownStateName,
    /// The LGD code is not in the LGD district list.
    UnknownCode,
    /// The LGD code is a district of another state than the one named.
    CodeInOtherState,
    /// The LGD code is another district of the state than the one named.
    CodeNameMismatch,
    /// The district code is not in the local database.
    UnknownDistrict,
    /// The state code is not in the local database.
    UnknownState,
    /// The district belongs to another state than the record's.
    DistrictInOtherState,
    /// The place is in this database's LGD list but not in the server's, which would refuse it.
    OffServerList,
    /// The sector is not on the sector list.
    UnknownSector,
    /// The row names a record that does not exist.
    MissingReference,
    /// The row names a record of another state than its own.
    ReferenceInOtherState,
    /// The row moves a record to another state, away from records that name it, or a district
    /// away from the records that lie in it.
    StillReferred,
    /// The row names a product the district does not have.
    UnknownProduct,
    /// An earlier row of the file already said this.
    Duplicate,
}

impl Problem {
    pub fn code(&self) -> &'static str {
        match self {
            Problem::Missing => "missing",
            Problem::TooLong => "too_long",
            Problem::ControlCharacter => "control_character",
            Problem::UnknownValue => "unknown_value",
            Problem::BadFormat => "bad_format",
            Problem::OutOfRange => "out_of_range",
            Problem::UnknownStateName => "unknown_state_name",
            Problem::UnknownCode => "unknown_code",
            Problem::CodeInOtherState => "code_in_other_state",
            Problem::CodeNameMismatch => "code_name_mismatch",
            Problem::UnknownDistrict => "unknown_district",
            Problem::UnknownState => "unknown_state",
            Problem::DistrictInOtherState => "district_in_other_state",
            Problem::OffServerList => "off_server_list",
            Problem::UnknownSector => "unknown_sector",
            Problem::MissingReference => "missing_reference",
            Problem::ReferenceInOtherState => "reference_in_other_state",
            Problem::StillReferred => "still_referred",
            Problem::UnknownProduct => "unknown_product",
            Problem::Duplicate => "duplicate",
        }
    }
}

impl From<Problem> for &'static str {
    fn from(p: Problem) -> &'static str {
        p.code()
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

impl From<&Invalid> for Problem {
    fn from(e: &Invalid) -> Problem {
        match e {
            Invalid::Missing { .. } => Problem::Missing,
            Invalid::TooLong { .. } => Problem::TooLong,
            Invalid::ControlCharacter { .. } => Problem::ControlCharacter,
            Invalid::Unknown { .. } => Problem::UnknownValue,
            Invalid::Format { .. } => Problem::BadFormat,
            Invalid::Range { .. } => Problem::OutOfRange,
        }
    }
}

/// A form value refused before the record's own rules are asked.
impl From<&FieldProblem> for Problem {
    fn from(p: &FieldProblem) -> Problem {
        match p {
            FieldProblem::Required => Problem::Missing,
            FieldProblem::UnknownDistrict { .. } => Problem::UnknownCode,
            FieldProblem::Invalid(invalid) => invalid.into(),
            FieldProblem::NotWholeNumber { .. }
            | FieldProblem::NotYesOrNo { .. }
            | FieldProblem::IdFixed
            | FieldProblem::NotJson { .. }
            | FieldProblem::NotGroup
            | FieldProblem::NotList
            | FieldProblem::NotAField => Problem::BadFormat,
            FieldProblem::HasPolicy { .. } => Problem::Duplicate,
        }
    }
}

impl From<&PlaceProblem> for Problem {
    fn from(p: &PlaceProblem) -> Problem {
        match p {
            PlaceProblem::UnknownState { .. } => Problem::UnknownStateName,
            PlaceProblem::UnknownCode { .. } => Problem::UnknownCode,
            PlaceProblem::CodeInOtherState { .. } => Problem::CodeInOtherState,
            PlaceProblem::CodeNameMismatch { .. } => Problem::CodeNameMismatch,
        }
    }
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
    /// Flagged rows by the code of their problem.
    pub flagged_by: BTreeMap<&'static str, usize>,
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
    /// For a seller list: the rows whose seller shares a GSTIN, PAN, Udyam number or phone number
    /// with another seller of its state (each row says which, in its warnings).
    #[serde(skip_serializing_if = "is_zero")]
    pub duplicates: usize,
    /// For the GI registry's list, which replaces the registry whole: what it leaves out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registry: Option<RegistryChange>,
    pub rows: Vec<RowReport>,
}

/// How a GI registry list changes the registry it replaces, so that a partial list is seen
/// for what it does before it is loaded (and, on a central desk, sent to every desk).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RegistryChange {
    /// Entries the registry held before.
    pub before: usize,
    /// Entries it holds after.
    pub after: usize,
    /// Entries held before that the list leaves out.
    pub dropped: usize,
    /// The first of those, by name.
    pub dropped_names: Vec<String>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// At most this many dropped entries are named in a report.
pub const DROPPED_NAMED: usize = 20;

impl ImportReport {
    pub(crate) fn new(source: &str, encoding: &str, header_line: usize, dry_run: bool) -> Self {
        ImportReport {
            source: source.to_owned(),
            encoding: encoding.to_owned(),
            header_line,
            dry_run,
            summary: Summary::default(),
            districts_without_primary: Vec::new(),
            duplicates: 0,
            registry: None,
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
            Fate::Flagged { code, .. } => {
                self.summary.flagged += 1;
                *self.summary.flagged_by.entry(code.code()).or_default() += 1;
            }
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
    pub(crate) code: Problem,
    pub(crate) reason: String,
    pub(crate) detail: Option<serde_json::Value>,
}

pub(crate) fn flag(column: &'static str, code: Problem, reason: impl Into<String>) -> Flag {
    Flag {
        column: Some(column),
        code,
        reason: reason.into(),
        detail: None,
    }
}

/// A cell its field refuses.
pub(crate) fn invalid(column: &'static str, e: &Invalid) -> Flag {
    Flag {
        detail: serde_json::to_value(e).ok(),
        ..flag(column, e.into(), e.to_string())
    }
}

/// A place that does not agree with the LGD list.
pub(crate) fn misplaced(column: &'static str, p: &PlaceProblem) -> Flag {
    Flag {
        detail: serde_json::to_value(p).ok(),
        ..flag(column, p.into(), p.to_string())
    }
}

impl From<Flag> for Fate {
    fn from(f: Flag) -> Fate {
        Fate::Flagged {
            column: f.column.map(str::to_owned),
            code: f.code,
            reason: f.reason,
            detail: f.detail,
        }
    }
}

/// A store refusal that is about this row (reported) rather than about the database (fatal).
/// `column_of` names the file's column for a record field (`district` and `state` too, for a
/// place the store refuses), since each layout names them its way; `None` where it has none.
pub(crate) fn row_problem(
    e: StoreError,
    column_of: &dyn Fn(&str) -> Option<&'static str>,
) -> Result<Flag, StoreError> {
    let at = |field: &str, code: Problem, detail: Option<serde_json::Value>| {
        Ok(Flag {
            column: column_of(field),
            code,
            reason: e.to_string(),
            detail,
        })
    };
    match &e {
        // The domain's own sentence, without the store's record prefix.
        StoreError::Invalid { problem, .. } => Ok(Flag {
            column: column_of(problem.field()),
            code: problem.into(),
            reason: problem.to_string(),
            detail: serde_json::to_value(problem).ok(),
        }),
        StoreError::Field { field, problem } => at(field, problem.into(), Some(problem.detail())),
        StoreError::UnknownDistrict { .. } => at("district", Problem::UnknownDistrict, None),
        StoreError::DistrictInOtherState { .. } => {
            at("district", Problem::DistrictInOtherState, None)
        }
        StoreError::UnknownState { .. } => at("state", Problem::UnknownState, None),
        StoreError::OffServerList { misplaced } => {
            let field = match misplaced {
                Misplaced::UnknownState { .. } => "state",
                _ => "district",
            };
            at(field, Problem::OffServerList, e.form_detail())
        }
        StoreError::UnknownSector(_) => at("sector", Problem::UnknownSector, None),
        StoreError::MissingReference { field, .. } => at(field, Problem::MissingReference, None),
        StoreError::ReferenceInOtherState { field, .. } => {
            at(field, Problem::ReferenceInOtherState, None)
        }
        StoreError::StillReferred { .. } => at("district", Problem::StillReferred, None),
        _ => Err(e),
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
                code: Problem::UnknownCode,
                reason: "unknown".into(),
                detail: None,
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
