use std::collections::{HashMap, HashSet};

use odop_domain::{Entity, EntityKind, Fields, Id, Places, StateCode};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;
use serde_json::{json, Value};

use crate::sync::RefusedWrite;
use crate::{clock, Referrer, StoreError};

/// How many of each kind of record a refusal names: enough for a person to find them.
const SOME: u32 = 5;

/// What a write did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    Created,
    /// The names of the fields that changed.
    Updated {
        fields: Vec<String>,
    },
    /// The record was already exactly so: nothing was written.
    Unchanged,
    Deleted,
}

/// A transaction over the local database in which every change also appends an outbox entry and
/// a history entry. Dropping it without [`Edit::commit`] rolls everything back.
#[derive(Debug)]
pub struct Edit<'c> {
    tx: Transaction<'c>,
    who: String,
    at: String,
    next_seq: i64,
    district_states: HashMap<u32, u16>,
    sectors: HashSet<String>,
    /// The server's LGD lists as the last pull brought them; empty before one did.
    server_places: Places,
    /// Conflicts the next change settles.
    resolving: Vec<String>,
    /// Whether any refusal waits, so bulk writes skip clearing them.
    has_refusals: bool,
}

impl<'c> Edit<'c> {
    pub(crate) fn begin(conn: &'c mut Connection, who: &str) -> Result<Edit<'c>, StoreError> {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let last: Option<String> = tx
            .query_row("SELECT value FROM meta WHERE key = 'outbox_seq'", [], |r| {
                r.get(0)
            })
            .optional()?;
        let next_seq = last.and_then(|v| v.parse::<i64>().ok()).unwrap_or(0) + 1;
        let mut district_states = HashMap::new();
        {
            let mut stmt = tx.prepare("SELECT code, state FROM districts")?;
            let rows = stmt.query_map([], |r| Ok((r.get::<_, u32>(0)?, r.get::<_, u16>(1)?)))?;
            for row in rows {
                let (d, s) = row?;
                district_states.insert(d, s);
            }
        }
        let sectors = {
            let mut stmt = tx.prepare("SELECT slug FROM sectors")?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
            rows.collect::<Result<HashSet<_>, _>>()?
        };
        let server_places = crate::server_places::read(&tx)?;
        let has_refusals =
            tx.query_row("SELECT EXISTS (SELECT 1 FROM sync_refusals)", [], |r| {
                r.get(0)
            })?;
        Ok(Edit {
            tx,
            who: who.to_owned(),
            at: clock::now(),
            next_seq,
            district_states,
            sectors,
            server_places,
            resolving: Vec::new(),
            has_refusals,
        })
    }

    /// One record as this edit sees it, with the changes made in it so far.
    pub fn get<E: Entity>(&self, id: Id) -> Result<Option<E>, StoreError> {
        crate::read::get_in(&self.tx, id)
    }

    /// The transaction, for master-data writes in sibling modules.
    pub(crate) fn tx(&self) -> &Transaction<'c> {
        &self.tx
    }

    pub(crate) fn who(&self) -> &str {
        &self.who
    }

    pub(crate) fn at(&self) -> &str {
        &self.at
    }

    /// Master data changed inside this edit: reload what checks depend on.
    pub(crate) fn note_district(&mut self, code: u32, state: u16) {
        self.district_states.insert(code, state);
    }

