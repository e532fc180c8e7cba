//! `odop`: the ODOP Desk core from the command line.

mod brochure;
mod fields;
mod output;
mod sync;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};
use odop_domain::{
    Action, ActionKind, ActionStatus, Date, DistrictCode, Entity, EntityKind, Gap, Id,
    PackagingStatus, Platform, Policy, Product, Rank, Seller, SellerKind, StateCode, Story,
    Workshop,
};
use odop_exchange::{ExchangeError, ImportOptions};
use odop_store::{ProductFilter, RecordQuery, SellerQuery, Store, StoreError, Takeover};

use crate::output::Out;

#[derive(Parser, Debug)]
#[command(
    name = "odop",
    version,
    about = "ODOP Desk from the command line: One District One Product data, offline."
)]
struct Cli {
    /// The data directory holding the database (default: the app's data folder).
    #[arg(long, global = true, env = "ODOP_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// Print machine-readable JSON instead of tables.
    #[arg(long, global = true)]
    json: bool,
    /// The name recorded in the history as the author of changes.
    #[arg(long = "as", global = true, env = "ODOP_USER")]
    who: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Create the database (if needed), optionally with the built-in sample.
    Init {
        #[arg(long)]
        sample: bool,
    },
    /// Import a file: the LGD lists, the national product list, the GI registry, sellers,
    /// workshops, stories, gaps, actions or policies. Given alone, the file's list is told
    /// from its header.
    Import(ImportArgs),
    /// Export one kind of record to CSV or XLSX (by the file's extension); each re-imports.
    /// `states` writes every state's figures side by side instead, a report that does not.
    Export {
        what: ExportWhat,
        file: PathBuf,
        #[arg(long)]
        state: Option<u16>,
        /// For `states` and `districts`: the day overdue actions are judged by, as YYYY-MM-DD
        /// (default: today in UTC).
        #[arg(long)]
        today: Option<Date>,
        /// For `sellers`: those onboarded on this platform, in the seller list's order.
        #[arg(long, value_name = "PLATFORM", conflicts_with = "not_on")]
        on: Option<String>,
        /// For `sellers`: those not (yet) onboarded on this platform: an onboarding drive's
        /// list to hand on, which imports back once filled in.
        #[arg(long, value_name = "PLATFORM")]
        not_on: Option<String>,
        /// For `sellers`: those whose packaging is at this stage (needed, in_progress, done,
        /// not_assessed): a packaging drive's list.
        #[arg(long, value_name = "STATUS")]
        packaging: Option<String>,
    },
    /// List records of one kind, or the districts and states.
    List(ListArgs),
    /// Show one record.
    Show {
        /// product, seller, workshop, story, gap, action or policy.
        kind: EntityKind,
        id: String,
    },
    /// What came of a Sampark workshop: the sellers met there, each gap heard there and the
    /// actions taken on it.
    Outcome {
        /// The workshop's id.
        workshop: String,
        /// The day overdue actions are judged by, as YYYY-MM-DD (default: today in UTC).
        #[arg(long)]
        today: Option<Date>,
    },
    /// Add a record: `odop add product district=187 name="Zari" rank=primary sector=textile`.
    Add {
        /// product, seller, workshop, story, gap, action or policy.
        kind: EntityKind,
        /// field=value pairs; nested fields with dots (contact.phone=...), lists as JSON.
        #[arg(required = true)]
        fields: Vec<String>,
    },
    /// Change fields of a record: `odop edit product ID rank=secondary`.
    Edit {
        kind: EntityKind,
        id: String,
        #[arg(required = true)]
        fields: Vec<String>,
    },
    /// Delete a record that nothing refers to.
    Delete { kind: EntityKind, id: String },
    /// Search products, sellers, stories, workshops and gaps, in any script.
    Search {
        query: String,
        /// Only these kinds (repeat the option for several).
        #[arg(long)]
        kind: Vec<EntityKind>,
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// Coverage statistics, for the country or one state; `--by-state` puts every state's
    /// figures side by side, `--by-district` every district's of `--state`.
    #[command(group(clap::ArgGroup::new("side_by_side").args(["by_state", "by_district"])))]
    Stats {
        #[arg(long, conflicts_with = "by_state")]
        state: Option<u16>,
        #[arg(long)]
        by_state: bool,
        #[arg(long, requires = "state")]
        by_district: bool,
        /// The day overdue actions are judged by, as YYYY-MM-DD (default: today in UTC).
        #[arg(long, requires = "side_by_side")]
        today: Option<Date>,
    },
    /// Print a brochure to PDF: `--product ID | --district LGD | --state CODE`, a workshop's
    /// report (`--workshop ID`), a state's actions to review (`--actions STATE`) or its success
    /// stories (`--stories STATE`); `--lang en|hi|both`.
    Brochure(brochure::BrochureArgs),
    /// Check products' GI status against the GI registry (load it with `odop import gi FILE`):
    /// GI-registered products without the registry's name, names the registry lacks, and
    /// products that may be GI-registered.
    Gi {
        #[arg(long)]
        state: Option<u16>,
        /// Give each GI-registered product without a registry name the one name that clearly
        /// fits it (an ordinary edit, which syncs).
        #[arg(long)]
        name_them: bool,
        /// Write the findings as a worklist (CSV or XLSX by extension): each product in the
        /// national layout with what was found; filled in, it imports back as an update.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Sellers of one state whose records share a GSTIN, PAN (in two GSTINs or more), Udyam
    /// number or phone number: likely one seller recorded twice (merge them with `odop merge
    /// seller`).
    Duplicates {
        #[arg(long)]
        state: Option<u16>,
    },
    /// Merge a seller recorded twice into its other record: `odop merge seller GONE --into KEEP`.
    /// KEEP takes what it lacks of GONE's details, the records naming GONE name KEEP, and GONE
    /// is deleted; all ordinary edits, which sync.
    Merge {
        kind: MergeKind,
        gone: String,
        #[arg(long, value_name = "KEEP")]
        into: String,
    },
    /// Who changed what and when; for one record when an id is given, or for one state's
    /// records and places with `--state CODE`.
    History {
        id: Option<String>,
        #[arg(long, conflicts_with = "id")]
        state: Option<u16>,
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Remember the central server and this desk's token (checked with the server first).
    Login {
        #[arg(long)]
        server: String,
        #[arg(long)]
        token: String,
        /// Log in for another state (or for every state) while changes made for this desk's
        /// present state wait to be sent: they then go as the new account's. Also needed to
        /// log in to another server than the one this desk synced with: its work moves there.
        #[arg(long)]
        take_over: bool,
    },
    /// Push local changes and pull the server's, once.
    Sync {
        /// The server, if not the one `odop login` remembered.
        #[arg(long)]
        server: Option<String>,
        #[arg(long)]
        token: Option<String>,
    },
    /// Where this desk stands with the server: waiting changes, conflicts, the last sync.
    Status,
    /// Conflicts between this desk's edits and others'.
    #[command(subcommand)]
    Conflicts(sync::ConflictsCmd),
    /// Writes the server refused.
    #[command(subcommand)]
    Refused(sync::RefusedCmd),
    /// Copy the whole database to a file, while the app may go on working.
    Backup { file: PathBuf },
    /// Replace the whole database with a backup; the database as it was is kept in `backups/`
    /// in the data directory.
    Restore {
        file: PathBuf,
        /// Restore a backup made by a desk that syncs for another state (or for every state):
        /// this desk then sends its waiting changes as its own account.
        #[arg(long)]
        take_over: bool,
    },
}

/// `odop import FILE` tells the list from its header; `odop import LIST FILE` names it.
#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
struct ImportArgs {
    #[command(subcommand)]
    list: Option<Import>,
    #[command(flatten)]
    file: Option<ImportFile>,
}

#[derive(Subcommand, Debug)]
enum Import {
    /// The LGD state and district lists (the master of places).
    Lgd {
        #[arg(long)]
        states: PathBuf,
        #[arg(long)]
        districts: PathBuf,
        #[arg(long)]
        dry_run: bool,
    },
    /// The GI registry's list of registered Geographical Indications (CSV or workbook); it
    /// replaces the registry loaded before.
    Gi(ImportFile),
    #[command(flatten)]
    Records(RecordImport),
}

/// Imports of one kind of record from one file.
#[derive(Subcommand, Debug)]
enum RecordImport {
    /// A product list in the national ODOP layout (CSV or workbook).
    National(ImportFile),
    /// A seller list (CSV or workbook).
    Sellers(ImportFile),
    /// ODOP Sampark workshops, with form keys as columns (as `odop export workshops` writes).
    Workshops(ImportFile),
    /// Success stories, a `text.<lang>` column per language.
    Stories(ImportFile),
    /// Market-linkage gaps.
    Gaps(ImportFile),
    /// Actions on gaps.
    Actions(ImportFile),
    /// States' ODOP policies.
    Policies(ImportFile),
}

impl RecordImport {
    fn kind_and_file(&self) -> (EntityKind, &ImportFile) {
        match self {
            RecordImport::National(f) => (EntityKind::Product, f),
            RecordImport::Sellers(f) => (EntityKind::Seller, f),
            RecordImport::Workshops(f) => (EntityKind::Workshop, f),
            RecordImport::Stories(f) => (EntityKind::Story, f),
            RecordImport::Gaps(f) => (EntityKind::Gap, f),
            RecordImport::Actions(f) => (EntityKind::Action, f),
            RecordImport::Policies(f) => (EntityKind::Policy, f),
        }
    }
}

#[derive(Args, Debug)]
struct ImportFile {
    file: PathBuf,
    /// Check everything and report, but change nothing.
    #[arg(long)]
    dry_run: bool,
    /// Write the full report, every row's fate, as JSON to this file.
    #[arg(long)]
    report: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct ListArgs {
    what: ListWhat,
    #[arg(long)]
    state: Option<u16>,
    #[arg(long)]
    district: Option<u32>,
    /// Products only: a sector by name or slug.
    #[arg(long)]
    sector: Option<String>,
    /// Products only: primary, secondary, tertiary or other.
    #[arg(long)]
    rank: Option<String>,
    /// Products only: GI-registered (true) or not (false).
    #[arg(long)]
    gi: Option<bool>,
    /// Actions only: open, in_progress, done or dropped.
    #[arg(long)]
    status: Option<String>,
    /// Actions only: those still to do whose due date has passed.
    #[arg(long)]
    overdue: bool,
    /// The day `--overdue` judges by, as YYYY-MM-DD (default: today in UTC).
    #[arg(long, requires = "overdue")]
    today: Option<Date>,
    /// Gaps only: still open (true) or closed (false).
    #[arg(long)]
    open: Option<bool>,
    /// Gaps heard at this workshop (its id), or actions on them.
    #[arg(long)]
    workshop: Option<String>,
    /// Gaps and actions: the kind of market linkage (ecommerce_onboarding, state_policy,
    /// packaging, seller_connection, buyer_connection, other). Sellers: the kind of seller
    /// (artisan, weaver, farmer, fpo, shg, msme, cooperative, exporter).
    #[arg(long)]
    kind: Option<String>,
    /// Sellers only: those who make this product (its id).
    #[arg(long, value_name = "ID")]
    product: Option<Id>,
    /// Sellers only: those onboarded on this platform (gem, ondc, amazon, flipkart, meesho,
    /// own_website, other_marketplace).
    #[arg(long, value_name = "PLATFORM", conflicts_with = "not_on")]
    on: Option<String>,
    /// Sellers only: those not (yet) onboarded on this platform: an onboarding drive's list.
    #[arg(long, value_name = "PLATFORM")]
    not_on: Option<String>,
    /// Actions only: those of this owner, however their owner is written ("DIC Varanasi"
    /// finds those of "District Industries Centre, Varanasi" too).
    #[arg(long, value_name = "NAME")]
    owner: Option<String>,
    /// Sellers only: those whose packaging is at this stage (needed, in_progress, done,
    /// not_assessed): a packaging drive's list.
    #[arg(long, value_name = "STATUS")]
    packaging: Option<String>,
    #[arg(long, default_value_t = 200)]
    limit: usize,
    #[arg(long, default_value_t = 0)]
    offset: usize,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum ListWhat {
    Products,
    Sellers,
    Workshops,
    Stories,
    Gaps,
    Actions,
    Policies,
    /// Who the actions belong to, each owner once however it is written, with its actions
    /// still to do.
    Owners,
    Districts,
    States,
    Sectors,
}

/// What `odop merge` merges: sellers alone have records that name them under several ids.
#[derive(ValueEnum, Clone, Copy, Debug)]
enum MergeKind {
    Seller,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum ExportWhat {
    /// Every state's figures side by side, as `odop stats --by-state` shows them.
    States,
    /// One state's districts side by side (`--state`), as `odop stats --by-district` shows
    /// them.
    Districts,
    Products,
    Sellers,
    Workshops,
    Stories,
    Gaps,
    Actions,
    Policies,
}

impl ExportWhat {
    /// The kind of record exported; none for the figures side by side.
    fn kind(self) -> Option<EntityKind> {
        Some(match self {
            ExportWhat::States | ExportWhat::Districts => return None,
            ExportWhat::Products => EntityKind::Product,
            ExportWhat::Sellers => EntityKind::Seller,
            ExportWhat::Workshops => EntityKind::Workshop,
            ExportWhat::Stories => EntityKind::Story,
            ExportWhat::Gaps => EntityKind::Gap,
            ExportWhat::Actions => EntityKind::Action,
            ExportWhat::Policies => EntityKind::Policy,
        })
    }
}

/// Runs a generic function for the record type behind a kind.
macro_rules! per_kind {
    ($kind:expr, $($f:ident)::+ ( $($arg:expr),* )) => {
        match $kind {
            EntityKind::Product => $($f)::+::<Product>($($arg),*),
            EntityKind::Seller => $($f)::+::<Seller>($($arg),*),
            EntityKind::Workshop => $($f)::+::<Workshop>($($arg),*),
            EntityKind::Story => $($f)::+::<Story>($($arg),*),
            EntityKind::Gap => $($f)::+::<Gap>($($arg),*),
            EntityKind::Action => $($f)::+::<Action>($($arg),*),
            EntityKind::Policy => $($f)::+::<Policy>($($arg),*),
        }
    };
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let out = Out::new(cli.json);
    match run(cli, &out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let code = exit_code(&e);
            out.error(&e);
            if let Some(hint) = hint(error_code(&e)).filter(|_| !out.json()) {
                eprintln!("hint: {hint}");
            }
            ExitCode::from(code)
        }
    }
}

/// Stops on a command line clap could not judge alone, as clap does (usage, exit code 2).
fn usage(message: &str) -> ! {
    use clap::CommandFactory as _;
    Cli::command()
        .error(clap::error::ErrorKind::ArgumentConflict, message)
        .exit()
}

/// What a person can do about an error that the message alone does not say.
fn hint(code: &str) -> Option<&'static str> {
    match code {
        "other_server" => Some(
            "if this desk's work should move to that server, run the login again with \
             --take-over",
        ),
        "other_account" => Some(
            "if this desk should take over that work, run the command again with --take-over; \
             the server then refuses the waiting changes the account may not make",
        ),
        _ => None,
    }
}

/// Exit codes: 1 for a failure of the machine or database, 3 for input that was refused,
/// 4 for something that does not exist, 5 for a database from a newer release.
fn exit_code(e: &anyhow::Error) -> u8 {
    let code = error_code(e);
    match code {
        "not_found" => 4,
        "newer_database" => 5,
        "database" | "open_failed" | "migration_failed" | "write_failed" | "corrupt" | "error"
        | "unreachable" | "server_refused" | "bad_answer" | "busy" | "settings"
        | "missing_font" | "no_fonts" | "typeset_failed" | "read_failed" | "backup_failed" => 1,
        _ => 3,
    }
}

pub(crate) fn error_code(e: &anyhow::Error) -> &'static str {
    if let Some(s) = e.downcast_ref::<StoreError>() {
        s.code()
    } else if let Some(x) = e.downcast_ref::<ExchangeError>() {
        x.code()
    } else if let Some(f) = e.downcast_ref::<fields::FieldError>() {
        f.code()
    } else if let Some(s) = e.downcast_ref::<odop_sync::SyncError>() {
        s.code()
    } else if let Some(b) = e.downcast_ref::<odop_brochure::BrochureError>() {
        b.code()
    } else {
        "error"
    }
}

fn data_dir(cli: &Cli) -> anyhow::Result<PathBuf> {
    if let Some(d) = &cli.data_dir {
        return Ok(d.clone());
    }
    // The same folder the desktop app uses, so both see one database.
    let base = dirs::data_dir().context("this system has no user data folder; pass --data-dir")?;
    Ok(base.join("in.gov.odop.desk"))
}

fn open(dir: &Path) -> anyhow::Result<Store> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the data directory {}", dir.display()))?;
    Ok(Store::open(&dir.join(odop_store::DB_FILE))?)
}

fn who(cli: &Cli) -> String {
    cli.who
        .clone()
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("USERNAME").ok())
        .unwrap_or_else(|| "odop".to_owned())
}

/// Says what sync will do with a registry just loaded: a central desk sends it, a state desk
/// gives it up for DPIIT's once the server holds one.
fn gi_note(store: &Store, args: &ImportFile, out: &Out) -> anyhow::Result<()> {
    if args.dry_run || out.json() || !store.gi_held()?.unsent {
        return Ok(());
    }
    match store.account()? {
        Some(a) if a.role == "central" => eprintln!(
            "the next sync sends this registry to the server, and every desk takes it from there"
        ),
        Some(_) => eprintln!(
            "this desk keeps this registry until the server holds DPIIT's, which the next sync brings in its place"
        ),
        None => {}
    }
    Ok(())
}

fn run(cli: Cli, out: &Out) -> anyhow::Result<()> {
    let dir = data_dir(&cli)?;
    let who = who(&cli);
    let mut store = open(&dir)?;
    match cli.command {
        Command::Init { sample } => {
            let added = if sample { store.load_sample(&who)? } else { 0 };
            out.value(
                &serde_json::json!({ "database": dir.join(odop_store::DB_FILE), "sample_records": added }),
                || {
                    let mut s = format!("database ready at {}", dir.join(odop_store::DB_FILE).display());
                    if sample {
                        s.push_str(&format!("\nsample loaded: {added} records written"));
                    }
                    s
                },
            );
        }
        Command::Import(ImportArgs {
            list: None,
            file: Some(args),
        }) => {
            let layout = odop_exchange::recognise(&args.file)?;
            if !out.json() {
                eprintln!("{} holds {}", args.file.display(), layout.describe());
            }
            import_with(&mut store, &who, &args, out, |store, path, options| {
                odop_exchange::import_layout(store, layout, path, options)
            })?;
            if layout == odop_exchange::Layout::Gi {
                gi_note(&store, &args, out)?;
            }
        }
        Command::Import(ImportArgs {
            list: None,
            file: None,
        }) => {
            anyhow::bail!("name the file to import: `odop import FILE` (see `odop import --help`)")
        }
        Command::Import(ImportArgs {
            list:
                Some(Import::Lgd {
                    states,
                    districts,
                    dry_run,
                }),
            ..
        }) => {
            let report = odop_exchange::import_lgd(&mut store, &states, &districts, &who, dry_run)?;
            out.value(&report, || output::lgd_report(&report, dry_run));
        }
        Command::Import(ImportArgs {
            list: Some(Import::Gi(args)),
            ..
        }) => {
            import_with(&mut store, &who, &args, out, |store, path, options| {
                odop_exchange::import_gi(store, path, options)
            })?;
            gi_note(&store, &args, out)?;
        }
        Command::Import(ImportArgs {
            list: Some(Import::Records(import)),
            ..
        }) => {
            let (kind, args) = import.kind_and_file();
            import_with(&mut store, &who, args, out, |store, path, options| {
                odop_exchange::import(store, kind, path, options)
            })?;
        }
        Command::Export {
            what,
            file,
            state,
            today,
            on,
            not_on,
            packaging,
        } => {
            known_places(&store, state, None)?;
            let drive = on.is_some() || not_on.is_some() || packaging.is_some();
            let n = match what.kind() {
                Some(EntityKind::Seller) if drive => {
                    if today.is_some() {
                        usage("--today applies to `export states` and `export districts` only");
                    }
                    let query = drive_query(
                        state,
                        on.as_deref(),
                        not_on.as_deref(),
                        packaging.as_deref(),
                    )?;
                    odop_exchange::export_seller_list(&store, &query, &file)?
                }
                _ if drive => {
                    usage("--on, --not-on and --packaging apply to `export sellers` only")
                }
                Some(kind) => {
                    if today.is_some() {
                        usage("--today applies to `export states` and `export districts` only");
                    }
                    odop_exchange::export(&store, kind, state.map(StateCode), &file)?
                }
                None => {
                    let today = today.unwrap_or_else(odop_store::today);
                    match (what, state) {
                        (ExportWhat::Districts, Some(state)) => {
                            odop_exchange::export_district_figures(
                                &store,
                                StateCode(state),
                                today,
                                &file,
                            )?
                        }
                        (ExportWhat::Districts, None) => {
                            usage("`export districts` writes one state's districts: give --state")
                        }
                        (_, Some(_)) => {
                            usage("`export states` writes every state; --state does not apply")
                        }
                        (_, None) => odop_exchange::export_state_figures(&store, today, &file)?,
                    }
                }
            };
            out.wrote(
                &file,
                &serde_json::json!({ "file": file, "rows": n }),
                || format!("wrote {n} rows to {}", file.display()),
            );
        }
        Command::List(args) => list(&store, &args, out)?,
        Command::Show { kind, id } => {
            let id = parse_id(&id)?;
            per_kind!(kind, show(&store, id, out))?;
        }
        Command::Outcome { workshop, today } => {
            let id = parse_id(&workshop)?;
            let today = today.unwrap_or_else(odop_store::today);
            let outcome = store.workshop_outcome(id, today)?;
            out.value(&outcome, || output::outcome_of_workshop(&outcome));
        }
        Command::Add { kind, fields } => {
            let (outcome, record) = save(&mut store, &who, kind, None, &fields)?;
            out.value(
                &serde_json::json!({ "outcome": outcome, "record": record }),
                || format!("added {kind} {}", record["id"].as_str().unwrap_or_default()),
            );
        }
        Command::Edit { kind, id, fields } => {
            let id = parse_id(&id)?;
            let (outcome, record) = save(&mut store, &who, kind, Some(id), &fields)?;
            out.value(
                &serde_json::json!({ "outcome": outcome, "record": record }),
                || format!("{kind} {id}: {}", output::outcome(&outcome)),
            );
        }
        Command::Delete { kind, id } => {
            let id = parse_id(&id)?;
            let mut edit = store.edit(&who)?;
            edit.delete(kind, id)?;
            edit.commit()?;
            out.value(&serde_json::json!({ "deleted": id }), || {
                format!("deleted {} {id}", kind)
            });
        }
        Command::Duplicates { state } => {
            known_places(&store, state, None)?;
            let found = store.duplicate_sellers(state.map(StateCode))?;
            out.value(&found, || output::duplicates(&found));
        }
        Command::Merge {
            kind: MergeKind::Seller,
            gone,
            into,
        } => {
            let (gone, keep) = (parse_id(&gone)?, parse_id(&into)?);
            let merged = store.merge_sellers(&who, gone, keep)?;
            out.value(&merged, || output::merged(&merged));
        }
        Command::Search { query, kind, limit } => {
            let hits = store.search(&query, &kind, limit)?;
            out.value(&hits, || output::hits(&hits));
        }
        Command::Stats {
            by_state: true,
            today,
            ..
        } => {
            let today = today.unwrap_or_else(odop_store::today);
            let rows = store.state_figures(today)?;
            out.value(&rows, || output::state_figures(&rows));
        }
        Command::Stats {
            state: Some(state),
            by_district: true,
            today,
            ..
        } => {
            known_places(&store, Some(state), None)?;
            let today = today.unwrap_or_else(odop_store::today);
            let rows = store.district_figures(StateCode(state), today)?;
            out.value(&rows, || output::district_figures(&rows));
        }
        Command::Stats { state, .. } => {
            known_places(&store, state, None)?;
            let stats = store.stats(state.map(StateCode))?;
            out.value(&stats, || output::stats(&stats));
        }
        Command::Login {
            server,
            token,
            take_over,
        } => {
            drop(store);
            sync::login(&dir, &server, &token, Takeover::when(take_over), out)?;
            return Ok(());
        }
        Command::Sync { server, token } => {
            drop(store);
            sync::sync(&dir, server.as_deref(), token.as_deref(), &who, out)?;
            return Ok(());
        }
        Command::Status => sync::status(&dir, &store, out)?,
        Command::Backup { file } => {
            let taken = store.back_up(&file)?;
            out.value(&taken, || {
                format!(
                    "backed up to {}\n{}",
                    file.display(),
                    output::backup(&taken)
                )
            });
        }
        Command::Restore { file, take_over } => {
            let restored = odop_sync::restore(&mut store, &file, Takeover::when(take_over))?;
            out.value(&restored, || output::restored(&restored));
        }
        Command::Conflicts(cmd) => sync::conflicts(&mut store, &who, cmd, out)?,
        Command::Refused(cmd) => sync::refused(&mut store, &who, &cmd, out)?,
        Command::Brochure(args) => brochure::run(&store, &dir, &args, out)?,
        Command::Gi {
            state,
            name_them,
            out: file,
        } => {
            known_places(&store, state, None)?;
            let state = state.map(StateCode);
            let named = if name_them {
                store.name_gis(state, &who)?
            } else {
                Vec::new()
            };
            if let Some(file) = file {
                let n = odop_exchange::export_gi_check(&store, state, &file)?;
                out.wrote(
                    &file,
                    &serde_json::json!({ "file": file, "rows": n, "named": named.len() }),
                    || format!("wrote {n} findings to {}", file.display()),
                );
                return Ok(());
            }
            let check = store.gi_check(state)?;
            out.value(
                &serde_json::json!({ "named": named, "check": check }),
                || output::gi_check(&check, &named),
            );
        }
        Command::History { id, state, limit } => {
            known_places(&store, state, None)?;
            let entries = match id {
                Some(id) => store.history(Some(&id), limit)?,
                None => store.state_history(state.map(StateCode), limit)?,
            };
            out.value(&entries, || output::history(&entries));
        }
    }
    Ok(())
}

/// The import report's file could not be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot write the report to {}: {}", .0.display(), .1)]
struct ReportError(PathBuf, std::io::Error);

fn import_with(
    store: &mut Store,
    who: &str,
    args: &ImportFile,
    out: &Out,
    import: impl FnOnce(
        &mut Store,
        &Path,
        ImportOptions<'_>,
    ) -> Result<odop_exchange::ImportReport, ExchangeError>,
) -> anyhow::Result<()> {
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} rows {elapsed}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let mut tick = |done: usize, total: usize| {
        if let Some(b) = &bar {
            b.set_length(total as u64);
            b.set_position(done as u64);
        }
    };
    let options = ImportOptions {
        who,
        dry_run: args.dry_run,
        progress: Some(&mut tick),
    };
    // The report's file is made before the import, so a path that cannot be written stops the
    // command while the database is still as it was.
    let report_file = match &args.report {
        Some(path) => Some(
            std::fs::File::create(path)
                .map_err(|e| ReportError(path.clone(), e))
                .map(|f| (path, f))?,
        ),
        None => None,
    };
    let report = match import(store, &args.file, options) {
        Ok(report) => report,
        Err(e) => {
            if let Some((path, _)) = report_file {
                let _ = std::fs::remove_file(path);
            }
            return Err(e.into());
        }
    };
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    if let Some((path, file)) = report_file {
        serde_json::to_writer_pretty(std::io::BufWriter::new(file), &report)
            .map_err(|e| ReportError(path.clone(), e.into()))?;
    }
    out.value(&report, || output::import_report(&report));
    Ok(())
}

