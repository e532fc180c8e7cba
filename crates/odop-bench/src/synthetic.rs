//! A national-scale synthetic database: sellers written through the store's edit path against
//! the same JSON bodies inserted raw.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{ensure, Result};
use odop_domain::OnboardingStatus;
use odop_exchange::import_lgd;
use odop_store::{Outcome, Store};
use serde_json::json;
use tempfile::TempDir;

use crate::gen::{self, Dataset};
use crate::measure::{self, fmt_mb, fmt_ms, fmt_rate, ms, rate, round, Section};
use crate::national::percent;
use crate::Data;

/// The seed of the dataset; changing it changes every figure a little.
pub const SEED: u64 = 0x0D0D_2025;

/// A store filled with the synthetic dataset, kept for the search benchmark.
#[derive(Debug)]
pub struct Built {
    pub store: Store,
    /// The store's database file, for the baseline that reads it with plain SQL.
    pub path: PathBuf,
    pub data: Dataset,
    pub section: Option<Section>,
    _dir: TempDir,
}

/// Builds the synthetic database; with `measure`, times the seller write and the raw baseline.
pub fn build(data_files: &Data, sellers: usize, measure: bool) -> Result<Built> {
    let (dir, path, mut store) = fresh_store(data_files)?;
    let gazetteer = store.gazetteer()?;
    let data = gen::dataset(&gazetteer, sellers, SEED);
    put_products(&mut store, &data)?;

    eprintln!(
        "writing {} synthetic sellers through the store…",
        data.sellers.len()
    );
    let start = Instant::now();
    let mut edit = store.edit("bench")?;
    for s in &data.sellers {
        let outcome = edit.put(s)?;
        ensure!(
            outcome == Outcome::Created,
            "seller {} was not new: {outcome:?}",
            s.id
        );
    }
    edit.commit()?;
    let store_time = start.elapsed();
    let store_bytes = measure::settled_bytes(&path)?;

    let section = if measure {
        eprintln!("inserting the same sellers raw…");
        let raw_dir = tempfile::tempdir()?;
        let raw_path: PathBuf = raw_dir.path().join("raw.sqlite3");
        let mut conn = measure::open_raw(&raw_path)?;
        let raw_time = measure::insert_raw(&mut conn, &data.sellers, |s| {
            Ok((s.id.to_string(), serde_json::to_string(s)?))
        })?;
        let raw_bytes = measure::settled_bytes(&raw_path)?;
        eprintln!("writing the store's rows for the same sellers with plain SQL…");
        let same_time = same_writes_raw(&data.sellers, Writes::All)?;
        let record_time = same_writes_raw(&data.sellers, Writes::Record)?;

        let n = data.sellers.len();
        let (store_rate, raw_rate) = (rate(n, store_time), rate(n, raw_time));
        let ratio = store_rate / raw_rate;
        let same_rate = rate(n, same_time);
        let same_ratio = store_rate / same_rate;
        let record_ratio = rate(n, record_time) / raw_rate;
        let devanagari = data.sellers.iter().filter(|s| !s.name.is_ascii()).count();
        let mut s = Section::new(
            "synthetic",
            format!(
                "{n} generated sellers ({devanagari} with Devanagari names) over {} districts \
                 and {} products, one edit, on disk, one run",
                gazetteer.districts().count(),
                data.products.len()
            ),
            json!({
                "sellers": n,
                "devanagari_sellers": devanagari,
                "districts": gazetteer.districts().count(),
                "products": data.products.len(),
                "seed": SEED,
                "store_ms": round(ms(store_time), 1),
                "store_rows_per_s": round(store_rate, 1),
                "store_db_bytes": store_bytes,
                "raw_ms": round(ms(raw_time), 1),
                "raw_rows_per_s": round(raw_rate, 1),
                "raw_db_bytes": raw_bytes,
                "store_over_raw_rate": round(ratio, 4),
                "same_writes_ms": round(ms(same_time), 1),
                "same_writes_rows_per_s": round(same_rate, 1),
                "store_over_same_writes_rate": round(same_ratio, 4),
                "record_only_ms": round(ms(record_time), 1),
                "record_only_over_raw_rate": round(record_ratio, 4),
            }),
        );
        s.line(
            "store.edit + put (outbox, history, FTS)",
            fmt_ms(store_time),
            fmt_rate(store_rate),
        );
        s.line(
            "raw rusqlite insert of the same JSON",
            fmt_ms(raw_time),
            fmt_rate(raw_rate),
        );
        s.line(
            "store rate / raw rate",
            percent(ratio),
            format!("{:.1}x slower", 1.0 / ratio),
        );
        s.line(
            "plain SQL, the store's rows per seller",
            fmt_ms(same_time),
            fmt_rate(same_rate),
        );
        s.line(
            "store rate / same-writes rate",
            percent(same_ratio),
            format!("{:.1}x slower", 1.0 / same_ratio),
        );
        s.line(
            "plain SQL, the record alone",
            fmt_ms(record_time),
            format!("{} of raw", percent(record_ratio)),
        );
        s.line(
            "database size: store / raw",
            fmt_mb(store_bytes),
            fmt_mb(raw_bytes),
        );
        Some(s)
    } else {
        None
    };
    Ok(Built {
        store,
        path,
        data,
        section,
        _dir: dir,
    })
}

