use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;

use odop_domain::{
    name_key, Contact, DistrictCode, Entity, Id, Onboarding, OnboardingStatus, PackagingStatus,
    Platform, Seller, SellerKind, SellerMark,
};
use odop_sheet::{read_table, Column, Row, Table};
use odop_store::{Edit, ProductFilter, Store, StoreError};

use crate::report::{
    flag, invalid, misplaced, row_problem, Fate, Flag, ImportReport, Problem, RowReport,
};
use crate::{ExchangeError, ImportOptions};

/// A seller list's columns. Platform columns hold an onboarding status (`onboarded`,
/// `in_progress`, ...); the Products column names products of the seller's district by name or
/// id, separated by semicolons.
pub const SELLER_COLUMNS: &[Column] = &[
    Column {
        name: "ID",
        aliases: &["Seller ID"],
        required: false,
    },
    Column {
        name: "Name",
        aliases: &["Seller Name", "Seller", "Enterprise Name"],
        required: true,
    },
    Column {
        name: "Kind",
        aliases: &["Type", "Seller Type", "Category"],
        required: true,
    },
    Column {
        name: "State",
        aliases: &["State Name"],
        required: true,
    },
    Column {
        name: "District",
        aliases: &["District Name"],
        required: true,
    },
    Column {
        name: "LGD Code",
        aliases: &["District LGD Code", "District Code"],
        required: true,
    },
    Column {
        name: "Contact Person",
        aliases: &["Contact"],
        required: false,
    },
    Column {
        name: "Phone",
        aliases: &["Mobile", "Phone Number", "Mobile Number"],
        required: false,
    },
    Column {
        name: "Email",
        aliases: &["E-mail"],
        required: false,
    },
    Column {
        name: "Address",
        aliases: &[],
        required: false,
    },
    Column {
        name: "GSTIN",
        aliases: &["GST", "GST Number"],
        required: false,
    },
    Column {
        name: "Udyam",
        aliases: &["Udyam Number", "Udyam Registration"],
        required: false,
    },
    Column {
        name: "Products",
        aliases: &["Product"],
        required: false,
    },
    Column {
        name: "Packaging",
        aliases: &["Packaging Status"],
        required: false,
    },
    Column {
        name: "GeM",
        aliases: &[],
        required: false,
    },
    Column {
        name: "ONDC",
        aliases: &[],
        required: false,
    },
    Column {
        name: "Amazon",
        aliases: &[],
        required: false,
    },
    Column {
        name: "Flipkart",
        aliases: &[],
        required: false,
    },
    Column {
        name: "Meesho",
        aliases: &[],
        required: false,
    },
    Column {
        name: "Own Website",
        aliases: &["Website"],
        required: false,
    },
    Column {
        name: "Other Marketplace",
        aliases: &["Other"],
        required: false,
    },
    Column {
        name: "GeM URL",
        aliases: &["GeM Listing"],
        required: false,
    },
    Column {
        name: "ONDC URL",
        aliases: &["ONDC Listing"],
        required: false,
    },
    Column {
        name: "Amazon URL",
        aliases: &["Amazon Listing"],
        required: false,
    },
    Column {
        name: "Flipkart URL",
        aliases: &["Flipkart Listing"],
        required: false,
    },
    Column {
        name: "Meesho URL",
        aliases: &["Meesho Listing"],
        required: false,
    },
    Column {
        name: "Own Website URL",
        aliases: &["Website URL"],
        required: false,
    },
    Column {
        name: "Other Marketplace URL",
        aliases: &["Other Marketplace Listing"],
        required: false,
    },
];

fn platform_column(p: Platform) -> &'static str {
    match p {
        Platform::Gem => "GeM",
        Platform::Ondc => "ONDC",
        Platform::Amazon => "Amazon",
        Platform::Flipkart => "Flipkart",
        Platform::Meesho => "Meesho",
        Platform::OwnWebsite => "Own Website",
        Platform::OtherMarketplace => "Other Marketplace",
    }
}

/// The column holding a platform's listing address.
pub(crate) fn url_column(p: Platform) -> &'static str {
    match p {
        Platform::Gem => "GeM URL",
        Platform::Ondc => "ONDC URL",
        Platform::Amazon => "Amazon URL",
        Platform::Flipkart => "Flipkart URL",
        Platform::Meesho => "Meesho URL",
        Platform::OwnWebsite => "Own Website URL",
        Platform::OtherMarketplace => "Other Marketplace URL",
    }
}

