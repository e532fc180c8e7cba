//! `cargo xtask bundle [--debug] [--bundles deb,appimage]`: builds odop-launcher and
//! odop-appdir, puts them in the Tauri bundler's tools folder, then has the Tauri CLI build the
//! app and its installers into `<target>/<profile>/bundle/`.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context as _, Result};
use xtask::appimage::tauri;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: cargo xtask bundle [--debug] [--bundles deb,appimage]";
    if args.first().map(String::as_str) != Some("bundle") {
        bail!(usage);
    }
    let mut debug = false;
    let mut bundles = None;
    let mut rest = args[1..].iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--debug" => debug = true,
            "--bundles" => bundles = Some(rest.next().context(usage)?.clone()),
            other => bail!("{other}: {usage}"),
        }
    }
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .context("xtask lives in the repository")?
        .to_path_buf();
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo.join("target"));
    // The tools pack a few hundred megabytes: always optimised.
    let status = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(["build", "--release", "-p", "odop-launcher", "-p", "xtask"])
        .current_dir(&repo)
        .status()
        .context("cannot run cargo")?;
    if !status.success() {
        bail!("building odop-launcher and odop-appdir failed ({status})");
    }
    let release = target.join("release");
    let mut cli = vec!["build"];
    if debug {
        cli.push("--debug");
    }
    if let Some(bundles) = &bundles {
        cli.extend(["--bundles", bundles]);
    }
    tauri(
        &repo,
        &target,
        (&release.join("odop-appdir"), &release.join("odop-launcher")),
        &cli,
    )?;
    Ok(())
}
