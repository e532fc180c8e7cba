//! The AppImage recipe: an AppDir holding the app, WebKitGTK's helper programs, the GTK modules
//! and every shared library they need that a desktop cannot be relied on to have in the same
//! version, packed as squashfs behind `odop-launcher`.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::os::unix::fs::{symlink, PermissionsExt as _};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Libraries left to the system, by the start of their file name. Each must match the machine
/// it runs on rather than the one that built the image.
const FROM_THE_SYSTEM: &[&str] = &[
    // The C library and its loader: the image's programs were linked against the system's.
    "ld-linux",
    "libc.so",
    "libm.so",
    "libdl.so",
    "libpthread.so",
    "librt.so",
    "libresolv.so",
    "libutil.so",
    "libanl.so",
    "libmvec.so",
    // The compiler's runtime, which later versions keep compatible.
    "libgcc_s.so",
    "libstdc++.so",
    // Graphics drivers and the display server's client side belong to the machine's hardware and
    // session.
    "libGL",
    "libEGL",
    "libOpenGL",
    "libgbm.so",
    "libdrm",
    "libglapi",
    "libvulkan",
    "libX11",
    "libxcb",
    "libwayland-",
    // Sound and fonts follow the machine's own configuration.
    "libasound.so",
    "libfontconfig.so",
    "libfreetype.so",
    "libharfbuzz.so",
    "libz.so",
    "libexpat.so",
];

/// What to build an image from, and where.
#[derive(Debug, Clone)]
pub struct Recipe {
    /// The built `odop-desk` program.
    pub app: PathBuf,
    /// The built `odop-launcher` program, the image's first part.
    pub launcher: PathBuf,
    /// The repository: `tauri.conf.json` (name, version) and `icons/`.
    pub repo: PathBuf,
    /// A folder for the AppDir, emptied first.
    pub work: PathBuf,
    /// The folder the image is written into.
    pub out: PathBuf,
    /// Where the system keeps its libraries; `/` but for tests of the recipe itself.
    pub system: PathBuf,
}

/// What a build made.
#[derive(Debug)]
pub struct Built {
    pub image: PathBuf,
    pub appdir: PathBuf,
    /// The shared libraries copied into the image.
    pub libraries: Vec<String>,
    pub bytes: u64,
}

/// Why an image could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("{0} is missing")]
    Missing(PathBuf),
    #[error("cannot run {tool} ({hint}): {source}")]
    NoTool {
        tool: &'static str,
        hint: &'static str,
        source: io::Error,
    },
    #[error("{tool} failed on {path}: {message}")]
    Tool {
        tool: &'static str,
        path: PathBuf,
        message: String,
    },
    #[error("tauri.conf.json: {0}")]
    Config(String),
    #[error("{0} does not name its helper folder as expected; WebKit would not find its helpers in the image")]
    WebKitPath(PathBuf),
    #[error("the launcher {0} is not an ELF program that ends with its sections; it cannot carry a tree")]
    Launcher(PathBuf),
    #[error("writing the squashfs tree: {0}")]
    Tree(String),
}

fn io_at(path: &Path) -> impl FnOnce(io::Error) -> BundleError + '_ {
    move |source| BundleError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The Debian multiarch folder name of this machine's libraries.
pub fn triple() -> String {
    format!("{}-linux-gnu", std::env::consts::ARCH)
}

/// The image's file name, as the bundler names the .deb beside it.
pub fn image_name(product: &str, version: &str) -> String {
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "aarch64",
        other => other,
    };
    format!("{product}_{version}_{arch}.AppImage")
}

/// Whether a library is left to the system.
pub fn from_the_system(file_name: &str) -> bool {
    FROM_THE_SYSTEM.iter().any(|p| file_name.starts_with(p))
}

/// The libraries `ldd` says a program or library loads: file name to the file it resolves to.
pub fn parse_ldd(output: &str) -> Result<BTreeMap<String, PathBuf>, String> {
    let mut found = BTreeMap::new();
    for line in output.lines() {
        let line = line.trim();
        let Some((name, rest)) = line.split_once(" => ") else {
            // The vDSO and the loader itself have no "=>".
            continue;
        };
        if rest.starts_with("not found") {
            return Err(format!("{name} is not installed"));
        }
        let path = rest.split(" (").next().unwrap_or(rest).trim();
        if !path.is_empty() {
            found.insert(name.to_owned(), PathBuf::from(path));
        }
    }
    Ok(found)
}

