//! The local half of sync: what waits to be pushed, what the server said of it, and applying
//! what the server sends, each in one transaction. The wire format is the sync crate's; this
//! module speaks in the store's own terms.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::str::FromStr;

use odop_domain::{EntityKind, Fields, Id};
use rusqlite::{params, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::edit::{
    encode, history_changes, index_new_row, index_row, parse_body, refused_writes, title_of,
    unindex_row,
};
use crate::{clock, Edit, Store, StoreError};

/// How many pages (of 4 KiB) the write-ahead log may hold before a pulled page's commit
/// checkpoints it: about 40 MB. See [`Store::apply_incoming`].
pub const PULL_CHECKPOINT_PAGES: i64 = 10_000;

/// A local change waiting to be pushed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pending {
    /// The change's number as the server knows this client's changes: from 1 for each client
    /// id. (Locally, changes keep the numbers they were written with, which also name refused
    /// writes; see [`Store::restart_sync`].)
    pub seq: i64,
    pub kind: EntityKind,
    pub id: String,
    /// `create`, `update` or `delete`.
    pub op: String,
    /// Field name -> `{old, new}`.
    pub changes: Fields,
    /// The server version the change was made on (0: a row never synced).
    pub base_version: i64,
    pub resolves: Vec<String>,
    pub who: String,
    pub at: String,
}

/// Where this desk stands with the server.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SyncPoint {
    /// This installation's id on the server; made at the first sync.
    pub client: Option<String>,
    /// Every server change up to here is applied.
    pub cursor: u64,
    /// The server's pruning horizon when the page that moved the cursor was read, sent back
    /// with the cursor: the server then refuses it only if pruning has passed it since.
    pub horizon: u64,
    /// The server database the cursor belongs to.
    pub epoch: Option<String>,
    /// The highest local sequence the server has answered.
    pub acked: i64,
    /// A full comparison with the server is due and not yet finished.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resync: Option<Resync>,
}

/// The local number of the last change sent before the current client id was taken: the
/// server numbers this client's changes from 1 after it.
/// [`Store::restart_sync`] on a connection, with the resync `why`; without a client id the
/// next sync names a new one.
pub(crate) fn restart_sync_in(
    conn: &mut rusqlite::Connection,
    client: Option<&str>,
    why: Resync,
) -> Result<(), StoreError> {
    let tx = conn.transaction()?;
    let sent: i64 = tx.query_row(
        "SELECT coalesce((SELECT min(seq) - 1 FROM outbox), \
                         (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'outbox_seq'), 0)",
        [],
        |r| r.get(0),
    )?;
    meta_set(&tx, "sync_seq_base", &sent.to_string())?;
    match client {
        Some(client) => meta_set(&tx, "sync_client", client)?,
        None => {
            tx.execute("DELETE FROM meta WHERE key = 'sync_client'", [])?;
        }
    }
    meta_set(&tx, "sync_cursor", "0")?;
    meta_set(&tx, "sync_acked", "0")?;
    tx.execute(
        "DELETE FROM meta WHERE key IN ('sync_epoch', 'sync_horizon')",
        [],
    )?;
    meta_set(&tx, "sync_resync", why.as_str())?;
    tx.commit()?;
    Ok(())
}

fn seq_base(c: &rusqlite::Connection) -> Result<i64, StoreError> {
    Ok(meta_get(c, "sync_seq_base")?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0))
}

/// Why this desk must compare everything it holds with the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Resync {
    /// Deletions after the cursor were forgotten since this desk last pulled: rows missing
    /// from the server are gone.
    Horizon,
    /// The server lost changes this desk has: rows missing or older there are sent again.
    Restored,
    /// A person gave up a refused write, so this desk takes the server's rows as they are:
    /// rows missing from the server are gone, as after a pruned horizon.
    Discarded,
    /// This desk went back to a backup of itself: the server's rows are taken as they are
    /// (rows missing there are gone), and the backup's waiting changes are sent again.
    Rewound,
}

impl Resync {
    pub const ALL: [Resync; 4] = [
        Resync::Horizon,
        Resync::Restored,
        Resync::Discarded,
        Resync::Rewound,
    ];

    fn as_str(self) -> &'static str {
        match self {
            Resync::Horizon => "horizon",
            Resync::Restored => "restored",
            Resync::Discarded => "discarded",
            Resync::Rewound => "rewound",
        }
    }

    fn parse(s: &str) -> Option<Resync> {
        match s {
            "horizon" => Some(Resync::Horizon),
            "restored" => Some(Resync::Restored),
            "discarded" => Some(Resync::Discarded),
            "rewound" => Some(Resync::Rewound),
            _ => None,
        }
    }
}

/// What finishing a resync did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Resynced {
    /// Local changes queued again because the server had lost them.
    pub requeued: u64,
    /// Rows removed because the server no longer has them.
    pub removed: u64,
}

/// A conflict the server recorded, as it described it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conflict {
    pub id: String,
    pub kind: String,
    pub row: String,
    /// The field, or `*` for a delete racing an edit.
    pub field: String,
    pub base: Value,
    pub server: Value,
    pub client: Value,
    pub server_author: String,
    pub client_author: String,
    pub state: u16,
    pub at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved_by: Option<String>,
}

/// A conflict as this desk sees it: which value is its own and which the other side's.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConflictView {
    pub conflict: Conflict,
    pub open: bool,
    /// This desk's value (for `*`: `null` when this side deleted the row).
    pub mine: Value,
    pub theirs: Value,
    pub base: Value,
    /// What a person calls the row (its name, title, venue...), from whichever side still holds
    /// it; empty when neither does.
    pub title: String,
}

impl ConflictView {
    fn new(conflict: Conflict, open: bool, ours: bool, title: String) -> ConflictView {
        // The desk whose push met the conflict is its client side; everyone else sees the
        // server's kept value as their own state's.
        let (mine, theirs) = if ours {
            (conflict.client.clone(), conflict.server.clone())
        } else {
            (conflict.server.clone(), conflict.client.clone())
        };
        // A row deleted here is still named by the side that kept it.
        let title = if title.is_empty() {
            [&mine, &theirs, &conflict.base]
                .into_iter()
                .filter_map(Value::as_object)
                .map(title_of)
                .find(|t| !t.is_empty())
                .unwrap_or_default()
        } else {
            title
        };
        ConflictView {
            base: conflict.base.clone(),
            conflict,
            open,
            mine,
            theirs,
            title,
        }
    }
}

/// What the server said of one pushed change.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Applied {
        version: i64,
    },
    Conflict {
        version: i64,
        conflicts: Vec<Conflict>,
    },
    Refused {
        code: String,
        reason: String,
        /// The values the reason names, as data, where the server sent them.
        detail: Option<Value>,
    },
}

