//! Sync between a desk and the central server, against baselines from the same run: the first
//! sync of a national dataset against raw inserts of the same rows, one change synced into a
//! small and a large desk, and the bytes a synced row costs on the wire against gzip'd JSON.
//!
//! The server runs in this process (`odop_server::serve` on a loopback port over a SQLite
//! ledger); desks sync through `odop_sync::sync_once` and the real HTTP client, exactly as the
//! app does.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};
use odop_domain::{Entity, EntityKind, Gazetteer, Seller};
use odop_ledger::{Account, Ledger, Token};
use odop_ledger_sqlite::SqliteLedger;
use odop_protocol::{
    Change, FieldChange, Fields, Mutation, Op, Outcome, PullQuery, PullResponse, PushRequest, Role,
    MAX_PULL_LIMIT, MAX_PUSH_MUTATIONS,
};
use odop_store::{Incoming, Resync, Store};
use odop_sync::{sync_once, HttpRemote, Remote};
use serde_json::{json, Value};
use tempfile::TempDir;
use tokio::runtime::Runtime;

use crate::gen;
use crate::load::create;
use crate::measure::{self, fmt_ms, fmt_rate, grouped, median, ms, rate, round, Section};
use crate::server::CountingProxy;
use crate::synthetic::{fresh_store, SEED};
use crate::Data;

/// Rows in the small desk of the incremental comparison.
const SMALL_ROWS: usize = 1_000;

/// A record as the server holds it: its kind and fields.
type Row = (EntityKind, Fields);

/// A synthetic dataset as rows: products, sellers, stories (one per 8 sellers) and workshops
/// (one per 16 sellers).
fn rows(gazetteer: &Gazetteer, sellers: usize, seed: u64) -> Vec<Row> {
    let data = gen::dataset(gazetteer, sellers, seed);
    let (stories, workshops) = gen::stories_and_workshops(&data, sellers / 8, sellers / 16, seed);
    let mut out: Vec<Row> = Vec::new();
    out.extend(
        data.products
            .iter()
            .map(|p| (EntityKind::Product, p.to_fields())),
    );
    out.extend(
        data.sellers
            .iter()
            .map(|s| (EntityKind::Seller, s.to_fields())),
    );
    out.extend(stories.iter().map(|s| (EntityKind::Story, s.to_fields())));
    out.extend(
        workshops
            .iter()
            .map(|w| (EntityKind::Workshop, w.to_fields())),
    );
    out
}

/// The LGD lists cut down to one state of about 25 districts, for a dataset of about
/// `SMALL_ROWS` rows that is still shaped like the national one.
fn one_state(gazetteer: &Gazetteer) -> Result<Gazetteer> {
    let mut counts: std::collections::BTreeMap<u16, usize> = Default::default();
    for d in gazetteer.districts() {
        *counts.entry(d.state.0).or_default() += 1;
    }
    let (&state, _) = counts
        .iter()
        .min_by_key(|(code, n)| (n.abs_diff(25), **code))
        .context("the LGD lists hold no districts")?;
    let states = gazetteer
        .states()
        .iter()
        .filter(|s| s.code.0 == state)
        .cloned()
        .collect();
    let districts = gazetteer
        .districts()
        .filter(|d| d.state.0 == state)
        .cloned()
        .collect();
    Ok(Gazetteer::new(states, districts))
}

