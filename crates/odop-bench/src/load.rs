//! Load on the central server: many simulated desks syncing at once against the real
//! `odop-server` process, on SQLite or on PostgreSQL.
//!
//! Each client is a desk with an empty outbox doing no-op syncs (one pull from its cursor, as
//! `odop-sync` does when nothing waits to be pushed) as fast as the server answers, and every
//! K-th round a small push of 1–3 new products in its own state followed by a pull. The server
//! holds the LGD lists, and each desk names the tag of its copy in every pull, as `odop-sync`
//! does, so the server compares tags on every last page and checks every write's place. The
//! server's memory is read from `/proc` every second; bytes on the wire go through a counting
//! proxy after the load, so the proxy costs the measured run nothing.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use clap::ValueEnum;
use odop_domain::{Entity, Id, Product, Rank, Sector};
use odop_protocol::{
    Fields, Mutation, Outcome, PullResponse, PushRequest, PushResponse, MAX_PULL_LIMIT, PATH_PULL,
    PATH_PUSH, PROTOCOL_VERSION, VERSION_HEADER,
};
use odop_store::Store;
use serde_json::{json, Value};

use crate::gen::Rng;
use crate::measure::{fmt_ms, grouped, percentile, round, Section};
use crate::server::{self, CountingProxy, Memory, ServerProcess};
use crate::Data;

/// Which ledger the server runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Backend {
    Sqlite,
    Postgres,
    Both,
}

/// How hard and how long to load the server.
#[derive(Debug, Clone)]
pub struct Plan {
    pub clients: usize,
    pub seconds: f64,
    /// Every this many rounds a client pushes; 0 never.
    pub push_every: u32,
    pub server: PathBuf,
}

/// Products written before the load, so pulls read a ledger that is not empty.
const SEED_ROWS: usize = 2_000;
/// How many states the clients are spread over (one editor account each).
const STATES: usize = 4;
/// No-op syncs sent through the counting proxy to measure their size.
const WIRE_SAMPLES: usize = 200;

pub fn run(data: &Data, backend: Backend, plan: &Plan) -> Result<Vec<Section>> {
    let places = places(data)?;
    let backends: &[Backend] = match backend {
        Backend::Both => &[Backend::Sqlite, Backend::Postgres],
        Backend::Sqlite => &[Backend::Sqlite],
        Backend::Postgres => &[Backend::Postgres],
    };
    backends
        .iter()
        .map(|b| run_one(*b, data, &places, plan))
        .collect()
}

/// The states with the most districts, with their district codes.
fn places(data: &Data) -> Result<Vec<(u16, Vec<u32>)>> {
    let mut store = Store::open_in_memory()?;
    odop_exchange::import_lgd(&mut store, &data.states, &data.districts, "bench", false)?;
    let gazetteer = store.gazetteer()?;
    let mut by_state: std::collections::BTreeMap<u16, Vec<u32>> = Default::default();
    for d in gazetteer.districts() {
        by_state.entry(d.state.0).or_default().push(d.code.0);
    }
    let mut states: Vec<(u16, Vec<u32>)> = by_state.into_iter().collect();
    states.sort_by_key(|(code, ds)| (std::cmp::Reverse(ds.len()), *code));
    states.truncate(STATES);
    for (_, ds) in &mut states {
        ds.sort_unstable();
    }
    if states.is_empty() {
        bail!("the LGD lists hold no districts");
    }
    Ok(states)
}

/// A new row's creation, as a desk's outbox would send it.
pub fn create(seq: u64, kind: &str, fields: &Fields) -> Mutation {
    let id = fields.get("id").and_then(Value::as_str).unwrap_or_default();
    let fields = fields.iter().map(|(k, v)| (k.clone(), v.clone()));
    Mutation::create(seq, kind, id, fields)
}

