//! Records from forms: a flat list of `field` or `group.field` keys with typed text, as the CLI's
//! `field=value` words and the app's edit forms give them. Each value is parsed for its field, so
//! a refusal names the key the person typed into.

use std::str::FromStr;

use odop_domain::{
    Action, ActionKind, ActionStatus, Date, DistrictCode, Entity, EntityKind, Fields, Gap,
    Gazetteer, Gstin, Id, Invalid, Lang, Misplaced, OnboardingStatus, PackagingStatus, Policy,
    PolicyStatus, Product, Rank, SectorList, Seller, SellerKind, StateCode, Story, Udyam, Workshop,
};
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::{Duplicates, Edit, FieldProblem, Outcome, Store, StoreError};

/// What a save did to which record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Saved {
    pub id: String,
    #[serde(flatten)]
    pub outcome: Outcome,
    /// For a seller: the sets of its state's sellers it now shares a GSTIN, PAN, Udyam number
    /// or phone number with, so that a seller recorded twice by hand is pointed out at once.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub shares: Vec<Duplicates>,
}

const NUMBERS: &[&str] = &["state", "district", "attendance"];
const BOOLS: &[&str] = &["open", "gi.registered"];
const DATES: &[&str] = &["date", "due", "notified_on"];
const REFERENCES: &[&str] = &["gap", "workshop", "product", "seller"];
/// Fields holding lists or groups, given whole as JSON; every other value is text as typed, so a
/// description may start with "[" or "{".
const STRUCTURED: &[&str] = &[
    "products",
    "onboarding",
    "sellers_met",
    "media",
    "texts",
    "contact",
    "gi",
    "local_name",
];

impl Store {
    /// Adds a record (`id` is `None`) or changes one from form keys and values. An empty value
    /// clears the field. The error names the key at fault where there is one
    /// ([`StoreError::form_key`]).
    pub fn save_form(
        &mut self,
        kind: EntityKind,
        id: Option<Id>,
        pairs: &[(String, String)],
        who: &str,
    ) -> Result<Saved, StoreError> {
        match kind {
            EntityKind::Product => self.save_as::<Product>(id, pairs, who),
            EntityKind::Seller => self.save_as::<Seller>(id, pairs, who),
            EntityKind::Workshop => self.save_as::<Workshop>(id, pairs, who),
            EntityKind::Story => self.save_as::<Story>(id, pairs, who),
            EntityKind::Gap => self.save_as::<Gap>(id, pairs, who),
            EntityKind::Action => self.save_as::<Action>(id, pairs, who),
            EntityKind::Policy => self.save_as::<Policy>(id, pairs, who),
        }
    }

    /// Deletes one record, with its history and outbox entries.
    pub fn delete_record(
        &mut self,
        kind: EntityKind,
        id: Id,
        who: &str,
    ) -> Result<Outcome, StoreError> {
        let mut edit = self.edit(who)?;
        let outcome = edit.delete(kind, id)?;
        edit.commit()?;
        Ok(outcome)
    }

    fn save_as<E: Entity>(
        &mut self,
        id: Option<Id>,
        pairs: &[(String, String)],
        who: &str,
    ) -> Result<Saved, StoreError> {
        let sectors = self.sectors()?;
        let gazetteer = self.gazetteer()?;
        let mut edit = self.edit(who)?;
        let record = edit.form_record::<E>(id, pairs, &sectors, &gazetteer)?;
        let outcome = edit.put(&record)?;
        edit.commit()?;
        let shares = match E::KIND {
            EntityKind::Seller => match self.get::<Seller>(record.id())? {
                Some(seller) => self.duplicates_of(&seller)?,
                None => Vec::new(),
            },
            _ => Vec::new(),
        };
        Ok(Saved {
            id: record.id().to_string(),
            outcome,
            shares,
        })
    }
}

