//! The central server's ledger in PostgreSQL, for a deployment that already runs one and wants
//! the server's data backed up and replicated with the rest.
//!
//! This crate owns the PostgreSQL schema of the ledger and its numbered migrations, and
//! implements the `odop-ledger` storage traits over the synchronous `postgres` client. It must
//! not know about HTTP or make any decision of its own: what to write comes from `odop-ledger`'s
//! shared rules.
//!
//! Connections come from a small pool of its own: the trait's methods block, and the server
//! calls them from blocking threads. A push is one READ COMMITTED transaction that first locks
//! the ledger's one counter row, so pushes commit one after another in the order of their
//! sequence numbers; a pull is one REPEATABLE READ, READ ONLY transaction, so the head, the
//! horizon and the page it reads agree.

mod pool;

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use odop_ledger::protocol::{
    ConflictRecord, Fields, Outcome, PullQuery, PullResponse, PushRequest, PushResponse, Role,
};
use odop_ledger::{
    apply_push, gi_tag, read_pull, Account, ClientRecord, EntityKind, GiEntry, Ledger, LedgerError,
    PlaceNames, Places, Reader, Recorded, Refusal, RowPage, StateKind, StoredRow, Tx,
};
use postgres::fallible_iterator::FallibleIterator as _;
use postgres::types::ToSql;
use postgres::{Client, IsolationLevel, Statement, Transaction};

use pool::{Conn, Pool};
use thiserror::Error;

/// Each migration runs in its own transaction; the list only grows.
const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../migrations/0001_ledger.sql")),
    (2, include_str!("../migrations/0002_epochs.sql")),
    (3, include_str!("../migrations/0003_names.sql")),
    (4, include_str!("../migrations/0004_places.sql")),
    (5, include_str!("../migrations/0005_places_tag.sql")),
    (6, include_str!("../migrations/0006_mutation_marks.sql")),
    (7, include_str!("../migrations/0007_gi_registry.sql")),
    (8, include_str!("../migrations/0008_place_names.sql")),
];

/// The advisory lock that keeps two servers starting together from migrating at once.
const MIGRATION_LOCK: i64 = 0x6f64_6f70_6c65_6467;

/// What can go wrong in PostgreSQL itself.
#[derive(Debug, Error)]
pub enum PostgresLedgerError {
    #[error(
        "the ledger's database address is not valid ({}); give postgres://USER@HOST:PORT/DB \
         or key=value pairs such as \"host=HOST user=USER dbname=DB\"",
        full(.0)
    )]
    Address(postgres::Error),

    #[error("cannot connect to the ledger's database at {target}: {}", full(.source))]
    Connect {
        target: String,
        source: postgres::Error,
    },

    #[error(
        "the ledger's database stores text as {found}; it must be UTF8 to keep every state's \
         script (create it with ENCODING 'UTF8')"
    )]
    Encoding { found: String },

    #[error("ledger migration {version} failed: {}", full(.source))]
    Migration {
        version: i64,
        source: postgres::Error,
    },

    #[error("{}", full(.0))]
    Sql(#[from] postgres::Error),

    #[error("a stored value is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
}

impl From<PostgresLedgerError> for LedgerError {
    fn from(e: PostgresLedgerError) -> LedgerError {
        LedgerError::storage(e)
    }
}

/// The client's error with what the server said: its own message is only "db error".
fn full(e: &postgres::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

fn sql(e: postgres::Error) -> LedgerError {
    LedgerError::storage(PostgresLedgerError::Sql(e))
}

fn json(e: serde_json::Error) -> LedgerError {
    LedgerError::storage(PostgresLedgerError::Json(e))
}

pub struct PostgresLedger {
    pool: Pool,
}

impl fmt::Debug for PostgresLedger {
    // The address without its password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostgresLedger")
            .field("target", &self.pool.target)
            .finish_non_exhaustive()
    }
}