    /// Creates or updates a record. Writing a record exactly as stored changes nothing.
    pub fn put<E: Entity>(&mut self, record: &E) -> Result<Outcome, StoreError> {
        let kind = E::KIND;
        let id = record.id();
        record
            .validate()
            .map_err(|problem| StoreError::Invalid { kind, id, problem })?;
        let new = record.to_fields();
        let table = kind.table();
        let key = id.to_string();
        let old = match self.stored(kind, &key)? {
            Some((rowid, body, version)) => Some((rowid, parse_body(kind, &key, &body)?, version)),
            None => None,
        };
        let place = (record.state().0, record.district().map(|d| d.0));
        self.admit(
            kind,
            id,
            place,
            &new,
            old.as_ref().map(|(_, f, v)| (f, *v > 0)),
        )?;
        match old {
            None => {
                // A create's history holds the new fields as they are: the body's own text.
                let body = encode(&new);
                self.tx
                    .prepare_cached(&format!(
                        "INSERT INTO {table} (id, body, version, updated_at) VALUES (?1, ?2, 0, ?3)"
                    ))?
                    .execute(params![key, body, self.at])?;
                let rowid = self.tx.last_insert_rowid();
                self.record_encoded(
                    kind,
                    &key,
                    "create",
                    &record.title(),
                    &body,
                    0,
                    true,
                    Some(record.state()),
                )?;
                index_new_row(&self.tx, kind, rowid, &new)?;
                Ok(Outcome::Created)
            }
            Some((rowid, old, version)) => {
                let changes = diff(&old, &new);
                if changes.is_empty() {
                    return Ok(Outcome::Unchanged);
                }
                let body = encode(&new);
                self.tx
                    .prepare_cached(&format!(
                        "UPDATE {table} SET body = ?2, updated_at = ?3 WHERE rowid = ?1"
                    ))?
                    .execute(params![rowid, body, self.at])?;
                self.record(kind, &key, "update", &record.title(), &changes, version)?;
                self.index(kind, rowid, &new)?;
                let fields = changes.keys().cloned().collect();
                Ok(Outcome::Updated { fields })
            }
        }
    }

    /// Deletes a record that nothing else refers to.
    pub fn delete(&mut self, kind: EntityKind, id: Id) -> Result<Outcome, StoreError> {
        let table = kind.table();
        let key = id.to_string();
        let Some((rowid, body, version)) = self.stored(kind, &key)? else {
            return Err(StoreError::NotFound { kind, id });
        };
        self.unnamed(kind, id)?;
        let old = parse_body(kind, &key, &body)?;
        let title = title_of(&old);
        self.tx
            .execute(&format!("DELETE FROM {table} WHERE rowid = ?1"), [rowid])?;
        unindex_row(&self.tx, kind, rowid)?;
        let changes: Fields = old
            .iter()
            .map(|(k, v)| (k.clone(), json!({ "old": v, "new": null })))
            .collect();
        self.record(kind, &key, "delete", &title, &changes, version)?;
        Ok(Outcome::Deleted)
    }

    /// The stored row of a record: its rowid, body and version.
    pub(crate) fn stored(
        &self,
        kind: EntityKind,
        id: &str,
    ) -> Result<Option<(i64, String, i64)>, StoreError> {
        Ok(self
            .tx
            .prepare_cached(&format!(
                "SELECT rowid, body, version FROM {} WHERE id = ?1",
                kind.table()
            ))?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?)
    }

    /// The next change written in this edit settles these conflicts; a resolution is an
    /// ordinary edit that syncs like any other.
    pub fn resolving(&mut self, conflicts: Vec<String>) {
        self.resolving = conflicts;
    }

