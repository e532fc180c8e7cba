//! The Linux installers end to end: the Tauri bundler makes the .deb and the AppImage from the
//! app binary, as `cargo xtask bundle` has it do, with `odop-appdir` in linuxdeploy's place. The
//! AppImage is then started over WebDriver under a virtual display and checked to run on what it
//! carries: the app, WebKit and GTK from the unpacked image, not from the system. Screenshots go
//! to `<target>/e2e-screenshots/appimage/`.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{ensure, Context as _, Result};
use odop_e2e::{build_bin, build_program, repo_root, screenshot_dir, Harness};
use xtask::appimage::{tauri, triple, POINTED};

/// The one file in `dir` whose name ends with `suffix`.
fn the_file(dir: &Path, suffix: &str) -> Result<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("no {}", dir.display()))? {
        let path = entry?.path();
        if path.to_string_lossy().ends_with(suffix) {
            found.push(path);
        }
    }
    ensure!(
        found.len() == 1,
        "{} holds {found:?}, not one {suffix}",
        dir.display()
    );
    Ok(found.remove(0))
}

fn dpkg_deb(args: &[&str], deb: &Path) -> Result<String> {
    let out = Command::new("dpkg-deb").args(args).arg(deb).output()?;
    ensure!(
        out.status.success(),
        "dpkg-deb {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(String::from_utf8(out.stdout)?)
}

/// Programs whose executable lies under `folder`, with their pids.
fn programs_under(folder: &Path) -> Vec<(u32, PathBuf)> {
    odop_launcher::running_programs()
        .into_iter()
        .filter(|(_, exe)| exe.starts_with(folder))
        .collect()
}

/// The files a process has mapped whose name contains `part`.
fn mapped(pid: u32, part: &str) -> Result<Vec<String>> {
    let maps = std::fs::read_to_string(format!("/proc/{pid}/maps"))?;
    let mut files: Vec<String> = maps
        .lines()
        .filter_map(|l| l.split_whitespace().nth(5))
        .filter(|f| f.contains(part))
        .map(str::to_owned)
        .collect();
    files.dedup();
    Ok(files)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_appimage_starts_the_app_on_the_libraries_it_carries() -> Result<()> {
    let shots = screenshot_dir("appimage")?;
    let launcher = build_program("odop-launcher", false)?;
    let appdir_program = build_bin("xtask", "odop-appdir", false)?;
    let work = tempfile::tempdir()?;
    // The bundler writes into the binary it bundles and beside it; a copy in a target folder of
    // its own keeps it off the one the other tests run.
    let target = work.path().join("target");
    let binary = target.join("debug/odop-desk");
    std::fs::create_dir_all(target.join("debug"))?;
    std::fs::copy(env!("CARGO_BIN_EXE_odop-desk"), &binary)?;
    // As the release profile does (strip = "debuginfo").
    let stripped = Command::new("strip")
        .arg("--strip-debug")
        .arg(&binary)
        .status()?;
    ensure!(stripped.success(), "strip failed on {}", binary.display());
    tauri(
        &repo_root(),
        &target,
        (&appdir_program, &launcher),
        // Verbose, so that a failing step's own output reaches the test's report: the bundler
        // otherwise keeps linuxdeploy's messages to itself.
        &[
            "bundle",
            "--debug",
            "--verbose",
            "--bundles",
            "deb,appimage",
        ],
    )?;
    let bundle = target.join("debug/bundle");

    // The .deb: the app, and the packages it needs named for apt to install.
    let deb = the_file(&bundle.join("deb"), ".deb")?;
    let fields = dpkg_deb(&["--field"], &deb)?;
    for want in [
        "Package: odop-desk",
        "libwebkit2gtk-4.1-0",
        "fonts-noto-core",
        "xdg-utils",
    ] {
        ensure!(
            fields.contains(want),
            "the .deb's control lacks {want}: {fields}"
        );
    }
    let files = dpkg_deb(&["--contents"], &deb)?;
    ensure!(
        files.contains(" usr/bin/odop-desk\n") && files.contains(" usr/share/applications/"),
        "the .deb lacks the app or its desktop entry: {files}"
    );

    // The AppImage, from the AppDir the bundler laid out and odop-appdir completed.
    let image = the_file(&bundle.join("appimage"), ".AppImage")?;
    let appdir = the_file(&bundle.join("appimage"), ".AppDir")?;
    let lib = appdir.join("usr/lib").join(triple());
    for name in [
        "libwebkit2gtk-4.1.so.0",
        "libgtk-3.so.0",
        "libsoup-3.0.so.0",
        "webkit2gtk-4.1/WebKitWebProcess",
        "gdk-pixbuf-2.0/2.10.0/loaders.cache",
    ] {
        ensure!(lib.join(name).exists(), "{name} is not in the image");
    }
    for entry in std::fs::read_dir(&lib)? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        ensure!(!name.starts_with("libc.so"), "the C library was bundled");
    }
    let entry = the_file(&appdir, ".desktop")?;
    ensure!(
        std::fs::read_link(&entry)?.is_relative(),
        "{} would dangle once unpacked",
        entry.display()
    );
    // The image holds it all; the folder it was packed from is only disk space now.
    std::fs::remove_dir_all(&appdir)?;

    // The layout AppImage tools read: the type 2 mark, and the tree right after the launcher.
    let head = std::fs::read(&image)?;
    ensure!(&head[8..11] == b"AI\x02", "no AppImage type 2 mark");
    let offset = Command::new(&image).arg("--appimage-offset").output()?;
    let offset: u64 = String::from_utf8(offset.stdout)?.trim().parse()?;
    ensure!(
        offset == std::fs::metadata(&launcher)?.len(),
        "the tree starts at {offset}, not where the launcher ends"
    );

    let harness = Harness::start(&image)?;
    let w = harness.open().await?;
    w.find("first-run").await?;
    w.shot(&shots, "01-first-run").await?;
    w.load_sample().await?;
    w.shot(&shots, "02-dashboard").await?;

    // A brochure typeset and saved by the image's app, then handed to the desktop's opener,
    // which must see the session's environment, not the one pointing GTK into the image.
    w.eval("location.hash = '#/district/187';", vec![]).await?;
    w.settled().await?;
    w.click("[data-testid=\"product-row\"] td").await?;
    w.settled().await?;
    w.click("product-brochure").await?;
    w.brochure_shown().await?;
    // A bare file name means the documents folder, not the app's working folder, which for
    // the AppImage is inside the unpacked image.
    let file = harness.documents().join("from-the-image.pdf");
    w.type_into("brochure-path", "from-the-image.pdf").await?;
    w.save_brochure().await?;
    w.shot(&shots, "03-brochure").await?;
    w.click("brochure-open").await?;
    ensure!(
        file.is_file(),
        "the brochure was not saved as {}",
        file.display()
    );
    let opened = harness.opened(1)?;
    ensure!(
        opened == [file.canonicalize()?],
        "the opener got {opened:?}"
    );
    let env = harness.opener_env()?;
    let value = |name: &str| {
        env.iter()
            .find_map(|l| l.strip_prefix(&format!("{name}=")))
            .map(str::to_owned)
    };
    for name in POINTED {
        ensure!(
            value(name) == std::env::var(name).ok(),
            "the opener got {name}={:?}, which the session did not have",
            value(name)
        );
    }
    ensure!(
        value("ODOP_APPIMAGE_SET").is_none(),
        "the opener got the image's bookkeeping"
    );

    // The running app and WebKit's page process are the image's copies, unpacked in this run's
    // cache, and they loaded WebKit from there.
    let unpacked = harness.cache_dir().join("odop-desk/appimage");
    let programs = programs_under(&unpacked);
    let app = programs
        .iter()
        .find(|(_, exe)| exe.ends_with("usr/bin/odop-desk"))
        .with_context(|| format!("no odop-desk running from {}", unpacked.display()))?;
    let helpers = Path::new("usr/lib").join(triple()).join("webkit2gtk-4.1");
    let page = programs
        .iter()
        .find(|(_, exe)| exe.ends_with(helpers.join("WebKitWebProcess")))
        .with_context(|| format!("WebKit's page process is not the image's: {programs:?}"))?;
    for (pid, what) in [(app.0, "the app"), (page.0, "the page process")] {
        let webkit = mapped(pid, "libwebkit2gtk-4.1")?;
        ensure!(
            !webkit.is_empty() && webkit.iter().all(|f| Path::new(f).starts_with(&unpacked)),
            "{what} loaded WebKit from {webkit:?}, not from the image"
        );
        let gtk = mapped(pid, "libgtk-3")?;
        ensure!(
            gtk.iter().all(|f| Path::new(f).starts_with(&unpacked)),
            "{what} loaded GTK from {gtk:?}"
        );
    }
    w.close().await?;
    Ok(())
}