impl PostgresLedger {
    /// Connects to the database named by `url` (`postgres://USER@HOST:PORT/DB` or key=value
    /// pairs) and brings the ledger's schema there up to date.
    pub fn open(url: &str) -> Result<PostgresLedger, LedgerError> {
        let mut config = postgres::Config::from_str(url).map_err(PostgresLedgerError::Address)?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(10));
        }
        if config.get_application_name().is_none() {
            config.application_name("odop-server");
        }
        let target = target(&config);
        let pool = Pool::new(config, target);
        {
            let mut lease = pool.take()?;
            let client = &mut lease.conn().client;
            check_encoding(client)?;
            migrate(client)?;
        }
        let ledger = PostgresLedger { pool };
        // A new epoch at every start: a client that synced with a later copy of this ledger
        // (before a restore) names an epoch it never had, and is told to compare everything.
        ledger.new_epoch()?;
        Ok(ledger)
    }

    /// Runs `f` in one READ COMMITTED transaction that writes as `account`.
    fn write<T>(
        &self,
        account: &str,
        f: impl FnOnce(&mut PgTx<'_>) -> Result<T, LedgerError>,
    ) -> Result<T, LedgerError> {
        self.transact(IsolationLevel::ReadCommitted, false, account, f)
    }

    /// Runs `f` in one REPEATABLE READ, READ ONLY transaction: every query sees one snapshot.
    fn read<T>(
        &self,
        f: impl FnOnce(&mut PgTx<'_>) -> Result<T, LedgerError>,
    ) -> Result<T, LedgerError> {
        self.transact(IsolationLevel::RepeatableRead, true, "", f)
    }

    /// A failed `f` rolls back when its transaction is dropped.
    fn transact<T>(
        &self,
        isolation: IsolationLevel,
        read_only: bool,
        account: &str,
        f: impl FnOnce(&mut PgTx<'_>) -> Result<T, LedgerError>,
    ) -> Result<T, LedgerError> {
        let mut lease = self.pool.take()?;
        let Conn { client, statements } = lease.conn();
        let tx = client
            .build_transaction()
            .isolation_level(isolation)
            .read_only(read_only)
            .start()
            .map_err(sql)?;
        let mut pg = PgTx {
            tx,
            statements,
            account,
        };
        let out = f(&mut pg)?;
        pg.tx.commit().map_err(sql)?;
        Ok(out)
    }
}

/// Where the ledger lives, for messages: host, port and database, never the password.
fn target(config: &postgres::Config) -> String {
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .map(|h| match h {
            postgres::config::Host::Tcp(name) => name.clone(),
            postgres::config::Host::Unix(path) => path.display().to_string(),
        })
        .collect();
    let ports: Vec<String> = config.get_ports().iter().map(u16::to_string).collect();
    format!(
        "host {} port {} database {}",
        if hosts.is_empty() {
            "(default)".to_owned()
        } else {
            hosts.join(",")
        },
        if ports.is_empty() {
            "5432".to_owned()
        } else {
            ports.join(",")
        },
        config
            .get_dbname()
            .or(config.get_user())
            .unwrap_or("(default)")
    )
}

fn check_encoding(client: &mut Client) -> Result<(), LedgerError> {
    let found: String = client
        .query_one(
            "SELECT pg_encoding_to_char(encoding) FROM pg_database \
             WHERE datname = current_database()",
            &[],
        )
        .and_then(|r| r.try_get(0))
        .map_err(sql)?;
    if found != "UTF8" {
        return Err(PostgresLedgerError::Encoding { found }.into());
    }
    Ok(())
}

/// Brings the schema up to date, one migration per transaction, under an advisory lock so a
/// second server starting at the same time waits and then finds the work done.
fn migrate(client: &mut Client) -> Result<(), LedgerError> {
    let known = MIGRATIONS.last().map_or(0, |m| m.0);
    loop {
        let mut tx = client.transaction().map_err(sql)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
            .map_err(sql)?;
        // Created only when missing: a server whose role may not create tables still opens an
        // up-to-date ledger.
        let exists: bool = tx
            .query_one("SELECT to_regclass('schema_version') IS NOT NULL", &[])
            .and_then(|r| r.try_get(0))
            .map_err(sql)?;
        if !exists {
            tx.batch_execute(
                "CREATE TABLE schema_version (\
                     version    BIGINT PRIMARY KEY, \
                     applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
            )
            .map_err(sql)?;
        }
        let found: i64 = tx
            .query_one("SELECT coalesce(max(version), 0) FROM schema_version", &[])
            .and_then(|r| r.try_get(0))
            .map_err(sql)?;
        if found > known {
            return Err(LedgerError::TooNew { found, known });
        }
        let Some((version, script)) = MIGRATIONS.iter().find(|m| m.0 > found) else {
            tx.commit().map_err(sql)?;
            return Ok(());
        };
        tx.batch_execute(script)
            .map_err(|source| PostgresLedgerError::Migration {
                version: *version,
                source,
            })?;
        if *version == 3 {
            fill_names(&mut tx)?;
        }
        tx.execute(
            "INSERT INTO schema_version (version) VALUES ($1)",
            &[version],
        )
        .map_err(sql)?;
        tx.commit().map_err(sql)?;
    }
}

// ---- conversions ----------------------------------------------------------------------------

/// A sequence number or version as PostgreSQL's BIGINT. Numbers past its range come only from
/// a client, and compare as the largest stored value would.
fn big(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn unsigned(n: i64, what: &str) -> Result<u64, LedgerError> {
    u64::try_from(n).map_err(|_| LedgerError::Corrupt {
        what: format!("a stored {what} is {n}, below zero"),
    })
}

fn state_code(n: i32) -> Result<u16, LedgerError> {
    u16::try_from(n).map_err(|_| LedgerError::Corrupt {
        what: format!("a stored state code is {n}, not an LGD state code"),
    })
}

fn state_param(state: Option<u16>) -> Option<i32> {
    state.map(i32::from)
}

/// The account columns, as a macro so statements that use them stay `&'static str`.
macro_rules! account_columns {
    () => {
        "name, role, state, created_at, revoked_at"
    };
}

fn account_from(r: &postgres::Row) -> Result<Account, LedgerError> {
    let role: String = r.try_get(1).map_err(sql)?;
    Ok(Account {
        name: r.try_get(0).map_err(sql)?,
        role: Role::parse(&role).ok_or_else(|| LedgerError::Corrupt {
            what: format!("an account has the unknown role {role:?}"),
        })?,
        state: r
            .try_get::<_, Option<i32>>(2)
            .map_err(sql)?
            .map(state_code)
            .transpose()?,
        created_at: r.try_get(3).map_err(sql)?,
        revoked_at: r.try_get(4).map_err(sql)?,
    })
}

/// The row columns, as a macro so statements that use them stay `&'static str`.
macro_rules! row_columns {
    () => {
        "kind, id, version, state, fields, deleted, author, at, seq"
    };
}

fn row_from(r: &postgres::Row) -> Result<StoredRow, LedgerError> {
    let fields: String = r.try_get(4).map_err(sql)?;
    Ok(StoredRow {
        kind: r.try_get(0).map_err(sql)?,
        id: r.try_get(1).map_err(sql)?,
        version: unsigned(r.try_get(2).map_err(sql)?, "version")?,
        state: state_code(r.try_get(3).map_err(sql)?)?,
        fields: serde_json::from_str::<Fields>(&fields).map_err(json)?,
        deleted: r.try_get(5).map_err(sql)?,
        author: r.try_get(6).map_err(sql)?,
        at: r.try_get(7).map_err(sql)?,
        seq: unsigned(r.try_get(8).map_err(sql)?, "sequence number")?,
    })
}

/// Clears what the ledger notes a row names, before noting what it names now.
const FORGET_NAMES: &str = "DELETE FROM names WHERE kind = $1 AND id = $2";

/// Notes a row's names, given as two arrays: the ids named and the fields naming them.
const NOTE_NAMES: &str = "INSERT INTO names (target, kind, field, id, state) \
     SELECT target, $3, field, $4, $5 FROM unnest($1::TEXT[], $2::TEXT[]) AS n (target, field) \
     ON CONFLICT DO NOTHING";

/// A row's names as the two arrays [`NOTE_NAMES`] takes; `None` when it names nothing.
fn name_arrays(row: &StoredRow) -> Option<(Vec<&str>, Vec<&'static str>)> {
    let (targets, fields): (Vec<&str>, Vec<&'static str>) =
        row.names().into_iter().map(|n| (n.id, n.field)).unzip();
    (!targets.is_empty()).then_some((targets, fields))
}

/// Notes what every live row already held names, as `write_row` does for each row it writes.
/// Rows are read a page at a time, so a large ledger is never held in memory at once.
fn fill_names(tx: &mut Transaction<'_>) -> Result<(), LedgerError> {
    let mut after = 0_i64;
    loop {
        let page = tx
            .query(
                concat!(
                    "SELECT ",
                    row_columns!(),
                    " FROM rows WHERE seq > $1 AND NOT deleted ORDER BY seq LIMIT 2000"
                ),
                &[&after],
            )
            .map_err(sql)?;
        let Some(last) = page.last() else {
            return Ok(());
        };
        after = last.try_get(8).map_err(sql)?;
        for r in &page {
            let row = row_from(r)?;
            if let Some((targets, fields)) = name_arrays(&row) {
                tx.execute(
                    NOTE_NAMES,
                    &[&targets, &fields, &row.kind, &row.id, &i32::from(row.state)],
                )
                .map_err(sql)?;
            }
        }
    }
}

// ---- the ledger -----------------------------------------------------------------------------

impl Ledger for PostgresLedger {
    fn insert_account(&self, account: &Account, token_hash: &str) -> Result<(), LedgerError> {
        self.write(&account.name, |tx| {
            let added = tx.execute(
                "INSERT INTO accounts (name, role, state, token_hash, created_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (name) DO NOTHING",
                &[
                    &account.name,
                    &account.role.as_str(),
                    &state_param(account.state),
                    &token_hash,
                    &account.created_at,
                ],
            )?;
            if added == 0 {
                return Err(LedgerError::AccountExists {
                    name: account.name.clone(),
                });
            }
            Ok(())
        })
    }

    fn accounts(&self) -> Result<Vec<Account>, LedgerError> {
        self.read(|tx| {
            // Byte order, as SQLite sorts, whatever the database's locale.
            tx.query(
                concat!(
                    "SELECT ",
                    account_columns!(),
                    " FROM accounts ORDER BY name COLLATE \"C\""
                ),
                &[],
            )?
            .iter()
            .map(account_from)
            .collect()
        })
    }

    fn revoke(&self, name: &str) -> Result<bool, LedgerError> {
        self.write(name, |tx| {
            let revoked = tx.execute(
                "UPDATE accounts SET revoked_at = $2 WHERE name = $1 AND revoked_at IS NULL",
                &[&name, &odop_ledger::now()],
            )?;
            if revoked == 1 {
                return Ok(true);
            }
            let exists = tx
                .query_opt("SELECT 1 FROM accounts WHERE name = $1", &[&name])?
                .is_some();
            if exists {
                Ok(false)
            } else {
                Err(LedgerError::NoSuchAccount { name: name.into() })
            }
        })
    }

    fn places(&self) -> Result<Places, LedgerError> {
        self.read(|tx| Tx::places(tx))
    }

    fn place_names(&self) -> Result<PlaceNames, LedgerError> {
        self.read(|tx| Reader::place_names(tx))
    }

    fn places_tag(&self) -> Result<Option<String>, LedgerError> {
        self.read(|tx| Reader::places_tag(tx))
    }

    fn set_named_places(&self, places: &Places, names: &PlaceNames) -> Result<(), LedgerError> {
        let tag = places.tag_named(names);
        let states: Vec<i32> = places.states.iter().map(|s| i32::from(*s)).collect();
        let state_names: Vec<Option<String>> = places
            .states
            .iter()
            .map(|s| names.states.get(s).map(|(name, _)| name.clone()))
            .collect();
        let state_uts: Vec<bool> = places
            .states
            .iter()
            .map(|s| {
                names
                    .states
                    .get(s)
                    .is_some_and(|(_, k)| *k == StateKind::Ut)
            })
            .collect();
        let (codes, in_states): (Vec<i64>, Vec<i32>) = places
            .districts
            .iter()
            .map(|(code, state)| (i64::from(*code), i32::from(*state)))
            .unzip();
        let district_names: Vec<Option<String>> = places
            .districts
            .keys()
            .map(|d| names.districts.get(d).cloned())
            .collect();
        self.write("", |tx| {
            tx.execute("DELETE FROM place_districts", &[])?;
            tx.execute("DELETE FROM place_states", &[])?;
            tx.execute(
                "INSERT INTO place_states (code, name, ut) \
                 SELECT * FROM unnest($1::int[], $2::text[], $3::boolean[])",
                &[&states, &state_names, &state_uts],
            )?;
            tx.execute(
                "INSERT INTO place_districts (code, state, name) \
                 SELECT * FROM unnest($1::bigint[], $2::int[], $3::text[])",
                &[&codes, &in_states, &district_names],
            )?;
            tx.execute("UPDATE ledger_meta SET places_tag = $1", &[&tag])?;
            Ok(())
        })
    }

    fn gi_registry(&self) -> Result<Vec<GiEntry>, LedgerError> {
        self.read(|tx| Reader::gi_registry(tx))
    }

    fn set_gi_registry(&self, entries: &[GiEntry]) -> Result<(), LedgerError> {
        let body = serde_json::to_string(entries).map_err(json)?;
        let tag = gi_tag(entries);
        self.write("", |tx| {
            tx.execute(
                "UPDATE ledger_meta SET gi_tag = $1, gi_registry = $2",
                &[&tag, &body],
            )?;
            Ok(())
        })
    }

    fn account_for(&self, token_hash: &str) -> Result<Option<Account>, LedgerError> {
        self.read(|tx| {
            tx.query_opt(
                concat!(
                    "SELECT ",
                    account_columns!(),
                    " FROM accounts WHERE token_hash = $1 AND revoked_at IS NULL"
                ),
                &[&token_hash],
            )?
            .as_ref()
            .map(account_from)
            .transpose()
        })
    }

    fn push(&self, who: &Account, request: &PushRequest) -> Result<PushResponse, LedgerError> {
        self.write(&who.name, |tx| {
            tx.lock_sequence()?;
            apply_push(tx, who, request)
        })
    }

    fn pull_with(&self, who: &Account, query: &PullQuery) -> Result<PullResponse, LedgerError> {
        self.read(|tx| read_pull(tx, who, query))
    }

    fn new_epoch(&self) -> Result<String, LedgerError> {
        let epoch = odop_ledger::new_id();
        self.write("", |tx| {
            // The counter row's lock keeps every push out between the head read here and the
            // epoch's first number.
            let head = tx
                .query_one(
                    "UPDATE ledger_meta SET epoch = $1 RETURNING head",
                    &[&epoch],
                )?
                .try_get::<_, i64>(0)
                .map_err(sql)?;
            tx.execute(
                "INSERT INTO ledger_epochs (epoch, first_seq) VALUES ($1, $2)",
                &[&epoch, &(head + 1)],
            )?;
            Ok(())
        })?;
        Ok(epoch)
    }

    fn prune(&self, before: &str) -> Result<u64, LedgerError> {
        self.write("", |tx| {
            tx.lock_sequence()?;
            let top: Option<i64> = tx
                .query_one(
                    "SELECT max(seq) FROM rows WHERE deleted AND at < $1",
                    &[&before],
                )?
                .try_get(0)
                .map_err(sql)?;
            let Some(top) = top else { return Ok(0) };
            let gone = tx.execute("DELETE FROM rows WHERE deleted AND seq <= $1", &[&top])?;
            tx.execute("DELETE FROM departures WHERE seq <= $1", &[&top])?;
            tx.execute(
                "UPDATE ledger_meta SET horizon = greatest(horizon, $1)",
                &[&top],
            )?;
            Ok(gone)
        })
    }

    fn refusals(&self, who: &Account, limit: u32) -> Result<Vec<Refusal>, LedgerError> {
        self.read(|tx| {
            let rows = tx.query(
                "SELECT client, seq, account, code, reason, at FROM refusals \
                 WHERE $1::integer IS NULL OR state = $1 ORDER BY at DESC, seq DESC LIMIT $2",
                &[&state_param(who.scope()), &i64::from(limit)],
            )?;
            rows.iter()
                .map(|r| {
                    Ok(Refusal {
                        client: r.try_get(0).map_err(sql)?,
                        seq: unsigned(r.try_get(1).map_err(sql)?, "mutation number")?,
                        account: r.try_get(2).map_err(sql)?,
                        code: r.try_get(3).map_err(sql)?,
                        reason: r.try_get(4).map_err(sql)?,
                        at: r.try_get(5).map_err(sql)?,
                    })
                })
                .collect()
        })
    }
}

// ---- one transaction ------------------------------------------------------------------------

/// The ledger's storage traits over one PostgreSQL transaction.
struct PgTx<'c> {
    tx: Transaction<'c>,
    statements: &'c mut HashMap<&'static str, Statement>,
    /// Who writes: a client seen for the first time is recorded as theirs.
    account: &'c str,
}

type Params<'p> = [&'p (dyn ToSql + Sync)];

impl PgTx<'_> {
    /// The statement for `text`, prepared once per connection.
    fn statement(&mut self, text: &'static str) -> Result<Statement, LedgerError> {
        if let Some(s) = self.statements.get(text) {
            return Ok(s.clone());
        }
        let s = self.tx.prepare(text).map_err(sql)?;
        self.statements.insert(text, s.clone());
        Ok(s)
    }

    fn query(
        &mut self,
        text: &'static str,
        params: &Params<'_>,
    ) -> Result<Vec<postgres::Row>, LedgerError> {
        let s = self.statement(text)?;
        self.tx.query(&s, params).map_err(sql)
    }

    fn query_opt(
        &mut self,
        text: &'static str,
        params: &Params<'_>,
    ) -> Result<Option<postgres::Row>, LedgerError> {
        let s = self.statement(text)?;
        self.tx.query_opt(&s, params).map_err(sql)
    }

    fn query_one(
        &mut self,
        text: &'static str,
        params: &Params<'_>,
    ) -> Result<postgres::Row, LedgerError> {
        let s = self.statement(text)?;
        self.tx.query_one(&s, params).map_err(sql)
    }

    fn execute(&mut self, text: &'static str, params: &Params<'_>) -> Result<u64, LedgerError> {
        let s = self.statement(text)?;
        self.tx.execute(&s, params).map_err(sql)
    }

    /// Locks the counter row before anything else. Every writer then waits here, never while
    /// holding a row lock another writer wants, so writers cannot deadlock; and a row that does
    /// not exist yet cannot be created by two pushes at once.
    fn lock_sequence(&mut self) -> Result<(), LedgerError> {
        self.query_opt("SELECT head FROM ledger_meta FOR UPDATE", &[])?
            .ok_or_else(|| LedgerError::Corrupt {
                what: "the ledger has no counter row".into(),
            })?;
        Ok(())
    }

    fn meta_number(&mut self, text: &'static str, what: &str) -> Result<u64, LedgerError> {
        let row = self
            .query_opt(text, &[])?
            .ok_or_else(|| LedgerError::Corrupt {
                what: "the ledger has no counter row".into(),
            })?;
        unsigned(row.try_get(0).map_err(sql)?, what)
    }
}

impl Tx for PgTx<'_> {
    fn client(&mut self, client: &str) -> Result<Option<ClientRecord>, LedgerError> {
        // A client seen for the first time is inserted as the writer's, so a second push of the
        // same new client waits here for the first to commit, then reads what it recorded.
        let account = self.account;
        self.execute(
            "INSERT INTO clients (id, account, last_seq) VALUES ($1, $2, 0) \
             ON CONFLICT (id) DO NOTHING",
            &[&client, &account],
        )?;
        let Some(row) = self.query_opt(
            "SELECT account, last_seq FROM clients WHERE id = $1 FOR UPDATE",
            &[&client],
        )?
        else {
            return Ok(None);
        };
        Ok(Some(ClientRecord {
            account: row.try_get(0).map_err(sql)?,
            last_seq: unsigned(row.try_get(1).map_err(sql)?, "mutation number")?,
        }))
    }

    fn save_client(&mut self, client: &str, record: &ClientRecord) -> Result<(), LedgerError> {
        self.execute(
            "INSERT INTO clients (id, account, last_seq) VALUES ($1, $2, $3) \
             ON CONFLICT (id) DO UPDATE SET last_seq = excluded.last_seq",
            &[&client, &record.account, &big(record.last_seq)],
        )?;
        Ok(())
    }

    fn recorded(&mut self, client: &str, seq: u64) -> Result<Option<Recorded>, LedgerError> {
        let Some(row) = self.query_opt(
            "SELECT outcome, mark FROM mutations WHERE client = $1 AND seq = $2",
            &[&client, &big(seq)],
        )?
        else {
            return Ok(None);
        };
        let text: String = row.try_get(0).map_err(sql)?;
        Ok(Some(Recorded {
            outcome: serde_json::from_str(&text).map_err(json)?,
            mark: row.try_get(1).map_err(sql)?,
        }))
    }

    fn record(
        &mut self,
        client: &str,
        seq: u64,
        outcome: &Outcome,
        mark: &str,
    ) -> Result<(), LedgerError> {
        let text = serde_json::to_string(outcome).map_err(json)?;
        self.execute(
            "INSERT INTO mutations (client, seq, outcome, mark) VALUES ($1, $2, $3, $4)",
            &[&client, &big(seq), &text, &mark],
        )?;
        Ok(())
    }

    fn refuse(&mut self, refusal: &Refusal, state: Option<u16>) -> Result<(), LedgerError> {
        self.execute(
            "INSERT INTO refusals (client, seq, account, state, code, reason, at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[
                &refusal.client,
                &big(refusal.seq),
                &refusal.account,
                &state_param(state),
                &refusal.code,
                &refusal.reason,
                &refusal.at,
            ],
        )?;
        Ok(())
    }

    fn places(&mut self) -> Result<Places, LedgerError> {
        // One statement, so a push under READ COMMITTED never sees half of a new list.
        let rows = self.query(
            "SELECT code::bigint, NULL::int FROM place_states \
             UNION ALL SELECT code, state FROM place_districts",
            &[],
        )?;
        let mut places = Places::default();
        for row in rows {
            let code: i64 = row.try_get(0).map_err(sql)?;
            let state: Option<i32> = row.try_get(1).map_err(sql)?;
            let corrupt = |what: &str| LedgerError::Corrupt {
                what: format!("a stored {what} code is {code}, not an LGD {what} code"),
            };
            match state {
                None => {
                    let code = u16::try_from(code).map_err(|_| corrupt("state"))?;
                    places.states.insert(code);
                }
                Some(state) => {
                    let code = u32::try_from(code).map_err(|_| corrupt("district"))?;
                    places.districts.insert(code, state_code(state)?);
                }
            }
        }
        Ok(places)
    }

    fn live_state(&mut self, kind: &str, id: &str) -> Result<Option<u16>, LedgerError> {
        // Writers wait on the counter row first, so no other push can delete it meanwhile.
        self.query_opt(
            "SELECT state FROM rows WHERE kind = $1 AND id = $2 AND NOT deleted",
            &[&kind, &id],
        )?
        .map(|r| state_code(r.try_get(0).map_err(sql)?))
        .transpose()
    }

    fn naming(
        &mut self,
        kind: &str,
        field: &str,
        // A field names records of one kind only, so the field and the id find them.
        _target: EntityKind,
        id: &str,
        except_state: Option<u16>,
        limit: u32,
    ) -> Result<Vec<String>, LedgerError> {
        let s = self.statement(
            "SELECT id FROM names WHERE target = $3 AND kind = $1 AND field = $2 \
             AND ($4::INTEGER IS NULL OR state <> $4) LIMIT $5",
        )?;
        let rows = self
            .tx
            .query(
                &s,
                &[
                    &kind,
                    &field,
                    &id,
                    &state_param(except_state),
                    &i64::from(limit),
                ],
            )
            .map_err(sql)?;
        rows.iter().map(|r| r.try_get(0).map_err(sql)).collect()
    }

    fn row(&mut self, kind: &str, id: &str) -> Result<Option<StoredRow>, LedgerError> {
        self.query_opt(
            concat!(
                "SELECT ",
                row_columns!(),
                " FROM rows WHERE kind = $1 AND id = $2 FOR UPDATE"
            ),
            &[&kind, &id],
        )?
        .as_ref()
        .map(row_from)
        .transpose()
    }

    fn next_seq(&mut self) -> Result<u64, LedgerError> {
        // The counter row stays locked until commit, so numbers commit in the order given.
        let row = self.query_one("UPDATE ledger_meta SET head = head + 1 RETURNING head", &[])?;
        unsigned(row.try_get(0).map_err(sql)?, "head")
    }

    fn write_row(&mut self, row: &StoredRow) -> Result<(), LedgerError> {
        let fields = serde_json::to_string(&row.fields).map_err(json)?;
        self.execute(
            concat!(
                "INSERT INTO rows (",
                row_columns!(),
                ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                 ON CONFLICT (kind, id) DO UPDATE SET version = excluded.version, \
                 state = excluded.state, fields = excluded.fields, deleted = excluded.deleted, \
                 author = excluded.author, at = excluded.at, seq = excluded.seq"
            ),
            &[
                &row.kind,
                &row.id,
                &big(row.version),
                &i32::from(row.state),
                &fields,
                &row.deleted,
                &row.author,
                &row.at,
                &big(row.seq),
            ],
        )?;
        if row.kind_names_records() {
            self.execute(FORGET_NAMES, &[&row.kind, &row.id])?;
            if let Some((targets, fields)) = name_arrays(row) {
                self.execute(
                    NOTE_NAMES,
                    &[&targets, &fields, &row.kind, &row.id, &i32::from(row.state)],
                )?;
            }
        }
        Ok(())
    }

    fn write_departure(
        &mut self,
        kind: &str,
        id: &str,
        state: u16,
        seq: u64,
    ) -> Result<(), LedgerError> {
        self.execute(
            "INSERT INTO departures (kind, id, state, seq) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (kind, id, state) DO UPDATE SET seq = excluded.seq",
            &[&kind, &id, &i32::from(state), &big(seq)],
        )?;
        Ok(())
    }

    fn write_conflict(&mut self, conflict: &ConflictRecord, seq: u64) -> Result<(), LedgerError> {
        let body = serde_json::to_string(conflict).map_err(json)?;
        self.execute(
            "INSERT INTO conflicts (id, state, body, seq) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (id) DO UPDATE SET body = excluded.body, seq = excluded.seq",
            &[&conflict.id, &i32::from(conflict.state), &body, &big(seq)],
        )?;
        Ok(())
    }

    fn conflict(&mut self, id: &str) -> Result<Option<ConflictRecord>, LedgerError> {
        let Some(row) = self.query_opt("SELECT body FROM conflicts WHERE id = $1", &[&id])? else {
            return Ok(None);
        };
        let body: String = row.try_get(0).map_err(sql)?;
        serde_json::from_str(&body).map(Some).map_err(json)
    }
}

