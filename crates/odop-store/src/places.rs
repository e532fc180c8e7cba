use odop_domain::{
    District, DistrictCode, EntityKind, Gazetteer, SectorEntry, SectorList, State, StateCode,
    StateKind,
};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use serde_json::json;

use crate::{Edit, Store, StoreError};

/// How a master-data load changed the state and district lists.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PlaceCounts {
    pub states_added: usize,
    pub states_changed: usize,
    pub districts_added: usize,
    pub districts_changed: usize,
    pub unchanged: usize,
}

impl Edit<'_> {
    /// Adds or updates LGD states and districts. Master data is not synced as edits, but every
    /// change to it is written to the history.
    pub fn put_places(
        &mut self,
        states: &[State],
        districts: &[District],
    ) -> Result<PlaceCounts, StoreError> {
        let mut counts = PlaceCounts::default();
        for s in states {
            let kind = match s.kind {
                StateKind::State => "state",
                StateKind::Ut => "ut",
            };
            let aliases = serde_json::to_string(&s.aliases).unwrap_or_else(|_| "[]".into());
            let old: Option<(String, Option<String>, String, String)> = self
                .tx()
                .prepare_cached(
                    "SELECT name, local_name, kind, aliases FROM states WHERE code = ?1",
                )?
                .query_row([s.code.0], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                })
                .optional()?;
            let new = (
                s.name.clone(),
                s.local_name.clone(),
                kind.to_owned(),
                aliases.clone(),
            );
            match old {
                Some(o) if o == new => counts.unchanged += 1,
                o => {
                    self.tx()
                        .prepare_cached(
                            "INSERT INTO states (code, name, local_name, kind, aliases) \
                             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (code) DO UPDATE SET \
                             name = excluded.name, local_name = excluded.local_name, \
                             kind = excluded.kind, aliases = excluded.aliases",
                        )?
                        .execute(params![s.code.0, s.name, s.local_name, kind, aliases])?;
                    if o.is_some() {
                        counts.states_changed += 1;
                    } else {
                        counts.states_added += 1;
                    }
                    self.place_history("state", &s.code.to_string(), &s.name, o.is_none())?;
                }
            }
        }
        for d in districts {
            let aliases = serde_json::to_string(&d.aliases).unwrap_or_else(|_| "[]".into());
            let old: Option<(u16, String, String)> = self
                .tx()
                .prepare_cached("SELECT state, name, aliases FROM districts WHERE code = ?1")?
                .query_row([d.code.0], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .optional()?;
            let new = (d.state.0, d.name.clone(), aliases.clone());
            match old {
                Some(o) if o == new => counts.unchanged += 1,
                o => {
                    // A record lies in a district of its own state; the district cannot leave.
                    if o.as_ref().is_some_and(|o| o.0 != d.state.0) {
                        let used_by = records_in(self.tx(), d.code.0, d.state.0)?;
                        if !used_by.is_empty() {
                            return Err(StoreError::DistrictInUse {
                                district: d.code.0,
                                state: d.state.0,
                                used_by,
                            });
                        }
                    }
                    let known: Option<i64> = self
                        .tx()
                        .prepare_cached("SELECT 1 FROM states WHERE code = ?1")?
                        .query_row([d.state.0], |r| r.get(0))
                        .optional()?;
                    if known.is_none() {
                        return Err(StoreError::UnknownState { code: d.state.0 });
                    }
                    self.tx()
                        .prepare_cached(
                            "INSERT INTO districts (code, state, name, aliases) \
                             VALUES (?1, ?2, ?3, ?4) ON CONFLICT (code) DO UPDATE SET \
                             state = excluded.state, name = excluded.name, \
                             aliases = excluded.aliases",
                        )?
                        .execute(params![d.code.0, d.state.0, d.name, aliases])?;
                    if o.is_some() {
                        counts.districts_changed += 1;
                    } else {
                        counts.districts_added += 1;
                    }
                    self.note_district(d.code.0, d.state.0);
                    self.place_history("district", &d.code.to_string(), &d.name, o.is_none())?;
                }
            }
        }
        Ok(counts)
    }

    /// Adds a spelling of a district's name that imports should accept.
    pub fn add_district_alias(
        &mut self,
        code: DistrictCode,
        alias: &str,
    ) -> Result<bool, StoreError> {
        let aliases: Option<String> = self
            .tx()
            .query_row(
                "SELECT aliases FROM districts WHERE code = ?1",
                [code.0],
                |r| r.get(0),
            )
            .optional()?;
        let Some(aliases) = aliases else {
            return Err(StoreError::UnknownDistrict { code: code.0 });
        };
        let mut list: Vec<String> = serde_json::from_str(&aliases).unwrap_or_default();
        let alias = alias.trim().to_owned();
        if list.contains(&alias) {
            return Ok(false);
        }
        list.push(alias.clone());
        self.tx().execute(
            "UPDATE districts SET aliases = ?2 WHERE code = ?1",
            params![code.0, serde_json::to_string(&list).unwrap_or_default()],
        )?;
        self.place_history("district", &code.to_string(), &alias, false)?;
        Ok(true)
    }

    fn place_history(
        &self,
        entity: &str,
        code: &str,
        name: &str,
        created: bool,
    ) -> Result<(), StoreError> {
        self.tx()
            .prepare_cached(
                "INSERT INTO history (at, who, entity, row_id, op, title, fields, state) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, CASE ?3 \
                   WHEN 'state' THEN CAST(?4 AS INTEGER) \
                   ELSE (SELECT state FROM districts WHERE code = CAST(?4 AS INTEGER)) END)",
            )?
            .execute(params![
                self.at(),
                self.who(),
                entity,
                code,
                if created { "create" } else { "update" },
                name,
                json!({ "name": name }).to_string()
            ])?;
        Ok(())
    }
}

