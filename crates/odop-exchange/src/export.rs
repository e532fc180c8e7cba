use std::path::Path;

use odop_domain::{Date, Entity, Gazetteer, Platform, Product, SectorList, Seller, StateCode};
use odop_sheet::{write_csv, write_xlsx_typed, CellKind};
use odop_store::{DistrictFigures, GiIssue, ProductFilter, StateFigures, Store};

use crate::national::NATIONAL_COLUMNS;
use crate::sellers::SELLER_COLUMNS;
use crate::ExchangeError;

/// The file types an export can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Csv,
    Xlsx,
}

impl FileKind {
    /// From the file's extension; anything but `.xlsx` is CSV.
    pub fn from_path(path: &Path) -> FileKind {
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("xlsx") => FileKind::Xlsx,
            _ => FileKind::Csv,
        }
    }
}

/// Writes a file of records, every cell text, so that it re-imports unchanged.
pub(crate) fn write(
    path: &Path,
    sheet: &str,
    headers: &[&str],
    rows: Vec<Vec<String>>,
) -> Result<usize, ExchangeError> {
    write_kinds(path, sheet, headers, &[], rows)
}

/// Writes a file whose XLSX columns are of the given kinds (a column past them is text).
fn write_kinds(
    path: &Path,
    sheet: &str,
    headers: &[&str],
    kinds: &[CellKind],
    rows: Vec<Vec<String>>,
) -> Result<usize, ExchangeError> {
    let n = rows.len();
    let mut iter = rows.into_iter();
    match FileKind::from_path(path) {
        FileKind::Csv => write_csv(path, headers, &mut iter)?,
        FileKind::Xlsx => write_xlsx_typed(path, sheet, headers, kinds, &mut iter)?,
    }
    Ok(n)
}

/// Writes products in the national list's layout (plus local name, GI name and id), so that the
/// file re-imports without change. Returns the number of rows written.
pub fn export_products(
    store: &Store,
    filter: &ProductFilter,
    path: &Path,
) -> Result<usize, ExchangeError> {
    let gazetteer = store.gazetteer()?;
    let sectors = store.sectors()?;
    let headers: Vec<&str> = NATIONAL_COLUMNS.iter().map(|c| c.name).collect();
    let rows = store
        .products(filter)?
        .iter()
        .map(|p| product_row(&gazetteer, &sectors, p))
        .collect();
    write(path, "ODOP products", &headers, rows)
}

/// The GI check's findings as a worklist: each product in the national list's layout, then
/// what the check found and the registry entries that fit it. The extra columns are ignored on
/// import, so the file, with its GI Status and GI Name filled in, imports back as an update.
/// Returns the number of rows written.
pub fn export_gi_check(
    store: &Store,
    state: Option<StateCode>,
    path: &Path,
) -> Result<usize, ExchangeError> {
    let gazetteer = store.gazetteer()?;
    let sectors = store.sectors()?;
    let mut headers: Vec<&str> = NATIONAL_COLUMNS.iter().map(|c| c.name).collect();
    headers.extend(["GI Check", "GI Registry Entries That Fit"]);
    let mut rows = Vec::new();
    for f in store.gi_check(state)?.findings {
        let Some(product) = store.get::<Product>(f.product)? else {
            continue;
        };
        let mut row = product_row(&gazetteer, &sectors, &product);
        row.push(
            match f.issue {
                GiIssue::Unnamed => "GI-registered, without the registry's name",
                GiIssue::NotInRegistry => "a GI name the registry does not have",
                GiIssue::NoEntry => "GI-registered, but no entry of the state resembles it",
                GiIssue::MaybeRegistered => "not marked GI-registered, but an entry fits",
            }
            .to_owned(),
        );
        row.push(
            f.candidates
                .iter()
                .map(|c| format!("{} ({:.0} %)", c.name, c.score * 100.0))
                .collect::<Vec<_>>()
                .join("; "),
        );
        rows.push(row);
    }
    write(path, "GI check", &headers, rows)
}

/// The columns of the states side by side: the state, then its figures.
pub const STATE_FIGURE_COLUMNS: [&str; 15] = [
    "State",
    "State LGD Code",
    "Districts",
    "Districts Covered",
    "Districts Without a Primary Product",
    "Products",
    "GI-Registered Products",
    "Sellers",
    "Sellers Onboarded",
    "Sellers Needing Packaging",
    "Workshops",
    "Success Stories",
    "Open Gaps",
    "Overdue Actions",
    "ODOP Policy",
];

/// Every state's figures side by side (`today` judges overdue actions), one row per state that
/// holds a record; in an XLSX the figures are numbers, so the sheet adds them up. Returns the
/// number of rows written.
pub fn export_state_figures(
    store: &Store,
    today: Date,
    path: &Path,
) -> Result<usize, ExchangeError> {
    let rows = store
        .state_figures(today)?
        .iter()
        .map(state_figure_row)
        .collect();
    // The names and the code are labels, not figures to add up.
    let mut kinds = [CellKind::Count; 15];
    kinds[..2].fill(CellKind::Text);
    kinds[14] = CellKind::Text;
    write_kinds(path, "States", &STATE_FIGURE_COLUMNS, &kinds, rows)
}

fn state_figure_row(r: &StateFigures) -> Vec<String> {
    let policy = match r.policy.as_str() {
        "notified" => "Notified",
        "drafting" => "Being drafted",
        _ => "No policy yet",
    };
    let mut row = vec![
        r.name.clone(),
        r.state.to_string(),
        r.districts.to_string(),
        r.districts_covered.to_string(),
    ];
    row.extend(r.counts().iter().map(u64::to_string));
    row.push(policy.to_owned());
    row
}