    /// Makes every change in this edit permanent.
    pub fn commit(self) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO meta (key, value) VALUES ('outbox_seq', ?1) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [(self.next_seq - 1).to_string()],
        )?;
        self.tx.commit()?;
        Ok(())
    }

    pub(crate) fn record(
        &mut self,
        kind: EntityKind,
        id: &str,
        op: &str,
        title: &str,
        changes: &Fields,
        base_version: i64,
    ) -> Result<(), StoreError> {
        if self.has_refusals && op == "update" {
            if let Some((op, changes)) = self.after_refusals(kind, id, changes)? {
                return self.record_change(kind, id, op, title, &changes, base_version, true);
            }
        }
        self.record_change(kind, id, op, title, changes, base_version, true)
    }

    /// Queues a change again as it is, for a server that lost it. Unlike a person's edit it
    /// settles no refused write of the row: those wait for a person.
    pub(crate) fn requeue(
        &mut self,
        kind: EntityKind,
        id: &str,
        op: &str,
        title: &str,
        changes: &Fields,
        base_version: i64,
    ) -> Result<(), StoreError> {
        self.record_change(kind, id, op, title, changes, base_version, false)
    }

    /// A change of a row whose earlier writes the server refused, as the server needs it: the
    /// refused writes never reached it, so a change based on them would be partial or based on
    /// values it never held. A row it never took goes as a create of the whole row; otherwise
    /// each field the refused writes changed is based on the value the server last held
    /// (while the row still holds the refused value; a field a pull has since replaced is
    /// based on what was pulled). `None`: no refusal waits for this row.
    fn after_refusals(
        &self,
        kind: EntityKind,
        id: &str,
        changes: &Fields,
    ) -> Result<Option<(&'static str, Fields)>, StoreError> {
        let refused = refused_writes(&self.tx, kind, id)?;
        if refused.is_empty() {
            return Ok(None);
        }
        let Some((_, body, version)) = self.stored(kind, id)? else {
            return Ok(None);
        };
        let row = parse_body(kind, id, &body)?;
        if version == 0 && refused.iter().any(|(op, _)| op == "create") {
            let whole = row
                .into_iter()
                .map(|(k, v)| (k, json!({ "old": null, "new": v })))
                .collect();
            return Ok(Some(("create", whole)));
        }
        // Per field: what the server held before the first refused write, and the value the
        // last one wrote.
        let mut held: HashMap<String, (Value, Value)> = HashMap::new();
        for (_, fields) in refused.iter().filter(|(op, _)| op != "delete") {
            for (name, change) in fields {
                let old = change.get("old").cloned().unwrap_or(Value::Null);
                let new = change.get("new").cloned().unwrap_or(Value::Null);
                held.entry(name.clone()).or_insert((old, Value::Null)).1 = new;
            }
        }
        let names: std::collections::BTreeSet<&String> =
            changes.keys().chain(held.keys()).collect();
        let mut out = Fields::new();
        for name in names {
            let now = row.get(name).cloned().unwrap_or(Value::Null);
            let before = changes.get(name).map_or_else(
                || now.clone(),
                |c| c.get("old").cloned().unwrap_or(Value::Null),
            );
            let base = match held.get(name) {
                Some((server, refused)) if *refused == before => server.clone(),
                _ => before,
            };
            if base != now {
                out.insert(name.clone(), json!({ "old": base, "new": now }));
            }
        }
        Ok(Some(("update", out)))
    }

    /// Sends the refused writes of a row again, as the server needs them now. A refused update
    /// whose values a pull has since replaced writes them back first, so what goes is the
    /// refused change itself, based on what the server held when it was made. A refused delete
    /// deletes the row again, on the version this desk now holds, or when it holds none, on the
    /// version the refused delete was made on.
    pub(crate) fn resend(&mut self, kind: EntityKind, r: &RefusedWrite) -> Result<(), StoreError> {
        let (id, op) = (r.row.as_str(), r.op.as_str());
        let Some((rowid, body, version)) = self.stored(kind, id)? else {
            if op == "delete" {
                return self.delete_again(kind, r);
            }
            return Err(StoreError::NotFound {
                kind,
                id: id.parse().unwrap_or_default(),
            });
        };
        if op == "delete" {
            self.delete(kind, id.parse().unwrap_or_default())?;
            return Ok(());
        }
        let mut row = parse_body(kind, id, &body)?;
        let mut put_back = false;
        for (op, fields) in refused_writes(&self.tx, kind, id)? {
            if op != "update" {
                continue;
            }
            for (name, change) in fields {
                let new = change.get("new").cloned().unwrap_or(Value::Null);
                if row.get(&name).unwrap_or(&Value::Null) != &new {
                    put_back = true;
                    if new.is_null() {
                        row.remove(&name);
                    } else {
                        row.insert(name, new);
                    }
                }
            }
        }
        if put_back {
            kind.check(&row).map_err(|problem| StoreError::Invalid {
                kind,
                id: id.parse().unwrap_or_default(),
                problem,
            })?;
            self.tx
                .prepare_cached(&format!(
                    "UPDATE {} SET body = ?2, updated_at = ?3 WHERE rowid = ?1",
                    kind.table()
                ))?
                .execute(params![rowid, encode(&row), self.at])?;
            self.index(kind, rowid, &row)?;
        }
        self.record(kind, id, "update", &title_of(&row), &Fields::new(), version)
    }

    /// Sends again a refused delete of a record this desk no longer holds: on the version the
    /// server held when it was made, so an edit made there since is a conflict a person
    /// settles, not lost. Like any delete, it waits while records here name the record.
    fn delete_again(&mut self, kind: EntityKind, r: &RefusedWrite) -> Result<(), StoreError> {
        let key: Id = r.row.parse().unwrap_or_default();
        // A refusal kept before its base was, names no version to delete.
        let Some(base) = r.base_version else {
            return Err(StoreError::NotFound { kind, id: key });
        };
        self.unnamed(kind, key)?;
        // The refusal's title is the deleted row's, as its history entry has it.
        let changes = encode(&r.changes);
        self.record_encoded(kind, &r.row, "delete", &r.title, &changes, base, true, None)
    }

    /// Records a change as given, in the history and the outbox; `settles` clears the row's
    /// refused writes.
    #[allow(clippy::too_many_arguments)]
    fn record_change(
        &mut self,
        kind: EntityKind,
        id: &str,
        op: &str,
        title: &str,
        changes: &Fields,
        base_version: i64,
        settles: bool,
    ) -> Result<(), StoreError> {
        let fields = if op == "create" {
            encode(&created_fields(changes))
        } else {
            encode(changes)
        };
        self.record_encoded(kind, id, op, title, &fields, base_version, settles, None)
    }

    /// [`Edit::record_change`] with the changes already as JSON text.
    #[allow(clippy::too_many_arguments)]
    fn record_encoded(
        &mut self,
        kind: EntityKind,
        id: &str,
        op: &str,
        title: &str,
        fields: &str,
        base_version: i64,
        settles: bool,
        state: Option<StateCode>,
    ) -> Result<(), StoreError> {
        // The state the record lies in, when the caller does not know it: a create holds the
        // whole record and a delete the values it removed; an update's record is in its table,
        // already changed. A bulk import's creates name it, so no body is parsed again.
        self.tx
            .prepare_cached(&format!(
                "INSERT INTO history (at, who, entity, row_id, op, title, fields, state) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, coalesce(?8, CASE ?5 \
                   WHEN 'create' THEN json_extract(?7, '$.state') \
                   WHEN 'delete' THEN json_extract(?7, '$.state.old') \
                   ELSE (SELECT state FROM {} WHERE id = ?4) END))",
                kind.table()
            ))?
            .execute(params![
                self.at,
                self.who,
                kind.as_str(),
                id,
                op,
                title,
                fields,
                state.map(|s| s.0)
            ])?;
        let history_id = self.tx.last_insert_rowid();
        let resolves = std::mem::take(&mut self.resolving);
        let resolves_json = if resolves.is_empty() {
            None
        } else {
            Some(serde_json::to_string(&resolves).unwrap_or_default())
        };
        self.tx
            .prepare_cached(
                "INSERT INTO outbox (seq, history_id, base_version, resolves) \
                 VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![
                self.next_seq,
                history_id,
                base_version,
                resolves_json
            ])?;
        self.next_seq += 1;
        for conflict in &resolves {
            self.tx
                .prepare_cached("UPDATE sync_conflicts SET open = 0 WHERE id = ?1")?
                .execute([conflict])?;
        }
        if self.has_refusals && settles {
            // Editing a refused row again is how a refusal is fixed and sent again.
            self.tx
                .prepare_cached("DELETE FROM sync_refusals WHERE entity = ?1 AND row_id = ?2")?
                .execute(params![kind.as_str(), id])?;
        }
        Ok(())
    }

    pub(crate) fn index(
        &mut self,
        kind: EntityKind,
        rowid: i64,
        fields: &Fields,
    ) -> Result<(), StoreError> {
        index_row(&self.tx, kind, rowid, fields)
    }

    /// The checks every local write of a record passes, whatever made it (a form, an import, a
    /// settled conflict): the places, sector and records it names; for a new place (a new
    /// record, one the server never took, or one moved), the server's lists as the last pull
    /// brought them, as the server will check them, so a newer list locks no record; and the
    /// records a move to another state would leave naming one of another state. `old` is the
    /// row as it stands, with whether the server holds it so (a row the server never took has
    /// no place there yet).
    pub(crate) fn admit(
        &self,
        kind: EntityKind,
        id: Id,
        (state, district): (u16, Option<u32>),
        new: &Fields,
        old: Option<(&Fields, bool)>,
    ) -> Result<(), StoreError> {
        self.check_references(kind, state, new)?;
        let same_state =
            |old: &Fields| old.get("state").and_then(Value::as_u64) == Some(u64::from(state));
        if !self.server_places.is_empty() {
            let kept = old.is_some_and(|(old, held_there)| {
                held_there
                    && same_state(old)
                    && old.get("district").and_then(Value::as_u64) == district.map(u64::from)
            });
            if !kept {
                self.server_places
                    .check(state, district)
                    .map_err(|misplaced| StoreError::OffServerList { misplaced })?;
            }
        }
        if old.is_some_and(|(old, _)| !same_state(old)) {
            let used_by = self.referrers(kind, id, Some(state), SOME)?;
            if !used_by.is_empty() {
                return Err(StoreError::StillReferred {
                    kind,
                    id,
                    state,
                    used_by,
                });
            }
        }
        Ok(())
    }

    fn check_references(
        &self,
        kind: EntityKind,
        state: u16,
        fields: &Fields,
    ) -> Result<(), StoreError> {
        if let Some(district) = fields.get("district").and_then(Value::as_u64) {
            let district = district as u32;
            match self.district_states.get(&district) {
                None => return Err(StoreError::UnknownDistrict { code: district }),
                Some(&actual) if actual != state => {
                    return Err(StoreError::DistrictInOtherState {
                        district,
                        actual,
                        claimed: state,
                    })
                }
                Some(_) => {}
            }
        } else if !self.district_states.values().any(|s| *s == state) {
            let known: Option<i64> = self
                .tx
                .prepare_cached("SELECT 1 FROM states WHERE code = ?1")?
                .query_row([state], |r| r.get(0))
                .optional()?;
            if known.is_none() {
                return Err(StoreError::UnknownState { code: state });
            }
        }
        if kind == EntityKind::Product {
            let sector = fields
                .get("sector")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if !self.sectors.contains(sector) {
                return Err(StoreError::UnknownSector(sector.to_owned()));
            }
        }
        for reference in kind.references() {
            let (field, target) = (reference.field, &reference.target);
            for raw in reference.ids(fields) {
                let found: Option<Option<i64>> = self
                    .tx
                    .prepare_cached(&format!(
                        "SELECT state FROM {} WHERE id = ?1",
                        target.table()
                    ))?
                    .query_row([raw], |r| r.get(0))
                    .optional()?;
                let id = || {
                    raw.parse().map_err(|problem| StoreError::Invalid {
                        kind,
                        id: Id::default(),
                        problem,
                    })
                };
                match found {
                    None => {
                        return Err(StoreError::MissingReference {
                            field,
                            kind: *target,
                            id: id()?,
                        })
                    }
                    Some(Some(actual)) if actual != i64::from(state) && reference.same_state => {
                        return Err(StoreError::ReferenceInOtherState {
                            field,
                            kind: *target,
                            id: id()?,
                            actual: u16::try_from(actual).unwrap_or(u16::MAX),
                            claimed: state,
                        });
                    }
                    Some(_) => {}
                }
            }
        }
        Ok(())
    }

    /// Refuses a deletion, whatever asks for it, while records here name the record
    /// (`in_use`, naming them).
    pub(crate) fn unnamed(&self, kind: EntityKind, id: Id) -> Result<(), StoreError> {
        let used_by = self.referrers(kind, id, None, SOME)?;
        if used_by.is_empty() {
            Ok(())
        } else {
            Err(StoreError::InUse { kind, id, used_by })
        }
    }

    /// Records of other kinds whose fields name this one, at most `limit` of each kind; with
    /// `moving_to`, only those that must share its state and are not in that state.
    pub(crate) fn referrers(
        &self,
        kind: EntityKind,
        id: Id,
        moving_to: Option<u16>,
        limit: u32,
    ) -> Result<Vec<Referrer>, StoreError> {
        let mut out = Vec::new();
        for from in EntityKind::ALL {
            for reference in from.references() {
                let field = reference.field;
                if reference.target != kind || (moving_to.is_some() && !reference.same_state) {
                    continue;
                }
                // A product's sellers are indexed; other kinds are few enough to read.
                let naming = if (from, field) == (EntityKind::Seller, "products") {
                    "rowid IN (SELECT seller FROM seller_products WHERE product = ?1)".to_owned()
                } else {
                    format!(
                        "(json_extract(body, '$.{field}') = ?1 \
                         OR EXISTS (SELECT 1 FROM json_each(body, '$.{field}') WHERE value = ?1))"
                    )
                };
                let sql = format!(
                    "SELECT id, body FROM {} WHERE {naming} \
                     AND (?2 IS NULL OR state IS NOT ?2) LIMIT {limit}",
                    from.table()
                );
                let mut stmt = self.tx.prepare(&sql)?;
                let rows = stmt.query_map(params![id.to_string(), moving_to], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
                })?;
                for row in rows {
                    let (id, body) = row?;
                    let title = title_of(&parse_body(from, &id, &body)?);
                    out.push(Referrer {
                        kind: from,
                        id,
                        title,
                    });
                }
            }
        }
        Ok(out)
    }
}

