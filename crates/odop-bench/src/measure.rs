//! Timing arithmetic, the plain-SQLite baseline, and the sections the report is made of.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Result;
use rusqlite::Connection;
use serde_json::Value;

/// The middle value (the upper one of the two middles for an even count).
pub fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// Nearest-rank percentile of ascending `sorted` times; `p` in 0..=100.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

pub fn rate(rows: usize, d: Duration) -> f64 {
    rows as f64 / d.as_secs_f64()
}

/// Rounds for the JSON report, so it does not carry float noise.
pub fn round(x: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (x * f).round() / f
}

/// The size of a database once its write-ahead log is folded in and emptied, so that pages in
/// both the file and the log are not counted twice.
pub fn settled_bytes(path: &Path) -> Result<u64> {
    let conn = Connection::open(path)?;
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    Ok(std::fs::metadata(path)?.len())
}

/// A database with the store's pragmas and one plain table: what SQLite can do with no schema,
/// checks, indexes, outbox, history or search index to keep up.
pub fn open_raw(path: &Path) -> Result<Connection> {
    let conn = Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "cache_size", -odop_store::PAGE_CACHE_KIB)?;
    conn.execute_batch("CREATE TABLE raw (id TEXT PRIMARY KEY, body TEXT)")?;
    Ok(conn)
}

/// Inserts one row per item in one transaction with one prepared statement, and says how long it
/// took. `row` runs inside the timing, as serialising does in the store's write path.
pub fn insert_raw<T>(
    conn: &mut Connection,
    items: &[T],
    row: impl Fn(&T) -> Result<(String, String)>,
) -> Result<Duration> {
    let start = Instant::now();
    let tx = conn.transaction()?;
    {
        let mut stmt = tx.prepare("INSERT INTO raw (id, body) VALUES (?1, ?2)")?;
        for item in items {
            let (id, body) = row(item)?;
            stmt.execute([id, body])?;
        }
    }
    tx.commit()?;
    Ok(start.elapsed())
}

/// One benchmark's figures: lines for people, an object for programs.
#[derive(Debug)]
pub struct Section {
    pub name: &'static str,
    pub title: String,
    pub lines: Vec<[String; 3]>,
    pub json: Value,
}

impl Section {
    pub fn new(name: &'static str, title: String, json: Value) -> Section {
        Section {
            name,
            title,
            lines: Vec::new(),
            json,
        }
    }

    /// A line: what was measured, then up to two figures.
    pub fn line(&mut self, label: &str, a: impl Into<String>, b: impl Into<String>) {
        self.lines.push([label.to_owned(), a.into(), b.into()]);
    }

    pub fn render(&self) -> String {
        let mut out = format!("{}: {}\n", self.name, self.title);
        for [label, a, b] in &self.lines {
            out.push_str(format!("  {label:<44} {a:>14} {b:>16}").trim_end());
            out.push('\n');
        }
        out
    }
}

/// 1234567.8 as "1,234,568".
pub fn grouped(x: f64) -> String {
    let digits = format!("{:.0}", x.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if x < 0.0 {
        out.insert(0, '-');
    }
    out
}

pub fn fmt_ms(d: Duration) -> String {
    let m = ms(d);
    if m >= 100.0 {
        format!("{m:.0} ms")
    } else if m >= 1.0 {
        format!("{m:.2} ms")
    } else {
        format!("{m:.3} ms")
    }
}

pub fn fmt_rate(rows_per_s: f64) -> String {
    format!("{} rows/s", grouped(rows_per_s))
}

pub fn fmt_mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_by_nearest_rank() {
        let t: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&t, 50.0), Duration::from_millis(50));
        assert_eq!(percentile(&t, 95.0), Duration::from_millis(95));
        assert_eq!(percentile(&t, 99.0), Duration::from_millis(99));
        assert_eq!(percentile(&t[..1], 99.0), Duration::from_millis(1));
        assert_eq!(
            median(vec![
                Duration::from_millis(3),
                Duration::from_millis(1),
                Duration::from_millis(2)
            ]),
            Duration::from_millis(2)
        );
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(grouped(0.4), "0");
        assert_eq!(grouped(999.0), "999");
        assert_eq!(grouped(1234567.8), "1,234,568");
    }
}
