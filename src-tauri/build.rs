//! Runs Tauri's build step against the configuration at the repository root.

/// The app's own commands. Listing them makes Tauri generate an
/// `allow-<command>` permission for each, and then only a capability that
/// grants it may call the command (see `capabilities/default.json`).
const COMMANDS: &[&str] = &[
    "district_summaries",
    "load_sample",
    "is_empty",
    "stats",
    "recent_activity",
    "district_rows",
    "district_detail",
    "product_detail",
    "product_gi",
    "gi_check",
    "duplicate_sellers",
    "state_figures",
    "district_figures",
    "desk_state",
    "action_owners",
    "export_seller_list",
    "export_state_figures",
    "export_district_figures",
    "workshop_outcome",
    "merge_sellers",
    "gi_name_them",
    "gi_export",
    "gi_names",
    "seller_page",
    "record_page",
    "record_fields",
    "save_record",
    "delete_record",
    "search",
    "choices",
    "import_file",
    "recognise_file",
    "export_file",
    "backup_save",
    "backup_inspect",
    "backup_restore",
    "sync_overview",
    "sync_login",
    "sync_now",
    "sync_set_interval",
    "sync_conflicts",
    "sync_resolve",
    "sync_refusals",
    "sync_resend",
    "sync_discard",
    "sync_state",
    "brochure_proof",
    "brochure_page",
    "product_photo",
    "brochure_save",
    "brochure_open",
];

fn main() {
    // The web UI and icons are embedded at compile time: rebuild when they change.
    println!("cargo:rerun-if-changed=../ui");
    println!("cargo:rerun-if-changed=../icons");

    // The one `tauri.conf.json` lives at the repository root; the paths inside
    // it (frontendDist, icons) resolve relative to that file.
    let attributes = tauri_build::Attributes::new()
        .config_path("../tauri.conf.json")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(error) = tauri_build::try_build(attributes) {
        // Cargo shows a build script's output when it fails.
        eprintln!("error: {error:#}");
        std::process::exit(1);
    }
}
