//! Search latency on the synthetic database: the FTS5 index against a LIKE scan over sellers.

use std::time::{Duration, Instant};

use anyhow::Result;
use serde_json::json;

use crate::gen;
use crate::measure::{fmt_ms, ms, percentile, round, Section};
use crate::synthetic::Built;

const QUERY_SEED: u64 = 0x005E_A2C4;
const LIMIT: usize = 20;
/// The scan baseline always runs this many queries, and the rest only if they fit the budget.
const SCAN_MIN_QUERIES: usize = 50;
const SCAN_BUDGET: Duration = Duration::from_secs(30);

/// The naive alternative to the index: a substring scan over the sellers' stored records.
struct Scan(rusqlite::Connection);

impl Scan {
    fn open(built: &Built) -> Result<Scan> {
        let conn = rusqlite::Connection::open_with_flags(
            &built.path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )?;
        Ok(Scan(conn))
    }

    fn search(&self, query: &str, limit: usize) -> Result<Vec<String>> {
        let mut stmt = self
            .0
            .prepare_cached("SELECT id FROM sellers WHERE body LIKE '%' || ?1 || '%' LIMIT ?2")?;
        let rows = stmt.query_map(rusqlite::params![query, limit as i64], |r| r.get(0))?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }
}

pub fn run(built: &Built, n: usize) -> Result<Section> {
    let store = &built.store;
    let scanner = Scan::open(built)?;
    let queries = gen::queries(&built.data, n, QUERY_SEED);

    // Warm the page cache and the prepared statements so the first queries are not outliers.
    for q in queries.iter().take(20) {
        store.search(q, &[], LIMIT)?;
        scanner.search(q, LIMIT)?;
    }

    let mut fts = Vec::with_capacity(queries.len());
    let mut fts_empty = 0;
    for q in &queries {
        let start = Instant::now();
        let hits = store.search(q, &[], LIMIT)?;
        fts.push(start.elapsed());
        fts_empty += usize::from(hits.is_empty());
    }

    let mut scan = Vec::new();
    let mut scan_empty = 0;
    let started = Instant::now();
    for q in &queries {
        // Keep going past the minimum only while the whole set looks likely to fit the budget.
        if scan.len() >= SCAN_MIN_QUERIES {
            let per_query = started.elapsed() / scan.len() as u32;
            if per_query * queries.len() as u32 > SCAN_BUDGET {
                break;
            }
        }
        let start = Instant::now();
        let hits = scanner.search(q, LIMIT)?;
        scan.push(start.elapsed());
        scan_empty += usize::from(hits.is_empty());
    }
    let scanned = scan.len();

    // Short prefixes match many records; ranked and unranked queries are shown apart.
    let first_len = |q: &str| q.split(' ').next().map_or(0, |w| w.chars().count());
    let by_length: Vec<(&str, Vec<Duration>)> = [("2", 2..=2), ("3", 3..=3), ("4-6", 4..=6)]
        .into_iter()
        .map(|(name, range)| {
            let mut t: Vec<Duration> = queries
                .iter()
                .zip(&fts)
                .filter(|(q, _)| range.contains(&first_len(q)))
                .map(|(_, t)| *t)
                .collect();
            t.sort();
            (name, t)
        })
        .filter(|(_, t)| !t.is_empty())
        .collect();

    // The speed-up compares the two on the same queries.
    let mut fts_same = fts[..scanned].to_vec();
    fts_same.sort();
    fts.sort();
    scan.sort();
    let p = |t: &[Duration], q: f64| percentile(t, q);
    let speedup_p50 = ms(p(&scan, 50.0)) / ms(p(&fts_same, 50.0));
    let speedup_p95 = ms(p(&scan, 95.0)) / ms(p(&fts_same, 95.0));
    let devanagari = queries.iter().filter(|q| !q.is_ascii()).count();

    let mut s =
        Section::new(
            "search",
            format!(
            "{} queries ({devanagari} in Devanagari, e.g. \"{}\", \"{}\") on the {}-seller database, \
             limit {LIMIT}",
            queries.len(),
            queries[0],
            queries.iter().find(|q| !q.is_ascii()).map_or("", String::as_str),
            built.data.sellers.len()
        ),
            json!({
                "queries": queries.len(),
                "devanagari_queries": devanagari,
                "sellers": built.data.sellers.len(),
                "limit": LIMIT,
                "fts_p50_ms": round(ms(p(&fts, 50.0)), 4),
                "fts_p95_ms": round(ms(p(&fts, 95.0)), 4),
                "fts_p99_ms": round(ms(p(&fts, 99.0)), 4),
                "fts_max_ms": round(ms(fts[fts.len() - 1]), 4),
                "fts_no_hits": fts_empty,
            "fts_by_first_word_letters": by_length.iter().map(|(name, t)| (name.to_string(), json!({
                "queries": t.len(),
                "p50_ms": round(ms(percentile(t, 50.0)), 4),
                "p95_ms": round(ms(percentile(t, 95.0)), 4),
            }))).collect::<serde_json::Map<_, _>>(),
                "scan_queries": scanned,
                "scan_p50_ms": round(ms(p(&scan, 50.0)), 4),
                "scan_p95_ms": round(ms(p(&scan, 95.0)), 4),
                "scan_no_hits": scan_empty,
                "fts_same_queries_p50_ms": round(ms(p(&fts_same, 50.0)), 4),
                "fts_same_queries_p95_ms": round(ms(p(&fts_same, 95.0)), 4),
                "speedup_p50": round(speedup_p50, 2),
                "speedup_p95": round(speedup_p95, 2),
            }),
        );
    s.line(
        "store.search (FTS5, all kinds, bm25 + snippet)",
        format!("p50 {}", fmt_ms(p(&fts, 50.0))),
        format!("p95 {}", fmt_ms(p(&fts, 95.0))),
    );
    s.line(
        "",
        format!("p99 {}", fmt_ms(p(&fts, 99.0))),
        format!("max {}", fmt_ms(fts[fts.len() - 1])),
    );
    s.line(&format!("  queries with no hit: {fts_empty}"), "", "");
    for (name, t) in &by_length {
        s.line(
            &format!("  first word of {name} letters ({} queries)", t.len()),
            format!("p50 {}", fmt_ms(p(t, 50.0))),
            format!("p95 {}", fmt_ms(p(t, 95.0))),
        );
    }
    s.line(
        &format!("LIKE scan over sellers ({scanned} queries)"),
        format!("p50 {}", fmt_ms(p(&scan, 50.0))),
        format!("p95 {}", fmt_ms(p(&scan, 95.0))),
    );
    s.line(&format!("  queries with no hit: {scan_empty}"), "", "");
    s.line(
        &format!("speed-up of the index (same {scanned} queries)"),
        format!("p50 {speedup_p50:.1}x"),
        format!("p95 {speedup_p95:.1}x"),
    );
    Ok(s)
}
