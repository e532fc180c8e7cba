use std::collections::BTreeMap;

use odop_domain::{Date, StateCode};
use rusqlite::types::Value as Sql;
use serde::Serialize;

use crate::{Store, StoreError};

/// A labelled count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Count {
    pub key: String,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DistrictRef {
    pub code: u32,
    pub name: String,
    pub state: String,
}

/// The coverage figures a department reports, for one state or the whole country.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    pub districts: u64,
    pub districts_covered: u64,
    /// Districts with at least one product but none ranked primary.
    pub without_primary: Vec<DistrictRef>,
    /// Districts of the states in scope that have no product at all.
    pub without_products: u64,
    pub products: u64,
    pub products_by_sector: Vec<Count>,
    pub gi_products: u64,
    /// GI-registered products as a share of all products, 0 to 1.
    pub gi_share: f64,
    pub sellers: u64,
    /// Sellers whose onboarding on a platform is complete, per platform.
    pub sellers_onboarded: Vec<Count>,
    /// Sellers by packaging status, the work first: needed, in progress, done, then not
    /// assessed; a status no seller has is left out.
    pub sellers_packaging: Vec<Count>,
    pub open_gaps_by_kind: Vec<Count>,
    pub workshops: u64,
    pub stories: u64,
    /// States in scope by the status of their ODOP policy; a state with no policy record
    /// counts as `none`.
    pub policies: Vec<Count>,
}

/// Where a grouped count goes in a state's row.
type Set = fn(&mut StateFigures, u64);

/// One state's figures in a row beside the others': what DPIIT compares the states by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StateFigures {
    pub state: StateCode,
    /// The LGD list's name, or the code when the list lacks the state.
    pub name: String,
    pub districts: u64,
    /// Districts with at least one product.
    pub districts_covered: u64,
    /// Districts with products but none ranked primary.
    pub without_primary: u64,
    pub products: u64,
    pub gi_products: u64,
    pub sellers: u64,
    /// Sellers onboarded on at least one platform.
    pub sellers_onboarded: u64,
    /// Sellers whose packaging needs help.
    pub packaging_needed: u64,
    pub workshops: u64,
    pub stories: u64,
    pub open_gaps: u64,
    /// Actions still to do whose due date has passed.
    pub overdue_actions: u64,
    /// Its ODOP policy's status; `none` without a policy record.
    pub policy: String,
}

impl StateFigures {
    /// Its counts after the districts covered, in the order its table's columns give them:
    /// without a primary product, products, GI-registered, sellers, onboarded, needing
    /// packaging, workshops, stories, open gaps, overdue actions.
    pub fn counts(&self) -> [u64; 10] {
        [
            self.without_primary,
            self.products,
            self.gi_products,
            self.sellers,
            self.sellers_onboarded,
            self.packaging_needed,
            self.workshops,
            self.stories,
            self.open_gaps,
            self.overdue_actions,
        ]
    }

    fn new(state: StateCode) -> StateFigures {
        StateFigures {
            state,
            name: state.0.to_string(),
            districts: 0,
            districts_covered: 0,
            without_primary: 0,
            products: 0,
            gi_products: 0,
            sellers: 0,
            sellers_onboarded: 0,
            packaging_needed: 0,
            workshops: 0,
            stories: 0,
            open_gaps: 0,
            overdue_actions: 0,
            policy: "none".to_owned(),
        }
    }
}

/// One district's figures in a row beside the others of its state: what a state's ODOP cell
/// compares its districts by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DistrictFigures {
    pub district: u32,
    /// The LGD list's name, or the code when the list lacks the district.
    pub name: String,
    pub products: u64,
    /// Whether one of its products is ranked primary.
    pub has_primary: bool,
    pub gi_products: u64,
    pub sellers: u64,
    /// Sellers onboarded on at least one platform.
    pub sellers_onboarded: u64,
    /// Sellers whose packaging needs help.
    pub packaging_needed: u64,
    pub workshops: u64,
    /// Open gaps heard of the district.
    pub open_gaps: u64,
    /// Actions still to do, on the district's gaps, whose due date has passed.
    pub overdue_actions: u64,
}

