//! The central server's ledger in one SQLite file: the embedded default, so `odop-server serve`
//! works with nothing else installed.
//!
//! This crate owns the SQLite schema of the ledger and its numbered migrations, and implements
//! the `odop-ledger` storage traits over rusqlite. It must not know about HTTP or make any
//! decision of its own: what to write comes from `odop-ledger`'s shared rules.
//!
//! One connection writes (SQLite has one writer anyway); readers take connections from a small
//! pool and see the database in WAL mode, so pulls never wait for a push.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use odop_ledger::protocol::{
    ConflictRecord, Outcome, PullQuery, PullResponse, PushRequest, PushResponse, Role,
};
use odop_ledger::{
    apply_push, gi_tag, read_pull, Account, ClientRecord, EntityKind, GiEntry, Ledger, LedgerError,
    PlaceNames, Places, Reader, Recorded, Refusal, RowPage, StateKind, StoredRow, Tx,
};
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};
use thiserror::Error;

/// Each migration runs in its own transaction; the list only grows.
const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../migrations/0001_ledger.sql")),
    (2, include_str!("../migrations/0002_epochs.sql")),
    (3, include_str!("../migrations/0003_names.sql")),
    (4, include_str!("../migrations/0004_places.sql")),
    (5, include_str!("../migrations/0005_mutation_marks.sql")),
    (6, include_str!("../migrations/0006_place_names.sql")),
];

/// What can go wrong in SQLite itself.
#[derive(Debug, Error)]
pub enum SqliteLedgerError {
    #[error("cannot open the ledger at {path}: {source}")]
    Open {
        path: String,
        source: rusqlite::Error,
    },
    #[error(transparent)]
    Sql(#[from] rusqlite::Error),
    #[error("a stored value is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
}

impl From<SqliteLedgerError> for LedgerError {
    fn from(e: SqliteLedgerError) -> LedgerError {
        LedgerError::storage(e)
    }
}

fn sql(e: rusqlite::Error) -> LedgerError {
    LedgerError::storage(SqliteLedgerError::Sql(e))
}

fn json(e: serde_json::Error) -> LedgerError {
    LedgerError::storage(SqliteLedgerError::Json(e))
}

#[derive(Debug)]
pub struct SqliteLedger {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
}

impl SqliteLedger {
    /// Opens (creating if needed) the ledger at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<SqliteLedger, LedgerError> {
        let mut writer = connect(path)?;
        migrate(&mut writer)?;
        let ledger = SqliteLedger {
            path: path.to_owned(),
            writer: Mutex::new(writer),
            readers: Mutex::new(Vec::new()),
        };
        // A new epoch at every start: a client that synced with a later copy of this ledger
        // (before a restore) names an epoch it never had, and is told to compare everything.
        ledger.new_epoch()?;
        Ok(ledger)
    }

    fn read<T>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, LedgerError>,
    ) -> Result<T, LedgerError> {
        let pooled = self.readers.lock().map_err(poisoned)?.pop();
        let mut conn = match pooled {
            Some(c) => c,
            None => connect(&self.path)?,
        };
        let result = (|| {
            // One read transaction: every query sees the same snapshot.
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Deferred)
                .map_err(sql)?;
            let out = f(&tx)?;
            tx.finish().map_err(sql)?;
            Ok(out)
        })();
        let mut pool = self.readers.lock().map_err(poisoned)?;
        if pool.len() < 16 {
            pool.push(conn);
        }
        result
    }

    fn write<T>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, LedgerError>,
    ) -> Result<T, LedgerError> {
        let mut conn = self.writer.lock().map_err(poisoned)?;
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql)?;
        let out = f(&tx)?;
        tx.commit().map_err(sql)?;
        Ok(out)
    }
}

fn poisoned<T>(_: std::sync::PoisonError<T>) -> LedgerError {
    LedgerError::Corrupt {
        what: "a ledger connection was left mid-write by a crashed request".into(),
    }
}

fn connect(path: &Path) -> Result<Connection, LedgerError> {
    let conn = Connection::open(path).map_err(|source| {
        LedgerError::from(SqliteLedgerError::Open {
            path: path.display().to_string(),
            source,
        })
    })?;
    conn.busy_timeout(std::time::Duration::from_secs(10))
        .map_err(sql)?;
    conn.pragma_update(None, "journal_mode", "WAL")
        .map_err(sql)?;
    conn.pragma_update(None, "synchronous", "NORMAL")
        .map_err(sql)?;
    // A push uses about as many statements as rusqlite keeps by default (16); past that,
    // each write would prepare its statements again.
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}