/// A change the server sends.
#[derive(Debug, Clone, PartialEq)]
pub enum Incoming {
    /// A row as the server now holds it.
    Row {
        kind: EntityKind,
        id: String,
        version: i64,
        fields: Fields,
    },
    /// A row deleted, or moved where this desk cannot read it.
    Gone {
        kind: EntityKind,
        id: String,
    },
    Conflict(Box<Conflict>),
}

/// What applying a page of incoming changes did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Applied {
    /// Rows written as the server has them.
    pub written: u64,
    /// Rows with unpushed local edits, merged field by field.
    pub merged: u64,
    pub removed: u64,
    pub conflicts: u64,
    /// Rows of a resync whose changes by this desk the server lost, queued again.
    pub requeued: u64,
}

/// A write the server refused.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RefusedWrite {
    pub seq: i64,
    pub kind: String,
    pub row: String,
    pub op: String,
    pub changes: Fields,
    pub code: String,
    pub reason: String,
    /// The values the reason names, as the server sent them (see `odop_protocol::Outcome`).
    pub detail: Option<Value>,
    pub at: String,
    /// What a person calls the row: as this desk holds it, else as the refused write has it.
    pub title: String,
    /// The version the refused write was made on; `None` for a refusal kept before this was.
    pub base_version: Option<i64>,
    /// What a person calls the records the reason names (the record a reference names, the
    /// rows that name this one), by id: as this desk holds them, else as its history last
    /// wrote them. Records this desk never held or wrote are not here.
    pub named: BTreeMap<String, String>,
}

/// Where one record stands with the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncState {
    Synced,
    Pending,
    Conflict,
    Refused,
}

impl SyncState {
    /// The word [`sync_state_sql`] gives.
    fn from_sql(word: &str) -> SyncState {
        match word {
            "refused" => SyncState::Refused,
            "conflict" => SyncState::Conflict,
            "pending" => SyncState::Pending,
            _ => SyncState::Synced,
        }
    }
}

impl rusqlite::types::FromSql for SyncState {
    fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        value.as_str().map(SyncState::from_sql)
    }
}

/// The counts a status line shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SyncCounts {
    pub pending: u64,
    pub conflicts: u64,
    pub refused: u64,
}

/// How a person settles a conflict.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolution {
    /// The value this side wanted (for a delete racing an edit: this side's outcome).
    Mine,
    /// The value the server holds.
    Theirs,
    /// A merged value typed by the person.
    Value(Value),
}

pub(crate) fn meta_get(tx: &rusqlite::Connection, key: &str) -> Result<Option<String>, StoreError> {
    Ok(tx
        .prepare_cached("SELECT value FROM meta WHERE key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?)
}

pub(crate) fn meta_set(
    tx: &rusqlite::Connection,
    key: &str,
    value: &str,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO meta (key, value) VALUES (?1, ?2) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )?
    .execute([key, value])?;
    Ok(())
}

/// Where a pulled page leaves this desk; the three are written together, by the transaction
/// that applied the page.
fn set_point(
    tx: &rusqlite::Connection,
    cursor: u64,
    horizon: u64,
    epoch: &str,
) -> Result<(), StoreError> {
    meta_set(tx, "sync_cursor", &cursor.to_string())?;
    meta_set(tx, "sync_horizon", &horizon.to_string())?;
    meta_set(tx, "sync_epoch", epoch)
}

/// What a person calls a row: as this desk holds it, else from `changes` (`{field: {old,
/// new}}`, the newer side first), else nothing.
fn row_title(
    conn: &rusqlite::Connection,
    kind: &str,
    id: &str,
    changes: Option<&Fields>,
) -> Result<String, StoreError> {
    if let Ok(kind) = EntityKind::from_str(kind) {
        if let Some(fields) = local_row(conn, kind, id)? {
            return Ok(title_of(&fields));
        }
    }
    let written: Fields = changes
        .into_iter()
        .flatten()
        .filter_map(|(name, change)| {
            let value = [change.get("new"), change.get("old")]
                .into_iter()
                .flatten()
                .find(|v| !v.is_null())?;
            Some((name.clone(), value.clone()))
        })
        .collect();
    Ok(title_of(&written))
}

/// The records a refusal's detail names, as (kind, id): the one a reference names, and the
/// rows that name the refused record ("kind id" each).
fn named_in(detail: Option<&Value>) -> Vec<(EntityKind, &str)> {
    let Some(d) = detail else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let (Some(kind), Some(id)) = (d.get("kind").and_then(Value::as_str), d.get("id")) {
        if let (Ok(kind), Some(id)) = (EntityKind::from_str(kind), id.as_str()) {
            out.push((kind, id));
        }
    }
    for r in d
        .get("used_by")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some((kind, id)) = r.as_str().and_then(|r| r.split_once(' ')) else {
            continue;
        };
        if let Ok(kind) = EntityKind::from_str(kind) {
            out.push((kind, id));
        }
    }
    out
}

/// What a person calls a record: as this desk holds it, else as this desk's history last wrote
/// it (a record it deleted). `None` for one it never held or wrote.
fn known_title(
    conn: &rusqlite::Connection,
    kind: EntityKind,
    id: &str,
) -> Result<Option<String>, StoreError> {
    if let Some(fields) = local_row(conn, kind, id)? {
        return Ok(Some(title_of(&fields)).filter(|t| !t.is_empty()));
    }
    let title: Option<String> = conn
        .prepare_cached(
            "SELECT title FROM history WHERE row_id = ?1 AND entity = ?2 \
             ORDER BY id DESC LIMIT 1",
        )?
        .query_row(params![id, kind.as_str()], |r| r.get(0))
        .optional()?;
    Ok(title.filter(|t| !t.is_empty()))
}

fn kind_of(s: &str) -> Result<EntityKind, StoreError> {
    EntityKind::from_str(s).map_err(|e| StoreError::Corrupt {
        kind: EntityKind::Product,
        id: s.to_owned(),
        reason: e.to_string(),
    })
}

/// Does this row have changes waiting to be pushed?
/// Where the row whose id is the SQL `id` of `kind` stands with the server, as an SQL
/// expression giving `refused`, `conflict`, `pending` or `synced` (the first that holds): one
/// statement of the rule for one record and for each row of a list.
pub(crate) fn sync_state_sql(kind: EntityKind, id: &str) -> String {
    // The kind is one of the store's own names, never input.
    let kind = kind.as_str();
    format!(
        "CASE WHEN EXISTS (SELECT 1 FROM sync_refusals \
                           WHERE entity = '{kind}' AND row_id = {id}) THEN 'refused' \
              WHEN EXISTS (SELECT 1 FROM sync_conflicts \
                           WHERE entity = '{kind}' AND row_id = {id} AND open) THEN 'conflict' \
              WHEN {pending} THEN 'pending' \
              ELSE 'synced' END",
        pending = pending_sql(&format!("'{kind}'"), id),
    )
}

