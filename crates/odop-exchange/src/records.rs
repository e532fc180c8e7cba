//! Files of the records that have no published layout: ODOP Sampark workshops, success stories,
//! market-linkage gaps, the actions on them and the state's ODOP policy.
//!
//! Their columns are the form keys the CLI's `field=value` words and the app's forms use
//! (`venue`, `sellers_met`, `text.hi`), so a file reads as a list of form saves: a row with the id
//! of a stored record changes only the fields the file has columns for, and any other row adds a
//! record. Lists and groups are JSON in their cell. A row without an id is given one derived from
//! its cells, so importing the same file twice adds nothing the second time.

use std::collections::HashMap;
use std::path::Path;

use odop_domain::{
    Action, Entity, EntityKind, Fields, Gap, Id, Policy, StateCode, Story, Workshop,
};
use odop_sheet::{read_table, Column};
use odop_store::{Store, StoreError};
use serde_json::Value;

use crate::export::write;
use crate::report::{flag, row_problem, Fate, Flag, ImportReport, Problem, RowReport};
use crate::{ExchangeError, ImportOptions};

const fn column(name: &'static str) -> Column {
    Column {
        name,
        aliases: &[],
        required: false,
    }
}

pub const WORKSHOP_COLUMNS: &[Column] = &[
    column("id"),
    column("state"),
    column("district"),
    column("date"),
    column("venue"),
    column("attendance"),
    column("sellers_met"),
    column("media"),
    column("notes"),
];

/// A story's text in each language has a column of its own.
pub const STORY_COLUMNS: &[Column] = &[
    column("id"),
    column("state"),
    column("district"),
    column("seller"),
    column("product"),
    column("title"),
    column("text.en"),
    column("text.hi"),
    column("text.bn"),
    column("text.gu"),
    column("text.ta"),
    column("text.te"),
    column("text.mr"),
    column("text.kn"),
    column("text.ml"),
    column("text.pa"),
    column("text.or"),
    column("text.as"),
    column("text.ur"),
];

pub const GAP_COLUMNS: &[Column] = &[
    column("id"),
    column("state"),
    column("district"),
    column("workshop"),
    column("product"),
    column("seller"),
    column("kind"),
    column("description"),
    column("open"),
];

pub const ACTION_COLUMNS: &[Column] = &[
    column("id"),
    column("state"),
    column("gap"),
    column("kind"),
    column("owner"),
    column("status"),
    column("due"),
    column("note"),
];

pub const POLICY_COLUMNS: &[Column] = &[
    column("id"),
    column("state"),
    column("status"),
    column("reference"),
    column("notified_on"),
    column("note"),
];

/// Writes every record of a kind (of one state, if given) to CSV or XLSX by the file's
/// extension; products and sellers in their own layouts. Returns the number of rows written.
pub fn export(
    store: &Store,
    kind: EntityKind,
    state: Option<StateCode>,
    path: &Path,
) -> Result<usize, ExchangeError> {
    fn all<E: Entity>(store: &Store, state: Option<StateCode>) -> Result<Vec<Fields>, StoreError> {
        Ok(store
            .list::<E>(state, None, usize::MAX, 0)?
            .iter()
            .map(Entity::to_fields)
            .collect())
    }
    let (records, columns) = match kind {
        EntityKind::Product => {
            let filter = odop_store::ProductFilter {
                state,
                ..odop_store::ProductFilter::default()
            };
            return crate::export_products(store, &filter, path);
        }
        EntityKind::Seller => return crate::export_sellers(store, state, path),
        EntityKind::Workshop => (all::<Workshop>(store, state)?, WORKSHOP_COLUMNS),
        EntityKind::Story => (all::<Story>(store, state)?, STORY_COLUMNS),
        EntityKind::Gap => (all::<Gap>(store, state)?, GAP_COLUMNS),
        EntityKind::Action => (all::<Action>(store, state)?, ACTION_COLUMNS),
        EntityKind::Policy => (all::<Policy>(store, state)?, POLICY_COLUMNS),
    };
    let headers: Vec<&str> = columns.iter().map(|c| c.name).collect();
    let rows = records
        .iter()
        .map(|fields| headers.iter().map(|h| cell(fields, h)).collect())
        .collect();
    write(path, kind.as_str(), &headers, rows)
}

/// A record field as the form takes it back.
fn cell(fields: &Fields, column: &str) -> String {
    if let Some(lang) = column.strip_prefix("text.") {
        return fields
            .get("texts")
            .and_then(Value::as_array)
            .and_then(|texts| texts.iter().find(|t| t["lang"] == lang))
            .and_then(|t| t["text"].as_str())
            .unwrap_or_default()
            .to_owned();
    }
    match fields.get(column) {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        // An empty list reads back as the empty list it defaults to.
        Some(Value::Array(a)) if a.is_empty() => String::new(),
        Some(other) => other.to_string(),
    }
}