fn product(rng: &mut Rng, state: u16, districts: &[u32], n: u64) -> Fields {
    let (name, sector) = *rng.pick(&[
        ("Silk Saree", "handloom"),
        ("Terracotta", "handicraft"),
        ("Jaggery", "food-processing"),
        ("Millets", "agriculture"),
    ]);
    Product {
        id: Id::new(),
        state: odop_domain::StateCode(state),
        district: odop_domain::DistrictCode(*rng.pick(districts)),
        rank: Rank::Secondary,
        sector: Sector::from_slug(sector),
        name: format!("{name} {n}"),
        local_name: None,
        description: format!("{name} from a load run, batch {n}."),
        gi: Default::default(),
        photo: None,
        ministry: None,
    }
    .to_fields()
}

/// What one client saw during the measured window.
#[derive(Debug, Default)]
struct Tally {
    /// Pulls that brought nothing: the no-op syncs (µs each).
    noop: Vec<u32>,
    /// Pulls that brought rows other clients pushed.
    busy: Vec<u32>,
    pushes: Vec<u32>,
    rows_pushed: u64,
    errors: u64,
    first_errors: Vec<String>,
}

impl Tally {
    fn error(&mut self, what: String) {
        self.errors += 1;
        if self.first_errors.len() < 3 {
            self.first_errors.push(what);
        }
    }
}

/// One simulated desk.
struct Desk {
    http: reqwest::Client,
    base: String,
    token: String,
    client: String,
    seq: u64,
    cursor: u64,
    /// The horizon the page that gave the cursor carried, sent back with it as a desk does.
    horizon: u64,
    /// The tag of the server's LGD lists this desk holds, named in each pull as a desk does, so
    /// the server compares it with its own on every last page.
    places: String,
}

impl Desk {
    async fn pull(&mut self, cursor: u64) -> Result<PullResponse> {
        let response = self
            .http
            .get(format!(
                "{}{PATH_PULL}?cursor={cursor}&limit={MAX_PULL_LIMIT}&horizon={}&places={}",
                self.base, self.horizon, self.places
            ))
            .bearer_auth(&self.token)
            .header(VERSION_HEADER, PROTOCOL_VERSION.to_string())
            .send()
            .await?;
        let status = response.status();
        let body = response.bytes().await?;
        if !status.is_success() {
            bail!(
                "pull answered {status}: {}",
                String::from_utf8_lossy(&body[..body.len().min(200)])
            );
        }
        let page: PullResponse = serde_json::from_slice(&body)?;
        if let Some(update) = &page.places {
            self.places.clone_from(&update.tag);
        }
        Ok(page)
    }

    async fn push(&mut self, rows: &[Fields]) -> Result<()> {
        let first = self.seq + 1;
        let mutations = rows
            .iter()
            .enumerate()
            .map(|(i, f)| create(first + i as u64, "product", f))
            .collect();
        let request = PushRequest {
            client: self.client.clone(),
            mutations,
        };
        let response = self
            .http
            .post(format!("{}{PATH_PUSH}", self.base))
            .bearer_auth(&self.token)
            .header(VERSION_HEADER, PROTOCOL_VERSION.to_string())
            .json(&request)
            .send()
            .await?;
        let status = response.status();
        let body = response.bytes().await?;
        if !status.is_success() {
            bail!(
                "push answered {status}: {}",
                String::from_utf8_lossy(&body[..body.len().min(200)])
            );
        }
        let answer: PushResponse = serde_json::from_slice(&body)?;
        self.seq = answer.last_seq;
        for r in &answer.results {
            if !matches!(r.outcome, Outcome::Applied { .. }) {
                bail!("push of seq {} answered {:?}", r.seq, r.outcome);
            }
        }
        if answer.results.len() != rows.len() {
            bail!(
                "push of {} mutations answered {}",
                rows.len(),
                answer.results.len()
            );
        }
        Ok(())
    }

    /// Pulls until the cursor reaches the head.
    async fn catch_up(&mut self) -> Result<u64> {
        let mut rows = 0;
        loop {
            let page = self.pull(self.cursor).await?;
            rows += page.changes.len() as u64;
            (self.cursor, self.horizon) = (page.cursor, page.horizon);
            if !page.more {
                return Ok(rows);
            }
        }
    }
}

/// Flags the clients read: measure from `measuring` until `stop`.
#[derive(Debug, Default)]
struct Window {
    measuring: AtomicBool,
    stop: AtomicBool,
}

