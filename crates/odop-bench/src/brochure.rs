//! Brochures: a one-page product brochure and Uttar Pradesh's 75-district catalogue, built
//! from the real national list with synthetic sellers and photos, typeset by the brochure crate
//! and, as the baseline, printed by headless Chromium from equivalent HTML in the same run; and
//! a large Sampark workshop's report against the one-page brochure.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use odop_brochure::{Fonts, Language, Manuscript, Options, Press, Subject};
use odop_domain::{
    Action, ActionKind, ActionStatus, Contact, Date, Gap, Id, Onboarding, OnboardingStatus,
    PackagingStatus, Platform, Product, Seller, SellerKind, StateCode, Workshop,
};
use odop_exchange::{import_lgd, import_national, ImportOptions};
use odop_store::{ProductFilter, Store};
use serde_json::{json, Value};

use crate::gen::Rng;
use crate::measure::{fmt_ms, median, ms, round, Section};
use crate::{html, Data};

const UTTAR_PRADESH: StateCode = StateCode(9);

pub fn run(data: &Data, runs: usize) -> Result<Section> {
    let dir = tempfile::tempdir()?;
    let photos = dir.path().join("photos");
    std::fs::create_dir_all(&photos)?;
    let mut store = uttar_pradesh(data, &photos)?;
    let workshop = workshop(&mut store)?;

    let start = Instant::now();
    let fonts = Fonts::system()?;
    let font_time = start.elapsed();
    let faces = fonts.len();
    let press = Press::new(fonts);
    let options = Options {
        photos: Some(photos.clone()),
        date: Date::new(2026, 11, 24)?,
        ..Options::new(Language::Both)
    };

    // One-page brochures of different products, so no run reuses another's layout.
    let products = store.products(&ProductFilter {
        state: Some(UTTAR_PRADESH),
        ..ProductFilter::default()
    })?;
    // Each product once: its photo is scaled on the way, as for a brochure printed on demand.
    let mut one_times = Vec::new();
    let mut one_bytes = 0;
    let mut one_pages = 0;
    let count = (runs * 4).clamp(3, products.len());
    for p in products.iter().take(count) {
        let start = Instant::now();
        let m = Manuscript::gather(&store, Subject::Product(p.id), &options)?;
        let b = press.print(&m)?;
        one_times.push(start.elapsed());
        one_bytes = b.pdf.len();
        one_pages = b.pages;
    }
    let one = median(one_times);

    // A workshop's report is gathered from several lists and typeset with its own template.
    let mut report_times = Vec::new();
    let mut report = None;
    for _ in 0..count {
        let start = Instant::now();
        let m = Manuscript::gather(&store, Subject::Workshop(workshop), &options)?;
        let b = press.print(&m)?;
        report_times.push(start.elapsed());
        report = Some(b);
    }
    let report_b = report.context("no runs")?;
    let report_time = median(report_times);

    // Progress reports: the figures the dashboard shows, of one state and of every state of
    // the national list (the states side by side on landscape pages), typeset.
    let mut progress = Vec::new();
    for state in [Some(UTTAR_PRADESH), None] {
        let mut times = Vec::new();
        let mut last = None;
        for _ in 0..count {
            let start = Instant::now();
            let m = Manuscript::gather(&store, Subject::Figures(state), &options)?;
            let b = press.print(&m)?;
            times.push(start.elapsed());
            last = Some(b);
        }
        progress.push((median(times), last.context("no runs")?));
    }

    // The press keeps scaled photos for the process; a copy of the photos under another
    // folder shows the first print, which scales every photo, apart from the prints after it.
    let fresh = dir.path().join("photos-again");
    std::fs::create_dir_all(&fresh)?;
    for entry in std::fs::read_dir(&photos)? {
        let entry = entry?;
        std::fs::copy(entry.path(), fresh.join(entry.file_name()))?;
    }
    let options = Options {
        photos: Some(fresh),
        ..options
    };
    let start = Instant::now();
    let m = Manuscript::gather(&store, Subject::State(UTTAR_PRADESH), &options)?;
    press.print(&m)?;
    let cat_first = start.elapsed();
    let mut cat_times = Vec::new();
    let mut catalogue = None;
    for _ in 0..runs {
        let start = Instant::now();
        let m = Manuscript::gather(&store, Subject::State(UTTAR_PRADESH), &options)?;
        let b = press.print(&m)?;
        cat_times.push(start.elapsed());
        catalogue = Some((m, b));
    }
    let (cat_m, cat_b) = catalogue.context("no runs")?;
    let cat = median(cat_times);
    let districts = cat_m.districts.len();

    // The same content as HTML, printed by Chromium.
    let one_m = Manuscript::gather(&store, Subject::Product(products[0].id), &options)?;
    let chromium = match chromium() {
        Some(bin) => Some((
            print_html(&bin, &one_m, dir.path(), "one", runs)?,
            print_html(&bin, &cat_m, dir.path(), "catalogue", runs.min(3))?,
        )),
        None => None,
    };

    let mut s = Section::new(
        "brochure",
        format!(
            "Uttar Pradesh from the national list, {} products in {districts} districts, 3 \
             sellers and a photo each, bilingual; median of {count} one-page and {runs} \
             catalogue runs",
            products.len()
        ),
        json!({
            "products": products.len(),
            "districts": districts,
            "font_faces": faces,
            "fonts_ms": round(ms(font_time), 3),
            "one_page_ms": round(ms(one), 3),
            "one_page_pages": one_pages,
            "one_page_bytes": one_bytes,
            "catalogue_first_ms": round(ms(cat_first), 3),
            "catalogue_ms": round(ms(cat), 3),
            "catalogue_pages": cat_b.pages,
            "catalogue_bytes": cat_b.pdf.len(),
            "workshop_report": {
                "sellers_met": WORKSHOP_SELLERS,
                "gaps": WORKSHOP_GAPS,
                "actions": WORKSHOP_GAPS * ACTIONS_PER_GAP,
                "ms": round(ms(report_time), 3),
                "pages": report_b.pages,
                "bytes": report_b.pdf.len(),
                "over_one_page": round(report_time.as_secs_f64() / one.as_secs_f64(), 4),
            },
            "progress_report": progress.iter().zip(["uttar_pradesh", "every_state"]).map(|((t, b), of)| (of.to_owned(), json!({
                "ms": round(ms(*t), 3),
                "pages": b.pages,
                "bytes": b.pdf.len(),
                "over_one_page": round(t.as_secs_f64() / one.as_secs_f64(), 4),
            }))).collect::<serde_json::Map<_, _>>(),
            "chromium": chromium.as_ref().map(|(o, c)| json!({
                "one_page_ms": round(ms(o.time), 3),
                "one_page_bytes": o.bytes,
                "catalogue_ms": round(ms(c.time), 3),
                "catalogue_bytes": c.bytes,
                "catalogue_over_chromium_time": round(cat.as_secs_f64() / c.time.as_secs_f64(), 4),
                "catalogue_first_over_chromium_time": round(cat_first.as_secs_f64() / c.time.as_secs_f64(), 4),
            })).unwrap_or(Value::Null),
        }),
    );
    s.line(
        &format!("finding and loading fonts ({faces} faces, once)"),
        fmt_ms(font_time),
        "",
    );
    s.line(
        &format!("one-page brochure ({one_pages} page)"),
        fmt_ms(one),
        kb(one_bytes),
    );
    s.line(
        &format!(
            "workshop report ({WORKSHOP_SELLERS} sellers met, {WORKSHOP_GAPS} gaps, {} actions; \
             {} pages)",
            WORKSHOP_GAPS * ACTIONS_PER_GAP,
            report_b.pages
        ),
        fmt_ms(report_time),
        format!(
            "{:.1}x the one-page brochure",
            report_time.as_secs_f64() / one.as_secs_f64()
        ),
    );
    for ((time, b), of) in progress.iter().zip(["Uttar Pradesh", "every state"]) {
        s.line(
            &format!("progress report of {of} ({} pages)", b.pages),
            fmt_ms(*time),
            format!(
                "{:.1}x the one-page brochure",
                time.as_secs_f64() / one.as_secs_f64()
            ),
        );
    }
    s.line(
        &format!(
            "{districts}-district catalogue, first print ({} photos scaled)",
            products.len()
        ),
        fmt_ms(cat_first),
        "",
    );
    s.line(
        &format!(
            "{districts}-district catalogue ({} pages), again",
            cat_b.pages
        ),
        fmt_ms(cat),
        kb(cat_b.pdf.len()),
    );
    match &chromium {
        Some((o, c)) => {
            s.line(
                "chromium: one-page brochure (HTML, cold start)",
                fmt_ms(o.time),
                kb(o.bytes),
            );
            s.line(
                &format!("chromium: {districts}-district catalogue"),
                fmt_ms(c.time),
                kb(c.bytes),
            );
            s.line(
                "catalogue time / chromium's (first print)",
                format!(
                    "{:.1} %",
                    cat_first.as_secs_f64() / c.time.as_secs_f64() * 100.0
                ),
                format!(
                    "{:.1}x faster",
                    c.time.as_secs_f64() / cat_first.as_secs_f64()
                ),
            );
        }
        None => s.line(
            "chromium: not found (install the Debian package chromium to compare)",
            "",
            "",
        ),
    }
    Ok(s)
}