/// Puts a row in its kind's indexes (its words for search; for a seller, what it makes and
/// where it is onboarded), replacing what was there.
pub(crate) fn index_row(
    tx: &Transaction<'_>,
    kind: EntityKind,
    rowid: i64,
    fields: &Fields,
) -> Result<(), StoreError> {
    unindex_row(tx, kind, rowid)?;
    index_new_row(tx, kind, rowid, fields)
}

/// Puts a new row in its kind's indexes. A new rowid has no entries to replace: a row's
/// entries leave with the row (`unindex_row`).
pub(crate) fn index_new_row(
    tx: &Transaction<'_>,
    kind: EntityKind,
    rowid: i64,
    fields: &Fields,
) -> Result<(), StoreError> {
    if kind == EntityKind::Seller {
        link_seller(tx, rowid, fields)?;
    }
    let Some(fts) = fts_table(kind) else {
        return Ok(());
    };
    let (title, body) = search_text(kind, fields);
    tx.prepare_cached(&format!(
        "INSERT INTO {fts} (rowid, title, body) VALUES (?1, ?2, ?3)"
    ))?
    .execute(params![rowid, title, body])?;
    Ok(())
}

/// Takes a row out of its kind's indexes, as it is deleted or before it is indexed anew.
pub(crate) fn unindex_row(
    tx: &Transaction<'_>,
    kind: EntityKind,
    rowid: i64,
) -> Result<(), StoreError> {
    if kind == EntityKind::Seller {
        tx.prepare_cached("DELETE FROM seller_products WHERE seller = ?1")?
            .execute([rowid])?;
        tx.prepare_cached("DELETE FROM seller_platforms WHERE seller = ?1")?
            .execute([rowid])?;
    }
    if let Some(fts) = fts_table(kind) {
        tx.prepare_cached(&format!("DELETE FROM {fts} WHERE rowid = ?1"))?
            .execute([rowid])?;
    }
    Ok(())
}

