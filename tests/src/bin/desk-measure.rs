//! `desk-measure`: the desktop app's figures, measured on the release build under a virtual
//! display, each beside a baseline from the same run.
//!
//! - cold start to an interactive dashboard with 100,000 sellers stored (baseline: cold start of
//!   an empty database to its first screen);
//! - resident memory after importing the synthetic 100,000-seller list through the wizard
//!   (baseline: the same processes just after an empty start);
//! - search latency per keystroke on that data, from the key to the results drawn (baseline: the
//!   store's own search for the same prefixes, called in this process on the same file);
//! - installer sizes, when `cargo xtask bundle` has made them.
//!
//! Run: `cargo run --release -p odop-e2e --bin desk-measure -- [--sellers N] [--json]
//! [--app PATH]`; without `--app` it builds the release app first. `--app` may name the
//! AppImage: its first start, the empty one, then includes unpacking it.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context as _, Result};
use odop_e2e::{build_app, shared_data, target_dir, Harness, Window};
use serde_json::{json, Value};

/// A small, repeatable random source, so each run generates the same sellers.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

const FIRST: &[&str] = &[
    "Asha", "Meena", "Ravi", "Suresh", "Lalita", "Imran", "Kavita", "Gopal", "Farida", "Anil",
    "Sunita", "Harish", "Rekha", "Mohan", "Zoya", "Prakash", "Geeta", "Arjun", "Nasreen", "Vijay",
];
const LAST: &[&str] = &[
    "Devi", "Kumar", "Ansari", "Patel", "Yadav", "Maurya", "Bano", "Singh", "Reddy", "Das", "Naik",
    "Gowda", "Pillai", "Sahu", "Khan", "Verma",
];
const TRADE: &[&str] = &[
    "Weaving Unit",
    "Handloom Society",
    "Crafts",
    "Agro Producers",
    "Self Help Group",
    "Enterprises",
    "Artisans Collective",
    "Foods",
    "Textiles",
    "Pottery Works",
];
const HINDI: &[&str] = &[
    "आशा",
    "मीना",
    "रवि",
    "सुरेश",
    "ललिता",
    "गोपाल",
    "सुनीता",
    "मोहन",
    "गीता",
    "अर्जुन",
];
const HINDI_TRADE: &[&str] = &["बुनकर समूह", "हस्तशिल्प", "स्वयं सहायता समूह", "कृषक उत्पादक संगठन"];
const KINDS: &[&str] = &[
    "artisan",
    "weaver",
    "farmer",
    "fpo",
    "shg",
    "msme",
    "cooperative",
    "exporter",
];
const STATUS: &[&str] = &[
    "",
    "",
    "not_started",
    "in_progress",
    "onboarded",
    "onboarded",
];

/// Writes a seller list of `n` rows in the seller import layout, over the LGD districts.
fn write_sellers(path: &Path, n: usize) -> Result<()> {
    let mut districts = Vec::new();
    let mut lgd = csv::Reader::from_path(shared_data().join("lgd_districts_2022-12.csv"))?;
    for row in lgd.records() {
        let row = row?;
        districts.push((row[1].to_owned(), row[2].to_owned(), row[3].to_owned()));
    }
    if districts.is_empty() {
        bail!("the LGD district list is empty");
    }
    let mut out = csv::Writer::from_path(path)?;
    out.write_record([
        "Name", "Kind", "State", "District", "LGD Code", "Phone", "GeM", "ONDC", "Amazon",
    ])?;
    let mut rng = Rng(0x0D0F_2025);
    for i in 0..n {
        let (state, code, district) = &districts[(rng.next() % districts.len() as u64) as usize];
        // One name in ten is written in Devanagari, as Hindi-speaking departments do.
        let name = if i % 10 == 0 {
            format!("{} {} {i}", rng.pick(HINDI), rng.pick(HINDI_TRADE))
        } else {
            format!(
                "{} {} {} {i}",
                rng.pick(FIRST),
                rng.pick(LAST),
                rng.pick(TRADE)
            )
        };
        let phone = format!("9{:09}", rng.next() % 1_000_000_000);
        out.write_record([
            name.as_str(),
            rng.pick(KINDS),
            state,
            district,
            code,
            &phone,
            rng.pick(STATUS),
            rng.pick(STATUS),
            rng.pick(STATUS),
        ])?;
    }
    out.flush()?;
    Ok(())
}

fn epoch_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

/// Resident memory in KiB of the app's process and of all processes below it (the web view).
/// Whether a process's program is the app under measure: the binary itself, or for an AppImage
/// the app's binary in the tree it unpacked into this run's cache.
fn is_app(exe: &Path, app: &Path, cache: &Path) -> bool {
    exe == app || (exe.starts_with(cache) && exe.ends_with("usr/bin/odop-desk"))
}

