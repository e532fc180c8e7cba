//! Telling which layout a file holds from its header, so a person can hand over a file without
//! first saying what it is.

use std::path::Path;

use odop_domain::EntityKind;
use odop_sheet::{header_fits, Column};
use odop_store::Store;
use serde::{Deserialize, Serialize};

use crate::{
    ExchangeError, ImportOptions, ImportReport, ACTION_COLUMNS, GAP_COLUMNS, GI_COLUMNS,
    NATIONAL_COLUMNS, POLICY_COLUMNS, SELLER_COLUMNS, STORY_COLUMNS, WORKSHOP_COLUMNS,
};

/// A file layout this crate reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    National,
    Sellers,
    Gi,
    Workshops,
    Stories,
    Gaps,
    Actions,
    Policies,
    LgdStates,
    LgdDistricts,
}

impl Layout {
    pub const ALL: [Layout; 10] = [
        Layout::National,
        Layout::Sellers,
        Layout::Gi,
        Layout::Workshops,
        Layout::Stories,
        Layout::Gaps,
        Layout::Actions,
        Layout::Policies,
        Layout::LgdStates,
        Layout::LgdDistricts,
    ];

    /// The word `odop import` takes for it (the LGD lists go together, as `lgd`).
    pub fn word(self) -> &'static str {
        match self {
            Layout::National => "national",
            Layout::Sellers => "sellers",
            Layout::Gi => "gi",
            Layout::Workshops => "workshops",
            Layout::Stories => "stories",
            Layout::Gaps => "gaps",
            Layout::Actions => "actions",
            Layout::Policies => "policies",
            Layout::LgdStates | Layout::LgdDistricts => "lgd",
        }
    }

    /// What such a file is, in a sentence's words.
    pub fn describe(self) -> &'static str {
        match self {
            Layout::National => "a product list in the national ODOP layout",
            Layout::Sellers => "a seller list",
            Layout::Gi => "the GI registry's list",
            Layout::Workshops => "a list of ODOP Sampark workshops",
            Layout::Stories => "a list of success stories",
            Layout::Gaps => "a list of market-linkage gaps",
            Layout::Actions => "a list of actions on gaps",
            Layout::Policies => "a list of state ODOP policies",
            Layout::LgdStates => "the LGD state list",
            Layout::LgdDistricts => "the LGD district list",
        }
    }

    fn columns(self) -> &'static [Column] {
        match self {
            Layout::National => NATIONAL_COLUMNS,
            Layout::Sellers => SELLER_COLUMNS,
            Layout::Gi => GI_COLUMNS,
            Layout::Workshops => WORKSHOP_COLUMNS,
            Layout::Stories => STORY_COLUMNS,
            Layout::Gaps => GAP_COLUMNS,
            Layout::Actions => ACTION_COLUMNS,
            Layout::Policies => POLICY_COLUMNS,
            Layout::LgdStates => odop_lgd::STATE_COLUMNS,
            Layout::LgdDistricts => odop_lgd::DISTRICT_COLUMNS,
        }
    }

    /// The kind of record a file of this layout holds; none for the LGD lists and the GI
    /// registry, which are reference data.
    pub fn kind(self) -> Option<EntityKind> {
        match self {
            Layout::National => Some(EntityKind::Product),
            Layout::Sellers => Some(EntityKind::Seller),
            Layout::Workshops => Some(EntityKind::Workshop),
            Layout::Stories => Some(EntityKind::Story),
            Layout::Gaps => Some(EntityKind::Gap),
            Layout::Actions => Some(EntityKind::Action),
            Layout::Policies => Some(EntityKind::Policy),
            Layout::Gi | Layout::LgdStates | Layout::LgdDistricts => None,
        }
    }
}

/// Which layout the file's header fits: every required column present and the most columns
/// named. A header that fits none, or two as well as each other, is refused with what would
/// settle it.
pub fn recognise(path: &Path) -> Result<Layout, ExchangeError> {
    let specs: Vec<&[Column]> = Layout::ALL.iter().map(|l| l.columns()).collect();
    let fits = header_fits(path, &specs)?;
    let mut ranked: Vec<(Layout, usize)> = Layout::ALL
        .iter()
        .zip(&fits)
        .filter(|(_, fit)| fit.missing == 0 && fit.matched >= 2)
        .map(|(layout, fit)| (*layout, fit.matched))
        .collect();
    ranked.sort_by_key(|(_, matched)| std::cmp::Reverse(*matched));
    let file = path.display().to_string();
    match ranked.as_slice() {
        [] => Err(ExchangeError::Unrecognised { file }),
        [(first, n), (second, m), ..] if n == m => Err(ExchangeError::Ambiguous {
            file,
            first: *first,
            second: *second,
        }),
        [(layout, _), ..] => Ok(*layout),
    }
}

/// Imports a file of any layout but the LGD lists' (which come in pairs, through
/// [`crate::import_lgd`]).
pub fn import_layout(
    store: &mut Store,
    layout: Layout,
    path: &Path,
    options: ImportOptions<'_>,
) -> Result<ImportReport, ExchangeError> {
    match (layout, layout.kind()) {
        (Layout::Gi, _) => crate::import_gi(store, path, options),
        (_, Some(kind)) => crate::import(store, kind, path, options),
        (_, None) => Err(ExchangeError::LgdAlone {
            file: path.display().to_string(),
            list: layout,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn each_layout_is_told_by_its_header() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let cases = [
            (
                "Title of the report\nState,Product,District,LGD Code,Category,Sector,GI Status\n",
                Layout::National,
            ),
            (
                "Seller Name,Kind,State,District,LGD Code,Phone,GeM,ONDC\n",
                Layout::Sellers,
            ),
            (
                "S.No,Geographical Indications,Goods,State,State 2\n",
                Layout::Gi,
            ),
            (
                "id,state,district,date,venue,attendance,sellers_met\n",
                Layout::Workshops,
            ),
            ("id,state,district,seller,title,text.en\n", Layout::Stories),
            (
                "id,state,district,workshop,kind,description,open\n",
                Layout::Gaps,
            ),
            ("id,state,gap,kind,owner,status,due\n", Layout::Actions),
            ("id,state,status,reference,notified_on\n", Layout::Policies),
            (
                "S.No.,State Code,State Version,State Name,State or UT\n",
                Layout::LgdStates,
            ),
            (
                "State Code,State Name,District Code,District Name\n",
                Layout::LgdDistricts,
            ),
        ];
        for (i, (header, layout)) in cases.into_iter().enumerate() {
            let path = file(d, &format!("{i}.csv"), header);
            assert_eq!(recognise(&path).unwrap(), layout, "{header}");
        }
    }

    #[test]
    fn a_header_of_no_layout_or_of_two_alike_is_refused_saying_so() {
        let dir = tempfile::tempdir().unwrap();
        let none = file(dir.path(), "none.csv", "Colour,Size\nred,4\n");
        let err = recognise(&none).unwrap_err();
        assert!(matches!(err, ExchangeError::Unrecognised { .. }), "{err}");
        assert!(err.to_string().contains("none.csv"), "{err}");
        // Only the columns every record list shares: any of them.
        let two = file(dir.path(), "two.csv", "id,state,kind\n");
        let err = recognise(&two).unwrap_err();
        assert!(
            matches!(
                err,
                ExchangeError::Ambiguous {
                    first: Layout::Actions,
                    second: Layout::Gaps,
                    ..
                } | ExchangeError::Ambiguous {
                    first: Layout::Gaps,
                    second: Layout::Actions,
                    ..
                }
            ),
            "{err}"
        );
        assert!(err.to_string().contains("odop import"), "{err}");
    }
}
