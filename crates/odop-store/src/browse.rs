//! Reads shaped for browsing screens: pages of rows with their total (so a list of 100,000
//! sellers can be scrolled without loading it), districts filtered by their products, one
//! district's or product's page, a workshop's outcome, and the choices a form offers.

use std::collections::HashMap;

use odop_domain::{
    Action, ActionKind, ActionStatus, Date, DistrictCode, Entity, EntityKind, Fields, Gap, Id,
    Policy, Product, Rank, Seller, StateCode, Story, Workshop,
};
use rusqlite::types::Value as Sql;
use serde::{Deserialize, Serialize};

use crate::edit::parse_body;
use crate::sync::sync_state_sql;
use crate::{ProductFilter, Store, StoreError, SyncState};

/// The stages of an action that still need work, as SQL.
pub(crate) const TO_DO: &str = "('open', 'in_progress')";

/// An action (`t`) still to do whose due date has passed, as SQL whose one parameter is the day
/// it is judged on.
pub(crate) fn overdue_sql() -> String {
    format!("(t.status IN {TO_DO} AND t.body ->> '$.due' < ?)")
}

/// One window of a longer list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Page<T> {
    /// How many rows the whole list has.
    pub total: u64,
    pub offset: usize,
    pub rows: Vec<T>,
}

/// Which sellers to list; every field left empty matches all.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SellerQuery {
    pub state: Option<StateCode>,
    pub district: Option<DistrictCode>,
    /// A seller kind word (`shg`, `weaver`, ...).
    pub kind: Option<String>,
    /// Sellers who make this product.
    pub product: Option<Id>,
    /// Sellers onboarded on this platform (`gem`, `ondc`, ...), or with `onboarded` false,
    /// those not (yet) onboarded there: an onboarding drive's list.
    pub platform: Option<String>,
    pub onboarded: Option<bool>,
    /// Sellers whose packaging status is this word (`needed`, `in_progress`, `done`,
    /// `not_assessed`): a packaging drive's list.
    pub packaging: Option<String>,
    /// Sellers whose name has this in it (ASCII letters in either case): finding one among a
    /// district's thousands in a form's list.
    pub name: Option<String>,
    /// The total a caller already holds for the same filter (from the first page), returned as
    /// it is rather than counted again: counting a typed name's matches reads the whole name
    /// index, some milliseconds at 100,000 sellers, on every page of a scrolled list.
    pub known_total: Option<u64>,
    pub offset: usize,
    pub limit: usize,
}

/// A seller's line in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SellerRow {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub district: u32,
    pub district_name: Option<String>,
    pub state_name: Option<String>,
    pub packaging: String,
    pub phone: Option<String>,
    /// Platforms the seller is onboarded on.
    pub onboarded: Vec<String>,
    /// Where the seller stands with the server, so a list can point at what needs a person.
    pub sync: SyncState,
}

/// Which workshops, stories, gaps or actions to list.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct RecordQuery {
    /// The one record of this id, as a list shows it: a form's choice that a list's first page
    /// leaves out.
    pub id: Option<Id>,
    pub state: Option<StateCode>,
    pub district: Option<DistrictCode>,
    /// Stories and gaps about this product.
    pub product: Option<Id>,
    /// Actions on this gap.
    pub gap: Option<Id>,
    /// Gaps heard at this workshop, or actions on them.
    pub workshop: Option<Id>,
    /// Actions at this stage.
    pub status: Option<ActionStatus>,
    /// Only actions still to do whose due date has passed.
    pub overdue: bool,
    /// The day an action's due date is judged against: the reader's own, since a desk in India
    /// is five and a half hours ahead of UTC. Today in UTC when not given.
    pub today: Option<Date>,
    /// Gaps still open (`true`) or closed (`false`).
    pub open: Option<bool>,
    /// Gaps or actions of this kind (what the dashboard counts open gaps by).
    pub gap_kind: Option<ActionKind>,
    /// Actions of this owner, however their owner is written ("DIC Varanasi" finds those of
    /// "District Industries Centre, Varanasi" too).
    pub owner: Option<String>,
    pub offset: usize,
    pub limit: usize,
}

/// The actions on one gap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ActionTally {
    pub all: u64,
    /// Open or in progress.
    pub to_do: u64,
}

/// A record's line in a list: its title and place, and all its fields for the columns and the
/// edit form.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordRow {
    pub id: String,
    pub title: String,
    pub district_name: Option<String>,
    pub state_name: Option<String>,
    pub updated_at: String,
    pub fields: Fields,
    /// An action's gap, by its description, so the list says what the action is for.
    pub gap: Option<String>,
    /// The workshop a gap was heard at, by its title (venue and date).
    pub workshop: Option<String>,
    /// A gap's actions.
    pub actions: Option<ActionTally>,
    /// An action still to do whose due date has passed.
    pub overdue: bool,
    /// Where the record stands with the server.
    pub sync: SyncState,
}

/// What came of a Sampark workshop: the sellers met there, and each gap heard there with the
/// actions taken on it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorkshopOutcome {
    pub workshop: RecordRow,
    /// In the order of their names.
    pub sellers_met: Vec<SellerRow>,
    pub gaps: Vec<GapOutcome>,
}

/// A gap heard at a workshop, with its actions in the order they fall due.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GapOutcome {
    pub gap: RecordRow,
    pub actions: Vec<RecordRow>,
}

/// Which districts to list: those with at least one product matching every given field.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct DistrictQuery {
    /// Only this state's districts.
    pub state: Option<StateCode>,
    pub sector: Option<String>,
    pub rank: Option<Rank>,
    pub gi: Option<bool>,
}

/// A district's line in the district list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DistrictRow {
    pub code: u32,
    pub name: String,
    pub state_code: u16,
    pub state_name: String,
    pub products: u32,
    pub primary: Option<String>,
    /// Sector slugs of the district's products.
    pub sectors: Vec<String>,
    pub gi_products: u32,
}

