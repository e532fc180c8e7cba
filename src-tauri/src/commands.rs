//! Thin adapters from the web UI to the core: each command takes its arguments, calls one core
//! function and turns its error into `{ code, message, field }`.
//!
//! The commands are `async` so that Tauri runs them off the main thread: a slow call (an import,
//! loading the sample) does not freeze the window.

// Tauri hands a command its `State` and arguments by value.
#![allow(clippy::needless_pass_by_value)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use odop_domain::{DistrictCode, EntityKind, Fields, Id, Invalid, StateCode};
use odop_exchange::{ExchangeError, ImportOptions, ImportReport, Layout, LgdReport};
use odop_store::{
    ActionOwner, BackupInfo, Choices, DistrictDetail, DistrictFigures, DistrictQuery, DistrictRow,
    DistrictSummary, Duplicates, GiCheck, GiFinding, HistoryEntry, Hit, Merged, Outcome, Page,
    ProductDetail, RecordQuery, RecordRow, RestorePreview, Saved, SellerQuery, SellerRow,
    StateFigures, Stats, Store, StoreError, WorkshopOutcome,
};
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Emitter as _, State};

/// Who the desktop app records as the author of the rows it adds.
const WHO: &str = "odop-desk";

/// The event that carries an import's progress to the window.
pub const IMPORT_PROGRESS: &str = "import-progress";

/// The error a command hands the UI: a stable machine code, a message for people and, when the
/// problem is one form field's, that field's key and the problem as data (`detail`), so the UI
/// can say it in its own language.
#[derive(Debug, Serialize)]
pub struct CommandError {
    code: &'static str,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<serde_json::Value>,
}

impl From<StoreError> for CommandError {
    fn from(error: StoreError) -> Self {
        let field = error.form_key();
        CommandError {
            code: error.code(),
            // Shown beside its field, the message need not name the record again.
            message: if field.is_some() {
                error.form_message()
            } else {
                error.to_string()
            },
            detail: error.form_detail(),
            field,
        }
    }
}

impl From<ExchangeError> for CommandError {
    fn from(error: ExchangeError) -> Self {
        match error {
            ExchangeError::Store(e) => e.into(),
            other => CommandError {
                code: other.code(),
                message: other.to_string(),
                field: None,
                detail: None,
            },
        }
    }
}

impl From<odop_sync::SyncError> for CommandError {
    fn from(error: odop_sync::SyncError) -> Self {
        match error {
            odop_sync::SyncError::Store(e) => e.into(),
            other => CommandError {
                code: other.code(),
                message: other.to_string(),
                field: None,
                detail: None,
            },
        }
    }
}

impl CommandError {
    /// An error with no form field to point at.
    pub(crate) fn new(code: &'static str, message: String) -> CommandError {
        CommandError {
            code,
            message,
            field: None,
            detail: None,
        }
    }

    /// An argument the UI sent that the command cannot use.
    pub(crate) fn bad_argument(field: &str, expected: &str) -> CommandError {
        CommandError {
            code: "bad_argument",
            message: format!("{field} must be {expected}"),
            field: Some(field.to_owned()),
            detail: None,
        }
    }
}

impl From<Invalid> for CommandError {
    fn from(error: Invalid) -> Self {
        CommandError {
            code: "invalid",
            field: Some(error.field().to_owned()),
            message: error.to_string(),
            detail: serde_json::to_value(&error).ok(),
        }
    }
}

pub(crate) type Shared<'a> = State<'a, Mutex<Store>>;

