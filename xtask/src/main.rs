//! `cargo xtask appimage [--debug]`: builds odop-desk and odop-launcher, then the AppImage, into
//! `<target>/<profile>/bundle/appimage/`.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context as _, Result};
use xtask::appimage::{build, Recipe};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("appimage") => appimage(args.iter().any(|a| a == "--debug")),
        _ => bail!("usage: cargo xtask appimage [--debug]"),
    }
}

fn appimage(debug: bool) -> Result<()> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .context("xtask lives in the repository")?
        .to_path_buf();
    let mut cargo = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cargo
        .args(["build", "-p", "odop-desk", "-p", "odop-launcher"])
        .current_dir(&repo);
    if !debug {
        cargo.arg("--release");
    }
    let status = cargo.status().context("cannot run cargo")?;
    if !status.success() {
        bail!("building odop-desk and odop-launcher failed ({status})");
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo.join("target"))
        .join(if debug { "debug" } else { "release" });
    let built = build(&Recipe {
        app: target.join("odop-desk"),
        launcher: target.join("odop-launcher"),
        repo,
        work: target.join("bundle/appimage"),
        out: target.join("bundle/appimage"),
        system: PathBuf::from("/"),
    })?;
    println!(
        "{} ({:.1} MB, {} libraries bundled)",
        built.image.display(),
        built.bytes as f64 / 1e6,
        built.libraries.len()
    );
    Ok(())
}
