//! `odop-server`: the ODOP central server and its account administration.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::{Parser, Subcommand};
use odop_ledger::{Account, Ledger, LedgerError, PlaceNames, Places, Token};
use odop_protocol::Role;
use odop_server::{Config, RateLimit};

#[derive(Debug, Parser)]
#[command(name = "odop-server", version, about = "The ODOP central server")]
struct Cli {
    /// The ledger: sqlite:PATH or postgres://USER@HOST:PORT/DB. Default: a SQLite file in the
    /// OS data folder.
    #[arg(long, global = true, env = "ODOP_SERVER_DB")]
    db: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the sync API until interrupted (Ctrl-C or SIGTERM finish the requests in flight).
    Serve {
        #[arg(long, default_value = "127.0.0.1:8480", env = "ODOP_SERVER_LISTEN")]
        listen: SocketAddr,
        /// Requests per second allowed per token, on average.
        #[arg(long, default_value_t = RateLimit::default().per_second)]
        rate: f64,
        /// Requests allowed per token at once.
        #[arg(long, default_value_t = RateLimit::default().burst)]
        burst: f64,
        /// Seconds before a request is abandoned.
        #[arg(long, default_value_t = 30)]
        timeout: u64,
        /// Log lines as JSON (for collectors) instead of text.
        #[arg(long)]
        json_logs: bool,
    },
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// The LGD states and districts every written row's place is checked against.
    Places {
        #[command(subcommand)]
        command: PlacesCommand,
    },
    /// The GI registry desks take at sync: loaded here, or sent by a central desk that loaded
    /// the registry's list (`odop import gi FILE`).
    Gi {
        #[command(subcommand)]
        command: GiCommand,
    },
    /// Forget tombstones older than this many days; clients that last synced before then resync.
    Prune {
        #[arg(long, default_value_t = 90)]
        older_than_days: u32,
    },
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Add an account and print its token once.
    Add {
        #[arg(long)]
        name: String,
        /// central, state-editor or state-viewer.
        #[arg(long)]
        role: String,
        /// The LGD state code of a state account.
        #[arg(long)]
        state: Option<u16>,
    },
    /// List accounts (never tokens).
    List,
    /// Revoke an account's token.
    Revoke { name: String },
}