/// A seller's products and the platforms it is onboarded on, for the seller list's filters
/// and the statistics, from the same fields its record is written from.
fn link_seller(tx: &Transaction<'_>, rowid: i64, fields: &Fields) -> Result<(), StoreError> {
    let list = |key: &str| {
        fields
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
    };
    for product in list("products").filter_map(Value::as_str) {
        tx.prepare_cached(
            "INSERT OR IGNORE INTO seller_products (product, seller) VALUES (?1, ?2)",
        )?
        .execute(params![product, rowid])?;
    }
    let state = fields.get("state").and_then(Value::as_i64);
    for entry in list("onboarding") {
        if entry.get("status").and_then(Value::as_str) != Some("onboarded") {
            continue;
        }
        if let Some(platform) = entry.get("platform").and_then(Value::as_str) {
            tx.prepare_cached(
                "INSERT OR IGNORE INTO seller_platforms (platform, seller, state) \
                 VALUES (?1, ?2, ?3)",
            )?
            .execute(params![platform, rowid, state])?;
        }
    }
    Ok(())
}

pub(crate) fn fts_table(kind: EntityKind) -> Option<&'static str> {
    match kind {
        EntityKind::Product => Some("products_fts"),
        EntityKind::Seller => Some("sellers_fts"),
        EntityKind::Story => Some("stories_fts"),
        EntityKind::Workshop => Some("workshops_fts"),
        EntityKind::Gap => Some("gaps_fts"),
        EntityKind::Action | EntityKind::Policy => None,
    }
}

