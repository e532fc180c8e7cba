//! The desktop app end to end: the real `odop-desk` binary under a virtual display, driven over
//! WebDriver through every screen, in English and then in Hindi. Screenshots of each screen are
//! saved under `<target>/e2e-screenshots/desk/`.

use std::path::{Path, PathBuf};

use anyhow::{ensure, Context as _, Result};
use odop_e2e::{screenshot_dir, shared_data, Harness, Window};
use serde_json::{json, Value};

/// The screens reachable from the navigation, in its order.
const ROUTES: [&str; 10] = [
    "dashboard",
    "districts",
    "sellers",
    "workshops",
    "stories",
    "gaps",
    "actions",
    "policies",
    "search",
    "import",
];

/// A figure shown in a stat card, read back as a number (digits of any script are not expected
/// in English).
async fn figure(w: &Window, testid: &str) -> Result<u64> {
    let text = w
        .text(&format!("[data-testid=\"{testid}\"] .stat-value"))
        .await?;
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    digits
        .parse()
        .with_context(|| format!("{testid} shows {text:?}, not a number"))
}

async fn visible_rows(w: &Window, testid: &str) -> Result<u64> {
    let n = w
        .eval(
            "return [...document.querySelectorAll(`[data-testid=\"${arguments[0]}\"]`)]\
             .filter((r) => !r.hidden).length;",
            vec![json!(testid)],
        )
        .await?;
    Ok(n.as_u64().unwrap_or(0))
}

async fn dialog_closed(w: &Window) -> Result<()> {
    w.wait_until(
        "!document.getElementById('record-dialog').open",
        "the form to close",
    )
    .await
}

fn path_text(path: &Path) -> Result<String> {
    let path = path
        .canonicalize()
        .with_context(|| format!("{} is missing", path.display()))?;
    Ok(path.to_string_lossy().into_owned())
}

async fn first_run_and_sample(w: &Window, shots: &Path) -> Result<()> {
    w.find("first-run").await?;
    w.shot(shots, "01-first-run").await?;
    w.load_sample().await?;
    ensure!(
        figure(w, "stat-products").await? > 0,
        "the sample has no products"
    );
    ensure!(
        w.count("activity-row").await? > 0,
        "no recent activity shown"
    );
    w.shot(shots, "02-dashboard").await?;
    Ok(())
}

/// Waits until the dashboard of `hash` has drawn.
async fn dashboard_at(w: &Window, hash: &str) -> Result<()> {
    w.wait_until(
        &format!(
            "location.hash === '{hash}' && document.getElementById('view').dataset.state === 'ready' \
             && document.getElementById('view').dataset.route === 'dashboard'"
        ),
        &format!("the dashboard at {hash}"),
    )
    .await
}

/// A column of the states table, top to bottom, as numbers.
async fn state_column(w: &Window, column: &str) -> Result<Vec<u64>> {
    let cells = w
        .eval(
            "return [...document.querySelectorAll(`[data-testid=\"state-row\"] \
             [data-column=\"${arguments[0]}\"]`)].map((c) => c.textContent.replace(/\\D/g, ''));",
            vec![json!(column)],
        )
        .await?;
    cells
        .as_array()
        .context("no cells")?
        .iter()
        .map(|c| {
            c.as_str()
                .unwrap_or_default()
                .parse::<u64>()
                .with_context(|| format!("{column} shows {c}"))
        })
        .collect()
}

/// The sample's five states side by side: each row is that state's own dashboard, and the
/// table sorts by a column.
async fn states_side_by_side(w: &Window, shots: &Path, scratch: &Path) -> Result<()> {
    w.go("dashboard").await?;
    let sellers = figure(w, "stat-sellers").await?;
    ensure!(
        w.count("state-row").await? == 5,
        "the sample's five states are not each a row"
    );
    let products = state_column(w, "products").await?;
    ensure!(
        products.iter().sum::<u64>() == figure(w, "stat-products").await?,
        "the states' products {products:?} do not add up to the dashboard's"
    );
    w.click("sort-products").await?;
    let sorted = state_column(w, "products").await?;
    ensure!(
        sorted.windows(2).all(|p| p[0] >= p[1]) && sorted.len() == 5,
        "sorting by products gave {sorted:?}"
    );
    // The table saved as a spreadsheet to pass on.
    let sheet = scratch.join("states.xlsx");
    w.type_into("states-export-path", &sheet.to_string_lossy())
        .await?;
    w.click("states-export").await?;
    w.wait_until(
        "document.querySelector('[data-testid=states-export-out]').textContent.includes('5 states')",
        "the states' table saved",
    )
    .await?;
    let bytes = std::fs::read(&sheet).with_context(|| format!("reading {}", sheet.display()))?;
    ensure!(bytes.starts_with(b"PK"), "the saved table is no XLSX");
    w.shot(shots, "02a-dashboard-states").await?;

    let up = "[data-testid=\"state-row\"][data-state=\"9\"]";
    let up_products: u64 = w
        .text(&format!("{up} [data-column=\"products\"]"))
        .await?
        .parse()?;
    let up_overdue = w.text(&format!("{up} [data-column=\"overdue\"]")).await?;
    w.click(&format!("{up} [data-column=\"sellers\"]")).await?;
    dashboard_at(w, "#/dashboard/9").await?;
    ensure!(
        w.text("dash-title").await?.contains("Uttar Pradesh"),
        "the state's dashboard does not name it"
    );
    ensure!(
        figure(w, "stat-products").await? == up_products,
        "Uttar Pradesh's dashboard and its row disagree on products"
    );
    ensure!(
        figure(w, "stat-overdue").await?.to_string() == up_overdue,
        "Uttar Pradesh's dashboard and its row disagree on overdue actions"
    );
    ensure!(
        w.count("dash-states").await? == 0,
        "a state's dashboard shows the other states"
    );
    // Its recent changes are its own: the sample's, made in Uttar Pradesh among others.
    let states = w
        .eval(
            "return [...document.querySelectorAll('[data-testid=activity-row]')]\
             .map((r) => r.dataset.state);",
            vec![],
        )
        .await?;
    let states = states.as_array().cloned().unwrap_or_default();
    ensure!(
        !states.is_empty() && states.iter().all(|s| s == "9"),
        "Uttar Pradesh's dashboard shows changes of states {states:?}"
    );
    w.shot(shots, "02b-dashboard-one-state").await?;

    // A state's bar opens the list of that state's records alone.
    let bar = |chart: &str, href: &str| {
        format!(
            "const bar = document.querySelector('[data-testid={chart}] a[href=\"{href}\"]'); \
             bar.dispatchEvent(new MouseEvent('click', {{ bubbles: true, cancelable: true }})); \
             return bar.querySelector('.chart-value').textContent;"
        )
    };
    // A seller bar of Uttar Pradesh's dashboard opens its sellers with `filter` set to `value`,
    // as many as the bar counts.
    let sellers_of_bar = |chart: &'static str, href: &'static str, filter, value, what| {
        let bar = bar(chart, href);
        async move {
            let counted = w.eval(&bar, vec![]).await?;
            w.shown("sellers").await?;
            w.wait_until(
                &format!(
                    "document.querySelector('[data-testid=seller-state]').value === '9' \
                     && document.querySelector('[data-testid={filter}]').value === '{value}' \
                     && document.querySelector('[data-testid=seller-count]').textContent.replace(/\\D/g, '') === {counted}"
                ),
                what,
            )
            .await
        }
    };
    // And back to every state's sellers.
    let every_seller = |filter: &'static str| async move {
        w.select("seller-state", "").await?;
        w.select(filter, "").await?;
        w.wait_until(
            &format!(
                "document.querySelector('[data-testid=seller-count]').textContent.replace(/\\D/g, '') === '{sellers}'"
            ),
            "every state's sellers listed again",
        )
        .await
    };
    sellers_of_bar(
        "chart-platforms",
        "#/sellers/onboarded/ondc/state/9",
        "seller-onboarding",
        "ondc:on",
        "Uttar Pradesh's sellers on ONDC listed",
    )
    .await?;
    // Every district offered is Uttar Pradesh's.
    let offered = w
        .eval(
            "return [...document.querySelectorAll('[data-testid=seller-district] option')]\
             .filter((o) => o.value).length;",
            vec![],
        )
        .await?;
    ensure!(
        offered == json!(7),
        "the district filter offers {offered} districts"
    );
    w.shot(shots, "02c-state-sellers-on-ondc").await?;
    every_seller("seller-onboarding").await?;
    // A packaging drive's list: the state's sellers who need help with packaging.
    w.go("dashboard").await?;
    w.select("dash-state", "9").await?;
    dashboard_at(w, "#/dashboard/9").await?;
    sellers_of_bar(
        "chart-packaging",
        "#/sellers/packaging/needed/state/9",
        "seller-packaging",
        "needed",
        "Uttar Pradesh's sellers who need packaging listed",
    )
    .await?;
    let stages = w
        .eval(
            "return [...document.querySelectorAll('[data-testid=seller-row]')]\
             .map((r) => r.children[5]?.textContent);",
            vec![],
        )
        .await?;
    let stages = stages.as_array().cloned().unwrap_or_default();
    ensure!(
        !stages.is_empty() && stages.iter().all(|s| s == "Needed"),
        "the packaging list shows sellers at {stages:?}"
    );
    // Saved as a sheet to hand on: the list's sellers alone.
    let list = scratch.join("packaging-needed.csv");
    w.type_into("seller-list-save-path", &list.to_string_lossy())
        .await?;
    w.click("seller-list-save").await?;
    w.wait_until(
        "document.querySelector('[data-testid=seller-list-save-out]').textContent.includes('written to')",
        "the packaging list saved",
    )
    .await?;
    let text =
        std::fs::read_to_string(&list).with_context(|| format!("reading {}", list.display()))?;
    ensure!(
        text.lines().count() == stages.len() + 1
            && text.lines().skip(1).all(|l| l.contains(",needed,")),
        "the saved packaging list: {text}"
    );
    w.shot(shots, "02d-state-sellers-packaging-needed").await?;
    every_seller("seller-packaging").await?;
    w.go("dashboard").await?;
    w.select("dash-state", "9").await?;
    dashboard_at(w, "#/dashboard/9").await?;
    let packaging = w
        .eval(&bar("chart-gaps", "#/gaps/open/packaging/state/9"), vec![])
        .await?;
    w.shown("gaps").await?;
    w.wait_until(
        &format!(
            "document.querySelector('[data-testid=gap-state-filter]').value === '9' \
             && document.querySelector('[data-testid=gap-kind-filter]').value === 'packaging' \
             && String(document.querySelectorAll('[data-testid=gap-row]').length) === {packaging}"
        ),
        "Uttar Pradesh's open packaging gaps listed",
    )
    .await?;
    w.select("gap-state-filter", "").await?;
    w.select("gap-kind-filter", "").await?;
    w.select("gap-filter", "0").await?;
    w.go("dashboard").await?;
    w.select("dash-state", "9").await?;
    dashboard_at(w, "#/dashboard/9").await?;
    w.select("dash-state", "").await?;
    dashboard_at(w, "#/dashboard").await?;
    ensure!(
        w.count("state-row").await? == 5,
        "the whole database's dashboard lost its states"
    );
    Ok(())
}

