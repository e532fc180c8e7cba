//! ODOP Desk: the desktop shell. It opens the store in the OS app-data
//! folder, keeps one window (one instance, its size remembered) and exposes
//! thin commands to the web UI in `ui/`.

// No console window on Windows in release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod brochure;
mod commands;
mod desktop;
mod sync;

use std::path::PathBuf;
use std::sync::Mutex;

use anyhow::Context as _;
use odop_store::Store;
use tauri::Manager as _;

/// mimalloc can hand the memory a large job (an import of 100,000 rows) freed back to the system
/// when asked (`give_back_memory`); glibc's allocator keeps it in per-thread arenas for as long as
/// the app runs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Gives the memory a finished large job freed back to the system now. mimalloc otherwise
/// returns a finished thread's pages only as other threads go on allocating, so an app left idle
/// after an import of 100,000 sellers kept over 100 MiB it no longer used.
#[allow(unsafe_code)]
pub(crate) fn give_back_memory() {
    // SAFETY: mi_collect takes no pointers and may be called from any thread at any time.
    unsafe { libmimalloc_sys::mi_collect(true) }
    // SQLite allocates with the C library's malloc, not mimalloc: the page cache it has just
    // let go of stays with glibc's arenas unless they are trimmed.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim takes no pointers and is safe to call from any thread.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// A directory to keep the database in instead of the OS app-data folder
/// (used by tests to point the app at a temporary directory).
const DATA_DIR_ENV: &str = "ODOP_DATA_DIR";

fn main() -> anyhow::Result<()> {
    tauri::Builder::default()
        // First, so that a second launch hands over to the running window before anything else
        // starts: two processes writing one database would only wait on each other.
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.set_focus();
            }
        }))
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_dialog::init())
        .invoke_handler(tauri::generate_handler![
            commands::district_summaries,
            commands::load_sample,
            commands::is_empty,
            commands::stats,
            commands::recent_activity,
            commands::district_rows,
            commands::district_detail,
            commands::product_detail,
            commands::product_gi,
            commands::gi_check,
            commands::duplicate_sellers,
            commands::state_figures,
            commands::district_figures,
            commands::desk_state,
            commands::action_owners,
            commands::export_seller_list,
            commands::export_state_figures,
            commands::export_district_figures,
            commands::workshop_outcome,
            commands::merge_sellers,
            commands::gi_name_them,
            commands::gi_export,
            commands::gi_names,
            commands::seller_page,
            commands::record_page,
            commands::record_fields,
            commands::save_record,
            commands::delete_record,
            commands::search,
            commands::choices,
            commands::import_file,
            commands::recognise_file,
            commands::export_file,
            commands::backup_save,
            commands::backup_inspect,
            sync::backup_restore,
            sync::sync_overview,
            sync::sync_login,
            sync::sync_now,
            sync::sync_set_interval,
            sync::sync_conflicts,
            sync::sync_resolve,
            sync::sync_refusals,
            sync::sync_resend,
            sync::sync_discard,
            sync::sync_state,
            brochure::brochure_proof,
            brochure::brochure_page,
            brochure::product_photo,
            brochure::brochure_save,
            brochure::brochure_open,
        ])
        .setup(|app| {
            // Without its database the app can do nothing: say why and stop,
            // rather than let Tauri panic on a setup error.
            match open_store(app.handle()).and_then(|store| Ok((store, data_dir(app.handle())?))) {
                Ok((store, dir)) => {
                    app.manage(Mutex::new(store));
                    app.manage(brochure::BrochureDesk::new(dir.clone()));
                    app.manage(sync::SyncDesk::new(dir));
                    // Periodic sync starts on the async runtime once the window is up.
                    let handle = app.handle().clone();
                    tauri::async_runtime::spawn(async move {
                        if let Err(error) = handle.state::<sync::SyncDesk>().restart() {
                            eprintln!("odop-desk: sync cannot start: {error:?}");
                        }
                    });
                    Ok(())
                }
                Err(error) => {
                    eprintln!("odop-desk: {error:#}");
                    std::process::exit(1);
                }
            }
        })
        .run(tauri::generate_context!("../tauri.conf.json"))
        .context("the ODOP Desk window could not run")
}

/// Opens (creating and migrating if needed) the database in the data directory.
fn open_store(app: &tauri::AppHandle) -> anyhow::Result<Store> {
    let path = data_dir(app)?.join(odop_store::DB_FILE);
    // The store's message already names the file and the cause.
    Store::open(&path).map_err(|error| anyhow::anyhow!("{error} ({})", error.code()))
}

/// The directory that holds the database: `ODOP_DATA_DIR` when set,
/// otherwise the OS app-data folder. Created when missing.
fn data_dir(app: &tauri::AppHandle) -> anyhow::Result<PathBuf> {
    let dir = match std::env::var_os(DATA_DIR_ENV) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => app
            .path()
            .app_data_dir()
            .context("the OS app-data folder is unknown")?,
    };
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("cannot create the data folder {}", dir.display()))?;
    Ok(dir)
}
