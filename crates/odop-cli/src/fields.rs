//! Turning `field=value` words from the command line into a record's fields.

use odop_domain::{
    DistrictCode, Entity, EntityKind, Fields, Gazetteer, Id, Invalid, Policy, Rank, SectorList,
    StateCode,
};
use serde_json::{json, Map, Value};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum FieldError {
    #[error("expected field=value, got {0:?}")]
    Pair(String),
    #[error("{field}: {reason}")]
    Value { field: String, reason: String },
    #[error(transparent)]
    Invalid(#[from] Invalid),
}

impl FieldError {
    pub fn code(&self) -> &'static str {
        "invalid"
    }
}

fn bad(field: &str, reason: impl Into<String>) -> FieldError {
    FieldError::Value {
        field: field.to_owned(),
        reason: reason.into(),
    }
}

const NUMBERS: &[&str] = &["state", "district", "attendance"];
const BOOLS: &[&str] = &["open", "gi.registered"];
/// Fields whose values are words of a fixed list, written in lower case with underscores.
const WORDS: &[&str] = &["kind", "status", "packaging", "lang", "local_name.lang"];

/// Builds a record's fields from `field=value` words over `current` (for an edit) or over the
/// defaults of a new record.
pub fn build<E: Entity>(
    pairs: &[String],
    current: Option<Fields>,
    sectors: &SectorList,
    gazetteer: &Gazetteer,
) -> Result<Value, FieldError> {
    let is_new = current.is_none();
    let mut fields = current.unwrap_or_else(|| defaults(E::KIND));
    for pair in pairs {
        let (key, raw) = pair
            .split_once('=')
            .ok_or_else(|| FieldError::Pair(pair.clone()))?;
        let key = key.trim();
        if key == "id" && !is_new {
            return Err(bad("id", "the id of a record cannot be changed"));
        }
        let value = value_for(E::KIND, key, raw, sectors)?;
        set(&mut fields, E::KIND, key, value)?;
    }
    // The state follows from the district when it is not given.
    if !fields.contains_key("state") || fields["state"].is_null() {
        if let Some(d) = fields.get("district").and_then(Value::as_u64) {
            let district = gazetteer
                .district(DistrictCode(d as u32))
                .ok_or_else(|| bad("district", format!("district {d} is not in the LGD list")))?;
            fields.insert("state".into(), json!(district.state.0));
        }
    }
    if E::KIND == EntityKind::Policy && is_new {
        if let Some(s) = fields.get("state").and_then(Value::as_u64) {
            fields.insert("id".into(), json!(Policy::id_for(StateCode(s as u16))));
        }
    }
    if !fields.contains_key("id") {
        fields.insert("id".into(), json!(Id::new()));
    }
    Ok(Value::Object(fields))
}

fn defaults(kind: EntityKind) -> Fields {
    let v = match kind {
        EntityKind::Product => json!({ "description": "", "gi": { "registered": false } }),
        EntityKind::Seller => {
            json!({ "packaging": "not_assessed", "products": [], "onboarding": [] })
        }
        EntityKind::Workshop => {
            json!({ "attendance": 0, "sellers_met": [], "media": [], "notes": "" })
        }
        EntityKind::Story => json!({ "texts": [] }),
        EntityKind::Gap => json!({ "open": true }),
        EntityKind::Action => json!({ "status": "open", "note": "" }),
        EntityKind::Policy => json!({ "status": "none", "note": "" }),
    };
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

fn value_for(
    kind: EntityKind,
    key: &str,
    raw: &str,
    sectors: &SectorList,
) -> Result<Value, FieldError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(Value::Null);
    }
    if NUMBERS.contains(&key) {
        return raw
            .parse::<u64>()
            .map(|n| json!(n))
            .map_err(|_| bad(key, format!("{raw:?} is not a whole number")));
    }
    if BOOLS.contains(&key) {
        return match raw.to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" => Ok(json!(true)),
            "false" | "no" | "0" => Ok(json!(false)),
            _ => Err(bad(key, format!("{raw:?} is not yes or no"))),
        };
    }
    if kind == EntityKind::Product && key == "rank" {
        return Ok(json!(raw.parse::<Rank>()?.as_str()));
    }
    if kind == EntityKind::Product && key == "sector" {
        return Ok(json!(sectors.resolve(raw)?.slug()));
    }
    if WORDS.contains(&key) || key.starts_with("onboarding.") {
        return Ok(json!(raw.to_lowercase().replace([' ', '-'], "_")));
    }
    if raw.starts_with('[') || raw.starts_with('{') {
        return serde_json::from_str(raw).map_err(|e| bad(key, e.to_string()));
    }
    Ok(json!(raw))
}

