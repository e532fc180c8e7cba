//! The seller list's pages on the synthetic database: each filter the app offers (a district, a
//! kind, a product's sellers, an onboarding drive, a typed name) against the unfiltered list.

use std::time::{Duration, Instant};

use anyhow::{ensure, Result};
use odop_domain::StateCode;
use odop_store::SellerQuery;
use serde_json::json;

use crate::measure::{fmt_ms, ms, percentile, round, Section};
use crate::synthetic::Built;

/// A list's page as the app asks for it.
const PAGE: usize = 100;
/// As many recent changes as the dashboard shows.
const RECENT: usize = 12;

/// One filter, as the app would send it for its first page.
struct Filter {
    name: String,
    query: SellerQuery,
}

fn filters(built: &Built) -> Vec<Filter> {
    let data = &built.data;
    let seller = &data.sellers[data.sellers.len() / 2];
    let product = data
        .sellers
        .iter()
        .find_map(|s| s.products.first().copied())
        .expect("the synthetic sellers make products");
    let word = seller.name.split(' ').next().unwrap_or("a").to_owned();
    let q = SellerQuery {
        limit: PAGE,
        ..SellerQuery::default()
    };
    vec![
        Filter {
            name: "all sellers".to_owned(),
            query: q.clone(),
        },
        Filter {
            name: "one district".to_owned(),
            query: SellerQuery {
                district: Some(seller.district),
                ..q.clone()
            },
        },
        Filter {
            name: "one kind".to_owned(),
            query: SellerQuery {
                kind: Some("shg".to_owned()),
                ..q.clone()
            },
        },
        Filter {
            name: "one product's sellers".to_owned(),
            query: SellerQuery {
                product: Some(product),
                ..q.clone()
            },
        },
        Filter {
            name: "onboarded on GeM".to_owned(),
            query: SellerQuery {
                platform: Some("gem".to_owned()),
                onboarded: Some(true),
                ..q.clone()
            },
        },
        Filter {
            name: "not yet on ONDC".to_owned(),
            query: SellerQuery {
                platform: Some("ondc".to_owned()),
                onboarded: Some(false),
                ..q.clone()
            },
        },
        Filter {
            name: "packaging needed".to_owned(),
            query: SellerQuery {
                packaging: Some("needed".to_owned()),
                ..q.clone()
            },
        },
        Filter {
            name: "one state's packaging under way".to_owned(),
            query: SellerQuery {
                state: Some(seller.state),
                packaging: Some("in_progress".to_owned()),
                ..q.clone()
            },
        },
        Filter {
            name: format!("name has \"{word}\""),
            query: SellerQuery {
                name: Some(word),
                ..q
            },
        },
    ]
}

/// How long each of `runs` calls took, shortest first.
fn sorted_times<T, E>(
    runs: usize,
    mut call: impl FnMut() -> Result<T, E>,
) -> Result<Vec<Duration>, E> {
    let mut times = (0..runs)
        .map(|_| {
            let start = Instant::now();
            call().map(|_| start.elapsed())
        })
        .collect::<Result<Vec<_>, E>>()?;
    times.sort();
    Ok(times)
}