impl Edit<'_> {
    /// The record form keys and values make: a change of the record `id` (its other fields as
    /// they are), or a new record. Nothing is written; [`Edit::put`] does that.
    pub fn form_record<E: Entity>(
        &self,
        id: Option<Id>,
        pairs: &[(String, String)],
        sectors: &SectorList,
        gazetteer: &Gazetteer,
    ) -> Result<E, StoreError> {
        let current = match id {
            Some(id) => Some(
                self.get::<E>(id)?
                    .ok_or(StoreError::NotFound { kind: E::KIND, id })?
                    .to_fields(),
            ),
            None => None,
        };
        let mut fields = build_fields::<E>(pairs, current, sectors, gazetteer)?;
        // An action belongs to its gap's state, and follows its gap to another one unless the
        // form names a state itself (which must then be the gap's).
        if E::KIND == EntityKind::Action && !pairs.iter().any(|(key, _)| key == "state") {
            if let Some(gap) = fields.get("gap").and_then(Value::as_str) {
                let gap_id: Id = gap.parse().map_err(|e: Invalid| field_error("gap", e))?;
                let gap = self
                    .get::<Gap>(gap_id)?
                    .ok_or(StoreError::MissingReference {
                        field: "gap",
                        kind: EntityKind::Gap,
                        id: gap_id,
                    })?;
                fields.insert("state".into(), json!(gap.state.0));
            }
        }
        let built = fields.clone();
        let record = record_from::<E>(fields)?;
        unknown_key(pairs, &built, &record.to_fields())?;
        // A new record put over one already there would replace its fields with the form's
        // defaults; a policy's id follows from its state, so this is also a second policy.
        if id.is_none() && self.get::<E>(record.id())?.is_some() {
            if E::KIND == EntityKind::Policy {
                let state = record.state().0;
                return Err(field_error("state", FieldProblem::HasPolicy { state }));
            }
            return Err(StoreError::Exists {
                kind: E::KIND,
                id: record.id(),
            });
        }
        Ok(record)
    }
}

impl StoreError {
    /// The form key a refusal is about (`name`, `contact.phone`, `district`), for showing the
    /// message beside that input; `None` when the problem is not one field's.
    pub fn form_key(&self) -> Option<String> {
        let key = match self {
            StoreError::Field { field, .. } => return Some(field.clone()),
            StoreError::Invalid { problem, .. } => problem.field(),
            StoreError::UnknownDistrict { .. }
            | StoreError::DistrictInOtherState { .. }
            | StoreError::StillReferred { .. } => "district",
            StoreError::UnknownState { .. }
            | StoreError::OffServerList {
                misplaced: Misplaced::UnknownState { .. },
            } => "state",
            StoreError::OffServerList { .. } => "district",
            StoreError::UnknownSector(_) => "sector",
            StoreError::MissingReference { field, .. }
            | StoreError::ReferenceInOtherState { field, .. } => field,
            _ => return None,
        };
        Some(
            match key {
                "phone" | "email" | "address" => format!("contact.{key}"),
                "contact person" => "contact.person".to_owned(),
                "gi registry name" => "gi.registry_name".to_owned(),
                "local_name" => "local_name.text".to_owned(),
                "listing_url" | "onboarding status" => "onboarding".to_owned(),
                "media outlet" | "media url" => "media".to_owned(),
                other => other.replace(' ', "_"),
            }
            .replace(' ', "_"),
        )
    }
}

impl StoreError {
    /// The message to show beside the field [`StoreError::form_key`] names: the problem alone,
    /// without the record's kind and id, which the form already makes plain.
    pub fn form_message(&self) -> String {
        match self {
            StoreError::Field { problem, .. } => problem.to_string(),
            StoreError::Invalid { problem, .. } => problem.to_string(),
            other => other.to_string(),
        }
    }

