use std::collections::BTreeMap;

use odop_protocol::{Change, Role, MAX_PULL_LIMIT};
use serde_json::Value;

use crate::{Account, Ledger, LedgerError};

/// The places live rows lie in, with how many rows lie in each: (state, district where the row
/// names one) -> rows. Read through the same pages a central desk's first sync reads, so every
/// backend answers alike; it is for an administrator about to change the lists, not for pushes.
pub fn places_in_use(
    ledger: &dyn Ledger,
) -> Result<BTreeMap<(u16, Option<u32>), u64>, LedgerError> {
    let reader = Account::new("places", Role::Central, None)?;
    let mut used = BTreeMap::new();
    let (mut cursor, mut horizon) = (0, 0);
    loop {
        let page = ledger.pull(&reader, cursor, horizon, MAX_PULL_LIMIT)?;
        for change in &page.changes {
            if let Change::Row { state, fields, .. } = change {
                let district = fields
                    .get("district")
                    .and_then(Value::as_u64)
                    // A stored row's district is a code the domain accepted, so it fits.
                    .and_then(|d| u32::try_from(d).ok());
                *used.entry((*state, district)).or_insert(0) += 1;
            }
        }
        if !page.more {
            return Ok(used);
        }
        (cursor, horizon) = (page.cursor, page.horizon);
    }
}