pub fn run(built: &Built, runs: usize) -> Result<Section> {
    let store = &built.store;
    let runs = runs.max(3);
    let mut figures = Vec::new();
    for f in filters(built) {
        // Warm the statement and the page cache, as a list opened twice would be.
        let first = store.seller_page(&f.query)?;
        ensure!(!first.rows.is_empty(), "{} lists no seller", f.name);
        let times = sorted_times(runs, || store.seller_page(&f.query))?;
        // A scrolled list's later page brings the first page's total rather than count again.
        let later = SellerQuery {
            offset: (first.total as usize / 2).min(PAGE * 5),
            known_total: Some(first.total),
            ..f.query.clone()
        };
        let later_times = sorted_times(runs, || store.seller_page(&later))?;
        figures.push((f.name, first.total, times, later_times));
    }
    // The dashboard opens on the statistics: the whole country's, and one state's.
    let state = built.data.sellers[0].state;
    let mut stats = Vec::new();
    for (name, of) in [
        ("statistics, all states", None),
        ("statistics, one state", Some(state)),
    ] {
        let counted = store.stats(of)?;
        ensure!(
            counted.sellers_onboarded.iter().any(|c| c.count > 0),
            "{name} count no seller onboarded"
        );
        let times = sorted_times(runs, || store.stats(of))?;
        stats.push((name, counted.sellers, times));
    }
    // Every state side by side, against the whole country's statistics it stands beside.
    let today: odop_domain::Date = "2027-01-01".parse()?;
    let states = store.state_figures(today)?;
    ensure!(
        states.iter().map(|r| r.sellers).sum::<u64>() == stats[0].1,
        "the states' sellers do not add up to the country's"
    );
    let states_times = sorted_times(runs, || store.state_figures(today))?;
    // One state's districts side by side, against that state's statistics beside them.
    let districts = store.district_figures(state, today)?;
    ensure!(
        districts.iter().map(|r| r.sellers).sum::<u64>() == stats[1].1,
        "the districts' sellers do not add up to the state's"
    );
    let districts_times = sorted_times(runs, || store.district_figures(state, today))?;
    let state_ms = ms(percentile(&stats[1].2, 50.0)).max(0.001);
    // What a state's progress report reads before it is typeset, against the same state's
    // statistics, one of its reads.
    let report_options = odop_brochure::Options {
        date: today,
        ..odop_brochure::Options::new(odop_brochure::Language::Both)
    };
    let report_times = sorted_times(runs, || {
        odop_brochure::Manuscript::gather(
            store,
            odop_brochure::Subject::Figures(Some(state)),
            &report_options,
        )
    })?;
    let country_ms = ms(percentile(&stats[0].2, 50.0)).max(0.001);
    // The possible duplicates read every seller's marks; their baseline reads every seller's
    // record once with plain SQL on a connection of its own.
    let plain = rusqlite::Connection::open_with_flags(
        &built.path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )?;
    let read_all = || -> rusqlite::Result<usize> {
        let mut stmt = plain.prepare_cached("SELECT id, body FROM sellers")?;
        let mut rows = stmt.query([])?;
        let mut bytes = 0;
        while let Some(row) = rows.next()? {
            bytes += row.get_ref(1)?.as_str().map_or(0, str::len);
        }
        Ok(bytes)
    };
    ensure!(read_all()? > 0, "the plain read found no seller");
    let plain_times = sorted_times(runs, read_all)?;
    let mut twins = Vec::new();
    for (name, of) in [
        ("possible duplicates, all states", None),
        ("possible duplicates, one state", Some(state)),
    ] {
        let sets = store.duplicate_sellers(of)?.len();
        let times = sorted_times(runs, || store.duplicate_sellers(of))?;
        twins.push((name, sets, times));
    }
    // A state's dashboard shows its recent changes: read back from the newest entry until
    // enough of that state's are found, so the state with the fewest entries is the slowest.
    let (rare, rare_entries, entries): (u16, i64, i64) = plain.query_row(
        "SELECT state, count(*), (SELECT count(*) FROM history) FROM history \
         WHERE state IS NOT NULL GROUP BY state ORDER BY count(*), state LIMIT 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let recent_all = sorted_times(runs, || store.history(None, RECENT))?;
    let mut recent = Vec::new();
    for (name, of) in [
        ("recent changes, one state", state),
        ("recent changes, the state with the fewest", StateCode(rare)),
    ] {
        let found = store.state_history(Some(of), RECENT)?;
        ensure!(
            found.iter().all(|e| e.state == Some(of.0)),
            "{name} holds another state's change"
        );
        let times = sorted_times(runs, || store.state_history(Some(of), RECENT))?;
        recent.push((name, of.0, times));
    }
    // The print buttons ask which state the desk works on. On a state's desk every record
    // lies in that state, and the question can only be answered by looking at all of them:
    // a copy of the database with every seller moved to one state and the other states'
    // records gone. The baseline reads every table's states with plain SQL, as the store
    // once did.
    let one_dir = tempfile::tempdir()?;
    let one_path = one_dir.path().join("one-state.sqlite3");
    plain.execute("VACUUM INTO ?1", [one_path.to_string_lossy()])?;
    let mut one = rusqlite::Connection::open(&one_path)?;
    let tx = one.transaction()?;
    tx.execute(
        "UPDATE sellers SET body = json_set(body, '$.state', ?1) WHERE state != ?1",
        [state.0],
    )?;
    for kind in odop_domain::EntityKind::ALL {
        if kind != odop_domain::EntityKind::Seller {
            tx.execute(
                &format!("DELETE FROM {} WHERE state != ?1", kind.table()),
                [state.0],
            )?;
        }
    }
    tx.commit()?;
    let one_store = odop_store::Store::open(&one_path)?;
    ensure!(
        one_store.desk_state()? == Some(state),
        "the one-state copy's desk is not state {}",
        state.0
    );
    let desk_times = sorted_times(runs, || one_store.desk_state())?;
    let union = odop_domain::EntityKind::ALL
        .iter()
        .map(|k| format!("SELECT DISTINCT state FROM {}", k.table()))
        .collect::<Vec<_>>()
        .join(" UNION ");
    let every_state = format!("SELECT count(*) FROM (SELECT state FROM ({union}) LIMIT 2)");
    let read_states = || one.query_row(&every_state, [], |r| r.get::<_, i64>(0));
    ensure!(
        read_states()? == 1,
        "the plain read found more than one state"
    );
    let states_read_times = sorted_times(runs, read_states)?;
    // A drive's list saved as a sheet, against every seller's export, per row: the list reads
    // its pages and then each seller, where the whole export reads them in one pass.
    let sheets = tempfile::tempdir()?;
    let drive = SellerQuery {
        packaging: Some("needed".to_owned()),
        ..SellerQuery::default()
    };
    let drive_path = sheets.path().join("drive.csv");
    let every_path = sheets.path().join("every.csv");
    let drive_rows = odop_exchange::export_seller_list(store, &drive, &drive_path)?;
    let every_rows = odop_exchange::export_sellers(store, None, &every_path)?;
    ensure!(
        drive_rows > 0 && every_rows == built.data.sellers.len(),
        "the exports wrote {drive_rows} and {every_rows} rows"
    );
    let save_runs = 3;
    let drive_times = sorted_times(save_runs, || {
        odop_exchange::export_seller_list(store, &drive, &drive_path)
    })?;
    let every_times = sorted_times(save_runs, || {
        odop_exchange::export_sellers(store, None, &every_path)
    })?;
    let per_row = |times: &[Duration], rows: usize| ms(percentile(times, 50.0)) / rows as f64;
    let all_recent_ms = ms(percentile(&recent_all, 50.0)).max(0.001);
    let base = ms(percentile(&figures[0].2, 50.0)).max(0.001);
    let mut s = Section::new(
        "lists",
        format!(
            "pages of {PAGE} sellers on the {}-seller database, each filter {runs} times, \
             against the unfiltered list's first page",
            crate::measure::grouped(built.data.sellers.len() as f64)
        ),
        json!({
            "sellers": built.data.sellers.len(),
            "page": PAGE,
            "runs": runs,
            "filters": figures.iter().map(|(name, total, first, later)| json!({
                "filter": name,
                "matches": total,
                "first_page_p50_ms": round(ms(percentile(first, 50.0)), 3),
                "first_page_p95_ms": round(ms(percentile(first, 95.0)), 3),
                "later_page_p50_ms": round(ms(percentile(later, 50.0)), 3),
                "first_over_all": round(ms(percentile(first, 50.0)) / base, 2),
            })).collect::<Vec<_>>(),
            "duplicates": twins.iter().map(|(name, sets, times)| json!({
                "of": name,
                "sets": sets,
                "p50_ms": round(ms(percentile(times, 50.0)), 3),
                "plain_read_p50_ms": round(ms(percentile(&plain_times, 50.0)), 3),
                "over_plain_read": round(ms(percentile(times, 50.0)) / ms(percentile(&plain_times, 50.0)).max(0.001), 2),
            })).collect::<Vec<_>>(),
            "stats": stats.iter().map(|(name, sellers, times)| json!({
                "of": name,
                "sellers": sellers,
                "p50_ms": round(ms(percentile(times, 50.0)), 3),
                "over_all": round(ms(percentile(times, 50.0)) / base, 2),
            })).collect::<Vec<_>>(),
            "recent_changes": {
                "history_entries": entries,
                "fewest_state_entries": rare_entries,
                "every_state_p50_ms": round(all_recent_ms, 3),
                "states": recent.iter().map(|(name, state, times)| json!({
                    "of": name,
                    "state": state,
                    "p50_ms": round(ms(percentile(times, 50.0)), 3),
                    "p95_ms": round(ms(percentile(times, 95.0)), 3),
                    "over_every_state": round(ms(percentile(times, 50.0)) / all_recent_ms, 2),
                })).collect::<Vec<_>>(),
            },
            "drive_list_saved": {
                "rows": drive_rows,
                "p50_ms": round(ms(percentile(&drive_times, 50.0)), 1),
                "every_seller_rows": every_rows,
                "every_seller_p50_ms": round(ms(percentile(&every_times, 50.0)), 1),
                "per_row_over_every_seller": round(per_row(&drive_times, drive_rows) / per_row(&every_times, every_rows), 2),
            },
            "desk_state": {
                "p50_ms": round(ms(percentile(&desk_times, 50.0)), 3),
                "every_table_read_p50_ms": round(ms(percentile(&states_read_times, 50.0)), 3),
            },
            "states_side_by_side": {
                "states": states.len(),
                "p50_ms": round(ms(percentile(&states_times, 50.0)), 3),
                "p95_ms": round(ms(percentile(&states_times, 95.0)), 3),
                "over_country_stats": round(ms(percentile(&states_times, 50.0)) / country_ms, 2),
            },
            "state_report_gathered": {
                "p50_ms": round(ms(percentile(&report_times, 50.0)), 3),
                "p95_ms": round(ms(percentile(&report_times, 95.0)), 3),
                "over_state_stats": round(ms(percentile(&report_times, 50.0)) / state_ms, 2),
            },
            "districts_side_by_side": {
                "districts": districts.len(),
                "sellers": stats[1].1,
                "p50_ms": round(ms(percentile(&districts_times, 50.0)), 3),
                "p95_ms": round(ms(percentile(&districts_times, 95.0)), 3),
                "over_state_stats": round(ms(percentile(&districts_times, 50.0)) / state_ms, 2),
            },
        }),
    );
    for (name, total, first, later) in &figures {
        s.line(
            &format!("{name} ({} match)", crate::measure::grouped(*total as f64)),
            format!(
                "first {} p50, {} p95 ({:.1}x)",
                fmt_ms(percentile(first, 50.0)),
                fmt_ms(percentile(first, 95.0)),
                ms(percentile(first, 50.0)) / base
            ),
            format!("later {} p50", fmt_ms(percentile(later, 50.0))),
        );
    }
    for (name, sellers, times) in &stats {
        s.line(
            &format!(
                "{name} ({} sellers)",
                crate::measure::grouped(*sellers as f64)
            ),
            format!(
                "{} p50, {} p95 ({:.1}x)",
                fmt_ms(percentile(times, 50.0)),
                fmt_ms(percentile(times, 95.0)),
                ms(percentile(times, 50.0)) / base
            ),
            "",
        );
    }
    s.line(
        &format!("every state side by side ({} states)", states.len()),
        p50_p95(&states_times),
        format!(
            "{:.1}x the country's statistics",
            ms(percentile(&states_times, 50.0)) / country_ms
        ),
    );
    s.line(
        &format!(
            "one state's districts side by side ({} districts, {} sellers)",
            districts.len(),
            crate::measure::grouped(stats[1].1 as f64)
        ),
        p50_p95(&districts_times),
        format!(
            "{:.1}x the state's statistics",
            ms(percentile(&districts_times, 50.0)) / state_ms
        ),
    );
    s.line(
        "one state's progress report, gathered (before typesetting)",
        p50_p95(&report_times),
        format!(
            "{:.1}x the state's statistics",
            ms(percentile(&report_times, 50.0)) / state_ms
        ),
    );
    for (name, of, times) in &recent {
        s.line(
            &format!("{name} ({RECENT}, state {of}; {entries} entries in all)"),
            p50_p95(times),
            format!(
                "{:.1}x every state's ({})",
                ms(percentile(times, 50.0)) / all_recent_ms,
                fmt_ms(percentile(&recent_all, 50.0))
            ),
        );
    }
    s.line(
        &format!(
            "the desk's state before printing ({} sellers, one state)",
            crate::measure::grouped(built.data.sellers.len() as f64)
        ),
        p50_p95(&desk_times),
        format!(
            "{:.2}x reading every table's states ({})",
            ms(percentile(&desk_times, 50.0)) / ms(percentile(&states_read_times, 50.0)).max(0.001),
            fmt_ms(percentile(&states_read_times, 50.0))
        ),
    );
    s.line(
        &format!("a drive's list saved as CSV ({drive_rows} sellers needing packaging)"),
        format!(
            "{} p50 of {save_runs}",
            fmt_ms(percentile(&drive_times, 50.0))
        ),
        format!(
            "{:.2}x every seller's export per row ({} for {every_rows})",
            per_row(&drive_times, drive_rows) / per_row(&every_times, every_rows),
            fmt_ms(percentile(&every_times, 50.0))
        ),
    );
    let plain_ms = ms(percentile(&plain_times, 50.0)).max(0.001);
    for (name, sets, times) in &twins {
        s.line(
            &format!("{name} ({sets} sets)"),
            p50_p95(times),
            format!(
                "{:.1}x a plain read of every seller ({})",
                ms(percentile(times, 50.0)) / plain_ms,
                fmt_ms(percentile(&plain_times, 50.0))
            ),
        );
    }
    Ok(s)
}

/// Times as the report's lines give them: the median and the 95th percentile.
fn p50_p95(times: &[Duration]) -> String {
    format!(
        "{} p50, {} p95",
        fmt_ms(percentile(times, 50.0)),
        fmt_ms(percentile(times, 95.0))
    )
}