fn migrate(conn: &mut Connection) -> Result<(), LedgerError> {
    let known = MIGRATIONS.last().map_or(0, |m| m.0);
    let found: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(sql)?;
    if found > known {
        return Err(LedgerError::TooNew { found, known });
    }
    for (version, script) in MIGRATIONS.iter().filter(|m| m.0 > found) {
        let tx = conn.transaction().map_err(sql)?;
        tx.execute_batch(script).map_err(sql)?;
        if *version == 1 {
            tx.execute(
                "INSERT INTO meta (key, value) VALUES ('epoch', ?1)",
                [odop_ledger::new_id()],
            )
            .map_err(sql)?;
        }
        if *version == 3 {
            fill_names(&tx)?;
        }
        tx.pragma_update(None, "user_version", version)
            .map_err(sql)?;
        tx.commit().map_err(sql)?;
    }
    Ok(())
}

/// Notes what every live row already held names, as `write_row` does for each row it writes.
fn fill_names(tx: &Transaction<'_>) -> Result<(), LedgerError> {
    let mut stmt = tx
        .prepare(&format!(
            "SELECT {ROW_COLUMNS}, n FROM rows WHERE NOT deleted"
        ))
        .map_err(sql)?;
    let mut rows = stmt.query([]).map_err(sql)?;
    while let Some(r) = rows.next().map_err(sql)? {
        let n: i64 = r.get(9).map_err(sql)?;
        let row = with_fields(row_from(r).map_err(sql)?)?;
        note_names(tx, &row, n)?;
    }
    Ok(())
}

/// Replaces what the ledger notes row `n` names with what it names now. A name of a record the
/// ledger holds no row of is not noted: only rows stored before writes were checked hold one.
fn note_names(tx: &Transaction<'_>, row: &StoredRow, n: i64) -> Result<(), LedgerError> {
    if !row.kind_names_records() {
        return Ok(());
    }
    tx.prepare_cached("DELETE FROM names WHERE row = ?1")
        .map_err(sql)?
        .execute([n])
        .map_err(sql)?;
    let mut insert = tx
        .prepare_cached(
            "INSERT INTO names (target, field, row) \
             SELECT n, ?1, ?2 FROM rows WHERE kind = ?3 AND id = ?4 \
             ON CONFLICT DO NOTHING",
        )
        .map_err(sql)?;
    for name in row.names() {
        insert
            .execute(params![name.field, n, name.target.as_str(), name.id])
            .map_err(sql)?;
    }
    Ok(())
}

fn account_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<Account> {
    let role: String = r.get(1)?;
    Ok(Account {
        name: r.get(0)?,
        role: Role::parse(&role).unwrap_or(Role::StateViewer),
        state: r.get(2)?,
        created_at: r.get(3)?,
        revoked_at: r.get(4)?,
    })
}

const ACCOUNT_COLUMNS: &str = "name, role, state, created_at, revoked_at";

