use std::collections::{BTreeMap, BTreeSet};

use odop_protocol::{Change, Role, MAX_PULL_LIMIT};
use serde::Serialize;
use serde_json::Value;

use crate::{Account, Ledger, LedgerError};

/// The LGD states and districts the server checks each written row's place against. Empty
/// until an administrator loads the lists; an empty list checks nothing, as before any was
/// loaded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Places {
    pub states: BTreeSet<u16>,
    /// Each district's state.
    pub districts: BTreeMap<u32, u16>,
}

/// Why a row's place is not one of the list's. It serialises as the values its sentence names
/// (`{"district", "actual", "claimed"}` and the like), a refusal's detail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Misplaced {
    UnknownState {
        state: u16,
    },
    UnknownDistrict {
        district: u32,
    },
    DistrictInOtherState {
        district: u32,
        actual: u16,
        claimed: u16,
    },
}

impl Misplaced {
    /// The code a refusal carries: the one the desk gives the same mistake.
    pub fn code(&self) -> &'static str {
        match self {
            Misplaced::UnknownState { .. } => "unknown_state",
            Misplaced::UnknownDistrict { .. } => "unknown_district",
            Misplaced::DistrictInOtherState { .. } => "district_in_other_state",
        }
    }
}

impl std::fmt::Display for Misplaced {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Misplaced::UnknownState { state } => {
                write!(f, "state {state} is not in the server's LGD list")
            }
            Misplaced::UnknownDistrict { district } => {
                write!(f, "district {district} is not in the server's LGD list")
            }
            Misplaced::DistrictInOtherState {
                district,
                actual,
                claimed,
            } => write!(
                f,
                "district {district} is in state {actual}, not in the record's state {claimed}"
            ),
        }
    }
}

impl Places {
    pub fn is_empty(&self) -> bool {
        self.states.is_empty() && self.districts.is_empty()
    }

    /// Is a record of `state`, in `district` where it names one, in a place of this list?
    pub fn check(&self, state: u16, district: Option<u32>) -> Result<(), Misplaced> {
        if self.is_empty() {
            return Ok(());
        }
        match district {
            Some(district) => match self.districts.get(&district) {
                None => Err(Misplaced::UnknownDistrict { district }),
                Some(&actual) if actual != state => Err(Misplaced::DistrictInOtherState {
                    district,
                    actual,
                    claimed: state,
                }),
                Some(_) => Ok(()),
            },
            None if self.states.contains(&state) => Ok(()),
            None => Err(Misplaced::UnknownState { state }),
        }
    }
}

/// The places live rows lie in, with how many rows lie in each: (state, district where the row
/// names one) -> rows. Read through the same pages a central desk's first sync reads, so every
/// backend answers alike; it is for an administrator about to change the lists, not for pushes.
pub fn places_in_use(
    ledger: &dyn Ledger,
) -> Result<BTreeMap<(u16, Option<u32>), u64>, LedgerError> {
    let reader = Account::new("places", Role::Central, None)?;
    let mut used = BTreeMap::new();
    let (mut cursor, mut horizon) = (0, 0);
    loop {
        let page = ledger.pull(&reader, cursor, horizon, MAX_PULL_LIMIT)?;
        for change in &page.changes {
            if let Change::Row { state, fields, .. } = change {
                let district = fields
                    .get("district")
                    .and_then(Value::as_u64)
                    // A stored row's district is a code the domain accepted, so it fits.
                    .and_then(|d| u32::try_from(d).ok());
                *used.entry((*state, district)).or_insert(0) += 1;
            }
        }
        if !page.more {
            return Ok(used);
        }
        (cursor, horizon) = (page.cursor, page.horizon);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_place_is_checked_against_the_list_once_one_is_loaded() {
        let none = Places::default();
        assert_eq!(none.check(999, Some(1)), Ok(()));
        let places = Places {
            states: [9, 10].into(),
            districts: [(120, 9), (230, 10)].into(),
        };
        assert_eq!(places.check(9, Some(120)), Ok(()));
        assert_eq!(places.check(10, None), Ok(()));
        assert_eq!(
            places.check(99, None),
            Err(Misplaced::UnknownState { state: 99 })
        );
        assert_eq!(
            places.check(9, Some(7)),
            Err(Misplaced::UnknownDistrict { district: 7 })
        );
        let wrong = places.check(9, Some(230)).unwrap_err();
        assert_eq!(wrong.code(), "district_in_other_state");
        assert_eq!(
            wrong.to_string(),
            "district 230 is in state 10, not in the record's state 9"
        );
        // As a refusal's detail, the values the sentence names.
        assert_eq!(
            serde_json::to_value(wrong).unwrap(),
            serde_json::json!({"district": 230, "actual": 10, "claimed": 9})
        );
    }
}