fn kb(bytes: usize) -> String {
    format!("{} KB", bytes.div_ceil(1024))
}

/// The national list and the LGD lists in a fresh store, with three synthetic sellers and a
/// synthetic photo for every product of Uttar Pradesh.
fn uttar_pradesh(data: &Data, photos: &Path) -> Result<Store> {
    let mut store = Store::open_in_memory()?;
    import_lgd(&mut store, &data.states, &data.districts, "bench", false)?;
    import_national(&mut store, &data.national, ImportOptions::new("bench"))?;
    let products = store.products(&ProductFilter {
        state: Some(UTTAR_PRADESH),
        ..ProductFilter::default()
    })?;
    if products.is_empty() {
        bail!("the national list has no products of Uttar Pradesh");
    }
    let mut rng = Rng::new(0x0B0C);
    let mut edit = store.edit("bench")?;
    for (i, p) in products.iter().enumerate() {
        for k in 0..3 {
            edit.put(&seller(p, i * 3 + k, &mut rng))?;
        }
    }
    edit.commit()?;
    for (i, p) in products.iter().enumerate() {
        std::fs::write(photos.join(format!("{}.jpg", p.id)), photo(i as u32)?)?;
    }
    Ok(store)
}

const WORKSHOP_SELLERS: usize = 30;
const WORKSHOP_GAPS: usize = 20;
const ACTIONS_PER_GAP: usize = 3;

