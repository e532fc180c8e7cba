use odop_domain::{DistrictCode, Entity, EntityKind, Id, Product, Rank, StateCode};
use rusqlite::types::Value as Sql;
use rusqlite::OptionalExtension;
use serde::Serialize;

use crate::edit::{fts_table, history_changes, parse_body};
use crate::{Store, StoreError};

/// One district's line in the district list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DistrictSummary {
    pub code: u32,
    pub name: String,
    pub state_code: u16,
    pub state_name: String,
    pub products: u32,
    pub primary: Option<String>,
}

/// Which products to list; every field left empty matches all.
#[derive(Debug, Clone, Default)]
pub struct ProductFilter {
    pub state: Option<StateCode>,
    pub district: Option<DistrictCode>,
    pub sector: Option<String>,
    pub rank: Option<Rank>,
    pub gi: Option<bool>,
    /// At most this many; all of them when `None`.
    pub limit: Option<usize>,
    /// How many of the matching products, in order, to pass over first.
    pub offset: usize,
}

/// A search result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    pub kind: EntityKind,
    pub id: String,
    pub title: String,
    /// The matching passage with the match between `[` and `]`.
    pub snippet: String,
    pub state: Option<u16>,
    pub district: Option<u32>,
    pub score: f64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryEntry {
    pub at: String,
    pub who: String,
    pub entity: String,
    pub row_id: String,
    pub op: String,
    pub title: String,
    pub fields: serde_json::Value,
    /// The state the record lay in when changed; none for the GI registry.
    pub state: Option<u16>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutboxEntry {
    pub seq: i64,
    pub entity: String,
    pub row_id: String,
    pub op: String,
    pub fields: serde_json::Value,
    pub base_version: i64,
}

impl Store {
    /// One record by id.
    pub fn get<E: Entity>(&self, id: Id) -> Result<Option<E>, StoreError> {
        get_in(self.conn(), id)
    }

    /// Records of one kind, optionally of one state and district, ordered by name or date.
    pub fn list<E: Entity>(
        &self,
        state: Option<StateCode>,
        district: Option<DistrictCode>,
        limit: usize,
        offset: usize,
    ) -> Result<Vec<E>, StoreError> {
        let kind = E::KIND;
        let order = match kind {
            EntityKind::Product | EntityKind::Seller => "name",
            EntityKind::Workshop => "date DESC",
            _ => "rowid",
        };
        let has_district = kind.has_district();
        let mut sql = format!("SELECT id, body FROM {} WHERE 1 = 1", kind.table());
        let mut args: Vec<Sql> = Vec::new();
        if let Some(s) = state {
            sql.push_str(" AND state = ?");
            args.push(Sql::Integer(s.0.into()));
        }
        if let (Some(d), true) = (district, has_district) {
            sql.push_str(" AND district = ?");
            args.push(Sql::Integer(d.0.into()));
        }
        sql.push_str(&format!(" ORDER BY {order} LIMIT ? OFFSET ?"));
        args.push(Sql::Integer(limit.min(i64::MAX as usize) as i64));
        args.push(Sql::Integer(offset as i64));
        self.decode_rows::<E>(&sql, args)
    }

    /// Products matching a filter, by district then rank.
    pub fn products(&self, f: &ProductFilter) -> Result<Vec<Product>, StoreError> {
        let mut sql = String::from("SELECT id, body FROM products WHERE 1 = 1");
        let mut args: Vec<Sql> = Vec::new();
        if let Some(s) = f.state {
            sql.push_str(" AND state = ?");
            args.push(Sql::Integer(s.0.into()));
        }
        if let Some(d) = f.district {
            sql.push_str(" AND district = ?");
            args.push(Sql::Integer(d.0.into()));
        }
        if let Some(s) = &f.sector {
            sql.push_str(" AND sector = ?");
            args.push(Sql::Text(s.clone()));
        }
        if let Some(r) = f.rank {
            sql.push_str(" AND rank = ?");
            args.push(Sql::Text(r.as_str().to_owned()));
        }
        if let Some(g) = f.gi {
            sql.push_str(" AND gi = ?");
            args.push(Sql::Integer(g.into()));
        }
        sql.push_str(
            " ORDER BY district, CASE rank WHEN 'primary' THEN 1 WHEN 'secondary' THEN 2 \
             WHEN 'tertiary' THEN 3 ELSE 4 END, name LIMIT ? OFFSET ?",
        );
        // SQLite reads a negative limit as none.
        args.push(Sql::Integer(f.limit.map_or(-1, |l| l as i64)));
        args.push(Sql::Integer(f.offset as i64));
        self.decode_rows::<Product>(&sql, args)
    }

    pub(crate) fn decode_rows<E: Entity>(
        &self,
        sql: &str,
        args: Vec<Sql>,
    ) -> Result<Vec<E>, StoreError> {
        let mut stmt = self.conn().prepare_cached(sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args), |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, body) = row?;
            out.push(decode::<E>(&id, &body)?);
        }
        Ok(out)
    }

    /// How many records of a kind there are.
    pub fn count(&self, kind: EntityKind) -> Result<u64, StoreError> {
        let n: i64 =
            self.conn()
                .query_row(&format!("SELECT count(*) FROM {}", kind.table()), [], |r| {
                    r.get(0)
                })?;
        Ok(n as u64)
    }

    /// True until the first product is stored.
    pub fn is_empty(&self) -> Result<bool, StoreError> {
        Ok(self.count(EntityKind::Product)? == 0)
    }

    /// Full-text search over products, sellers, stories, workshops and gaps. Each word of the
    /// query must match the start of a word in the record, in any script.
    pub fn search(
        &self,
        query: &str,
        kinds: &[EntityKind],
        limit: usize,
    ) -> Result<Vec<Hit>, StoreError> {
        let Some(fts_query) = fts_query(query) else {
            return Ok(Vec::new());
        };
        // A one- or two-letter prefix matches a large part of the index; ranking every match
        // would cost tens of milliseconds per keystroke, so such queries take the first matches.
        let ranked = query
            .split_whitespace()
            .any(|w| w.chars().filter(|c| c.is_alphanumeric()).count() >= 3);
        let order = if ranked { "ORDER BY f.rank" } else { "" };
        let kinds: Vec<EntityKind> = if kinds.is_empty() {
            EntityKind::ALL.to_vec()
        } else {
            kinds.to_vec()
        };
        let mut hits = Vec::new();
        for kind in kinds {
            let Some(fts) = fts_table(kind) else { continue };
            let table = kind.table();
            // Every searchable kind has a district column (nullable for some kinds).
            // Ordered by FTS5's own `rank` (bm25 with the title weighted five times the rest), the
            // index sorts the matches by score alone and the join and snippet run only for the
            // rows kept; ordered by a bm25() call they ran for every match first.
            let sql = format!(
                "SELECT t.id, f.title, snippet({fts}, -1, '[', ']', '…', 12), t.state, t.district, \
                 -f.rank FROM {fts} f JOIN {table} t ON t.rowid = f.rowid \
                 WHERE {fts} MATCH ?1 AND f.rank MATCH 'bm25(5.0, 1.0)' {order} LIMIT ?2"
            );
            let mut stmt = self.conn().prepare_cached(&sql)?;
            let rows = stmt.query_map(rusqlite::params![fts_query, limit as i64], |r| {
                Ok(Hit {
                    kind,
                    id: r.get(0)?,
                    title: r.get::<_, String>(1)?.trim().to_owned(),
                    snippet: r.get(2)?,
                    state: r.get(3)?,
                    district: r.get(4)?,
                    score: r.get::<_, f64>(5)?,
                })
            })?;
            for row in rows {
                hits.push(row?);
            }
        }
        hits.sort_by(|a, b| b.score.total_cmp(&a.score));
        hits.truncate(limit);
        Ok(hits)
    }

    /// Who changed what, newest first; for one record when `row` is given.
    pub fn history(
        &self,
        row: Option<&str>,
        limit: usize,
    ) -> Result<Vec<HistoryEntry>, StoreError> {
        match row {
            Some(row) => self.history_where("row_id = ?1", &row, limit),
            None => self.history_where("?1 IS NULL", &rusqlite::types::Null, limit),
        }
    }

    /// Who changed what in one state, newest first: its records' changes (deleted ones too)
    /// and its places'. Every change, the GI registry's too, when no state is given.
    pub fn state_history(
        &self,
        state: Option<StateCode>,
        limit: usize,
    ) -> Result<Vec<HistoryEntry>, StoreError> {
        match state {
            Some(code) => self.history_where("state = ?1", &code.0, limit),
            None => self.history(None, limit),
        }
    }

    /// One statement per filter, so that each is planned for its own index.
    fn history_where(
        &self,
        filter: &str,
        value: &dyn rusqlite::ToSql,
        limit: usize,
    ) -> Result<Vec<HistoryEntry>, StoreError> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT at, who, entity, row_id, op, title, fields, state FROM history \
             WHERE {filter} ORDER BY id DESC LIMIT ?2"
        ))?;
        let rows = stmt.query_map(rusqlite::params![value, limit as i64], |r| {
            let op: String = r.get(4)?;
            let fields = serde_json::Value::Object(history_changes(&op, &r.get::<_, String>(6)?));
            Ok(HistoryEntry {
                at: r.get(0)?,
                who: r.get(1)?,
                entity: r.get(2)?,
                row_id: r.get(3)?,
                op,
                title: r.get(5)?,
                fields,
                state: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// Changes not yet pushed, oldest first.
    pub fn outbox(&self, limit: usize) -> Result<Vec<OutboxEntry>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT o.seq, h.entity, h.row_id, h.op, h.fields, o.base_version \
             FROM outbox o JOIN history h ON h.id = o.history_id ORDER BY o.seq LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit as i64], |r| {
            let op: String = r.get(3)?;
            let fields = serde_json::Value::Object(history_changes(&op, &r.get::<_, String>(4)?));
            Ok(OutboxEntry {
                seq: r.get(0)?,
                entity: r.get(1)?,
                row_id: r.get(2)?,
                op,
                fields,
                base_version: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// Every district of every state that has data, with its product count and primary product.
    pub fn district_summaries(&self) -> Result<Vec<DistrictSummary>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT d.code, d.name, s.code, s.name, count(p.id), \
                    min(CASE WHEN p.rank = 'primary' THEN p.name END) \
             FROM districts d JOIN states s ON s.code = d.state \
             LEFT JOIN products p ON p.district = d.code \
             WHERE d.state IN (SELECT DISTINCT state FROM products) \
                OR NOT EXISTS (SELECT 1 FROM products) \
             GROUP BY d.code ORDER BY s.name, d.name",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(DistrictSummary {
                code: r.get(0)?,
                name: r.get(1)?,
                state_code: r.get(2)?,
                state_name: r.get(3)?,
                products: r.get(4)?,
                primary: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }
}

/// One record by id, on any connection or transaction.
pub(crate) fn get_in<E: Entity>(
    conn: &rusqlite::Connection,
    id: Id,
) -> Result<Option<E>, StoreError> {
    let body: Option<String> = conn
        .prepare_cached(&format!(
            "SELECT body FROM {} WHERE id = ?1",
            E::KIND.table()
        ))?
        .query_row([id.to_string()], |r| r.get(0))
        .optional()?;
    body.map(|b| decode::<E>(&id.to_string(), &b)).transpose()
}

fn decode<E: Entity>(id: &str, body: &str) -> Result<E, StoreError> {
    let fields = parse_body(E::KIND, id, body)?;
    E::from_fields(fields).map_err(|e| StoreError::Corrupt {
        kind: E::KIND,
        id: id.to_owned(),
        reason: e.to_string(),
    })
}

/// Turns what a person typed into an FTS5 query: each word quoted (so operators and punctuation
/// in the input are plain text) and matched as a prefix.
fn fts_query(input: &str) -> Option<String> {
    let words: Vec<String> = input
        .split(|c: char| c.is_whitespace() || (c.is_ascii_punctuation() && c != '\''))
        .map(|w| w.trim_matches('\''))
        .filter(|w| !w.is_empty())
        .take(16)
        .map(|w| format!("\"{}\"*", w.replace('"', "\"\"")))
        .collect();
    if words.is_empty() {
        None
    } else {
        Some(words.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_quoted_prefixes() {
        assert_eq!(fts_query("banarasi sa").unwrap(), "\"banarasi\"* \"sa\"*");
        assert_eq!(
            fts_query("NEAR(\"x\" OR y)").unwrap(),
            "\"NEAR\"* \"x\"* \"OR\"* \"y\"*"
        );
        assert_eq!(fts_query("बनारसी").unwrap(), "\"बनारसी\"*");
        assert_eq!(fts_query("  ;; "), None);
    }

    /// Ordering by FTS5's `rank` gives the order an explicit bm25 with the same weights gives:
    /// the best matches, title words counting five times, and the same scores.
    #[test]
    fn ranked_hits_are_the_best_by_bm25_with_the_title_weighted() {
        let mut store = Store::open_in_memory().unwrap();
        store.load_sample("test").unwrap();
        let mut edit = store.edit("test").unwrap();
        for i in 0..120 {
            let (name, description) = match i % 3 {
                0 => (format!("Kasida work {i}"), "Embroidery.".to_owned()),
                1 => (
                    format!("Lacquer {i}"),
                    format!("Kasida {}", "thread ".repeat(i % 7)),
                ),
                _ => (
                    format!("Kasavu saree {i} kasavu"),
                    "Woven in gold.".to_owned(),
                ),
            };
            let p = Product {
                id: Id::new(),
                state: StateCode(9),
                district: DistrictCode(187),
                rank: Rank::Other,
                sector: odop_domain::Sector::from_slug("handloom"),
                name,
                local_name: None,
                description,
                gi: odop_domain::GiStatus::default(),
                photo: None,
                ministry: None,
            };
            edit.put(&p).unwrap();
        }
        edit.commit().unwrap();
        for query in ["kas", "kasida", "kasavu saree"] {
            let hits = store.search(query, &[EntityKind::Product], 20).unwrap();
            let fts = fts_query(query).unwrap();
            let want: Vec<(String, f64)> = store
                .conn()
                .prepare(
                    "SELECT t.id, -bm25(products_fts, 5.0, 1.0) FROM products_fts f \
                     JOIN products t ON t.rowid = f.rowid WHERE products_fts MATCH ?1 \
                     ORDER BY bm25(products_fts, 5.0, 1.0) LIMIT 20",
                )
                .unwrap()
                .query_map([&fts], |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            assert_eq!(hits.len(), want.len(), "{query}");
            for (hit, (id, score)) in hits.iter().zip(&want) {
                assert!(
                    (hit.score - score).abs() < 1e-9,
                    "{query}: {hit:?} against {score}"
                );
                // Rows of equal score may come in either order; others are the same rows.
                if hits
                    .iter()
                    .filter(|h| (h.score - score).abs() < 1e-9)
                    .count()
                    == 1
                {
                    assert_eq!(&hit.id, id, "{query}");
                }
            }
        }
        // A word in the name outranks the same word in the description.
        let hits = store.search("kasida", &[EntityKind::Product], 20).unwrap();
        assert!(hits[0].title.starts_with("Kasida work"), "{:?}", hits[0]);
    }
}
