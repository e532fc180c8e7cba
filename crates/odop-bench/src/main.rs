//! `odop-bench`: measures ODOP Desk against baselines from the same run, and the central
//! server under load.
//!
//! - `national`: importing the real national ODOP list (1,241 rows) with validation into a fresh
//!   on-disk store, against raw inserts of the same cells into a one-table database.
//! - `synthetic`: writing 100,000 generated sellers through the store's edit path (checks,
//!   outbox, history, full-text index) against raw inserts of the same JSON bodies.
//! - `search`: latency of full-text search on that synthetic database, against a LIKE scan.
//! - `backup`: backing that database up and restoring it, against copying its file.
//! - `lists`: the seller list's pages on that database under each filter the app offers, against
//!   the unfiltered list.
//! - `sync`: a desk's first sync of a national dataset against raw inserts of the same rows,
//!   one change synced into a small and a large desk, bytes per row against gzip'd JSON, and a
//!   sync after a server restart against a full comparison.
//! - `load`: many simulated desks syncing at once against the real `odop-server` process on
//!   SQLite and PostgreSQL: throughput, latency, errors, bytes and the server's memory.
//! - `brochure`: a one-page product brochure and Uttar Pradesh's 75-district catalogue, time and
//!   size, against headless Chromium printing the same content as HTML.
//!
//! Every figure is paired with its baseline from the same run, so ratios carry over between
//! machines better than the absolute numbers do. Build with `--release`: debug figures mean
//! nothing.

mod backup;
mod brochure;
mod gen;
mod html;
mod lists;
mod load;
mod measure;
mod national;
mod search;
mod server;
mod sync;
mod synthetic;

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};
use clap::{Parser, ValueEnum};
use serde_json::{json, Map, Value};

use crate::measure::Section;

#[derive(Debug, Parser)]
#[command(
    name = "odop-bench",
    about = "Measures ODOP Desk against baselines from the same run, and the server under load"
)]
struct Cli {
    /// Which benchmark to run (`all` is national, brochure, synthetic, search, backup and lists;
    /// `sync` and `load` run on their own).
    #[arg(value_enum)]
    what: What,
    /// The folder with the national list and the LGD lists (default: shared/data beside the
    /// repository).
    #[arg(long, value_name = "DIR")]
    data: Option<PathBuf>,
    /// How many synthetic sellers to generate (default 100,000; 80,000 for `sync`).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    sellers: Option<u32>,
    /// How many times a timing is repeated, the median reported (default 5 for the national
    /// import, 15 for each incremental sync, 25 for each list page).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    runs: Option<u32>,
    /// How many search queries to time.
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u32).range(1..))]
    queries: u32,
    /// `load`: the server's ledger.
    #[arg(long, value_enum, default_value_t = load::Backend::Both)]
    backend: load::Backend,
    /// `load`: simulated desks syncing at once.
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u32).range(1..))]
    clients: u32,
    /// `load`: seconds of load per backend, after a short warm-up.
    #[arg(long, default_value_t = 20.0)]
    seconds: f64,
    /// `load`: every K-th round a client pushes 1–3 products before its pull (0: never).
    #[arg(long, value_name = "K", default_value_t = 50)]
    push_every: u32,
    /// `load`: the odop-server binary (default: beside this program).
    #[arg(long, value_name = "PATH")]
    server_bin: Option<PathBuf>,
    /// Print the figures as one JSON object on stdout (the table goes to stderr).
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum What {
    All,
    National,
    Synthetic,
    Search,
    Lists,
    Sync,
    Load,
    Brochure,
}

/// Where the input files are.
#[derive(Debug)]
pub struct Data {
    pub national: PathBuf,
    pub gi: PathBuf,
    pub states: PathBuf,
    pub districts: PathBuf,
}

impl Data {
    fn find(dir: &Path) -> Result<Data> {
        let data = Data {
            national: dir.join("odop_products_v31_20250707.csv"),
            gi: dir.join("gi_registered_india_2025-10.csv"),
            states: dir.join("lgd_states_2022-02.csv"),
            districts: dir.join("lgd_districts_2022-12.csv"),
        };
        for f in [&data.national, &data.gi, &data.states, &data.districts] {
            if !f.is_file() {
                bail!(
                    "{} is missing (point --data at the shared data folder)",
                    f.display()
                );
            }
        }
        Ok(data)
    }
}

/// This package's folder, asked of cargo at run time: a test built from another checkout that
/// shares the target directory would otherwise read that checkout's files.
fn manifest_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from)
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    // The shared data folder sits beside the repository, never inside it.
    let dir = cli
        .data
        .clone()
        .unwrap_or_else(|| manifest_dir().join("../../../shared/data"));
    let dir = dir.canonicalize().unwrap_or(dir);
    let data = Data::find(&dir)?;
    if cfg!(debug_assertions) {
        eprintln!("warning: a debug build; run with --release for figures worth reading");
    }

    let sections = run(&cli, &data)?;

    let header = format!(
        "odop-bench {}: SQLite {}, {} CPUs, data from {}",
        env!("CARGO_PKG_VERSION"),
        rusqlite::version(),
        std::thread::available_parallelism().map_or(0, usize::from),
        dir.display()
    );
    let table: String = std::iter::once(format!("{header}\n"))
        .chain(sections.iter().map(Section::render))
        .collect::<Vec<_>>()
        .join("\n");
    if cli.json {
        eprintln!("\n{table}");
        let mut out = Map::new();
        out.insert(
            "meta".into(),
            json!({
                "sqlite": rusqlite::version(),
                "cpus": std::thread::available_parallelism().map_or(0, usize::from),
                "data": dir.display().to_string(),
                "release": !cfg!(debug_assertions),
            }),
        );
        for s in &sections {
            out.insert(s.name.into(), s.json.clone());
        }
        println!("{}", serde_json::to_string_pretty(&Value::Object(out))?);
    } else {
        println!("\n{table}");
    }
    Ok(())
}

