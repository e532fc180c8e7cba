use odop_sheet::SheetError;
use odop_store::StoreError;
use thiserror::Error;

use crate::Layout;

/// Why an import or export could not be done at all. Problems with single rows are not errors:
/// they are reported per row in the import report.
#[derive(Debug, Error)]
pub enum ExchangeError {
    #[error(transparent)]
    Sheet(#[from] SheetError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(
        "the LGD state and district lists are not loaded yet; run `odop import lgd --states \
         FILE --districts FILE` first"
    )]
    NoPlaces,
    #[error("{file} line {line}: {problem}")]
    BadRow {
        file: String,
        line: usize,
        problem: String,
    },
    #[error("cannot write {path}: {reason}")]
    Write { path: String, reason: String },
    #[error(
        "cannot tell what {file} holds: its header names too few of the columns of any list \
         this program reads; name the list (`odop import national|sellers|gi|workshops|stories|\
         gaps|actions|policies FILE`), or check the header row"
    )]
    Unrecognised { file: String },
    #[error(
        "{file} could be {} or {}: its header names as many columns of each; name the list \
         (`odop import {} FILE` or `odop import {} FILE`)",
        .first.describe(), .second.describe(), .first.word(), .second.word()
    )]
    Ambiguous {
        file: String,
        first: Layout,
        second: Layout,
    },
    #[error(
        "{file} is {}; the LGD lists are read together: `odop import lgd --states FILE \
         --districts FILE`",
        .list.describe()
    )]
    LgdAlone { file: String, list: Layout },
    #[error(
        "{file} names no GI of a state or UT in the LGD list ({flagged} rows flagged); the GI \
         registry is left as it was"
    )]
    NoGi { file: String, flagged: usize },
}

impl ExchangeError {
    /// A stable code for scripts and the app.
    pub fn code(&self) -> &'static str {
        match self {
            // An export that cannot write its file is the machine's problem, not the input's.
            ExchangeError::Sheet(
                SheetError::Write { .. }
                | SheetError::CellNotWritable { .. }
                | SheetError::SheetName { .. },
            ) => "write_failed",
            ExchangeError::Sheet(_) => "bad_file",
            ExchangeError::Store(e) => e.code(),
            ExchangeError::NoPlaces => "no_places",
            ExchangeError::BadRow { .. } => "bad_row",
            ExchangeError::Write { .. } => "write_failed",
            ExchangeError::Unrecognised { .. } => "unrecognised_file",
            ExchangeError::Ambiguous { .. } => "ambiguous_file",
            ExchangeError::LgdAlone { .. } => "lgd_alone",
            ExchangeError::NoGi { .. } => "no_gi",
        }
    }
}
