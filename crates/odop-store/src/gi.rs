//! The GI registry as loaded from its list, and products checked against it.

use std::collections::HashMap;

use odop_domain::{
    gi_clear, gi_score, gi_tag, DistrictCode, Gazetteer, GiEntry, GiFit, GiPlaces, GiProbe,
    GiTerms, Id, Product, StateCode, GI_STRONG, GI_SUGGEST,
};
use rusqlite::{params, Connection};
use serde::Serialize;
use serde_json::json;

use crate::read::ProductFilter;
use crate::sync::{meta_get, meta_set};
use crate::{Edit, Store, StoreError};

/// The tag of the registry held, kept when it is replaced.
const GI_TAG: &str = "gi_registry_tag";
/// `pending` while a registry loaded from a file waits to be sent to the server.
const GI_PUBLISH: &str = "gi_registry_publish";
/// Where the registry held came from ([`Source::word`]), and when it last changed.
const GI_SOURCE: &str = "gi_registry_source";
const GI_SINCE: &str = "gi_registry_since";

/// At most this many registry entries are offered for one product.
const MAX_CANDIDATES: usize = 5;

/// A registry entry offered for a product, with how well it fits (0 to 1).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GiCandidate {
    pub number: u32,
    pub name: String,
    pub goods: String,
    pub score: f64,
    /// The product's words this entry's name has, for telling whether the best is clear.
    #[serde(skip)]
    covers: u64,
}

/// What the check found wrong or worth a look with one product's GI status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GiIssue {
    /// Marked GI-registered without the registry's name; the candidates may give it.
    Unnamed,
    /// Its registry name is none of its state's entries in the registry.
    NotInRegistry,
    /// Marked GI-registered, and nothing in its state's registry resembles it.
    NoEntry,
    /// Not marked GI-registered, yet one of its state's entries fits it well.
    MaybeRegistered,
}

/// One product the check has something to say about.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GiFinding {
    pub product: Id,
    pub name: String,
    pub state: StateCode,
    pub district: DistrictCode,
    pub district_name: String,
    pub registered: bool,
    pub registry_name: Option<String>,
    pub issue: GiIssue,
    /// Best first.
    pub candidates: Vec<GiCandidate>,
    /// Whether the first candidate is clear enough to take without asking.
    pub clear: bool,
}

/// The account of a check of products against the GI registry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GiCheck {
    /// Whether a registry list has been loaded at all.
    pub registry_loaded: bool,
    /// Registry entries of the states checked.
    pub entries: usize,
    pub products: usize,
    /// Products marked GI-registered whose registry name is in the registry.
    pub named: usize,
    pub findings: Vec<GiFinding>,
    /// Each state's share, in order of name: the states with products or registry entries.
    pub states: Vec<GiStateCount>,
    /// The registry checked against: where it came from, and when.
    pub held: GiHeld,
}

/// One state's share of a check, for a view of every state at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GiStateCount {
    pub state: StateCode,
    pub name: String,
    /// Its registry entries.
    pub entries: usize,
    pub products: usize,
    /// Products marked GI-registered whose registry name is in the registry.
    pub named: usize,
    /// Findings of each kind, and how many of the unnamed have a clear name.
    pub unnamed: usize,
    pub clear: usize,
    pub not_in_registry: usize,
    pub no_entry: usize,
    pub maybe_registered: usize,
}

/// What loading a registry list changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct GiCounts {
    pub before: usize,
    pub after: usize,
    /// Whether the registry differs from what it was.
    pub changed: bool,
    /// The registry as it was, for saying what a list changes without reading it again.
    #[serde(skip)]
    pub was: Vec<GiEntry>,
}

impl GiStateCount {
    fn of(gazetteer: &Gazetteer, state: StateCode) -> GiStateCount {
        GiStateCount {
            state,
            name: gazetteer
                .state(state)
                .map_or_else(|| state.to_string(), |s| s.name.clone()),
            entries: 0,
            products: 0,
            named: 0,
            unnamed: 0,
            clear: 0,
            not_in_registry: 0,
            no_entry: 0,
            maybe_registered: 0,
        }
    }
}

