//! Sellers recorded twice: found by a GSTIN, Udyam number or phone number that two records of
//! one state share, and merged into one record by ordinary edits that sync.

use std::collections::BTreeMap;

use odop_domain::{
    phone_mark, EntityKind, Gap, Id, Seller, SellerMark, StateCode, Story, Workshop,
};
use rusqlite::types::Value as Sql;
use serde::Serialize;

use crate::{Edit, Referrer, SellerRow, Store, StoreError};

/// Sellers of one state that share a mark: likely one seller recorded twice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Duplicates {
    pub mark: SellerMark,
    /// The mark as the records share it (a phone number's last ten digits).
    pub value: String,
    pub state: u16,
    /// By name.
    pub sellers: Vec<SellerRow>,
}

/// What merging one seller into another did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Merged {
    pub kept: Id,
    pub gone: Id,
    /// The kept seller's fields filled in from the merged one's, by form key.
    pub taken: Vec<String>,
    /// The records that named the merged seller and now name the kept one.
    pub renamed: Vec<Referrer>,
}

impl Store {
    /// Every set of sellers in one state (or in every state) that share a GSTIN, a Udyam
    /// number or a phone number: GSTINs first, then Udyam numbers, then phones, each by value.
    /// Sellers of different states are never put together: a record names only its own
    /// state's sellers, so they could not be merged.
    pub fn duplicate_sellers(
        &self,
        state: Option<StateCode>,
    ) -> Result<Vec<Duplicates>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, state, body ->> '$.gstin', body ->> '$.udyam', \
                    body ->> '$.contact.phone' \
             FROM sellers WHERE (?1 IS NULL OR state = ?1)",
        )?;
        let mut sharing: BTreeMap<(SellerMark, String, u16), Vec<String>> = BTreeMap::new();
        let rows = stmt.query_map([state.map(|s| s.0)], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<u16>>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<String>>(4)?,
            ))
        })?;
        for row in rows {
            let (id, state, gstin, udyam, phone) = row?;
            let phone = phone.as_deref().and_then(phone_mark);
            for (mark, value) in [
                (SellerMark::Gstin, gstin),
                (SellerMark::Udyam, udyam),
                (SellerMark::Phone, phone),
            ] {
                if let Some(value) = value {
                    sharing
                        .entry((mark, value, state.unwrap_or_default()))
                        .or_default()
                        .push(id.clone());
                }
            }
        }
        let mut out = Vec::new();
        for ((mark, value, state), ids) in sharing {
            if ids.len() < 2 {
                continue;
            }
            let window = "SELECT s.rowid AS row, s.name AS name FROM sellers s \
                          WHERE s.id IN (SELECT value FROM json_each(?))";
            let ids = serde_json::to_string(&ids).unwrap_or_default();
            let sellers = self.seller_rows(window, vec![Sql::Text(ids)])?;
            out.push(Duplicates {
                mark,
                value,
                state,
                sellers,
            });
        }
        Ok(out)
    }

    /// Merges seller `gone` into seller `keep` in an edit of its own, as `who`'s (see
    /// [`Edit::merge_sellers`]).
    pub fn merge_sellers(&mut self, who: &str, gone: Id, keep: Id) -> Result<Merged, StoreError> {
        let mut edit = self.edit(who)?;
        let merged = edit.merge_sellers(gone, keep)?;
        edit.commit()?;
        Ok(merged)
    }
}

impl Edit<'_> {
    /// Merges seller `gone` into seller `keep`, two records of one seller in one state: `keep`
    /// takes what it lacks of `gone`'s details (see [`Seller::absorb`]), every workshop, story
    /// and gap that names `gone` names `keep` instead, and `gone` is deleted. Each step is an
    /// ordinary edit, so the merge syncs; in one edit, it is kept whole or not at all.
    pub fn merge_sellers(&mut self, gone: Id, keep: Id) -> Result<Merged, StoreError> {
        let refuse = |why: String| StoreError::Unmergeable { gone, keep, why };
        if gone == keep {
            return Err(refuse("they are the same record".into()));
        }
        let found = |id| StoreError::NotFound {
            kind: EntityKind::Seller,
            id,
        };
        let mut kept: Seller = self.get(keep)?.ok_or_else(|| found(keep))?;
        let other: Seller = self.get(gone)?.ok_or_else(|| found(gone))?;
        if kept.state != other.state {
            return Err(refuse(format!(
                "they are sellers of different states ({} and {}), and a record names only its \
                 own state's sellers",
                other.state.0, kept.state.0
            )));
        }
        let taken = kept.absorb(&other);
        if !taken.is_empty() {
            self.put(&kept)?;
        }
        let renamed = self.referrers(EntityKind::Seller, gone, None, u32::MAX)?;
        for r in &renamed {
            let id: Id = r.id.parse().map_err(|_| StoreError::Corrupt {
                kind: r.kind,
                id: r.id.clone(),
                reason: "its id is not an id".into(),
            })?;
            match r.kind {
                EntityKind::Workshop => {
                    let Some(mut w) = self.get::<Workshop>(id)? else {
                        continue;
                    };
                    let mut met = Vec::with_capacity(w.sellers_met.len());
                    for s in w.sellers_met {
                        let s = if s == gone { keep } else { s };
                        if !met.contains(&s) {
                            met.push(s);
                        }
                    }
                    w.sellers_met = met;
                    self.put(&w)?;
                }
                EntityKind::Story => {
                    if let Some(mut s) = self.get::<Story>(id)? {
                        s.seller = Some(keep);
                        self.put(&s)?;
                    }
                }
                EntityKind::Gap => {
                    if let Some(mut g) = self.get::<Gap>(id)? {
                        g.seller = Some(keep);
                        self.put(&g)?;
                    }
                }
                // Nothing else names a seller. Should a kind come to, the deletion below
                // refuses while it does, and the edit keeps nothing.
                _ => {}
            }
        }
        self.delete(EntityKind::Seller, gone)?;
        Ok(Merged {
            kept: keep,
            gone,
            taken: taken.into_iter().map(str::to_owned).collect(),
            renamed,
        })
    }
}