/// Whether a row has changes waiting to be pushed, as SQL over the row's kind and id.
fn pending_sql(kind: &str, id: &str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM history h JOIN outbox o ON o.history_id = h.id \
                 WHERE h.entity = {kind} AND h.row_id = {id})"
    )
}

fn is_pending(tx: &rusqlite::Connection, kind: EntityKind, id: &str) -> Result<bool, StoreError> {
    // Asked for every pulled row while changes wait: the statement's text is made once.
    static SQL: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| format!("SELECT {}", pending_sql("?1", "?2")));
    Ok(tx
        .prepare_cached(&SQL)?
        .query_row([kind.as_str(), id], |r| r.get(0))?)
}

/// The fields that waiting changes of this row touch.
fn pending_fields(
    tx: &rusqlite::Connection,
    kind: EntityKind,
    id: &str,
) -> Result<BTreeSet<String>, StoreError> {
    let mut stmt = tx.prepare_cached(
        "SELECT h.fields FROM history h JOIN outbox o ON o.history_id = h.id \
         WHERE h.entity = ?1 AND h.row_id = ?2",
    )?;
    let rows = stmt.query_map([kind.as_str(), id], |r| r.get::<_, String>(0))?;
    let mut out = BTreeSet::new();
    for r in rows {
        let fields: Fields = serde_json::from_str(&r?).unwrap_or_default();
        out.extend(fields.keys().cloned());
    }
    Ok(out)
}

/// The server version a row was last synced at; `None` when there is no such row.
fn row_version(
    tx: &rusqlite::Connection,
    kind: EntityKind,
    id: &str,
) -> Result<Option<i64>, StoreError> {
    Ok(tx
        .prepare_cached(&format!(
            "SELECT version FROM {} WHERE id = ?1",
            kind.table()
        ))?
        .query_row([id], |r| r.get(0))
        .optional()?)
}

fn local_row(
    tx: &rusqlite::Connection,
    kind: EntityKind,
    id: &str,
) -> Result<Option<Fields>, StoreError> {
    let body: Option<String> = tx
        .prepare_cached(&format!("SELECT body FROM {} WHERE id = ?1", kind.table()))?
        .query_row([id], |r| r.get(0))
        .optional()?;
    body.map(|b| parse_body(kind, id, &b)).transpose()
}

/// Writes a row as the server holds it: no outbox entry, no history entry, no reference checks
/// (the server's rules already held, and this desk may not have every referenced row). `at` is
/// the time the enclosing transaction stamps on what it writes.
///
/// An INSERT that steps aside when the id is taken, then (only then) a lookup and an UPDATE;
/// not one `INSERT .. ON CONFLICT DO UPDATE .. RETURNING`, which cost four times as much per
/// row. Most rows of a pull are new, so most take one b-tree descent.
fn write_server_row(
    tx: &Transaction<'_>,
    kind: EntityKind,
    id: &str,
    version: i64,
    fields: &Fields,
    at: &str,
) -> Result<(), StoreError> {
    let table = kind.table();
    let body = encode(fields);
    // Only the id's uniqueness is let pass: a body the table's checks refuse still fails.
    let inserted = tx
        .prepare_cached(&format!(
            "INSERT INTO {table} (id, body, version, updated_at) VALUES (?1, ?2, ?3, ?4) \
             ON CONFLICT (id) DO NOTHING"
        ))?
        .execute(params![id, &body, version, at])?;
    if inserted == 1 {
        return index_new_row(tx, kind, tx.last_insert_rowid(), fields);
    }
    let rowid: i64 = tx
        .prepare_cached(&format!("SELECT rowid FROM {table} WHERE id = ?1"))?
        .query_row([id], |r| r.get(0))?;
    tx.prepare_cached(&format!(
        "UPDATE {table} SET body = ?2, version = ?3, updated_at = ?4 WHERE rowid = ?1"
    ))?
    .execute(params![rowid, body, version, at])?;
    index_row(tx, kind, rowid, fields)
}

fn remove_row(tx: &Transaction<'_>, kind: EntityKind, id: &str) -> Result<bool, StoreError> {
    let rowid: Option<i64> = tx
        .prepare_cached(&format!(
            "DELETE FROM {} WHERE id = ?1 RETURNING rowid",
            kind.table()
        ))?
        .query_row([id], |r| r.get(0))
        .optional()?;
    if let Some(rowid) = rowid {
        unindex_row(tx, kind, rowid)?;
    }
    Ok(rowid.is_some())
}

/// Keeps a conflict the server recorded. For a change of a row the server had deleted, the
/// server knows only the fields the change touched; kept so, "keep mine" would bring the row
/// back with those fields alone. So the desk that met it keeps its whole row as its side, and
/// that side stays when the server sends the conflict again.
fn save_conflict(tx: &Transaction<'_>, c: &Conflict, ours: bool) -> Result<(), StoreError> {
    let mut c = c.clone();
    if c.field == "*" && c.client.is_object() {
        let kept: Option<String> = tx
            .prepare_cached("SELECT body FROM sync_conflicts WHERE id = ?1")?
            .query_row([&c.id], |r| r.get(0))
            .optional()?;
        let kept = kept
            .and_then(|b| serde_json::from_str::<Conflict>(&b).ok())
            .map(|k| k.client)
            .filter(Value::is_object);
        let whole = match kept {
            Some(client) => Some(client),
            None if ours && c.server.is_null() => {
                local_row(tx, kind_of(&c.kind)?, &c.row)?.map(Value::Object)
            }
            None => None,
        };
        if let Some(client) = whole {
            c.client = client;
        }
    }
    let body = serde_json::to_string(&c).unwrap_or_default();
    tx.prepare_cached(
        "INSERT INTO sync_conflicts (id, entity, row_id, field, body, open, ours) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) \
         ON CONFLICT (id) DO UPDATE SET body = excluded.body, \
         open = excluded.open AND sync_conflicts.open, ours = excluded.ours OR sync_conflicts.ours",
    )?
    .execute(params![
        c.id,
        c.kind,
        c.row,
        c.field,
        body,
        c.resolved_by.is_none(),
        ours
    ])?;
    Ok(())
}