#[derive(Debug, Subcommand)]
enum GiCommand {
    /// Load the GI registry's list (CSV or a workbook: S.No, Geographical Indications, Goods,
    /// State to State 7), replacing the registry held; its states are matched against the LGD
    /// lists loaded with `places import`. Desks take it at their next sync.
    Import {
        file: PathBuf,
        /// Read the list and say what it holds, changing nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Say which registry is held, as desks hold it.
    Show,
}

#[derive(Debug, Subcommand)]
enum PlacesCommand {
    /// Load the LGD state and district lists (CSV or a workbook), replacing the places held.
    /// Rows already held keep their places; a write that gives a row a place not in the
    /// lists is refused from then on.
    Import {
        #[arg(long)]
        states: PathBuf,
        #[arg(long)]
        districts: PathBuf,
        /// Read the lists and say what would change, changing nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Say how many states and districts are held.
    Show,
    /// Forget the places: no row is checked against a list any more.
    Clear,
}

/// A command refused as given, which the person running it can fix.
#[derive(Debug)]
struct Refused(String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refused {}

/// Exit codes: 1 when the machine or the ledger failed, 2 for a wrong command line, 3 for a
/// value refused as given (a role, a state, a `--db` address, an account that is or is not).
fn exit_code(e: &anyhow::Error) -> u8 {
    let refused = e.downcast_ref::<Refused>().is_some()
        || e.downcast_ref::<LedgerError>().is_some_and(|l| {
            matches!(
                l,
                LedgerError::AccountExists { .. }
                    | LedgerError::NoSuchAccount { .. }
                    | LedgerError::BadAccount { .. }
            )
        });
    if refused {
        3
    } else {
        1
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // The ledger's errors keep their cause inside their message, not as a source, so
            // the chain says each cause once.
            eprintln!("odop-server: {e:#}");
            ExitCode::from(exit_code(&e))
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let ledger = open(cli.db.as_deref())?;
    match cli.command {
        Command::Serve {
            listen,
            rate,
            burst,
            timeout,
            json_logs,
        } => {
            logging(json_logs);
            if !(rate > 0.0 && burst >= 1.0) {
                let why = "--rate must be above 0 and --burst at least 1";
                return Err(Refused(why.to_owned()).into());
            }
            let config = Config {
                rate: RateLimit {
                    per_second: rate,
                    burst,
                },
                timeout: Duration::from_secs(timeout.max(1)),
            };
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?;
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind(listen)
                    .await
                    .with_context(|| format!("cannot listen on {listen}"))?;
                let bound = listener.local_addr()?;
                // Scripts and tests wait for this line, which names the real port.
                println!("odop-server listening on http://{bound}");
                tracing::info!(%bound, "listening");
                odop_server::serve(listener, ledger, &config, stopped()).await?;
                tracing::info!("stopped");
                anyhow::Ok(())
            })
        }
        Command::User { command } => match command {
            UserCommand::Add { name, role, state } => {
                let Some(role) = Role::parse(&role) else {
                    let why = format!(
                        "--role must be central, state-editor or state-viewer, not {role:?}"
                    );
                    return Err(Refused(why).into());
                };
                let account = Account::new(&name, role, state)?;
                if let Some(state) = account.state {
                    let places = ledger.places()?;
                    if places.is_empty() {
                        eprintln!(
                            "no LGD list is loaded, so state {state} was not checked; \
                             `odop-server places import` loads one"
                        );
                    } else if !places.states.contains(&state) {
                        let why = format!(
                            "--state {state} is not in the server's LGD list of {} states",
                            places.states.len()
                        );
                        return Err(Refused(why).into());
                    }
                }
                let token = Token::generate()?;
                ledger.insert_account(&account, &token.hash())?;
                eprintln!(
                    "account {:?} added; its token is shown once, keep it safe:",
                    account.name
                );
                println!("{}", token.0);
                Ok(())
            }
            UserCommand::List => {
                for a in ledger.accounts()? {
                    println!(
                        "{}\t{}\t{}\t{}{}",
                        a.name,
                        a.role.as_str(),
                        a.state.map(|s| s.to_string()).unwrap_or_else(|| "-".into()),
                        a.created_at,
                        a.revoked_at
                            .map(|r| format!("\trevoked {r}"))
                            .unwrap_or_default()
                    );
                }
                Ok(())
            }
            UserCommand::Revoke { name } => {
                if ledger.revoke(&name)? {
                    eprintln!("account {name:?} revoked");
                } else {
                    eprintln!("account {name:?} was already revoked");
                }
                Ok(())
            }
        },
        Command::Places { command } => places(&*ledger, command),
        Command::Gi { command } => gi(&*ledger, command),
        Command::Prune { older_than_days } => {
            let ms = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)?
                .as_millis() as i64
                - i64::from(older_than_days) * 86_400_000;
            let gone = ledger.prune(&odop_ledger::format_utc_millis(ms))?;
            eprintln!("{gone} tombstones forgotten");
            Ok(())
        }
    }
}

fn places(ledger: &dyn Ledger, command: PlacesCommand) -> anyhow::Result<()> {
    let held = ledger.places()?;
    let count = |p: &Places| {
        format!(
            "{} states and {} districts",
            p.states.len(),
            p.districts.len()
        )
    };
    match command {
        PlacesCommand::Import {
            states,
            districts,
            dry_run,
        } => {
            let lgd = odop_lgd::read(&states, &districts, &|_| false)
                .map_err(|e| Refused(e.to_string()))?;
            for s in &lgd.skipped {
                let file = match s.list {
                    odop_lgd::List::States => &states,
                    odop_lgd::List::Districts => &districts,
                };
                eprintln!(
                    "{} line {} ({}), column {:?}: {}; left out",
                    file.display(),
                    s.line,
                    s.label,
                    s.problem.column(),
                    s.problem
                );
            }
            let new = Places {
                states: lgd.states.iter().map(|s| s.place.code.0).collect(),
                districts: lgd
                    .districts
                    .iter()
                    .map(|d| (d.place.code.0, d.place.state.0))
                    .collect(),
            };
            if new.states.is_empty() {
                // An empty list would check nothing, which is not what loading one asks for.
                let why = format!("{} gives no state; nothing changed", states.display());
                return Err(Refused(why).into());
            }
            let gone = held
                .districts
                .keys()
                .filter(|d| !new.districts.contains_key(d))
                .count();
            let moved = held
                .districts
                .iter()
                .filter(|(d, s)| new.districts.get(d).is_some_and(|n| n != *s))
                .count();
            // Rows keep their places, so the administrator hears which the new lists lack.
            let outside: Vec<(u16, odop_ledger::Misplaced, u64)> =
                odop_ledger::places_in_use(ledger)?
                    .into_iter()
                    .filter_map(|((state, district), n)| {
                        new.check(state, district).err().map(|why| (state, why, n))
                    })
                    .collect();
            // The names go with the codes, so a desk that only synced can name every place.
            let names = PlaceNames {
                states: lgd
                    .states
                    .iter()
                    .map(|s| (s.place.code.0, (s.place.name.clone(), s.place.kind)))
                    .collect(),
                districts: lgd
                    .districts
                    .iter()
                    .map(|d| (d.place.code.0, d.place.name.clone()))
                    .collect(),
            };
            if !dry_run {
                ledger.set_named_places(&new, &names)?;
            }
            println!(
                "{} {}, in place of {}: {gone} districts dropped, {moved} moved to another \
                 state, {} list rows left out",
                if dry_run { "would hold" } else { "holds" },
                count(&new),
                count(&held),
                lgd.skipped.len()
            );
            if !outside.is_empty() {
                let rows: u64 = outside.iter().map(|(_, _, n)| n).sum();
                println!(
                    "records in places these lists lack: {rows} (they keep their places; a \
                     write that moves one must give it a listed place)"
                );
                for (state, why, n) in &outside {
                    println!("  state {state}: {why}; records: {n}");
                }
            }
            if !dry_run {
                println!("desks take the new lists at their next sync, and check new places against them");
            }
            Ok(())
        }
        PlacesCommand::Show => {
            if held.is_empty() {
                println!("no LGD list is loaded: places are not checked");
            } else {
                let tag = ledger.places_tag()?.unwrap_or_else(|| held.tag());
                println!("{} (tag {tag}, as desks hold it)", count(&held));
            }
            Ok(())
        }
        PlacesCommand::Clear => {
            ledger.set_places(&Places::default())?;
            println!(
                "places forgotten (there were {}): places are not checked",
                count(&held)
            );
            Ok(())
        }
    }
}

fn gi(ledger: &dyn Ledger, command: GiCommand) -> anyhow::Result<()> {
    let held = ledger.gi_registry()?;
    let count = |entries: &[odop_ledger::GiEntry]| {
        let states: std::collections::BTreeSet<u16> = entries
            .iter()
            .flat_map(|e| e.states.iter().map(|s| s.0))
            .collect();
        format!(
            "{} GI registry entries in {} states and UTs",
            entries.len(),
            states.len()
        )
    };
    match command {
        GiCommand::Show => {
            if held.is_empty() {
                println!(
                    "no GI registry is held: desks keep their own until one is loaded here or sent by a central desk"
                );
            } else {
                println!(
                    "{} (tag {}, as desks hold it)",
                    count(&held),
                    odop_ledger::gi_tag(&held)
                );
            }
            Ok(())
        }
        GiCommand::Import { file, dry_run } => {
            // The list names states by name; the server knows them from the LGD lists.
            let places = ledger.places()?;
            let names = ledger.place_names()?;
            if names.states.is_empty() {
                return Err(Refused(
                    "the GI registry's list names states, and this server holds no LGD state names: \
                     load the LGD lists first with `odop-server places import`"
                        .into(),
                )
                .into());
            }
            let states: Vec<odop_domain::State> = names
                .states
                .iter()
                .filter(|(code, _)| places.states.contains(code))
                .filter_map(|(code, (name, kind))| {
                    odop_lgd::state_named(odop_domain::StateCode(*code), name, *kind)
                })
                .collect();
            let gazetteer = odop_domain::Gazetteer::new(states, Vec::new());
            let list = odop_gi::read(&file, &gazetteer).map_err(|e| Refused(e.to_string()))?;
            let mut again = 0;
            for row in &list.rows {
                match &row.read {
                    odop_gi::GiRead::LeftOut { column, problem } => eprintln!(
                        "{} line {} ({}), column {column:?}: {problem}; left out",
                        file.display(),
                        row.line,
                        row.label
                    ),
                    odop_gi::GiRead::Again { .. } => again += 1,
                    odop_gi::GiRead::Entry(_) => {}
                }
            }
            let left_out = list
                .rows
                .iter()
                .filter(|r| matches!(r.read, odop_gi::GiRead::LeftOut { .. }))
                .count();
            let entries = list.entries;
            if entries.is_empty() {
                let why = format!(
                    "{} names no GI of a state or UT in the LGD lists; nothing changed",
                    file.display()
                );
                return Err(Refused(why).into());
            }
            let kept: std::collections::HashSet<String> = entries
                .iter()
                .map(|e| odop_domain::name_key(&e.name))
                .collect();
            let dropped = held
                .iter()
                .filter(|e| !kept.contains(&odop_domain::name_key(&e.name)))
                .count();
            // Checked whole either way; kept only when not a dry run.
            let taken = if dry_run {
                odop_ledger::check_gi(ledger, &entries)
            } else {
                odop_ledger::replace_gi(ledger, &entries).map(|_| ())
            };
            taken.map_err(|e| match e {
                LedgerError::BadGiRegistry { .. } => anyhow::Error::from(Refused(e.to_string())),
                e => e.into(),
            })?;
            println!(
                "{} {}, in place of {}: {} rows read, {again} listing a GI again (kept once), \
                 {left_out} left out; {dropped} entries held before are not in the list",
                if dry_run { "would hold" } else { "holds" },
                count(&entries),
                held.len(),
                list.rows.len(),
            );
            if !dry_run {
                println!("desks take it at their next sync, in place of the registry they hold");
            }
            Ok(())
        }
    }
}

/// Opens the ledger a `--db` value names.
fn open(db: Option<&str>) -> anyhow::Result<Arc<dyn Ledger>> {
    let spec = match db {
        Some(s) => s.to_owned(),
        None => {
            let dir = dirs::data_dir()
                .context("this system has no data folder; pass --db sqlite:PATH")?
                .join("in.gov.odop.server");
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            format!("sqlite:{}", dir.join("ledger.sqlite3").display())
        }
    };
    if let Some(path) = spec.strip_prefix("sqlite:") {
        let path = PathBuf::from(path);
        // The ledger's own error names the file.
        let ledger = odop_ledger_sqlite::SqliteLedger::open(&path)?;
        return Ok(Arc::new(ledger));
    }
    if spec.starts_with("postgres://") || spec.starts_with("postgresql://") {
        let ledger = odop_ledger_postgres::PostgresLedger::open(&spec)
            .context("cannot open the PostgreSQL ledger")?;
        return Ok(Arc::new(ledger));
    }
    Err(Refused(format!(
        "--db must be sqlite:PATH or postgres://USER@HOST:PORT/DB, not {spec:?}"
    ))
    .into())
}

fn logging(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("ODOP_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

/// Completes on Ctrl-C or SIGTERM.
async fn stopped() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