/// The dashboard printed: every state's progress report with the states side by side, then
/// Uttar Pradesh's alone from its own dashboard.
async fn progress_reports(w: &Window, shots: &Path, harness: &Harness) -> Result<()> {
    w.go("dashboard").await?;
    dashboard_at(w, "#/dashboard").await?;
    w.click("dash-print").await?;
    let pages = report_saved(
        w,
        harness,
        "dashboard",
        "progress-all.pdf",
        &[
            "ODOP progress report",
            "All states",
            "The states side by side",
            "West Bengal",
        ],
    )
    .await?;
    ensure!(
        pages == 2,
        "every state's progress report has {pages} pages, not 2"
    );
    w.shot(shots, "02e-progress-report").await?;
    w.click("brochure-back").await?;
    dashboard_at(w, "#/dashboard").await?;
    ensure!(
        w.count("dash-districts").await? == 0,
        "every state's dashboard sets one state's districts side by side"
    );
    w.select("dash-state", "9").await?;
    dashboard_at(w, "#/dashboard/9").await?;
    // A state's dashboard sets its districts side by side, sorted by a column; a row opens
    // the district.
    let districts = w.count("district-figures-row").await?;
    ensure!(
        districts == 7,
        "Uttar Pradesh's dashboard has {districts} district rows, not its 7"
    );
    w.click("district-sort-sellers").await?;
    let first = w
        .eval(
            "return document.querySelector('[data-testid=district-figures-row]').dataset.district;",
            vec![],
        )
        .await?;
    ensure!(
        first == "187",
        "sorted by sellers, district {first} comes first, not Varanasi"
    );
    w.shot(shots, "02f-dashboard-districts").await?;
    // The table saved as a spreadsheet to pass on.
    let sheet = harness.scratch()?.join("districts.xlsx");
    w.type_into("districts-export-path", &sheet.to_string_lossy())
        .await?;
    w.click("districts-export").await?;
    w.wait_until(
        "document.querySelector('[data-testid=districts-export-out]').textContent.includes('7 districts')",
        "the districts' table saved",
    )
    .await?;
    let bytes = std::fs::read(&sheet).with_context(|| format!("reading {}", sheet.display()))?;
    ensure!(
        bytes.starts_with(b"PK"),
        "the saved districts' table is no XLSX"
    );
    w.click("[data-testid=district-figures-row][data-district=\"187\"] [data-column=\"products\"]")
        .await?;
    w.shown("district").await?;
    ensure!(
        w.eval("return location.hash;", vec![]).await? == "#/district/187",
        "the district's row did not open Varanasi"
    );
    // Its page gives the same sellers' figures as its row, and opens its sellers.
    let sellers = figure(w, "district-sellers").await?;
    let onboarded = figure(w, "district-onboarded").await?;
    let packaging = figure(w, "district-packaging").await?;
    ensure!(
        (sellers, onboarded, packaging) == (2, 2, 1),
        "Varanasi's page counts {sellers} sellers, {onboarded} onboarded, {packaging} needing \
         packaging, not its row's 2, 2 and 1"
    );
    w.click("district-sellers-link").await?;
    w.shown("sellers").await?;
    w.wait_until(
        &format!(
            "document.querySelector('[data-testid=seller-district]').value === '187' \
             && document.querySelector('[data-testid=seller-count]').textContent.replace(/\\D/g, '') === '{sellers}'"
        ),
        "Varanasi's sellers listed",
    )
    .await?;
    // The list keeps its filters across screens: every seller again for the steps after.
    w.select("seller-state", "").await?;
    w.select("seller-district", "").await?;
    w.eval("history.back(); return null;", vec![]).await?;
    w.shown("district").await?;
    w.eval("history.back(); return null;", vec![]).await?;
    dashboard_at(w, "#/dashboard/9").await?;
    w.click("dash-print").await?;
    let pages = report_saved(
        w,
        harness,
        "dashboard",
        "progress-up.pdf",
        &[
            "ODOP progress report",
            "Uttar Pradesh",
            "Notified",
            "The districts side by side",
        ],
    )
    .await?;
    ensure!(
        pages == 2,
        "a state's progress report has {pages} pages, not 2"
    );
    w.shot(shots, "02g-progress-report-state").await?;
    w.click("brochure-back").await?;
    dashboard_at(w, "#/dashboard/9").await
}

async fn districts_to_product(w: &Window, shots: &Path) -> Result<()> {
    // The dashboard's bar of handloom products opens the districts that have one.
    w.go("dashboard").await?;
    w.eval(
        "document.querySelector('[data-testid=chart-sectors] a[href=\"#/districts/sector/handloom\"]')\
         .dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true })); return null;",
        vec![],
    )
    .await?;
    w.shown("districts").await?;
    w.wait_until(
        "document.querySelector('[data-testid=filter-sector]').value === 'handloom' \
         && document.querySelectorAll('[data-testid=district-row]').length > 0 \
         && [...document.querySelectorAll('[data-testid=district-row] td:last-child')]\
            .every((td) => td.textContent.includes('Handloom'))",
        "the districts with a handloom product",
    )
    .await?;
    w.select("filter-sector", "").await?;
    w.go("districts").await?;
    let all = visible_rows(w, "district-row").await?;
    ensure!(all > 1, "the district list shows {all} rows");
    w.type_into("district-filter", "varanasi").await?;
    w.wait_until(
        "[...document.querySelectorAll('[data-testid=district-row]')].filter((r) => !r.hidden).length === 1",
        "the text filter to leave Varanasi alone",
    )
    .await?;
    w.shot(shots, "03-districts-filtered").await?;
    w.type_into("district-filter", "").await?;
    w.select("filter-sector", "handloom").await?;
    w.wait_until(
        &format!("document.querySelectorAll('[data-testid=district-row]').length < {all}"),
        "the sector filter",
    )
    .await?;
    let sectors = w
        .eval(
            "return [...document.querySelectorAll('[data-testid=district-row] td:last-child')]\
             .map((td) => td.textContent);",
            vec![],
        )
        .await?;
    ensure!(
        sectors.as_array().is_some_and(|a| a
            .iter()
            .all(|s| s.as_str().unwrap_or("").contains("Handloom"))),
        "a district without handloom passed the sector filter: {sectors}"
    );
    w.shot(shots, "04-districts-handloom").await?;
    w.select("filter-sector", "").await?;
    w.wait_until(
        &format!("document.querySelectorAll('[data-testid=district-row]').length === {all}"),
        "every district back",
    )
    .await?;
    w.click("[data-testid=\"district-row\"][data-code=\"187\"] td:nth-child(2)")
        .await?;
    w.settled().await?;
    ensure!(w.text("district-name").await? == "Varanasi");
    w.shot(shots, "05-district").await?;
    w.click("[data-testid=\"product-row\"] td").await?;
    w.settled().await?;
    ensure!(w.text("product-name").await? == "Banarasi Silk Saree");
    ensure!(
        w.count("product-seller").await? > 0,
        "no seller on the product page"
    );
    ensure!(
        w.count("[data-testid=\"product-stories\"] li").await? > 0,
        "no story on the product page"
    );
    w.shot(shots, "06-product").await?;

    // Its sellers, its story and a gap name it, so it cannot be deleted; the dialog says which.
    let said = deletion_refused(w, shots, "06-product-in-use").await?;
    ensure!(
        said == "Other records still refer to this one. Named by: Seller “Kashi Silk Weavers \
                 Cooperative”, Seller “Lalita Devi”, Story “From the loom to ONDC”, Gap \
                 “Individual weavers ship sarees in plastic…”. Change or delete those first.",
        "the refused deletion as shown: {said}"
    );
    Ok(())
}

/// Asks to delete the product on screen, which something names, and gives what the dialog says
/// of the refusal, pictured as `shot`; the dialog is closed again.
async fn deletion_refused(w: &Window, shots: &Path, shot: &str) -> Result<String> {
    w.click("delete-product").await?;
    w.click("confirm-delete").await?;
    w.wait_until(
        "!document.querySelector('[data-testid=delete-error]').hidden",
        "the deletion to be refused",
    )
    .await?;
    let said = w.text("delete-error").await?;
    let asked = w
        .eval(
            "return document.querySelector('#record-dialog h2').textContent;",
            vec![],
        )
        .await?;
    ensure!(
        asked == json!("Delete this product?") || asked == json!("यह उत्पाद हटाएँ?"),
        "the dialog asks {asked}"
    );
    w.shot(shots, shot).await?;
    w.click("cancel-delete").await?;
    dialog_closed(w).await?;
    Ok(said)
}

/// Edits the product (the app works offline: nothing but the local store is involved), first
/// with a mistake that the form must point at; gives it a photo from `scratch`, which its
/// brochure then prints.
async fn edit_product(w: &Window, shots: &Path, scratch: &Path) -> Result<()> {
    w.click("edit-product").await?;
    w.find("form-product").await?;
    // The GI registry name offers the registry's names for the product's state.
    w.wait_until(
        "[...document.querySelectorAll('[data-testid=field-gi-registry_name-suggestions] option')] \
           .some((o) => o.value === 'Banaras Brocades and Sarees')",
        "the GI registry's names offered",
    )
    .await?;
    w.type_into("field-name", "").await?;
    w.click("form-save").await?;
    w.find("field-name-error").await?;
    w.shot(shots, "07-product-form-error").await?;
    w.type_into("field-name", "Banarasi Silk Saree").await?;
    w.type_into(
        "field-description",
        "Edited offline: silk woven with zari on pit looms.",
    )
    .await?;
    // A woven-looking stripe pattern stands in for a photo.
    let photo = scratch.join("banarasi.png");
    image::RgbImage::from_fn(600, 400, |x, y| {
        let stripe = if (x / 24 + y / 40) % 2 == 0 { 40 } else { 0 };
        image::Rgb([150 + stripe, 20 + stripe / 2, 50 + (y * 60 / 400) as u8])
    })
    .save(&photo)?;
    w.type_into("field-photo", &path_text(&photo)?).await?;
    w.click("form-save").await?;
    dialog_closed(w).await?;
    w.wait_until(
        "document.querySelector('[data-testid=product-description]')?.textContent.startsWith('Edited offline')",
        "the product page to show the new description",
    )
    .await?;
    // The page shows the photo as the brochure prints it: scaled from 600 to at most 800
    // pixels wide, so as it is.
    w.wait_until(
        "(() => { const img = document.querySelector('[data-testid=product-photo]'); \
         return img?.complete && img.naturalWidth === 600 && img.naturalHeight === 400; })()",
        "the product's photo on its page",
    )
    .await?;
    w.shot(shots, "08-product-edited").await?;
    Ok(())
}

/// Text a PDF holds, as a reader extracting it would get it.
fn pdf_text(path: &Path) -> Result<String> {
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", &path.to_string_lossy(), "-"])
        .output()
        .context("pdftotext (Debian package poppler-utils) must be installed")?;
    ensure!(
        out.status.success(),
        "pdftotext failed on {}",
        path.display()
    );
    Ok(String::from_utf8(out.stdout)?)
}

/// Saves the brochure shown to the path in its field, `file`, and returns the PDF's text.
async fn save_brochure(w: &Window, file: &Path) -> Result<String> {
    w.save_brochure().await?;
    pdf_text(file)
}