    /// The problem as data, for an interface that says it in its own language: beside a field,
    /// `{"problem": code, ..}`; for a record others name, the records naming it as the sync
    /// server's refusals give them (`used_by`: "kind id" each) with their titles by id
    /// (`named`). `None` where only the message says it.
    pub fn form_detail(&self) -> Option<Value> {
        match self {
            StoreError::Field { problem, .. } => Some(problem.detail()),
            StoreError::Invalid { problem, .. } => serde_json::to_value(problem).ok(),
            // The values the sentence names, under a problem of its own: the server's list,
            // not this desk's, lacks the place.
            StoreError::OffServerList { misplaced } => {
                let mut detail = serde_json::to_value(misplaced).ok()?;
                detail["problem"] = Value::from(format!("server_{}", misplaced.code()));
                Some(detail)
            }
            StoreError::InUse { used_by, .. } => {
                let ids: Vec<String> = used_by
                    .iter()
                    .map(|r| format!("{} {}", r.kind, r.id))
                    .collect();
                let named: serde_json::Map<String, Value> = used_by
                    .iter()
                    .filter(|r| !r.title.is_empty())
                    .map(|r| (r.id.clone(), Value::from(r.title.clone())))
                    .collect();
                Some(serde_json::json!({ "used_by": ids, "named": named }))
            }
            _ => None,
        }
    }
}

/// Fields required before a record can be made at all; the rest have defaults or are optional.
fn required(kind: EntityKind) -> &'static [&'static str] {
    match kind {
        EntityKind::Product => &["district", "name", "rank", "sector"],
        EntityKind::Seller => &["district", "name", "kind"],
        EntityKind::Workshop => &["state", "date", "venue"],
        EntityKind::Story => &["state", "title"],
        EntityKind::Gap => &["state", "kind", "description"],
        EntityKind::Action => &["gap", "kind", "owner"],
        EntityKind::Policy => &["state", "status"],
    }
}

fn field_error(field: &str, problem: impl Into<FieldProblem>) -> StoreError {
    StoreError::Field {
        field: field.to_owned(),
        problem: problem.into(),
    }
}

/// Refuses a form key the record has no field for, which the record would otherwise drop
/// without a word: a key whose value was built but is not in the record made from it.
fn unknown_key(
    pairs: &[(String, String)],
    built: &Fields,
    kept: &Fields,
) -> Result<(), StoreError> {
    let said = |v: Option<&Value>| match v {
        None | Some(Value::Null) => false,
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Object(o)) => !o.is_empty(),
        Some(_) => true,
    };
    for (key, _) in pairs {
        let key = key.trim();
        let (top, sub) = key
            .split_once('.')
            .map_or((key, None), |(t, s)| (t, Some(s)));
        let dropped = match sub {
            None => said(built.get(top)) && !kept.contains_key(top),
            Some(sub) => {
                let value = built.get(top).and_then(|g| g.get(sub));
                let held = kept
                    .get(top)
                    .map(|g| !g.is_object() || g.get(sub).is_some());
                said(value) && held != Some(true)
            }
        };
        if dropped {
            return Err(field_error(key, FieldProblem::NotAField));
        }
    }
    Ok(())
}

/// Turns built fields into a record, naming a missing or malformed field where serde can.
pub fn record_from<E: Entity>(fields: Fields) -> Result<E, StoreError> {
    for key in required(E::KIND) {
        if fields.get(*key).is_none_or(Value::is_null) {
            // The state follows from the district: ask for the district.
            let key = if *key == "state" { "district" } else { key };
            return Err(field_error(key, FieldProblem::Required));
        }
    }
    // The path says which group a missing part belongs to (`local_name` without its `lang`).
    serde_path_to_error::deserialize::<_, E>(Value::Object(fields)).map_err(|e| {
        let path = e.path().to_string();
        let text = e.into_inner().to_string();
        // serde names a missing field as "missing field `name`".
        let missing = text
            .split('`')
            .nth(1)
            .filter(|_| text.contains("missing field"));
        match missing {
            Some(name) if path == "." => field_error(name, FieldProblem::Required),
            Some(name) => field_error(&format!("{path}.{name}"), FieldProblem::Required),
            // A list or group of the wrong shape: the key typed into, and where in it.
            None if path != "." => {
                let key = path.split(['.', '[']).next().unwrap_or_default();
                let detail = if path == key {
                    text
                } else {
                    format!("{text} at {path}")
                };
                field_error(key, FieldProblem::NotJson { detail })
            }
            None => field_error(E::KIND.as_str(), Invalid::record_shape(E::KIND, text)),
        }
    })
}