/// One district with its products and how much else is recorded there.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DistrictDetail {
    pub code: u32,
    pub name: String,
    pub state_code: u16,
    pub state_name: String,
    pub products: Vec<DistrictProduct>,
    pub sellers: u64,
    /// Sellers onboarded on at least one platform.
    pub sellers_onboarded: u64,
    /// Sellers whose packaging needs help.
    pub packaging_needed: u64,
    pub workshops: u64,
    pub stories: u64,
    pub open_gaps: u64,
}

/// A product in its district's list, with where it stands with the server.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DistrictProduct {
    #[serde(flatten)]
    pub product: Product,
    pub sync: SyncState,
}

/// One product with the names of its place and sector.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProductDetail {
    pub product: Product,
    pub district_name: String,
    pub state_name: String,
    pub sector_label: String,
}

/// A place or sector as a form offers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlaceChoice {
    pub code: u32,
    pub name: String,
    /// The district's state; none for a state.
    pub state: Option<u16>,
    /// The server's LGD lists, as the last pull brought them, lack this place: a record newly
    /// put there is refused (see `Edit::admit`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub unlisted: bool,
}

/// What forms and filters offer: sectors, states and districts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Choices {
    /// (slug, label) in display order.
    pub sectors: Vec<(String, String)>,
    pub states: Vec<PlaceChoice>,
    pub districts: Vec<PlaceChoice>,
}

impl Store {
    /// Every seller the list's filters pick, whole, in the list's order (by name): what a
    /// drive's list saved as a sheet holds. Its paging is ignored.
    pub fn seller_records(&self, q: &SellerQuery) -> Result<Vec<Seller>, StoreError> {
        let (mut filter, mut args, _) = seller_where(q);
        if let Some(platform) = &q.platform {
            platform_in(&mut filter, &mut args, q.onboarded == Some(false), platform);
        }
        self.decode_rows::<Seller>(
            &format!("SELECT s.id, s.body FROM sellers s{filter} ORDER BY s.name, s.rowid"),
            args,
        )
    }

    /// A window of the seller list, by name, with the number of sellers that match.
    pub fn seller_page(&self, q: &SellerQuery) -> Result<Page<SellerRow>, StoreError> {
        let (mut filter, mut args, name) = seller_where(q);
        // A typed name with no narrower filter is counted over the name index: the planner
        // would read every seller's record for it instead.
        let narrowed = q.state.is_some()
            || q.district.is_some()
            || q.kind.is_some()
            || q.product.is_some()
            || q.packaging.is_some();
        let count_from = if name.is_some() && !narrowed {
            "sellers s INDEXED BY sellers_by_name"
        } else {
            "sellers s"
        };
        let count = |filter: &str, args: &[Sql]| -> Result<u64, StoreError> {
            Ok(self
                .conn()
                .prepare_cached(&format!("SELECT count(*) FROM {count_from}{filter}"))?
                .query_row(rusqlite::params_from_iter(args), |r| r.get::<_, i64>(0))?
                as u64)
        };
        // The platform's clause comes last, so that the count can be taken with and without it.
        let unplatformed = (filter.clone(), args.clone());
        let not_on = q.onboarded == Some(false);
        if let Some(platform) = &q.platform {
            platform_in(&mut filter, &mut args, not_on, platform);
        }
        let total: u64 = match (q.known_total, &q.platform) {
            (Some(total), _) => total,
            // Those not on a platform are all but those on it: two counts by index, where
            // counting them directly probes every seller.
            (None, Some(platform)) if not_on => {
                let (all_filter, all_args) = unplatformed;
                let (mut on_filter, mut on_args) = (all_filter.clone(), all_args.clone());
                platform_in(&mut on_filter, &mut on_args, false, platform);
                count(&all_filter, &all_args)?.saturating_sub(count(&on_filter, &on_args)?)
            }
            (None, _) => count(&filter, &args)?,
        };
        args.push(Sql::Integer(q.limit.min(10_000) as i64));
        args.push(Sql::Integer(q.offset.min(i64::MAX as usize) as i64));
        let window = format!(
            "SELECT s.rowid AS row, s.name AS name FROM sellers s{filter} \
             ORDER BY s.name, s.rowid LIMIT ? OFFSET ?"
        );
        let rows = self
            .seller_rows(&window, args)?
            .into_iter()
            .map(|(_, row)| row);
        Ok(Page {
            total,
            offset: q.offset,
            rows: rows.collect(),
        })
    }