fn id_of(fields: &Fields) -> String {
    fields
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// A server on a loopback port over its own SQLite ledger, with a central account.
struct Hub {
    ledger: Arc<dyn Ledger>,
    central: Account,
    token: String,
    base: String,
    addr: std::net::SocketAddr,
    /// The sequence of the bench's own writing client ("another desk").
    other_seq: u64,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    _dir: TempDir,
}

impl Hub {
    /// Writes `rows` into a new ledger through its `push` (as one central client would, in
    /// batches of the protocol's largest push), then serves it.
    fn start(runtime: &Runtime, rows: &[Row]) -> Result<(Hub, Duration)> {
        let dir = tempfile::tempdir()?;
        let ledger: Arc<dyn Ledger> =
            Arc::new(SqliteLedger::open(&dir.path().join("ledger.sqlite3"))?);
        let central = Account::new("bench-central", Role::Central, None)?;
        let token = Token::generate()?;
        ledger.insert_account(&central, &token.hash())?;
        let start = Instant::now();
        let mut seq = 0u64;
        for batch in rows.chunks(MAX_PUSH_MUTATIONS) {
            let mutations = batch
                .iter()
                .map(|(kind, fields)| {
                    seq += 1;
                    create(seq, kind.as_str(), fields)
                })
                .collect();
            let answer = ledger.push(
                &central,
                &PushRequest {
                    client: "bench-seed".into(),
                    mutations,
                },
            )?;
            if let Some(r) = answer
                .results
                .iter()
                .find(|r| !matches!(r.outcome, Outcome::Applied { .. }))
            {
                bail!(
                    "the ledger did not take seed row {}: {:?}",
                    r.seq,
                    r.outcome
                );
            }
        }
        let seeded = start.elapsed();

        let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let serving = Arc::clone(&ledger);
        let config = odop_server::Config {
            rate: odop_server::RateLimit {
                per_second: 1e9,
                burst: 1e9,
            },
            ..odop_server::Config::default()
        };
        runtime.spawn(async move {
            odop_server::serve(listener, serving, &config, async {
                let _ = stopped.await;
            })
            .await
        });
        Ok((
            Hub {
                ledger,
                central,
                token: token.0,
                base: format!("http://{addr}"),
                addr,
                other_seq: 0,
                stop: Some(stop),
                _dir: dir,
            },
            seeded,
        ))
    }

    fn remote(&self) -> Result<HttpRemote> {
        Ok(HttpRemote::new(&self.base, &self.token)?)
    }

    /// Another desk renames a seller on the server.
    fn rename(&mut self, id: &str, old: &str, new: &str) -> Result<()> {
        self.other_seq += 1;
        let mut fields = std::collections::BTreeMap::new();
        fields.insert(
            "name".to_owned(),
            FieldChange {
                base: Value::from(old),
                new: Value::from(new),
            },
        );
        let answer = self.ledger.push(
            &self.central,
            &PushRequest {
                client: "bench-other-desk".into(),
                mutations: vec![Mutation {
                    seq: self.other_seq,
                    kind: "seller".into(),
                    id: id.to_owned(),
                    op: Op::Put,
                    base_version: 1,
                    fields,
                    resolves: vec![],
                    at: String::new(),
                }],
            },
        )?;
        ensure!(
            matches!(
                answer.results.first().map(|r| &r.outcome),
                Some(Outcome::Applied { .. })
            ),
            "the server did not take the rename: {answer:?}"
        );
        Ok(())
    }
}

/// What a delete costs the server, which looks for rows naming the record first: per run a new
/// product nothing names (so every naming kind is searched to its end) is renamed, then
/// deleted, one push each, straight on the ledger. Medians of the rename and the delete.
fn delete_cost(hub: &Hub, rows: &[Row], runs: usize) -> Result<(Duration, Duration)> {
    let template = rows
        .iter()
        .find(|(k, _)| *k == EntityKind::Product)
        .map(|(_, f)| f.clone())
        .context("no product to copy")?;
    let mut seq = 0u64;
    let push = |m: Mutation| -> Result<Duration> {
        let start = Instant::now();
        let answer = hub.ledger.push(
            &hub.central,
            &PushRequest {
                client: "bench-deletes".into(),
                mutations: vec![m],
            },
        )?;
        let took = start.elapsed();
        ensure!(
            matches!(
                answer.results.first().map(|r| &r.outcome),
                Some(Outcome::Applied { .. })
            ),
            "the server did not take it: {answer:?}"
        );
        Ok(took)
    };
    let (mut renames, mut deletes) = (Vec::new(), Vec::new());
    for run in 0..runs {
        let id = odop_domain::Id::new().to_string();
        let mut fields = template.clone();
        fields.insert("id".into(), Value::from(id.clone()));
        seq += 1;
        push(create(seq, "product", &fields))?;
        let mut name = std::collections::BTreeMap::new();
        name.insert(
            "name".to_owned(),
            FieldChange {
                base: fields.get("name").cloned().unwrap_or(Value::Null),
                new: Value::from(format!("Unnamed product {run}")),
            },
        );
        let mutation = |seq, op, base_version, fields| Mutation {
            seq,
            kind: "product".into(),
            id: id.clone(),
            op,
            base_version,
            fields,
            resolves: vec![],
            at: String::new(),
        };
        seq += 1;
        renames.push(push(mutation(seq, Op::Put, 1, name))?);
        seq += 1;
        deletes.push(push(mutation(seq, Op::Delete, 2, Default::default()))?);
    }
    Ok((median(renames), median(deletes)))
}

impl Drop for Hub {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// A desk database with the LGD lists loaded, closed again so `sync_once` opens it.
fn new_desk(data: &Data) -> Result<(TempDir, PathBuf)> {
    let (dir, path, store) = fresh_store(data)?;
    drop(store);
    Ok((dir, path))
}

fn sync(runtime: &Runtime, path: &Path, remote: &HttpRemote) -> Result<odop_sync::Report> {
    Ok(runtime.block_on(sync_once(path, remote, "bench", &|_| {}))?)
}

/// The changes of every page from the start, as the server sends them.
fn fetch_all(runtime: &Runtime, remote: &HttpRemote) -> Result<Vec<PullResponse>> {
    runtime.block_on(async {
        let mut pages = Vec::new();
        let (mut cursor, mut horizon) = (0, 0);
        loop {
            let query = PullQuery::new(cursor, horizon, MAX_PULL_LIMIT, None);
            let page = remote.pull(&query).await?;
            (cursor, horizon) = (page.cursor, page.horizon);
            let more = page.more;
            pages.push(page);
            if !more {
                return Ok(pages);
            }
        }
    })
}

/// Applies pages to a desk the way a sync round does, with no network in between.
fn apply_all(path: &Path, pages: &[PullResponse]) -> Result<u64> {
    let mut store = Store::open(path)?;
    let mut written = 0;
    for page in pages {
        let incoming: Vec<Incoming> = page
            .changes
            .iter()
            .filter_map(|c| match c {
                Change::Row {
                    kind,
                    id,
                    version,
                    fields,
                    ..
                } => Some(Incoming::Row {
                    kind: EntityKind::from_str(kind).ok()?,
                    id: id.clone(),
                    version: *version as i64,
                    fields: fields.clone(),
                }),
                _ => None,
            })
            .collect();
        let applied = store.apply_incoming(
            &incoming,
            page.cursor,
            page.horizon,
            &page.epoch,
            &mut |_| {},
        )?;
        written += applied.written;
    }
    Ok(written)
}

/// The same rows written with plain prepared statements into a desk's own schema: each
/// record into its kind's table (with the table's JSON check and indexes) and its words into
/// the kind's search index (the text the store itself indexes), a seller's product and platform
/// rows, with no lookups, no sync
/// bookkeeping and no checks in Rust: the floor the desk's schema sets for any way of filling it.
fn same_writes(data: &Data, rows: &[Row]) -> Result<Duration> {
    let (_dir, path) = new_desk(data)?;
    let mut conn = rusqlite::Connection::open(&path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "cache_size", -odop_store::PAGE_CACHE_KIB)?;
    let at = "2026-01-01T00:00:00.000Z";
    let start = Instant::now();
    let tx = conn.transaction()?;
    for (kind, fields) in rows {
        let table = kind.table();
        let body = serde_json::to_string(fields)?;
        tx.prepare_cached(&format!(
            "INSERT INTO {table} (id, body, version, updated_at) VALUES (?1, ?2, 1, ?3)"
        ))?
        .execute(rusqlite::params![id_of(fields), body, at])?;
        let rowid = tx.last_insert_rowid();
        // The same search text the store indexes, so only the writes differ.
        let (title, text) = odop_store::search_text(*kind, fields);
        tx.prepare_cached(&format!(
            "INSERT INTO {table}_fts (rowid, title, body) VALUES (?1, ?2, ?3)"
        ))?
        .execute(rusqlite::params![rowid, title, text])?;
        if *kind == EntityKind::Seller {
            // A seller's products and onboarded platforms, as the store keeps them for lists.
            let list = |key: &str| {
                fields
                    .get(key)
                    .and_then(|v| v.as_array())
                    .into_iter()
                    .flatten()
            };
            for product in list("products").filter_map(|v| v.as_str()) {
                tx.prepare_cached(
                    "INSERT OR IGNORE INTO seller_products (product, seller) VALUES (?1, ?2)",
                )?
                .execute(rusqlite::params![product, rowid])?;
            }
            for o in list("onboarding").filter(|o| o["status"] == "onboarded") {
                tx.prepare_cached(
                    "INSERT OR IGNORE INTO seller_platforms (platform, seller, state) \
                     VALUES (?1, ?2, ?3)",
                )?
                .execute(rusqlite::params![
                    o["platform"].as_str(),
                    rowid,
                    fields["state"].as_i64()
                ])?;
            }
        }
    }
    tx.commit()?;
    Ok(start.elapsed())
}

/// gzip (level 6, what the server uses for a client that asks for gzip) of the rows' fields as JSON
/// arrays of one pull page each; and the same JSON uncompressed.
fn gzip_json(rows: &[Row]) -> Result<(u64, u64)> {
    let (mut packed, mut plain) = (0u64, 0u64);
    for page in rows.chunks(MAX_PULL_LIMIT as usize) {
        let array: Vec<&Fields> = page.iter().map(|(_, f)| f).collect();
        let text = serde_json::to_vec(&array)?;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
        gz.write_all(&text)?;
        packed += gz.finish()?.len() as u64;
        plain += text.len() as u64;
    }
    Ok((packed, plain))
}

/// One change synced into a desk each way: a seller renamed on the server by another client
/// and pulled, and a seller renamed on the desk and pushed (then pulled back). `run` picks
/// different rows every time, so every change starts from version 1.
fn one_change(
    runtime: &Runtime,
    hub: &mut Hub,
    desk: &Path,
    rows: &[Row],
    run: usize,
) -> Result<(Duration, Duration)> {
    let sellers: Vec<&Fields> = rows
        .iter()
        .filter(|(k, _)| *k == EntityKind::Seller)
        .map(|(_, f)| f)
        .collect();
    ensure!(
        sellers.len() >= 2 * (run + 1),
        "too few sellers ({}) for {} runs",
        sellers.len(),
        run + 1
    );
    let remote = hub.remote()?;
    let theirs = sellers[run];
    let old = theirs
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    hub.rename(&id_of(theirs), old, &format!("{old} (renamed {run})"))?;
    let start = Instant::now();
    let report = sync(runtime, desk, &remote)?;
    let pull = start.elapsed();
    ensure!(
        report.pulled == 1 && report.pushed == 0,
        "one change to pull, got {report:?}"
    );

    let mine = sellers[sellers.len() - 1 - run];
    let mut seller = Seller::from_fields(mine.clone())?;
    seller.name = format!("{} (edited {run})", seller.name);
    {
        let mut store = Store::open(desk)?;
        let mut edit = store.edit("bench")?;
        edit.put(&seller)?;
        edit.commit()?;
    }
    let start = Instant::now();
    let report = sync(runtime, desk, &remote)?;
    let push = start.elapsed();
    ensure!(report.pushed == 1, "one change to push, got {report:?}");
    Ok((pull, push))
}

pub fn run(data: &Data, sellers: usize, runs: usize) -> Result<Section> {
    let runtime = tokio::runtime::Runtime::new()?;
    let (desk_dir, desk) = new_desk(data)?;
    let gazetteer = Store::open(&desk)?.gazetteer()?;
    let big = rows(&gazetteer, sellers, SEED);
    let small_places = one_state(&gazetteer)?;
    // About four in five rows of a dataset are sellers.
    let small = rows(&small_places, SMALL_ROWS * 4 / 5, SEED + 1);

    eprintln!("sync: writing {} rows into the server's ledger…", big.len());
    let (mut hub, seeded) = Hub::start(&runtime, &big)?;

    eprintln!("sync: first sync of a fresh desk…");
    let start = Instant::now();
    let report = sync(&runtime, &desk, &hub.remote()?)?;
    let initial = start.elapsed();
    ensure!(
        report.pulled == big.len() as u64,
        "the first sync brought {} of {} rows",
        report.pulled,
        big.len()
    );

    eprintln!("sync: inserting the same rows raw…");
    let raw_dir = tempfile::tempdir()?;
    let mut conn = measure::open_raw(&raw_dir.path().join("raw.sqlite3"))?;
    let raw = measure::insert_raw(&mut conn, &big, |(_, f)| {
        Ok((id_of(f), serde_json::to_string(f)?))
    })?;
    drop(conn);
    eprintln!("sync: writing the same rows into a desk's schema with plain SQL…");
    let floor = same_writes(data, &big)?;

    eprintln!("sync: where the first sync's time goes…");
    let start = Instant::now();
    let pages = fetch_all(&runtime, &hub.remote()?)?;
    let fetch = start.elapsed();
    let (_apply_dir, apply_desk) = new_desk(data)?;
    let start = Instant::now();
    let applied = apply_all(&apply_desk, &pages)?;
    let apply = start.elapsed();
    ensure!(
        applied == big.len() as u64,
        "applying the pages wrote {applied} of {} rows",
        big.len()
    );
    drop(pages);

    eprintln!("sync: bytes on the wire…");
    let proxy = CountingProxy::start(hub.addr)?;
    let through = HttpRemote::new(&proxy.base(), &hub.token)?;
    let pages = fetch_all(&runtime, &through)?;
    let (up, down) = proxy.bytes();
    let page_count = pages.len();
    drop(pages);
    drop(proxy);
    let wire = up + down;
    let (gz, plain) = gzip_json(&big)?;

    eprintln!(
        "sync: one change at a time into desks of {} and {} rows…",
        small.len(),
        big.len()
    );
    let (mut small_hub, _) = Hub::start(&runtime, &small)?;
    let (_small_dir, small_desk) = new_desk(data)?;
    sync(&runtime, &small_desk, &small_hub.remote()?)?;
    let (mut small_pulls, mut small_pushes, mut big_pulls, mut big_pushes) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    // Taking turns, so a slower moment of the machine falls on both desks alike.
    for run in 0..runs {
        let (pull, push) = one_change(&runtime, &mut small_hub, &small_desk, &small, run)?;
        small_pulls.push(pull);
        small_pushes.push(push);
        let (pull, push) = one_change(&runtime, &mut hub, &desk, &big, run)?;
        big_pulls.push(pull);
        big_pushes.push(push);
    }
    let (small_pull, small_push) = (median(small_pulls), median(small_pushes));
    let (big_pull, big_push) = (median(big_pulls), median(big_pushes));

    eprintln!("sync: a rename and a delete on the large ledger…");
    let (rename_one, delete_one) = delete_cost(&hub, &big, runs)?;

    eprintln!("sync: the large desk after a server restart, and a full comparison…");
    // What every start of the server does to its ledger.
    hub.ledger.new_epoch()?;
    let start = Instant::now();
    let report = sync(&runtime, &desk, &hub.remote()?)?;
    let restarted = start.elapsed();
    ensure!(
        report.resync.is_none() && report.pulled == 0,
        "a restart alone moves nothing, got {report:?}"
    );
    // The comparison a restored server asks for, which every restart cost before desks named
    // the history they hold.
    Store::open(&desk)?.begin_resync(Resync::Restored)?;
    let start = Instant::now();
    let report = sync(&runtime, &desk, &hub.remote()?)?;
    let compared = start.elapsed();
    ensure!(
        report.resync == Some(Resync::Restored) && report.requeued == 0,
        "a full comparison with a server that lost nothing sends nothing, got {report:?}"
    );
    drop(desk_dir);

    let n = big.len();
    let counts = |kind: EntityKind| big.iter().filter(|(k, _)| *k == kind).count();
    let (sync_rate, raw_rate) = (rate(n, initial), rate(n, raw));
    let per_row = wire as f64 / n as f64;
    let gz_row = gz as f64 / n as f64;
    let mut s = Section::new(
        "sync",
        format!(
            "{} rows ({} products, {} sellers, {} stories, {} workshops) from an in-process \
             server over SQLite, through the HTTP client (zstd answers); one-change syncs are the \
             median of {runs}",
            grouped(n as f64),
            grouped(counts(EntityKind::Product) as f64),
            grouped(counts(EntityKind::Seller) as f64),
            grouped(counts(EntityKind::Story) as f64),
            grouped(counts(EntityKind::Workshop) as f64),
        ),
        json!({
            "rows": n,
            "products": counts(EntityKind::Product),
            "sellers": counts(EntityKind::Seller),
            "stories": counts(EntityKind::Story),
            "workshops": counts(EntityKind::Workshop),
            "seed": SEED,
            "ledger_seed_ms": round(ms(seeded), 1),
            "initial_sync_ms": round(ms(initial), 1),
            "initial_rows_per_s": round(sync_rate, 1),
            "raw_insert_ms": round(ms(raw), 1),
            "raw_rows_per_s": round(raw_rate, 1),
            "initial_over_raw_time": round(initial.as_secs_f64() / raw.as_secs_f64(), 3),
            "same_writes_ms": round(ms(floor), 1),
            "initial_over_same_writes_time": round(initial.as_secs_f64() / floor.as_secs_f64(), 3),
            "fetch_pages_ms": round(ms(fetch), 1),
            "apply_pages_ms": round(ms(apply), 1),
            "pages": page_count,
            "wire_bytes_up": up,
            "wire_bytes_down": down,
            "wire_bytes_per_row": round(per_row, 1),
            "gzip_json_bytes_per_row": round(gz_row, 1),
            "json_bytes_per_row": round(plain as f64 / n as f64, 1),
            "wire_over_gzip_json": round(wire as f64 / gz as f64, 3),
            "small_rows": small.len(),
            "runs": runs,
            "small_pull_one_ms": round(ms(small_pull), 2),
            "big_pull_one_ms": round(ms(big_pull), 2),
            "pull_one_big_over_small": round(big_pull.as_secs_f64() / small_pull.as_secs_f64(), 3),
            "small_push_one_ms": round(ms(small_push), 2),
            "big_push_one_ms": round(ms(big_push), 2),
            "push_one_big_over_small": round(big_push.as_secs_f64() / small_push.as_secs_f64(), 3),
            "ledger_rename_one_ms": round(ms(rename_one), 2),
            "ledger_delete_one_ms": round(ms(delete_one), 2),
            "after_restart_ms": round(ms(restarted), 2),
            "full_comparison_ms": round(ms(compared), 1),
            "full_comparison_over_after_restart": round(compared.as_secs_f64() / restarted.as_secs_f64(), 1),
        }),
    );
    s.line(
        "first sync of a fresh desk (sync_once)",
        fmt_ms(initial),
        fmt_rate(sync_rate),
    );
    s.line(
        "raw rusqlite insert of the same JSON",
        fmt_ms(raw),
        fmt_rate(raw_rate),
    );
    s.line(
        "first sync time / raw time",
        format!("{:.1}x", initial.as_secs_f64() / raw.as_secs_f64()),
        String::new(),
    );
    s.line(
        "plain SQL into the desk's tables and FTS",
        fmt_ms(floor),
        fmt_rate(rate(n, floor)),
    );
    s.line(
        "first sync time / plain SQL time",
        format!("{:.1}x", initial.as_secs_f64() / floor.as_secs_f64()),
        String::new(),
    );
    s.line(
        &format!("  of which: {page_count} pages over HTTP, parsed"),
        fmt_ms(fetch),
        String::new(),
    );
    s.line(
        "  of which: applying them (apply_incoming)",
        fmt_ms(apply),
        String::new(),
    );
    s.line(
        "bytes per synced row: wire / gzip'd JSON",
        format!("{per_row:.1} B"),
        format!("{gz_row:.1} B"),
    );
    s.line(
        "wire / gzip'd JSON (JSON unzipped per row)",
        format!("{:.2}x", wire as f64 / gz as f64),
        format!("{:.0} B", plain as f64 / n as f64),
    );
    s.line(
        &format!(
            "one change pulled, desk of {} / {} rows",
            grouped(small.len() as f64),
            grouped(n as f64)
        ),
        fmt_ms(small_pull),
        fmt_ms(big_pull),
    );
    s.line(
        "one change pushed, small / large desk",
        fmt_ms(small_push),
        fmt_ms(big_push),
    );
    s.line(
        "large desk / small desk: pull / push",
        format!("{:.2}x", big_pull.as_secs_f64() / small_pull.as_secs_f64()),
        format!("{:.2}x", big_push.as_secs_f64() / small_push.as_secs_f64()),
    );
    s.line(
        "server: one product renamed / deleted (naming rows searched)",
        fmt_ms(rename_one),
        fmt_ms(delete_one),
    );
    s.line(
        "large desk's sync after a server restart / a full comparison",
        fmt_ms(restarted),
        fmt_ms(compared),
    );
    s.line(
        "writing the rows into the server's ledger",
        fmt_ms(seeded),
        fmt_rate(rate(n, seeded)),
    );
    Ok(s)
}
