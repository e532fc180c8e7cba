use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use odop_domain::{
    canonical_ministry, name_key, DistrictCode, Entity, GiStatus, Id, Lang, LocalText, Product,
    Rank, StateCode,
};
use odop_sheet::{read_table, Column, Row, Table};
use odop_store::{ProductFilter, Store};

use crate::report::{
    flag, invalid, misplaced, row_problem, Fate, Flag, ImportReport, Problem, RowReport,
};
use crate::{ExchangeError, ImportOptions};

/// The national list's columns, with other headings seen in state sheets. The last four are
/// written by our own export so that it re-imports without loss.
pub const NATIONAL_COLUMNS: &[Column] = &[
    Column {
        name: "State",
        aliases: &["State/UT", "State Name", "State / UT"],
        required: true,
    },
    Column {
        name: "Product",
        aliases: &["Product Name", "ODOP Product", "ODOP"],
        required: true,
    },
    Column {
        name: "District",
        aliases: &["District Name"],
        required: true,
    },
    Column {
        name: "LGD Code",
        aliases: &["LGD District Code", "District Code", "District LGD Code"],
        required: true,
    },
    Column {
        name: "Category",
        aliases: &["Rank", "Product Category"],
        required: true,
    },
    Column {
        name: "Sector",
        aliases: &[],
        required: true,
    },
    Column {
        name: "Description",
        aliases: &["Product Description"],
        required: false,
    },
    Column {
        name: "GI Status",
        aliases: &["GI", "GI Tagged", "GI Tag"],
        required: false,
    },
    Column {
        name: "Photo",
        aliases: &["Photo URL", "Image", "Image URL"],
        required: false,
    },
    Column {
        name: "Ministry/ Department",
        aliases: &[
            "Ministry",
            "Department",
            "Nodal Ministry",
            "Ministry/Department",
        ],
        required: false,
    },
    Column {
        name: "Local Name",
        aliases: &["Name (local)"],
        required: false,
    },
    Column {
        name: "Local Language",
        aliases: &[],
        required: false,
    },
    Column {
        name: "GI Name",
        aliases: &["GI Registry Name"],
        required: false,
    },
    Column {
        name: "ID",
        aliases: &["Record ID"],
        required: false,
    },
];

/// What a row says, once every cell has been read.
struct Parsed {
    product: Product,
    /// The id the file names, when it names one.
    named_id: Option<Id>,
}

/// Imports a national-format product list (CSV in any common encoding, or a workbook).
pub fn import_national(
    store: &mut Store,
    path: &Path,
    mut options: ImportOptions<'_>,
) -> Result<ImportReport, ExchangeError> {
    let table = read_table(path, NATIONAL_COLUMNS)?;
    let gazetteer = store.gazetteer()?;
    if gazetteer.is_empty() {
        return Err(ExchangeError::NoPlaces);
    }
    let sectors = store.sectors()?;
    let mut known: HashMap<(u32, String), Product> = HashMap::new();
    let mut by_id: HashMap<Id, (u32, String)> = HashMap::new();
    for p in store.products(&ProductFilter::default())? {
        let key = (p.district.0, name_key(&p.name));
        by_id.insert(p.id, key.clone());
        known.insert(key, p);
    }

    let mut report = ImportReport::new(
        &path.display().to_string(),
        table.encoding,
        table.header_line,
        options.dry_run,
    );
    let mut seen: HashMap<(u32, String), usize> = HashMap::new();
    let mut seen_ids: HashMap<Id, usize> = HashMap::new();
    let mut touched: BTreeMap<u32, Vec<(usize, bool)>> = BTreeMap::new();
    let total = table.rows.len();
    let mut edit = store.edit(options.who)?;

    for (n, row) in table.rows.iter().enumerate() {
        let label = format!(
            "{}, {}",
            table.get(row, "Product").trim(),
            table.get(row, "District").trim()
        );
        let parsed = parse_row(&table, row, &gazetteer, &sectors);
        let fate = match parsed {
            Err(f) => Fate::from(f),
            Ok(parsed) => {
                let key = (parsed.product.district.0, name_key(&parsed.product.name));
                let existing_key = parsed
                    .named_id
                    .and_then(|id| by_id.get(&id).cloned())
                    .unwrap_or_else(|| key.clone());
                let existing = known.get(&existing_key).cloned();
                let product = match &existing {
                    Some(old) => merge(old, parsed.product, &table),
                    None => {
                        let mut p = parsed.product;
                        p.id = parsed.named_id.unwrap_or_else(|| {
                            Id::derived("product", &format!("{}|{}", key.0, key.1))
                        });
                        p
                    }
                };
                // A second row for the same product, by name or by id, would undo the first on
                // every import of the file; the first row stands.
                let first = (seen.get(&key).map(|&line| ("Product", line)))
                    .or_else(|| seen_ids.get(&product.id).map(|&line| ("ID", line)));
                // Renaming or moving a product, by its id, onto the name another product of that
                // district has would leave two that a file's name matches one way, then the other.
                let taken = (existing_key != key)
                    .then(|| known.get(&key).map(|other| other.id))
                    .flatten();
                if let Some((column, first)) = first {
                    let what = match column {
                        "ID" => "this product (the same ID)",
                        _ => "this product for this district",
                    };
                    Fate::from(flag(
                        column,
                        Problem::Duplicate,
                        format!("duplicate: line {first} already lists {what}"),
                    ))
                } else if let Some(other) = taken {
                    Fate::from(flag(
                        "Product",
                        Problem::Duplicate,
                        format!("duplicate: product {other} of this district has this name"),
                    ))
                } else {
                    seen.insert(key.clone(), row.line);
                    seen_ids.insert(product.id, row.line);
                    match edit.put(&product) {
                        Ok(outcome) => {
                            let id = product.id.to_string();
                            if existing.is_some() {
                                known.remove(&existing_key);
                            }
                            by_id.insert(product.id, key.clone());
                            touched
                                .entry(key.0)
                                .or_default()
                                .push((report.rows.len(), product.rank == Rank::Primary));
                            known.insert(key.clone(), product);
                            Fate::written(id, outcome, existing.is_some())
                        }
                        Err(e) => Fate::from(row_problem(e, &|f| Some(column_of(f)))?),
                    }
                }
            }
        };
        report.push(RowReport {
            line: row.line,
            label,
            fate,
            warnings: Vec::new(),
        });
        options.tick(n + 1, total);
    }

    // Findings about whole districts: none or several primary products. One pass over the
    // products counts them all, rather than one pass per district.
    let mut primaries_in: HashMap<u32, usize> = HashMap::new();
    for p in known.values().filter(|p| p.rank == Rank::Primary) {
        *primaries_in.entry(p.district.0).or_default() += 1;
    }
    for (district, rows) in &touched {
        let primaries = primaries_in.get(district).copied().unwrap_or(0);
        let name = gazetteer
            .district(DistrictCode(*district))
            .map_or_else(|| district.to_string(), |d| d.name.clone());
        if primaries == 0 {
            report
                .districts_without_primary
                .push(format!("{name} ({district})"));
            for &(i, _) in rows {
                report.rows[i]
                    .warnings
                    .push(format!("{name} has no primary product"));
            }
        } else if primaries > 1 {
            for &(i, _) in rows.iter().filter(|(_, primary)| *primary) {
                report.rows[i]
                    .warnings
                    .push(format!("{name} has {primaries} primary products"));
            }
        }
    }

    if options.dry_run {
        drop(edit);
    } else {
        edit.commit()?;
    }
    Ok(report)
}