impl Reader for PgTx<'_> {
    fn places(&mut self) -> Result<Places, LedgerError> {
        Tx::places(self)
    }

    fn places_tag(&mut self) -> Result<Option<String>, LedgerError> {
        let row = self.query_opt("SELECT places_tag FROM ledger_meta", &[])?;
        Ok(match row {
            Some(row) => row.try_get(0).map_err(sql)?,
            None => None,
        })
    }

    fn place_names(&mut self) -> Result<PlaceNames, LedgerError> {
        // One statement, as for the places themselves.
        let rows = self.query(
            "SELECT code::bigint, name, ut, NULL::int FROM place_states WHERE name IS NOT NULL \
             UNION ALL SELECT code, name, FALSE, state FROM place_districts \
             WHERE name IS NOT NULL",
            &[],
        )?;
        let mut names = PlaceNames::default();
        for row in rows {
            let code: i64 = row.try_get(0).map_err(sql)?;
            let name: String = row.try_get(1).map_err(sql)?;
            let ut: bool = row.try_get(2).map_err(sql)?;
            let state: Option<i32> = row.try_get(3).map_err(sql)?;
            let corrupt = |what: &str| LedgerError::Corrupt {
                what: format!("a stored {what} code is {code}, not an LGD {what} code"),
            };
            if state.is_none() {
                let code = u16::try_from(code).map_err(|_| corrupt("state"))?;
                let kind = if ut { StateKind::Ut } else { StateKind::State };
                names.states.insert(code, (name, kind));
            } else {
                let code = u32::try_from(code).map_err(|_| corrupt("district"))?;
                names.districts.insert(code, name);
            }
        }
        Ok(names)
    }

    fn gi_tag(&mut self) -> Result<Option<String>, LedgerError> {
        let row = self.query_opt("SELECT gi_tag FROM ledger_meta", &[])?;
        Ok(match row {
            Some(row) => row.try_get(0).map_err(sql)?,
            None => None,
        })
    }

    fn gi_registry(&mut self) -> Result<Vec<GiEntry>, LedgerError> {
        let row = self.query_opt("SELECT gi_registry FROM ledger_meta", &[])?;
        let body: Option<String> = match row {
            Some(row) => row.try_get(0).map_err(sql)?,
            None => None,
        };
        match body {
            Some(body) => serde_json::from_str(&body).map_err(json),
            None => Ok(Vec::new()),
        }
    }

    fn epoch(&mut self) -> Result<String, LedgerError> {
        let row = self
            .query_opt("SELECT epoch FROM ledger_meta", &[])?
            .ok_or_else(|| LedgerError::Corrupt {
                what: "the ledger has no epoch".into(),
            })?;
        row.try_get(0).map_err(sql)
    }

    fn epoch_end(&mut self, epoch: &str) -> Result<Option<u64>, LedgerError> {
        let Some(row) = self.query_opt(
            "SELECT (SELECT min(first_seq) - 1 FROM ledger_epochs AS later WHERE later.n > e.n) \
             FROM ledger_epochs AS e WHERE epoch = $1",
            &[&epoch],
        )?
        else {
            return Ok(None);
        };
        match row.try_get::<_, Option<i64>>(0).map_err(sql)? {
            Some(end) => unsigned(end, "epoch end").map(Some),
            None => self.head().map(Some),
        }
    }

    fn client_record(&mut self, client: &str) -> Result<Option<ClientRecord>, LedgerError> {
        // Not Tx::client: that one inserts the client and locks its row, for writers.
        let Some(row) = self.query_opt(
            "SELECT account, last_seq FROM clients WHERE id = $1",
            &[&client],
        )?
        else {
            return Ok(None);
        };
        Ok(Some(ClientRecord {
            account: row.try_get(0).map_err(sql)?,
            last_seq: unsigned(row.try_get(1).map_err(sql)?, "last_seq")?,
        }))
    }

    fn head(&mut self) -> Result<u64, LedgerError> {
        self.meta_number("SELECT head FROM ledger_meta", "head")
    }

    fn horizon(&mut self) -> Result<u64, LedgerError> {
        self.meta_number("SELECT horizon FROM ledger_meta", "horizon")
    }

    fn rows_after(
        &mut self,
        cursor: u64,
        scope: Option<u16>,
        limit: u32,
        bytes: usize,
    ) -> Result<RowPage, LedgerError> {
        let s = self.statement(concat!(
            "SELECT ",
            row_columns!(),
            " FROM rows WHERE seq > $1 AND ($2::integer IS NULL OR state = $2) \
             ORDER BY seq LIMIT $3"
        ))?;
        let (cursor, scope, count) = (big(cursor), state_param(scope), i64::from(limit));
        let params: [&(dyn ToSql + Sync); 3] = [&cursor, &scope, &count];
        // Rows stream in one at a time: those past the size are left unread, never parsed.
        // The plain query keeps the hot path (a pull with nothing new) as cheap as ever.
        let rows = self.tx.query_raw(&s, params).map_err(sql)?;
        RowPage::gather(
            rows.iterator().map(|r| {
                let r = r.map_err(sql)?;
                let size = r.try_get::<_, &str>(4).map_err(sql)?.len();
                Ok((row_from(&r)?, size))
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
        self.query(
            "SELECT d.seq, d.kind, d.id FROM departures d \
             JOIN rows r ON r.kind = d.kind AND r.id = d.id \
             WHERE d.state = $2 AND d.seq > $1 AND r.state <> $2 ORDER BY d.seq LIMIT $3",
            &[&big(cursor), &i32::from(state), &i64::from(limit)],
        )?
        .iter()
        .map(|r| {
            Ok((
                unsigned(r.try_get(0).map_err(sql)?, "sequence number")?,
                r.try_get(1).map_err(sql)?,
                r.try_get(2).map_err(sql)?,
            ))
        })
        .collect()
    }

    fn conflicts_after(
        &mut self,
        cursor: u64,
        scope: Option<u16>,
        limit: u32,
    ) -> Result<Vec<(u64, ConflictRecord)>, LedgerError> {
        self.query(
            "SELECT seq, body FROM conflicts WHERE seq > $1 AND ($2::integer IS NULL OR state = $2) \
             ORDER BY seq LIMIT $3",
            &[&big(cursor), &state_param(scope), &i64::from(limit)],
        )?
        .iter()
        .map(|r| {
            let body: String = r.try_get(1).map_err(sql)?;
            Ok((
                unsigned(r.try_get(0).map_err(sql)?, "sequence number")?,
                serde_json::from_str(&body).map_err(json)?,
            ))
        })
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_address_is_refused_with_the_forms_that_work() {
        let err = PostgresLedger::open("postgres://ledger@host:notaport/db").unwrap_err();
        assert_eq!(err.code(), "storage");
        assert!(err.to_string().contains("key=value"), "{err}");
    }

    #[test]
    fn a_refused_connection_says_where_and_why() {
        let err = PostgresLedger::open("host=127.0.0.1 port=1 user=odop dbname=ledger")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("host 127.0.0.1 port 1 database ledger"),
            "{err}"
        );
        // More than the client's own "error connecting to server": the system's reason.
        assert!(err.to_lowercase().contains("refused"), "{err}");
    }

    #[test]
    fn the_target_never_shows_the_password() {
        let config =
            postgres::Config::from_str("postgres://odop:secret@db.example:6543/ledger").unwrap();
        let shown = target(&config);
        assert_eq!(shown, "host db.example port 6543 database ledger");
        assert!(!shown.contains("secret"));
    }

    #[test]
    fn numbers_past_bigint_compare_as_its_largest() {
        assert_eq!(big(u64::MAX), i64::MAX);
        assert_eq!(big(42), 42);
        assert!(unsigned(-1, "version").is_err());
        assert!(state_code(70_000).is_err());
    }
}