/// Builds a record's fields from form keys and values over `current` (for an edit) or over the
/// defaults of a new record.
pub fn build_fields<E: Entity>(
    pairs: &[(String, String)],
    current: Option<Fields>,
    sectors: &SectorList,
    gazetteer: &Gazetteer,
) -> Result<Fields, StoreError> {
    let is_new = current.is_none();
    let mut fields = current.unwrap_or_else(|| defaults(E::KIND));
    for (key, raw) in pairs {
        let key = key.trim();
        if key == "id" && !is_new {
            return Err(field_error("id", FieldProblem::IdFixed));
        }
        let value = value_for(E::KIND, key, raw, sectors)?;
        set(&mut fields, E::KIND, key, value)?;
    }
    // The state follows from the district whenever a district is given.
    if let Some(d) = fields.get("district").and_then(Value::as_u64) {
        let district = gazetteer
            .district(DistrictCode(d as u32))
            .ok_or_else(|| field_error("district", FieldProblem::UnknownDistrict { code: d }))?;
        let given = fields.get("state").and_then(Value::as_u64);
        if given.is_none() || !pairs.iter().any(|(k, _)| k.trim() == "state") {
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
    Ok(fields)
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

/// A word of a fixed list, checked against that list.
fn word<T: FromStr<Err = Invalid>>(
    key: &str,
    raw: &str,
    show: fn(&T) -> &str,
) -> Result<Value, StoreError> {
    raw.parse::<T>()
        .map(|v| json!(show(&v)))
        .map_err(|e| field_error(key, e))
}

fn value_for(
    kind: EntityKind,
    key: &str,
    raw: &str,
    sectors: &SectorList,
) -> Result<Value, StoreError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(Value::Null);
    }
    let invalid = |e: Invalid| field_error(key, e);
    if NUMBERS.contains(&key) {
        return raw.parse::<u64>().map(|n| json!(n)).map_err(|_| {
            field_error(
                key,
                FieldProblem::NotWholeNumber {
                    raw: raw.to_owned(),
                },
            )
        });
    }
    if BOOLS.contains(&key) {
        return match raw.to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" => Ok(json!(true)),
            "false" | "no" | "0" => Ok(json!(false)),
            _ => Err(field_error(
                key,
                FieldProblem::NotYesOrNo {
                    raw: raw.to_owned(),
                },
            )),
        };
    }
    if DATES.contains(&key) {
        return raw.parse::<Date>().map(|d| json!(d)).map_err(invalid);
    }
    if REFERENCES.contains(&key) {
        return raw.parse::<Id>().map(|id| json!(id)).map_err(invalid);
    }
    if let Some(platform) = key.strip_prefix("onboarding.") {
        platform
            .parse::<odop_domain::Platform>()
            .map_err(|e| field_error(key, e))?;
        return word::<OnboardingStatus>(key, raw, |v| v.as_str());
    }
    if let Some(lang) = key.strip_prefix("text.") {
        lang.parse::<Lang>().map_err(invalid)?;
        return Ok(json!(raw));
    }
    match (kind, key) {
        (EntityKind::Product, "rank") => raw
            .parse::<Rank>()
            .map(|r| json!(r.as_str()))
            .map_err(invalid),
        (EntityKind::Product, "sector") => sectors
            .resolve(raw)
            .map(|s| json!(s.slug()))
            .map_err(invalid),
        (EntityKind::Seller, "kind") => word::<SellerKind>(key, raw, |v| v.as_str()),
        (EntityKind::Seller, "packaging") => word::<PackagingStatus>(key, raw, |v| v.as_str()),
        (EntityKind::Seller, "gstin") => raw
            .parse::<Gstin>()
            .map(|g| json!(g.as_str()))
            .map_err(invalid),
        (EntityKind::Seller, "udyam") => raw
            .parse::<Udyam>()
            .map(|u| json!(u.as_str()))
            .map_err(invalid),
        (EntityKind::Gap | EntityKind::Action, "kind") => {
            word::<ActionKind>(key, raw, |v| v.as_str())
        }
        (EntityKind::Action, "status") => word::<ActionStatus>(key, raw, |v| v.as_str()),
        (EntityKind::Policy, "status") => word::<PolicyStatus>(key, raw, |v| v.as_str()),
        (_, "lang" | "local_name.lang") => raw
            .parse::<Lang>()
            .map(|l| json!(l.code()))
            .map_err(invalid),
        _ if STRUCTURED.contains(&key) => serde_json::from_str(raw).map_err(|e| {
            field_error(
                key,
                FieldProblem::NotJson {
                    detail: e.to_string(),
                },
            )
        }),
        _ => Ok(json!(raw)),
    }
}

