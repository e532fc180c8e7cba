//! Sellers recorded twice: found by a GSTIN, PAN, Udyam number or phone number that two
//! records of one state share, and merged into one record by ordinary edits that sync.

use std::collections::HashMap;

use odop_domain::{
    phone_mark, EntityKind, Gap, Gstin, Id, Seller, SellerMark, StateCode, Story, Workshop,
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
    /// Every set of sellers in one state (or in every state) that share a GSTIN, a PAN (in
    /// two GSTINs or more), a Udyam number or a phone number: GSTINs first, then PANs, Udyam
    /// numbers and phones, each by value.
    /// Sellers of different states are never put together: a record names only its own
    /// state's sellers, so they could not be merged.
    pub fn duplicate_sellers(
        &self,
        state: Option<StateCode>,
    ) -> Result<Vec<Duplicates>, StoreError> {
        self.sets_sharing(state, None)
    }

    /// The sets a seller is in: its state's sellers that share one of its marks with it. What
    /// a form's save points out; it holds only the seller's own marks while reading the state's.
    pub(crate) fn duplicates_of(&self, seller: &Seller) -> Result<Vec<Duplicates>, StoreError> {
        let marks = seller.marks();
        if marks.is_empty() {
            return Ok(Vec::new());
        }
        self.sets_sharing(Some(seller.state), Some(&marks))
    }

    /// The sets of sellers sharing a mark, in one state or every state; with `only`, just the
    /// sets of those marks.
    fn sets_sharing(
        &self,
        state: Option<StateCode>,
        only: Option<&[(SellerMark, String)]>,
    ) -> Result<Vec<Duplicates>, StoreError> {
        // One state's sellers are found by its index; every state's are read whole. Rowids
        // rather than ids keep 100,000 sellers' marks cheap to hold.
        const MARKS: &str = "SELECT rowid, state, body ->> '$.gstin', body ->> '$.udyam', \
                                    body ->> '$.contact.phone' FROM sellers";
        let mut stmt = match state {
            Some(_) => self
                .conn()
                .prepare_cached(&format!("{MARKS} WHERE state = ?1"))?,
            None => self.conn().prepare_cached(MARKS)?,
        };
        let args: Vec<u16> = state.map(|s| s.0).into_iter().collect();
        let mut rows = stmt.query(rusqlite::params_from_iter(args))?;
        let mut sharing: HashMap<(SellerMark, String, u16), Vec<i64>> = HashMap::new();
        while let Some(row) = rows.next()? {
            let rowid: i64 = row.get(0)?;
            let state = row.get::<_, Option<u16>>(1)?.unwrap_or_default();
            let phone = row.get::<_, Option<String>>(4)?;
            let phone = phone.as_deref().and_then(phone_mark);
            let gstin = row.get::<_, Option<String>>(2)?;
            // A stored GSTIN was checked as it was saved.
            let pan = gstin.as_deref().and_then(Gstin::pan_of).map(str::to_owned);
            for (mark, value) in [
                (SellerMark::Gstin, gstin),
                (SellerMark::Pan, pan),
                (SellerMark::Udyam, row.get::<_, Option<String>>(3)?),
                (SellerMark::Phone, phone),
            ] {
                let Some(value) = value else { continue };
                if only.is_some_and(|marks| !marks.iter().any(|(m, v)| *m == mark && *v == value)) {
                    continue;
                }
                sharing.entry((mark, value, state)).or_default().push(rowid);
            }
        }
        let mut shared: Vec<_> = sharing
            .into_iter()
            .filter(|(_, rows)| rows.len() > 1)
            .collect();
        // A PAN's set says more than a GSTIN's only when it joins records of two GSTINs or
        // more. Records of one GSTIN are already that GSTIN's set: the same records, in the
        // same order, since both were read in one pass.
        let one_gstin: std::collections::HashSet<Vec<i64>> = shared
            .iter()
            .filter(|((mark, _, _), _)| *mark == SellerMark::Gstin)
            .map(|(_, rows)| rows.clone())
            .collect();
        shared.retain(|((mark, _, _), rows)| *mark != SellerMark::Pan || !one_gstin.contains(rows));
        shared.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        // Every set's sellers in one read, each put in the sets it is in, by name.
        let mut sets_of: HashMap<i64, Vec<usize>> = HashMap::new();
        for (set, (_, rows)) in shared.iter().enumerate() {
            for row in rows {
                sets_of.entry(*row).or_default().push(set);
            }
        }
        let mut out: Vec<Duplicates> = shared
            .into_iter()
            .map(|((mark, value, state), _)| Duplicates {
                mark,
                value,
                state,
                sellers: Vec::new(),
            })
            .collect();
        if sets_of.is_empty() {
            return Ok(out);
        }
        let window = "SELECT s.rowid AS row, s.name AS name FROM sellers s \
                      WHERE s.rowid IN (SELECT value FROM json_each(?))";
        let rows: Vec<i64> = sets_of.keys().copied().collect();
        let rows = serde_json::to_string(&rows).unwrap_or_default();
        for (row, seller) in self.seller_rows(window, vec![Sql::Text(rows)])? {
            for &set in sets_of.get(&row).into_iter().flatten() {
                out[set].sellers.push(seller.clone());
            }
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