/// The product's brochure: previewed, switched to Hindi, saved as PDF (holding the offline
/// edit), and readied for printing; then the district's and the state's.
async fn brochures(w: &Window, shots: &Path, harness: &Harness) -> Result<()> {
    let scratch = harness.scratch()?;
    w.click("product-brochure").await?;
    let pages = w.brochure_shown().await?;
    ensure!(pages >= 1, "the product brochure has {pages} pages");
    let width = w
        .eval(
            "return document.querySelector('[data-testid=brochure-page]').naturalWidth;",
            vec![],
        )
        .await?;
    // A4 is 595.28 points wide, drawn at two pixels a point.
    ensure!(
        width.as_u64().is_some_and(|w| (1190..=1191).contains(&w)),
        "the preview is {width} pixels wide, not 2 × 595.28"
    );
    w.shot(shots, "09-brochure").await?;

    let file = scratch.join("saree.pdf");
    w.type_into("brochure-path", &file.to_string_lossy())
        .await?;
    let text = save_brochure(w, &file).await?;
    ensure!(
        text.contains("Banarasi Silk Saree") && text.contains("Edited offline"),
        "the saved brochure does not hold the edited product: {text}"
    );
    // The photo the product was given in the form is printed.
    let images = std::process::Command::new("pdfimages")
        .arg("-list")
        .arg(&file)
        .output()
        .context("pdfimages (Debian package poppler-utils) must be installed")?;
    let listed = String::from_utf8(images.stdout)?;
    ensure!(
        images.status.success() && listed.lines().skip(2).any(|l| l.contains("image")),
        "the saved brochure holds no photo: {listed}"
    );

    w.select("brochure-lang", "both").await?;
    w.brochure_shown().await?;
    let text = save_brochure(w, &file).await?;
    ensure!(
        text.contains("बनारसी") && text.contains("Banarasi"),
        "the bilingual brochure lacks Hindi or English: {text}"
    );
    w.shot(shots, "10-brochure-bilingual").await?;

    // The saved PDF goes to the system's viewer, which prints it at full quality.
    w.click("brochure-open").await?;
    let opened = harness.opened(1)?;
    ensure!(
        opened == [file.canonicalize()?],
        "the app asked the desktop to open {opened:?}, not {}",
        file.display()
    );

    // The native print dialog is out of WebDriver's reach: record what would be printed.
    w.eval(
        "window.__printed = null; window.print = () => { window.__printed = \
         [...document.querySelectorAll('[data-testid=brochure-page]')] \
         .filter((i) => i.dataset.state === 'ready' && i.complete && i.naturalWidth > 0).length; };",
        vec![],
    )
    .await?;
    w.click("brochure-print").await?;
    w.wait_until("window.__printed !== null", "the print to start")
        .await?;
    let printed = w.eval("return window.__printed;", vec![]).await?;
    let pages = w
        .eval(
            "return document.querySelectorAll('[data-testid=brochure-page]').length;",
            vec![],
        )
        .await?;
    ensure!(
        printed == pages,
        "printing started with {printed} of {pages} pages drawn"
    );

    // The state catalogue from the district page: cover, contents and a section per district.
    w.click("brochure-back").await?;
    w.shown("product").await?;
    w.click("district-brochure").await?;
    w.brochure_shown().await?;
    w.eval("location.hash = '#/district/187';", vec![]).await?;
    w.shown("district").await?;
    w.click("state-brochure").await?;
    let pages = w.brochure_shown().await?;
    ensure!(pages >= 3, "the state catalogue has {pages} pages");
    w.shot(shots, "11-state-catalogue").await?;
    Ok(())
}

async fn sellers(w: &Window, shots: &Path, product: &str) -> Result<()> {
    w.go("sellers").await?;
    w.find("seller-row").await?;
    let before: u64 = w
        .text("seller-count")
        .await?
        .chars()
        .filter(char::is_ascii_digit)
        .collect::<String>()
        .parse()?;
    // Keyboard: the list takes focus and moves its selection with the arrow keys.
    let list = w.find("seller-list").await?;
    list.send_keys(&format!(
        "{}{}",
        fantoccini::key::Key::Down,
        fantoccini::key::Key::Down
    ))
    .await?;
    w.wait_until(
        "document.querySelector('.vlist-row.selected')?.dataset.index === '1'",
        "the arrow keys to move the selection",
    )
    .await?;
    w.shot(shots, "09-sellers").await?;
    // The dashboard's bar of sellers on ONDC opens the list of exactly them.
    w.go("dashboard").await?;
    let ondc = w
        .eval(
            "const bar = document.querySelector('[data-testid=chart-platforms] a[href=\"#/sellers/onboarded/ondc\"]'); \
             bar.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true })); \
             return bar.querySelector('.chart-value').textContent;",
            vec![],
        )
        .await?;
    w.shown("sellers").await?;
    w.wait_until(
        &format!(
            "document.querySelector('[data-testid=seller-onboarding]').value === 'ondc:on' \
             && document.querySelector('[data-testid=seller-count]').textContent.replace(/\\D/g, '') === {ondc}"
        ),
        "the sellers on ONDC listed",
    )
    .await?;
    w.select("seller-onboarding", "").await?;
    w.click("add-seller").await?;
    w.find("form-seller").await?;
    w.select("field-district", "187").await?;
    w.type_into("field-name", "Kashi Weavers Collective")
        .await?;
    w.select("field-kind", "weaver").await?;
    // The district's products are offered to tick as sold.
    tick(w, "field-products", "Banarasi Silk Saree").await?;
    w.type_into("field-contact-phone", "12").await?;
    w.click("form-save").await?;
    let message = w.text("field-contact-phone-error").await?;
    ensure!(
        message.contains("10 digits"),
        "the phone error says {message:?}"
    );
    w.shot(shots, "10-seller-form-error").await?;
    w.type_into("field-contact-phone", "9876543210").await?;
    w.click("form-save").await?;
    dialog_closed(w).await?;
    w.wait_until(
        &format!(
            "document.querySelector('[data-testid=seller-count]').textContent.replace(/\\D/g, '') === '{}'",
            before + 1
        ),
        "the new seller to be counted",
    )
    .await?;
    // An onboarding drive's lists: the sample's two sellers on GeM, and everyone else.
    for (filter, sellers) in [("gem:on", 2), ("gem:off", before + 1 - 2), ("", before + 1)] {
        w.select("seller-onboarding", filter).await?;
        w.wait_until(
            &format!(
                "document.querySelector('[data-testid=seller-count]').textContent.replace(/\\D/g, '') === '{sellers}'"
            ),
            &format!("{sellers} sellers listed for {filter:?}"),
        )
        .await?;
    }
    // The product's page now lists the seller who sells it.
    w.eval(
        "location.hash = arguments[0];",
        vec![json!(format!("#/product/{product}"))],
    )
    .await?;
    w.shown("product").await?;
    let sellers = w
        .eval(
            "return [...document.querySelectorAll('[data-testid=product-seller]')]\
             .map((r) => r.cells[0].textContent);",
            vec![],
        )
        .await?;
    ensure!(
        sellers
            .as_array()
            .is_some_and(|s| s.contains(&json!("Kashi Weavers Collective"))),
        "the product's sellers: {sellers}"
    );
    // The seller list, filtered to them, with a way back to all.
    let listed = sellers.as_array().map_or(0, Vec::len);
    w.click("product-all-sellers").await?;
    w.shown("sellers").await?;
    let chip = w.text("seller-product").await?;
    ensure!(
        chip.starts_with("Sellers of Banarasi Silk Saree"),
        "{chip:?}"
    );
    w.wait_until(
        &format!(
            "document.querySelector('[data-testid=seller-count]').textContent.replace(/\\D/g, '') === '{listed}'"
        ),
        "the seller list to hold the product's sellers only",
    )
    .await?;
    w.shot(shots, "09b-sellers-of-a-product").await?;
    // A seller added here sells the product, in its district, once the form is saved.
    w.click("add-seller").await?;
    w.find("form-seller").await?;
    w.wait_until(
        "document.querySelector('[data-testid=field-district]').value === '187' \
         && [...document.querySelectorAll('[data-testid=field-products] label')]\
            .some((l) => l.textContent === 'Banarasi Silk Saree' && l.querySelector('input').checked)",
        "the new seller's form to name the product and its district",
    )
    .await?;
    w.click("form-cancel").await?;
    dialog_closed(w).await?;
    w.click("seller-product-clear").await?;
    w.wait_until(
        "!document.querySelector('[data-testid=seller-product]') \
         && Number(document.querySelector('[data-testid=seller-count]').textContent.replace(/\\D/g, '')) > 0",
        "every seller listed again",
    )
    .await?;
    Ok(())
}

/// Ticks the box labelled `label` among the ticks of `field`, once it is offered.
async fn tick(w: &Window, field: &str, label: &str) -> Result<()> {
    let pick = format!(
        "[...document.querySelectorAll('[data-testid={field}] label')]\
         .find((l) => l.textContent === {label:?})"
    );
    w.wait_until(
        &format!("!!{pick}"),
        &format!("{label:?} offered in {field}"),
    )
    .await?;
    w.eval(
        &format!("{pick}.querySelector('input').click(); return null;"),
        vec![],
    )
    .await?;
    Ok(())
}

/// The labels of the ticked boxes of `field`.
async fn ticked(w: &Window, field: &str) -> Result<Value> {
    w.eval(
        &format!(
            "return [...document.querySelectorAll('[data-testid={field}] label')]\
             .filter((l) => l.querySelector('input').checked).map((l) => l.textContent).sort();"
        ),
        vec![],
    )
    .await
}