impl DistrictFigures {
    /// Whether one of its products is ranked primary; `None` when it has no product, and so
    /// nothing to rank.
    pub fn primary(&self) -> Option<bool> {
        (self.products > 0).then_some(self.has_primary)
    }

    /// Its counts after the products, in the order its table's columns give them:
    /// GI-registered, sellers, onboarded, needing packaging, workshops, open gaps, overdue
    /// actions.
    pub fn counts(&self) -> [u64; 7] {
        [
            self.gi_products,
            self.sellers,
            self.sellers_onboarded,
            self.packaging_needed,
            self.workshops,
            self.open_gaps,
            self.overdue_actions,
        ]
    }

    fn new(district: u32) -> DistrictFigures {
        DistrictFigures {
            district,
            name: district.to_string(),
            products: 0,
            has_primary: false,
            gi_products: 0,
            sellers: 0,
            sellers_onboarded: 0,
            packaging_needed: 0,
            workshops: 0,
            open_gaps: 0,
            overdue_actions: 0,
        }
    }
}

impl Store {
    /// Every state that holds a record, one row each in the order of their names, with the
    /// figures its own dashboard shows. Each figure is one grouped read of its table, so the
    /// cost does not grow with the number of states. `today` judges which actions are overdue.
    pub fn state_figures(&self, today: Date) -> Result<Vec<StateFigures>, StoreError> {
        let conn = self.conn();
        let mut rows: BTreeMap<u16, StateFigures> = BTreeMap::new();
        // Each query gives (state, count); a state first seen holding records gets a row.
        let mut tally =
            |sql: &str, args: &[&dyn rusqlite::ToSql], set: Set| -> Result<(), StoreError> {
                let mut stmt = conn.prepare(sql)?;
                let mut found = stmt.query(args)?;
                while let Some(r) = found.next()? {
                    let (Some(state), count) = (r.get::<_, Option<i64>>(0)?, r.get::<_, i64>(1)?)
                    else {
                        continue;
                    };
                    let Ok(code) = u16::try_from(state) else {
                        continue;
                    };
                    let row = rows
                        .entry(code)
                        .or_insert_with(|| StateFigures::new(StateCode(code)));
                    set(row, count as u64);
                }
                Ok(())
            };
        // One grouped count per figure: (state, count) rows.
        let counts: [(&str, Set); 10] = [
            (
                "SELECT state, count(*) FROM products GROUP BY state",
                |r, n| r.products = n,
            ),
            (
                "SELECT state, count(DISTINCT district) FROM products GROUP BY state",
                |r, n| r.districts_covered = n,
            ),
            (
                "SELECT state, count(*) FROM products WHERE gi = 1 GROUP BY state",
                |r, n| r.gi_products = n,
            ),
            // A district belongs to the state its products name, as `stats` counts it.
            (
                "SELECT state, count(*) FROM (SELECT state, district FROM products \
                 GROUP BY state, district HAVING max(rank = 'primary') = 0) GROUP BY state",
                |r, n| r.without_primary = n,
            ),
            (
                "SELECT state, count(*) FROM sellers GROUP BY state",
                |r, n| r.sellers = n,
            ),
            (
                "SELECT state, count(DISTINCT seller) FROM seller_platforms GROUP BY state",
                |r, n| r.sellers_onboarded = n,
            ),
            // A range of the packaging index, in the order of its states.
            (
                "SELECT state, count(*) FROM sellers WHERE packaging = 'needed' GROUP BY state",
                |r, n| r.packaging_needed = n,
            ),
            (
                "SELECT state, count(*) FROM workshops GROUP BY state",
                |r, n| r.workshops = n,
            ),
            (
                "SELECT state, count(*) FROM stories GROUP BY state",
                |r, n| r.stories = n,
            ),
            (
                "SELECT state, count(*) FROM gaps WHERE open = 1 GROUP BY state",
                |r, n| r.open_gaps = n,
            ),
        ];
        for (sql, set) in counts {
            tally(sql, &[], set)?;
        }
        let today = today.to_string();
        tally(
            &format!(
                "SELECT state, count(*) FROM actions t WHERE {} GROUP BY state",
                crate::browse::overdue_sql()
            ),
            &[&today],
            |r, n| r.overdue_actions = n,
        )?;
        // A policy record makes its state a row too: a state may notify before listing.
        let mut policy = conn
            .prepare("SELECT state, body ->> '$.status' FROM policies WHERE state IS NOT NULL")?;
        let mut found = policy.query([])?;
        while let Some(r) = found.next()? {
            if let Ok(code) = u16::try_from(r.get::<_, i64>(0)?) {
                rows.entry(code)
                    .or_insert_with(|| StateFigures::new(StateCode(code)))
                    .policy = r.get(1)?;
            }
        }
        let mut places = conn.prepare(
            "SELECT s.code, s.name, (SELECT count(*) FROM districts d WHERE d.state = s.code) \
             FROM states s",
        )?;
        let mut found = places.query([])?;
        while let Some(r) = found.next()? {
            if let Some(row) = u16::try_from(r.get::<_, i64>(0)?)
                .ok()
                .and_then(|code| rows.get_mut(&code))
            {
                row.name = r.get(1)?;
                row.districts = r.get::<_, i64>(2)? as u64;
            }
        }
        let mut rows: Vec<StateFigures> = rows.into_values().collect();
        rows.sort_by(|a, b| a.name.cmp(&b.name).then(a.state.cmp(&b.state)));
        Ok(rows)
    }