impl Ledger for SqliteLedger {
    fn insert_account(&self, account: &Account, token_hash: &str) -> Result<(), LedgerError> {
        self.write(|tx| {
            let exists: bool = tx
                .query_row(
                    "SELECT EXISTS (SELECT 1 FROM accounts WHERE name = ?1)",
                    [&account.name],
                    |r| r.get(0),
                )
                .map_err(sql)?;
            if exists {
                return Err(LedgerError::AccountExists {
                    name: account.name.clone(),
                });
            }
            tx.execute(
                "INSERT INTO accounts (name, role, state, token_hash, created_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    account.name,
                    account.role.as_str(),
                    account.state,
                    token_hash,
                    account.created_at
                ],
            )
            .map_err(sql)?;
            Ok(())
        })
    }

    fn accounts(&self) -> Result<Vec<Account>, LedgerError> {
        self.read(|tx| {
            let mut stmt = tx
                .prepare(&format!(
                    "SELECT {ACCOUNT_COLUMNS} FROM accounts ORDER BY name"
                ))
                .map_err(sql)?;
            let rows = stmt.query_map([], account_from).map_err(sql)?;
            rows.collect::<Result<_, _>>().map_err(sql)
        })
    }

    fn revoke(&self, name: &str) -> Result<bool, LedgerError> {
        self.write(|tx| {
            let found: Option<Option<String>> = tx
                .query_row(
                    "SELECT revoked_at FROM accounts WHERE name = ?1",
                    [name],
                    |r| r.get(0),
                )
                .optional()
                .map_err(sql)?;
            match found {
                None => Err(LedgerError::NoSuchAccount { name: name.into() }),
                Some(Some(_)) => Ok(false),
                Some(None) => {
                    tx.execute(
                        "UPDATE accounts SET revoked_at = ?2 WHERE name = ?1",
                        params![name, odop_ledger::now()],
                    )
                    .map_err(sql)?;
                    Ok(true)
                }
            }
        })
    }

    fn places(&self) -> Result<Places, LedgerError> {
        self.read(|tx| Tx::places(&mut SqliteTx { tx }))
    }

    fn place_names(&self) -> Result<PlaceNames, LedgerError> {
        self.read(|tx| Reader::place_names(&mut SqliteTx { tx }))
    }

    fn places_tag(&self) -> Result<Option<String>, LedgerError> {
        self.read(|tx| Reader::places_tag(&mut SqliteTx { tx }))
    }

    fn set_named_places(&self, places: &Places, names: &PlaceNames) -> Result<(), LedgerError> {
        self.write(|tx| {
            tx.execute_batch("DELETE FROM place_districts; DELETE FROM place_states;")
                .map_err(sql)?;
            let mut state = tx
                .prepare("INSERT INTO place_states (code, name, ut) VALUES (?1, ?2, ?3)")
                .map_err(sql)?;
            for code in &places.states {
                let (name, kind) = match names.states.get(code) {
                    Some((name, kind)) => (Some(name), *kind == StateKind::Ut),
                    None => (None, false),
                };
                state.execute(params![code, name, kind]).map_err(sql)?;
            }
            let mut district = tx
                .prepare("INSERT INTO place_districts (code, state, name) VALUES (?1, ?2, ?3)")
                .map_err(sql)?;
            for (code, in_state) in &places.districts {
                district
                    .execute(params![code, in_state, names.districts.get(code)])
                    .map_err(sql)?;
            }
            tx.execute(
                "INSERT INTO meta (key, value) VALUES ('places_tag', ?1) \
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [places.tag_named(names)],
            )
            .map_err(sql)?;
            Ok(())
        })
    }

    fn gi_registry(&self) -> Result<Vec<GiEntry>, LedgerError> {
        self.read(|tx| Reader::gi_registry(&mut SqliteTx { tx }))
    }

    fn set_gi_registry(&self, entries: &[GiEntry]) -> Result<(), LedgerError> {
        // The registry is read whole and only by pulls that need it, so it is kept as one JSON
        // value beside its tag.
        let body = serde_json::to_string(entries).map_err(json)?;
        self.write(|tx| {
            let mut put = tx
                .prepare_cached(
                    "INSERT INTO meta (key, value) VALUES (?1, ?2) \
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                )
                .map_err(sql)?;
            put.execute(["gi_registry", &body]).map_err(sql)?;
            put.execute(["gi_tag", &gi_tag(entries)]).map_err(sql)?;
            Ok(())
        })
    }

    fn account_for(&self, token_hash: &str) -> Result<Option<Account>, LedgerError> {
        self.read(|tx| {
            tx.prepare_cached(&format!(
                "SELECT {ACCOUNT_COLUMNS} FROM accounts \
                 WHERE token_hash = ?1 AND revoked_at IS NULL"
            ))
            .map_err(sql)?
            .query_row([token_hash], account_from)
            .optional()
            .map_err(sql)
        })
    }

    fn push(&self, who: &Account, request: &PushRequest) -> Result<PushResponse, LedgerError> {
        self.write(|tx| apply_push(&mut SqliteTx { tx }, who, request))
    }

    fn pull_with(&self, who: &Account, query: &PullQuery) -> Result<PullResponse, LedgerError> {
        self.read(|tx| read_pull(&mut SqliteTx { tx }, who, query))
    }

    fn new_epoch(&self) -> Result<String, LedgerError> {
        let epoch = odop_ledger::new_id();
        self.write(|tx| {
            // Under the write lock, so no change can commit between the head read here and
            // the epoch's first number.
            let head = meta_number(tx, "head")?;
            tx.execute(
                "INSERT INTO epochs (epoch, first_seq) VALUES (?1, ?2)",
                params![epoch, head as i64 + 1],
            )
            .map_err(sql)?;
            tx.execute("UPDATE meta SET value = ?1 WHERE key = 'epoch'", [&epoch])
                .map_err(sql)?;
            Ok(())
        })?;
        Ok(epoch)
    }

    fn prune(&self, before: &str) -> Result<u64, LedgerError> {
        self.write(|tx| {
            let top: Option<i64> = tx
                .query_row(
                    "SELECT max(seq) FROM rows WHERE deleted = 1 AND at < ?1",
                    [before],
                    |r| r.get(0),
                )
                .map_err(sql)?;
            let Some(top) = top else { return Ok(0) };
            // A name of a record pruned here would otherwise point at whatever row takes its
            // number next.
            tx.execute(
                "DELETE FROM names WHERE target IN \
                 (SELECT n FROM rows WHERE deleted = 1 AND seq <= ?1)",
                [top],
            )
            .map_err(sql)?;
            let gone = tx
                .execute("DELETE FROM rows WHERE deleted = 1 AND seq <= ?1", [top])
                .map_err(sql)?;
            tx.execute("DELETE FROM departures WHERE seq <= ?1", [top])
                .map_err(sql)?;
            tx.execute(
                "UPDATE meta SET value = max(CAST(value AS INTEGER), ?1) WHERE key = 'horizon'",
                [top],
            )
            .map_err(sql)?;
            Ok(gone as u64)
        })
    }

    fn refusals(&self, who: &Account, limit: u32) -> Result<Vec<Refusal>, LedgerError> {
        self.read(|tx| {
            let mut stmt = tx
                .prepare(
                    "SELECT client, seq, account, code, reason, at FROM refusals \
                     WHERE ?1 IS NULL OR state = ?1 ORDER BY at DESC, seq DESC LIMIT ?2",
                )
                .map_err(sql)?;
            let rows = stmt
                .query_map(params![who.scope(), limit], |r| {
                    Ok(Refusal {
                        client: r.get(0)?,
                        seq: r.get::<_, i64>(1)? as u64,
                        account: r.get(2)?,
                        code: r.get(3)?,
                        reason: r.get(4)?,
                        at: r.get(5)?,
                    })
                })
                .map_err(sql)?;
            rows.collect::<Result<_, _>>().map_err(sql)
        })
    }
}