fn resident(app: &Path, cache: &Path) -> Result<(u64, u64)> {
    let mut parent_of = HashMap::new();
    let mut rss = HashMap::new();
    let mut app_pid = None;
    for entry in std::fs::read_dir("/proc")? {
        let entry = entry?;
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(status) = std::fs::read_to_string(entry.path().join("status")) else {
            continue;
        };
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|v| v.parse::<u64>().ok())
        };
        parent_of.insert(pid, field("PPid:").unwrap_or(0) as u32);
        rss.insert(pid, field("VmRSS:").unwrap_or(0));
        if std::fs::read_link(entry.path().join("exe")).is_ok_and(|exe| is_app(&exe, app, cache)) {
            app_pid = Some(pid);
        }
    }
    let app_pid = app_pid.context("the app's process was not found")?;
    let below = |mut pid: u32| {
        while pid > 1 {
            if pid == app_pid {
                return true;
            }
            pid = parent_of.get(&pid).copied().unwrap_or(0);
        }
        false
    };
    let total = rss
        .iter()
        .filter(|(p, _)| below(**p))
        .map(|(_, kb)| kb)
        .sum();
    Ok((rss[&app_pid], total))
}

/// Imports one file through the wizard and returns how long it took.
async fn import(w: &Window, layout: &str, paths: &[(&str, &Path)]) -> Result<Duration> {
    w.go("import").await?;
    w.select("import-layout", layout).await?;
    for (field, path) in paths {
        w.type_into(field, &path.to_string_lossy()).await?;
    }
    // Straight to the import: the dry run would double the time measured.
    w.eval(
        "document.querySelector('[data-testid=import-run]').hidden = false;",
        vec![],
    )
    .await?;
    let started = Instant::now();
    w.click("import-run").await?;
    let wait = async {
        loop {
            let done = w
                .eval(
                    "return Boolean(document.querySelector('[data-testid=import-report], [data-testid=import-error]'));",
                    vec![],
                )
                .await?;
            if done == Value::Bool(true) {
                return Ok::<_, anyhow::Error>(());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(1800), wait)
        .await
        .context("the import did not finish in 30 minutes")??;
    if w.count("import-error").await? > 0 {
        bail!("the import failed: {}", w.text("import-error").await?);
    }
    Ok(started.elapsed())
}

/// Types each query a key at a time and returns, per keystroke, the page's time from the key to
/// the results drawn, in milliseconds.
async fn keystrokes(w: &Window, queries: &[&str]) -> Result<Vec<f64>> {
    w.go("search").await?;
    w.eval("window.__odopSearchTimings.length = 0;", vec![])
        .await?;
    let box_ = w.find("global-search").await?;
    for query in queries {
        box_.clear().await?;
        let mut typed = String::new();
        for c in query.chars() {
            typed.push(c);
            box_.send_keys(&c.to_string()).await?;
            let expect = serde_json::to_string(typed.trim())?;
            w.wait_until(
                &format!(
                    "document.querySelector('[data-testid=search-results]')?.dataset.query === {expect}"
                ),
                "the results for the keystroke",
            )
            .await?;
        }
    }
    let timings = w.eval("return window.__odopSearchTimings;", vec![]).await?;
    Ok(timings
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default())
}

/// The store's own search time for every prefix of the queries, in milliseconds.
fn store_search(data_dir: &Path, queries: &[&str]) -> Result<Vec<f64>> {
    let store = odop_store::Store::open(&data_dir.join("odop.sqlite3"))?;
    let mut out = Vec::new();
    for query in queries {
        let mut typed = String::new();
        for c in query.chars() {
            typed.push(c);
            let started = Instant::now();
            store.search(&typed, &[], 40)?;
            out.push(started.elapsed().as_secs_f64() * 1000.0);
        }
    }
    Ok(out)
}

fn percentile(values: &[f64], p: f64) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    v[((v.len() - 1) as f64 * p).round() as usize]
}

/// Starts the app and returns the time from asking for it to `marker` (a page timestamp), the
/// part of that time after the web view began loading the page, and where the dashboard's own
/// time went when it was the first screen (`null` otherwise).
async fn cold_start(harness: &Harness, marker: &str, condition: &str) -> Result<(f64, f64, Value)> {
    let asked = epoch_ms();
    let w = harness.open().await?;
    w.wait_until(condition, "the first screen").await?;
    let at = w
        .eval(&format!("return window.{marker};"), vec![])
        .await?
        .as_f64()
        .context("the page did not mark its start")?;
    // The part of it inside the web view: from its navigation to the screen drawn.
    let in_page = w
        .eval(
            &format!("return window.{marker} - performance.timeOrigin;"),
            vec![],
        )
        .await?
        .as_f64()
        .unwrap_or(f64::NAN);
    let dashboard = w
        .eval("return window.__odopDashboardTimes ?? null;", vec![])
        .await?;
    w.close().await?;
    Ok((at - asked, in_page, dashboard))
}

fn installers() -> Vec<(String, u64)> {
    let mut out = Vec::new();
    let bundle = target_dir().join("release/bundle");
    for kind in ["deb", "appimage", "msi", "dmg"] {
        let Ok(dir) = std::fs::read_dir(bundle.join(kind)) else {
            continue;
        };
        for entry in dir.flatten() {
            let path = entry.path();
            if path.is_file() {
                let size = entry.metadata().map_or(0, |m| m.len());
                out.push((path.to_string_lossy().into_owned(), size));
            }
        }
    }
    out
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let sellers: usize = args
        .iter()
        .position(|a| a == "--sellers")
        .and_then(|i| args.get(i + 1))
        .map_or(Ok(100_000), |v| v.parse())
        .context("--sellers takes a number")?;
    let as_json = args.iter().any(|a| a == "--json");

    let app: PathBuf = match args.iter().position(|a| a == "--app") {
        Some(i) => PathBuf::from(args.get(i + 1).context("--app takes a path")?),
        None => build_app(true)?,
    }
    .canonicalize()?;
    let scratch = tempfile::tempdir()?;
    let seller_file = scratch.path().join("sellers.csv");
    write_sellers(&seller_file, sellers)?;
    let data = shared_data().canonicalize()?;

    let harness = Harness::start(&app)?;
    let empty_start = cold_start(
        &harness,
        "__odopFirstScreenAt",
        "window.__odopFirstScreenAt",
    )
    .await?;
    let w = harness.open().await?;
    w.find("first-run").await?;
    let (empty_app_kb, empty_total_kb) = resident(&app, &harness.cache_dir())?;
    let lgd = import(
        &w,
        "lgd",
        &[
            ("import-states", &data.join("lgd_states_2022-02.csv")),
            ("import-districts", &data.join("lgd_districts_2022-12.csv")),
        ],
    )
    .await?;
    let national = import(
        &w,
        "national",
        &[("import-path", &data.join("odop_products_v31_20250707.csv"))],
    )
    .await?;
    let seller_import = import(&w, "sellers", &[("import-path", &seller_file)]).await?;
    let (app_kb, total_kb) = resident(&app, &harness.cache_dir())?;

    let queries = [
        "asha devi",
        "weaving",
        "गीता",
        "kumar crafts",
        "handloom society",
    ];
    let ui = keystrokes(&w, &queries).await?;
    let (after_search_app_kb, after_search_total_kb) = resident(&app, &harness.cache_dir())?;
    w.close().await?;
    let core = store_search(&harness.data_dir(), &queries)?;

    let mut starts = Vec::new();
    let mut in_page = Vec::new();
    let mut parts: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for _ in 0..3 {
        let (total, page, dashboard) =
            cold_start(&harness, "__odopReadyAt", "window.__odopReadyAt").await?;
        starts.push(total);
        in_page.push(page);
        for (part, ms) in dashboard.as_object().into_iter().flatten() {
            parts.entry(part.clone()).or_default().extend(ms.as_f64());
        }
    }
    // Each part's median: `before` is when the dashboard began drawing after the page's start,
    // the others when each of its reads arrived and when it was drawn, from that beginning.
    let dashboard: BTreeMap<&str, f64> = parts
        .iter()
        .map(|(part, ms)| (part.as_str(), percentile(ms, 0.5)))
        .collect();
    drop(harness);

    let figures = json!({
        "sellers": sellers,
        "cold_start_ms": { "median_of_3": percentile(&starts, 0.5), "runs": starts,
                           "in_web_view_median": percentile(&in_page, 0.5),
                           "baseline_empty_first_screen": empty_start.0,
                           "baseline_empty_in_web_view": empty_start.1,
                           "dashboard_parts_median": dashboard },
        "import_s": { "lgd": lgd.as_secs_f64(), "national": national.as_secs_f64(),
                      "sellers": seller_import.as_secs_f64() },
        "rss_mib": {
            "app_after_import": app_kb as f64 / 1024.0,
            "app_and_webview_after_import": total_kb as f64 / 1024.0,
            "app_after_search": after_search_app_kb as f64 / 1024.0,
            "app_and_webview_after_search": after_search_total_kb as f64 / 1024.0,
            "baseline_app_empty": empty_app_kb as f64 / 1024.0,
            "baseline_app_and_webview_empty": empty_total_kb as f64 / 1024.0,
        },
        "search_keystroke_ms": {
            "keystrokes": ui.len(),
            "median": percentile(&ui, 0.5), "p95": percentile(&ui, 0.95),
            "max": percentile(&ui, 1.0),
            "baseline_store_median": percentile(&core, 0.5),
            "baseline_store_p95": percentile(&core, 0.95),
        },
        "installers": installers().into_iter().map(|(p, s)| json!({ "file": p, "bytes": s })).collect::<Vec<_>>(),
    });
    if as_json {
        println!("{figures:#}");
    } else {
        eprintln!("{figures:#}");
    }
    Ok(())
}