    /// Coverage statistics; for one state when `state` is given.
    ///
    /// The sellers' packaging is counted from its index, one range per status (the state is
    /// in it too); those not assessed are the rest. Grouping the whole index by status took
    /// twice as long, and the state's own index would have every record read for its status.
    pub fn stats(&self, state: Option<StateCode>) -> Result<Stats, StoreError> {
        let s: Sql = state.map_or(Sql::Null, |s| Sql::Integer(s.0.into()));
        let conn = self.conn();
        let one = |sql: &str| -> Result<u64, StoreError> {
            Ok(conn.query_row(sql, [&s], |r| r.get::<_, i64>(0))? as u64)
        };
        let counts = |sql: &str| -> Result<Vec<Count>, StoreError> {
            let mut stmt = conn.prepare(sql)?;
            let rows = stmt.query_map([&s], |r| {
                Ok(Count {
                    key: r.get(0)?,
                    count: r.get::<_, i64>(1)? as u64,
                })
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        };
        // `?1 IS NULL OR state = ?1` would read every seller: no index serves an OR.
        let in_state = if state.is_some() {
            "state = ?1"
        } else {
            "?1 IS NULL"
        };
        // Districts in scope: those of the given state, or of every state that has products.
        let scope = "(SELECT code FROM districts WHERE (?1 IS NULL AND state IN \
                     (SELECT DISTINCT state FROM products)) OR state = ?1)";
        let districts = one(&format!("SELECT count(*) FROM {scope}"))?;
        let covered = one(&format!(
            "SELECT count(DISTINCT district) FROM products WHERE district IN {scope}"
        ))?;
        let mut stmt = conn.prepare(
            "SELECT d.code, d.name, s.name FROM districts d JOIN states s ON s.code = d.state \
             WHERE (?1 IS NULL OR d.state = ?1) \
               AND EXISTS (SELECT 1 FROM products p WHERE p.district = d.code) \
               AND NOT EXISTS (SELECT 1 FROM products p WHERE p.district = d.code \
                               AND p.rank = 'primary') \
             ORDER BY s.name, d.name",
        )?;
        let without_primary = stmt
            .query_map([&s], |r| {
                Ok(DistrictRef {
                    code: r.get(0)?,
                    name: r.get(1)?,
                    state: r.get(2)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let products = one("SELECT count(*) FROM products WHERE ?1 IS NULL OR state = ?1")?;
        let gi_products =
            one("SELECT count(*) FROM products WHERE (?1 IS NULL OR state = ?1) AND gi = 1")?;
        Ok(Stats {
            districts,
            districts_covered: covered,
            without_primary,
            without_products: districts.saturating_sub(covered),
            products,
            products_by_sector: counts(
                "SELECT coalesce(x.label, p.sector), count(*) FROM products p \
                 LEFT JOIN sectors x ON x.slug = p.sector \
                 WHERE ?1 IS NULL OR p.state = ?1 GROUP BY p.sector ORDER BY count(*) DESC, 1",
            )?,
            gi_products,
            gi_share: if products == 0 {
                0.0
            } else {
                gi_products as f64 / products as f64
            },
            sellers: one(&format!("SELECT count(*) FROM sellers WHERE {in_state}"))?,
            sellers_onboarded: counts(&format!(
                "SELECT platform, count(*) FROM seller_platforms WHERE {in_state} \
                 GROUP BY 1 ORDER BY 2 DESC, 1"
            ))?,
            sellers_packaging: packaging(conn.query_row(
                &format!(
                    "SELECT (SELECT count(*) FROM sellers WHERE {in_state}), \
                            (SELECT count(*) FROM sellers WHERE packaging = 'needed' AND {in_state}), \
                            (SELECT count(*) FROM sellers \
                             WHERE packaging = 'in_progress' AND {in_state}), \
                            (SELECT count(*) FROM sellers WHERE packaging = 'done' AND {in_state})"
                ),
                [&s],
                |r| Ok([r.get::<_, i64>(0)?, r.get(1)?, r.get(2)?, r.get(3)?]),
            )?),
            open_gaps_by_kind: counts(
                "SELECT kind, count(*) FROM gaps WHERE (?1 IS NULL OR state = ?1) AND open = 1 \
                 GROUP BY kind ORDER BY 2 DESC, 1",
            )?,
            workshops: one("SELECT count(*) FROM workshops WHERE ?1 IS NULL OR state = ?1")?,
            stories: one("SELECT count(*) FROM stories WHERE ?1 IS NULL OR state = ?1")?,
            policies: counts(
                "SELECT coalesce(p.body ->> '$.status', 'none'), count(*) FROM states s \
                 LEFT JOIN policies p ON p.state = s.code \
                 WHERE (?1 IS NULL AND s.code IN (SELECT DISTINCT state FROM products)) \
                    OR s.code = ?1 \
                 GROUP BY 1 ORDER BY 2 DESC, 1",
            )?,
        })
    }
}

impl Store {
    /// Districts that no product names, of the given state or of every state holding
    /// products (the districts the coverage figures count as without a product), by state
    /// name, then district name.
    pub fn districts_without_products(
        &self,
        state: Option<StateCode>,
    ) -> Result<Vec<DistrictRef>, StoreError> {
        let s: Sql = state.map_or(Sql::Null, |s| Sql::Integer(s.0.into()));
        let mut stmt = self.conn().prepare(
            "SELECT d.code, d.name, s.name FROM districts d JOIN states s ON s.code = d.state \
             WHERE ((?1 IS NULL AND d.state IN (SELECT DISTINCT state FROM products)) \
                    OR d.state = ?1) \
               AND NOT EXISTS (SELECT 1 FROM products p WHERE p.district = d.code) \
             ORDER BY s.name, d.name",
        )?;
        let rows = stmt.query_map([&s], |r| {
            Ok(DistrictRef {
                code: r.get(0)?,
                name: r.get(1)?,
                state: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// Every district of a state, one row each in the order of their names: those of the LGD
    /// list, with or without records, and any other a record of the state names. Each figure
    /// is one grouped read of its table, of the state's rows alone. Records without a district
    /// (a gap of the whole state) are in no row. `today` judges which actions are overdue.
    pub fn district_figures(
        &self,
        state: StateCode,
        today: Date,
    ) -> Result<Vec<DistrictFigures>, StoreError> {
        let conn = self.conn();
        let code = i64::from(state.0);
        let today = today.to_string();
        let mut rows: BTreeMap<u32, DistrictFigures> = BTreeMap::new();
        let mut places = conn.prepare("SELECT code, name FROM districts WHERE state = ?1")?;
        let mut found = places.query([code])?;
        while let Some(r) = found.next()? {
            let district: u32 = r.get(0)?;
            let mut row = DistrictFigures::new(district);
            row.name = r.get(1)?;
            rows.insert(district, row);
        }
        // Each query gives (district, count); a district first seen here gets a row.
        type Put = fn(&mut DistrictFigures, u64);
        let mut tally = |sql: &str, args: &[&dyn rusqlite::ToSql], set: Put| {
            let mut stmt = conn.prepare(sql)?;
            let mut found = stmt.query(args)?;
            while let Some(r) = found.next()? {
                let Some(district) = r.get::<_, Option<i64>>(0)? else {
                    continue;
                };
                let Ok(district) = u32::try_from(district) else {
                    continue;
                };
                let count = r.get::<_, i64>(1)? as u64;
                set(
                    rows.entry(district)
                        .or_insert_with(|| DistrictFigures::new(district)),
                    count,
                );
            }
            Ok::<_, StoreError>(())
        };
        // Each count reads an index alone where one holds the district beside the state; the
        // packaging index is named, as the planner would rather walk the district index in
        // its order and read every seller's record for its status.
        let counts: [(&str, Put); 5] = [
            (
                "SELECT district, count(*) FROM sellers WHERE state = ?1 GROUP BY district",
                |r, n| r.sellers = n,
            ),
            (
                "SELECT s.district, count(*) FROM sellers s WHERE s.state = ?1 \
                 AND EXISTS (SELECT 1 FROM seller_platforms p WHERE p.seller = s.rowid) \
                 GROUP BY 1",
                |r, n| r.sellers_onboarded = n,
            ),
            (
                "SELECT district, count(*) FROM sellers INDEXED BY sellers_by_packaging \
                 WHERE packaging = 'needed' AND state = ?1 GROUP BY district",
                |r, n| r.packaging_needed = n,
            ),
            (
                "SELECT district, count(*) FROM workshops WHERE state = ?1 GROUP BY district",
                |r, n| r.workshops = n,
            ),
            (
                "SELECT district, count(*) FROM gaps WHERE state = ?1 AND open = 1 \
                 GROUP BY district",
                |r, n| r.open_gaps = n,
            ),
        ];
        for (sql, set) in counts {
            tally(sql, &[&code], set)?;
        }
        // An action's district is its gap's.
        tally(
            &format!(
                "SELECT g.district, count(*) FROM actions t JOIN gaps g ON g.id = t.gap \
                 WHERE t.state = ?1 AND {} GROUP BY 1",
                crate::browse::overdue_sql()
            ),
            &[&code, &today],
            |r, n| r.overdue_actions = n,
        )?;
        // The products in one pass: how many, whether one is primary, how many GI-registered.
        let mut ranks = conn.prepare(
            "SELECT district, count(*), max(rank = 'primary'), sum(gi = 1) FROM products \
             WHERE state = ?1 GROUP BY district",
        )?;
        let mut found = ranks.query([code])?;
        while let Some(r) = found.next()? {
            let Some(Ok(district)) = r.get::<_, Option<i64>>(0)?.map(u32::try_from) else {
                continue;
            };
            let row = rows
                .entry(district)
                .or_insert_with(|| DistrictFigures::new(district));
            row.products = r.get::<_, i64>(1)? as u64;
            row.has_primary = r.get::<_, i64>(2)? > 0;
            row.gi_products = r.get::<_, Option<i64>>(3)?.unwrap_or(0) as u64;
        }
        let mut rows: Vec<DistrictFigures> = rows.into_values().collect();
        rows.sort_by(|a, b| a.name.cmp(&b.name).then(a.district.cmp(&b.district)));
        Ok(rows)
    }
}

/// Packaging counts in the order of the work, from the sellers counted and those needing
/// packaging, with it under way and done: what is needed, under way, done, and last the
/// sellers nobody has assessed, who are the rest (a seller's status is one of the four).
fn packaging([all, needed, in_progress, done]: [i64; 4]) -> Vec<Count> {
    use odop_domain::PackagingStatus as P;
    let rest = all - needed - in_progress - done;
    [
        (P::Needed, needed),
        (P::InProgress, in_progress),
        (P::Done, done),
        (P::NotAssessed, rest),
    ]
    .into_iter()
    .filter(|(_, count)| *count > 0)
    .map(|(status, count)| Count {
        key: status.as_str().to_owned(),
        count: count as u64,
    })
    .collect()
}
