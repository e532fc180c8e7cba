//! The central server's storage contract and the write rules every backend shares.
//!
//! This crate owns the [`Ledger`] trait (accounts, the rows every state has synced, the gap-free
//! change sequence, conflicts and refusals), the authority rules (who may write which state's
//! rows), the per-field merge and the place check (a row's state and district against the LGD
//! list the server was given), and the GI registry DPIIT sends for every desk. A backend implements the small transactional [`Tx`] and
//! [`Reader`] traits; [`apply_push`] and [`read_pull`] run the same logic on top of any of them,
//! so SQLite and PostgreSQL cannot disagree on a decision.
//!
//! It must not know about HTTP, SQL dialects or the desktop's local database.

mod account;
#[cfg(feature = "conformance")]
pub mod conformance;
mod error;
mod gi;
mod places;
mod pull;
mod push;

use std::fmt;

pub use account::{token_hash, Account, Token};
pub use error::LedgerError;
pub use gi::{check_gi, entry_of, listing_of, publish_gi, replace_gi, MAX_GI_ENTRIES};
pub use odop_domain::{format_utc_millis, EntityKind};
pub use odop_domain::{gi_tag, GiEntry};
pub use odop_domain::{Misplaced, PlaceNames, Places, StateKind};
pub use odop_protocol as protocol;
pub use odop_protocol::Refusal;
pub use places::places_in_use;
pub use pull::read_pull;
pub use push::apply_push;

use odop_protocol::{
    ConflictRecord, Fields, Outcome, PullQuery, PullResponse, PushRequest, PushResponse,
};

/// A row as the server holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRow {
    pub kind: String,
    pub id: String,
    pub version: u64,
    pub state: u16,
    /// Empty for a tombstone.
    pub fields: Fields,
    pub deleted: bool,
    pub author: String,
    pub at: String,
    /// Where the row last entered the change sequence.
    pub seq: u64,
}

/// A record a row names: by which of its fields, and the named record's kind and id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Name<'r> {
    pub field: &'static str,
    pub target: EntityKind,
    pub id: &'r str,
}

impl StoredRow {
    /// The records a live row names, by its kind's references; none for a tombstone or a kind
    /// the domain does not know. Backends keep them beside the row, so that a delete or a move
    /// of a named record finds the rows naming it without reading them all.
    pub fn names(&self) -> Vec<Name<'_>> {
        let kind = match self.kind.parse::<EntityKind>() {
            Ok(kind) if !self.deleted => kind,
            _ => return Vec::new(),
        };
        let mut out: Vec<Name<'_>> = Vec::new();
        for reference in kind.references() {
            for id in reference.ids(&self.fields) {
                let name = Name {
                    field: reference.field,
                    target: reference.target,
                    id,
                };
                // A list may name a record twice; it is named once.
                if !out.contains(&name) {
                    out.push(name);
                }
            }
        }
        out
    }

    /// Whether rows of this kind can name records at all: a backend keeps no names for one
    /// that cannot, and need not clear any when it is written.
    pub fn kind_names_records(&self) -> bool {
        self.kind
            .parse::<EntityKind>()
            .is_ok_and(|k| !k.references().is_empty())
    }
}

/// Rows of the change sequence as a [`Reader`] hands them out.
#[derive(Debug, Default)]
pub struct RowPage {
    pub rows: Vec<StoredRow>,
    /// The rows stopped at their count or their size: more may follow the last one.
    pub full: bool,
}

impl RowPage {
    /// Rows read in order, each with the length of its fields' JSON, taken up to `limit` or
    /// until their total passes `bytes`.
    pub fn gather(
        rows: impl IntoIterator<Item = Result<(StoredRow, usize), LedgerError>>,
        limit: u32,
        bytes: usize,
    ) -> Result<RowPage, LedgerError> {
        let mut page = RowPage::default();
        let mut total = 0usize;
        for row in rows {
            let (row, size) = row?;
            page.rows.push(row);
            total += size;
            if page.rows.len() >= limit as usize || total >= bytes {
                page.full = true;
                break;
            }
        }
        Ok(page)
    }
}

/// What the server remembers of a client installation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientRecord {
    pub account: String,
    pub last_seq: u64,
}

/// A mutation's answer as recorded, and the mark of the mutation it answered (none for one
/// recorded before marks were kept).
#[derive(Debug, Clone, PartialEq)]
pub struct Recorded {
    pub outcome: Outcome,
    pub mark: Option<String>,
}

/// The storage every server backend provides. Methods are blocking; the HTTP layer calls them
/// off its async threads.
pub trait Ledger: Send + Sync + fmt::Debug {
    /// Stores a new account with its token's hash; names are unique.
    fn insert_account(&self, account: &Account, token_hash: &str) -> Result<(), LedgerError>;
    fn accounts(&self) -> Result<Vec<Account>, LedgerError>;
    /// Revokes every token of the account; `false` when it was already revoked.
    fn revoke(&self, name: &str) -> Result<bool, LedgerError>;