/// Replaces every `from` in `bytes` by `to`, which must be as long; says how many it replaced.
pub fn replace_same_length(bytes: &mut [u8], from: &[u8], to: &[u8]) -> usize {
    assert_eq!(from.len(), to.len(), "a patch must keep every offset");
    let mut count = 0;
    let mut at = 0;
    while at + from.len() <= bytes.len() {
        if &bytes[at..at + from.len()] == from {
            bytes[at..at + from.len()].copy_from_slice(to);
            count += 1;
            at += from.len();
        } else {
            at += 1;
        }
    }
    count
}

/// The RUNPATH that makes a bundled ELF file at `file` load its libraries from `lib`.
pub fn runpath(file: &Path, lib: &Path) -> String {
    let from = file.parent().unwrap_or(Path::new(""));
    let up = from
        .strip_prefix(lib)
        .map(|below| below.components().count())
        .ok();
    match up {
        Some(0) => "$ORIGIN".to_owned(),
        Some(n) => format!("$ORIGIN/{}", vec![".."; n].join("/")),
        // Outside the library folder (usr/bin): up to usr, then down.
        None => {
            let usr = lib.parent().and_then(Path::parent).unwrap_or(lib);
            let depth = from.strip_prefix(usr).map_or(1, |p| p.components().count());
            let rel = lib.strip_prefix(usr).unwrap_or(lib);
            format!("$ORIGIN/{}/{}", vec![".."; depth].join("/"), rel.display())
        }
    }
}

fn copy(from: &Path, to: &Path) -> Result<(), BundleError> {
    if let Some(parent) = to.parent() {
        fs::create_dir_all(parent).map_err(io_at(parent))?;
    }
    fs::copy(from, to).map_err(io_at(from))?;
    Ok(())
}

fn is_elf(path: &Path) -> bool {
    let mut head = [0u8; 4];
    fs::File::open(path)
        .and_then(|mut f| io::Read::read_exact(&mut f, &mut head))
        .is_ok()
        && &head == b"\x7fELF"
}

/// Every regular file under `dir`, sorted.
fn files_under(dir: &Path) -> Result<Vec<PathBuf>, BundleError> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).map_err(io_at(&d))? {
            let entry = entry.map_err(io_at(&d))?;
            let kind = entry.file_type().map_err(io_at(&d))?;
            if kind.is_dir() {
                stack.push(entry.path());
            } else if kind.is_file() {
                out.push(entry.path());
            }
        }
    }
    out.sort();
    Ok(out)
}