/// The title and body text a record is found by (empty for kinds that are not searched).
pub fn search_text(kind: EntityKind, f: &Fields) -> (String, String) {
    let s = |key: &str| {
        f.get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let nested = |key: &str, inner: &str| {
        f.get(key)
            .and_then(|v| v.get(inner))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    match kind {
        EntityKind::Product => (
            format!("{} {}", s("name"), nested("local_name", "text")),
            [
                s("description"),
                s("sector"),
                s("ministry"),
                nested("gi", "registry_name"),
            ]
            .join(" "),
        ),
        EntityKind::Seller => (
            s("name"),
            [
                s("kind"),
                nested("contact", "person"),
                nested("contact", "address"),
                s("gstin"),
                s("udyam"),
            ]
            .join(" "),
        ),
        EntityKind::Story => {
            let texts = f
                .get("texts")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|t| t.get("text").and_then(Value::as_str))
                        .collect::<Vec<_>>()
                        .join("\n")
                })
                .unwrap_or_default();
            (s("title"), texts)
        }
        EntityKind::Workshop => (s("venue"), s("notes")),
        EntityKind::Gap => (s("description"), s("kind")),
        EntityKind::Action | EntityKind::Policy => (String::new(), String::new()),
    }
}

/// Fields as stored JSON text. A map of JSON values always serialises.
pub(crate) fn encode(fields: &Fields) -> String {
    serde_json::to_string(fields).unwrap_or_else(|_| "{}".to_owned())
}