/// Up to five records (as "kind id") lying in a district, of any state but `state`.
fn records_in(
    conn: &rusqlite::Connection,
    code: u32,
    state: u16,
) -> Result<Vec<String>, StoreError> {
    let mut out = Vec::new();
    for kind in EntityKind::ALL.into_iter().filter(|k| k.has_district()) {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT id FROM {} WHERE district = ?1 AND state IS NOT ?2 LIMIT 5",
            kind.table()
        ))?;
        for id in stmt.query_map(params![code, state], |r| r.get::<_, String>(0))? {
            out.push(format!("{kind} {}", id?));
        }
    }
    out.truncate(5);
    Ok(out)
}

impl Store {
    /// Records lying in district `code` that are not of `state`: those that would be left in
    /// another state's district if the district moved there (up to five, as "kind id").
    pub fn records_left_behind(
        &self,
        code: DistrictCode,
        state: StateCode,
    ) -> Result<Vec<String>, StoreError> {
        records_in(self.conn(), code.0, state.0)
    }

    /// The LGD master list as stored.
    pub fn gazetteer(&self) -> Result<Gazetteer, StoreError> {
        let conn = self.conn();
        let mut stmt =
            conn.prepare("SELECT code, name, local_name, kind, aliases FROM states ORDER BY code")?;
        let states = stmt
            .query_map([], |r| {
                let kind: String = r.get(3)?;
                let aliases: String = r.get(4)?;
                Ok(State {
                    code: StateCode(r.get(0)?),
                    name: r.get(1)?,
                    local_name: r.get(2)?,
                    kind: if kind == "ut" {
                        StateKind::Ut
                    } else {
                        StateKind::State
                    },
                    aliases: serde_json::from_str(&aliases).unwrap_or_default(),
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut stmt = conn.prepare("SELECT code, state, name, aliases FROM districts")?;
        let districts = stmt
            .query_map([], |r| {
                let aliases: String = r.get(3)?;
                Ok(District {
                    code: DistrictCode(r.get(0)?),
                    state: StateCode(r.get(1)?),
                    name: r.get(2)?,
                    aliases: serde_json::from_str(&aliases).unwrap_or_default(),
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Gazetteer::new(states, districts))
    }

    /// The sectors this database knows, in display order.
    pub fn sectors(&self) -> Result<SectorList, StoreError> {
        let mut stmt = self
            .conn()
            .prepare("SELECT slug, label, aliases FROM sectors ORDER BY position, slug")?;
        let entries = stmt
            .query_map([], |r| {
                let aliases: String = r.get(2)?;
                Ok(SectorEntry {
                    slug: r.get(0)?,
                    label: r.get(1)?,
                    aliases: serde_json::from_str(&aliases).unwrap_or_default(),
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(SectorList::new(entries))
    }
}