async fn workshops_stories_gaps_actions(w: &Window, shots: &Path) -> Result<()> {
    // The dashboard's bar of open gaps of a kind opens the list of exactly them.
    w.go("dashboard").await?;
    let bar = w
        .eval(
            "const bar = document.querySelector('[data-testid=chart-gaps] a'); \
             bar.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true })); \
             return [bar.getAttribute('href').split('/').pop(), bar.querySelector('.chart-value').textContent];",
            vec![],
        )
        .await?;
    let (kind, n) = (&bar[0], &bar[1]);
    w.shown("gaps").await?;
    w.wait_until(
        &format!(
            "document.querySelector('[data-testid=gap-kind-filter]').value === {kind} \
             && document.querySelector('[data-testid=gap-filter]').selectedOptions[0].textContent === 'Open' \
             && document.querySelector('[data-testid=gap-count]').textContent.replace(/\\D/g, '') === {n}"
        ),
        "the open gaps of the bar's kind listed",
    )
    .await?;
    w.select("gap-kind-filter", "").await?;
    w.select("gap-filter", "0").await?;
    for (route, row, shot) in [
        ("workshops", "workshop-row", "11-workshops"),
        ("stories", "story-row", "12-stories"),
        ("gaps", "gap-row", "13-gaps"),
    ] {
        w.go(route).await?;
        w.find(row).await?;
        w.shot(shots, shot).await?;
    }
    // The sample's workshop met two Varanasi sellers and was covered by one daily; it also met
    // the weaver added above, and a second outlet covered it.
    w.go("workshops").await?;
    open_row(w, "workshop-row", false, "form-workshop").await?;
    let met = json!(["Kashi Silk Weavers Cooperative", "Lalita Devi"]);
    w.wait_until(
        &format!(
            "document.querySelectorAll('[data-testid=field-sellers_met] input:checked').length === {}",
            met.as_array().map_or(0, Vec::len)
        ),
        "the sellers met ticked",
    )
    .await?;
    let before = ticked(w, "field-sellers_met").await?;
    ensure!(before == met, "sellers met as ticked: {before}");
    tick(w, "field-sellers_met", "Kashi Weavers Collective").await?;
    w.click("media-add").await?;
    w.eval(
        "const rows = document.querySelectorAll('[data-testid=media-row]'); \
         const row = rows[rows.length - 1]; \
         row.querySelector('.media-outlet').value = 'Doordarshan Uttar Pradesh'; \
         row.querySelector('.media-lang').value = 'hi'; \
         row.querySelector('.media-url').value = 'https://example.org/odop-sampark'; \
         return null;",
        vec![],
    )
    .await?;
    w.shot(shots, "11b-workshop-form").await?;
    w.click("form-save").await?;
    dialog_closed(w).await?;
    w.settled().await?;
    // The list counts the sellers met.
    w.wait_until(
        "document.querySelector('[data-testid=workshop-row]')?.cells[4].textContent === '3'",
        "the workshop's three sellers met counted in the list",
    )
    .await?;
    open_row(w, "workshop-row", false, "form-workshop").await?;
    w.wait_until(
        "document.querySelectorAll('[data-testid=field-sellers_met] input:checked').length === 3",
        "the three sellers met ticked once saved",
    )
    .await?;
    let media = w
        .eval(
            "return [...document.querySelectorAll('[data-testid=media-row]')]\
             .map((r) => [r.querySelector('.media-outlet').value, r.querySelector('.media-lang').value, \
             r.querySelector('.media-url').value]);",
            vec![],
        )
        .await?;
    ensure!(
        media
            == json!([
                ["Local Hindi daily", "hi", ""],
                [
                    "Doordarshan Uttar Pradesh",
                    "hi",
                    "https://example.org/odop-sampark"
                ]
            ]),
        "the workshop's media coverage once saved: {media}"
    );
    w.click("form-cancel").await?;
    dialog_closed(w).await?;
    // A story and a gap name the seller they are about, chosen among the district's sellers.
    for (route, row, form, seller) in [
        (
            "stories",
            "story-row",
            "form-story",
            "Kashi Silk Weavers Cooperative",
        ),
        ("gaps", "gap-row", "form-gap", "Lalita Devi"),
    ] {
        w.go(route).await?;
        open_row(w, row, true, form).await?;
        const SELLER: &str = "document.querySelector('[data-testid=field-seller]')";
        w.wait_until(
            &format!(
                "{SELLER}.selectedOptions[0]?.textContent === {seller:?} \
                 && [...{SELLER}.options].some((o) => o.textContent === 'Kashi Weavers Collective')"
            ),
            &format!("{seller:?} chosen among Varanasi's sellers"),
        )
        .await?;
        w.click("form-cancel").await?;
        dialog_closed(w).await?;
    }
    // The story is told in Tamil too, in a box added for it.
    const TAMIL: &str = "நெசவாளர் கூட்டுறவு இப்போது இணையத்தில் ஆர்டர்களைப் பெறுகிறது.";
    for round in ["add", "read back"] {
        w.go("stories").await?;
        open_row(w, "story-row", false, "form-story").await?;
        if round == "add" {
            w.select("story-language", "ta").await?;
            w.click("story-language-add").await?;
            w.type_into("field-text-ta", TAMIL).await?;
            w.shot(shots, "12b-story-in-tamil").await?;
            w.click("form-save").await?;
        } else {
            let kept = w
                .eval(
                    "return document.querySelector('[data-testid=field-text-ta]')?.value;",
                    vec![],
                )
                .await?;
            ensure!(
                kept == json!(TAMIL),
                "the story's Tamil text once saved: {kept}"
            );
            w.click("form-cancel").await?;
        }
        dialog_closed(w).await?;
        w.settled().await?;
    }
    w.go("gaps").await?;
    w.find("gap-row").await?;

    // A gap's form offers the workshops of its district's state alone: the sample's one in
    // Varanasi, chosen, and none once the district is moved to Madurai in Tamil Nadu.
    w.eval(
        "[...document.querySelectorAll('[data-testid=gap-row]')]\
         .find((r) => r.textContent.includes('plastic covers')).click();",
        vec![],
    )
    .await?;
    w.find("form-gap").await?;
    const WORKSHOPS: &str = "[...document.querySelector('[data-testid=field-workshop]').options]";
    w.wait_until(
        &format!(
            "{WORKSHOPS}.length === 2 && {WORKSHOPS}[1].selected \
             && {WORKSHOPS}[1].textContent.includes('Varanasi')"
        ),
        "the gap's workshop offered and chosen",
    )
    .await?;
    w.select("field-district", "578").await?;
    w.wait_until(
        &format!("{WORKSHOPS}.length === 1"),
        "no workshop offered in Tamil Nadu",
    )
    .await?;
    w.click("form-cancel").await?;
    dialog_closed(w).await?;
    // A new action on the first gap, then deleted again.
    w.click("add-action-for-gap").await?;
    w.find("form-action").await?;
    w.type_into("field-owner", "District Industries Centre")
        .await?;
    // A due date long past, set as the date picker would.
    w.eval(
        "const due = document.querySelector('[data-testid=field-due]'); due.value = '2026-01-15'; \
         due.dispatchEvent(new Event('input', { bubbles: true })); \
         due.dispatchEvent(new Event('change', { bubbles: true }));",
        vec![],
    )
    .await?;
    w.click("form-save").await?;
    dialog_closed(w).await?;
    w.settled().await?;
    const NEW_ACTION: &str = "[...document.querySelectorAll('[data-testid=action-row]')]\
         .find((r) => r.textContent.includes('District Industries Centre'))";
    w.wait_until(
        &format!("document.body.dataset.route === 'actions' && !!{NEW_ACTION}"),
        "the new action in the list",
    )
    .await?;
    // The list says which gap the action is for, and that it is overdue.
    let gap = w
        .eval(
            &format!("return {NEW_ACTION}.cells[0].textContent;"),
            vec![],
        )
        .await?;
    let gap = gap.as_str().unwrap_or_default().to_owned();
    ensure!(!gap.is_empty(), "the new action's row names no gap");
    ensure!(
        w.eval(
            &format!("return !!{NEW_ACTION}.querySelector('[data-testid=overdue]');"),
            vec![]
        )
        .await?
            == json!(true),
        "an action due on 2026-01-15 and still open is not marked overdue"
    );
    // Its owner is offered by the owner filter, with its one action to do.
    w.wait_until(
        "[...document.querySelectorAll('[data-testid=action-owner-filter] option')]\
         .some((o) => o.textContent === 'District Industries Centre (1 to do)')",
        "the new action's owner offered",
    )
    .await?;
    w.shot(shots, "14-actions").await?;
    // "Overdue" lists it alone: the sample's action is due in 2027.
    w.select("action-filter", "1").await?;
    w.wait_until(
        "document.querySelectorAll('[data-testid=action-row]').length === 1 \
         && document.querySelectorAll('[data-testid=action-row] [data-testid=overdue]').length === 1",
        "only the overdue action under the Overdue filter",
    )
    .await?;
    w.select("action-filter", "0").await?;
    // The gap counts the action as one still to do.
    w.go("gaps").await?;
    w.wait_until(
        &format!(
            "[...document.querySelectorAll('[data-testid=gap-row]')]\
             .some((r) => r.cells[0].textContent === {gap:?} && r.cells[4].textContent === '1 of 1 to do')"
        ),
        "the gap to count its new action",
    )
    .await?;
    // The dashboard counts it, and leads to the overdue actions alone.
    w.go("dashboard").await?;
    w.wait_until(
        "document.querySelector('[data-testid=stat-overdue] .stat-value')?.textContent === '1'",
        "the dashboard to count one overdue action",
    )
    .await?;
    w.click("see-overdue").await?;
    w.wait_until(
        &format!(
            "document.body.dataset.route === 'actions' && !!{NEW_ACTION} \
             && document.querySelectorAll('[data-testid=action-row]').length === 1"
        ),
        "the overdue actions from the dashboard",
    )
    .await?;
    w.select("action-filter", "0").await?;
    w.wait_until(
        "document.querySelectorAll('[data-testid=action-row]').length === 2",
        "every action again",
    )
    .await?;
    let before = w.count("action-row").await?;
    w.eval(
        "[...document.querySelectorAll('[data-testid=action-row]')]\
         .find((r) => r.textContent.includes('District Industries Centre'))\
         .querySelector('[data-testid=row-delete]').click();",
        vec![],
    )
    .await?;
    w.click("confirm-delete").await?;
    w.wait_until(
        &format!(
            "document.querySelectorAll('[data-testid=action-row]').length === {}",
            before - 1
        ),
        "the action to be deleted",
    )
    .await?;
    Ok(())
}

/// A Sampark workshop's page: what came of it. A gap heard there is added from it, then an
/// action on that gap; returns the workshop's id.
async fn workshop_outcome(w: &Window, shots: &Path, harness: &Harness) -> Result<String> {
    // A gap's row names the workshop it was heard at, and opens its page.
    w.go("gaps").await?;
    w.click("[data-testid=\"gap-row\"] [data-testid=\"gap-workshop\"]")
        .await?;
    w.shown("workshop").await?;
    ensure!(
        w.count("form-gap").await? == 0,
        "the workshop's link opened the gap's form as well"
    );
    w.go("workshops").await?;
    w.click("[data-testid=\"workshop-row\"] [data-testid=\"workshop-outcome\"]")
        .await?;
    w.shown("workshop").await?;
    let id = w
        .eval("return location.hash.split('/')[2];", vec![])
        .await?
        .as_str()
        .unwrap_or_default()
        .to_owned();
    ensure!(
        w.count("form-workshop").await? == 0,
        "the outcome button opened the workshop's form as well"
    );
    ensure!(
        figure(w, "workshop-met").await? == 3,
        "the page does not count the three sellers met"
    );
    let heard = w.count("workshop-gap").await?;
    ensure!(
        heard == 2,
        "the sample's workshop shows {heard} gaps heard, not 2"
    );
    ensure!(
        figure(w, "workshop-gaps").await? == 2,
        "the gaps heard are not counted"
    );

    w.click("workshop-add-gap").await?;
    w.find("form-gap").await?;
    w.wait_until(
        &format!("document.querySelector('[data-testid=field-workshop]').value === '{id}'"),
        "the new gap's workshop chosen",
    )
    .await?;
    w.select("field-kind", "buyer_connection").await?;
    w.type_into(
        "field-description",
        "Carpet buyers from Jaipur asked for a sample catalogue.",
    )
    .await?;
    w.click("form-save").await?;
    dialog_closed(w).await?;
    const NEW_GAP: &str = "[...document.querySelectorAll('[data-testid=workshop-gap]')]\
         .find((g) => g.textContent.includes('sample catalogue'))";
    w.wait_until(
        &format!(
            "document.querySelectorAll('[data-testid=workshop-gap]').length === 3 \
             && !!{NEW_GAP}?.querySelector('[data-testid=workshop-no-action]')"
        ),
        "the new gap on the workshop's page, with no action yet",
    )
    .await?;
    w.eval(
        &format!(
            "{NEW_GAP}.querySelector('[data-testid=add-action-for-gap]').click(); return null;"
        ),
        vec![],
    )
    .await?;
    w.find("form-action").await?;
    w.type_into("field-owner", "Export Promotion Council for Handicrafts")
        .await?;
    w.click("form-save").await?;
    dialog_closed(w).await?;
    w.wait_until(
        &format!(
            "document.body.dataset.route === 'workshop' \
             && {NEW_GAP}?.querySelectorAll('[data-testid=workshop-action]').length === 1 \
             && {NEW_GAP}.textContent.includes('Export Promotion Council')"
        ),
        "the new action beneath its gap on the workshop's page",
    )
    .await?;
    w.shot(shots, "14d-workshop-outcome").await?;

    // The report, printed from the page, holds what was just added there.
    w.click("workshop-print").await?;
    let pages = report_saved(
        w,
        harness,
        "workshops",
        "workshop.pdf",
        &[
            "Sampark",
            "Gaps heard (3)",
            "sample catalogue",
            "Export Promotion",
        ],
    )
    .await?;
    ensure!(pages == 1, "the workshop's report has {pages} pages, not 1");
    w.shot(shots, "14e-workshop-report").await?;
    w.click("brochure-back").await?;
    w.shown("workshop").await?;
    Ok(id)
}