/// Prints a record with where it stands with the server (`sync`: synced, pending, conflict or
/// refused).
fn show<E: Entity>(store: &Store, id: Id, out: &Out) -> anyhow::Result<()> {
    let record = store
        .get::<E>(id)?
        .ok_or(StoreError::NotFound { kind: E::KIND, id })?;
    let mut fields = record.to_fields();
    fields.insert(
        "sync".to_owned(),
        serde_json::to_value(store.sync_state(E::KIND, &id.to_string())?)?,
    );
    out.value(&fields, || output::record(&fields));
    Ok(())
}

fn parse_id(raw: &str) -> Result<Id, fields::FieldError> {
    raw.parse::<Id>().map_err(fields::FieldError::Invalid)
}

/// Adds a record (no `id`) or changes one, from `field=value` words, through the same form path
/// as the app; returns what the store did and the record as written.
fn save(
    store: &mut Store,
    who: &str,
    kind: EntityKind,
    id: Option<Id>,
    words: &[String],
) -> anyhow::Result<(odop_store::Outcome, serde_json::Value)> {
    let saved = store.save_form(kind, id, &fields::pairs(words)?, who)?;
    // On stderr, so that a script reading the record from stdout is not disturbed.
    for set in &saved.shares {
        let others: Vec<String> = set
            .sellers
            .iter()
            .filter(|s| s.id != saved.id)
            .map(|s| format!("{} ({})", s.name, s.id))
            .collect();
        eprintln!(
            "note: this seller shares its {} {} with {}: one seller recorded twice? \
             `odop duplicates --state {}` lists them",
            set.mark,
            set.value,
            others.join(", "),
            set.state
        );
    }
    let id = parse_id(&saved.id)?;
    fn written<E: Entity>(store: &Store, id: Id) -> anyhow::Result<serde_json::Value> {
        let record = store
            .get::<E>(id)?
            .ok_or(StoreError::NotFound { kind: E::KIND, id })?;
        Ok(serde_json::Value::Object(record.to_fields()))
    }
    Ok((saved.outcome, per_kind!(kind, written(store, id))?))
}