/// The refused writes of a row, oldest first: (op, `{field: {old, new}}`).
pub(crate) fn refused_writes(
    conn: &Connection,
    kind: EntityKind,
    id: &str,
) -> Result<Vec<(String, Fields)>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT op, fields FROM sync_refusals WHERE entity = ?1 AND row_id = ?2 ORDER BY seq",
    )?;
    let rows = stmt.query_map(params![kind.as_str(), id], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (op, fields) = row?;
        let changes = history_changes(&op, &fields);
        out.push((op, changes));
    }
    Ok(out)
}

/// What the history calls a row by when only its fields are at hand (a delete, a change sent
/// again): its name, title, venue or description, whichever its kind has.
pub(crate) fn title_of(fields: &Fields) -> String {
    ["name", "title", "venue", "description"]
        .iter()
        .find_map(|k| fields.get(*k).and_then(Value::as_str))
        .unwrap_or_default()
        .to_owned()
}

/// The changes a history entry holds, as `{field: {old, new}}`. A create's entry stores only the
/// new values (its old side is always empty), so they are wrapped here; text that is not a JSON
/// object reads as no changes.
pub(crate) fn history_changes(op: &str, text: &str) -> Fields {
    let fields: Fields = serde_json::from_str(text).unwrap_or_default();
    if op == "create" {
        fields
            .into_iter()
            .map(|(k, v)| (k, json!({ "old": null, "new": v })))
            .collect()
    } else {
        fields
    }
}

