//! linuxdeploy's part in the Tauri bundler's AppImage, for ODOP Desk. The bundler lays out the
//! AppDir and runs linuxdeploy from its tools folder (`--appdir DIR --plugin gtk --output
//! appimage`, the image's path in `OUTPUT`); `cargo xtask bundle` installs this program there
//! under linuxdeploy's name, and again as linuxdeploy's output plugin, which packs only.
//! It completes the AppDir with the recipe in `xtask::appimage` and packs it behind the
//! `odop-launcher` installed beside it.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use xtask::appimage::{deploy, pack, BundleError, Deploy, LAUNCHER};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("odop-appdir: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<()> {
    let me = std::env::current_exe().context("cannot tell where this program is")?;
    let tools = me.parent().map(Path::to_path_buf).unwrap_or_default();
    let only_pack = me.file_name().is_some_and(|n| {
        n.to_string_lossy()
            .starts_with("linuxdeploy-plugin-appimage")
    });
    let asked = Deploy::parse(std::env::args().skip(1))?;
    if !only_pack {
        let libraries = deploy(&asked.appdir, Path::new("/"))?;
        eprintln!(
            "odop-appdir: {} completed, {} libraries bundled",
            asked.appdir.display(),
            libraries.len()
        );
    }
    if only_pack || asked.image {
        let image = PathBuf::from(std::env::var_os("OUTPUT").ok_or(BundleError::NoOutput)?);
        let bytes = pack(&tools.join(LAUNCHER), &asked.appdir, &image)?;
        eprintln!(
            "odop-appdir: {} ({:.1} MB)",
            image.display(),
            bytes as f64 / 1e6
        );
    }
    Ok(())
}