/// The ledger's storage traits over one SQLite transaction.
struct SqliteTx<'a, 'c> {
    tx: &'a Transaction<'c>,
}

const ROW_COLUMNS: &str = "kind, id, version, state, fields, deleted, author, at, seq";

fn row_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<(StoredRow, String)> {
    Ok((
        StoredRow {
            kind: r.get(0)?,
            id: r.get(1)?,
            version: r.get::<_, i64>(2)? as u64,
            state: r.get(3)?,
            fields: serde_json::Map::new(),
            deleted: r.get(5)?,
            author: r.get(6)?,
            at: r.get(7)?,
            seq: r.get::<_, i64>(8)? as u64,
        },
        r.get(4)?,
    ))
}

fn with_fields((mut row, text): (StoredRow, String)) -> Result<StoredRow, LedgerError> {
    row.fields = serde_json::from_str(&text).map_err(json)?;
    Ok(row)
}

impl Tx for SqliteTx<'_, '_> {
    fn client(&mut self, client: &str) -> Result<Option<ClientRecord>, LedgerError> {
        self.tx
            .prepare_cached("SELECT account, last_seq FROM clients WHERE id = ?1")
            .map_err(sql)?
            .query_row([client], |r| {
                Ok(ClientRecord {
                    account: r.get(0)?,
                    last_seq: r.get::<_, i64>(1)? as u64,
                })
            })
            .optional()
            .map_err(sql)
    }

    fn save_client(&mut self, client: &str, record: &ClientRecord) -> Result<(), LedgerError> {
        self.tx
            .prepare_cached(
                "INSERT INTO clients (id, account, last_seq) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (id) DO UPDATE SET last_seq = excluded.last_seq",
            )
            .map_err(sql)?
            .execute(params![client, record.account, record.last_seq as i64])
            .map_err(sql)?;
        Ok(())
    }

