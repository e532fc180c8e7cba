//! The national list imported through the exchange crate against the same cells inserted raw.

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};
use odop_domain::Id;
use odop_exchange::{import_gi, import_lgd, import_national, ImportOptions, NATIONAL_COLUMNS};
use odop_sheet::read_table;
use odop_store::{ProductFilter, Store};
use serde_json::{json, Map, Value};

use crate::measure::{self, fmt_ms, fmt_rate, median, ms, percentile, rate, round, Section};
use crate::Data;

pub fn run(data: &Data, runs: usize) -> Result<Section> {
    let table = read_table(&data.national, NATIONAL_COLUMNS)
        .with_context(|| format!("reading {}", data.national.display()))?;
    let rows = table.rows.len();

    let mut import_times = Vec::new();
    let mut read_times = Vec::new();
    let mut summary = None;
    let (mut gi_import_times, mut gi_check_times, mut products_read_times) =
        (Vec::new(), Vec::new(), Vec::new());
    let (mut gi_entries, mut gi_findings) = (0, 0);
    let (mut note_times, mut detail_times) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let dir = tempfile::tempdir()?;
        let mut store = Store::open(&dir.path().join("odop.sqlite3"))?;
        import_lgd(&mut store, &data.states, &data.districts, "bench", false)?;
        let start = Instant::now();
        let report = import_national(&mut store, &data.national, ImportOptions::new("bench"))?;
        import_times.push(start.elapsed());
        summary = Some(report.summary);

        // The import reads and decodes the file itself; time that part alone to show its share.
        let start = Instant::now();
        read_table(&data.national, NATIONAL_COLUMNS)?;
        read_times.push(start.elapsed());

        // The GI registry's list, then every product checked against it, beside a plain read
        // of every product: what the matching adds to looking at each product once.
        let start = Instant::now();
        let report = import_gi(&mut store, &data.gi, ImportOptions::new("bench"))?;
        gi_import_times.push(start.elapsed());
        gi_entries = report.summary.imported;
        let start = Instant::now();
        let check = store.gi_check(None)?;
        gi_check_times.push(start.elapsed());
        gi_findings = check.findings.len();
        let start = Instant::now();
        let all = store.products(&ProductFilter::default())?;
        products_read_times.push(start.elapsed());
        anyhow::ensure!(all.len() == check.products, "the check saw other products");

        // What a product's page asks for its GI note, beside what it asks for the product.
        for p in &all {
            let start = Instant::now();
            store.gi_finding(p.id)?;
            note_times.push(start.elapsed());
            let start = Instant::now();
            store.product_detail(p.id)?;
            detail_times.push(start.elapsed());
        }
    }
    let summary = summary.context("no runs")?;

    let mut raw_times = Vec::new();
    for _ in 0..runs {
        let dir = tempfile::tempdir()?;
        let mut conn = measure::open_raw(&dir.path().join("raw.sqlite3"))?;
        raw_times.push(measure::insert_raw(&mut conn, &table.rows, |row| {
            let body: Map<String, Value> = table
                .columns
                .iter()
                .zip(&row.cells)
                .map(|(c, v)| ((*c).to_owned(), Value::String(v.clone())))
                .collect();
            Ok((Id::new().to_string(), Value::Object(body).to_string()))
        })?);
    }

    let (gi_import, gi_check) = (median(gi_import_times), median(gi_check_times));
    let products_read = median(products_read_times);
    note_times.sort();
    detail_times.sort();
    let (note_p50, note_p95) = (percentile(&note_times, 50.0), percentile(&note_times, 95.0));
    let (detail_p50, detail_p95) = (
        percentile(&detail_times, 50.0),
        percentile(&detail_times, 95.0),
    );
    let import = median(import_times);
    let read = median(read_times);
    let raw = median(raw_times);
    let (import_rate, raw_rate) = (rate(rows, import), rate(rows, raw));
    let ratio = import_rate / raw_rate;

    let file = file_name(&data.national);
    let mut s = Section::new(
        "national",
        format!(
            "{rows} rows of {file} into a fresh on-disk database (LGD loaded first, untimed), \
             median of {runs} runs"
        ),
        json!({
            "file": file,
            "rows": rows,
            "runs": runs,
            "imported": summary.imported,
            "flagged": summary.flagged,
            "import_ms": round(ms(import), 3),
            "import_read_csv_ms": round(ms(read), 3),
            "import_rows_per_s": round(import_rate, 1),
            "raw_ms": round(ms(raw), 3),
            "raw_rows_per_s": round(raw_rate, 1),
            "import_over_raw_rate": round(ratio, 4),
            "gi_entries": gi_entries,
            "gi_import_ms": round(ms(gi_import), 3),
            "gi_check_ms": round(ms(gi_check), 3),
            "gi_findings": gi_findings,
            "products_read_ms": round(ms(products_read), 3),
            "gi_check_over_products_read": round(gi_check.as_secs_f64() / products_read.as_secs_f64(), 2),
            "gi_note_p50_ms": round(ms(note_p50), 3),
            "gi_note_p95_ms": round(ms(note_p95), 3),
            "product_detail_p50_ms": round(ms(detail_p50), 3),
            "product_detail_p95_ms": round(ms(detail_p95), 3),
        }),
    );
    s.line(
        "import_national (validated, store write path)",
        fmt_ms(import),
        fmt_rate(import_rate),
    );
    s.line(
        "  of which reading the CSV (measured alone)",
        fmt_ms(read),
        "",
    );
    s.line(
        &format!(
            "  rows imported / flagged: {} / {}",
            summary.imported, summary.flagged
        ),
        "",
        "",
    );
    s.line(
        "raw rusqlite insert of the same cells",
        fmt_ms(raw),
        fmt_rate(raw_rate),
    );
    s.line(
        "import rate / raw rate",
        percent(ratio),
        format!("{:.1}x slower", 1.0 / ratio),
    );
    s.line(
        &format!("GI registry list loaded ({gi_entries} entries)"),
        fmt_ms(gi_import),
        "",
    );
    s.line(
        &format!("every product checked against it ({gi_findings} findings)"),
        fmt_ms(gi_check),
        format!(
            "{:.1}x a plain read of them ({})",
            gi_check.as_secs_f64() / products_read.as_secs_f64(),
            fmt_ms(products_read)
        ),
    );
    s.line(
        "a product page's GI note, p50 / p95",
        format!("{} / {}", fmt_ms(note_p50), fmt_ms(note_p95)),
        format!(
            "product detail {} / {}",
            fmt_ms(detail_p50),
            fmt_ms(detail_p95)
        ),
    );
    Ok(s)
}

pub fn percent(ratio: f64) -> String {
    format!("{:.1} %", ratio * 100.0)
}

pub fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}