/// The GI registry this desk holds, as a sync screen shows it. Counted, not read: the app's
/// status line asks every few seconds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct GiHeld {
    pub entries: usize,
    /// Where the registry held came from: `file` (loaded on this desk), `server` (DPIIT's) or
    /// `sample`; `None` for one loaded before this was kept.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// When it last changed (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    /// Loaded from a file here and not yet sent to the server (a central desk sends it).
    pub unsent: bool,
    /// Why the server would not take the list loaded here.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refused: Option<String>,
}

/// Where a registry list came from: a file loaded on this desk, which a central desk sends to
/// the server at its next sync, or the server, which DPIIT sent it to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    File,
    Server,
    /// The built-in sample's few entries: kept like a file's, and never sent.
    Sample,
}

impl Source {
    fn word(self) -> &'static str {
        match self {
            Source::File => "file",
            Source::Server => "server",
            Source::Sample => "sample",
        }
    }
}

impl Edit<'_> {
    /// Replaces the whole GI registry with `entries` from a file, each of which must be valid.
    /// The registry is reference data, not rows: its loading is written to the history, and a
    /// central desk sends it whole to the server at its next sync.
    pub fn replace_gi_registry(&mut self, entries: &[GiEntry]) -> Result<GiCounts, StoreError> {
        self.write_registry(entries, Source::File)
    }

    pub(crate) fn sample_gi_registry(
        &mut self,
        entries: &[GiEntry],
    ) -> Result<GiCounts, StoreError> {
        self.write_registry(entries, Source::Sample)
    }

    fn write_registry(
        &mut self,
        entries: &[GiEntry],
        source: Source,
    ) -> Result<GiCounts, StoreError> {
        for e in entries {
            e.check().map_err(|problem| StoreError::BadGiEntry {
                number: e.number,
                problem,
            })?;
        }
        let tx = self.tx();
        let held = registry_in(tx, None)?;
        let tag = gi_tag(entries);
        // Loading the same list again changes nothing, and says so in no history entry; the
        // tag is what "the same" means to sync too.
        let changed = gi_tag(&held) != tag;
        let counts = GiCounts {
            before: held.len(),
            after: entries.len(),
            changed,
            was: held,
        };
        // A list from the server is the server's even when this desk held the same.
        if source == Source::Server {
            meta_set(tx, GI_PUBLISH, "")?;
            meta_set(tx, GI_SOURCE, source.word())?;
        }
        if !changed {
            return Ok(counts);
        }
        meta_set(tx, GI_TAG, &tag)?;
        meta_set(tx, GI_SOURCE, source.word())?;
        meta_set(tx, GI_SINCE, self.at())?;
        meta_set(
            tx,
            GI_PUBLISH,
            if source == Source::File {
                "pending"
            } else {
                ""
            },
        )?;
        tx.execute("DELETE FROM gi_registry", [])?;
        {
            let mut entry =
                tx.prepare("INSERT INTO gi_registry (number, name, goods) VALUES (?1, ?2, ?3)")?;
            let mut state =
                tx.prepare("INSERT OR IGNORE INTO gi_registry_states (state, gi) VALUES (?1, ?2)")?;
            for e in entries {
                entry.execute(params![e.number, e.name.trim(), e.goods.trim()])?;
                let id = tx.last_insert_rowid();
                for s in &e.states {
                    state.execute(params![s.0, id])?;
                }
            }
        }
        tx.execute(
            "INSERT INTO history (at, who, entity, row_id, op, title, fields) \
             VALUES (?1, ?2, 'gi_registry', 'registry', 'update', ?3, ?4)",
            params![
                self.at(),
                self.who(),
                match (source, counts.after) {
                    (Source::File | Source::Sample, 1) => "GI registry: 1 entry".to_owned(),
                    (Source::File | Source::Sample, n) => format!("GI registry: {n} entries"),
                    (Source::Server, 1) => "GI registry from the server: 1 entry".to_owned(),
                    (Source::Server, n) => format!("GI registry from the server: {n} entries"),
                },
                json!({ "entries": counts.after, "before": counts.before }).to_string()
            ],
        )?;
        Ok(counts)
    }
}