fn set(fields: &mut Fields, kind: EntityKind, key: &str, value: Value) -> Result<(), StoreError> {
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
                .ok_or_else(|| field_error(outer, FieldProblem::NotGroup))?;
            if value.is_null() {
                map.remove(inner);
            } else {
                map.insert(inner.to_owned(), value);
            }
            // A group left empty is no group: an optional one (the local name) disappears.
            if map.is_empty() && outer != "contact" && outer != "gi" {
                fields.remove(outer);
            }
        }
    }
    Ok(())
}

/// Sets, or with a null value removes, the entry of a keyed list: `list` holds objects told
/// apart by `key`, and the entry's `field` takes the value. An entry keeps its place.
fn set_entry(
    fields: &mut Fields,
    list: &str,
    (key, name): (&str, &str),
    field: &str,
    value: &Value,
) -> Result<(), StoreError> {
    let entries = fields
        .entry(list)
        .or_insert_with(|| json!([]))
        .as_array_mut()
        .ok_or_else(|| field_error(list, FieldProblem::NotList))?;
    match entries.iter().position(|e| e[key] == name) {
        Some(i) if value.is_null() => {
            entries.remove(i);
        }
        Some(i) => entries[i][field] = value.clone(),
        None if value.is_null() => {}
        None => entries.push(json!({ key: name, field: value })),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use odop_domain::{District, State, StateKind};

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

    fn pairs(s: &[(&str, &str)]) -> Vec<(String, String)> {
        s.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn build<E: Entity>(s: &[(&str, &str)]) -> Result<E, StoreError> {
        let fields = build_fields::<E>(&pairs(s), None, &SectorList::default(), &places())?;
        record_from::<E>(fields)
    }

    #[test]
    fn a_product_from_form_values() {
        let p = build::<Product>(&[
            ("district", "187"),
            ("name", "Zardozi"),
            ("rank", "Secondary"),
            ("sector", "Food processing"),
            ("local_name.lang", "hi"),
            ("local_name.text", "ज़रदोज़ी"),
            ("gi.registered", "yes"),
        ])
        .unwrap();
        assert_eq!(p.state, StateCode(9));
        assert_eq!(p.rank, Rank::Secondary);
        assert_eq!(p.sector.slug(), "food-processing");
        assert!(p.gi.registered);
        assert_eq!(p.local_name.unwrap().text, "ज़रदोज़ी");
    }

    #[test]
    fn a_part_missing_from_a_group_is_named_with_its_group() {
        let err = build::<Product>(&[
            ("district", "187"),
            ("name", "Zardozi"),
            ("rank", "secondary"),
            ("sector", "handicraft"),
            ("local_name.text", "ज़रदोज़ी"),
        ])
        .unwrap_err();
        assert_eq!(err.form_key().as_deref(), Some("local_name.lang"));
        assert_eq!(err.to_string(), "local_name.lang: is required");
        assert_eq!(err.form_message(), "is required");
    }

    #[test]
    fn a_list_of_the_wrong_shape_says_where_in_it() {
        let err = build::<Seller>(&[
            ("district", "187"),
            ("name", "Asha"),
            ("kind", "shg"),
            ("onboarding", r#"[{"platform": "gem", "status": "live"}]"#),
        ])
        .unwrap_err();
        assert_eq!(err.form_key().as_deref(), Some("onboarding"));
        let message = err.to_string();
        assert!(
            message.starts_with("onboarding: unknown variant `live`"),
            "{message}"
        );
        assert!(message.ends_with(" at onboarding[0].status"), "{message}");
    }

    #[test]
    fn a_seller_with_onboarding_keeps_the_order_of_platforms() {
        let s = build::<Seller>(&[
            ("district", "187"),
            ("name", "Asha"),
            ("kind", "SHG"),
            ("onboarding.gem", "In Progress"),
            ("onboarding.ondc", "onboarded"),
            ("onboarding.gem", "onboarded"),
            ("contact.phone", "9876543210"),
        ])
        .unwrap();
        let platforms: Vec<_> = s.onboarding.iter().map(|o| o.platform.as_str()).collect();
        assert_eq!(platforms, ["gem", "ondc"]);
        assert_eq!(s.onboarding[0].status, OnboardingStatus::Onboarded);
        assert_eq!(s.contact.phone.as_deref(), Some("9876543210"));
    }

    #[test]
    fn each_refusal_names_the_key_typed_into() {
        let key = |s: &[(&str, &str)]| build::<Seller>(s).unwrap_err().form_key();
        let base = [("district", "187"), ("name", "Asha"), ("kind", "shg")];
        assert_eq!(key(&[("district", "abc")]), Some("district".into()));
        assert_eq!(key(&[("district", "999")]), Some("district".into()));
        assert_eq!(
            key(&[("district", "187"), ("kind", "shg")]),
            Some("name".into())
        );
        let mut bad_kind = base.to_vec();
        bad_kind[2] = ("kind", "trader");
        assert_eq!(key(&bad_kind), Some("kind".into()));
        let mut bad_status = base.to_vec();
        bad_status.push(("onboarding.gem", "maybe"));
        assert_eq!(key(&bad_status), Some("onboarding.gem".into()));
        let mut bad_gstin = base.to_vec();
        bad_gstin.push(("gstin", "123"));
        assert_eq!(key(&bad_gstin), Some("gstin".into()));
        let err =
            build::<Product>(&[("district", "187"), ("name", "X"), ("rank", "best")]).unwrap_err();
        assert_eq!(err.form_key(), Some("rank".into()));
        assert!(err.to_string().contains("Primary"), "{err}");
    }

    #[test]
    fn validation_errors_map_to_their_form_key() {
        // The phone is only checked by the record's own rules, after it is built.
        let seller = build::<Seller>(&[
            ("district", "187"),
            ("name", "Asha"),
            ("kind", "shg"),
            ("contact.phone", "12"),
        ])
        .unwrap();
        let problem = seller.validate().unwrap_err();
        let error = StoreError::Invalid {
            kind: EntityKind::Seller,
            id: seller.id,
            problem,
        };
        assert_eq!(error.form_key(), Some("contact.phone".into()));
    }

    #[test]
    fn clearing_the_local_name_removes_it() {
        let p = build::<Product>(&[
            ("district", "187"),
            ("name", "Zardozi"),
            ("rank", "primary"),
            ("sector", "handicraft"),
            ("local_name.lang", ""),
            ("local_name.text", ""),
        ])
        .unwrap();
        assert_eq!(p.local_name, None);
    }

    #[test]
    fn text_may_start_with_a_bracket_while_lists_are_json() {
        let p = build::<Product>(&[
            ("district", "187"),
            ("name", "{Zardozi}"),
            ("rank", "primary"),
            ("sector", "handicraft"),
            ("description", "[Draft] gold thread work"),
        ])
        .unwrap();
        assert_eq!(p.name, "{Zardozi}");
        assert_eq!(p.description, "[Draft] gold thread work");
        let product = Id::new();
        let s = build::<Seller>(&[
            ("district", "187"),
            ("name", "Asha"),
            ("kind", "shg"),
            ("products", &format!("[\"{product}\"]")),
        ])
        .unwrap();
        assert_eq!(s.products, vec![product]);
        let err = build::<Seller>(&[
            ("district", "187"),
            ("name", "Asha"),
            ("kind", "shg"),
            ("products", "[not json"),
        ])
        .unwrap_err();
        assert_eq!(err.form_key().as_deref(), Some("products"));
    }
}
