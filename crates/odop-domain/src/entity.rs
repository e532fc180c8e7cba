use std::fmt;
use std::str::FromStr;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::{DistrictCode, Id, Invalid, StateCode};

/// A record's fields by name, as the store, the outbox and the sync protocol see them.
pub type Fields = serde_json::Map<String, serde_json::Value>;

/// The kinds of record a department edits (states and districts are master data, not entities).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityKind {
    Product,
    Seller,
    Workshop,
    Story,
    Gap,
    Action,
    Policy,
}

impl EntityKind {
    pub const ALL: [EntityKind; 7] = [
        EntityKind::Product,
        EntityKind::Seller,
        EntityKind::Workshop,
        EntityKind::Story,
        EntityKind::Gap,
        EntityKind::Action,
        EntityKind::Policy,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Product => "product",
            EntityKind::Seller => "seller",
            EntityKind::Workshop => "workshop",
            EntityKind::Story => "story",
            EntityKind::Gap => "gap",
            EntityKind::Action => "action",
            EntityKind::Policy => "policy",
        }
    }

    /// Whether a record of this kind may lie in a district; an action follows its gap, and a
    /// policy is its whole state's.
    pub fn has_district(self) -> bool {
        !matches!(self, EntityKind::Action | EntityKind::Policy)
    }

    /// The fields of this kind that name other records, with the kind each names.
    pub fn references(self) -> &'static [Reference] {
        const fn to(field: &'static str, target: EntityKind, same_state: bool) -> Reference {
            Reference {
                field,
                target,
                same_state,
            }
        }
        // Only a seller may sell products made in other states, as traders and exporters do.
        const SELLER: &[Reference] = &[to("products", EntityKind::Product, false)];
        const WORKSHOP: &[Reference] = &[to("sellers_met", EntityKind::Seller, true)];
        const STORY: &[Reference] = &[
            to("seller", EntityKind::Seller, true),
            to("product", EntityKind::Product, true),
        ];
        const GAP: &[Reference] = &[
            to("workshop", EntityKind::Workshop, true),
            to("product", EntityKind::Product, true),
            to("seller", EntityKind::Seller, true),
        ];
        const ACTION: &[Reference] = &[to("gap", EntityKind::Gap, true)];
        match self {
            EntityKind::Seller => SELLER,
            EntityKind::Workshop => WORKSHOP,
            EntityKind::Story => STORY,
            EntityKind::Gap => GAP,
            EntityKind::Action => ACTION,
            EntityKind::Product | EntityKind::Policy => &[],
        }
    }

    /// The table that holds this kind.
    pub fn table(self) -> &'static str {
        match self {
            EntityKind::Product => "products",
            EntityKind::Seller => "sellers",
            EntityKind::Workshop => "workshops",
            EntityKind::Story => "stories",
            EntityKind::Gap => "gaps",
            EntityKind::Action => "actions",
            EntityKind::Policy => "policies",
        }
    }
}

impl fmt::Display for EntityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for EntityKind {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        let key = s.trim().to_ascii_lowercase();
        EntityKind::ALL
            .into_iter()
            .find(|k| {
                k.as_str() == key
                    || k.table() == key
                    || (key == "stories" && *k == EntityKind::Story)
            })
            .ok_or_else(|| Invalid::Unknown {
                field: "entity",
                value: s.to_owned(),
                allowed: EntityKind::ALL.map(EntityKind::as_str).join(", "),
            })
    }
}

/// A field of one kind of record that names records of another, by id (one, or a list).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reference {
    pub field: &'static str,
    pub target: EntityKind,
    /// Whether what it names must lie in the record's own state: an action works on its gap,
    /// and a story, gap or workshop tells of sellers and products where it happened.
    pub same_state: bool,
}

impl Reference {
    /// The ids this field holds in `fields`: none when it is absent or null.
    pub fn ids<'f>(&self, fields: &'f Fields) -> Vec<&'f str> {
        match fields.get(self.field) {
            Some(serde_json::Value::String(s)) => vec![s.as_str()],
            Some(serde_json::Value::Array(items)) => {
                items.iter().filter_map(serde_json::Value::as_str).collect()
            }
            _ => vec![],
        }
    }
}

/// What a record says of itself once its fields have been read and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub state: StateCode,
    /// The district it lies in, for a kind that names one.
    pub district: Option<DistrictCode>,
    pub title: String,
}

impl EntityKind {
    /// Reads `fields` as a record of this kind and checks its field-level rules, for callers
    /// (the sync server) that hold records as field maps rather than typed values.
    pub fn check(self, fields: &Fields) -> Result<Checked, Invalid> {
        fn read<E: Entity>(fields: &Fields) -> Result<Checked, Invalid> {
            let record = E::from_fields(fields.clone())?;
            record.validate()?;
            Ok(Checked {
                state: record.state(),
                district: record.district(),
                title: record.title(),
            })
        }
        match self {
            EntityKind::Product => read::<crate::Product>(fields),
            EntityKind::Seller => read::<crate::Seller>(fields),
            EntityKind::Workshop => read::<crate::Workshop>(fields),
            EntityKind::Story => read::<crate::Story>(fields),
            EntityKind::Gap => read::<crate::Gap>(fields),
            EntityKind::Action => read::<crate::Action>(fields),
            EntityKind::Policy => read::<crate::Policy>(fields),
        }
    }
}

/// A record a department owns and edits: it has an id, belongs to one state, and checks itself.
pub trait Entity: Serialize + DeserializeOwned + Clone + fmt::Debug {
    const KIND: EntityKind;

    fn id(&self) -> Id;

    /// The state whose department may change this record.
    fn state(&self) -> StateCode;

    /// The district the record lies in; none for a kind placed by its state alone.
    fn district(&self) -> Option<DistrictCode> {
        None
    }

    /// A short line naming the record for lists and history.
    fn title(&self) -> String;

    /// Field-level rules; references to other rows are the store's to check.
    fn validate(&self) -> Result<(), Invalid>;

    fn to_fields(&self) -> Fields {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::Object(map)) => map,
            // Every entity is a struct, so it serialises to an object.
            _ => Fields::new(),
        }
    }

    fn from_fields(fields: Fields) -> Result<Self, Invalid> {
        serde_json::from_value(serde_json::Value::Object(fields))
            .map_err(|e| Invalid::record_shape(Self::KIND, e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(value: serde_json::Value) -> Fields {
        match value {
            serde_json::Value::Object(map) => map,
            _ => Fields::new(),
        }
    }

    #[test]
    fn a_reference_reads_one_id_a_list_or_none() {
        let story = EntityKind::Story.references();
        let seller = story.iter().find(|r| r.field == "seller").unwrap();
        let f = fields(serde_json::json!({"seller": "a", "product": null}));
        assert_eq!(seller.ids(&f), ["a"]);
        let product = story.iter().find(|r| r.field == "product").unwrap();
        assert!(product.ids(&f).is_empty());
        let met = EntityKind::Workshop.references()[0];
        let f = fields(serde_json::json!({"sellers_met": ["a", "b", 3]}));
        assert_eq!(met.ids(&f), ["a", "b"]);
    }
}
