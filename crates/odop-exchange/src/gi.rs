//! The GI registry's list of registered Geographical Indications (serial number, name, class of
//! goods, and up to seven states), loaded whole as reference data.

use std::collections::HashMap;
use std::path::Path;

use odop_domain::{canonical_goods, name_key, Gazetteer, GiEntry, StateCode};
use odop_sheet::{read_table, Column, Row, Table};
use odop_store::Store;

use crate::report::{
    flag, invalid, Fate, Flag, ImportReport, Problem, RegistryChange, RowReport, DROPPED_NAMED,
};
use crate::{ExchangeError, ImportOptions};

const fn column(name: &'static str, aliases: &'static [&'static str], required: bool) -> Column {
    Column {
        name,
        aliases,
        required,
    }
}

/// The registry list's columns; a GI's further states follow in "State 2" to "State 7".
pub const GI_COLUMNS: &[Column] = &[
    column("S.No", &["Sl. No.", "Serial No", "GI No", "Number"], false),
    column(
        "Geographical Indications",
        &["Geographical Indication", "GI Name", "GI"],
        true,
    ),
    column("Goods", &["Class of Goods", "Goods Class"], false),
    column("State", &["State 1", "State/UT"], true),
    column("State 2", &[], false),
    column("State 3", &[], false),
    column("State 4", &[], false),
    column("State 5", &[], false),
    column("State 6", &[], false),
    column("State 7", &[], false),
];

const STATE_COLUMNS: [&str; 7] = [
    "State", "State 2", "State 3", "State 4", "State 5", "State 6", "State 7",
];

/// Loads the GI registry's list, replacing the registry held before: the file is the whole
/// list. A GI the list names twice is kept once, with the states of both rows. A row none of
/// whose states is in the LGD list (a GI of another country) is flagged and left out.
pub fn import_gi(
    store: &mut Store,
    path: &Path,
    mut options: ImportOptions<'_>,
) -> Result<ImportReport, ExchangeError> {
    let table = read_table(path, GI_COLUMNS)?;
    let gazetteer = store.gazetteer()?;
    if gazetteer.is_empty() {
        return Err(ExchangeError::NoPlaces);
    }
    let held: HashMap<String, GiEntry> = store
        .gi_registry(None)?
        .into_iter()
        .map(|e| (name_key(&e.name), e))
        .collect();
    let mut report = ImportReport::new(
        &path.display().to_string(),
        table.encoding,
        table.header_line,
        options.dry_run,
    );
    let mut entries: Vec<GiEntry> = Vec::new();
    let mut first_line: HashMap<String, (usize, usize)> = HashMap::new();
    let total = table.rows.len();
    for (n, row) in table.rows.iter().enumerate() {
        let name = table.get(row, "Geographical Indications").trim();
        let label = match table.get(row, "State").trim() {
            "" => name.to_owned(),
            state => format!("{name}, {state}"),
        };
        let mut warnings = Vec::new();
        let fate = match parse(&table, row, &gazetteer, &mut warnings) {
            Err(f) => Fate::from(f),
            Ok(entry) => {
                let key = name_key(&entry.name);
                if let Some(&(line, at)) = first_line.get(&key) {
                    let kept: &mut GiEntry = &mut entries[at];
                    let mut added = false;
                    for s in entry.states {
                        if !kept.states.contains(&s) {
                            kept.states.push(s);
                            added = true;
                        }
                    }
                    warnings.push(format!("line {line} lists this GI already; kept once"));
                    Fate::Merged {
                        id: kept.number.to_string(),
                        changed: if added { vec!["states".into()] } else { vec![] },
                    }
                } else {
                    first_line.insert(key.clone(), (row.line, entries.len()));
                    let fate = match held.get(&key) {
                        Some(old) => Fate::Merged {
                            id: entry.number.to_string(),
                            changed: changed(old, &entry),
                        },
                        None => Fate::Imported {
                            id: entry.number.to_string(),
                        },
                    };
                    entries.push(entry);
                    fate
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
    // The list replaces the registry whole: one without a single Indian GI is a wrong file,
    // not an empty registry.
    if entries.is_empty() {
        return Err(ExchangeError::NoGi {
            file: path.display().to_string(),
            flagged: report.summary.flagged,
        });
    }
    let mut dropped: Vec<&GiEntry> = held
        .iter()
        .filter(|(key, _)| !first_line.contains_key(*key))
        .map(|(_, e)| e)
        .collect();
    dropped.sort_by_key(|e| (e.number, e.name.clone()));
    report.registry = Some(RegistryChange {
        before: held.len(),
        after: entries.len(),
        dropped: dropped.len(),
        dropped_names: dropped
            .iter()
            .take(DROPPED_NAMED)
            .map(|e| e.name.clone())
            .collect(),
    });
    let mut edit = store.edit(options.who)?;
    edit.replace_gi_registry(&entries)?;
    if !options.dry_run {
        edit.commit()?;
    }
    Ok(report)
}

fn parse(
    table: &Table,
    row: &Row,
    gazetteer: &Gazetteer,
    warnings: &mut Vec<String>,
) -> Result<GiEntry, Flag> {
    let cell = |c: &str| table.get(row, c).trim();
    let number = match cell("S.No") {
        "" => 0,
        raw => raw.parse::<u32>().map_err(|_| {
            flag(
                "S.No",
                Problem::BadFormat,
                format!("serial number {raw:?} is not a whole number"),
            )
        })?,
    };
    let mut states: Vec<StateCode> = Vec::new();
    let mut abroad: Vec<&str> = Vec::new();
    for column in STATE_COLUMNS {
        let written = cell(column);
        if written.is_empty() {
            continue;
        }
        match gazetteer.find_state_loosely(written) {
            Some(code) if !states.contains(&code) => states.push(code),
            Some(_) => {}
            None => abroad.push(written),
        }
    }
    if states.is_empty() {
        let reason = match abroad.as_slice() {
            [] => "no state is given".to_owned(),
            named => format!(
                "{} is no state or UT in the LGD list (a GI of another country?)",
                named.join(", ")
            ),
        };
        let code = if abroad.is_empty() {
            Problem::Missing
        } else {
            Problem::UnknownStateName
        };
        return Err(flag("State", code, reason));
    }
    for place in abroad {
        warnings.push(format!(
            "{place:?} is no state or UT in the LGD list; left out"
        ));
    }
    let entry = GiEntry {
        number,
        name: cell("Geographical Indications").to_owned(),
        goods: canonical_goods(cell("Goods")),
        states,
    };
    match entry.check() {
        Ok(()) => Ok(entry),
        Err(e) if e.field() == "goods" && cell("Goods").is_empty() => Ok(GiEntry {
            goods: "Unknown".into(),
            ..entry
        }),
        Err(e) => {
            let column = if e.field() == "goods" {
                "Goods"
            } else {
                "Geographical Indications"
            };
            Err(invalid(column, &e))
        }
    }
}

/// The fields a reloaded entry changes.
fn changed(old: &GiEntry, new: &GiEntry) -> Vec<String> {
    let mut fields = Vec::new();
    if old.number != new.number {
        fields.push("number".into());
    }
    if old.name != new.name {
        fields.push("name".into());
    }
    if old.goods != new.goods {
        fields.push("goods".into());
    }
    let mut a = old.states.clone();
    let mut b = new.states.clone();
    a.sort();
    b.sort();
    if a != b {
        fields.push("states".into());
    }
    fields
}