/// A tool run on one file: its standard output, or an error naming the tool, the file and what
/// the tool said (or the package that has it, when it is missing).
fn tool(
    tool: &'static str,
    hint: &'static str,
    args: &[&str],
    path: &Path,
) -> Result<String, BundleError> {
    let output = Command::new(tool)
        .args(args)
        .arg(path)
        .output()
        .map_err(|source| BundleError::NoTool { tool, hint, source })?;
    if !output.status.success() {
        return Err(BundleError::Tool {
            tool,
            path: path.to_path_buf(),
            message: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
        });
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

fn ldd(path: &Path) -> Result<BTreeMap<String, PathBuf>, BundleError> {
    let text = tool("ldd", "Debian package libc-bin", &[], path)?;
    parse_ldd(&text).map_err(|message| BundleError::Tool {
        tool: "ldd",
        path: path.to_path_buf(),
        message,
    })
}

fn strip_debug(path: &Path) -> Result<(), BundleError> {
    tool("strip", "Debian package binutils", &["--strip-debug"], path).map(drop)
}

fn set_runpath(path: &Path, value: &str) -> Result<(), BundleError> {
    tool(
        "patchelf",
        "Debian package patchelf",
        &["--set-rpath", value],
        path,
    )
    .map(drop)
}

/// The product name and version from `tauri.conf.json`, so the image is named as the .deb is.
pub fn product(repo: &Path) -> Result<(String, String), BundleError> {
    let path = repo.join("tauri.conf.json");
    let text = fs::read_to_string(&path).map_err(io_at(&path))?;
    let conf: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| BundleError::Config(e.to_string()))?;
    let name = conf["productName"]
        .as_str()
        .ok_or_else(|| BundleError::Config("no productName".into()))?
        .to_owned();
    let version = conf["version"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| env!("CARGO_PKG_VERSION").to_owned());
    Ok((name, version))
}

/// The variables AppRun sets to point GTK, GIO and gdk-pixbuf at the image's own modules.
/// Programs the app starts for the person (the PDF viewer) must not inherit them: they are the
/// system's programs, built against the system's libraries. So AppRun names them in
/// `ODOP_APPIMAGE_SET` and keeps each one's earlier value, if it had one, in
/// `ODOP_APPIMAGE_WAS_<name>`; the app gives its children the environment back from those.
pub const POINTED: &[&str] = &[
    "GDK_PIXBUF_MODULE_FILE",
    "GTK_IM_MODULE_FILE",
    "GTK_PATH",
    "GIO_MODULE_DIR",
    "GSETTINGS_SCHEMA_DIR",
    "XDG_DATA_DIRS",
];

/// The program the image runs first inside its tree: it points GTK, GIO and gdk-pixbuf at the
/// image's own modules and starts the app. WebKit looks for its helper programs relative to the
/// working folder (see [`build`]), hence the `cd`; the folder the person started from stays in
/// OWD.
fn app_run(triple: &str) -> String {
    let names = POINTED.join(" ");
    format!(
        r#"#!/bin/sh
# Starts ODOP Desk from the folder its AppImage unpacked into.
here="$(dirname "$(readlink -f "$0")")"
lib="$here/usr/lib/{triple}"
export APPDIR="${{APPDIR:-$here}}"
export OWD="${{OWD:-$PWD}}"
# What the session had, so that programs the app starts get it back.
for name in {names}; do
  if eval "[ -n \"\${{$name+x}}\" ]"; then
    eval "export ODOP_APPIMAGE_WAS_$name=\"\${{$name}}\""
  fi
done
export ODOP_APPIMAGE_SET="{names}"
export GDK_PIXBUF_MODULE_FILE="$lib/gdk-pixbuf-2.0/2.10.0/loaders.cache"
export GTK_IM_MODULE_FILE="$lib/gtk-3.0/3.0.0/immodules.cache"
export GTK_PATH="$lib/gtk-3.0"
export GIO_MODULE_DIR="$lib/gio/modules"
export GSETTINGS_SCHEMA_DIR="$here/usr/share/glib-2.0/schemas"
export XDG_DATA_DIRS="$here/usr/share:${{XDG_DATA_DIRS:-/usr/local/share:/usr/share}}"
cd "$here/usr" || exit 127
exec "$here/usr/bin/odop-desk" "$@"
"#
    )
}

const DESKTOP: &str = "[Desktop Entry]
Type=Application
Name=ODOP Desk
Comment=One District One Product data, kept on this computer.
Exec=odop-desk
Icon=odop-desk
Categories=Office;
Terminal=false
";

/// Builds the AppDir and the image.
pub fn build(recipe: &Recipe) -> Result<Built, BundleError> {
    let (product, version) = product(&recipe.repo)?;
    let triple = triple();
    let sys_lib = recipe.system.join("usr/lib").join(&triple);
    let appdir = recipe.work.join(format!("{product}.AppDir"));
    if appdir.exists() {
        fs::remove_dir_all(&appdir).map_err(io_at(&appdir))?;
    }
    let usr = appdir.join("usr");
    let lib = usr.join("lib").join(&triple);
    for needed in [&recipe.app, &recipe.launcher] {
        if !needed.is_file() {
            return Err(BundleError::Missing(needed.clone()));
        }
    }

    // The app, how desktops list it, and its icon. Debug information stays out of the image: a
    // debug build's is most of its size.
    let app = usr.join("bin/odop-desk");
    copy(&recipe.app, &app)?;
    strip_debug(&app)?;
    let desktop = usr.join("share/applications/odop-desk.desktop");
    write(&desktop, DESKTOP.as_bytes())?;
    write(&appdir.join("odop-desk.desktop"), DESKTOP.as_bytes())?;
    let icon = recipe.repo.join("icons/128x128.png");
    copy(
        &icon,
        &usr.join("share/icons/hicolor/128x128/apps/odop-desk.png"),
    )?;
    copy(&icon, &appdir.join("odop-desk.png"))?;
    symlink("odop-desk.png", appdir.join(".DirIcon")).map_err(io_at(&appdir))?;
    let app_run_path = appdir.join("AppRun");
    write(&app_run_path, app_run(&triple).as_bytes())?;
    fs::set_permissions(&app_run_path, fs::Permissions::from_mode(0o755))
        .map_err(io_at(&app_run_path))?;

    // WebKit's helper programs (the browser shell beside them is a demo, not needed).
    let webkit = sys_lib.join("webkit2gtk-4.1");
    if !webkit.is_dir() {
        return Err(BundleError::Missing(webkit));
    }
    for file in files_under(&webkit)? {
        if file.file_name().is_some_and(|n| n == "MiniBrowser") {
            continue;
        }
        let rel = file.strip_prefix(&sys_lib).unwrap_or(&file);
        copy(&file, &lib.join(rel))?;
    }
    // Modules GTK, GIO and gdk-pixbuf load by path: images, settings, TLS, printing, input.
    for folder in [
        "gdk-pixbuf-2.0/2.10.0/loaders",
        "gio/modules",
        "gtk-3.0/3.0.0/printbackends",
        "gtk-3.0/3.0.0/immodules",
    ] {
        let from = sys_lib.join(folder);
        if !from.is_dir() {
            continue;
        }
        for file in files_under(&from)? {
            if file.extension().is_some_and(|e| e == "so") {
                let rel = file.strip_prefix(&sys_lib).unwrap_or(&file);
                copy(&file, &lib.join(rel))?;
            }
        }
    }
    // The modules' lists name each module by absolute path; inside the image they are named
    // relative to usr/, the folder AppRun starts the app in.
    let system_prefix = format!("{}/", sys_lib.display());
    let image_prefix = format!("./lib/{triple}/");
    for cache in [
        "gdk-pixbuf-2.0/2.10.0/loaders.cache",
        "gtk-3.0/3.0.0/immodules.cache",
    ] {
        let from = sys_lib.join(cache);
        if let Ok(text) = fs::read_to_string(&from) {
            let text = text.replace(&system_prefix, &image_prefix);
            // A system path (for example a loader built into another prefix) would load the
            // system's copy against the image's libraries.
            write(&lib.join(cache), text.as_bytes())?;
        }
    }
    let schemas = recipe
        .system
        .join("usr/share/glib-2.0/schemas/gschemas.compiled");
    if schemas.is_file() {
        copy(
            &schemas,
            &usr.join("share/glib-2.0/schemas/gschemas.compiled"),
        )?;
    }

    // Every library those programs load, but the system's own.
    let elves: Vec<PathBuf> = files_under(&usr)?
        .into_iter()
        .filter(|p| is_elf(p))
        .collect();
    let mut wanted = BTreeMap::new();
    for elf in &elves {
        wanted.append(&mut ldd(elf)?);
    }
    let mut libraries = Vec::new();
    for (name, from) in &wanted {
        if from_the_system(name) || lib.join(name).exists() {
            continue;
        }
        copy(from, &lib.join(name))?;
        libraries.push(name.clone());
    }

    // WebKit starts its helpers from a folder compiled into it. "/usr" becomes "././", as long,
    // so the path is read relative to the working folder, which AppRun sets to usr/.
    let libwebkit = lib.join("libwebkit2gtk-4.1.so.0");
    let mut bytes = fs::read(&libwebkit).map_err(io_at(&libwebkit))?;
    let from = format!("/usr/lib/{triple}/webkit2gtk-4.1");
    let to = format!("././/lib/{triple}/webkit2gtk-4.1");
    if replace_same_length(&mut bytes, from.as_bytes(), to.as_bytes()) == 0 {
        return Err(BundleError::WebKitPath(libwebkit));
    }
    write(&libwebkit, &bytes)?;

    // Each bundled program and library looks for its libraries in the image first.
    for elf in files_under(&usr)?.into_iter().filter(|p| is_elf(p)) {
        set_runpath(&elf, &runpath(&elf, &lib))?;
    }

    let image = pack(recipe, &appdir, &image_name(&product, &version))?;
    let bytes = fs::metadata(&image).map_err(io_at(&image))?.len();
    Ok(Built {
        image,
        appdir,
        libraries,
        bytes,
    })
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), BundleError> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(io_at(parent))?;
    }
    // A library copied from the system is read-only; it is replaced, not written through.
    if path.exists() {
        fs::remove_file(path).map_err(io_at(path))?;
    }
    fs::write(path, bytes).map_err(io_at(path))
}