/// What a create's history entry stores of its changes: each field's new value.
fn created_fields(changes: &Fields) -> Fields {
    changes
        .iter()
        .map(|(k, c)| (k.clone(), c.get("new").cloned().unwrap_or(Value::Null)))
        .collect()
}

pub(crate) fn parse_body(kind: EntityKind, id: &str, body: &str) -> Result<Fields, StoreError> {
    match serde_json::from_str::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(StoreError::Corrupt {
            kind,
            id: id.to_owned(),
            reason: "the stored body is not an object".to_owned(),
        }),
        Err(e) => Err(StoreError::Corrupt {
            kind,
            id: id.to_owned(),
            reason: e.to_string(),
        }),
    }
}

/// The fields whose values differ, each as `{old, new}`; a field present on one side only
/// counts as changed from or to null.
fn diff(old: &Fields, new: &Fields) -> Fields {
    let mut out = Fields::new();
    for (k, v) in new {
        let before = old.get(k).unwrap_or(&Value::Null);
        if before != v {
            out.insert(k.clone(), json!({ "old": before, "new": v }));
        }
    }
    for (k, v) in old {
        if !new.contains_key(k) && !v.is_null() {
            out.insert(k.clone(), json!({ "old": v, "new": null }));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_create_is_stored_as_its_new_values_and_read_back_as_changes() {
        let fields: Fields = serde_json::from_str(
            r#"{"a":1,"b":"x \"q\" \u0928","c":{"z":[1,null,{"k":true}],"d":null},"e":null}"#,
        )
        .unwrap();
        let changes: Fields = fields
            .iter()
            .map(|(k, v)| (k.clone(), json!({ "old": null, "new": v })))
            .collect();
        assert_eq!(created_fields(&changes), fields);
        assert_eq!(history_changes("create", &encode(&fields)), changes);
        // Other entries are stored as their changes already.
        assert_eq!(history_changes("update", &encode(&changes)), changes);
        assert_eq!(history_changes("create", "not json"), Fields::new());
    }

    #[test]
    fn diff_names_changed_added_and_removed_fields() {
        let old: Fields = serde_json::from_str(r#"{"a":1,"b":"x","c":true}"#).unwrap();
        let new: Fields = serde_json::from_str(r#"{"a":1,"b":"y","d":[1]}"#).unwrap();
        let d = diff(&old, &new);
        assert_eq!(d.keys().collect::<Vec<_>>(), ["b", "c", "d"]);
        assert_eq!(d["b"], json!({"old": "x", "new": "y"}));
        assert_eq!(d["c"], json!({"old": true, "new": null}));
        assert!(diff(&new, &new).is_empty());
    }
}