/// The places and window of a list, as a record query.
fn record_query(a: &ListArgs) -> Result<RecordQuery, fields::FieldError> {
    let gap_kind = match &a.kind {
        Some(k) => Some(k.parse::<ActionKind>().map_err(fields::at("kind"))?),
        None => None,
    };
    let workshop = match &a.workshop {
        Some(w) => Some(w.parse::<Id>().map_err(fields::at("workshop"))?),
        None => None,
    };
    Ok(RecordQuery {
        state: a.state.map(StateCode),
        district: a.district.map(DistrictCode),
        gap_kind,
        workshop,
        offset: a.offset,
        limit: a.limit,
        ..RecordQuery::default()
    })
}

/// The seller list's filters from the command line, each word checked before anything is read.
fn seller_query(a: &ListArgs) -> Result<SellerQuery, fields::FieldError> {
    let kind = match &a.kind {
        Some(k) => Some(k.parse::<SellerKind>().map_err(fields::at("kind"))?),
        None => None,
    };
    Ok(SellerQuery {
        district: a.district.map(DistrictCode),
        kind: kind.map(|k| k.as_str().to_owned()),
        product: a.product,
        offset: a.offset,
        limit: a.limit,
        ..drive_query(
            a.state,
            a.on.as_deref(),
            a.not_on.as_deref(),
            a.packaging.as_deref(),
        )?
    })
}

