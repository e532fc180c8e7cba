//! The GI registry's list of registered Geographical Indications (serial number, name, class of
//! goods, and up to seven states), loaded whole as reference data.

use std::collections::HashMap;
use std::path::Path;

use odop_domain::{name_key, GiEntry};
use odop_gi::{GiProblem, GiRead, GI_COLUMNS};
use odop_sheet::read_table;
use odop_store::Store;

use crate::report::{
    flag, invalid, Fate, Flag, ImportReport, Problem, RegistryChange, RowReport, DROPPED_NAMED,
};
use crate::{ExchangeError, ImportOptions};

/// Loads the GI registry's list, replacing the registry held before: the file is the whole
/// list. A GI the list names twice is kept once, with the states of both rows. A row none of
/// whose states is in the LGD list (a GI of another country) is flagged and left out.
pub fn import_gi(
    store: &mut Store,
    path: &Path,
    mut options: ImportOptions<'_>,
) -> Result<ImportReport, ExchangeError> {
    let gazetteer = store.gazetteer()?;
    if gazetteer.is_empty() {
        // A file that is no GI list is said first; then, without the LGD lists, no state of
        // the list can be matched.
        read_table(path, GI_COLUMNS)?;
        return Err(ExchangeError::NoPlaces);
    }
    let list = odop_gi::read(path, &gazetteer)?;
    // The list replaces the registry whole: one without a single Indian GI is a wrong file,
    // not an empty registry.
    if list.entries.is_empty() {
        let flagged = list
            .rows
            .iter()
            .filter(|r| matches!(r.read, GiRead::LeftOut { .. }))
            .count();
        return Err(ExchangeError::NoGi {
            file: path.display().to_string(),
            flagged,
        });
    }
    // Replaced first, within the edit, so that the registry it held is read once, there.
    let mut edit = store.edit(options.who)?;
    let counts = edit.replace_gi_registry(&list.entries)?;
    let held: HashMap<String, &GiEntry> =
        counts.was.iter().map(|e| (name_key(&e.name), e)).collect();
    let mut report = ImportReport::new(
        &path.display().to_string(),
        &list.encoding,
        list.header_line,
        options.dry_run,
    );
    let total = list.rows.len();
    for (n, row) in list.rows.into_iter().enumerate() {
        let fate = match row.read {
            GiRead::LeftOut { column, problem } => Fate::from(left_out(column, &problem)),
            GiRead::Again {
                entry,
                added_states,
            } => Fate::Merged {
                id: list.entries[entry].number.to_string(),
                changed: if added_states {
                    vec!["states".into()]
                } else {
                    vec![]
                },
            },
            GiRead::Entry(at) => {
                let entry = &list.entries[at];
                match held.get(&name_key(&entry.name)) {
                    Some(old) => Fate::Merged {
                        id: entry.number.to_string(),
                        changed: changed(old, entry),
                    },
                    None => Fate::Imported {
                        id: entry.number.to_string(),
                    },
                }
            }
        };
        report.push(RowReport {
            line: row.line,
            label: row.label,
            fate,
            warnings: row.warnings,
        });
        options.tick(n + 1, total);
    }
    let kept: std::collections::HashSet<String> =
        list.entries.iter().map(|e| name_key(&e.name)).collect();
    let mut dropped: Vec<&GiEntry> = held
        .iter()
        .filter(|(key, _)| !kept.contains(*key))
        .map(|(_, e)| *e)
        .collect();
    dropped.sort_by_key(|e| (e.number, e.name.clone()));
    report.registry = Some(RegistryChange {
        before: counts.before,
        after: counts.after,
        dropped: dropped.len(),
        dropped_names: dropped
            .iter()
            .take(DROPPED_NAMED)
            .map(|e| e.name.clone())
            .collect(),
    });
    if !options.dry_run {
        edit.commit()?;
    }
    Ok(report)
}

/// A row the list reader left out, as the report flags it.
fn left_out(column: &'static str, problem: &GiProblem) -> Flag {
    match problem {
        GiProblem::BadNumber(_) => flag(column, Problem::BadFormat, problem.to_string()),
        GiProblem::NoState => flag(column, Problem::Missing, problem.to_string()),
        GiProblem::Abroad(_) => flag(column, Problem::UnknownStateName, problem.to_string()),
        GiProblem::Invalid(e) => invalid(column, e),
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