fn micros(d: Duration) -> u32 {
    d.as_micros().min(u128::from(u32::MAX)) as u32
}

async fn client_loop(
    mut desk: Desk,
    state: u16,
    districts: Vec<u32>,
    push_every: u32,
    window: Arc<Window>,
    seed: u64,
) -> Tally {
    let mut tally = Tally::default();
    let mut rng = Rng::new(seed);
    let mut round = 0u64;
    while !window.stop.load(Ordering::Relaxed) {
        round += 1;
        let counted = window.measuring.load(Ordering::Relaxed);
        if push_every > 0 && round.is_multiple_of(u64::from(push_every)) {
            let rows: Vec<Fields> = (0..rng.between(1, 3))
                .map(|_| product(&mut rng, state, &districts, round))
                .collect();
            let start = Instant::now();
            let pushed = desk.push(&rows).await;
            let took = start.elapsed();
            let keep = counted && !window.stop.load(Ordering::Relaxed);
            match pushed {
                Ok(()) if keep => {
                    tally.pushes.push(micros(took));
                    tally.rows_pushed += rows.len() as u64;
                }
                Ok(()) => {}
                Err(e) if keep => tally.error(format!("{e:#}")),
                Err(_) => {}
            }
        }
        let start = Instant::now();
        let pulled = desk.pull(desk.cursor).await;
        let took = start.elapsed();
        let keep = counted && !window.stop.load(Ordering::Relaxed);
        match pulled {
            Ok(page) => {
                (desk.cursor, desk.horizon) = (page.cursor, page.horizon);
                if keep {
                    if page.changes.is_empty() {
                        tally.noop.push(micros(took));
                    } else {
                        tally.busy.push(micros(took));
                    }
                }
            }
            Err(e) => {
                if keep {
                    tally.error(format!("{e:#}"));
                }
                // A failing server is not hammered in a tight loop.
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    }
    tally
}

fn http_client(clients: usize) -> Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .pool_max_idle_per_host(clients.max(1))
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(30))
        .build()?)
}

/// The ledger a backend's server runs on, with whatever must outlive the run.
struct LedgerSpec {
    db: String,
    _dir: Option<tempfile::TempDir>,
    _cluster: Option<odop_pgtest::Cluster>,
}

fn ledger(backend: Backend) -> Result<LedgerSpec> {
    Ok(match backend {
        Backend::Postgres => {
            let cluster = odop_pgtest::Cluster::start()
                .context("cannot start a throwaway PostgreSQL cluster")?;
            let db = cluster.create_database("odop_load")?;
            LedgerSpec {
                db,
                _dir: None,
                _cluster: Some(cluster),
            }
        }
        _ => {
            let dir = tempfile::tempdir()?;
            let db = format!("sqlite:{}", dir.path().join("ledger.sqlite3").display());
            LedgerSpec {
                db,
                _dir: Some(dir),
                _cluster: None,
            }
        }
    })
}

fn run_one(
    backend: Backend,
    data: &Data,
    places: &[(u16, Vec<u32>)],
    plan: &Plan,
) -> Result<Section> {
    let name = match backend {
        Backend::Postgres => "load_postgres",
        _ => "load_sqlite",
    };
    eprintln!("{name}: preparing the ledger and accounts…");
    let spec = ledger(backend)?;
    let central = server::add_account(&plan.server, &spec.db, "load-central", "central", None)?;
    let mut editors = Vec::new();
    for (state, _) in places {
        let token = server::add_account(
            &plan.server,
            &spec.db,
            &format!("load-state-{state}"),
            "state-editor",
            Some(*state),
        )?;
        editors.push(token);
    }
    server::load_places(&plan.server, &spec.db, &data.states, &data.districts)?;
    let server = ServerProcess::start(&plan.server, &spec.db)?;
    let runtime = tokio::runtime::Runtime::new()?;
    let outcome = runtime.block_on(measure(name, &server, &central, &editors, places, plan));
    let end = server.memory()?;
    let clean = server.stop()?;
    let mut section = outcome?;
    section.json["server_stopped_cleanly"] = json!(clean);
    section.json["rss_after_wire_kb"] = json!(end.rss_kb);
    section.line(
        "server RSS after the full pull / SIGTERM",
        format!("{:.1} MB", mb(end.rss_kb)),
        if clean {
            "stopped cleanly"
        } else {
            "did NOT stop cleanly"
        },
    );
    Ok(section)
}

