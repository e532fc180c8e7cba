//! Who the actions belong to: the District Industries Centres, export councils and cells a
//! state's actions name, each one owner however its name is written (see
//! [`odop_domain::owner_key`]).

use std::collections::HashMap;

use odop_domain::{owner_key, StateCode};
use serde::Serialize;

use crate::browse::TO_DO;
use crate::{Store, StoreError};

/// One owner of actions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActionOwner {
    /// The name as most of its actions write it (of two as common, the first in order).
    pub name: String,
    /// Its actions still to do: open or in progress.
    pub to_do: u64,
    pub actions: u64,
}

impl Store {
    /// The owners of one state's actions (or of every state's), by name.
    pub fn action_owners(&self, state: Option<StateCode>) -> Result<Vec<ActionOwner>, StoreError> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT body ->> '$.owner', count(*), sum(status IN {TO_DO}) \
             FROM actions WHERE ?1 IS NULL OR state = ?1 GROUP BY 1"
        ))?;
        let rows = stmt.query_map([state.map(|s| s.0)], |r| {
            Ok((
                r.get::<_, Option<String>>(0)?.unwrap_or_default(),
                r.get::<_, i64>(1)? as u64,
                r.get::<_, i64>(2)? as u64,
            ))
        })?;
        // Each owner with its spellings and how many actions write each.
        let mut owners: HashMap<String, (Vec<(String, u64)>, u64)> = HashMap::new();
        for row in rows {
            let (written, actions, to_do) = row?;
            let owner = owners.entry(owner_key(&written)).or_default();
            owner.0.push((written, actions));
            owner.1 += to_do;
        }
        let mut out: Vec<ActionOwner> = owners
            .into_values()
            .map(|(mut spellings, to_do)| {
                spellings.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                ActionOwner {
                    name: spellings[0].0.clone(),
                    to_do,
                    actions: spellings.iter().map(|s| s.1).sum(),
                }
            })
            .collect();
        out.sort_by_cached_key(|o| (o.name.to_lowercase(), o.name.clone()));
        Ok(out)
    }

    /// Every way the actions write the owner `name` is written as: what a list of one owner's
    /// actions matches.
    pub(crate) fn owner_spellings(&self, name: &str) -> Result<Vec<String>, StoreError> {
        let key = owner_key(name);
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT DISTINCT body ->> '$.owner' FROM actions")?;
        let written = stmt.query_map([], |r| r.get::<_, Option<String>>(0))?;
        let mut out = Vec::new();
        for w in written {
            if let Some(w) = w? {
                if owner_key(&w) == key {
                    out.push(w);
                }
            }
        }
        Ok(out)
    }
}