/// A report shown on the print screen: filed under `menu` in the side menu, saved as `file`
/// in the scratch folder, holding every `wanted` text. Returns its page count.
async fn report_saved(
    w: &Window,
    harness: &Harness,
    menu: &str,
    file: &str,
    wanted: &[&str],
) -> Result<u64> {
    let pages = w.brochure_shown().await?;
    let under = w
        .eval(
            "return document.querySelector('.side-nav a[aria-current=page]')?.dataset.route;",
            vec![],
        )
        .await?;
    ensure!(
        under == menu,
        "{file} is shown under {under} in the side menu, not under {menu}"
    );
    let file = harness.scratch()?.join(file);
    w.type_into("brochure-path", &file.to_string_lossy())
        .await?;
    let text = save_brochure(w, &file).await?;
    for want in wanted {
        ensure!(
            text.contains(want),
            "the saved {} lacks {want:?}: {text}",
            file.display()
        );
    }
    Ok(pages)
}

/// A state's actions still to do, printed for their review from the action list, and its
/// success stories from theirs.
async fn actions_review(w: &Window, shots: &Path, harness: &Harness) -> Result<()> {
    w.go("actions").await?;
    w.select("action-state-filter", "").await?;
    // Without a state chosen, the button asks for one and stays on the list.
    w.click("action-print").await?;
    w.wait_until(
        "document.querySelector('[data-testid=notice]')?.textContent.includes('Choose a state')",
        "the review asking for a state",
    )
    .await?;
    ensure!(
        w.eval("return document.body.dataset.route;", vec![])
            .await?
            == "actions",
        "the review left the action list without a state"
    );
    w.select("action-state-filter", "9").await?;
    w.click("action-print").await?;
    // The action added on the workshop's page is its owner's, with the gap it answers.
    report_saved(
        w,
        harness,
        "actions",
        "review.pdf",
        &[
            "Actions to review",
            "Export Promotion Council",
            "Carpet buyers",
            "District Industries Centre, Varanasi",
        ],
    )
    .await?;
    w.shot(shots, "14f-actions-review").await?;
    w.click("brochure-back").await?;
    w.shown("actions").await?;
    w.wait_until(
        "document.querySelector('[data-testid=action-state-filter]').value === '9'",
        "the action list back on Uttar Pradesh",
    )
    .await?;
    // One owner's actions: the state's owners are offered, each with its actions to do.
    const OWNERS: &str =
        "[...document.querySelectorAll('[data-testid=action-owner-filter] option')].map((o) => o.textContent)";
    w.wait_until(
        &format!(
            "{OWNERS}.includes('District Industries Centre, Varanasi (1 to do)') \
             && {OWNERS}.length >= 3"
        ),
        "Uttar Pradesh's owners offered",
    )
    .await?;
    const ROWS: &str = "document.querySelectorAll('[data-testid=action-row]').length";
    let every = w.eval(&format!("return {ROWS};"), vec![]).await?;
    w.select(
        "action-owner-filter",
        "District Industries Centre, Varanasi",
    )
    .await?;
    w.wait_until(
        &format!(
            "{ROWS} > 0 && {ROWS} < {every} \
             && [...document.querySelectorAll('[data-testid=action-row]')]\
                .every((r) => r.cells[2].textContent === 'District Industries Centre, Varanasi')"
        ),
        "the District Industries Centre's actions alone",
    )
    .await?;
    w.shot(shots, "14h-actions-of-one-owner").await?;
    // Printed, the review is that owner's own.
    w.click("action-print").await?;
    report_saved(
        w,
        harness,
        "actions",
        "review-of-one-owner.pdf",
        &[
            "Actions to review",
            "District Industries Centre, Varanasi",
            "Design a shared",
        ],
    )
    .await?;
    let title = w.text("brochure-title").await?;
    ensure!(
        title == "Actions to review, Uttar Pradesh: District Industries Centre, Varanasi",
        "{title:?}"
    );
    w.click("brochure-back").await?;
    w.shown("actions").await?;
    w.wait_until(
        "document.querySelector('[data-testid=action-owner-filter]').value \
         === 'District Industries Centre, Varanasi'",
        "the action list back on the owner's actions",
    )
    .await?;
    w.select("action-owner-filter", "").await?;
    w.wait_until(
        &format!("{ROWS} === {every}"),
        "every owner's actions again",
    )
    .await?;

    // The state's success stories, the sample's told in Tamil too since its form gave it.
    w.go("stories").await?;
    w.select("story-state-filter", "9").await?;
    w.click("story-print").await?;
    report_saved(
        w,
        harness,
        "stories",
        "stories.pdf",
        &[
            "success stories",
            "From the loom to ONDC",
            "நெசவாளர் கூட்டுறவு",
        ],
    )
    .await?;
    w.shot(shots, "14g-stories").await?;
    Ok(())
}

async fn search(w: &Window, shots: &Path) -> Result<()> {
    w.type_into("global-search", "बनारसी").await?;
    w.wait_until(
        "document.body.dataset.route === 'search' && \
         document.querySelector('[data-testid=search-results]')?.dataset.query === 'बनारसी' && \
         document.querySelectorAll('[data-testid=search-hit]').length > 0",
        "results for a Devanagari query",
    )
    .await?;
    w.shot(shots, "15-search-devanagari").await?;
    // A story told in Tamil in its form is found by a Tamil word.
    w.type_into("global-search", "நெசவாளர்").await?;
    w.wait_until(
        "document.querySelector('[data-testid=search-results]')?.dataset.query === 'நெசவாளர்' && \
         [...document.querySelectorAll('[data-testid=search-hit]')].some((h) => h.textContent.includes('From the loom to ONDC'))",
        "a Tamil word to find the story told in Tamil",
    )
    .await?;
    w.type_into("global-search", "chik").await?;
    w.wait_until(
        "document.querySelector('[data-testid=search-results]')?.dataset.query === 'chik' && \
         [...document.querySelectorAll('[data-testid=search-hit]')].some((h) => h.textContent.includes('Chikankari'))",
        "a prefix to find Chikankari",
    )
    .await?;
    Ok(())
}

/// Loads the LGD lists and the national list through the wizard, reading each report.
async fn import(w: &Window, shots: &Path) -> Result<u64> {
    let data = shared_data();
    w.go("import").await?;
    // Given the state list alone, the wizard tells what it is and asks for its pair.
    w.select("import-layout", "auto").await?;
    w.type_into(
        "import-path",
        &path_text(&data.join("lgd_states_2022-02.csv"))?,
    )
    .await?;
    w.click("import-check").await?;
    w.find("import-recognised").await?;
    let placed = w
        .eval(
            "return { layout: document.querySelector('[data-testid=import-layout]').value, \
                      states: document.querySelector('[data-testid=import-states]').value };",
            vec![],
        )
        .await?;
    ensure!(
        placed["layout"] == "lgd"
            && placed["states"]
                .as_str()
                .is_some_and(|p| p.ends_with("lgd_states_2022-02.csv")),
        "the state list was told as {placed}"
    );
    w.shot(shots, "16a-import-recognised-lgd").await?;
    w.type_into(
        "import-districts",
        &path_text(&data.join("lgd_districts_2022-12.csv"))?,
    )
    .await?;
    w.click("import-check").await?;
    w.find("import-preview").await?;
    w.click("import-run").await?;
    w.find("import-report").await?;
    w.shot(shots, "16-import-lgd-report").await?;

    check_national(w).await?;
    let rows = figure(w, "report-rows").await?;
    let new = figure(w, "report-imported").await?;
    ensure!(rows > 1000, "the national list shows {rows} rows");
    ensure!(
        new > 1000,
        "a dry run of the national list would add {new} products"
    );
    w.shot(shots, "17-import-national-preview").await?;
    w.click("import-run").await?;
    w.find("import-report").await?;
    let imported = figure(w, "report-imported").await?;
    let merged = figure(w, "report-merged").await?;
    let flagged = figure(w, "report-flagged").await?;
    ensure!(
        imported + merged + flagged == rows,
        "the report's {imported} imported, {merged} merged and {flagged} flagged rows are not its {rows} rows"
    );
    if flagged > 0 {
        ensure!(
            w.count("flagged-row").await? > 0,
            "flagged rows are counted but not listed"
        );
    }
    // The national list's flags are all disagreements with the LGD list, each named in words.
    flag_problems_read(w, "en", &[("unknown_code", 12), ("code_in_other_state", 9)]).await?;
    w.shot(shots, "18-import-national-report").await?;
    Ok(imported)
}