async fn measure(
    name: &'static str,
    server: &ServerProcess,
    central: &str,
    editors: &[String],
    places: &[(u16, Vec<u32>)],
    plan: &Plan,
) -> Result<Section> {
    let http = http_client(plan.clients)?;
    let idle = server.memory()?;

    eprintln!("{name}: seeding {SEED_ROWS} products…");
    let mut rng = Rng::new(0x10AD);
    let mut seeder = Desk {
        http: http.clone(),
        base: server.base.clone(),
        token: central.to_owned(),
        client: "load-seed".into(),
        seq: 0,
        cursor: 0,
        horizon: 0,
        places: "unknown".into(),
    };
    let mut n = 0u64;
    while (n as usize) < SEED_ROWS {
        let rows: Vec<Fields> = (0..500.min(SEED_ROWS - n as usize))
            .map(|i| {
                let (state, districts) = &places[i % places.len()];
                product(&mut rng, *state, districts, n + i as u64)
            })
            .collect();
        n += rows.len() as u64;
        seeder.push(&rows).await?;
    }

    // Every desk starts caught up, as a desk that synced before would be.
    let window = Arc::new(Window::default());
    let mut tasks = Vec::new();
    for i in 0..plan.clients {
        let (state, districts) = places[i % places.len()].clone();
        let mut desk = Desk {
            http: http.clone(),
            base: server.base.clone(),
            token: editors[i % editors.len()].clone(),
            client: format!("{name}-{i}"),
            seq: 0,
            cursor: 0,
            horizon: 0,
            places: "unknown".into(),
        };
        desk.catch_up().await?;
        tasks.push(tokio::spawn(client_loop(
            desk,
            state,
            districts,
            plan.push_every,
            Arc::clone(&window),
            0x5EED + i as u64,
        )));
    }

    eprintln!(
        "{name}: {} clients for {:.0} s (after a short warm-up)…",
        plan.clients, plan.seconds
    );
    tokio::time::sleep(Duration::from_secs_f64(
        (plan.seconds * 0.1).clamp(0.5, 3.0),
    ))
    .await;
    let mut samples: Vec<(f64, Memory)> = vec![(0.0, server.memory()?)];
    let start = Instant::now();
    window.measuring.store(true, Ordering::SeqCst);
    let mut next_report = 60.0;
    loop {
        let elapsed = start.elapsed().as_secs_f64();
        if elapsed >= plan.seconds {
            break;
        }
        tokio::time::sleep(Duration::from_secs_f64((plan.seconds - elapsed).min(1.0))).await;
        let at = start.elapsed().as_secs_f64();
        let m = server.memory()?;
        if at >= next_report {
            eprintln!(
                "{name}: {at:.0} s, server RSS {:.1} MB",
                m.rss_kb as f64 / 1024.0
            );
            next_report += 60.0;
        }
        samples.push((at, m));
    }
    window.stop.store(true, Ordering::SeqCst);
    let window_s = start.elapsed().as_secs_f64();
    let mut tally = Tally::default();
    for t in tasks {
        let t = t.await?;
        tally.noop.extend(t.noop);
        tally.busy.extend(t.busy);
        tally.pushes.extend(t.pushes);
        tally.rows_pushed += t.rows_pushed;
        tally.errors += t.errors;
        for e in t.first_errors {
            if tally.first_errors.len() < 3 {
                tally.first_errors.push(e);
            }
        }
    }

    eprintln!("{name}: measuring bytes on the wire…");
    let proxy = CountingProxy::start(server.addr)?;
    let wire = http_client(1)?;
    let mut probe = Desk {
        http: wire.clone(),
        base: proxy.base(),
        token: editors[0].clone(),
        client: "load-probe".into(),
        seq: 0,
        cursor: 0,
        horizon: 0,
        places: "unknown".into(),
    };
    // Catching up opens the connection; the no-op syncs then reuse it, as a desk's would.
    probe.catch_up().await?;
    proxy.reset();
    for _ in 0..WIRE_SAMPLES {
        let page = probe.pull(probe.cursor).await?;
        if !page.changes.is_empty() {
            bail!("a pull at the head brought {} changes", page.changes.len());
        }
    }
    let (noop_up, noop_down) = proxy.bytes();
    let mut reader = Desk {
        http: wire,
        base: proxy.base(),
        token: central.to_owned(),
        client: "load-reader".into(),
        seq: 0,
        cursor: 0,
        horizon: 0,
        places: "unknown".into(),
    };
    proxy.reset();
    let rows_read = reader.catch_up().await?;
    let (rows_up, rows_down) = proxy.bytes();
    drop(proxy);

    Ok(report(
        name,
        plan,
        window_s,
        &mut tally,
        idle,
        &samples,
        (noop_up, noop_down),
        (rows_read, rows_up + rows_down),
    ))
}