    /// The LGD places written rows are checked against.
    fn places(&self) -> Result<Places, LedgerError>;
    /// The names the places were loaded with.
    fn place_names(&self) -> Result<PlaceNames, LedgerError>;
    /// The tag desks name the places by (`Places::tag_named`); `None` before places were
    /// loaded with their tag.
    fn places_tag(&self) -> Result<Option<String>, LedgerError>;
    /// Replaces the places in one transaction, without names.
    fn set_places(&self, places: &Places) -> Result<(), LedgerError> {
        self.set_named_places(places, &PlaceNames::default())
    }
    /// Replaces the places and their names in one transaction, keeping their tag
    /// (`Places::tag_named`) beside them. Rows already held keep their places: a row is checked
    /// when a write gives it a new one.
    fn set_named_places(&self, places: &Places, names: &PlaceNames) -> Result<(), LedgerError>;
    /// The GI registry a central account sent ([`publish_gi`]), in its order; empty before one
    /// was.
    fn gi_registry(&self) -> Result<Vec<GiEntry>, LedgerError>;
    /// Replaces the GI registry in one transaction, keeping its tag (`gi_tag`) beside it so a
    /// pull compares tags without reading the entries. Callers check the entries first.
    fn set_gi_registry(&self, entries: &[GiEntry]) -> Result<(), LedgerError>;
    /// The live account a token belongs to.
    fn account_for(&self, token_hash: &str) -> Result<Option<Account>, LedgerError>;

    /// Takes a push in one transaction: the mutations' effects and the client's sequence
    /// commit together, so a replay is answered from what was recorded.
    fn push(&self, who: &Account, request: &PushRequest) -> Result<PushResponse, LedgerError>;
    /// A page of changes after the query's cursor that `who` may read (see [`read_pull`]).
    fn pull_with(&self, who: &Account, query: &PullQuery) -> Result<PullResponse, LedgerError>;

    /// A page of up to `limit` changes after `cursor` that `who` may read, from a client that
    /// names no history it holds. `horizon` is the one the page that gave `cursor` carried.
    fn pull(
        &self,
        who: &Account,
        cursor: u64,
        horizon: u64,
        limit: u32,
    ) -> Result<PullResponse, LedgerError> {
        self.pull_with(who, &PullQuery::new(cursor, horizon, limit, None))
    }

    /// Starts a new epoch, as every start of the server does, and returns it. The epoch's
    /// first sequence number is kept with it, so the end of every earlier epoch is known.
    fn new_epoch(&self) -> Result<String, LedgerError>;

    /// Forgets tombstones written before `before` (RFC 3339), moving the horizon past them.
    fn prune(&self, before: &str) -> Result<u64, LedgerError>;
    /// Refused writes, newest first, limited to what `who` may read.
    fn refusals(&self, who: &Account, limit: u32) -> Result<Vec<Refusal>, LedgerError>;
}

/// One transaction's worth of storage, as [`apply_push`] needs it.
pub trait Tx {
    /// The client's record, locked until the transaction ends.
    fn client(&mut self, client: &str) -> Result<Option<ClientRecord>, LedgerError>;
    fn save_client(&mut self, client: &str, record: &ClientRecord) -> Result<(), LedgerError>;
    /// The answer recorded for a mutation already taken, with its mark.
    fn recorded(&mut self, client: &str, seq: u64) -> Result<Option<Recorded>, LedgerError>;
    /// Records the answer to a mutation and its mark ([`push::mark`]).
    fn record(
        &mut self,
        client: &str,
        seq: u64,
        outcome: &Outcome,
        mark: &str,
    ) -> Result<(), LedgerError>;
    fn refuse(&mut self, refusal: &Refusal, state: Option<u16>) -> Result<(), LedgerError>;
    /// The row, locked until the transaction ends.
    fn row(&mut self, kind: &str, id: &str) -> Result<Option<StoredRow>, LedgerError>;
    /// The LGD places, as [`Ledger::places`] reads them.
    fn places(&mut self) -> Result<Places, LedgerError>;
    /// The state of the row when it is live; `None` when it is deleted or was never written.
    /// A write that names the row needs only this, not its fields.
    fn live_state(&mut self, kind: &str, id: &str) -> Result<Option<u16>, LedgerError>;
    /// Up to `limit` live rows of `kind` whose `field` names the `target` record `id`, alone or
    /// in a list, as their ids; with `except_state`, only rows of other states. Answered from
    /// the names `write_row` notes, never by reading the rows.
    fn naming(
        &mut self,
        kind: &str,
        field: &str,
        target: EntityKind,
        id: &str,
        except_state: Option<u16>,
        limit: u32,
    ) -> Result<Vec<String>, LedgerError>;
    /// The next number of the change sequence. Taking it serialises writers until commit, so
    /// no later commit can appear below a cursor already handed out.
    fn next_seq(&mut self) -> Result<u64, LedgerError>;
    /// Writes the row and, in place of what it named before, notes what it names now
    /// ([`StoredRow::names`]), which [`Tx::naming`] answers from.
    fn write_row(&mut self, row: &StoredRow) -> Result<(), LedgerError>;
    /// Notes that the row left `state` at `seq`, so that state's readers drop it.
    fn write_departure(
        &mut self,
        kind: &str,
        id: &str,
        state: u16,
        seq: u64,
    ) -> Result<(), LedgerError>;
    fn write_conflict(&mut self, conflict: &ConflictRecord, seq: u64) -> Result<(), LedgerError>;
    fn conflict(&mut self, id: &str) -> Result<Option<ConflictRecord>, LedgerError>;
}