impl Store {
    /// The tag of the registry held (`gi_tag`), which a pull names so that the server sends
    /// its own only when it differs; `"none"` for none.
    pub fn gi_tag(&self) -> Result<String, StoreError> {
        if let Some(tag) = meta_get(self.conn(), GI_TAG)? {
            return Ok(tag);
        }
        // A registry loaded before its tag was kept: computed once and kept, since every sync
        // round asks.
        let tag = gi_tag(&self.gi_registry(None)?);
        meta_set(self.conn(), GI_TAG, &tag)?;
        Ok(tag)
    }

    /// The registry loaded from a file and not yet sent to the server, with its tag; a central
    /// desk sends it at its next sync. `None` when there is nothing to send.
    pub fn gi_to_publish(&self) -> Result<Option<(String, Vec<GiEntry>)>, StoreError> {
        if meta_get(self.conn(), GI_PUBLISH)?.as_deref() != Some("pending") {
            return Ok(None);
        }
        let entries = self.gi_registry(None)?;
        if entries.is_empty() {
            return Ok(None);
        }
        Ok(Some((gi_tag(&entries), entries)))
    }

    /// Notes that the server took the registry tagged `tag`. A list loaded since it was sent
    /// has another tag, and is still to be sent.
    pub fn gi_published(&mut self, tag: &str) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        if meta_get(&tx, GI_TAG)?.as_deref() == Some(tag) {
            meta_set(&tx, GI_PUBLISH, "")?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Notes that the server would not take the registry tagged `tag`, and why: it is not sent
    /// again until another list is loaded, and the reason stays for the desk to show.
    pub fn gi_publish_refused(&mut self, tag: &str, reason: &str) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        if meta_get(&tx, GI_TAG)?.as_deref() == Some(tag) {
            meta_set(&tx, GI_PUBLISH, &format!("refused: {reason}"))?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The registry held, and where it stands with the server.
    pub fn gi_held(&self) -> Result<GiHeld, StoreError> {
        let entries: i64 = self
            .conn()
            .query_row("SELECT count(*) FROM gi_registry", [], |r| r.get(0))?;
        let publish = meta_get(self.conn(), GI_PUBLISH)?.unwrap_or_default();
        Ok(GiHeld {
            entries: usize::try_from(entries).unwrap_or_default(),
            source: meta_get(self.conn(), GI_SOURCE)?.filter(|_| entries > 0),
            since: meta_get(self.conn(), GI_SINCE)?.filter(|_| entries > 0),
            unsent: publish == "pending" && entries > 0,
            refused: publish.strip_prefix("refused: ").map(str::to_owned),
        })
    }

    /// Takes the registry a pull brought in place of the one held, in one transaction, and
    /// writes its arrival to the history when it changed anything. A list loaded here and not
    /// yet sent is given up: the server's is DPIIT's.
    pub fn keep_server_gi(
        &mut self,
        who: &str,
        entries: &[GiEntry],
    ) -> Result<GiCounts, StoreError> {
        let mut edit = self.edit(who)?;
        let counts = edit.write_registry(entries, Source::Server)?;
        edit.commit()?;
        Ok(counts)
    }

    /// The registry's entries, of one state or of all, in the registry's order.
    pub fn gi_registry(&self, state: Option<StateCode>) -> Result<Vec<GiEntry>, StoreError> {
        registry_in(self.conn(), state)
    }

    /// Checks every product (of one state, or of all) against the registry.
    pub fn gi_check(&self, state: Option<StateCode>) -> Result<GiCheck, StoreError> {
        let gazetteer = self.gazetteer()?;
        let places = places(&gazetteer);
        let entries = self.gi_registry(state)?;
        let mut by_state: HashMap<StateCode, Vec<Listed>> = HashMap::new();
        for e in listed(&gazetteer, &entries) {
            for s in &e.entry.states {
                by_state.entry(*s).or_default().push(e.clone());
            }
        }
        let products = self.products(&ProductFilter {
            state,
            ..ProductFilter::default()
        })?;
        let held = self.gi_held()?;
        let mut check = GiCheck {
            // Counted already for `held`: no second look at the table.
            registry_loaded: held.entries > 0,
            held,
            entries: entries.len(),
            products: products.len(),
            named: 0,
            findings: Vec::new(),
            states: Vec::new(),
        };
        if !check.registry_loaded {
            return Ok(check);
        }
        let mut counts: HashMap<StateCode, GiStateCount> = HashMap::new();
        for (code, own) in &by_state {
            counts
                .entry(*code)
                .or_insert_with(|| GiStateCount::of(&gazetteer, *code))
                .entries = own.len();
        }
        for p in products {
            let own = by_state.get(&p.state).map_or(&[][..], Vec::as_slice);
            let count = counts
                .entry(p.state)
                .or_insert_with(|| GiStateCount::of(&gazetteer, p.state));
            count.products += 1;
            match finding(&gazetteer, &places, p, own) {
                Ok(found) => {
                    match found.issue {
                        GiIssue::Unnamed => {
                            count.unnamed += 1;
                            count.clear += usize::from(found.clear);
                        }
                        GiIssue::NotInRegistry => count.not_in_registry += 1,
                        GiIssue::NoEntry => count.no_entry += 1,
                        GiIssue::MaybeRegistered => count.maybe_registered += 1,
                    }
                    check.findings.push(found);
                }
                Err(Named) => {
                    count.named += 1;
                    check.named += 1;
                }
                Err(Fine) => {}
            }
        }
        // A GI of several states brings the others along; only the states asked for count.
        check.states = counts
            .into_values()
            .filter(|count| state.is_none_or(|s| s == count.state))
            .collect();
        check.states.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(check)
    }

    /// What the check finds for one product; `None` when it has nothing to say.
    pub fn gi_finding(&self, id: Id) -> Result<Option<GiFinding>, StoreError> {
        let Some(product) = self.get::<Product>(id)? else {
            return Err(StoreError::NotFound {
                kind: odop_domain::EntityKind::Product,
                id,
            });
        };
        // With no registry loaded there is nothing to say, not "nothing resembles it".
        if !self.has_gi_registry()? {
            return Ok(None);
        }
        let gazetteer = self.gazetteer()?;
        let own = listed(&gazetteer, &self.gi_registry(Some(product.state))?);
        Ok(finding(&gazetteer, &places(&gazetteer), product, &own).ok())
    }

    /// The registry's names for one state, in order of name, each once.
    pub fn gi_names(&self, state: StateCode) -> Result<Vec<String>, StoreError> {
        let mut stmt = self.conn().prepare(
            "SELECT DISTINCT g.name FROM gi_registry g \
             JOIN gi_registry_states s ON s.gi = g.id WHERE s.state = ?1 ORDER BY g.name",
        )?;
        let names = stmt
            .query_map([state.0], |r| r.get(0))?
            .collect::<Result<Vec<String>, _>>()?;
        Ok(names)
    }

    /// Whether a GI registry list has been loaded.
    pub fn has_gi_registry(&self) -> Result<bool, StoreError> {
        has_registry_in(self.conn())
    }

    /// Gives each GI-registered product without a registry name the name of the one entry that
    /// clearly fits it, as ordinary edits (which sync). Returns the findings it settled.
    pub fn name_gis(
        &mut self,
        state: Option<StateCode>,
        who: &str,
    ) -> Result<Vec<GiFinding>, StoreError> {
        let check = self.gi_check(state)?;
        let settle: Vec<GiFinding> = check
            .findings
            .into_iter()
            .filter(|f| f.issue == GiIssue::Unnamed && f.clear)
            .collect();
        if settle.is_empty() {
            return Ok(settle);
        }
        let mut edit = self.edit(who)?;
        for f in &settle {
            let Some(mut product) = edit.get::<Product>(f.product)? else {
                continue;
            };
            product.gi.registry_name = Some(f.candidates[0].name.clone());
            edit.put(&product)?;
        }
        edit.commit()?;
        Ok(settle)
    }
}

/// Why the check has nothing to say about a product.
enum Quiet {
    /// Marked GI-registered under a name the registry has.
    Named,
    /// Neither marked nor fitting any entry well.
    Fine,
}
use Quiet::{Fine, Named};

/// What the check says about one product, given its state's registry entries.
fn finding(
    gazetteer: &Gazetteer,
    places: &GiPlaces,
    p: Product,
    own: &[Listed],
) -> Result<GiFinding, Quiet> {
    let found = candidates(gazetteer, places, &p, own);
    let fits: Vec<GiFit> = found
        .iter()
        .map(|c| GiFit {
            score: c.score,
            covers: c.covers,
        })
        .collect();
    let clear = gi_clear(&fits);
    let named_in_registry = p.gi.registry_name.as_deref().map(|name| {
        let key = name_key(name);
        own.iter().any(|e| e.key == key)
    });
    let issue = match (p.gi.registered, named_in_registry) {
        (true, Some(true)) => return Err(Named),
        (_, Some(false)) => GiIssue::NotInRegistry,
        (true, None) if found.is_empty() => GiIssue::NoEntry,
        (true, None) => GiIssue::Unnamed,
        (false, Some(true)) => GiIssue::MaybeRegistered,
        (false, None) if found.first().is_some_and(|c| c.score >= GI_STRONG) => {
            GiIssue::MaybeRegistered
        }
        (false, None) => return Err(Fine),
    };
    Ok(GiFinding {
        product: p.id,
        district_name: gazetteer
            .district(p.district)
            .map_or_else(|| p.district.to_string(), |d| d.name.clone()),
        name: p.name,
        state: p.state,
        district: p.district,
        registered: p.gi.registered,
        registry_name: p.gi.registry_name,
        issue,
        candidates: found,
        clear,
    })
}

pub(crate) fn has_registry_in(conn: &Connection) -> Result<bool, StoreError> {
    Ok(
        conn.query_row("SELECT EXISTS (SELECT 1 FROM gi_registry)", [], |r| {
            r.get(0)
        })?,
    )
}

fn registry_in(conn: &Connection, state: Option<StateCode>) -> Result<Vec<GiEntry>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT g.id, g.number, g.name, g.goods, s.state FROM gi_registry g \
         JOIN gi_registry_states s ON s.gi = g.id \
         WHERE ?1 IS NULL OR g.id IN (SELECT gi FROM gi_registry_states WHERE state = ?1) \
         ORDER BY g.id, s.state",
    )?;
    let mut rows = stmt.query(params![state.map(|s| s.0)])?;
    let mut entries: Vec<GiEntry> = Vec::new();
    let mut last = None;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let code = StateCode(r.get(4)?);
        if last == Some(id) {
            if let Some(e) = entries.last_mut() {
                e.states.push(code);
            }
            continue;
        }
        last = Some(id);
        entries.push(GiEntry {
            number: r.get(1)?,
            name: r.get(2)?,
            goods: r.get(3)?,
            states: vec![code],
        });
    }
    Ok(entries)
}