/// Imports a seller list. A row with an ID updates that seller; otherwise a seller of the same
/// name in the same district is updated, and anyone else is added. An update changes only what
/// the file's columns say: a column the file lacks leaves that part of the seller as it was.
pub fn import_sellers(
    store: &mut Store,
    path: &Path,
    mut options: ImportOptions<'_>,
) -> Result<ImportReport, ExchangeError> {
    let table = read_table(path, SELLER_COLUMNS)?;
    let gazetteer = store.gazetteer()?;
    if gazetteer.is_empty() {
        return Err(ExchangeError::NoPlaces);
    }
    // Products by district and name, to resolve the Products column.
    let mut products: HashMap<(u32, String), Id> = HashMap::new();
    let mut product_ids: HashMap<Id, u32> = HashMap::new();
    for p in store.products(&ProductFilter::default())? {
        products.insert((p.district.0, name_key(&p.name)), p.id);
        product_ids.insert(p.id, p.district.0);
    }
    let mut existing: HashMap<(u32, String), Id> = HashMap::new();
    let mut stored: HashMap<Id, Seller> = HashMap::new();
    // Sellers this file added; not kept whole, so a large first import holds each seller once.
    let mut added: HashSet<Id> = HashSet::new();
    let mut marked = Marks::default();
    for s in store.list::<Seller>(None, None, usize::MAX, 0)? {
        existing.insert((s.district.0, name_key(&s.name)), s.id);
        marked.note(&s);
        stored.insert(s.id, s);
    }

    let mut report = ImportReport::new(
        &path.display().to_string(),
        table.encoding,
        table.header_line,
        options.dry_run,
    );
    let mut seen: HashMap<(u32, String), usize> = HashMap::new();
    let mut seen_ids: HashMap<Id, usize> = HashMap::new();
    let total = table.rows.len();
    let mut edit = store.edit(options.who)?;
    for (n, row) in table.rows.iter().enumerate() {
        let mut warnings = Vec::new();
        let label = format!(
            "{}, {}",
            table.get(row, "Name").trim(),
            table.get(row, "District").trim()
        );
        let fate = match parse_seller(&table, row, &gazetteer, &products, &product_ids) {
            Err(f) => Fate::from(f),
            Ok((mut seller, named)) => {
                let key = (seller.district.0, name_key(&seller.name));
                let by_id = named.filter(|id| stored.contains_key(id) || added.contains(id));
                let found = by_id.or_else(|| existing.get(&key).copied());
                seller.id = found
                    .or(named)
                    .unwrap_or_else(|| Id::derived("seller", &format!("{}|{}", key.0, key.1)));
                // A second row for the same seller, by name or by id, would undo the first on
                // every import of the file; the first row stands.
                let first = (seen.get(&key).map(|&line| ("Name", line)))
                    .or_else(|| seen_ids.get(&seller.id).map(|&line| ("ID", line)));
                // Renaming a seller, by its id, to the name another seller of the district has
                // would leave two that a file's name matches one way, then the other.
                let taken =
                    by_id.and_then(|id| existing.get(&key).copied().filter(|other| *other != id));
                if let Some((column, first)) = first {
                    Fate::from(flag(
                        column,
                        Problem::Duplicate,
                        format!("duplicate: line {first} already lists this seller"),
                    ))
                } else if let Some(other) = taken {
                    Fate::from(flag(
                        "Name",
                        Problem::Duplicate,
                        format!("duplicate: seller {other} of this district has this name"),
                    ))
                } else {
                    seen.insert(key.clone(), row.line);
                    seen_ids.insert(seller.id, row.line);
                    if let Some(old) = found.and_then(|id| stored.get(&id)) {
                        seller = merge(old, seller, &table);
                    }
                    match edit.put(&seller) {
                        Ok(outcome) => {
                            // A renamed seller is no longer found by its old name.
                            if let Some(old) = stored.get(&seller.id) {
                                let old_key = (old.district.0, name_key(&old.name));
                                if existing.get(&old_key) == Some(&seller.id) {
                                    existing.remove(&old_key);
                                }
                            }
                            existing.insert(key, seller.id);
                            match stored.get_mut(&seller.id) {
                                Some(kept) => *kept = seller.clone(),
                                None => {
                                    added.insert(seller.id);
                                }
                            }
                            warnings = marked.shared(&edit, &seller)?;
                            if !warnings.is_empty() {
                                report.duplicates += 1;
                            }
                            marked.note(&seller);
                            let id = seller.id.to_string();
                            Fate::written(id, outcome, found.is_some())
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
            warnings,
        });
        options.tick(n + 1, total);
    }
    if !options.dry_run {
        edit.commit()?;
    }
    Ok(report)
}

/// Which seller first showed each mark (GSTIN, PAN, Udyam number, phone) in its state, by a hash
/// of the mark: a list of 100,000 sellers is checked without holding their marks' text.
#[derive(Default)]
struct Marks {
    first: HashMap<u64, Id>,
}

impl Marks {
    fn key(seller: &Seller, mark: SellerMark, value: &str) -> u64 {
        let mut h = DefaultHasher::new();
        (seller.state.0, mark, value).hash(&mut h);
        h.finish()
    }

    fn note(&mut self, seller: &Seller) {
        for (mark, value) in seller.marks() {
            self.first
                .entry(Self::key(seller, mark, &value))
                .or_insert(seller.id);
        }
    }

    /// What this seller shares with another of its state, said for a person to look at: two
    /// records of one seller are merged by hand (`odop duplicates`), never by an import.
    fn shared(&self, edit: &Edit<'_>, seller: &Seller) -> Result<Vec<String>, StoreError> {
        let mut said = Vec::new();
        for (mark, value) in seller.marks() {
            let Some(&other) = self.first.get(&Self::key(seller, mark, &value)) else {
                continue;
            };
            if other == seller.id {
                continue;
            }
            // The hash only points: the other record must hold the mark as this one does.
            let Some(them) = edit.get::<Seller>(other)? else {
                continue;
            };
            if them.state != seller.state || !them.marks().contains(&(mark, value.clone())) {
                continue;
            }
            match (mark, &them.gstin) {
                // One GSTIN has been said already; two GSTINs of one PAN are worth a word.
                (SellerMark::Pan, Some(theirs)) if Some(theirs) != seller.gstin.as_ref() => {
                    said.push(format!(
                        "PAN {value} is also seller {other}'s, in its GSTIN {} (\u{201c}{}\u{201d}): \
                         one business recorded twice?",
                        theirs.as_str(),
                        them.name
                    ));
                }
                (SellerMark::Pan, _) => {}
                _ => said.push(format!(
                    "{mark} {value} is also seller {other}'s (\u{201c}{}\u{201d}): one seller \
                     recorded twice?",
                    them.name
                )),
            }
        }
        Ok(said)
    }
}

type RowResult = Result<(Seller, Option<Id>), Flag>;

fn parse_seller(
    table: &Table,
    row: &Row,
    gazetteer: &odop_domain::Gazetteer,
    products: &HashMap<(u32, String), Id>,
    product_ids: &HashMap<Id, u32>,
) -> RowResult {
    let cell = |c: &str| table.get(row, c).trim();
    let opt = |c: &str| Some(cell(c).to_owned()).filter(|s| !s.is_empty());
    let named = match cell("ID") {
        "" => None,
        raw => Some(raw.parse::<Id>().map_err(|e| invalid("ID", &e))?),
    };
    let code: DistrictCode = cell("LGD Code")
        .parse()
        .map_err(|e| invalid("LGD Code", &e))?;
    let district = gazetteer
        .check(cell("State"), cell("District"), code)
        .map_err(|p| misplaced("LGD Code", &p))?;
    let state = gazetteer
        .district(district)
        .map(|d| d.state)
        .ok_or_else(|| {
            flag(
                "LGD Code",
                Problem::UnknownCode,
                format!("district {district} has no state"),
            )
        })?;
    let kind: SellerKind = cell("Kind").parse().map_err(|e| invalid("Kind", &e))?;
    let gstin = opt("GSTIN")
        .map(|g| g.parse())
        .transpose()
        .map_err(|e| invalid("GSTIN", &e))?;
    let udyam = opt("Udyam")
        .map(|u| u.parse())
        .transpose()
        .map_err(|e| invalid("Udyam", &e))?;
    let packaging = match cell("Packaging") {
        "" => PackagingStatus::NotAssessed,
        p => p.parse().map_err(|e| invalid("Packaging", &e))?,
    };
    let mut linked = Vec::new();
    for part in cell("Products")
        .split(';')
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let id = match part.parse::<Id>() {
            Ok(id) if product_ids.contains_key(&id) => id,
            Ok(id) => {
                return Err(flag(
                    "Products",
                    Problem::MissingReference,
                    format!("no product has id {id}"),
                ))
            }
            Err(_) => *products.get(&(district.0, name_key(part))).ok_or_else(|| {
                flag(
                    "Products",
                    Problem::UnknownProduct,
                    format!("{part:?} is not a product of district {district}"),
                )
            })?,
        };
        if !linked.contains(&id) {
            linked.push(id);
        }
    }
    let mut onboarding = Vec::new();
    for platform in Platform::ALL {
        let raw = cell(platform_column(*platform));
        if raw.is_empty() {
            continue;
        }
        let status: OnboardingStatus = match raw.to_ascii_lowercase().as_str() {
            "yes" | "y" => OnboardingStatus::Onboarded,
            "no" | "n" => OnboardingStatus::NotStarted,
            _ => raw
                .parse()
                .map_err(|e| invalid(platform_column(*platform), &e))?,
        };
        onboarding.push(Onboarding {
            platform: *platform,
            status,
            listing_url: opt(url_column(*platform)),
        });
    }
    for platform in Platform::ALL {
        if !cell(url_column(*platform)).is_empty() && cell(platform_column(*platform)).is_empty() {
            return Err(flag(
                url_column(*platform),
                Problem::Missing,
                format!(
                    "a listing address needs the seller's status in the {} column",
                    platform_column(*platform)
                ),
            ));
        }
    }
    let seller = Seller {
        id: named.unwrap_or_default(),
        state,
        district,
        name: cell("Name").to_owned(),
        kind,
        contact: Contact {
            person: opt("Contact Person"),
            phone: opt("Phone"),
            email: opt("Email"),
            address: opt("Address"),
        },
        gstin,
        udyam,
        products: linked,
        onboarding,
        packaging,
    };
    seller
        .validate()
        .map_err(|e| invalid(column_of(e.field()), &e))?;
    Ok((seller, named))
}

/// The seller a row describes, over the stored one: what the file has no column for is kept.
fn merge(old: &Seller, new: Seller, table: &Table) -> Seller {
    let has = |c: &str| table.has(c);
    // Stored entries keep their places; platforms new to the seller follow in column order.
    let order = old.onboarding.iter().map(|o| o.platform).chain(
        Platform::ALL
            .iter()
            .copied()
            .filter(|p| !old.onboarding.iter().any(|o| o.platform == *p)),
    );
    let mut onboarding = Vec::new();
    for platform in order {
        let before = old.onboarding.iter().find(|o| o.platform == platform);
        let entry = if has(platform_column(platform)) {
            new.onboarding
                .iter()
                .find(|o| o.platform == platform)
                .cloned()
        } else {
            before.cloned()
        };
        if let Some(mut entry) = entry {
            if !has(url_column(platform)) {
                entry.listing_url = before.and_then(|b| b.listing_url.clone());
            }
            onboarding.push(entry);
        }
    }
    Seller {
        id: old.id,
        state: new.state,
        district: new.district,
        name: new.name,
        kind: new.kind,
        contact: odop_domain::Contact {
            person: table.or_kept("Contact Person", new.contact.person, &old.contact.person),
            phone: table.or_kept("Phone", new.contact.phone, &old.contact.phone),
            email: table.or_kept("Email", new.contact.email, &old.contact.email),
            address: table.or_kept("Address", new.contact.address, &old.contact.address),
        },
        gstin: table.or_kept("GSTIN", new.gstin, &old.gstin),
        udyam: table.or_kept("Udyam", new.udyam, &old.udyam),
        products: table.or_kept("Products", new.products, &old.products),
        onboarding,
        packaging: table.or_kept("Packaging", new.packaging, &old.packaging),
    }
}

/// The seller layout's column for a seller field.
fn column_of(field: &str) -> &'static str {
    match field {
        "products" => "Products",
        "district" | "state" => "LGD Code",
        "phone" => "Phone",
        "email" => "Email",
        "address" => "Address",
        "contact person" => "Contact Person",
        "gstin" => "GSTIN",
        "udyam" => "Udyam",
        "kind" => "Kind",
        _ => "Name",
    }
}