/// Writes a page of server changes. A row with unpushed local edits keeps them: it takes the
/// server's values only for the fields those edits did not touch.
fn apply_changes(
    tx: &Transaction<'_>,
    changes: &[Incoming],
    step: &mut dyn FnMut(Option<usize>),
) -> Result<Applied, StoreError> {
    let at = clock::now();
    // Only a row with an outbox entry holds unpushed edits; with the outbox empty (a first
    // sync, and most pulls) no row needs asking about.
    let outbox_empty: bool =
        tx.query_row("SELECT NOT EXISTS (SELECT 1 FROM outbox)", [], |r| r.get(0))?;
    let pending = |kind: EntityKind, id: &str| -> Result<bool, StoreError> {
        Ok(!outbox_empty && is_pending(tx, kind, id)?)
    };
    let mut applied = Applied::default();
    for (i, change) in changes.iter().enumerate() {
        match change {
            Incoming::Row {
                kind,
                id,
                version,
                fields,
            } => {
                if pending(*kind, id)? {
                    // A local delete waiting to be pushed stays a delete.
                    if let Some(local) = local_row(tx, *kind, id)? {
                        let mut merged = fields.clone();
                        for f in pending_fields(tx, *kind, id)? {
                            match local.get(&f) {
                                Some(v) => merged.insert(f, v.clone()),
                                None => merged.remove(&f),
                            };
                        }
                        write_server_row(tx, *kind, id, *version, &merged, &at)?;
                        applied.merged += 1;
                    }
                } else {
                    write_server_row(tx, *kind, id, *version, fields, &at)?;
                    applied.written += 1;
                }
            }
            Incoming::Gone { kind, id } => {
                if !pending(*kind, id)? && remove_row(tx, *kind, id)? {
                    applied.removed += 1;
                }
            }
            Incoming::Conflict(c) => {
                save_conflict(tx, c.as_ref(), false)?;
                applied.conflicts += 1;
            }
        }
        step(Some(i));
    }
    step(None);
    Ok(applied)
}

/// What a resync sends again of a row the server holds at `version` with `server`'s values:
/// the fields whose values here this desk wrote itself and the server lacks, each as a change
/// from the value this desk changed it from. Only a row held here at that version or a later
/// one can have lost changes (one held at an older version is merely behind), and versions
/// alone cannot tell: a restored server numbers its versions again, so another desk's change
/// of the restored row may take the number this desk's lost change had. Based on the value it
/// was changed from, a field lets the server's merge decide: it takes the value where it still
/// holds the old one and records a conflict where someone has changed it since. A field
/// another desk wrote is left for that desk to send; fields of waiting or refused changes go
/// with those.
fn lost_changes(
    tx: &rusqlite::Connection,
    kind: EntityKind,
    id: &str,
    version: i64,
    server: &Fields,
) -> Result<Fields, StoreError> {
    let mut lost = Fields::new();
    if row_version(tx, kind, id)?.is_none_or(|held| held < version) {
        return Ok(lost);
    }
    let Some(local) = local_row(tx, kind, id)? else {
        return Ok(lost);
    };
    if local == *server {
        return Ok(lost);
    }
    let mut skip = pending_fields(tx, kind, id)?;
    for (_, fields) in refused_writes(tx, kind, id)? {
        skip.extend(fields.into_iter().map(|(name, _)| name));
    }
    let own = own_changes(tx, kind, id)?;
    for name in local.keys().chain(server.keys()).collect::<BTreeSet<_>>() {
        let here = local.get(name).unwrap_or(&Value::Null);
        if skip.contains(name) || server.get(name).unwrap_or(&Value::Null) == here {
            continue;
        }
        if let Some((old, new)) = own.get(name) {
            if new == here {
                lost.insert(name.clone(), json!({ "old": old, "new": here }));
            }
        }
    }
    Ok(lost)
}