/// Loads the GI registry's list through the wizard, then takes the registry's name for a
/// product the national list marks only as GI-registered.
async fn gi_registry(w: &Window, shots: &Path, scratch: &Path) -> Result<()> {
    // The registry's list, told from its header.
    let list = shared_data().join("gi_registered_india_2025-10.csv");
    let entries = imported_in_the_wizard(w, "auto", &list).await?;
    let told = w
        .eval(
            "return document.querySelector('[data-testid=import-recognised]')?.dataset.layout ?? null;",
            vec![],
        )
        .await?;
    ensure!(told == "gi", "the GI registry's list was told as {told}");
    ensure!(
        w.count("import-gi-check").await? == 1 && w.text("notice").await?.contains("GI registry"),
        "the loaded registry does not point to the GI check"
    );
    ensure!(entries > 600, "the GI registry list gave {entries} entries");
    // A desk that does not sync is told nothing of what the server will do with the list.
    ensure!(
        w.count("import-gi-fate").await? == 0,
        "a desk that never synced is told of the server"
    );
    // The registry's GIs of other countries are flagged, each naming its country.
    let abroad = w
        .eval(
            "return [...document.querySelectorAll('[data-testid=flagged-row][data-code=unknown_state_name]')] \
               .filter((r) => r.querySelector('[data-testid=flag-reason]').textContent.includes('no state or UT')).length;",
            vec![],
        )
        .await?;
    ensure!(
        abroad == 39,
        "{abroad} GIs of other countries are flagged, not 39"
    );
    w.shot(shots, "18a-import-gi-report").await?;

    // Kani Shawls of Budgam: "GI: Yes" in the national list, with no registry name.
    w.type_into("global-search", "Kani Shawls").await?;
    w.wait_until(
        "[...document.querySelectorAll('[data-testid=search-hit]')].some((h) => h.textContent.includes('Kani Shawls'))",
        "Kani Shawls among the search results",
    )
    .await?;
    w.eval(
        "[...document.querySelectorAll('[data-testid=search-hit]')].find((h) => h.textContent.includes('Kani Shawls')).click();",
        vec![],
    )
    .await?;
    w.find("gi-note").await?;
    let issue = w
        .eval(
            "return document.querySelector('[data-testid=gi-note]').dataset.issue;",
            vec![],
        )
        .await?;
    ensure!(issue == "unnamed", "the GI note says {issue}");
    let offered = w
        .eval(
            "return document.querySelector('[data-testid=gi-take]').dataset.name;",
            vec![],
        )
        .await?;
    ensure!(
        offered == "Kani Shawl",
        "the registry entry offered first is {offered}"
    );
    w.shot(shots, "18b-product-gi-note").await?;
    w.click("gi-take").await?;
    w.wait_until(
        "document.querySelector('[data-testid=product-gi-name]')?.textContent === 'Kani Shawl' && \
         !document.querySelector('[data-testid=gi-note]')",
        "the registry's name on the product page",
    )
    .await?;
    ensure!(
        w.text("notice").await?.contains("Kani Shawl"),
        "no notice says the name was set"
    );
    w.shot(shots, "18c-product-gi-named").await?;

    // The whole check, from the dashboard's GI panel, for Jammu and Kashmir.
    w.go("dashboard").await?;
    w.click("gi-check-link").await?;
    w.find("gi-summary").await?;
    // Every state's counts first, each opening that state's check.
    let states = w.count("gi-state-row").await?;
    ensure!(
        states > 20,
        "the check of every state lists {states} states"
    );
    w.shot(shots, "18d-gi-check-every-state").await?;
    w.select("gi-state", "1").await?;
    w.wait_until(
        "location.hash === '#/gi/1' && document.querySelector('[data-testid=gi-summary]')",
        "the check of one state",
    )
    .await?;
    let rows = w
        .eval(
            "const rows = [...document.querySelectorAll('[data-testid=gi-finding]')]; \
             return { rows: rows.length, kani: rows.some((r) => r.textContent.includes('Kani Shawls')), \
                      clear: document.querySelectorAll('[data-testid=gi-finding][data-issue=unnamed] .badge').length };",
            vec![],
        )
        .await?;
    ensure!(
        rows["rows"].as_u64() > Some(0)
            && rows["kani"] == false
            && rows["clear"].as_u64() > Some(0),
        "the check of Jammu and Kashmir shows {rows}"
    );
    w.shot(shots, "18e-gi-check").await?;
    // The findings saved as a worklist in the national layout.
    let list = scratch.join("gi-check.csv");
    w.type_into("gi-export-path", &list.to_string_lossy())
        .await?;
    w.click("gi-export").await?;
    w.wait_until(
        "/\\d/.test(document.querySelector('[data-testid=gi-export-out]').textContent)",
        "the worklist to be written",
    )
    .await?;
    let text = std::fs::read_to_string(&list).context("the worklist was not written")?;
    ensure!(
        text.starts_with("State,Product,District,LGD Code") && text.lines().count() as u64 > 1,
        "the worklist reads: {}",
        text.lines().next().unwrap_or_default()
    );
    w.click("gi-name-them").await?;
    w.wait_until(
        "document.querySelector('[data-testid=notice]')?.textContent.includes('GI registry') && \
         document.querySelectorAll('[data-testid=gi-finding][data-issue=unnamed] .badge').length === 0",
        "the clear names taken",
    )
    .await?;
    // The export comes next, on the screen it shares with the import.
    w.go("import").await
}

/// Checks the national list in the import wizard (a dry run) and waits for its report.
async fn check_national(w: &Window) -> Result<()> {
    w.select("import-layout", "national").await?;
    w.type_into(
        "import-path",
        &path_text(&shared_data().join("odop_products_v31_20250707.csv"))?,
    )
    .await?;
    w.click("import-check").await?;
    w.find("import-preview").await?;
    Ok(())
}

async fn export(w: &Window, scratch: &Path) -> Result<()> {
    let file = scratch.join("products.csv");
    w.select("export-what", "product").await?;
    w.type_into("export-path", &file.to_string_lossy()).await?;
    w.click("export-run").await?;
    w.wait_until(
        "/\\d/.test(document.querySelector('[data-testid=export-out]').textContent)",
        "the export to finish",
    )
    .await?;
    let text = std::fs::read_to_string(&file).context("the export wrote no file")?;
    ensure!(
        text.lines().count() > 1000,
        "the export has {} lines",
        text.lines().count()
    );

    // Workshops go out to a workbook and come back through the wizard, every row matched.
    let file = scratch.join("workshops.xlsx");
    w.select("export-what", "workshop").await?;
    w.type_into("export-path", &file.to_string_lossy()).await?;
    w.click("export-run").await?;
    w.wait_until(
        "document.querySelector('[data-testid=export-out]').textContent.includes('workshops.xlsx')",
        "the workshops' export to finish",
    )
    .await?;
    w.go("import").await?;
    w.select("import-layout", "workshops").await?;
    w.type_into("import-path", &path_text(&file)?).await?;
    w.click("import-check").await?;
    w.find("import-preview").await?;
    let rows = figure(w, "report-rows").await?;
    let merged = figure(w, "report-merged").await?;
    let flagged = figure(w, "report-flagged").await?;
    ensure!(
        rows > 0 && merged == rows && flagged == 0,
        "the exported workshops read back as {rows} rows, {merged} merged, {flagged} flagged"
    );
    Ok(())
}

/// Imports `file` as `layout` through the wizard, checked then run, and gives how many rows the
/// report says were imported.
async fn imported_in_the_wizard(w: &Window, layout: &str, file: &Path) -> Result<u64> {
    w.go("import").await?;
    w.select("import-layout", layout).await?;
    w.type_into("import-path", &path_text(file)?).await?;
    w.click("import-check").await?;
    w.find("import-preview").await?;
    w.click("import-run").await?;
    w.find("import-report").await?;
    figure(w, "report-imported").await
}

/// Searches with the header box and gives how many records are found once the results for
/// `query` are drawn.
async fn hits_for(w: &Window, query: &str) -> Result<usize> {
    w.type_into("global-search", query).await?;
    w.wait_until(
        &format!(
            "document.body.dataset.route === 'search' && \
             document.querySelector('[data-testid=search-results]')?.dataset.query === {}",
            json!(query)
        ),
        "the search results",
    )
    .await?;
    w.count("search-hit").await
}

/// The database is backed up from the Import and export screen; a seller added afterwards is
/// gone once the backup is read and restored, and the database the restore replaced is kept in
/// the data folder's `backups`.
async fn backup_and_restore(w: &Window, shots: &Path, harness: &Harness) -> Result<()> {
    let scratch = harness.scratch()?;
    let file = scratch.join("desk-backup.sqlite3");
    w.go("import").await?;
    w.type_into("backup-path", &file.to_string_lossy()).await?;
    w.click("backup-run").await?;
    w.find("backup-saved").await?;
    let sellers = figure(w, "backup-seller").await?;
    ensure!(
        file.is_file() && sellers > 600,
        "the backup at {} holds {sellers} sellers",
        file.display()
    );
    w.shot(shots, "20-backup-saved").await?;

    let later = scratch.join("after-backup.csv");
    std::fs::write(
        &later,
        "Name,Kind,State,District,LGD Code
Backupweaver Trust,weaver,Uttar Pradesh,Varanasi,187
",
    )?;
    ensure!(imported_in_the_wizard(w, "sellers", &later).await? == 1);
    ensure!(
        hits_for(w, "backupweaver").await? == 1,
        "the new seller is not found"
    );

    w.go("import").await?;
    w.type_into("restore-path", &path_text(&file)?).await?;
    ensure!(
        w.count("[data-testid=restore-run]:not([hidden])").await? == 0,
        "a restore is offered before the backup is read"
    );
    w.click("restore-check").await?;
    w.find("restore-preview").await?;
    ensure!(figure(w, "backup-seller").await? == sellers);
    ensure!(
        w.text("restore-warning").await?.contains("backups folder"),
        "no word that the present database is kept"
    );
    w.shot(shots, "21-restore-preview").await?;
    w.click("restore-run").await?;
    w.find("restore-done").await?;
    let done = w.text("restore-done").await?;
    let kept: Vec<PathBuf> = std::fs::read_dir(harness.data_dir().join("backups"))?
        .map(|e| e.map(|e| e.path()))
        .collect::<std::io::Result<_>>()?;
    ensure!(
        kept.len() == 1 && done.contains(&path_text(&kept[0])?),
        "the restore says {done:?}; kept {kept:?}"
    );
    w.shot(shots, "22-restored").await?;
    ensure!(
        hits_for(w, "backupweav").await? == 0,
        "the seller added after the backup is still there"
    );
    w.go("sellers").await?;
    w.find("seller-row").await?;
    Ok(())
}

/// A district with more sellers than a form lists at once: 600 looms of Varanasi come in
/// through the import wizard, and the workshop's form finds one beyond the first 500 by a part
/// of its name, ticks it, and keeps it ticked when saved; a story chooses another the same way
/// and keeps it. An action keeps its gap among 600 newer ones.
async fn long_lists(w: &Window, shots: &Path, scratch: &Path) -> Result<()> {
    let file = scratch.join("looms.csv");
    let mut text = String::from("Name,Kind,State,District,LGD Code\n");
    for i in 1..=600 {
        text.push_str(&format!("Loom {i:03},weaver,Uttar Pradesh,Varanasi,187\n"));
    }
    std::fs::write(&file, text)?;
    let imported = imported_in_the_wizard(w, "sellers", &file).await?;
    ensure!(imported == 600, "{imported} of the 600 looms imported");

    w.go("workshops").await?;
    open_row(w, "workshop-row", false, "form-workshop").await?;
    w.wait_until(
        "document.querySelector('[data-testid=field-sellers_met] .pick-find')?.hidden === false",
        "a box to find one of Varanasi's sellers",
    )
    .await?;
    // The sample's two, the weaver added earlier, and the looms.
    let count = w.text("pick-count").await?;
    ensure!(
        count == "The first 500 of 603 are listed; type a name to find the others.",
        "{count:?}"
    );
    const OFFERED: &str = "[...document.querySelectorAll('[data-testid=field-sellers_met] label')]\
         .map((l) => l.textContent)";
    let offered = w.eval(&format!("return {OFFERED};"), vec![]).await?;
    ensure!(
        !offered
            .as_array()
            .is_some_and(|o| o.contains(&json!("Loom 599"))),
        "a loom beyond the first 500 is offered before it is looked for"
    );
    w.type_into("pick-filter", "loom 59").await?;
    w.wait_until(
        "document.querySelector('[data-testid=pick-count]').textContent === 'Found: 10'",
        "the ten looms numbered 590 to 599",
    )
    .await?;
    tick(w, "field-sellers_met", "Loom 599").await?;
    w.shot(shots, "11c-workshop-finds-a-seller").await?;
    w.click("form-save").await?;
    dialog_closed(w).await?;
    w.settled().await?;
    open_row(w, "workshop-row", false, "form-workshop").await?;
    w.wait_until(
        "document.querySelectorAll('[data-testid=field-sellers_met] input:checked').length === 4",
        "the four sellers met ticked once saved",
    )
    .await?;
    let met = ticked(w, "field-sellers_met").await?;
    ensure!(
        met == json!([
            "Kashi Silk Weavers Cooperative",
            "Kashi Weavers Collective",
            "Lalita Devi",
            "Loom 599"
        ]),
        "sellers met as ticked: {met}"
    );
    w.click("form-cancel").await?;
    dialog_closed(w).await?;

    // A story's seller likewise: found by name, chosen, and still the choice when the story is
    // opened again, though the list's first 500 leave it out.
    const SELLER: &str = "document.querySelector('[data-testid=field-seller]')";
    w.go("stories").await?;
    open_row(w, "story-row", true, "form-story").await?;
    w.wait_until(
        "document.querySelector('.with-finder .pick-find')?.hidden === false",
        "a box to find the story's seller",
    )
    .await?;
    w.type_into("pick-filter", "loom 600").await?;
    w.wait_until(
        &format!(
            "document.querySelector('[data-testid=pick-count]').textContent === 'Found: 1' \
             && [...{SELLER}.options].some((o) => o.textContent === 'Loom 600')"
        ),
        "Loom 600 found",
    )
    .await?;
    let id = w
        .eval(
            &format!(
                "return [...{SELLER}.options].find((o) => o.textContent === 'Loom 600').value;"
            ),
            vec![],
        )
        .await?;
    w.select("field-seller", id.as_str().unwrap_or_default())
        .await?;
    w.click("form-save").await?;
    dialog_closed(w).await?;
    w.settled().await?;
    open_row(w, "story-row", true, "form-story").await?;
    w.wait_until(
        &format!("{SELLER}.selectedOptions[0]?.textContent === 'Loom 600'"),
        "the story's seller, past the first 500, still chosen",
    )
    .await?;
    w.click("form-cancel").await?;
    dialog_closed(w).await?;

    // An action's gap likewise, among more gaps than the list offers: 600 newer gaps come in,
    // and the action's form still names its own, the oldest, rather than the first listed.
    const GAP: &str =
        "document.querySelector('[data-testid=field-gap]').selectedOptions[0]?.textContent";
    let action_gap = || async {
        w.go("actions").await?;
        open_row(w, "action-row", false, "form-action").await?;
        let gap = w.eval(&format!("return {GAP};"), vec![]).await?;
        w.click("form-cancel").await?;
        dialog_closed(w).await?;
        anyhow::Ok(gap)
    };
    let before = action_gap().await?;
    ensure!(
        before.as_str().is_some_and(|g| !g.is_empty()),
        "the action's gap: {before}"
    );
    let file = scratch.join("gaps.csv");
    let mut text = String::from("state,district,kind,description\n");
    for i in 1..=600 {
        text.push_str(&format!(
            "9,187,packaging,Boxes for loom {i:03} break in transit\n"
        ));
    }
    std::fs::write(&file, text)?;
    let imported = imported_in_the_wizard(w, "gaps", &file).await?;
    ensure!(imported == 600, "{imported} of the 600 gaps imported");
    let after = action_gap().await?;
    ensure!(
        after == before,
        "the action's gap was {before}, is now {after}"
    );
    Ok(())
}