/// Reads one row's cells into a product, or says which cell is wrong.
fn parse_row(
    table: &Table,
    row: &Row,
    gazetteer: &odop_domain::Gazetteer,
    sectors: &odop_domain::SectorList,
) -> Result<Parsed, Flag> {
    let cell = |c: &str| table.get(row, c).trim();
    let name = cell("Product");
    if name.is_empty() {
        return Err(flag(
            "Product",
            Problem::Missing,
            "the product name is empty",
        ));
    }
    let code: DistrictCode = cell("LGD Code")
        .parse()
        .map_err(|e| invalid("LGD Code", &e))?;
    let district = gazetteer
        .check(cell("State"), cell("District"), code)
        .map_err(|p| misplaced("LGD Code", &p))?;
    let state = gazetteer
        .district(district)
        .map_or(StateCode(0), |d| d.state);
    let rank: Rank = cell("Category")
        .parse()
        .map_err(|e| invalid("Category", &e))?;
    let sector = sectors
        .resolve(cell("Sector"))
        .map_err(|e| invalid("Sector", &e))?;
    let registered =
        GiStatus::parse_flag(cell("GI Status")).map_err(|e| invalid("GI Status", &e))?;
    let local_name = match (cell("Local Name"), cell("Local Language")) {
        ("", _) => None,
        (text, lang) => {
            let lang: Lang = if lang.is_empty() {
                Lang::of_text(text, state)
            } else {
                lang.parse().map_err(|e| invalid("Local Language", &e))?
            };
            Some(LocalText {
                lang,
                text: text.to_owned(),
            })
        }
    };
    let named_id = match cell("ID") {
        "" => None,
        raw => Some(raw.parse::<Id>().map_err(|e| invalid("ID", &e))?),
    };
    let opt = |c: &str| Some(cell(c).to_owned()).filter(|s| !s.is_empty());
    let product = Product {
        id: named_id.unwrap_or_default(),
        state,
        district,
        rank,
        sector,
        name: name.to_owned(),
        local_name,
        // Descriptions keep their inner line breaks; only the ends are trimmed.
        description: cell("Description").to_owned(),
        gi: GiStatus {
            registered,
            registry_name: opt("GI Name"),
        },
        // A link has no spaces; line breaks inside one come from wrapped spreadsheet cells.
        photo: Some(cell("Photo").split_whitespace().collect::<String>()).filter(|s| !s.is_empty()),
        ministry: canonical_ministry(cell("Ministry/ Department")),
    };
    product
        .validate()
        .map_err(|e| invalid(column_of(e.field()), &e))?;
    Ok(Parsed { product, named_id })
}

/// The existing record, with what the file says laid over it. Columns the file does not have
/// leave the record's values alone.
fn merge(old: &Product, new: Product, table: &Table) -> Product {
    Product {
        id: old.id,
        state: new.state,
        district: new.district,
        rank: new.rank,
        sector: new.sector,
        name: new.name,
        local_name: table.or_kept("Local Name", new.local_name, &old.local_name),
        description: table.or_kept("Description", new.description, &old.description),
        gi: GiStatus {
            registered: table.or_kept("GI Status", new.gi.registered, &old.gi.registered),
            registry_name: table.or_kept("GI Name", new.gi.registry_name, &old.gi.registry_name),
        },
        photo: table.or_kept("Photo", new.photo, &old.photo),
        ministry: table.or_kept("Ministry/ Department", new.ministry, &old.ministry),
    }
}

/// The national layout's column for a product field.
fn column_of(field: &str) -> &'static str {
    match field {
        "district" | "state" => "LGD Code",
        "name" => "Product",
        "description" => "Description",
        "photo" => "Photo",
        "ministry" => "Ministry/ Department",
        "local_name" => "Local Name",
        "gi registry name" => "GI Name",
        "sector" => "Sector",
        _ => "Product",
    }
}