fn set(fields: &mut Fields, kind: EntityKind, key: &str, value: Value) -> Result<(), FieldError> {
    match key.split_once('.') {
        None => {
            if value.is_null() {
                fields.remove(key);
            } else {
                fields.insert(key.to_owned(), value);
            }
        }
        // Onboarding is a list of {platform, status}; `onboarding.gem=onboarded` sets one entry.
        Some(("onboarding", platform)) if kind == EntityKind::Seller => {
            set_entry(
                fields,
                "onboarding",
                ("platform", platform),
                "status",
                &value,
            )?;
        }
        // Stories hold text per language; `text.hi=...` sets the Hindi text.
        Some(("text", lang)) if kind == EntityKind::Story => {
            set_entry(fields, "texts", ("lang", lang), "text", &value)?;
        }
        Some((outer, inner)) => {
            let slot = fields.entry(outer.to_owned()).or_insert_with(|| json!({}));
            if slot.is_null() {
                *slot = json!({});
            }
            let map = slot
                .as_object_mut()
                .ok_or_else(|| bad(outer, "is not a group of fields"))?;
            if value.is_null() {
                map.remove(inner);
            } else {
                map.insert(inner.to_owned(), value);
            }
        }
    }
    Ok(())
}

/// Sets, or with a null value removes, the entry of a keyed list: `list` holds objects told
/// apart by `key`, and the entry's `field` takes the value.
fn set_entry(
    fields: &mut Fields,
    list: &str,
    (key, name): (&str, &str),
    field: &str,
    value: &Value,
) -> Result<(), FieldError> {
    let entries = fields
        .entry(list)
        .or_insert_with(|| json!([]))
        .as_array_mut()
        .ok_or_else(|| bad(list, "is not a list"))?;
    entries.retain(|e| e[key] != name);
    if !value.is_null() {
        entries.push(json!({ key: name, field: value }));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use odop_domain::{District, Product, Seller, State, StateKind};

    fn places() -> Gazetteer {
        Gazetteer::new(
            vec![State {
                code: StateCode(9),
                name: "Uttar Pradesh".into(),
                local_name: None,
                kind: StateKind::State,
                aliases: vec![],
            }],
            vec![District {
                code: DistrictCode(187),
                state: StateCode(9),
                name: "Varanasi".into(),
                aliases: vec![],
            }],
        )
    }

    fn words(s: &[&str]) -> Vec<String> {
        s.iter().map(|w| (*w).to_owned()).collect()
    }

    #[test]
    fn a_product_from_words() {
        let v = build::<Product>(
            &words(&[
                "district=187",
                "name=Zardozi",
                "rank=Secondary",
                "sector=Food processing",
                "local_name.lang=hi",
                "local_name.text=ज़रदोज़ी",
                "gi.registered=yes",
            ]),
            None,
            &SectorList::default(),
            &places(),
        )
        .unwrap();
        let Value::Object(map) = v else {
            panic!("not an object")
        };
        let p = Product::from_fields(map).unwrap();
        assert_eq!(p.state, StateCode(9));
        assert_eq!(p.rank, Rank::Secondary);
        assert_eq!(p.sector.slug(), "food-processing");
        assert!(p.gi.registered);
        assert_eq!(p.local_name.unwrap().text, "ज़रदोज़ी");
    }

    #[test]
    fn a_seller_with_onboarding() {
        let v = build::<Seller>(
            &words(&[
                "district=187",
                "name=Asha",
                "kind=SHG",
                "onboarding.gem=In Progress",
                "contact.phone=9876543210",
            ]),
            None,
            &SectorList::default(),
            &places(),
        )
        .unwrap();
        let Value::Object(map) = v else {
            panic!("not an object")
        };
        let s = Seller::from_fields(map).unwrap();
        assert_eq!(s.onboarding.len(), 1);
        assert_eq!(s.contact.phone.as_deref(), Some("9876543210"));
    }

    #[test]
    fn bad_words_are_named() {
        let err = build::<Product>(
            &words(&["district"]),
            None,
            &SectorList::default(),
            &places(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("field=value"));
        let err = build::<Product>(
            &words(&["district=abc"]),
            None,
            &SectorList::default(),
            &places(),
        )
        .unwrap_err();
        assert!(err.to_string().starts_with("district:"), "{err}");
        let err = build::<Product>(
            &words(&["district=999"]),
            None,
            &SectorList::default(),
            &places(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("999"), "{err}");
        let err = build::<Product>(
            &words(&["rank=best"]),
            None,
            &SectorList::default(),
            &places(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("Primary"), "{err}");
    }
}