/// A drive's filters of the seller list, as `list sellers` and `export sellers` take them: a
/// state, who is or is not yet on a platform, and where their packaging stands.
fn drive_query(
    state: Option<u16>,
    on: Option<&str>,
    not_on: Option<&str>,
    packaging: Option<&str>,
) -> Result<SellerQuery, fields::FieldError> {
    let platform = match (on, not_on) {
        (Some(p), _) => Some(p.parse::<Platform>().map_err(fields::at("on"))?),
        (None, Some(p)) => Some(p.parse::<Platform>().map_err(fields::at("not-on"))?),
        (None, None) => None,
    };
    let packaging = match packaging {
        Some(p) => Some(
            p.parse::<PackagingStatus>()
                .map_err(fields::at("packaging"))?,
        ),
        None => None,
    };
    Ok(SellerQuery {
        state: state.map(StateCode),
        platform: platform.map(|p| p.as_str().to_owned()),
        onboarded: platform.map(|_| on.is_some()),
        packaging: packaging.map(|p| p.as_str().to_owned()),
        ..SellerQuery::default()
    })
}

/// Records of one kind picked by what only their own list can filter on, in that list's order.
fn filtered<E: Entity>(store: &Store, query: &RecordQuery, out: &Out) -> anyhow::Result<()> {
    let rows = store
        .record_page(E::KIND, query)?
        .rows
        .into_iter()
        .map(|row| E::from_fields(row.fields))
        .collect::<Result<Vec<E>, _>>()?;
    out.value(&rows, || output::records(&rows));
    Ok(())
}

