use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::StateKind;

/// The tag of no lists: what a server with none loaded says it holds.
pub const PLACES_NONE: &str = "none";

/// The LGD states and districts the server checks each written row's place against. Empty
/// until an administrator loads the lists; an empty list checks nothing, as before any was
/// loaded. A desk holds the copy its last pull brought and checks its own writes by the same
/// rule, so a person hears of a place the server would refuse while still at the form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Places {
    pub states: BTreeSet<u16>,
    /// Each district's state.
    pub districts: BTreeMap<u32, u16>,
}

/// The names of the places of a [`Places`], as the server's LGD lists give them: a desk learns
/// from them the states and districts its own lists lack, so a desk that only synced can still
/// name every place of its rows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlaceNames {
    pub states: BTreeMap<u16, (String, StateKind)>,
    pub districts: BTreeMap<u32, String>,
}

impl PlaceNames {
    pub fn is_empty(&self) -> bool {
        self.states.is_empty() && self.districts.is_empty()
    }
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

    /// A short name for these exact lists, the same on every machine: a desk names the copy it
    /// holds by it, and is sent the lists again only when the server's tag differs. `"none"`
    /// for no lists.
    pub fn tag(&self) -> String {
        if self.is_empty() {
            return PLACES_NONE.to_owned();
        }
        // FNV-1a over the codes in order: not a secret, only a cheap check that two copies
        // are the same.
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        let mut feed = |n: u64| {
            for byte in n.to_le_bytes() {
                hash ^= u64::from(byte);
                hash = hash.wrapping_mul(0x0100_0000_01b3);
            }
        };
        for &state in &self.states {
            feed(u64::from(state));
        }
        feed(u64::MAX);
        for (&district, &state) in &self.districts {
            feed(u64::from(district));
            feed(u64::from(state));
        }
        format!(
            "{}s{}d-{hash:016x}",
            self.states.len(),
            self.districts.len()
        )
    }

    /// The tag of these lists with their names: [`Places::tag`] when there are none, so lists
    /// loaded without names keep the tag they had, and another tag when names are added or
    /// change, so desks are sent them.
    pub fn tag_named(&self, names: &PlaceNames) -> String {
        if names.is_empty() {
            return self.tag();
        }
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        let mut feed = |bytes: &[u8]| {
            for &byte in bytes.iter().chain([0x1f].iter()) {
                hash ^= u64::from(byte);
                hash = hash.wrapping_mul(0x0100_0000_01b3);
            }
        };
        for (code, (name, kind)) in &names.states {
            feed(&code.to_le_bytes());
            feed(name.as_bytes());
            feed(&[u8::from(*kind == StateKind::Ut)]);
        }
        feed(b"districts");
        for (code, name) in &names.districts {
            feed(&code.to_le_bytes());
            feed(name.as_bytes());
        }
        format!("{}-n{:08x}", self.tag(), hash as u32)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_change_the_tag_only_when_there_are_names() {
        let places = Places {
            states: [9].into(),
            districts: [(187, 9)].into(),
        };
        assert_eq!(places.tag_named(&PlaceNames::default()), places.tag());
        let mut names = PlaceNames {
            states: [(9, ("Uttar Pradesh".to_owned(), StateKind::State))].into(),
            districts: [(187, "Varanasi".to_owned())].into(),
        };
        let named = places.tag_named(&names);
        assert!(named.starts_with(&format!("{}-n", places.tag())), "{named}");
        names.districts.insert(187, "Banaras".into());
        assert_ne!(places.tag_named(&names), named);
        names.districts.insert(187, "Varanasi".into());
        assert_eq!(places.tag_named(&names), named);
    }

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

    #[test]
    fn the_tag_names_the_lists_and_changes_with_any_code() {
        let places = Places {
            states: [9, 10].into(),
            districts: [(120, 9), (230, 10)].into(),
        };
        assert_eq!(Places::default().tag(), "none");
        let tag = places.tag();
        assert!(tag.starts_with("2s2d-"), "{tag}");
        // The same lists, however they were gathered, have the same tag.
        let again = Places {
            states: [10, 9].into(),
            districts: [(230, 10), (120, 9)].into(),
        };
        assert_eq!(again.tag(), tag);
        let mut moved = places.clone();
        moved.districts.insert(230, 9);
        let mut more = places;
        more.states.insert(11);
        assert_ne!(moved.tag(), tag);
        assert_ne!(more.tag(), tag);
    }
}