fn to_durations(micros: &mut [u32]) -> Vec<Duration> {
    micros.sort_unstable();
    micros
        .iter()
        .map(|m| Duration::from_micros(u64::from(*m)))
        .collect()
}

fn mb(kb: u64) -> f64 {
    kb as f64 / 1024.0
}

#[allow(clippy::too_many_arguments)]
fn report(
    name: &'static str,
    plan: &Plan,
    window_s: f64,
    tally: &mut Tally,
    idle: Memory,
    samples: &[(f64, Memory)],
    noop_bytes: (u64, u64),
    rows: (u64, u64),
) -> Section {
    let noop = to_durations(&mut tally.noop);
    let busy = to_durations(&mut tally.busy);
    let pushes = to_durations(&mut tally.pushes);
    let mut all: Vec<Duration> = noop.iter().chain(&busy).chain(&pushes).copied().collect();
    all.sort_unstable();
    let pct = |d: &[Duration], p: f64| {
        if d.is_empty() {
            Duration::ZERO
        } else {
            percentile(d, p)
        }
    };
    let noop_rate = noop.len() as f64 / window_s;
    let sync_rate = (noop.len() + busy.len()) as f64 / window_s;
    let request_rate = all.len() as f64 / window_s;
    let per_noop = (noop_bytes.0 + noop_bytes.1) as f64 / WIRE_SAMPLES as f64;
    let per_row = if rows.0 == 0 {
        0.0
    } else {
        rows.1 as f64 / rows.0 as f64
    };

    let first = samples.first().map(|s| s.1).unwrap_or_default();
    let last = samples.last().map(|s| s.1).unwrap_or_default();
    let middle = samples[samples.len() / 2].1;
    let peak = samples.iter().map(|s| s.1.peak_kb).max().unwrap_or(0);
    // Growth over the second half of the run: a leak shows here, warm-up does not.
    let late_growth = last.rss_kb as f64 - middle.rss_kb as f64;

    let mut s = Section::new(
        name,
        format!(
            "{} clients over {} state accounts, the LGD lists loaded (each desk names its copy's \
             tag), {:.0} s, {}",
            plan.clients,
            STATES,
            window_s,
            if plan.push_every == 0 {
                "no pushes".to_owned()
            } else {
                format!(
                    "a push of 1–3 products every {} rounds per client",
                    plan.push_every
                )
            }
        ),
        json!({
            "clients": plan.clients,
            "seconds": round(window_s, 2),
            "push_every": plan.push_every,
            "noop_syncs": noop.len(),
            "noop_syncs_per_s": round(noop_rate, 1),
            "noop_p50_ms": round(pct(&noop, 50.0).as_secs_f64() * 1000.0, 3),
            "noop_p99_ms": round(pct(&noop, 99.0).as_secs_f64() * 1000.0, 3),
            "noop_max_ms": round(pct(&noop, 100.0).as_secs_f64() * 1000.0, 3),
            "pulls_with_changes": busy.len(),
            "pulls_with_changes_p50_ms": round(pct(&busy, 50.0).as_secs_f64() * 1000.0, 3),
            "pulls_with_changes_p99_ms": round(pct(&busy, 99.0).as_secs_f64() * 1000.0, 3),
            "syncs_per_s": round(sync_rate, 1),
            "pushes": pushes.len(),
            "rows_pushed": tally.rows_pushed,
            "push_p50_ms": round(pct(&pushes, 50.0).as_secs_f64() * 1000.0, 3),
            "push_p99_ms": round(pct(&pushes, 99.0).as_secs_f64() * 1000.0, 3),
            "requests_per_s": round(request_rate, 1),
            "request_p99_ms": round(pct(&all, 99.0).as_secs_f64() * 1000.0, 3),
            "errors": tally.errors,
            "first_errors": tally.first_errors,
            "noop_sync_bytes": round(per_noop, 1),
            "noop_sync_bytes_up": round(noop_bytes.0 as f64 / WIRE_SAMPLES as f64, 1),
            "noop_sync_bytes_down": round(noop_bytes.1 as f64 / WIRE_SAMPLES as f64, 1),
            "rows_read": rows.0,
            "bytes_per_row_read": round(per_row, 1),
            "rss_idle_kb": idle.rss_kb,
            "rss_start_kb": first.rss_kb,
            "rss_middle_kb": middle.rss_kb,
            "rss_end_kb": last.rss_kb,
            "rss_peak_kb": peak,
            "rss_growth_second_half_kb": late_growth,
            "rss_samples": samples
                .iter()
                .map(|(t, m)| json!([round(*t, 1), m.rss_kb]))
                .collect::<Vec<_>>(),
        }),
    );
    s.line(
        "no-op syncs (one pull, nothing new)",
        grouped(noop.len() as f64),
        format!("{}/s", grouped(noop_rate)),
    );
    s.line(
        "no-op sync latency p50 / p99",
        fmt_ms(pct(&noop, 50.0)),
        fmt_ms(pct(&noop, 99.0)),
    );
    s.line(
        "no-op sync latency max",
        fmt_ms(pct(&noop, 100.0)),
        String::new(),
    );
    s.line(
        "pulls bringing others' rows: count, p99",
        grouped(busy.len() as f64),
        fmt_ms(pct(&busy, 99.0)),
    );
    s.line(
        "pushes (1–3 products): count, p99",
        grouped(pushes.len() as f64),
        fmt_ms(pct(&pushes, 99.0)),
    );
    s.line(
        "all requests: rate, p99",
        format!("{}/s", grouped(request_rate)),
        fmt_ms(pct(&all, 99.0)),
    );
    s.line(
        "errors (non-2xx, transport, refused)",
        grouped(tally.errors as f64),
        tally
            .first_errors
            .first()
            .map(|e| e.chars().take(60).collect::<String>())
            .unwrap_or_default(),
    );
    s.line(
        "bytes per no-op sync (request + response)",
        format!("{per_noop:.0} B"),
        format!(
            "{:.0} B + {:.0} B",
            noop_bytes.0 as f64 / WIRE_SAMPLES as f64,
            noop_bytes.1 as f64 / WIRE_SAMPLES as f64
        ),
    );
    s.line(
        &format!(
            "bytes per row, full pull of {} rows",
            grouped(rows.0 as f64)
        ),
        format!("{per_row:.0} B"),
        "compressed, headers in".to_owned(),
    );
    s.line(
        "server RSS idle / start of load",
        format!("{:.1} MB", mb(idle.rss_kb)),
        format!("{:.1} MB", mb(first.rss_kb)),
    );
    s.line(
        "server RSS middle / end",
        format!("{:.1} MB", mb(middle.rss_kb)),
        format!("{:.1} MB", mb(last.rss_kb)),
    );
    s.line(
        "server peak RSS (VmHWM) / late growth",
        format!("{:.1} MB", mb(peak)),
        format!("{:+.1} MB", late_growth / 1024.0),
    );
    s
}