/// The store, even if an earlier command panicked while holding the lock:
/// the store keeps no state between calls that a panic could leave half-made
/// (SQLite rolls back an unfinished transaction), so carrying on is safe.
pub(crate) fn lock(store: Shared<'_>) -> MutexGuard<'_, Store> {
    store
        .inner()
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// One row per district with its product count and primary product.
#[tauri::command(async)]
pub fn district_summaries(store: Shared<'_>) -> Result<Vec<DistrictSummary>, CommandError> {
    Ok(lock(store).district_summaries()?)
}

/// Loads the built-in sample data; returns the number of rows added.
#[tauri::command(async)]
pub fn load_sample(store: Shared<'_>) -> Result<usize, CommandError> {
    Ok(lock(store).load_sample(WHO)?)
}

/// True while the store holds no products yet.
#[tauri::command(async)]
pub fn is_empty(store: Shared<'_>) -> Result<bool, CommandError> {
    Ok(lock(store).is_empty()?)
}

/// The dashboard's figures, for every state in the database or for one.
#[tauri::command(async)]
pub fn stats(store: Shared<'_>, state: Option<u16>) -> Result<Stats, CommandError> {
    Ok(lock(store).stats(state.map(StateCode))?)
}

/// Who one state's actions (or every state's) belong to, each owner once.
#[tauri::command(async)]
pub fn action_owners(
    store: Shared<'_>,
    state: Option<u16>,
) -> Result<Vec<ActionOwner>, CommandError> {
    Ok(lock(store).action_owners(state.map(StateCode))?)
}

/// Writes every state's figures side by side as a spreadsheet; gives the rows written.
#[tauri::command(async)]
pub fn export_state_figures(
    app: AppHandle,
    store: Shared<'_>,
    today: odop_domain::Date,
    path: PathBuf,
) -> Result<usize, CommandError> {
    let path = crate::desktop::typed(&app, &path);
    Ok(odop_exchange::export_state_figures(
        &lock(store),
        today,
        &path,
    )?)
}

/// Writes one state's districts side by side as a spreadsheet; gives the rows written.
#[tauri::command(async)]
pub fn export_district_figures(
    app: AppHandle,
    store: Shared<'_>,
    state: u16,
    today: odop_domain::Date,
    path: PathBuf,
) -> Result<usize, CommandError> {
    let path = crate::desktop::typed(&app, &path);
    Ok(odop_exchange::export_district_figures(
        &lock(store),
        StateCode(state),
        today,
        &path,
    )?)
}

/// Writes the sellers a list's filters pick, in its order, as a sheet that imports back;
/// gives the rows written.
#[tauri::command(async)]
pub fn export_seller_list(
    app: AppHandle,
    store: Shared<'_>,
    query: SellerQuery,
    path: PathBuf,
) -> Result<usize, CommandError> {
    let path = crate::desktop::typed(&app, &path);
    Ok(odop_exchange::export_seller_list(
        &lock(store),
        &query,
        &path,
    )?)
}

/// What came of a workshop: the sellers met, the gaps heard and their actions.
#[tauri::command(async)]
pub fn workshop_outcome(
    store: Shared<'_>,
    id: Id,
    today: odop_domain::Date,
) -> Result<WorkshopOutcome, CommandError> {
    Ok(lock(store).workshop_outcome(id, today)?)
}

/// Every district of a state side by side; `today` is the reader's day, for overdue actions.
#[tauri::command(async)]
pub fn district_figures(
    store: Shared<'_>,
    state: u16,
    today: odop_domain::Date,
) -> Result<Vec<DistrictFigures>, CommandError> {
    Ok(lock(store).district_figures(StateCode(state), today)?)
}

/// Every state's figures side by side; `today` is the reader's day, for overdue actions.
#[tauri::command(async)]
pub fn state_figures(
    store: Shared<'_>,
    today: odop_domain::Date,
) -> Result<Vec<StateFigures>, CommandError> {
    Ok(lock(store).state_figures(today)?)
}

/// The state this desk works on, if one: what a list prints for when no state is chosen.
#[tauri::command(async)]
pub fn desk_state(store: Shared<'_>) -> Result<Option<u16>, CommandError> {
    Ok(lock(store).desk_state()?.map(|s| s.0))
}

/// The latest changes, newest first; one state's when a state is given.
#[tauri::command(async)]
pub fn recent_activity(
    store: Shared<'_>,
    limit: usize,
    state: Option<u16>,
) -> Result<Vec<HistoryEntry>, CommandError> {
    Ok(lock(store).state_history(state.map(StateCode), limit)?)
}

/// Districts with a product matching the filter.
#[tauri::command(async)]
pub fn district_rows(
    store: Shared<'_>,
    query: DistrictQuery,
) -> Result<Vec<DistrictRow>, CommandError> {
    Ok(lock(store).district_rows(&query)?)
}

/// One district with its products.
#[tauri::command(async)]
pub fn district_detail(store: Shared<'_>, code: u32) -> Result<DistrictDetail, CommandError> {
    Ok(lock(store).district_detail(DistrictCode(code))?)
}

/// One product with its place and sector names.
#[tauri::command(async)]
pub fn product_detail(store: Shared<'_>, id: Id) -> Result<ProductDetail, CommandError> {
    Ok(lock(store).product_detail(id)?)
}

/// Every product (of one state, or of all) checked against the GI registry.
#[tauri::command(async)]
pub fn gi_check(store: Shared<'_>, state: Option<u16>) -> Result<GiCheck, CommandError> {
    Ok(lock(store).gi_check(state.map(StateCode))?)
}

/// Sellers of one state (or of all) whose records share a GSTIN, PAN, Udyam number or phone.
#[tauri::command(async)]
pub fn duplicate_sellers(
    store: Shared<'_>,
    state: Option<u16>,
) -> Result<Vec<Duplicates>, CommandError> {
    Ok(lock(store).duplicate_sellers(state.map(StateCode))?)
}

/// Merges a seller recorded twice into its other record.
#[tauri::command(async)]
pub fn merge_sellers(store: Shared<'_>, gone: Id, keep: Id) -> Result<Merged, CommandError> {
    Ok(lock(store).merge_sellers(WHO, gone, keep)?)
}

/// Takes the registry's name for each GI-registered product it clearly fits; gives those named.
#[tauri::command(async)]
pub fn gi_name_them(store: Shared<'_>, state: Option<u16>) -> Result<Vec<GiFinding>, CommandError> {
    Ok(lock(store).name_gis(state.map(StateCode), WHO)?)
}

/// Writes the GI check's findings (of one state, or of all) as a worklist file; gives the rows
/// written.
#[tauri::command(async)]
pub fn gi_export(
    app: AppHandle,
    store: Shared<'_>,
    state: Option<u16>,
    path: PathBuf,
) -> Result<usize, CommandError> {
    let path = crate::desktop::typed(&app, &path);
    Ok(odop_exchange::export_gi_check(
        &lock(store),
        state.map(StateCode),
        &path,
    )?)
}

/// The GI registry's names for a state, for a form to suggest.
#[tauri::command(async)]
pub fn gi_names(store: Shared<'_>, state: u16) -> Result<Vec<String>, CommandError> {
    Ok(lock(store).gi_names(StateCode(state))?)
}

/// What the GI registry says of a product's GI status: nothing, or a finding with the entries
/// that fit it.
#[tauri::command(async)]
pub fn product_gi(store: Shared<'_>, id: Id) -> Result<Option<GiFinding>, CommandError> {
    Ok(lock(store).gi_finding(id)?)
}

/// A window of the seller list with the total.
#[tauri::command(async)]
pub fn seller_page(store: Shared<'_>, query: SellerQuery) -> Result<Page<SellerRow>, CommandError> {
    Ok(lock(store).seller_page(&query)?)
}

/// A window of workshops, stories, gaps or actions with the total.
#[tauri::command(async)]
pub fn record_page(
    store: Shared<'_>,
    kind: EntityKind,
    query: RecordQuery,
) -> Result<Page<RecordRow>, CommandError> {
    Ok(lock(store).record_page(kind, &query)?)
}

/// One record's fields, for its edit form.
#[tauri::command(async)]
pub fn record_fields(store: Shared<'_>, kind: EntityKind, id: Id) -> Result<Fields, CommandError> {
    Ok(lock(store).record_fields(kind, id)?)
}

/// Adds (no id) or changes a record from its form's keys and values.
#[tauri::command(async)]
pub fn save_record(
    store: Shared<'_>,
    kind: EntityKind,
    id: Option<Id>,
    fields: BTreeMap<String, String>,
) -> Result<Saved, CommandError> {
    let pairs: Vec<(String, String)> = fields.into_iter().collect();
    Ok(lock(store).save_form(kind, id, &pairs, WHO)?)
}

/// Deletes a record.
#[tauri::command(async)]
pub fn delete_record(store: Shared<'_>, kind: EntityKind, id: Id) -> Result<Outcome, CommandError> {
    Ok(lock(store).delete_record(kind, id, WHO)?)
}

/// Full-text search over every searchable kind.
#[tauri::command(async)]
pub fn search(store: Shared<'_>, query: String, limit: usize) -> Result<Vec<Hit>, CommandError> {
    Ok(lock(store).search(&query, &[], limit)?)
}

/// Sectors, states and districts for forms and filters.
#[tauri::command(async)]
pub fn choices(store: Shared<'_>) -> Result<Choices, CommandError> {
    Ok(lock(store).choices()?)
}

/// What an import reads.
#[derive(Debug, Deserialize)]
#[serde(tag = "layout", rename_all = "snake_case")]
pub enum ImportSource {
    National { path: PathBuf },
    Sellers { path: PathBuf },
    Workshops { path: PathBuf },
    Stories { path: PathBuf },
    Gaps { path: PathBuf },
    Actions { path: PathBuf },
    Policies { path: PathBuf },
    Gi { path: PathBuf },
    Lgd { states: PathBuf, districts: PathBuf },
}

/// What an import reports: rows in a file's layout, or the LGD lists' own report.
#[derive(Debug, Serialize)]
#[serde(tag = "layout", rename_all = "snake_case")]
pub enum ImportResult {
    Rows(ImportReport),
    Lgd(LgdReport),
}

/// Progress of an import, as the window's progress bar shows it.
#[derive(Debug, Clone, Serialize)]
struct Progress {
    done: usize,
    total: usize,
}

/// Imports a file, or checks it without changing anything (`dry_run`), sending progress
/// events as rows are done.
#[tauri::command(async)]
pub fn import_file(
    app: AppHandle,
    store: Shared<'_>,
    source: ImportSource,
    dry_run: bool,
) -> Result<ImportResult, CommandError> {
    // On a thread of its own, whose freed memory goes back to the system as it ends, rather
    // than staying with a pooled worker thread.
    std::thread::scope(|scope| {
        scope
            .spawn(|| {
                let result = import_on(&app, store.clone(), source, dry_run);
                // Memory only: a failure here changes nothing the import did.
                let _ = lock(store).release_memory();
                crate::give_back_memory();
                result
            })
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

fn import_on(
    app: &AppHandle,
    store: Shared<'_>,
    source: ImportSource,
    dry_run: bool,
) -> Result<ImportResult, CommandError> {
    let mut store = lock(store);
    // One event per percent is enough for a progress bar and keeps the IPC quiet.
    let mut shown = usize::MAX;
    let mut progress = |done: usize, total: usize| {
        let percent = done * 100 / total.max(1);
        if percent != shown {
            shown = percent;
            // A window that is gone cannot show progress; the import goes on.
            let _ = app.emit(IMPORT_PROGRESS, Progress { done, total });
        }
    };
    let options = ImportOptions {
        who: WHO,
        dry_run,
        progress: Some(&mut progress),
    };
    let meant = |path: &Path| crate::desktop::typed(app, path);
    // The window shows the counts and the rows worth a look; the rows that simply went in stay
    // here rather than crossing to the window by the hundred thousand.
    let (kind, path) = match source {
        ImportSource::Lgd { states, districts } => {
            return Ok(ImportResult::Lgd(odop_exchange::import_lgd(
                &mut store,
                &meant(&states),
                &meant(&districts),
                WHO,
                dry_run,
            )?))
        }
        ImportSource::Gi { path } => {
            return Ok(ImportResult::Rows(
                odop_exchange::import_gi(&mut store, &meant(&path), options)?.into_findings(),
            ))
        }
        ImportSource::National { path } => (EntityKind::Product, path),
        ImportSource::Sellers { path } => (EntityKind::Seller, path),
        ImportSource::Workshops { path } => (EntityKind::Workshop, path),
        ImportSource::Stories { path } => (EntityKind::Story, path),
        ImportSource::Gaps { path } => (EntityKind::Gap, path),
        ImportSource::Actions { path } => (EntityKind::Action, path),
        ImportSource::Policies { path } => (EntityKind::Policy, path),
    };
    Ok(ImportResult::Rows(
        odop_exchange::import(&mut store, kind, &meant(&path), options)?.into_findings(),
    ))
}

/// Which list a file holds, told from its header.
#[tauri::command(async)]
pub fn recognise_file(app: AppHandle, path: PathBuf) -> Result<Layout, CommandError> {
    Ok(odop_exchange::recognise(&crate::desktop::typed(
        &app, &path,
    ))?)
}

/// Writes every record of a kind to a CSV or XLSX file (by its extension); returns the rows
/// written.
#[tauri::command(async)]
pub fn export_file(
    app: AppHandle,
    store: Shared<'_>,
    what: EntityKind,
    path: PathBuf,
) -> Result<usize, CommandError> {
    let path = crate::desktop::typed(&app, &path);
    let store = lock(store);
    let path: &Path = &path;
    Ok(odop_exchange::export(&store, what, None, path)?)
}

/// Copies the whole database to a file.
#[tauri::command(async)]
pub fn backup_save(
    app: AppHandle,
    store: Shared<'_>,
    path: PathBuf,
) -> Result<BackupInfo, CommandError> {
    let path = crate::desktop::typed(&app, &path);
    Ok(lock(store).back_up(&path)?)
}

/// What a backup holds and what restoring it would take over, before a person chooses.
#[tauri::command(async)]
pub fn backup_inspect(
    app: AppHandle,
    store: Shared<'_>,
    path: PathBuf,
) -> Result<RestorePreview, CommandError> {
    Ok(lock(store).restore_preview(&crate::desktop::typed(&app, &path))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_store_error_reaches_the_ui_as_code_and_message() {
        let dir = tempfile::tempdir().unwrap();
        // A directory is not a database file.
        let error = Store::open(dir.path()).unwrap_err();
        let code = error.code();
        let message = error.to_string();

        let json = serde_json::to_value(CommandError::from(error)).unwrap();

        assert_eq!(
            json,
            serde_json::json!({ "code": code, "message": message })
        );
        assert!(!code.is_empty());
    }

    /// The error the UI receives when the sample store refuses these form values.
    fn refused(kind: EntityKind, pairs: &[(&str, &str)]) -> serde_json::Value {
        let mut store = Store::open_in_memory().unwrap();
        store.load_sample("test").unwrap();
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let error = store.save_form(kind, None, &pairs, WHO).unwrap_err();
        serde_json::to_value(CommandError::from(error)).unwrap()
    }

    #[test]
    fn a_refused_form_names_its_field() {
        let json = refused(
            EntityKind::Seller,
            &[
                ("district", "187"),
                ("name", "Asha"),
                ("kind", "shg"),
                ("contact.phone", "12"),
            ],
        );

        assert_eq!(json["code"], "invalid");
        assert_eq!(json["field"], "contact.phone");
        let message = json["message"].as_str().unwrap();
        assert!(message.contains("10 digits"), "{message}");
        // Beside its field the message need not name the record.
        assert!(message.starts_with("phone"), "{message}");
        // The same problem as data, for the UI to say in its own language.
        assert_eq!(
            json["detail"],
            serde_json::json!({
                "problem": "bad_format",
                "field": "phone",
                "value": "12",
                "rule": { "code": "phone_shape" },
            })
        );
    }

    #[test]
    fn a_form_value_of_the_wrong_type_is_named_as_data() {
        let workshop = |date| {
            refused(
                EntityKind::Workshop,
                &[
                    ("state", "9"),
                    ("date", date),
                    ("venue", "Varanasi"),
                    ("attendance", "many"),
                ],
            )
        };

        let json = workshop("2026-02-30");
        assert_eq!(json["field"], "date");
        assert_eq!(json["detail"]["problem"], "out_of_range");
        assert_eq!(json["detail"]["rule"]["code"], "day_of_month");

        let json = workshop("2026-02-03");
        assert_eq!(json["field"], "attendance");
        assert_eq!(
            json["detail"],
            serde_json::json!({ "problem": "not_whole_number", "value": "many" })
        );
    }

    #[test]
    fn import_sources_read_as_the_window_sends_them() {
        let source: ImportSource = serde_json::from_value(serde_json::json!({
            "layout": "lgd", "states": "/s.csv", "districts": "/d.csv"
        }))
        .unwrap();
        assert!(matches!(source, ImportSource::Lgd { .. }));
    }
}