/// A state or district code given on the command line must be one the LGD lists hold: a
/// mistyped code would otherwise read as an empty result.
fn known_places(store: &Store, state: Option<u16>, district: Option<u32>) -> anyhow::Result<()> {
    let places = store.gazetteer()?;
    if let Some(code) = state.filter(|&s| places.state(StateCode(s)).is_none()) {
        return Err(StoreError::UnknownState { code }.into());
    }
    if let Some(code) = district.filter(|&d| places.district(DistrictCode(d)).is_none()) {
        return Err(StoreError::UnknownDistrict { code }.into());
    }
    Ok(())
}

fn list(store: &Store, a: &ListArgs, out: &Out) -> anyhow::Result<()> {
    known_places(store, a.state, a.district)?;
    let state = a.state.map(StateCode);
    let district = a.district.map(DistrictCode);
    fn records<E: Entity>(
        store: &Store,
        state: Option<StateCode>,
        district: Option<DistrictCode>,
        a: &ListArgs,
        out: &Out,
    ) -> anyhow::Result<()> {
        let rows: Vec<E> = store.list(state, district, a.limit, a.offset)?;
        out.value(&rows, || output::records(&rows));
        Ok(())
    }
    match a.what {
        ListWhat::Products => {
            let sector = match &a.sector {
                Some(s) => Some(store.sectors()?.resolve(s).map_err(fields::at("sector"))?),
                None => None,
            };
            let rank = match &a.rank {
                Some(r) => Some(r.parse::<Rank>().map_err(fields::at("rank"))?),
                None => None,
            };
            let rows = store.products(&ProductFilter {
                state,
                district,
                sector: sector.map(|s| s.slug().to_owned()),
                rank,
                gi: a.gi,
                limit: Some(a.limit),
                offset: a.offset,
            })?;
            out.value(&rows, || output::records(&rows));
        }
        ListWhat::Sellers
            if a.kind.is_some()
                || a.product.is_some()
                || a.on.is_some()
                || a.not_on.is_some()
                || a.packaging.is_some() =>
        {
            let query = seller_query(a)?;
            let rows = store
                .seller_page(&query)?
                .rows
                .into_iter()
                .filter_map(|row| row.id.parse().ok())
                // A seller deleted by another program since the page was read is left out.
                .filter_map(|id| store.get::<Seller>(id).transpose())
                .collect::<Result<Vec<Seller>, _>>()?;
            out.value(&rows, || output::records(&rows));
        }
        ListWhat::Sellers => records::<Seller>(store, state, district, a, out)?,
        ListWhat::Workshops => records::<Workshop>(store, state, district, a, out)?,
        ListWhat::Stories => records::<Story>(store, state, district, a, out)?,
        ListWhat::Gaps if a.open.is_some() || a.kind.is_some() || a.workshop.is_some() => {
            let query = RecordQuery {
                open: a.open,
                ..record_query(a)?
            };
            filtered::<Gap>(store, &query, out)?;
        }
        ListWhat::Actions
            if a.status.is_some()
                || a.overdue
                || a.kind.is_some()
                || a.workshop.is_some()
                || a.owner.is_some() =>
        {
            let status = match &a.status {
                Some(s) => Some(s.parse::<ActionStatus>().map_err(fields::at("status"))?),
                None => None,
            };
            let query = RecordQuery {
                status,
                overdue: a.overdue,
                today: a.today,
                owner: a.owner.clone(),
                ..record_query(a)?
            };
            filtered::<Action>(store, &query, out)?;
        }
        ListWhat::Gaps => records::<Gap>(store, state, district, a, out)?,
        ListWhat::Actions => records::<Action>(store, state, district, a, out)?,
        ListWhat::Policies => records::<Policy>(store, state, district, a, out)?,
        ListWhat::Owners => {
            let owners = store.action_owners(state)?;
            out.value(&owners, || output::owners(&owners));
        }
        ListWhat::Districts => {
            let rows: Vec<_> = store
                .district_summaries()?
                .into_iter()
                .filter(|d| state.is_none_or(|s| s.0 == d.state_code))
                .collect();
            out.value(&rows, || output::districts(&rows));
        }
        ListWhat::States => {
            let g = store.gazetteer()?;
            out.value(&g.states(), || output::states(g.states()));
        }
        ListWhat::Sectors => {
            let s = store.sectors()?;
            out.value(&s.entries(), || {
                s.entries()
                    .iter()
                    .map(|e| format!("{:<18} {}", e.slug, e.label))
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
    }
    Ok(())
}