/// Per field, the last change this desk made to it in a row: (old, new).
fn own_changes(
    tx: &rusqlite::Connection,
    kind: EntityKind,
    id: &str,
) -> Result<HashMap<String, (Value, Value)>, StoreError> {
    let mut stmt = tx.prepare_cached(
        "SELECT op, fields FROM history WHERE entity = ?1 AND row_id = ?2 ORDER BY id DESC",
    )?;
    let rows = stmt.query_map([kind.as_str(), id], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    let mut out = HashMap::new();
    for row in rows {
        let (op, fields) = row?;
        for (name, change) in history_changes(&op, &fields) {
            out.entry(name).or_insert_with(|| {
                (
                    change.get("old").cloned().unwrap_or(Value::Null),
                    change.get("new").cloned().unwrap_or(Value::Null),
                )
            });
        }
    }
    Ok(out)
}

impl Store {
    /// Where this desk stands with the server.
    pub fn sync_point(&self) -> Result<SyncPoint, StoreError> {
        let c = self.conn();
        Ok(SyncPoint {
            client: meta_get(c, "sync_client")?,
            cursor: meta_get(c, "sync_cursor")?
                .and_then(|v| v.parse().ok())
                .unwrap_or(0),
            horizon: meta_get(c, "sync_horizon")?
                .and_then(|v| v.parse().ok())
                .unwrap_or(0),
            epoch: meta_get(c, "sync_epoch")?,
            acked: meta_get(c, "sync_acked")?
                .and_then(|v| v.parse().ok())
                .unwrap_or(0),
            resync: meta_get(c, "sync_resync")?.and_then(|v| Resync::parse(&v)),
        })
    }

    /// Names this installation to the server.
    pub fn set_sync_client(&mut self, client: &str) -> Result<(), StoreError> {
        meta_set(&self.conn, "sync_client", client)
    }

    /// Up to `limit` waiting changes, oldest first, numbered as the server knows them.
    pub fn pending(&self, limit: usize) -> Result<Vec<Pending>, StoreError> {
        let base = seq_base(self.conn())?;
        let mut stmt = self.conn().prepare_cached(
            "SELECT o.seq - ?2, h.entity, h.row_id, h.op, h.fields, o.base_version, o.resolves, \
                    h.who, h.at \
             FROM outbox o JOIN history h ON h.id = o.history_id ORDER BY o.seq LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit as i64, base], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, i64>(5)?,
                r.get::<_, Option<String>>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, String>(8)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (seq, kind, id, op, fields, base_version, resolves, who, at) = row?;
            out.push(Pending {
                seq,
                kind: kind_of(&kind)?,
                id,
                changes: history_changes(&op, &fields),
                op,
                base_version,
                resolves: resolves
                    .and_then(|r| serde_json::from_str(&r).ok())
                    .unwrap_or_default(),
                who,
                at,
            });
        }
        Ok(out)
    }

    /// Takes the server's answers to pushed changes, in one transaction: refusals and
    /// conflicts are kept, answered changes leave the outbox up to `acked`, and rows with no
    /// more waiting changes take the server's version (and, where a field conflicted, its
    /// value, which the row keeps until a person settles the conflict).
    pub fn settle(&mut self, verdicts: &[(i64, Verdict)], acked: i64) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        // The answers number changes as the server does; the outbox and refusals locally.
        let offset = seq_base(&tx)?;
        let mut touched = Vec::new();
        for (seq, verdict) in verdicts {
            let local = seq + offset;
            let entry: Option<(String, String, String, String, String, i64)> = tx
                .prepare_cached(
                    "SELECT h.entity, h.row_id, h.op, h.fields, h.at, o.base_version \
                     FROM outbox o JOIN history h ON h.id = o.history_id WHERE o.seq = ?1",
                )?
                .query_row([local], |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                    ))
                })
                .optional()?;
            let Some((kind, row, op, fields, at, base)) = entry else {
                continue;
            };
            match verdict {
                Verdict::Refused {
                    code,
                    reason,
                    detail,
                } => {
                    let detail = detail.as_ref().map(Value::to_string);
                    tx.prepare_cached(
                        "INSERT OR REPLACE INTO sync_refusals \
                         (seq, entity, row_id, op, fields, code, reason, detail, at, base_version) \
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                    )?
                    .execute(params![
                        local, kind, row, op, fields, code, reason, detail, at, base
                    ])?;
                }
                Verdict::Conflict { conflicts, .. } => {
                    for c in conflicts {
                        save_conflict(&tx, c, true)?;
                    }
                }
                Verdict::Applied { version } => {
                    // Later changes of this row were made on top of this one, on the same base:
                    // their base is now the version it produced (as the server rebases them
                    // within one push), or a delete behind its own create would conflict.
                    tx.prepare_cached(
                        "UPDATE outbox SET base_version = ?1 WHERE seq > ?2 AND base_version = ?3 \
                         AND history_id IN (SELECT id FROM history WHERE entity = ?4 AND row_id = ?5)",
                    )?
                    .execute(params![version, local, base, kind, row])?;
                    // Only a row that held the version just before holds this one now; see
                    // below.
                    tx.prepare_cached(&format!(
                        "UPDATE {} SET version = ?1 WHERE id = ?2 AND version + 1 = ?1",
                        kind_of(&kind)?.table()
                    ))?
                    .execute(params![version, row])?;
                }
            }
            touched.push((kind_of(&kind)?, row, verdict));
        }
        tx.execute("DELETE FROM outbox WHERE seq <= ?1", [acked + offset])?;
        meta_set(&tx, "sync_acked", &acked.to_string())?;
        let at = clock::now();
        for (kind, id, verdict) in touched {
            if is_pending(&tx, kind, &id)? {
                continue;
            }
            let version = match verdict {
                Verdict::Applied { version } | Verdict::Conflict { version, .. } => *version,
                Verdict::Refused { .. } => continue,
            };
            // The server made `version` from the one before it. A row that held an older one
            // lacks what other desks changed in between (the server merged them, this desk has
            // not pulled them yet), so it keeps its version: the next pull then writes the
            // server's row, and a resync does not take the row for one the server lost.
            let held = row_version(&tx, kind, &id)?;
            let caught_up = held.is_some_and(|v| v + 1 >= version);
            let kept = if caught_up {
                version
            } else {
                held.unwrap_or(version)
            };
            if let Verdict::Conflict { conflicts, .. } = verdict {
                for c in conflicts {
                    match (c.field.as_str(), &c.server) {
                        ("*", Value::Null) => {
                            remove_row(&tx, kind, &id)?;
                        }
                        ("*", Value::Object(fields)) => {
                            write_server_row(&tx, kind, &id, version, fields, &at)?;
                        }
                        (field, value) => {
                            if let Some(mut fields) = local_row(&tx, kind, &id)? {
                                if value.is_null() {
                                    fields.remove(field);
                                } else {
                                    fields.insert(field.to_owned(), value.clone());
                                }
                                write_server_row(&tx, kind, &id, kept, &fields, &at)?;
                            }
                        }
                    }
                }
            }
            if caught_up {
                tx.prepare_cached(&format!(
                    "UPDATE {} SET version = max(version, ?2) WHERE id = ?1",
                    kind.table()
                ))?
                .execute(params![id, version])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Applies a page of server changes and moves the cursor (with the horizon and epoch the
    /// page came with), in one transaction. A row with
    /// unpushed local edits keeps them: it takes the server's values only for the fields those
    /// edits did not touch. `step` is called after each change (and with `None` before the
    /// cursor is written), for progress.
    ///
    /// The page's commit folds the write-ahead log into the database (a checkpoint, which
    /// syncs to disk) only once the log holds [`PULL_CHECKPOINT_PAGES`] pages, not SQLite's
    /// usual 1,000: a first sync of a national dataset otherwise spent a fifth of its time
    /// checkpointing. What this risks is bounded and harmless: a power cut (not a crash of the
    /// program) may lose the last pages applied since a checkpoint, and with them the cursor
    /// that moved in the same transactions, so the next sync pulls those pages again. Local
    /// edits keep the usual threshold: the setting is put back before this returns.
    pub fn apply_incoming(
        &mut self,
        changes: &[Incoming],
        cursor: u64,
        horizon: u64,
        epoch: &str,
        step: &mut dyn FnMut(Option<usize>),
    ) -> Result<Applied, StoreError> {
        self.pulling(|store| store.apply_page(changes, cursor, horizon, epoch, None, step))
    }

    /// Applies a page of a resync as [`Store::apply_incoming`] does, after queueing again, in
    /// the same transaction, what the server lost of this desk's own changes of the page's
    /// rows (see [`lost_changes`]): those fields then stay as this desk has them, as any
    /// waiting change's do.
    pub fn apply_resync_page(
        &mut self,
        who: &str,
        changes: &[Incoming],
        cursor: u64,
        horizon: u64,
        epoch: &str,
        step: &mut dyn FnMut(Option<usize>),
    ) -> Result<Applied, StoreError> {
        self.pulling(|store| store.apply_page(changes, cursor, horizon, epoch, Some(who), step))
    }

    /// Runs `apply` with the pull's checkpoint threshold, putting the usual one back after.
    fn pulling(
        &mut self,
        apply: impl FnOnce(&mut Store) -> Result<Applied, StoreError>,
    ) -> Result<Applied, StoreError> {
        let usual: i64 = self
            .conn
            .pragma_query_value(None, "wal_autocheckpoint", |r| r.get(0))?;
        self.conn
            .pragma_update(None, "wal_autocheckpoint", PULL_CHECKPOINT_PAGES)?;
        let applied = apply(self);
        self.conn.pragma_update(None, "wal_autocheckpoint", usual)?;
        applied
    }

    fn apply_page(
        &mut self,
        changes: &[Incoming],
        cursor: u64,
        horizon: u64,
        epoch: &str,
        resync: Option<&str>,
        step: &mut dyn FnMut(Option<usize>),
    ) -> Result<Applied, StoreError> {
        let Some(who) = resync else {
            let tx = self.conn.transaction()?;
            let applied = apply_changes(&tx, changes, step)?;
            set_point(&tx, cursor, horizon, epoch)?;
            tx.commit()?;
            return Ok(applied);
        };
        let mut edit = self.edit(who)?;
        let mut requeued = 0;
        for change in changes {
            if let Incoming::Row {
                kind,
                id,
                version,
                fields,
            } = change
            {
                let lost = lost_changes(edit.tx(), *kind, id, *version, fields)?;
                if !lost.is_empty() {
                    edit.requeue(*kind, id, "update", "", &lost, *version)?;
                    requeued += 1;
                }
            }
        }
        let mut applied = apply_changes(edit.tx(), changes, step)?;
        applied.requeued = requeued;
        set_point(edit.tx(), cursor, horizon, epoch)?;
        edit.commit()?;
        Ok(applied)
    }

    /// Starts over with the server from nothing: a new client id, the cursor at 0, the
    /// waiting changes numbered for the server from 1 (keeping their order), and a resync due,
    /// for when the server no longer knows this desk's history (it was restored from a backup,
    /// or replaced). The resync is marked in the same transaction: once the cursor is 0, a plain
    /// pull would put the server's older rows over this desk's, so only a finished resync may
    /// clear it.
    ///
    /// Locally the changes keep their numbers, and the new client's count starts after the last
    /// one sent (`sync_seq_base`): refused writes are named by the numbers of the old client's
    /// changes, and a new refusal must not take an old one's place.
    pub fn restart_sync(&mut self, client: &str) -> Result<(), StoreError> {
        restart_sync_in(&mut self.conn, Some(client), Resync::Restored)
    }

    /// Starts over with the server as [`Store::restart_sync`] does, for a database that went
    /// back to an older copy of itself: the resync due takes the server's rows as they are.
    pub fn rewind_sync(&mut self, client: &str) -> Result<(), StoreError> {
        restart_sync_in(&mut self.conn, Some(client), Resync::Rewound)
    }

    /// Marks a resync due, before its first page is applied: a page moves the cursor and the
    /// epoch, after which nothing else would show that the comparison is unfinished. A due
    /// "restored" resync stays so, since it loses nothing. Returns the resync now due.
    pub fn begin_resync(&mut self, why: Resync) -> Result<Resync, StoreError> {
        let tx = self.conn.transaction()?;
        let due = match meta_get(&tx, "sync_resync")?.and_then(|v| Resync::parse(&v)) {
            Some(Resync::Restored) => Resync::Restored,
            _ => why,
        };
        meta_set(&tx, "sync_resync", due.as_str())?;
        tx.commit()?;
        Ok(due)
    }

    /// Ends a resync once every page from the start is applied, in one transaction that also
    /// clears the mark [`Store::begin_resync`] set. Rows with a server version that the full
    /// pull did not bring (`seen`) and no waiting change are, after a restored server, queued
    /// again as creates; after a pruned horizon, removed. (What the server lost of rows it
    /// still has was queued with each page: see [`Store::apply_resync_page`].)
    pub fn finish_resync(
        &mut self,
        who: &str,
        why: Resync,
        seen: &HashSet<(EntityKind, String)>,
    ) -> Result<Resynced, StoreError> {
        let mut done = Resynced::default();
        let mut edit = self.edit(who)?;
        for kind in EntityKind::ALL {
            let unknown: Vec<String> = {
                let mut stmt = edit.tx().prepare(&format!(
                    "SELECT id FROM {} WHERE version > 0",
                    kind.table()
                ))?;
                let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
                rows.filter(|id| {
                    id.as_ref()
                        .map_or(true, |id| !seen.contains(&(kind, id.clone())))
                })
                .collect::<Result<_, _>>()?
            };
            for id in unknown {
                // A row with waiting edits is sent by them.
                if is_pending(edit.tx(), kind, &id)? {
                    continue;
                }
                match why {
                    Resync::Horizon | Resync::Discarded | Resync::Rewound => {
                        if remove_row(edit.tx(), kind, &id)? {
                            done.removed += 1;
                        }
                    }
                    Resync::Restored => {
                        let Some(fields) = local_row(edit.tx(), kind, &id)? else {
                            continue;
                        };
                        let changes: Fields = fields
                            .iter()
                            .map(|(k, v)| (k.clone(), json!({ "old": null, "new": v })))
                            .collect();
                        edit.requeue(kind, &id, "create", &title_of(&fields), &changes, 0)?;
                        done.requeued += 1;
                    }
                }
            }
        }
        edit.tx()
            .execute("DELETE FROM meta WHERE key = 'sync_resync'", [])?;
        edit.commit()?;
        Ok(done)
    }

    /// Every row id of a kind with its version, for comparing with a full pull.
    pub fn versions(&self, kind: EntityKind) -> Result<Vec<(String, i64)>, StoreError> {
        let mut stmt = self
            .conn()
            .prepare(&format!("SELECT id, version FROM {}", kind.table()))?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// A row's fields as stored, whatever its kind.
    pub fn fields(&self, kind: EntityKind, id: &str) -> Result<Option<Fields>, StoreError> {
        local_row(self.conn(), kind, id)
    }

    /// Conflicts, newest first; only the open ones unless `all`.
    pub fn conflicts(&self, all: bool) -> Result<Vec<ConflictView>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT body, open, ours FROM sync_conflicts WHERE ?1 OR open ORDER BY rowid DESC",
        )?;
        let rows = stmt.query_map([all], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, bool>(1)?,
                r.get::<_, bool>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for r in rows {
            let (body, open, ours) = r?;
            if let Ok(c) = serde_json::from_str::<Conflict>(&body) {
                let title = row_title(self.conn(), &c.kind, &c.row, None)?;
                out.push(ConflictView::new(c, open, ours, title));
            }
        }
        Ok(out)
    }

    /// A conflict, whether it is open, and this desk's side of it.
    pub fn conflict(&self, id: &str) -> Result<Option<ConflictView>, StoreError> {
        let found: Option<(String, bool, bool)> = self
            .conn()
            .prepare_cached("SELECT body, open, ours FROM sync_conflicts WHERE id = ?1")?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        let Some((body, open, ours)) = found else {
            return Ok(None);
        };
        let Ok(c) = serde_json::from_str::<Conflict>(&body) else {
            return Ok(None);
        };
        let title = row_title(self.conn(), &c.kind, &c.row, None)?;
        Ok(Some(ConflictView::new(c, open, ours, title)))
    }

    /// Settles a conflict as an ordinary edit that names it, so the settlement syncs. The edit
    /// is recorded even when the chosen value is already the row's, since the server must
    /// still learn that the conflict is settled.
    pub fn resolve(
        &mut self,
        who: &str,
        conflict: &str,
        choice: &Resolution,
    ) -> Result<(), StoreError> {
        let Some(view) = self.conflict(conflict)? else {
            return Err(StoreError::NoConflict {
                id: conflict.to_owned(),
            });
        };
        let ConflictView {
            conflict: c,
            open,
            mine,
            theirs,
            ..
        } = view;
        if !open {
            return Err(StoreError::ConflictSettled {
                id: conflict.to_owned(),
            });
        }
        let kind = kind_of(&c.kind)?;
        let row_id: Id = c.row.parse().unwrap_or_default();
        let version: i64 = self.version_of(kind, &c.row)?.unwrap_or(0);
        let current = local_row(self.conn(), kind, &c.row)?;
        let mut edit = self.edit(who)?;
        edit.resolving(vec![c.id.clone()]);
        if c.field == "*" {
            // A delete racing an edit: a null side is the one that deleted.
            let deleted_here = mine.is_null();
            let keep_row = match choice {
                Resolution::Mine => !deleted_here,
                Resolution::Theirs => deleted_here,
                Resolution::Value(v) => !v.is_null(),
            };
            let wanted = match (choice, &current) {
                (Resolution::Value(Value::Object(f)), _) => Some(f.clone()),
                (_, Some(f)) => Some(f.clone()),
                (_, None) => c.server.as_object().or(c.client.as_object()).cloned(),
            };
            if keep_row {
                let fields = wanted.unwrap_or_default();
                let old = current.as_ref().map(|f| (f, version > 0));
                check_settled(&edit, kind, row_id, &fields, old)?;
                let changes: Fields = fields
                    .iter()
                    .map(|(k, v)| (k.clone(), json!({ "old": null, "new": v })))
                    .collect();
                let tx = edit.tx();
                write_local_row(tx, kind, &c.row, version, &fields)?;
                edit.record(kind, &c.row, "update", "", &changes, version)?;
            } else {
                edit.unnamed(kind, row_id)?;
                let old = current.unwrap_or_default();
                let changes: Fields = old
                    .iter()
                    .map(|(k, v)| (k.clone(), json!({ "old": v, "new": null })))
                    .collect();
                remove_row(edit.tx(), kind, &c.row)?;
                edit.record(kind, &c.row, "delete", "", &changes, version)?;
            }
        } else {
            let Some(mut fields) = current else {
                return Err(StoreError::NotFound {
                    kind,
                    id: c.row.parse().unwrap_or_default(),
                });
            };
            let before = fields.clone();
            let held = fields.get(&c.field).cloned().unwrap_or(Value::Null);
            let value = match choice {
                Resolution::Mine => mine,
                Resolution::Theirs => theirs,
                Resolution::Value(v) => v.clone(),
            };
            if value.is_null() {
                fields.remove(&c.field);
            } else {
                fields.insert(c.field.clone(), value.clone());
            }
            check_settled(&edit, kind, row_id, &fields, Some((&before, version > 0)))?;
            write_local_row(edit.tx(), kind, &c.row, version, &fields)?;
            let mut changes = Fields::new();
            changes.insert(c.field.clone(), json!({ "old": held, "new": value }));
            edit.record(kind, &c.row, "update", "", &changes, version)?;
        }
        edit.commit()
    }

    /// The server version a row was last synced at; `None` when there is no such row.
    pub fn version_of(&self, kind: EntityKind, id: &str) -> Result<Option<i64>, StoreError> {
        row_version(self.conn(), kind, id)
    }

    /// Writes the server refused, oldest first.
    pub fn refusals(&self) -> Result<Vec<RefusedWrite>, StoreError> {
        self.refused_where("", None)
    }

    /// One refused write, by its sequence number.
    fn refusal(&self, seq: i64) -> Result<RefusedWrite, StoreError> {
        self.refused_where("WHERE seq = ?1", Some(seq))?
            .pop()
            .ok_or(StoreError::NoRefusal { seq })
    }

    /// Refused writes matching `filter` (SQL over `sync_refusals`, with `seq` as `?1` when
    /// given), oldest first, each with its record's title.
    fn refused_where(
        &self,
        filter: &str,
        seq: Option<i64>,
    ) -> Result<Vec<RefusedWrite>, StoreError> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT seq, entity, row_id, op, fields, code, reason, at, detail, base_version \
             FROM sync_refusals {filter} ORDER BY seq"
        ))?;
        let rows = stmt.query_map(rusqlite::params_from_iter(seq), |r| {
            let op: String = r.get(3)?;
            let changes = history_changes(&op, &r.get::<_, String>(4)?);
            // Written by this store from a parsed value, so it parses; a cell that somehow
            // does not is shown without its detail rather than hiding the refusal.
            let detail = r
                .get::<_, Option<String>>(8)?
                .and_then(|d| serde_json::from_str(&d).ok());
            Ok(RefusedWrite {
                seq: r.get(0)?,
                kind: r.get(1)?,
                row: r.get(2)?,
                op,
                changes,
                code: r.get(5)?,
                reason: r.get(6)?,
                detail,
                at: r.get(7)?,
                title: String::new(),
                base_version: r.get(9)?,
                named: BTreeMap::new(),
            })
        })?;
        let mut out: Vec<RefusedWrite> = rows.collect::<Result<_, _>>()?;
        for w in &mut out {
            w.title = row_title(self.conn(), &w.kind, &w.row, Some(&w.changes))?;
            for (kind, id) in named_in(w.detail.as_ref()) {
                if let Some(title) = known_title(self.conn(), kind, id)? {
                    w.named.insert(id.to_owned(), title);
                }
            }
        }
        Ok(out)
    }

    /// Gives up a refused write. The server never took it, so the row is dropped locally
    /// (unless later edits of it wait to be pushed) and the next sync compares everything with
    /// the server (a resync), bringing back the row as the server holds it, if this desk may
    /// read it, and dropping rows the server no longer has.
    pub fn discard_refusal(&mut self, seq: i64) -> Result<(), StoreError> {
        let r = self.refusal(seq)?;
        let kind = kind_of(&r.kind)?;
        let tx = self.conn.transaction()?;
        if !is_pending(&tx, kind, &r.row)? {
            remove_row(&tx, kind, &r.row)?;
        }
        tx.execute("DELETE FROM sync_refusals WHERE seq = ?1", [seq])?;
        // The server's version of the row comes back with a full pull, which must also drop
        // rows deleted and pruned since this desk's cursor: a resync, not a bare pull from 0.
        // A due "restored" resync stays so, since it loses nothing.
        let due = meta_get(&tx, "sync_resync")?.and_then(|v| Resync::parse(&v));
        if due != Some(Resync::Restored) {
            meta_set(&tx, "sync_resync", Resync::Discarded.as_str())?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Sends a refused write again at the next sync, once its reason is gone (the record put
    /// back in the account's state, another desk's move undone): a refused create as the whole
    /// record, a refused update as its changes on what the server held, a refused delete as a
    /// delete of the record as this desk now holds it (or, when it holds none, as it was when
    /// the delete was refused). The row's other refused writes go with it. Fixing the record
    /// and saving it sends it again too, without this.
    pub fn resend_refusal(&mut self, who: &str, seq: i64) -> Result<(), StoreError> {
        let r = self.refusal(seq)?;
        let kind = kind_of(&r.kind)?;
        let mut edit = self.edit(who)?;
        edit.resend(kind, &r)?;
        edit.commit()
    }

    /// Where one record stands with the server.
    pub fn sync_state(&self, kind: EntityKind, id: &str) -> Result<SyncState, StoreError> {
        let word: String = self
            .conn()
            .prepare_cached(&format!("SELECT {}", sync_state_sql(kind, "?1")))?
            .query_row([id], |r| r.get(0))?;
        Ok(SyncState::from_sql(&word))
    }

    pub fn sync_counts(&self) -> Result<SyncCounts, StoreError> {
        let c = self.conn();
        let count = |sql: &str| -> Result<u64, StoreError> {
            Ok(c.prepare_cached(sql)?
                .query_row([], |r| r.get::<_, i64>(0))? as u64)
        };
        Ok(SyncCounts {
            pending: count("SELECT count(*) FROM outbox")?,
            conflicts: count("SELECT count(*) FROM sync_conflicts WHERE open")?,
            refused: count("SELECT count(*) FROM sync_refusals")?,
        })
    }

    /// Keeps the last sync's report (JSON) for the app and the CLI.
    pub fn save_sync_report(&mut self, report: &str) -> Result<(), StoreError> {
        meta_set(&self.conn, "sync_report", report)
    }

    pub fn sync_report(&self) -> Result<Option<String>, StoreError> {
        meta_get(self.conn(), "sync_report")
    }
}

/// Writes a row locally as part of an edit, keeping its version.
fn write_local_row(
    tx: &Transaction<'_>,
    kind: EntityKind,
    id: &str,
    version: i64,
    fields: &Fields,
) -> Result<(), StoreError> {
    write_server_row(tx, kind, id, version, fields, &clock::now())
}

/// Checks a settled row before it is written as any local write is checked: the domain's rules,
/// then the places and records it names and what a move would leave behind ([`Edit::admit`]).
fn check_settled(
    edit: &Edit<'_>,
    kind: EntityKind,
    id: Id,
    fields: &Fields,
    old: Option<(&Fields, bool)>,
) -> Result<(), StoreError> {
    let checked =
        kind.check(fields)
            .map_err(|problem| StoreError::Invalid { kind, id, problem })?;
    let place = (checked.state.0, checked.district.map(|d| d.0));
    edit.admit(kind, id, place, fields, old)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pulled page raises the checkpoint threshold for its own commit only: local edits keep
    /// the connection's usual one.
    #[test]
    fn a_pull_puts_the_checkpoint_threshold_back() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("odop.sqlite3")).unwrap();
        let threshold = |s: &Store| -> i64 {
            s.conn()
                .pragma_query_value(None, "wal_autocheckpoint", |r| r.get(0))
                .unwrap()
        };
        let usual = threshold(&store);
        assert_ne!(usual, PULL_CHECKPOINT_PAGES);
        store
            .apply_incoming(&[], 1, 0, "epoch", &mut |_| {})
            .unwrap();
        assert_eq!(threshold(&store), usual);
        // A page that fails puts it back too.
        let bad = Incoming::Row {
            kind: EntityKind::Product,
            id: "x".to_owned(),
            version: 1,
            fields: Fields::new(),
        };
        let _ = store.apply_incoming(&[bad], 2, 0, "epoch", &mut |_| {});
        assert_eq!(threshold(&store), usual);
    }

    /// A new client id numbers the waiting changes for the server from 1, while locally they
    /// keep their numbers: a write refused under the new id is kept beside one refused under
    /// the old id with the same number on the wire.
    #[test]
    fn a_new_client_numbers_changes_from_one_and_refusals_keep_theirs() {
        let mut store = Store::open_in_memory().unwrap();
        store.load_sample("desk").unwrap();
        let refused = || Verdict::Refused {
            code: "forbidden_state".into(),
            reason: "another state".into(),
            detail: None,
        };
        let first = store.pending(2).unwrap();
        assert_eq!(first.iter().map(|p| p.seq).collect::<Vec<_>>(), [1, 2]);
        store.settle(&[(1, refused()), (2, refused())], 2).unwrap();
        let waiting = store.sync_counts().unwrap().pending as i64;
        store.restart_sync("new-client").unwrap();
        let again = store.pending(usize::MAX).unwrap();
        assert_eq!(again.len() as i64, waiting);
        assert_eq!(
            again.first().map(|p| p.seq),
            Some(1),
            "the new client starts at 1"
        );
        assert_eq!(again.last().map(|p| p.seq), Some(waiting));
        store.settle(&[(1, refused())], 1).unwrap();
        let seqs: Vec<i64> = store.refusals().unwrap().iter().map(|r| r.seq).collect();
        assert_eq!(seqs.len(), 3, "no refusal took another's place: {seqs:?}");
        assert!(
            seqs.contains(&1) && seqs.contains(&2) && seqs.contains(&3),
            "{seqs:?}"
        );
        assert_eq!(store.sync_counts().unwrap().pending as i64, waiting - 1);
        assert_eq!(store.pending(1).unwrap()[0].seq, 2);
    }

    /// A restored server loses nothing when treated as one; a horizon found meanwhile must not
    /// turn its resync into one that removes what the server lacks.
    #[test]
    fn a_due_resync_stays_restored_until_finished() {
        let mut store = Store::open_in_memory().unwrap();
        assert_eq!(store.sync_point().unwrap().resync, None);
        store.restart_sync("client").unwrap();
        assert_eq!(store.sync_point().unwrap().resync, Some(Resync::Restored));
        assert_eq!(
            store.begin_resync(Resync::Horizon).unwrap(),
            Resync::Restored
        );
        store
            .finish_resync("desk", Resync::Restored, &HashSet::new())
            .unwrap();
        assert_eq!(store.sync_point().unwrap().resync, None);
        assert_eq!(
            store.begin_resync(Resync::Horizon).unwrap(),
            Resync::Horizon
        );
    }
}