/// The columns of one state's districts side by side: the district, then its figures.
pub const DISTRICT_FIGURE_COLUMNS: [&str; 11] = [
    "District",
    "District LGD Code",
    "Products",
    "Primary Product",
    "GI-Registered Products",
    "Sellers",
    "Sellers Onboarded",
    "Sellers Needing Packaging",
    "Workshops",
    "Open Gaps",
    "Overdue Actions",
];

/// Every district of a state side by side (`today` judges overdue actions), one row per
/// district of the LGD list; in an XLSX the figures are numbers, so the sheet adds them up.
/// Returns the number of rows written.
pub fn export_district_figures(
    store: &Store,
    state: StateCode,
    today: Date,
    path: &Path,
) -> Result<usize, ExchangeError> {
    let rows = store
        .district_figures(state, today)?
        .iter()
        .map(district_figure_row)
        .collect();
    // The name, the code and whether it has a primary product are labels, not figures.
    let mut kinds = [CellKind::Count; 11];
    kinds[..2].fill(CellKind::Text);
    kinds[3] = CellKind::Text;
    write_kinds(path, "Districts", &DISTRICT_FIGURE_COLUMNS, &kinds, rows)
}

fn district_figure_row(r: &DistrictFigures) -> Vec<String> {
    // A district without products has nothing to rank; one with products but none primary
    // is the one to act on.
    let primary = match r.primary() {
        Some(true) => "Yes",
        Some(false) => "None",
        None => "",
    };
    let mut row = vec![
        r.name.clone(),
        r.district.to_string(),
        r.products.to_string(),
        primary.to_owned(),
    ];
    row.extend(r.counts().iter().map(u64::to_string));
    row
}

/// A product's cells in the national list's layout (plus local name, GI name and id).
fn product_row(gazetteer: &Gazetteer, sectors: &SectorList, p: &Product) -> Vec<String> {
    let state = gazetteer
        .state(p.state)
        .map_or_else(|| p.state.to_string(), |s| s.name.clone());
    let district = gazetteer
        .district(p.district)
        .map_or_else(|| p.district.to_string(), |d| d.name.clone());
    vec![
        state,
        p.name.clone(),
        district,
        p.district.to_string(),
        p.rank.label().to_owned(),
        sectors.label(&p.sector),
        p.description.clone(),
        if p.gi.registered { "Yes" } else { "No" }.to_owned(),
        p.photo.clone().unwrap_or_default(),
        p.ministry.clone().unwrap_or_default(),
        p.local_name
            .as_ref()
            .map(|l| l.text.clone())
            .unwrap_or_default(),
        p.local_name
            .as_ref()
            .map(|l| l.lang.to_string())
            .unwrap_or_default(),
        p.gi.registry_name.clone().unwrap_or_default(),
        p.id().to_string(),
    ]
}

/// Writes sellers in the seller list layout. Returns the number of rows written.
pub fn export_sellers(
    store: &Store,
    state: Option<odop_domain::StateCode>,
    path: &Path,
) -> Result<usize, ExchangeError> {
    let sellers: Vec<Seller> = store.list(state, None, usize::MAX, 0)?;
    write_sellers(store, sellers, path)
}

/// Writes the sellers a list's filters pick (an onboarding or packaging drive's list, to hand
/// to the GeM cell or a packaging institute), in the list's order and the seller list layout,
/// so that the sheet filled in imports back. Its paging is ignored: the whole list is written,
/// read in one pass. Returns the number of rows written.
pub fn export_seller_list(
    store: &Store,
    query: &odop_store::SellerQuery,
    path: &Path,
) -> Result<usize, ExchangeError> {
    let sellers = store.seller_records(query)?;
    write_sellers(store, sellers, path)
}

fn write_sellers(store: &Store, sellers: Vec<Seller>, path: &Path) -> Result<usize, ExchangeError> {
    let gazetteer = store.gazetteer()?;
    let headers: Vec<&str> = SELLER_COLUMNS.iter().map(|c| c.name).collect();
    let mut rows = Vec::with_capacity(sellers.len());
    for s in sellers {
        let state = gazetteer
            .state(s.state)
            .map_or_else(|| s.state.to_string(), |x| x.name.clone());
        let district = gazetteer
            .district(s.district)
            .map_or_else(|| s.district.to_string(), |d| d.name.clone());
        let products = s
            .products
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ");
        let mut row = vec![
            s.id.to_string(),
            s.name.clone(),
            s.kind.to_string(),
            state,
            district,
            s.district.to_string(),
            s.contact.person.clone().unwrap_or_default(),
            s.contact.phone.clone().unwrap_or_default(),
            s.contact.email.clone().unwrap_or_default(),
            s.contact.address.clone().unwrap_or_default(),
            s.gstin
                .as_ref()
                .map(|g| g.as_str().to_owned())
                .unwrap_or_default(),
            s.udyam
                .as_ref()
                .map(|u| u.as_str().to_owned())
                .unwrap_or_default(),
            products,
            s.packaging.to_string(),
        ];
        let entry = |p: &Platform| s.onboarding.iter().find(|o| o.platform == *p);
        for platform in Platform::ALL {
            row.push(
                entry(platform)
                    .map(|o| o.status.to_string())
                    .unwrap_or_default(),
            );
        }
        for platform in Platform::ALL {
            row.push(
                entry(platform)
                    .and_then(|o| o.listing_url.clone())
                    .unwrap_or_default(),
            );
        }
        rows.push(row);
    }
    write(path, "Sellers", &headers, rows)
}