    /// The list lines of the sellers a window query picks, by name, each with its rowid. The
    /// window (`row`, `name`) is chosen first and only its rows are read whole: a filter
    /// matching thousands would otherwise work out every match's columns before sorting them.
    pub(crate) fn seller_rows(
        &self,
        window: &str,
        args: Vec<Sql>,
    ) -> Result<Vec<(i64, SellerRow)>, StoreError> {
        let sql = format!(
            "WITH page AS ({window}) \
             SELECT s.id, s.name, s.kind, s.district, d.name, st.name, \
                    json_extract(s.body, '$.packaging'), json_extract(s.body, '$.contact.phone'), \
                    (SELECT group_concat(json_extract(o.value, '$.platform')) \
                     FROM json_each(s.body, '$.onboarding') o \
                     WHERE json_extract(o.value, '$.status') = 'onboarded'), {sync}, page.row \
             FROM page JOIN sellers s ON s.rowid = page.row \
             LEFT JOIN districts d ON d.code = s.district \
             LEFT JOIN states st ON st.code = s.state \
             ORDER BY page.name, page.row",
            sync = sync_state_sql(EntityKind::Seller, "s.id"),
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args), |r| {
            let onboarded: Option<String> = r.get(8)?;
            let row = SellerRow {
                id: r.get(0)?,
                name: r.get(1)?,
                kind: r.get(2)?,
                district: r.get(3)?,
                district_name: r.get(4)?,
                state_name: r.get(5)?,
                packaging: r.get(6)?,
                phone: r.get(7)?,
                onboarded: onboarded
                    .map(|o| o.split(',').map(str::to_owned).collect())
                    .unwrap_or_default(),
                sync: r.get(9)?,
            };
            Ok((r.get(10)?, row))
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// A window of one kind of record, with the number that match: workshops by date, actions
    /// by due date (undated last), the rest newest first. Products and sellers have lists of
    /// their own; here they come as any record does, for a form's choice.
    pub fn record_page(
        &self,
        kind: EntityKind,
        q: &RecordQuery,
    ) -> Result<Page<RecordRow>, StoreError> {
        match kind {
            EntityKind::Product => self.rows_of::<Product>(q),
            EntityKind::Seller => self.rows_of::<Seller>(q),
            EntityKind::Workshop => self.rows_of::<Workshop>(q),
            EntityKind::Story => self.rows_of::<Story>(q),
            EntityKind::Gap => self.rows_of::<Gap>(q),
            EntityKind::Action => self.rows_of::<Action>(q),
            EntityKind::Policy => self.rows_of::<Policy>(q),
        }
    }

    fn rows_of<E: Entity>(&self, q: &RecordQuery) -> Result<Page<RecordRow>, StoreError> {
        let kind = E::KIND;
        let table = kind.table();
        let mut filter = String::from(" WHERE 1 = 1");
        let mut args: Vec<Sql> = Vec::new();
        if let Some(id) = q.id {
            filter.push_str(" AND t.id = ?");
            args.push(Sql::Text(id.to_string()));
        }
        if let Some(state) = q.state {
            filter.push_str(" AND t.state = ?");
            args.push(Sql::Integer(state.0.into()));
        }
        let has_district = kind.has_district();
        if let (Some(d), true) = (q.district, has_district) {
            filter.push_str(" AND t.district = ?");
            args.push(Sql::Integer(d.0.into()));
        }
        if let Some(p) = q.product {
            filter.push_str(" AND json_extract(t.body, '$.product') = ?");
            args.push(Sql::Text(p.to_string()));
        }
        if let Some(g) = q.gap {
            filter.push_str(" AND json_extract(t.body, '$.gap') = ?");
            args.push(Sql::Text(g.to_string()));
        }
        match (q.workshop, kind) {
            (Some(w), EntityKind::Gap) => {
                filter.push_str(" AND t.workshop = ?");
                args.push(Sql::Text(w.to_string()));
            }
            (Some(w), EntityKind::Action) => {
                filter.push_str(" AND t.gap IN (SELECT id FROM gaps WHERE workshop = ?)");
                args.push(Sql::Text(w.to_string()));
            }
            _ => {}
        }
        let today = Sql::Text(q.today.unwrap_or_else(crate::clock::today).to_string());
        if kind == EntityKind::Action {
            if let Some(status) = q.status {
                filter.push_str(" AND t.status = ?");
                args.push(Sql::Text(status.as_str().to_owned()));
            }
            if q.overdue {
                filter.push_str(&format!(" AND {}", overdue_sql()));
                args.push(today.clone());
            }
            if let Some(owner) = &q.owner {
                let spellings = self.owner_spellings(owner)?;
                filter.push_str(" AND t.body ->> '$.owner' IN (SELECT value FROM json_each(?))");
                args.push(Sql::Text(
                    serde_json::to_string(&spellings).unwrap_or_else(|_| "[]".to_owned()),
                ));
            }
        }
        if let (Some(open), EntityKind::Gap) = (q.open, kind) {
            filter.push_str(" AND t.open = ?");
            args.push(Sql::Integer(open.into()));
        }
        if let (Some(k), EntityKind::Gap | EntityKind::Action) = (q.gap_kind, kind) {
            filter.push_str(" AND json_extract(t.body, '$.kind') = ?");
            args.push(Sql::Text(k.as_str().to_owned()));
        }
        let total: i64 = self
            .conn()
            .prepare_cached(&format!("SELECT count(*) FROM {table} t{filter}"))?
            .query_row(rusqlite::params_from_iter(args.iter()), |r| r.get(0))?;
        let district = if has_district { "t.district" } else { "NULL" };
        let order = match kind {
            EntityKind::Workshop => "t.date DESC, t.rowid DESC",
            // What falls due first comes first; undated actions after the dated ones.
            EntityKind::Action => "t.body ->> '$.due' IS NULL, t.body ->> '$.due', t.rowid DESC",
            // One per state: found by the state's name.
            EntityKind::Policy => "st.name, t.state",
            _ => "t.rowid DESC",
        };
        // What an action is for and whether it is overdue, and how far a gap's actions have
        // gone. The select list's parameter comes before the filter's.
        let mut select_args = Vec::new();
        let linked = match kind {
            EntityKind::Action => {
                select_args.push(today);
                format!(
                    "(SELECT g.body ->> '$.description' FROM gaps g WHERE g.id = t.gap), \
                     NULL, NULL, {}, NULL",
                    overdue_sql()
                )
            }
            // A workshop's title as `Workshop::title` makes it: venue, then date.
            EntityKind::Gap => format!(
                "NULL, (SELECT count(*) FROM actions a WHERE a.gap = t.id), \
                 (SELECT count(*) FROM actions a WHERE a.gap = t.id AND a.status IN {TO_DO}), 0, \
                 (SELECT (w.body ->> '$.venue') || ' (' || w.date || ')' FROM workshops w \
                  WHERE w.id = t.workshop)"
            ),
            _ => "NULL, NULL, NULL, 0, NULL".to_owned(),
        };
        let sync = sync_state_sql(kind, "t.id");
        let sql = format!(
            "SELECT t.id, t.body, t.updated_at, d.name, st.name, {linked}, {sync} FROM {table} t \
             LEFT JOIN districts d ON d.code = {district} \
             LEFT JOIN states st ON st.code = t.state{filter} \
             ORDER BY {order} LIMIT ? OFFSET ?"
        );
        select_args.extend(args);
        select_args.push(Sql::Integer(q.limit.min(10_000) as i64));
        select_args.push(Sql::Integer(q.offset.min(i64::MAX as usize) as i64));
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let raw = stmt
            .query_map(rusqlite::params_from_iter(select_args), |r| {
                let tally = match (r.get::<_, Option<i64>>(6)?, r.get::<_, Option<i64>>(7)?) {
                    (Some(all), Some(to_do)) => Some(ActionTally {
                        all: all as u64,
                        to_do: to_do as u64,
                    }),
                    _ => None,
                };
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    tally,
                    r.get::<_, Option<bool>>(8)?.unwrap_or(false),
                    r.get::<_, Option<String>>(9)?,
                    r.get::<_, SyncState>(10)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut rows = Vec::with_capacity(raw.len());
        for (
            id,
            body,
            updated_at,
            district_name,
            state_name,
            gap,
            actions,
            overdue,
            workshop,
            sync,
        ) in raw
        {
            let fields = parse_body(kind, &id, &body)?;
            let record = E::from_fields(fields.clone()).map_err(|e| StoreError::Corrupt {
                kind,
                id: id.clone(),
                reason: e.to_string(),
            })?;
            rows.push(RecordRow {
                id,
                title: record.title(),
                district_name,
                state_name,
                updated_at,
                fields,
                gap,
                workshop,
                actions,
                overdue,
                sync,
            });
        }
        Ok(Page {
            total: total as u64,
            offset: q.offset,
            rows,
        })
    }

    /// One record's fields, as an edit form starts from them.
    pub fn record_fields(&self, kind: EntityKind, id: Id) -> Result<Fields, StoreError> {
        let body: Option<String> = rusqlite::OptionalExtension::optional(
            self.conn()
                .prepare_cached(&format!("SELECT body FROM {} WHERE id = ?1", kind.table()))?
                .query_row([id.to_string()], |r| r.get(0)),
        )?;
        let body = body.ok_or(StoreError::NotFound { kind, id })?;
        parse_body(kind, &id.to_string(), &body)
    }

    /// Every row of a list, however long: a page holds at most 10,000 rows, so a whole list
    /// is read page by page. The query's offset and limit are ignored.
    pub fn record_rows(
        &self,
        kind: EntityKind,
        q: &RecordQuery,
    ) -> Result<Vec<RecordRow>, StoreError> {
        let mut rows: Vec<RecordRow> = Vec::new();
        loop {
            let page = self.record_page(
                kind,
                &RecordQuery {
                    offset: rows.len(),
                    limit: usize::MAX,
                    ..q.clone()
                },
            )?;
            let last = page.rows.is_empty() || rows.len() + page.rows.len() >= page.total as usize;
            rows.extend(page.rows);
            if last {
                return Ok(rows);
            }
        }
    }

    /// Each gap heard at a workshop, newest first, with its actions in the order they fall
    /// due; `today` judges which actions are overdue.
    pub fn workshop_gaps(&self, id: Id, today: Date) -> Result<Vec<GapOutcome>, StoreError> {
        let every = |kind| {
            self.record_rows(
                kind,
                &RecordQuery {
                    workshop: Some(id),
                    today: Some(today),
                    ..RecordQuery::default()
                },
            )
        };
        let mut actions: HashMap<String, Vec<RecordRow>> = HashMap::new();
        for action in every(EntityKind::Action)? {
            let gap = action.fields.get("gap").and_then(serde_json::Value::as_str);
            actions
                .entry(gap.unwrap_or_default().to_owned())
                .or_default()
                .push(action);
        }
        Ok(every(EntityKind::Gap)?
            .into_iter()
            .map(|gap| GapOutcome {
                actions: actions.remove(&gap.id).unwrap_or_default(),
                gap,
            })
            .collect())
    }

    /// A workshop with the sellers met there and each gap heard there with its actions;
    /// `today` judges which actions are overdue.
    pub fn workshop_outcome(&self, id: Id, today: Date) -> Result<WorkshopOutcome, StoreError> {
        let workshop = self
            .record_page(
                EntityKind::Workshop,
                &RecordQuery {
                    id: Some(id),
                    limit: 1,
                    ..RecordQuery::default()
                },
            )?
            .rows
            .pop()
            .ok_or(StoreError::NotFound {
                kind: EntityKind::Workshop,
                id,
            })?;
        let met: Vec<String> = workshop
            .fields
            .get("sellers_met")
            .and_then(serde_json::Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
        let sellers_met = self
            .seller_rows(
                "SELECT rowid AS row, name FROM sellers \
                 WHERE id IN (SELECT value FROM json_each(?1))",
                vec![Sql::Text(serde_json::Value::from(met).to_string())],
            )?
            .into_iter()
            .map(|(_, row)| row)
            .collect();
        Ok(WorkshopOutcome {
            workshop,
            sellers_met,
            gaps: self.workshop_gaps(id, today)?,
        })
    }

    /// Districts of every state that has data (or of the state asked for), those with a
    /// product matching the query.
    pub fn district_rows(&self, q: &DistrictQuery) -> Result<Vec<DistrictRow>, StoreError> {
        let any = q.sector.is_none() && q.rank.is_none() && q.gi.is_none();
        let mut stmt = self.conn().prepare_cached(
            "SELECT d.code, d.name, s.code, s.name, count(p.id), \
                    min(CASE WHEN p.rank = 'primary' THEN p.name END), \
                    group_concat(DISTINCT p.sector), coalesce(sum(p.gi), 0) \
             FROM districts d JOIN states s ON s.code = d.state \
             LEFT JOIN products p ON p.district = d.code \
             WHERE (d.state IN (SELECT DISTINCT state FROM products) \
                    OR NOT EXISTS (SELECT 1 FROM products)) \
               AND (?5 IS NULL OR d.state = ?5) \
             GROUP BY d.code \
             HAVING ?1 OR sum((?2 IS NULL OR p.sector = ?2) AND (?3 IS NULL OR p.rank = ?3) \
                              AND (?4 IS NULL OR p.gi = ?4)) > 0 \
             ORDER BY s.name, d.name",
        )?;
        let rows = stmt.query_map(
            rusqlite::params![
                any,
                q.sector,
                q.rank.map(Rank::as_str),
                q.gi,
                q.state.map(|s| s.0)
            ],
            |r| {
                let sectors: Option<String> = r.get(6)?;
                Ok(DistrictRow {
                    code: r.get(0)?,
                    name: r.get(1)?,
                    state_code: r.get(2)?,
                    state_name: r.get(3)?,
                    products: r.get(4)?,
                    primary: r.get(5)?,
                    sectors: sectors
                        .map(|s| s.split(',').map(str::to_owned).collect())
                        .unwrap_or_default(),
                    gi_products: r.get(7)?,
                })
            },
        )?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// One district's page: its products and the counts of what else is recorded there.
    pub fn district_detail(&self, code: DistrictCode) -> Result<DistrictDetail, StoreError> {
        let gazetteer = self.gazetteer()?;
        let district = gazetteer
            .district(code)
            .ok_or(StoreError::UnknownDistrict { code: code.0 })?;
        let state_name = gazetteer
            .state(district.state)
            .map_or_else(|| district.state.to_string(), |s| s.name.clone());
        let count = |sql: &str| -> Result<u64, StoreError> {
            let n: i64 = self.conn().query_row(sql, [code.0], |r| r.get(0))?;
            Ok(n as u64)
        };
        Ok(DistrictDetail {
            code: code.0,
            name: district.name.clone(),
            state_code: district.state.0,
            state_name,
            products: self
                .products(&ProductFilter {
                    district: Some(code),
                    ..ProductFilter::default()
                })?
                .into_iter()
                .map(|product| {
                    let sync = self.sync_state(EntityKind::Product, &product.id.to_string())?;
                    Ok(DistrictProduct { product, sync })
                })
                .collect::<Result<_, StoreError>>()?,
            sellers: count("SELECT count(*) FROM sellers WHERE district = ?1")?,
            sellers_onboarded: count(
                "SELECT count(*) FROM sellers s WHERE s.district = ?1 \
                 AND EXISTS (SELECT 1 FROM seller_platforms p WHERE p.seller = s.rowid)",
            )?,
            packaging_needed: count(
                "SELECT count(*) FROM sellers WHERE district = ?1 AND packaging = 'needed'",
            )?,
            workshops: count("SELECT count(*) FROM workshops WHERE district = ?1")?,
            stories: count("SELECT count(*) FROM stories WHERE district = ?1")?,
            open_gaps: count("SELECT count(*) FROM gaps WHERE district = ?1 AND open = 1")?,
        })
    }

    /// One product with the names of its district, state and sector.
    pub fn product_detail(&self, id: Id) -> Result<ProductDetail, StoreError> {
        let product = self.get::<Product>(id)?.ok_or(StoreError::NotFound {
            kind: EntityKind::Product,
            id,
        })?;
        let gazetteer = self.gazetteer()?;
        let district_name = gazetteer
            .district(product.district)
            .map_or_else(|| product.district.to_string(), |d| d.name.clone());
        let state_name = gazetteer
            .state(product.state)
            .map_or_else(|| product.state.to_string(), |s| s.name.clone());
        let sector_label = self.sectors()?.label(&product.sector);
        Ok(ProductDetail {
            product,
            district_name,
            state_name,
            sector_label,
        })
    }

    /// The sectors, states and districts a form or filter offers, by name.
    pub fn choices(&self) -> Result<Choices, StoreError> {
        let gazetteer = self.gazetteer()?;
        let server = crate::server_places::read(self.conn())?;
        let mut states: Vec<PlaceChoice> = gazetteer
            .states()
            .iter()
            .map(|s| PlaceChoice {
                code: s.code.0.into(),
                name: s.name.clone(),
                state: None,
                unlisted: server.check(s.code.0, None).is_err(),
            })
            .collect();
        states.sort_by(|a, b| a.name.cmp(&b.name));
        let mut districts: Vec<PlaceChoice> = gazetteer
            .districts()
            .map(|d| PlaceChoice {
                code: d.code.0,
                name: d.name.clone(),
                state: Some(d.state.0),
                unlisted: server.check(d.state.0, Some(d.code.0)).is_err(),
            })
            .collect();
        districts.sort_by(|a, b| a.name.cmp(&b.name));
        let sectors = self
            .sectors()?
            .entries()
            .iter()
            .map(|e| (e.slug.clone(), e.label.clone()))
            .collect();
        Ok(Choices {
            sectors,
            states,
            districts,
        })
    }
}

/// The seller list's filters but the platform's, as SQL over `sellers s` with its arguments,
/// and the typed name they hold.
fn seller_where(q: &SellerQuery) -> (String, Vec<Sql>, Option<&str>) {
    let mut filter = String::from(" WHERE 1 = 1");
    let mut args: Vec<Sql> = Vec::new();
    if let Some(s) = q.state {
        filter.push_str(" AND s.state = ?");
        args.push(Sql::Integer(s.0.into()));
    }
    if let Some(d) = q.district {
        filter.push_str(" AND s.district = ?");
        args.push(Sql::Integer(d.0.into()));
    }
    if let Some(k) = &q.kind {
        filter.push_str(" AND s.kind = ?");
        args.push(Sql::Text(k.clone()));
    }
    if let Some(p) = q.product {
        filter.push_str(" AND s.rowid IN (SELECT seller FROM seller_products WHERE product = ?)");
        args.push(Sql::Text(p.to_string()));
    }
    if let Some(p) = &q.packaging {
        filter.push_str(" AND s.packaging = ?");
        args.push(Sql::Text(p.clone()));
    }
    let name = q.name.as_deref().map(str::trim).filter(|n| !n.is_empty());
    if let Some(name) = name {
        // The typed text is matched as it is: `%` and `_` in it are letters, not wildcards.
        let escaped = name
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        filter.push_str(" AND s.name LIKE ? ESCAPE '\\'");
        args.push(Sql::Text(format!("%{escaped}%")));
    }
    (filter, args, name)
}

/// The platform's clause of the seller list: those on it, or with `not`, those not on it.
fn platform_in(filter: &mut String, args: &mut Vec<Sql>, not: bool, platform: &str) {
    let not = if not { "NOT " } else { "" };
    filter.push_str(&format!(
        " AND s.rowid {not}IN (SELECT seller FROM seller_platforms WHERE platform = ?)"
    ));
    args.push(Sql::Text(platform.to_owned()));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Store {
        let mut store = Store::open_in_memory().unwrap();
        store.load_sample("test").unwrap();
        store
    }

    /// A kind's list, all of it (the sample's lists are short).
    fn whole(store: &Store, kind: EntityKind) -> Page<RecordRow> {
        store
            .record_page(
                kind,
                &RecordQuery {
                    limit: 100,
                    ..RecordQuery::default()
                },
            )
            .unwrap()
    }

    #[test]
    fn a_seller_page_is_a_window_with_the_full_count() {
        let store = sample();
        let all = store
            .seller_page(&SellerQuery {
                limit: 1000,
                ..SellerQuery::default()
            })
            .unwrap();
        assert!(all.total >= 3, "the sample has sellers");
        assert_eq!(all.rows.len() as u64, all.total);
        let window = store
            .seller_page(&SellerQuery {
                offset: 1,
                limit: 2,
                ..SellerQuery::default()
            })
            .unwrap();
        assert_eq!(window.total, all.total);
        assert_eq!(window.rows, all.rows[1..3].to_vec());
        let names: Vec<_> = all.rows.iter().map(|r| r.name.clone()).collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted);
    }

    #[test]
    fn sellers_of_a_product_are_those_that_name_it() {
        let store = sample();
        let all = store
            .seller_page(&SellerQuery {
                limit: 1000,
                ..SellerQuery::default()
            })
            .unwrap();
        let seller: Seller = store.get(all.rows[0].id.parse().unwrap()).unwrap().unwrap();
        let product = *seller
            .products
            .first()
            .expect("sample sellers make products");
        let page = store
            .seller_page(&SellerQuery {
                product: Some(product),
                limit: 1000,
                ..SellerQuery::default()
            })
            .unwrap();
        assert!(page.rows.iter().any(|r| r.id == seller.id.to_string()));
        for row in &page.rows {
            let s: Seller = store.get(row.id.parse().unwrap()).unwrap().unwrap();
            assert!(s.products.contains(&product));
        }
    }

    #[test]
    fn sellers_filter_by_whether_they_are_onboarded_on_a_platform() {
        let store = sample();
        let query = |platform: &str, onboarded: Option<bool>| SellerQuery {
            platform: Some(platform.to_owned()),
            onboarded,
            limit: 1000,
            ..SellerQuery::default()
        };
        let names = |q: &SellerQuery| -> Vec<String> {
            let page = store.seller_page(q).unwrap();
            assert_eq!(page.total, page.rows.len() as u64);
            page.rows.into_iter().map(|r| r.name).collect()
        };
        let all = store
            .seller_page(&SellerQuery {
                limit: 1000,
                ..SellerQuery::default()
            })
            .unwrap();
        // The sample's two sellers on GeM, the other four not (yet).
        let on = names(&query("gem", Some(true)));
        let off = names(&query("gem", Some(false)));
        assert_eq!(on.len(), 2, "{on:?}");
        assert_eq!(on.len() + off.len(), all.rows.len());
        for row in &all.rows {
            let onboarded = row.onboarded.iter().any(|p| p == "gem");
            assert_eq!(on.contains(&row.name), onboarded, "{}", row.name);
        }
        // "Onboarded" when not said, and a platform no seller is on lists none.
        assert_eq!(names(&query("gem", None)), on);
        assert!(names(&query("meesho", Some(true))).is_empty());
        assert_eq!(names(&query("meesho", Some(false))).len(), all.rows.len());
        // A later page may bring the total the first page gave, and is not counted again.
        let later = store
            .seller_page(&SellerQuery {
                offset: 1,
                known_total: Some(2),
                ..query("gem", Some(true))
            })
            .unwrap();
        assert_eq!((later.total, later.rows.len()), (2, 1));
    }

    #[test]
    fn sellers_are_found_by_a_part_of_their_name() {
        let mut store = sample();
        for name in [
            "Weavers 100% Silk",
            "Weavers_of_Kashi",
            "Kashi Weavers Guild",
        ] {
            let pairs = [("district", "187"), ("name", name), ("kind", "weaver")]
                .map(|(k, v)| (k.to_owned(), v.to_owned()));
            store
                .save_form(EntityKind::Seller, None, &pairs, "test")
                .unwrap();
        }
        let found = |district: Option<u32>, name: &str| -> Vec<String> {
            let page = store
                .seller_page(&SellerQuery {
                    district: district.map(DistrictCode),
                    name: Some(name.to_owned()),
                    limit: 1000,
                    ..SellerQuery::default()
                })
                .unwrap();
            assert_eq!(page.total, page.rows.len() as u64);
            page.rows.into_iter().map(|r| r.name).collect()
        };
        // In either case, anywhere in the name, within the district.
        assert_eq!(
            found(Some(187), "KASHI"),
            [
                "Kashi Silk Weavers Cooperative",
                "Kashi Weavers Guild",
                "Weavers_of_Kashi"
            ]
        );
        assert!(found(Some(179), "kashi").is_empty());
        // `%` and `_` are the letters typed, not wildcards.
        assert_eq!(found(None, "100%"), ["Weavers 100% Silk"]);
        assert_eq!(found(None, "s_o"), ["Weavers_of_Kashi"]);
        assert!(found(None, "s%k").is_empty());
        // Blank text finds every seller.
        assert_eq!(found(Some(187), "  ").len(), found(Some(187), "").len());
        assert!(found(Some(187), "").len() >= 3);
    }

    #[test]
    fn one_record_is_listed_by_its_id_where_it_matches_the_rest() {
        let store = sample();
        let gaps = whole(&store, EntityKind::Gap);
        let gap = &gaps.rows[gaps.rows.len() - 1];
        let id: Id = gap.id.parse().unwrap();
        let state = gap.fields["state"].as_u64().unwrap() as u16;
        let by_id = |state: u16| {
            store
                .record_page(
                    EntityKind::Gap,
                    &RecordQuery {
                        id: Some(id),
                        state: Some(StateCode(state)),
                        limit: 1,
                        ..RecordQuery::default()
                    },
                )
                .unwrap()
        };
        let found = by_id(state);
        assert_eq!((found.total, found.rows.len()), (1, 1));
        assert_eq!(found.rows[0].title, gap.title);
        assert!(by_id(state + 1).rows.is_empty(), "not in another state");
    }

    #[test]
    fn districts_filter_by_their_products() {
        let store = sample();
        let all = store.district_rows(&DistrictQuery::default()).unwrap();
        let handloom = store
            .district_rows(&DistrictQuery {
                sector: Some("handloom".into()),
                ..DistrictQuery::default()
            })
            .unwrap();
        assert!(!handloom.is_empty() && handloom.len() < all.len());
        assert!(handloom
            .iter()
            .all(|d| d.sectors.contains(&"handloom".into())));
        let varanasi = all.iter().find(|d| d.code == 187).unwrap();
        assert_eq!(varanasi.primary.as_deref(), Some("Banarasi Silk Saree"));
        assert_eq!(varanasi.gi_products, 2);
        // One state's, alone and with a sector: what a state's dashboard opens.
        let up = |sector: Option<&str>| {
            store
                .district_rows(&DistrictQuery {
                    state: Some(StateCode(9)),
                    sector: sector.map(str::to_owned),
                    ..DistrictQuery::default()
                })
                .unwrap()
        };
        let up_all = up(None);
        assert_eq!(up_all.len(), 7);
        assert!(up_all.iter().all(|d| d.state_code == 9));
        let up_handloom = up(Some("handloom"));
        assert!(!up_handloom.is_empty() && up_handloom.len() < handloom.len());
        assert!(up_handloom.iter().all(|d| d.state_code == 9));
    }

    #[test]
    fn actions_say_their_gap_and_when_they_are_overdue_and_gaps_count_their_actions() {
        let store = sample();
        let page = |q: RecordQuery, kind| {
            store
                .record_page(kind, &RecordQuery { limit: 100, ..q })
                .unwrap()
        };
        // The sample's one action is in progress and due on 2027-01-31.
        let before: Date = "2027-01-31".parse().unwrap();
        let after: Date = "2027-02-01".parse().unwrap();
        let on = |today: Date, overdue: bool| RecordQuery {
            today: Some(today),
            overdue,
            ..RecordQuery::default()
        };
        let actions = page(on(before, false), EntityKind::Action);
        assert_eq!(actions.total, 1);
        let action = &actions.rows[0];
        assert_eq!(
            action.gap.as_deref(),
            Some("Individual weavers ship sarees in plastic covers; parcels arrive creased.")
        );
        assert!(!action.overdue, "due today is not overdue");
        assert_eq!(page(on(before, true), EntityKind::Action).total, 0);
        let late = page(on(after, true), EntityKind::Action);
        assert_eq!(late.total, 1);
        assert!(late.rows[0].overdue);

        let by_status = |status| {
            page(
                RecordQuery {
                    status: Some(status),
                    ..RecordQuery::default()
                },
                EntityKind::Action,
            )
            .total
        };
        assert_eq!(by_status(ActionStatus::InProgress), 1);
        assert_eq!(by_status(ActionStatus::Done), 0);

        let gaps = page(RecordQuery::default(), EntityKind::Gap);
        let tally = |description: &str| {
            gaps.rows
                .iter()
                .find(|r| r.title.starts_with(description))
                .unwrap()
                .actions
        };
        assert_eq!(
            tally("Individual weavers"),
            Some(ActionTally { all: 1, to_do: 1 })
        );
        assert_eq!(
            tally("Weavers without GSTIN"),
            Some(ActionTally { all: 0, to_do: 0 })
        );
        assert!(gaps.rows.iter().all(|r| r.gap.is_none() && !r.overdue));
        let closed = page(
            RecordQuery {
                open: Some(false),
                ..RecordQuery::default()
            },
            EntityKind::Gap,
        );
        assert_eq!(closed.total, 0);
    }

    #[test]
    fn actions_come_in_the_order_they_fall_due() {
        let mut store = sample();
        let gap = Id::derived("sample", "g-gem").to_string();
        for (owner, due) in [
            ("Undated", ""),
            ("Later", "2027-03-01"),
            ("Sooner", "2026-12-20"),
        ] {
            store
                .save_form(
                    EntityKind::Action,
                    None,
                    &[
                        ("gap".to_owned(), gap.clone()),
                        ("kind".to_owned(), "ecommerce_onboarding".to_owned()),
                        ("owner".to_owned(), owner.to_owned()),
                        ("due".to_owned(), due.to_owned()),
                    ],
                    "test",
                )
                .unwrap();
        }
        let page = whole(&store, EntityKind::Action);
        let owners: Vec<&str> = page
            .rows
            .iter()
            .map(|r| r.fields["owner"].as_str().unwrap())
            .collect();
        // The sample's own action is due on 2027-01-31.
        assert_eq!(
            owners,
            [
                "Sooner",
                "District Industries Centre, Varanasi",
                "Later",
                "Undated"
            ]
        );
    }

    #[test]
    fn open_gaps_of_a_kind_are_those_the_dashboard_counts() {
        let store = sample();
        let stats = store.stats(None).unwrap();
        assert!(
            !stats.open_gaps_by_kind.is_empty(),
            "the sample has open gaps"
        );
        for count in &stats.open_gaps_by_kind {
            let kind: ActionKind = count.key.parse().unwrap();
            let page = store
                .record_page(
                    EntityKind::Gap,
                    &RecordQuery {
                        open: Some(true),
                        gap_kind: Some(kind),
                        limit: 100,
                        ..RecordQuery::default()
                    },
                )
                .unwrap();
            assert_eq!(page.total, count.count, "{kind}");
            assert!(page
                .rows
                .iter()
                .all(|r| r.fields["kind"] == kind.as_str() && r.fields["open"] == true));
        }
        // Actions are filtered by their kind too.
        let actions = whole(&store, EntityKind::Action);
        let kind: ActionKind = actions.rows[0].fields["kind"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        let of_kind = store
            .record_page(
                EntityKind::Action,
                &RecordQuery {
                    gap_kind: Some(kind),
                    limit: 100,
                    ..RecordQuery::default()
                },
            )
            .unwrap();
        let expected = actions
            .rows
            .iter()
            .filter(|r| r.fields["kind"] == kind.as_str())
            .count();
        assert_eq!(of_kind.rows.len(), expected);
    }

    #[test]
    fn a_record_query_reads_as_the_window_sends_it() {
        let q: RecordQuery = serde_json::from_value(serde_json::json!({
            "status": "in_progress", "overdue": true, "today": "2027-02-01",
            "open": false, "state": 9, "limit": 0
        }))
        .unwrap();
        assert_eq!(q.status, Some(ActionStatus::InProgress));
        assert!(q.overdue);
        assert_eq!(
            q.today.map(|d| d.to_string()).as_deref(),
            Some("2027-02-01")
        );
        assert_eq!(
            (q.open, q.state, q.limit),
            (Some(false), Some(StateCode(9)), 0)
        );
        let err =
            serde_json::from_value::<RecordQuery>(serde_json::json!({ "status": "finished" }))
                .unwrap_err();
        assert!(err.to_string().contains("finished"), "{err}");
    }

    #[test]
    fn list_rows_say_where_each_record_stands_with_the_server() {
        let store = sample();
        let lalita = Id::derived("sample", "s-lalita").to_string();
        let gem = Id::derived("sample", "g-gem").to_string();
        store
            .conn()
            .execute(
                "INSERT INTO sync_refusals (seq, entity, row_id, op, fields, code, reason, at) \
                 VALUES (1, 'seller', ?1, 'update', '{}', 'forbidden', 'not yours', 'now')",
                [&lalita],
            )
            .unwrap();
        store
            .conn()
            .execute(
                "INSERT INTO sync_conflicts (id, entity, row_id, field, body, open) \
                 VALUES ('c1', 'gap', ?1, 'description', '{}', 1)",
                [&gem],
            )
            .unwrap();
        let sellers = store
            .seller_page(&SellerQuery {
                limit: 100,
                ..SellerQuery::default()
            })
            .unwrap();
        for row in &sellers.rows {
            // The sample was never sent, so every other seller waits.
            let expected = if row.id == lalita {
                SyncState::Refused
            } else {
                SyncState::Pending
            };
            assert_eq!(row.sync, expected, "{}", row.name);
        }
        let gaps = whole(&store, EntityKind::Gap);
        let state = |id: &str| gaps.rows.iter().find(|r| r.id == id).unwrap().sync;
        assert_eq!(state(&gem), SyncState::Conflict);
        assert_eq!(
            state(&Id::derived("sample", "g-packaging").to_string()),
            SyncState::Pending
        );
    }

    #[test]
    fn record_pages_and_details() {
        let store = sample();
        let stories = whole(&store, EntityKind::Story);
        assert!(stories.total > 0);
        assert!(!stories.rows[0].title.is_empty());
        let detail = store.district_detail(DistrictCode(187)).unwrap();
        assert_eq!(detail.name, "Varanasi");
        assert_eq!(detail.products.len(), 2);
        assert_eq!(detail.products[0].sync, SyncState::Pending);
        // Its sellers' figures agree with the state's districts side by side.
        let row = store
            .district_figures(StateCode(9), "2027-02-01".parse().unwrap())
            .unwrap()
            .into_iter()
            .find(|r| r.district == 187)
            .unwrap();
        assert_eq!(
            (
                detail.sellers,
                detail.sellers_onboarded,
                detail.packaging_needed
            ),
            (row.sellers, row.sellers_onboarded, row.packaging_needed)
        );
        assert!(detail.sellers_onboarded > 0 && detail.packaging_needed > 0);
        let product = store.product_detail(detail.products[0].product.id).unwrap();
        assert_eq!(product.district_name, "Varanasi");
        assert_eq!(product.sector_label, "Handloom");
        let choices = store.choices().unwrap();
        assert!(choices.districts.iter().any(|d| d.code == 187));
        assert!(matches!(
            store.district_detail(DistrictCode(99_999)),
            Err(StoreError::UnknownDistrict { .. })
        ));
    }
}