/// A seller recorded twice: another office's list brings the sample's cooperative again under
/// another name, with its phone written another way, and its second unit under another GSTIN
/// of its PAN (and Lalita Devi's phone on another name, left for the Hindi pass). The import
/// points them out, the duplicates screen shows the records of each set, and merging keeps the
/// chosen one with what the other had.
async fn duplicates(w: &Window, shots: &Path, scratch: &Path) -> Result<()> {
    w.go("sellers").await?;
    w.click("seller-duplicates").await?;
    w.shown("duplicates").await?;
    w.find("dup-none").await?;
    let file = scratch.join("another-office.csv");
    // The sample cooperative's second unit: another GSTIN of its PAN.
    let unit = "09AAACK1234M2Z";
    let unit = format!(
        "{unit}{}",
        odop_domain::Gstin::check_char(unit.as_bytes()).unwrap_or('?')
    );
    std::fs::write(
        &file,
        format!(
            "Name,Kind,State,District,LGD Code,Phone,Email,GSTIN\n\
             Kashi Silk Weavers Co-op Society,cooperative,Uttar Pradesh,Varanasi,187,094150 11223,kashi@example.in,\n\
             Lalita Handloom,weaver,Uttar Pradesh,Varanasi,187,9839044556,,\n\
             Kashi Silk Weavers Unit 2,cooperative,Uttar Pradesh,Varanasi,187,,,{unit}\n"
        ),
    )?;
    let imported = imported_in_the_wizard(w, "sellers", &file).await?;
    ensure!(imported == 3, "{imported} sellers imported");
    let said = w.text("import-duplicates").await?;
    ensure!(
        said.starts_with("Sellers sharing a GSTIN, PAN, Udyam number or phone number with another seller of their state: 3."),
        "{said:?}"
    );
    w.shot(shots, "23-import-duplicates").await?;
    w.click("[data-testid=import-duplicates] a").await?;
    w.shown("duplicates").await?;
    ensure!(w.count("dup-group").await? == 3, "three sets of records");
    // The PAN's set comes first: the cooperative and its second unit.
    let heading = w.text("[data-testid=dup-group] h3").await?;
    ensure!(
        heading == "PAN AAACK1234M, in more than one GSTIN: 2 records",
        "{heading:?}"
    );
    let heading = w
        .text("[data-testid=dup-group][data-mark=phone] h3")
        .await?;
    ensure!(heading == "Phone 9415011223: 2 records", "{heading:?}");
    const PHONE: &str = "document.querySelector('[data-testid=dup-group][data-mark=phone]')";
    const NAMES: &str =
        "[...document.querySelector('[data-testid=dup-group][data-mark=phone]').querySelectorAll('[data-testid=dup-open]')]\
         .map((b) => b.textContent)";
    let names = w.eval(&format!("return {NAMES};"), vec![]).await?;
    ensure!(
        names
            == json!([
                "Kashi Silk Weavers Co-op Society",
                "Kashi Silk Weavers Cooperative"
            ]),
        "{names}"
    );
    // Keep the sample's record, which workshops and stories name; merge the new one into it.
    w.eval(
        &format!("{PHONE}.querySelectorAll('[data-testid=dup-keep]')[1].click();"),
        vec![],
    )
    .await?;
    w.wait_until(
        &format!(
            "(() => {{ const b = {PHONE}.querySelectorAll('[data-testid=dup-merge]'); \
               return !b[0].hidden && b[1].hidden; }})()"
        ),
        "the new record's merge button, and none beside the one kept",
    )
    .await?;
    w.shot(shots, "24-duplicates").await?;
    w.eval(
        &format!("{PHONE}.querySelectorAll('[data-testid=dup-merge]')[0].click();"),
        vec![],
    )
    .await?;
    w.find("confirm-merge").await?;
    w.shot(shots, "25-merge-confirm").await?;
    w.click("confirm-merge").await?;
    dialog_closed(w).await?;
    w.wait_until(
        "document.querySelectorAll('[data-testid=dup-group]').length === 2",
        "the PAN's set and Lalita Devi's left",
    )
    .await?;
    let notice = w.text("notice").await?;
    ensure!(
        notice
            == "Merged “Kashi Silk Weavers Co-op Society” into “Kashi Silk Weavers Cooperative”.",
        "{notice:?}"
    );
    w.shot(shots, "26-merged").await?;
    // The kept record has the email only the other had, and the other is gone.
    w.go("sellers").await?;
    const ROW: &str = "[...document.querySelectorAll('[data-testid=seller-row]')]\
         .find((r) => r.querySelector('.name')?.textContent === 'Kashi Silk Weavers Cooperative')";
    w.wait_until(&format!("!!{ROW}"), "the kept record listed")
        .await?;
    let names = w
        .eval(
            "return [...document.querySelectorAll('[data-testid=seller-row] .name')]\
             .map((n) => n.textContent);",
            vec![],
        )
        .await?;
    ensure!(
        !names
            .as_array()
            .is_some_and(|n| n.contains(&json!("Kashi Silk Weavers Co-op Society"))),
        "the merged record is still listed: {names}"
    );
    w.eval(&format!("{ROW}.click();"), vec![]).await?;
    w.find("form-seller").await?;
    w.wait_until(
        "document.querySelector('[data-testid=field-contact-email]').value === 'kashi@example.in'",
        "the kept record to have the merged one's email",
    )
    .await?;
    w.click("form-cancel").await?;
    dialog_closed(w).await?;
    // A seller added by hand with Lalita Devi's phone is pointed out as it is saved.
    w.click("add-seller").await?;
    w.find("form-seller").await?;
    w.select("field-district", "187").await?;
    w.type_into("field-name", "Lalita Weaves").await?;
    w.select("field-kind", "weaver").await?;
    w.type_into("field-contact-phone", "+91 98390 44556")
        .await?;
    w.click("form-save").await?;
    dialog_closed(w).await?;
    let notice = w.text("notice").await?;
    ensure!(
        notice.contains("Its phone number is also that of Lalita Devi, Lalita Handloom: one seller recorded twice?"),
        "{notice:?}"
    );
    w.shot(shots, "27-seller-shares-a-phone").await?;
    Ok(())
}

/// The states' ODOP policy records: the sample's Uttar Pradesh one changed, a second one for
/// Uttar Pradesh refused beside its state, and Karnataka's added once its notification date
/// is given.
async fn state_policy(w: &Window, shots: &Path) -> Result<()> {
    const ROWS: &str = "[...document.querySelectorAll('[data-testid=policy-row]')]\
         .map((r) => [...r.cells].slice(0, 4).map((c) => c.textContent))";
    w.go("policies").await?;
    w.find("policy-row").await?;
    let rows = w.eval(&format!("return {ROWS};"), vec![]).await?;
    ensure!(
        rows == json!([[
            "Uttar Pradesh",
            "Notified",
            "ODOP scheme, state notification",
            "2018-01-24"
        ]]),
        "the sample's policy as listed: {rows}"
    );
    open_row(w, "policy-row", false, "form-policy").await?;
    let fixed = w
        .eval(
            "return document.querySelector('[data-testid=field-state]').disabled;",
            vec![],
        )
        .await?;
    ensure!(
        fixed == json!(true),
        "a saved policy's state can be changed"
    );
    w.select("field-status", "drafting").await?;
    w.click("form-save").await?;
    dialog_closed(w).await?;
    w.wait_until(
        "document.querySelector('[data-testid=policy-row]')?.cells[1].textContent === 'Being drafted'",
        "the policy's new status in the list",
    )
    .await?;

    w.click("add-policy").await?;
    w.find("form-policy").await?;
    w.select("field-state", "9").await?;
    w.select("field-status", "drafting").await?;
    w.click("form-save").await?;
    w.wait_until(
        "document.querySelector('[data-testid=field-state-error]')?.textContent === \
         'This state already has its policy record; open it from the list to change it.'",
        "a second policy for Uttar Pradesh refused beside its state",
    )
    .await?;
    w.shot(shots, "14b-policy-form-error").await?;
    w.select("field-state", "29").await?;
    w.select("field-status", "notified").await?;
    w.click("form-save").await?;
    w.wait_until(
        "!document.querySelector('[data-testid=field-notified_on-error]')?.hidden",
        "a notified policy without its date refused beside the date",
    )
    .await?;
    w.eval(
        "const on = document.querySelector('[data-testid=field-notified_on]'); \
         on.value = '2019-03-01'; on.dispatchEvent(new Event('input', { bubbles: true })); \
         on.dispatchEvent(new Event('change', { bubbles: true }));",
        vec![],
    )
    .await?;
    w.click("form-save").await?;
    dialog_closed(w).await?;
    w.wait_until(
        "document.querySelectorAll('[data-testid=policy-row]').length === 2",
        "Karnataka's policy in the list",
    )
    .await?;
    let rows = w.eval(&format!("return {ROWS};"), vec![]).await?;
    ensure!(
        rows.as_array().is_some_and(|rs| rs.contains(&json!([
            "Karnataka",
            "Notified",
            "",
            "2019-03-01"
        ]))),
        "the policies as listed: {rows}"
    );
    w.shot(shots, "14c-policies").await?;
    Ok(())
}

/// Opens the form of a listed record, the first row with test id `row` (the `last` one), and
/// waits for the form with test id `form`.
async fn open_row(w: &Window, row: &str, last: bool, form: &str) -> Result<()> {
    let pick = if last { ".at(-1)" } else { "[0]" };
    w.eval(
        &format!(
            "[...document.querySelectorAll('[data-testid={row}]')]{pick}.click(); return null;"
        ),
        vec![],
    )
    .await?;
    w.find(form).await?;
    Ok(())
}