/// One consistent read of the change sequence, as [`read_pull`] needs it.
pub trait Reader {
    /// The current epoch.
    fn epoch(&mut self) -> Result<String, LedgerError>;
    /// The last sequence number an epoch of this database could have handed out: the head for
    /// the current one, the next one's first number less one for an earlier one. `None` for an
    /// epoch this database never served under.
    fn epoch_end(&mut self, epoch: &str) -> Result<Option<u64>, LedgerError>;
    /// What the ledger remembers of a client, if it ever pushed. Read only, where a backend's
    /// [`Tx::client`] may claim a new client for the writer.
    fn client_record(&mut self, client: &str) -> Result<Option<ClientRecord>, LedgerError>;
    /// The LGD places, read in the page's snapshot.
    fn places(&mut self) -> Result<Places, LedgerError>;
    /// The tag of those places (`Places::tag`), kept beside them when they were loaded so that
    /// a pull compares tags without reading the lists; `None` for lists loaded before it was
    /// kept.
    fn places_tag(&mut self) -> Result<Option<String>, LedgerError>;
    /// The names of those places, where they were loaded with names.
    fn place_names(&mut self) -> Result<PlaceNames, LedgerError>;
    /// The tag of the GI registry held, in the page's snapshot; `None` when none is.
    fn gi_tag(&mut self) -> Result<Option<String>, LedgerError>;
    /// The GI registry's entries, in the page's snapshot.
    fn gi_registry(&mut self) -> Result<Vec<GiEntry>, LedgerError>;
    fn head(&mut self) -> Result<u64, LedgerError>;
    /// The highest sequence of a pruned tombstone; it only grows.
    fn horizon(&mut self) -> Result<u64, LedgerError>;
    /// Rows (tombstones included) after `cursor`, in `scope` (a state) or all, in sequence
    /// order: at most `limit`, and none after the row whose fields take the total past `bytes`
    /// (that row is included, so a page always moves on).
    fn rows_after(
        &mut self,
        cursor: u64,
        scope: Option<u16>,
        limit: u32,
        bytes: usize,
    ) -> Result<RowPage, LedgerError>;
    /// Up to `limit` departures from `state` after `cursor`: (seq, kind, id).
    fn departures_after(
        &mut self,
        cursor: u64,
        state: u16,
        limit: u32,
    ) -> Result<Vec<(u64, String, String)>, LedgerError>;
    fn conflicts_after(
        &mut self,
        cursor: u64,
        scope: Option<u16>,
        limit: u32,
    ) -> Result<Vec<(u64, ConflictRecord)>, LedgerError>;
}

/// The current UTC time, RFC 3339 with milliseconds.
pub fn now() -> String {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default();
    odop_domain::format_utc_millis(ms)
}

/// A new random id for an epoch or a conflict.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn row(kind: &str, fields: serde_json::Value, deleted: bool) -> StoredRow {
        StoredRow {
            kind: kind.into(),
            id: "r".into(),
            version: 1,
            state: 9,
            fields: serde_json::from_value(fields).unwrap(),
            deleted,
            author: "a".into(),
            at: "2026-01-01T00:00:00.000Z".into(),
            seq: 1,
        }
    }

    #[test]
    fn a_row_names_each_record_once_by_field() {
        let gap = row(
            "gap",
            json!({"workshop": "w1", "product": "p1", "seller": null, "note": "p2"}),
            false,
        );
        let named = |r: &StoredRow| -> Vec<(&str, EntityKind, String)> {
            r.names()
                .into_iter()
                .map(|n| (n.field, n.target, n.id.to_owned()))
                .collect()
        };
        assert_eq!(
            named(&gap),
            [
                ("workshop", EntityKind::Workshop, "w1".to_owned()),
                ("product", EntityKind::Product, "p1".to_owned())
            ]
        );
        let seller = row("seller", json!({"products": ["p1", "p2", "p1", 7]}), false);
        assert_eq!(
            named(&seller),
            [
                ("products", EntityKind::Product, "p1".to_owned()),
                ("products", EntityKind::Product, "p2".to_owned())
            ]
        );
    }

    #[test]
    fn tombstones_products_and_unknown_kinds_name_nothing() {
        let fields = json!({"products": ["p1"], "product": "p1"});
        assert!(row("seller", fields.clone(), true).names().is_empty());
        assert!(row("product", fields.clone(), false).names().is_empty());
        assert!(row("village", fields, false).names().is_empty());
        assert!(row("seller", json!({}), true).kind_names_records());
        assert!(!row("product", json!({}), false).kind_names_records());
    }
}