/// A large Sampark workshop in the first product's district: sellers met from across the
/// state, gaps heard about their products, and actions on each, some of them overdue.
fn workshop(store: &mut Store) -> Result<Id> {
    let sellers: Vec<Seller> = store.list(Some(UTTAR_PRADESH), None, WORKSHOP_SELLERS, 0)?;
    let first = sellers.first().context("no sellers were made")?;
    let kinds = [
        ActionKind::EcommerceOnboarding,
        ActionKind::Packaging,
        ActionKind::BuyerConnection,
        ActionKind::SellerConnection,
    ];
    let id = Id::derived("bench-workshop", "1");
    let mut edit = store.edit("bench")?;
    edit.put(&Workshop {
        id,
        state: UTTAR_PRADESH,
        district: Some(first.district),
        date: Date::new(2026, 9, 18)?,
        venue: "District Industries Centre hall".to_owned(),
        attendance: 220,
        sellers_met: sellers.iter().map(|s| s.id).collect(),
        media: Vec::new(),
        notes: "Sellers asked about marketplace fees, packaging and buyers outside the state."
            .to_owned(),
    })?;
    for g in 0..WORKSHOP_GAPS {
        let seller = &sellers[g % sellers.len()];
        let gap = Gap {
            id: Id::derived("bench-gap", &g.to_string()),
            state: UTTAR_PRADESH,
            district: Some(seller.district),
            workshop: Some(id),
            product: seller.products.first().copied(),
            seller: Some(seller.id),
            kind: kinds[g % kinds.len()],
            description: format!(
                "Gap {g}: {} cannot reach buyers outside the district without help.",
                seller.name
            ),
            open: g % 3 != 0,
        };
        edit.put(&gap)?;
        for a in 0..ACTIONS_PER_GAP {
            edit.put(&Action {
                id: Id::derived("bench-action", &format!("{g}-{a}")),
                state: UTTAR_PRADESH,
                gap: gap.id,
                kind: gap.kind,
                owner: format!("District Industries Centre, desk {a}"),
                status: [
                    ActionStatus::Open,
                    ActionStatus::InProgress,
                    ActionStatus::Done,
                ][a],
                due: Some(Date::new(2026, 10 + a as u8, 15)?),
                note: "Follow up at the next review.".to_owned(),
            })?;
        }
    }
    edit.commit()?;
    Ok(id)
}