/// A registry entry made ready for matching once, however many products it is matched with.
#[derive(Debug, Clone)]
struct Listed {
    entry: GiEntry,
    terms: GiTerms,
    key: String,
}

fn listed(gazetteer: &Gazetteer, entries: &[GiEntry]) -> Vec<Listed> {
    entries
        .iter()
        .map(|e| Listed {
            terms: GiTerms::of(&e.name, state_names(gazetteer, &e.states)),
            key: name_key(&e.name),
            entry: e.clone(),
        })
        .collect()
}

/// The names (and other names) of some states, as the matcher leaves them out of names.
fn state_names<'g>(
    gazetteer: &'g Gazetteer,
    states: &'g [StateCode],
) -> impl Iterator<Item = &'g str> + 'g {
    states
        .iter()
        .filter_map(|s| gazetteer.state(*s))
        .flat_map(|s| std::iter::once(s.name.as_str()).chain(s.aliases.iter().map(String::as_str)))
}

/// The entries among `entries` that fit the product well enough to offer, best first.
fn candidates(
    gazetteer: &Gazetteer,
    places: &GiPlaces,
    product: &Product,
    entries: &[Listed],
) -> Vec<GiCandidate> {
    let district = gazetteer
        .district(product.district)
        .map(|d| {
            GiTerms::of_places(
                std::iter::once(d.name.as_str()).chain(d.aliases.iter().map(String::as_str)),
            )
        })
        .unwrap_or_default();
    let name = GiTerms::of(
        &product.name,
        state_names(gazetteer, std::slice::from_ref(&product.state)),
    );
    let probe = GiProbe {
        product: &name,
        district: &district,
        places,
    };
    let mut found: Vec<GiCandidate> = entries
        .iter()
        .filter_map(|e| {
            gi_score(probe, &e.terms)
                .filter(|fit| fit.score >= GI_SUGGEST)
                .map(|fit| GiCandidate {
                    number: e.entry.number,
                    name: e.entry.name.clone(),
                    goods: e.entry.goods.clone(),
                    score: (fit.score * 1000.0).round() / 1000.0,
                    covers: fit.covers,
                })
        })
        .collect();
    found.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.name.cmp(&b.name))
    });
    // The registry lists a few GIs twice (a name and its logo); one of each is enough.
    found.dedup_by(|a, b| name_key(&a.name) == name_key(&b.name));
    found.truncate(MAX_CANDIDATES);
    found
}