/// Fails naming `what` when the element `element` (a script expression) shows any of the
/// interface's `keys` rather than its words.
async fn no_key_left(w: &Window, keys: &[String], element: &str, what: &str) -> Result<()> {
    let leaked = w
        .eval(
            &format!(
                "const text = {element}.innerText; \
                 return arguments[0].filter((k) => text.includes(k));"
            ),
            vec![json!(keys)],
        )
        .await?;
    ensure!(
        leaked.as_array().is_some_and(Vec::is_empty),
        "{what} shows untranslated keys: {leaked}"
    );
    Ok(())
}

/// Every screen in Hindi, with no untranslated key left on it.
async fn in_hindi(
    w: &Window,
    shots: &Path,
    keys: &[String],
    product: &str,
    workshop: &str,
) -> Result<()> {
    w.click("lang-hi").await?;
    w.wait_until(
        "document.querySelector('[data-testid=nav-dashboard]').textContent.includes('डैशबोर्ड')",
        "the navigation in Hindi",
    )
    .await?;
    w.type_into("global-search", "बनारसी").await?;
    let mut screens: Vec<(String, String)> = ROUTES
        .iter()
        .map(|r| (format!("#/{r}"), format!("hi-{r}")))
        .collect();
    screens.push(("#/district/187".into(), "hi-district".into()));
    screens.push(("#/gi/1".into(), "hi-gi-check".into()));
    screens.push(("#/duplicates".into(), "hi-duplicates".into()));
    screens.push((format!("#/workshop/{workshop}"), "hi-workshop".into()));
    screens.push((format!("#/product/{product}"), "hi-product".into()));
    screens.push((
        format!("#/brochure/product/{product}"),
        "hi-brochure".into(),
    ));
    for (hash, name) in screens {
        w.eval("location.hash = arguments[0];", vec![json!(hash)])
            .await?;
        w.wait_until(
            &format!("location.hash === '{hash}'"),
            &format!("{hash} to open"),
        )
        .await?;
        w.settled().await?;
        no_key_left(w, keys, "document.body", &hash).await?;
        w.shot(shots, &name).await?;
    }

    // The workshop's form says its ticks and its media coverage in Hindi too.
    w.eval("location.hash = '#/workshops';", vec![]).await?;
    w.shown("workshops").await?;
    open_row(w, "workshop-row", false, "form-workshop").await?;
    w.wait_until(
        "document.querySelectorAll('[data-testid=field-sellers_met] input:checked').length === 4",
        "the workshop's sellers met ticked, in Hindi (the loom found by name among them)",
    )
    .await?;
    no_key_left(
        w,
        keys,
        "document.getElementById('record-dialog')",
        "the workshop's form",
    )
    .await?;
    w.shot(shots, "hi-workshop-form").await?;
    w.click("form-cancel").await?;
    dialog_closed(w).await?;

    // The states' policies come in the Devanagari order of their Hindi names.
    w.eval("location.hash = '#/policies';", vec![]).await?;
    w.shown("policies").await?;
    let states = w
        .eval(
            "return [...document.querySelectorAll('[data-testid=policy-row]')].map((r) => r.cells[0].textContent);",
            vec![],
        )
        .await?;
    ensure!(
        states == json!(["उत्तर प्रदेश", "कर्नाटक"]),
        "the policies' states in Hindi: {states}"
    );

    // Which records hold a product back from deletion is said in Hindi too.
    w.eval(
        "location.hash = arguments[0];",
        vec![json!(format!("#/product/{product}"))],
    )
    .await?;
    w.settled().await?;
    let said = deletion_refused(w, shots, "hi-product-in-use").await?;
    ensure!(
        said.starts_with("दूसरे रिकॉर्ड अब भी इससे जुड़े हैं। इनमें नाम है: विक्रेता “")
            && said.contains("कहानी “From the loom to ONDC”"),
        "the refused deletion in Hindi: {said}"
    );

    // The districts list follows the Hindi names of the states, in the Devanagari order, not
    // the order of LGD's English names.
    w.eval("location.hash = '#/districts';", vec![]).await?;
    w.settled().await?;
    let order = w
        .eval(
            "const names = [...document.querySelectorAll('[data-testid=district-row] td:first-child')]\
             .map((td) => td.textContent); const c = new Intl.Collator('hi-IN'); \
             return { states: new Set(names).size, first: names[0], \
             sorted: names.every((n, i) => i === 0 || c.compare(names[i - 1], n) <= 0) };",
            vec![],
        )
        .await?;
    ensure!(
        order["states"].as_u64() > Some(1) && order["sorted"] == json!(true),
        "the Hindi districts list is not in the order of the Hindi state names: {order}"
    );

    // A refused value is explained in Hindi from the problem's detail: the rule it broke, in
    // Hindi words, with no English left in the sentence.
    let hindi = words("hi")?;
    let rule = hindi["field.rule.phone_shape"].as_str().unwrap_or_default();
    w.eval("location.hash = '#/sellers';", vec![]).await?;
    w.settled().await?;
    w.click("add-seller").await?;
    w.find("form-seller").await?;
    w.select("field-district", "187").await?;
    w.type_into("field-name", "काशी बुनकर").await?;
    w.select("field-kind", "weaver").await?;
    // The district's products are offered to tick as sold.
    tick(w, "field-products", "Banarasi Silk Saree").await?;
    w.type_into("field-contact-phone", "12").await?;
    w.click("form-save").await?;
    let message = w.text("field-contact-phone-error").await?;
    ensure!(
        !rule.is_empty()
            && message.starts_with("“12”")
            && message.contains(rule)
            && !message.chars().any(|c| c.is_ascii_lowercase()),
        "the Hindi phone error says {message:?}"
    );
    w.shot(shots, "hi-seller-form-error").await?;
    w.click("form-cancel").await?;
    dialog_closed(w).await?;

    // A check of the national list names each flagged row's problem in Hindi.
    w.eval("location.hash = '#/import';", vec![]).await?;
    w.settled().await?;
    check_national(w).await?;
    flag_problems_read(
        w,
        "hi",
        &[
            ("unknown_code", 12),
            ("code_in_other_state", 9),
            ("code_name_mismatch", 6),
        ],
    )
    .await?;
    w.shot(shots, "hi-import-flagged").await?;
    Ok(())
}

/// The flagged rows of the report on screen: `expected` rows of each problem code (each a place
/// that disagrees with LGD), each showing the problem's headline in `lang` and its reason in
/// `lang`'s sentence for that kind of place problem, and the count above the table saying so too.
async fn flag_problems_read(w: &Window, lang: &str, expected: &[(&str, usize)]) -> Result<()> {
    let words = words(lang)?;
    for (code, n) in expected {
        let headline = words[&format!("import.problem.{code}")]
            .as_str()
            .unwrap_or_default();
        // The sentence up to its first value: "LGD code " in English, "LGD कोड " in Hindi.
        let sentence = words[&format!("import.place.{code}")]
            .as_str()
            .unwrap_or_default();
        let opening = sentence.split('{').next().unwrap_or_default();
        let shown = w
            .eval(
                "const rows = [...document.querySelectorAll(`[data-testid=flagged-row][data-code=${arguments[0]}]`)]; \
                 const count = document.querySelector(`[data-testid=flag-problems] [data-code=${arguments[0]}]`); \
                 return { rows: rows.length, \
                          named: rows.filter((r) => r.querySelector('[data-testid=flag-problem]').textContent === arguments[1]).length, \
                          said: rows.filter((r) => r.querySelector('[data-testid=flag-reason]').textContent.startsWith(arguments[2])).length, \
                          count: count ? count.textContent : null };",
                vec![json!(code), json!(headline), json!(opening)],
            )
            .await?;
        let want = json!({ "rows": n, "named": n, "said": n, "count": format!("{n} {headline}") });
        ensure!(
            !headline.is_empty() && opening.len() > 3 && shown == want,
            "flagged {code} rows in {lang}: {shown}, expected {want}"
        );
    }
    // The screenshot after this shows the counts and the rows, not the top of the report.
    w.eval(
        "document.querySelector('[data-testid=flag-problems]').scrollIntoView({ block: 'start' });",
        vec![],
    )
    .await?;
    Ok(())
}

/// The interface's strings in one language, as the app reads them.
fn words(lang: &str) -> Result<serde_json::Map<String, Value>> {
    let path = odop_e2e::repo_root().join(format!("ui/i18n/{lang}.json"));
    Ok(serde_json::from_str(&std::fs::read_to_string(path)?)?)
}

fn interface_keys() -> Result<Vec<String>> {
    // Keys with a dot cannot be mistaken for ordinary words on the page.
    Ok(words("en")?
        .keys()
        .filter(|k| k.contains('.'))
        .cloned()
        .collect())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_screen_works_in_english_and_hindi() -> Result<()> {
    // Cargo builds the app's binary for its integration tests.
    let app = PathBuf::from(env!("CARGO_BIN_EXE_odop-desk"));
    let harness = Harness::start(&app)?;
    let shots = screenshot_dir("desk")?;
    let keys = interface_keys()?;

    let w = harness.open().await?;
    let run = async {
        first_run_and_sample(&w, &shots).await?;
        states_side_by_side(&w, &shots, &harness.scratch()?).await?;
        progress_reports(&w, &shots, &harness).await?;
        districts_to_product(&w, &shots).await?;
        let product = w
            .eval("return location.hash.split('/')[2];", vec![])
            .await?
            .as_str()
            .unwrap_or_default()
            .to_owned();
        edit_product(&w, &shots, &harness.scratch()?).await?;
        brochures(&w, &shots, &harness).await?;
        sellers(&w, &shots, &product).await?;
        workshops_stories_gaps_actions(&w, &shots).await?;
        let workshop = workshop_outcome(&w, &shots, &harness).await?;
        actions_review(&w, &shots, &harness).await?;
        state_policy(&w, &shots).await?;
        search(&w, &shots).await?;
        let imported = import(&w, &shots).await?;
        gi_registry(&w, &shots, &harness.scratch()?).await?;
        export(&w, &harness.scratch()?).await?;
        long_lists(&w, &shots, &harness.scratch()?).await?;
        duplicates(&w, &shots, &harness.scratch()?).await?;
        backup_and_restore(&w, &shots, &harness).await?;
        w.go("dashboard").await?;
        let products = figure(&w, "stat-products").await?;
        ensure!(
            products >= imported,
            "the dashboard counts {products} products after importing {imported}"
        );
        ensure!(
            w.count("state-row").await? > 30,
            "the national list's states are not side by side"
        );
        w.shot(&shots, "19-dashboard-after-import").await?;
        in_hindi(&w, &shots, &keys, &product, &workshop).await
    }
    .await;
    if run.is_err() {
        let _ = w.shot(&shots, "failure").await;
    }
    w.close().await?;
    run?;

    // The language chosen is remembered across a restart.
    let w = harness.open().await?;
    let again = async {
        w.wait_until(
            "document.body.dataset.ready === 'true'",
            "the dashboard after a restart",
        )
        .await?;
        ensure!(
            w.text("nav-dashboard").await?.contains("डैशबोर्ड"),
            "the app forgot it was in Hindi"
        );
        w.shot(&shots, "hi-restart").await?;
        Ok(())
    }
    .await;
    w.close().await?;
    again
}