/// An on-disk store in a new temporary folder with the LGD lists loaded.
pub fn fresh_store(data_files: &Data) -> Result<(TempDir, PathBuf, Store)> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("odop.sqlite3");
    let mut store = Store::open(&path)?;
    import_lgd(
        &mut store,
        &data_files.states,
        &data_files.districts,
        "bench",
        false,
    )?;
    Ok((dir, path, store))
}

/// Products go in first, untimed: the sellers refer to them, and only sellers are compared.
pub fn put_products(store: &mut Store, data: &Dataset) -> Result<()> {
    let mut edit = store.edit("bench")?;
    for p in &data.products {
        edit.put(p)?;
    }
    edit.commit()?;
    Ok(())
}

/// Which of the store's rows for a new seller the plain-SQL floor writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Writes {
    /// The record, its outbox and history entries and its search entry.
    All,
    /// The record alone, into its table with the indexes the screens need: what no design that
    /// keeps this table can go below.
    Record,
}

/// The rows the store writes for each new seller written with plain prepared statements into the
/// store's own schema, with no validation, reference checks or diffing: the floor of the store's
/// design, against which the store's own overhead shows.
fn same_writes_raw(sellers: &[odop_domain::Seller], writes: Writes) -> Result<std::time::Duration> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("same.sqlite3");
    drop(Store::open(&path)?);
    let mut conn = rusqlite::Connection::open(&path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "cache_size", -odop_store::PAGE_CACHE_KIB)?;
    let at = "2026-01-01T00:00:00.000Z";
    let start = Instant::now();
    let tx = conn.transaction()?;
    {
        let mut record = tx.prepare(
            "INSERT INTO sellers (id, body, version, updated_at) VALUES (?1, ?2, 1, ?3)",
        )?;
        let mut history = tx.prepare(
            "INSERT INTO history (at, who, entity, row_id, op, title, fields, state) \
             VALUES (?1, 'bench', 'seller', ?2, 'create', ?3, ?4, ?5)",
        )?;
        let mut outbox =
            tx.prepare("INSERT INTO outbox (seq, history_id, base_version) VALUES (?1, ?2, 0)")?;
        let mut search =
            tx.prepare("INSERT INTO sellers_fts (rowid, title, body) VALUES (?1, ?2, ?3)")?;
        let mut makes =
            tx.prepare("INSERT INTO seller_products (product, seller) VALUES (?1, ?2)")?;
        let mut sells_on = tx.prepare(
            "INSERT INTO seller_platforms (platform, seller, state) VALUES (?1, ?2, ?3)",
        )?;
        for (seq, s) in sellers.iter().enumerate() {
            let id = s.id.to_string();
            let body = serde_json::to_string(s)?;
            record.execute(rusqlite::params![id, body, at])?;
            if writes == Writes::Record {
                continue;
            }
            let rowid = tx.last_insert_rowid();
            // A create's history entry holds the new fields: the body's text.
            history.execute(rusqlite::params![at, id, s.name, body, s.state.0])?;
            outbox.execute(rusqlite::params![seq as i64 + 1, tx.last_insert_rowid()])?;
            let text = format!(
                "{} {} {}",
                s.kind,
                s.contact.person.as_deref().unwrap_or(""),
                s.contact.address.as_deref().unwrap_or("")
            );
            search.execute(rusqlite::params![rowid, s.name, text])?;
            for p in &s.products {
                makes.execute(rusqlite::params![p.to_string(), rowid])?;
            }
            for o in s
                .onboarding
                .iter()
                .filter(|o| o.status == OnboardingStatus::Onboarded)
            {
                sells_on.execute(rusqlite::params![o.platform.as_str(), rowid, s.state.0])?;
            }
        }
    }
    tx.commit()?;
    Ok(start.elapsed())
}