/// Imports a file of one kind of record; products and sellers in their own layouts.
pub fn import(
    store: &mut Store,
    kind: EntityKind,
    path: &Path,
    options: ImportOptions<'_>,
) -> Result<ImportReport, ExchangeError> {
    match kind {
        EntityKind::Product => crate::import_national(store, path, options),
        EntityKind::Seller => crate::import_sellers(store, path, options),
        EntityKind::Workshop => {
            import_as::<Workshop>(store, path, WORKSHOP_COLUMNS, "venue", options)
        }
        EntityKind::Story => import_as::<Story>(store, path, STORY_COLUMNS, "title", options),
        EntityKind::Gap => import_as::<Gap>(store, path, GAP_COLUMNS, "description", options),
        EntityKind::Action => import_as::<Action>(store, path, ACTION_COLUMNS, "owner", options),
        EntityKind::Policy => import_as::<Policy>(store, path, POLICY_COLUMNS, "status", options),
    }
}

/// Imports a file of one kind in `columns`; `label_column` names a row in the report.
fn import_as<E: Entity>(
    store: &mut Store,
    path: &Path,
    columns: &'static [Column],
    label_column: &str,
    mut options: ImportOptions<'_>,
) -> Result<ImportReport, ExchangeError> {
    let table = read_table(path, columns)?;
    let sectors = store.sectors()?;
    let gazetteer = store.gazetteer()?;
    let mut report = ImportReport::new(
        &path.display().to_string(),
        table.encoding,
        table.header_line,
        options.dry_run,
    );
    let present: Vec<&'static str> = columns
        .iter()
        .map(|c| c.name)
        .filter(|name| *name != "id" && table.has(name))
        .collect();
    let mut seen: HashMap<Id, usize> = HashMap::new();
    let total = table.rows.len();
    let mut edit = store.edit(options.who)?;
    for (n, row) in table.rows.iter().enumerate() {
        let mut pairs: Vec<(String, String)> = present
            .iter()
            .map(|name| ((*name).to_owned(), table.get(row, name).to_owned()))
            .collect();
        let label: String = table
            .get(row, label_column)
            .trim()
            .chars()
            .take(80)
            .collect();
        let given = table.get(row, "id").trim();
        let named = || {
            given
                .parse::<Id>()
                .map_err(|e| flag("id", Problem::BadFormat, e.to_string()))
        };
        let id = if E::KIND == EntityKind::Policy {
            policy_id(given, table.get(row, "state").trim())
                .and_then(|id| id.map_or_else(named, Ok))
        } else if given.is_empty() {
            Ok(Id::derived(E::KIND.as_str(), &row_key(&pairs)))
        } else {
            named()
        };
        let fate = match id {
            Err(f) => Fate::from(f),
            Ok(id) => match seen.get(&id) {
                Some(first) => Fate::from(flag(
                    "id",
                    Problem::Duplicate,
                    format!("duplicate: line {first} already has this record"),
                )),
                None => {
                    seen.insert(id, row.line);
                    let stored = edit.get::<E>(id)?.is_some();
                    if !stored {
                        pairs.push(("id".to_owned(), id.to_string()));
                    }
                    let written = edit
                        .form_record::<E>(stored.then_some(id), &pairs, &sectors, &gazetteer)
                        .and_then(|record| edit.put(&record));
                    match written {
                        Ok(outcome) => Fate::written(id.to_string(), outcome, stored),
                        Err(e) => Fate::from(row_problem(e, &|field| {
                            columns.iter().map(|c| c.name).find(|name| *name == field)
                        })?),
                    }
                }
            },
        };
        report.push(RowReport {
            line: row.line,
            label,
            fate,
            warnings: vec![],
        });
        options.tick(n + 1, total);
    }
    if !options.dry_run {
        edit.commit()?;
    }
    Ok(report)
}

/// A state has one policy, whose id follows from the state: the id a policy row writes to, or
/// `None` when only the id cell can say (a file of ids and notes, without states).
fn policy_id(given: &str, state: &str) -> Result<Option<Id>, Flag> {
    if state.is_empty() {
        return match given {
            "" => Err(flag("state", Problem::Missing, "a policy names its state")),
            _ => Ok(None),
        };
    }
    let state: u16 = state.parse().map_err(|_| {
        flag(
            "state",
            Problem::BadFormat,
            format!("{state:?} is not a state code"),
        )
    })?;
    let id = Policy::id_for(StateCode(state));
    if !given.is_empty() && given.parse::<Id>().ok() != Some(id) {
        return Err(flag(
            "id",
            Problem::BadFormat,
            format!("the policy of state {state} has the id {id}, not {given:?}"),
        ));
    }
    Ok(Some(id))
}

/// What identifies a row that has no id: its cells, with spacing and case as the file has them.
fn row_key(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", v.trim()))
        .collect::<Vec<_>>()
        .join("\u{1f}")
}
