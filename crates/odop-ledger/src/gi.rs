use std::collections::HashMap;

use odop_domain::{gi_tag, name_key, GiEntry, StateCode};
use odop_protocol::{GiListing, GiPublished, GiRegistry, Role};

use crate::{Account, Ledger, LedgerError};

/// At most this many entries in a registry sent to the server; the real one has some 700.
pub const MAX_GI_ENTRIES: usize = 5_000;

/// Takes a GI registry a central account sent, in place of the one held. The whole list is
/// checked before anything is kept, so a bad entry leaves the registry as it was: each entry
/// must be valid, name a state of the LGD lists (once they are loaded) and appear once, and the
/// tag sent must be the entries' own, so that both sides name this copy alike.
pub fn publish_gi(
    ledger: &dyn Ledger,
    who: &Account,
    registry: &GiRegistry,
) -> Result<GiPublished, LedgerError> {
    if who.role != Role::Central {
        return Err(LedgerError::NotCentral {
            account: who.name.clone(),
            what: "send the GI registry",
        });
    }
    let entries: Vec<GiEntry> = registry.entries.iter().map(entry_of).collect();
    check_gi(ledger, &entries)?;
    let tag = gi_tag(&entries);
    if registry.tag != tag {
        return Err(LedgerError::BadGiRegistry {
            problem: format!(
                "the registry is tagged {:?}, but its entries make {tag:?}",
                registry.tag
            ),
        });
    }
    replace_gi(ledger, &entries)
}

/// Replaces the GI registry with `entries`, checked as [`check_gi`] does; for an administrator
/// loading the list on the server itself.
pub fn replace_gi(ledger: &dyn Ledger, entries: &[GiEntry]) -> Result<GiPublished, LedgerError> {
    check_gi(ledger, entries)?;
    ledger.set_gi_registry(entries)?;
    Ok(GiPublished {
        tag: gi_tag(entries),
        entries: u32::try_from(entries.len()).unwrap_or(u32::MAX),
    })
}

/// Whether `entries` may be the registry: there are some, not too many, each valid, naming
/// only states of the LGD lists (once they are loaded), and each named once. The error names
/// the first entry that fails.
pub fn check_gi(ledger: &dyn Ledger, entries: &[GiEntry]) -> Result<(), LedgerError> {
    let bad = |problem: String| LedgerError::BadGiRegistry { problem };
    if entries.is_empty() {
        return Err(bad(
            "the registry has no entries; an empty list would leave every desk without one".into(),
        ));
    }
    if entries.len() > MAX_GI_ENTRIES {
        return Err(bad(format!(
            "the registry has {} entries; at most {MAX_GI_ENTRIES} are taken",
            entries.len()
        )));
    }
    let places = ledger.places()?;
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (at, entry) in entries.iter().enumerate() {
        let place = || {
            format!(
                "entry {} ({:?}, number {})",
                at + 1,
                entry.name,
                entry.number
            )
        };
        entry
            .check()
            .map_err(|problem| bad(format!("{}: {problem}", place())))?;
        if let Some(state) = entry
            .states
            .iter()
            .find(|s| !places.is_empty() && !places.states.contains(&s.0))
        {
            return Err(bad(format!(
                "{}: state {} is not in the server's LGD lists",
                place(),
                state.0
            )));
        }
        if let Some(first) = seen.insert(name_key(&entry.name), at + 1) {
            return Err(bad(format!("{}: entry {first} has the same name", place())));
        }
    }
    Ok(())
}

/// The wire's entry as the domain's.
pub fn entry_of(listing: &GiListing) -> GiEntry {
    GiEntry {
        number: listing.number,
        name: listing.name.clone(),
        goods: listing.goods.clone(),
        states: listing.states.iter().map(|&s| StateCode(s)).collect(),
    }
}

/// The domain's entry as the wire's.
pub fn listing_of(entry: &GiEntry) -> GiListing {
    GiListing {
        number: entry.number,
        name: entry.name.clone(),
        goods: entry.goods.clone(),
        states: entry.states.iter().map(|s| s.0).collect(),
    }
}