fn seller(p: &Product, n: usize, rng: &mut Rng) -> Seller {
    let kinds = [
        SellerKind::Artisan,
        SellerKind::Weaver,
        SellerKind::Shg,
        SellerKind::Msme,
        SellerKind::Cooperative,
    ];
    Seller {
        id: Id::derived("bench-seller", &n.to_string()),
        state: p.state,
        district: p.district,
        name: format!(
            "{} Makers {n}",
            p.name.split_whitespace().next().unwrap_or("ODOP")
        ),
        kind: *rng.pick(&kinds),
        contact: Contact {
            person: Some(format!("Contact person {n}")),
            phone: Some(format!("+91 9{:09}", rng.below(1_000_000_000))),
            email: Some(format!("seller{n}@example.in")),
            address: Some(format!("Ward {}, near the market", rng.between(1, 40))),
        },
        gstin: None,
        udyam: None,
        products: vec![p.id],
        onboarding: vec![Onboarding {
            platform: Platform::Ondc,
            status: OnboardingStatus::Onboarded,
            listing_url: None,
        }],
        packaging: PackagingStatus::Done,
    }
}

/// A 900 × 600 JPEG with smooth shading and grain, so it compresses like a photograph.
fn photo(seed: u32) -> Result<Vec<u8>> {
    let mut rng = Rng::new(u64::from(seed) + 1);
    let img = image::RgbImage::from_fn(900, 600, |x, y| {
        let grain = (rng.below(24)) as u32;
        let r = (x * 255 / 900 + seed * 37) % 256;
        let g = (y * 255 / 600 + seed * 11) % 256;
        let b = ((x + y) * 128 / 1500 + 60) % 256;
        image::Rgb([
            (r + grain).min(255) as u8,
            (g + grain).min(255) as u8,
            (b + grain).min(255) as u8,
        ])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80).encode_image(&img)?;
    Ok(out)
}

/// Headless Chromium, if installed.
fn chromium() -> Option<PathBuf> {
    [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ]
    .into_iter()
    .find_map(|name| {
        std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|d| d.join(name))
                .find(|p| p.is_file())
        })
    })
}

#[derive(Debug)]
struct Printed {
    time: Duration,
    bytes: usize,
}

/// Writes the manuscript as HTML with its photos and QR codes beside it, and times Chromium
/// printing it to PDF, start-up included, as a print request would run.
fn print_html(bin: &Path, m: &Manuscript, dir: &Path, name: &str, runs: usize) -> Result<Printed> {
    let folder = dir.join(name);
    std::fs::create_dir_all(&folder)?;
    for (path, bytes) in m.files() {
        let file = folder.join(path.trim_start_matches('/'));
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(file, bytes)?;
    }
    let page = folder.join("brochure.html");
    std::fs::write(&page, html::render(m))?;
    let pdf = folder.join("brochure.pdf");
    let profile = folder.join("profile");
    let mut times = Vec::new();
    for _ in 0..runs.max(1) {
        let _ = std::fs::remove_file(&pdf);
        let start = Instant::now();
        let out = Command::new(bin)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-pdf-header-footer",
                "--allow-file-access-from-files",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg(format!("--print-to-pdf={}", pdf.display()))
            .arg(format!("file://{}", page.display()))
            .output()
            .with_context(|| format!("running {}", bin.display()))?;
        times.push(start.elapsed());
        if !pdf.is_file() {
            bail!(
                "{} printed no PDF: {}",
                bin.display(),
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    Ok(Printed {
        time: median(times),
        bytes: std::fs::metadata(&pdf)?.len() as usize,
    })
}