/// Every district's names, for telling a GI named after another district.
fn places(gazetteer: &Gazetteer) -> GiPlaces {
    GiPlaces::new(
        gazetteer.districts().flat_map(|d| {
            std::iter::once(d.name.as_str()).chain(d.aliases.iter().map(String::as_str))
        }),
    )
}

fn name_key(name: &str) -> String {
    odop_domain::name_key(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(number: u32, name: &str, states: &[u16]) -> GiEntry {
        GiEntry {
            number,
            name: name.into(),
            goods: "Handicraft".into(),
            states: states.iter().copied().map(StateCode).collect(),
        }
    }

    #[test]
    fn a_registry_from_before_tags_were_kept_is_tagged_once() {
        let mut store = Store::open_in_memory().unwrap();
        let list = [entry(1, "Kota Doria", &[8])];
        let mut edit = store.edit("officer").unwrap();
        edit.replace_gi_registry(&list).unwrap();
        edit.commit().unwrap();
        store
            .conn()
            .execute("DELETE FROM meta WHERE key = ?1", [GI_TAG])
            .unwrap();
        assert_eq!(store.gi_tag().unwrap(), gi_tag(&list));
        assert_eq!(
            meta_get(store.conn(), GI_TAG).unwrap(),
            Some(gi_tag(&list)),
            "kept for the next round"
        );
    }

    #[test]
    fn a_loaded_list_waits_to_be_sent_and_the_servers_list_replaces_it() {
        let mut store = Store::open_in_memory().unwrap();
        assert_eq!(store.gi_tag().unwrap(), "none");
        assert_eq!(store.gi_to_publish().unwrap(), None);
        let loaded = [entry(1, "Kota Doria", &[8]), entry(2, "Basmati", &[3, 9])];
        let mut edit = store.edit("officer").unwrap();
        edit.replace_gi_registry(&loaded).unwrap();
        edit.commit().unwrap();
        let tag = gi_tag(&loaded);
        assert_eq!(store.gi_tag().unwrap(), tag);
        assert_eq!(store.gi_held().unwrap().source.as_deref(), Some("file"));
        assert_eq!(
            store.gi_to_publish().unwrap(),
            Some((tag.clone(), loaded.to_vec()))
        );

        // Sent, then loaded again before the answer: the newer list still waits.
        let newer = [entry(1, "Kota Doria", &[8])];
        let mut edit = store.edit("officer").unwrap();
        edit.replace_gi_registry(&newer).unwrap();
        edit.commit().unwrap();
        store.gi_published(&tag).unwrap();
        assert_eq!(
            store.gi_to_publish().unwrap().map(|(t, _)| t),
            Some(gi_tag(&newer))
        );
        store.gi_published(&gi_tag(&newer)).unwrap();
        assert_eq!(store.gi_to_publish().unwrap(), None);

        // Loading the list again changes nothing and sends nothing.
        let mut edit = store.edit("officer").unwrap();
        edit.replace_gi_registry(&newer).unwrap();
        edit.commit().unwrap();
        assert_eq!(store.gi_to_publish().unwrap(), None);

        // A list loaded here, then the server's: the server's is kept and nothing is sent.
        let mut edit = store.edit("officer").unwrap();
        edit.replace_gi_registry(&loaded).unwrap();
        edit.commit().unwrap();
        let dpiit = [entry(7, "Banarasi Brocades and Sarees", &[9])];
        let counts = store.keep_server_gi("sync", &dpiit).unwrap();
        assert_eq!((counts.before, counts.after, counts.changed), (2, 1, true));
        assert_eq!(store.gi_registry(None).unwrap(), dpiit);
        assert_eq!(store.gi_tag().unwrap(), gi_tag(&dpiit));
        let held = store.gi_held().unwrap();
        assert_eq!((held.entries, held.source.as_deref()), (1, Some("server")));
        assert!(held.since.is_some());
        assert_eq!(store.gi_to_publish().unwrap(), None);
        let titles: Vec<String> = store
            .conn()
            .prepare("SELECT title FROM history WHERE entity = 'gi_registry' ORDER BY id")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(
            titles.last().map(String::as_str),
            Some("GI registry from the server: 1 entry")
        );
    }

    #[test]
    fn the_registry_is_replaced_whole_or_not_at_all() {
        let mut store = Store::open_in_memory().unwrap();
        let first = [
            entry(1, "Banaras Brocades and Sarees", &[9]),
            entry(2, "Basmati", &[3, 9]),
        ];
        let mut edit = store.edit("t").unwrap();
        let counts = edit.replace_gi_registry(&first).unwrap();
        edit.commit().unwrap();
        assert_eq!((counts.before, counts.after, counts.changed), (0, 2, true));
        assert_eq!(
            store.gi_registry(Some(StateCode(3))).unwrap(),
            [first[1].clone()]
        );
        assert_eq!(store.gi_registry(None).unwrap(), first);
        assert_eq!(
            store.gi_names(StateCode(9)).unwrap(),
            ["Banaras Brocades and Sarees", "Basmati"]
        );

        // An entry without a state refuses the whole list, naming the entry.
        let mut edit = store.edit("t").unwrap();
        let err = edit
            .replace_gi_registry(&[entry(3, "Kota Doria", &[8]), entry(4, "Nowhere", &[])])
            .unwrap_err();
        drop(edit);
        assert!(err.to_string().contains("GI registry entry 4"), "{err}");
        assert_eq!(store.gi_registry(None).unwrap(), first);
    }

    #[test]
    fn without_a_registry_the_check_says_nothing_of_any_product() {
        let mut store = Store::open_in_memory().unwrap();
        store.load_sample("t").unwrap();
        // The sample brings a few registry entries; an emptied registry is none at all.
        let mut edit = store.edit("t").unwrap();
        edit.replace_gi_registry(&[]).unwrap();
        edit.commit().unwrap();
        let products = store.products(&ProductFilter::default()).unwrap();
        let tagged = products.iter().find(|p| p.gi.registered).unwrap();
        assert_eq!(store.gi_finding(tagged.id).unwrap(), None);
        let check = store.gi_check(None).unwrap();
        assert_eq!((check.entries, check.findings.len()), (0, 0));

        // Once one is loaded, a tagged product's name the registry lacks is said to be so.
        let mut edit = store.edit("t").unwrap();
        edit.replace_gi_registry(&[entry(1, "Zzyzx Qwerty", &[tagged.state.0])])
            .unwrap();
        edit.commit().unwrap();
        let found = store.gi_finding(tagged.id).unwrap().unwrap();
        let expected = match tagged.gi.registry_name {
            Some(_) => GiIssue::NotInRegistry,
            None => GiIssue::NoEntry,
        };
        assert_eq!(found.issue, expected);
        assert!(found.candidates.is_empty());
    }
}
