use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{Invalid, Rule};

/// A row identity that can be made offline on any machine without coordination (UUIDv7: time
/// ordered, so new rows cluster at the end of indexes).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Id(Uuid);

impl Id {
    pub fn new() -> Id {
        Id(Uuid::now_v7())
    }

    /// A stable id derived from a natural key, so importing the same row twice finds the same id.
    pub fn derived(namespace: &str, key: &str) -> Id {
        let ns = Uuid::new_v5(&Uuid::NAMESPACE_OID, namespace.as_bytes());
        Id(Uuid::new_v5(&ns, key.as_bytes()))
    }

    pub fn as_uuid(&self) -> Uuid {
        self.0
    }
}

impl Default for Id {
    fn default() -> Self {
        Id::new()
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

impl fmt::Debug for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Id({})", self.0.hyphenated())
    }
}

impl FromStr for Id {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Id, Invalid> {
        Uuid::parse_str(s.trim())
            .map(Id)
            .map_err(|e| Invalid::Format {
                field: "id",
                value: s.chars().take(64).collect(),
                rule: Rule::RecordId {
                    detail: e.to_string(),
                },
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_ids_are_time_ordered_and_unique() {
        let a = Id::new();
        let b = Id::new();
        assert_ne!(a, b);
        assert_eq!(a.as_uuid().get_version_num(), 7);
    }

    #[test]
    fn derived_ids_are_stable() {
        assert_eq!(
            Id::derived("product", "603|coconut"),
            Id::derived("product", "603|coconut")
        );
        assert_ne!(
            Id::derived("product", "603|coconut"),
            Id::derived("seller", "603|coconut")
        );
    }

    #[test]
    fn parse_round_trip_and_error() {
        let a = Id::new();
        assert_eq!(a.to_string().parse::<Id>().unwrap(), a);
        let err = "not-an-id".parse::<Id>().unwrap_err();
        assert_eq!(err.field(), "id");
    }
}