/// Runs the benchmarks the command line asks for, in the order they are listed.
fn run(cli: &Cli, data: &Data) -> Result<Vec<Section>> {
    let mut sections: Vec<Section> = Vec::new();
    if cli.what == What::Sync {
        let sellers = cli.sellers.unwrap_or(80_000) as usize;
        let runs = cli.runs.unwrap_or(15) as usize;
        eprintln!("sync: generating a dataset of {sellers} sellers…");
        sections.push(sync::run(data, sellers, runs)?);
    }
    if cli.what == What::Load {
        if !cli.seconds.is_finite() || cli.seconds <= 0.0 {
            bail!("--seconds must be above 0");
        }
        let plan = load::Plan {
            clients: cli.clients as usize,
            seconds: cli.seconds,
            push_every: cli.push_every,
            server: server::binary(cli.server_bin.as_deref())?,
        };
        sections.extend(load::run(data, cli.backend, &plan)?);
    }
    if matches!(cli.what, What::All | What::National) {
        let runs = cli.runs.unwrap_or(5);
        eprintln!("national: importing the national list {runs} times each way…");
        sections.push(national::run(data, runs as usize)?);
    }
    if matches!(cli.what, What::All | What::Brochure) {
        eprintln!("brochure: typesetting Uttar Pradesh's brochures…");
        sections.push(brochure::run(data, cli.runs.unwrap_or(5) as usize)?);
    }
    if matches!(
        cli.what,
        What::All | What::Synthetic | What::Search | What::Lists
    ) {
        let measure = matches!(cli.what, What::All | What::Synthetic);
        let sellers = cli.sellers.unwrap_or(100_000);
        eprintln!("synthetic: generating {sellers} sellers…");
        let mut built = synthetic::build(data, sellers as usize, measure)?;
        sections.extend(built.section.take());
        if matches!(cli.what, What::All | What::Search) {
            eprintln!("search: timing {} queries…", cli.queries);
            sections.push(search::run(&built, cli.queries as usize)?);
        }
        if matches!(cli.what, What::All | What::Synthetic) {
            eprintln!("backup: backing the synthetic database up and restoring it…");
            sections.push(backup::run(&mut built)?);
        }
        if matches!(cli.what, What::All | What::Lists) {
            eprintln!("lists: timing the seller list's pages…");
            sections.push(lists::run(&built, cli.runs.unwrap_or(25) as usize)?);
        }
    }
    Ok(sections)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every benchmark runs end to end on tiny sizes.
    #[test]
    fn every_benchmark_runs_on_a_small_scale() {
        let dir = manifest_dir().join("../../../shared/data");
        let data =
            Data::find(&dir).unwrap_or_else(|e| panic!("no shared data at {}: {e}", dir.display()));
        let cli = Cli::parse_from([
            "odop-bench",
            "all",
            "--sellers",
            "300",
            "--runs",
            "1",
            "--queries",
            "60",
        ]);
        let sections = run(&cli, &data).unwrap();
        let names: Vec<&str> = sections.iter().map(|s| s.name).collect();
        assert_eq!(
            names,
            [
                "national",
                "brochure",
                "synthetic",
                "search",
                "backup",
                "lists"
            ]
        );
        for s in &sections {
            assert!(s.json.is_object(), "{}", s.name);
            assert!(!s.render().contains("NaN"), "{}", s.render());
        }
    }

    /// The sync benchmark runs end to end on a small scale: every row arrives, one change each
    /// way syncs, the wire carries some bytes per row, and a restart and a full comparison are
    /// timed (the benchmark itself checks what each moved).
    #[test]
    fn the_sync_benchmark_runs_on_a_small_scale() {
        let dir = manifest_dir().join("../../../shared/data");
        let data =
            Data::find(&dir).unwrap_or_else(|e| panic!("no shared data at {}: {e}", dir.display()));
        let cli = Cli::parse_from(["odop-bench", "sync", "--sellers", "200", "--runs", "2"]);
        let sections = run(&cli, &data).unwrap();
        assert_eq!(sections.len(), 1);
        let json = &sections[0].json;
        assert_eq!(json["sellers"], 200, "{json}");
        assert!(json["rows"].as_u64().unwrap() > 200, "{json}");
        assert!(json["wire_bytes_per_row"].as_f64().unwrap() > 0.0, "{json}");
        assert!(json["full_comparison_ms"].as_f64().unwrap() > 0.0, "{json}");
        assert!(
            !sections[0].render().contains("NaN"),
            "{}",
            sections[0].render()
        );
    }
}