/// The launcher with the AppDir behind it, through `odop-launcher`, which owns the layout.
fn pack(recipe: &Recipe, appdir: &Path, name: &str) -> Result<PathBuf, BundleError> {
    let launcher = fs::read(&recipe.launcher).map_err(io_at(&recipe.launcher))?;
    let image = recipe.out.join(name);
    odop_launcher::pack(&launcher, appdir, &image).map_err(|e| match e {
        odop_launcher::LaunchError::NotElf { .. } => BundleError::Launcher(recipe.launcher.clone()),
        other => BundleError::Tree(other.to_string()),
    })?;
    Ok(image)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ldd_output_names_each_library_and_where_it_resolves() {
        let out = "\tlinux-vdso.so.1 (0x00007ffd)\n\
                   \tlibgtk-3.so.0 => /usr/lib/x86_64-linux-gnu/libgtk-3.so.0 (0x00007f12)\n\
                   \tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f13)\n\
                   \t/lib64/ld-linux-x86-64.so.2 (0x00007f14)\n";
        let found = parse_ldd(out).unwrap();
        assert_eq!(found.len(), 2);
        assert_eq!(
            found["libgtk-3.so.0"],
            PathBuf::from("/usr/lib/x86_64-linux-gnu/libgtk-3.so.0")
        );
    }

    #[test]
    fn a_missing_library_is_an_error_that_names_it() {
        let err = parse_ldd("\tlibwebkit2gtk-4.1.so.0 => not found\n").unwrap_err();
        assert!(err.contains("libwebkit2gtk-4.1.so.0"), "{err}");
    }

    #[test]
    fn the_c_library_and_drivers_stay_with_the_system_and_gtk_goes_in_the_image() {
        assert!(from_the_system("libc.so.6"));
        assert!(from_the_system("libGLX.so.0"));
        assert!(from_the_system("libxcb-shm.so.0"));
        assert!(!from_the_system("libgtk-3.so.0"));
        assert!(!from_the_system("libwebkit2gtk-4.1.so.0"));
        assert!(!from_the_system("libsoup-3.0.so.0"));
    }

    #[test]
    fn a_patch_replaces_every_occurrence_and_keeps_the_length() {
        let mut bytes = b"x/usr/lib/a\0/usr/lib/a/b\0".to_vec();
        let len = bytes.len();
        assert_eq!(
            replace_same_length(&mut bytes, b"/usr/lib/a", b"././/lib/a"),
            2
        );
        assert_eq!(bytes.len(), len);
        assert_eq!(&bytes, b"x././/lib/a\0././/lib/a/b\0");
    }

    #[test]
    fn runpaths_lead_from_each_file_to_the_library_folder() {
        let lib = Path::new("/a/usr/lib/x86_64-linux-gnu");
        assert_eq!(runpath(&lib.join("libgtk-3.so.0"), lib), "$ORIGIN");
        assert_eq!(
            runpath(&lib.join("gio/modules/libgiognutls.so"), lib),
            "$ORIGIN/../.."
        );
        assert_eq!(
            runpath(&lib.join("webkit2gtk-4.1/injected-bundle/x.so"), lib),
            "$ORIGIN/../.."
        );
        assert_eq!(
            runpath(Path::new("/a/usr/bin/odop-desk"), lib),
            "$ORIGIN/../lib/x86_64-linux-gnu"
        );
    }

    #[test]
    fn app_run_keeps_what_the_session_had_for_every_variable_it_points_at_the_image() {
        let dir = tempfile::tempdir().unwrap();
        let script = dir.path().join("AppRun");
        // The same script, ending by printing the environment instead of starting the app.
        let text =
            app_run("x86_64-linux-gnu").replace("exec \"$here/usr/bin/odop-desk\" \"$@\"", "env");
        fs::write(&script, text).unwrap();
        fs::create_dir_all(dir.path().join("usr")).unwrap();
        let out = Command::new("sh")
            .arg(&script)
            .env_clear()
            .env("GTK_PATH", "/session/gtk")
            .env("PATH", "/usr/bin:/bin")
            .output()
            .unwrap();
        let env = String::from_utf8(out.stdout).unwrap();
        let has = |line: &str| env.lines().any(|l| l == line);
        assert!(has("ODOP_APPIMAGE_WAS_GTK_PATH=/session/gtk"), "{env}");
        assert!(!env.contains("ODOP_APPIMAGE_WAS_GIO_MODULE_DIR"), "{env}");
        assert!(
            has(&format!("ODOP_APPIMAGE_SET={}", POINTED.join(" "))),
            "{env}"
        );
        for name in POINTED {
            let set = env
                .lines()
                .find_map(|l| l.strip_prefix(&format!("{name}=")))
                .unwrap_or_default();
            assert!(
                set.starts_with(&dir.path().display().to_string()),
                "{name} does not point into the image: {set:?}"
            );
        }
    }

    #[test]
    fn the_image_is_named_as_the_deb_is() {
        let name = image_name("ODOP Desk", "0.1.0");
        assert!(name.starts_with("ODOP Desk_0.1.0_"), "{name}");
        assert!(name.ends_with(".AppImage"), "{name}");
    }
}