    fn recorded(&mut self, client: &str, seq: u64) -> Result<Option<Recorded>, LedgerError> {
        let found: Option<(String, Option<String>)> = self
            .tx
            .prepare_cached("SELECT outcome, mark FROM mutations WHERE client = ?1 AND seq = ?2")
            .map_err(sql)?
            .query_row(params![client, seq as i64], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()
            .map_err(sql)?;
        found
            .map(|(text, mark)| {
                Ok(Recorded {
                    outcome: serde_json::from_str(&text).map_err(json)?,
                    mark,
                })
            })
            .transpose()
    }

    fn record(
        &mut self,
        client: &str,
        seq: u64,
        outcome: &Outcome,
        mark: &str,
    ) -> Result<(), LedgerError> {
        let text = serde_json::to_string(outcome).map_err(json)?;
        self.tx
            .prepare_cached(
                "INSERT INTO mutations (client, seq, outcome, mark) VALUES (?1, ?2, ?3, ?4)",
            )
            .map_err(sql)?
            .execute(params![client, seq as i64, text, mark])
            .map_err(sql)?;
        Ok(())
    }

    fn refuse(&mut self, refusal: &Refusal, state: Option<u16>) -> Result<(), LedgerError> {
        self.tx
            .prepare_cached(
                "INSERT INTO refusals (client, seq, account, state, code, reason, at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .map_err(sql)?
            .execute(params![
                refusal.client,
                refusal.seq as i64,
                refusal.account,
                state,
                refusal.code,
                refusal.reason,
                refusal.at
            ])
            .map_err(sql)?;
        Ok(())
    }

    fn places(&mut self) -> Result<Places, LedgerError> {
        let mut places = Places::default();
        let mut states = self
            .tx
            .prepare_cached("SELECT code FROM place_states")
            .map_err(sql)?;
        for code in states.query_map([], |r| r.get(0)).map_err(sql)? {
            places.states.insert(code.map_err(sql)?);
        }
        let mut districts = self
            .tx
            .prepare_cached("SELECT code, state FROM place_districts")
            .map_err(sql)?;
        for pair in districts
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(sql)?
        {
            let (code, state) = pair.map_err(sql)?;
            places.districts.insert(code, state);
        }
        Ok(places)
    }

    fn live_state(&mut self, kind: &str, id: &str) -> Result<Option<u16>, LedgerError> {
        self.tx
            .prepare_cached("SELECT state FROM rows WHERE kind = ?1 AND id = ?2 AND NOT deleted")
            .map_err(sql)?
            .query_row([kind, id], |r| r.get(0))
            .optional()
            .map_err(sql)
    }

    fn naming(
        &mut self,
        kind: &str,
        field: &str,
        target: EntityKind,
        id: &str,
        except_state: Option<u16>,
        limit: u32,
    ) -> Result<Vec<String>, LedgerError> {
        let mut stmt = self
            .tx
            .prepare_cached(
                "SELECT r.id FROM names JOIN rows r ON r.n = names.row \
                 WHERE names.target = (SELECT n FROM rows WHERE kind = ?3 AND id = ?4) \
                 AND names.field = ?2 AND r.kind = ?1 AND NOT r.deleted \
                 AND (?5 IS NULL OR r.state IS NOT ?5) LIMIT ?6",
            )
            .map_err(sql)?;
        let ids = stmt
            .query_map(
                params![kind, field, target.as_str(), id, except_state, limit],
                |r| r.get(0),
            )
            .map_err(sql)?;
        ids.collect::<Result<_, _>>().map_err(sql)
    }

    fn row(&mut self, kind: &str, id: &str) -> Result<Option<StoredRow>, LedgerError> {
        self.tx
            .prepare_cached(&format!(
                "SELECT {ROW_COLUMNS} FROM rows WHERE kind = ?1 AND id = ?2"
            ))
            .map_err(sql)?
            .query_row([kind, id], row_from)
            .optional()
            .map_err(sql)?
            .map(with_fields)
            .transpose()
    }

    fn next_seq(&mut self) -> Result<u64, LedgerError> {
        // The writer holds SQLite's only write lock, so numbers commit in order.
        self.tx
            .prepare_cached(
                "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'head' \
                 RETURNING CAST(value AS INTEGER)",
            )
            .map_err(sql)?
            .query_row([], |r| r.get::<_, i64>(0))
            .map(|v| v as u64)
            .map_err(sql)
    }

    fn write_row(&mut self, row: &StoredRow) -> Result<(), LedgerError> {
        let fields = serde_json::to_string(&row.fields).map_err(json)?;
        let n: i64 = self
            .tx
            .prepare_cached(&format!(
                "INSERT INTO rows ({ROW_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) \
                 ON CONFLICT (kind, id) DO UPDATE SET version = excluded.version, \
                 state = excluded.state, fields = excluded.fields, deleted = excluded.deleted, \
                 author = excluded.author, at = excluded.at, seq = excluded.seq \
                 RETURNING n"
            ))
            .map_err(sql)?
            .query_row(
                params![
                    row.kind,
                    row.id,
                    row.version as i64,
                    row.state,
                    fields,
                    row.deleted,
                    row.author,
                    row.at,
                    row.seq as i64
                ],
                |r| r.get(0),
            )
            .map_err(sql)?;
        note_names(self.tx, row, n)
    }

    fn write_departure(
        &mut self,
        kind: &str,
        id: &str,
        state: u16,
        seq: u64,
    ) -> Result<(), LedgerError> {
        self.tx
            .prepare_cached(
                "INSERT INTO departures (kind, id, state, seq) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT (kind, id, state) DO UPDATE SET seq = excluded.seq",
            )
            .map_err(sql)?
            .execute(params![kind, id, state, seq as i64])
            .map_err(sql)?;
        Ok(())
    }

    fn write_conflict(&mut self, conflict: &ConflictRecord, seq: u64) -> Result<(), LedgerError> {
        let body = serde_json::to_string(conflict).map_err(json)?;
        self.tx
            .prepare_cached(
                "INSERT INTO conflicts (id, state, body, seq) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT (id) DO UPDATE SET body = excluded.body, seq = excluded.seq",
            )
            .map_err(sql)?
            .execute(params![conflict.id, conflict.state, body, seq as i64])
            .map_err(sql)?;
        Ok(())
    }

    fn conflict(&mut self, id: &str) -> Result<Option<ConflictRecord>, LedgerError> {
        let body: Option<String> = self
            .tx
            .prepare_cached("SELECT body FROM conflicts WHERE id = ?1")
            .map_err(sql)?
            .query_row([id], |r| r.get(0))
            .optional()
            .map_err(sql)?;
        body.map(|b| serde_json::from_str(&b).map_err(json))
            .transpose()
    }
}

impl Reader for SqliteTx<'_, '_> {
    fn places(&mut self) -> Result<Places, LedgerError> {
        Tx::places(self)
    }

    fn places_tag(&mut self) -> Result<Option<String>, LedgerError> {
        self.tx
            .prepare_cached("SELECT value FROM meta WHERE key = 'places_tag'")
            .map_err(sql)?
            .query_row([], |r| r.get(0))
            .optional()
            .map_err(sql)
    }

    fn place_names(&mut self) -> Result<PlaceNames, LedgerError> {
        let mut names = PlaceNames::default();
        let mut states = self
            .tx
            .prepare_cached("SELECT code, name, ut FROM place_states WHERE name IS NOT NULL")
            .map_err(sql)?;
        let rows = states
            .query_map([], |r| {
                Ok((r.get::<_, u16>(0)?, r.get(1)?, r.get::<_, bool>(2)?))
            })
            .map_err(sql)?;
        for row in rows {
            let (code, name, ut) = row.map_err(sql)?;
            let kind = if ut { StateKind::Ut } else { StateKind::State };
            names.states.insert(code, (name, kind));
        }
        let mut districts = self
            .tx
            .prepare_cached("SELECT code, name FROM place_districts WHERE name IS NOT NULL")
            .map_err(sql)?;
        let rows = districts
            .query_map([], |r| Ok((r.get::<_, u32>(0)?, r.get(1)?)))
            .map_err(sql)?;
        for row in rows {
            let (code, name) = row.map_err(sql)?;
            names.districts.insert(code, name);
        }
        Ok(names)
    }

    fn gi_tag(&mut self) -> Result<Option<String>, LedgerError> {
        meta_opt(self.tx, "gi_tag")
    }

    fn gi_registry(&mut self) -> Result<Vec<GiEntry>, LedgerError> {
        match meta_opt(self.tx, "gi_registry")? {
            Some(body) => serde_json::from_str(&body).map_err(json),
            None => Ok(Vec::new()),
        }
    }

    fn epoch(&mut self) -> Result<String, LedgerError> {
        meta(self.tx, "epoch")
    }

    fn epoch_end(&mut self, epoch: &str) -> Result<Option<u64>, LedgerError> {
        let found: Option<Option<i64>> = self
            .tx
            .prepare_cached(
                "SELECT (SELECT min(first_seq) - 1 FROM epochs AS later WHERE later.n > e.n) \
                 FROM epochs AS e WHERE epoch = ?1",
            )
            .map_err(sql)?
            .query_row([epoch], |r| r.get(0))
            .optional()
            .map_err(sql)?;
        match found {
            None => Ok(None),
            Some(Some(end)) => Ok(Some(end.max(0) as u64)),
            Some(None) => self.head().map(Some),
        }
    }

    fn client_record(&mut self, client: &str) -> Result<Option<ClientRecord>, LedgerError> {
        // SQLite's Tx::client only reads, so a pull shares its query.
        Tx::client(self, client)
    }

    fn head(&mut self) -> Result<u64, LedgerError> {
        meta_number(self.tx, "head")
    }

    fn horizon(&mut self) -> Result<u64, LedgerError> {
        meta_number(self.tx, "horizon")
    }

    fn rows_after(
        &mut self,
        cursor: u64,
        scope: Option<u16>,
        limit: u32,
        bytes: usize,
    ) -> Result<RowPage, LedgerError> {
        let mut stmt = self
            .tx
            .prepare_cached(&format!(
                "SELECT {ROW_COLUMNS} FROM rows WHERE seq > ?1 AND (?2 IS NULL OR state = ?2) \
                 ORDER BY seq LIMIT ?3"
            ))
            .map_err(sql)?;
        let rows = stmt
            .query_map(params![cursor as i64, scope, limit], row_from)
            .map_err(sql)?;
        // Rows are read one at a time, so those past the size are never parsed.
        RowPage::gather(
            rows.map(|r| {
                let (row, text) = r.map_err(sql)?;
                let size = text.len();
                Ok((with_fields((row, text))?, size))
            }),
            limit,
            bytes,
        )
    }

    fn departures_after(
        &mut self,
        cursor: u64,
        state: u16,
        limit: u32,
    ) -> Result<Vec<(u64, String, String)>, LedgerError> {
        // A row that came back to the state is in its rows, not departed.
        let mut stmt = self
            .tx
            .prepare_cached(
                "SELECT d.seq, d.kind, d.id FROM departures d \
                 JOIN rows r ON r.kind = d.kind AND r.id = d.id \
                 WHERE d.state = ?2 AND d.seq > ?1 AND r.state <> ?2 ORDER BY d.seq LIMIT ?3",
            )
            .map_err(sql)?;
        let rows = stmt
            .query_map(params![cursor as i64, state, limit], |r| {
                Ok((r.get::<_, i64>(0)? as u64, r.get(1)?, r.get(2)?))
            })
            .map_err(sql)?;
        rows.collect::<Result<_, _>>().map_err(sql)
    }

    fn conflicts_after(
        &mut self,
        cursor: u64,
        scope: Option<u16>,
        limit: u32,
    ) -> Result<Vec<(u64, ConflictRecord)>, LedgerError> {
        let mut stmt = self
            .tx
            .prepare_cached(
                "SELECT seq, body FROM conflicts WHERE seq > ?1 AND (?2 IS NULL OR state = ?2) \
                 ORDER BY seq LIMIT ?3",
            )
            .map_err(sql)?;
        let rows = stmt
            .query_map(params![cursor as i64, scope, limit], |r| {
                Ok((r.get::<_, i64>(0)? as u64, r.get::<_, String>(1)?))
            })
            .map_err(sql)?;
        let mut out = Vec::new();
        for r in rows {
            let (seq, body) = r.map_err(sql)?;
            out.push((seq, serde_json::from_str(&body).map_err(json)?));
        }
        Ok(out)
    }
}

fn meta_opt(tx: &Transaction<'_>, key: &str) -> Result<Option<String>, LedgerError> {
    tx.prepare_cached("SELECT value FROM meta WHERE key = ?1")
        .map_err(sql)?
        .query_row([key], |r| r.get(0))
        .optional()
        .map_err(sql)
}

fn meta(tx: &Transaction<'_>, key: &str) -> Result<String, LedgerError> {
    meta_opt(tx, key)?.ok_or_else(|| LedgerError::Corrupt {
        what: format!("the ledger has no {key}"),
    })
}

fn meta_number(tx: &Transaction<'_>, key: &str) -> Result<u64, LedgerError> {
    let text = meta(tx, key)?;
    text.parse().map_err(|_| LedgerError::Corrupt {
        what: format!("the ledger's {key} is {text:?}, not a number"),
    })
}
