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
    #[error("{0}: this tool does only what the Tauri bundler asks of linuxdeploy (--appdir, --plugin gtk, --output appimage)")]
    Unsupported(String),
    #[error("{0} needs a value")]
    NoValue(&'static str),
    #[error("no --appdir was given")]
    NoAppDir,
    #[error("OUTPUT is not set: the Tauri bundler names the image there")]
    NoOutput,
    #[error("{link} points at {target}, outside the AppDir; it would dangle wherever the image is unpacked")]
    Outside { link: PathBuf, target: PathBuf },
    #[error("cannot run the Tauri CLI {cli} ({hint}): {source}")]
    NoCli {
        cli: PathBuf,
        hint: &'static str,
        source: io::Error,
    },
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
/// working folder (see [`deploy`]), hence the `cd`; the folder the person started from stays in
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

/// The linuxdeploy build the pinned Tauri CLI (package.json) names its linuxdeploy file after.
/// A newer CLI may look for another name; it then tries a download, which the AppImage test
/// reports.
const LINUXDEPLOY_BUILD: &str = "07333c6";

/// The file the Tauri bundler runs in linuxdeploy's place, in its tools folder.
pub fn linuxdeploy_name() -> String {
    format!(
        "linuxdeploy-{LINUXDEPLOY_BUILD}-{}.AppImage",
        std::env::consts::ARCH
    )
}

/// linuxdeploy's output plugin, which the bundler fetches when it is missing.
pub const OUTPUT_PLUGIN: &str = "linuxdeploy-plugin-appimage.AppImage";

/// The image's start program, beside the tools that pack it.
pub const LAUNCHER: &str = "odop-launcher";

/// Puts ODOP Desk's AppImage tools where the Tauri bundler looks before it downloads its own:
/// `odop-appdir` as linuxdeploy and as its output plugin, `odop-launcher` beside them, and the
/// AppRun the bundler copies into the AppDir.
pub fn install_tools(
    dir: &Path,
    appdir_program: &Path,
    launcher: &Path,
) -> Result<(), BundleError> {
    for needed in [appdir_program, launcher] {
        if !needed.is_file() {
            return Err(BundleError::Missing(needed.to_path_buf()));
        }
    }
    fs::create_dir_all(dir).map_err(io_at(dir))?;
    // Copies, not links: the bundler zeroes three bytes of its linuxdeploy in place (where an
    // AppImage carries its mark), which must not reach the built program.
    install(appdir_program, &dir.join(linuxdeploy_name()))?;
    install(appdir_program, &dir.join(OUTPUT_PLUGIN))?;
    install(launcher, &dir.join(LAUNCHER))?;
    let app_run_path = dir.join(format!("AppRun-{}", std::env::consts::ARCH));
    write(&app_run_path, app_run(&triple()).as_bytes())?;
    fs::set_permissions(&app_run_path, fs::Permissions::from_mode(0o755))
        .map_err(io_at(&app_run_path))
}

/// A program copied beside the running one and renamed over it, so a tool still running from
/// an earlier install is not written through.
fn install(from: &Path, to: &Path) -> Result<(), BundleError> {
    let side = to.with_extension("partial");
    fs::copy(from, &side).map_err(io_at(from))?;
    fs::set_permissions(&side, fs::Permissions::from_mode(0o755)).map_err(io_at(&side))?;
    fs::rename(&side, to).map_err(io_at(to))
}

/// One run of `odop-appdir`, from the command line the Tauri bundler gives linuxdeploy.
#[derive(Debug, PartialEq, Eq)]
pub struct Deploy {
    pub appdir: PathBuf,
    /// Whether to pack the AppDir into the image named by `OUTPUT` (`--output appimage`).
    pub image: bool,
}

impl Deploy {
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Deploy, BundleError> {
        let mut appdir = None;
        let mut image = false;
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((flag, value)) if flag.starts_with("--") => {
                    (flag.to_owned(), Some(value.to_owned()))
                }
                _ => (arg, None),
            };
            let mut value = |name: &'static str| {
                inline
                    .clone()
                    .or_else(|| args.next())
                    .ok_or(BundleError::NoValue(name))
            };
            match flag.as_str() {
                // This tool is a program, not an AppImage: there is nothing to extract.
                "--appimage-extract-and-run" => {}
                "--verbosity" | "-v" => {
                    value("--verbosity")?;
                }
                "--appdir" => appdir = Some(PathBuf::from(value("--appdir")?)),
                // GTK's modules are always deployed: the app is a GTK program.
                "--plugin" => {
                    let plugin = value("--plugin")?;
                    if plugin != "gtk" {
                        return Err(BundleError::Unsupported(format!("--plugin {plugin}")));
                    }
                }
                "--output" => {
                    let output = value("--output")?;
                    if output != "appimage" {
                        return Err(BundleError::Unsupported(format!("--output {output}")));
                    }
                    image = true;
                }
                other => return Err(BundleError::Unsupported(other.to_owned())),
            }
        }
        Ok(Deploy {
            appdir: appdir.ok_or(BundleError::NoAppDir)?,
            image,
        })
    }
}

/// Completes an AppDir the Tauri bundler laid out (the app, its desktop entry and icons,
/// WebKit's helper programs) with what it needs to run on a desktop without those packages:
/// GTK's modules, the libraries everything loads but the system's own, and the paths that find
/// them inside the image. `system` is `/` but for tests of the recipe. Returns the libraries
/// copied in.
pub fn deploy(appdir: &Path, system: &Path) -> Result<Vec<String>, BundleError> {
    let triple = triple();
    let sys_lib = system.join("usr/lib").join(&triple);
    let usr = appdir.join("usr");
    let lib = usr.join("lib").join(&triple);
    let app = usr.join("bin/odop-desk");
    if !app.is_file() {
        return Err(BundleError::Missing(app));
    }
    // Debug information stays out of the image: a debug build's is most of its size.
    strip_debug(&app)?;
    relative_links(appdir)?;
    // The recipe's own start script: it pairs with the WebKit path patched below.
    let app_run_path = appdir.join("AppRun");
    write(&app_run_path, app_run(&triple).as_bytes())?;
    fs::set_permissions(&app_run_path, fs::Permissions::from_mode(0o755))
        .map_err(io_at(&app_run_path))?;

    // WebKit's helper programs the bundler did not copy (the browser shell is a demo).
    let webkit = sys_lib.join("webkit2gtk-4.1");
    if !webkit.is_dir() {
        return Err(BundleError::Missing(webkit));
    }
    for file in files_under(&webkit)? {
        let rel = file.strip_prefix(&sys_lib).unwrap_or(&file);
        if file.file_name().is_some_and(|n| n == "MiniBrowser") || lib.join(rel).exists() {
            continue;
        }
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
            write(&lib.join(cache), text.as_bytes())?;
        }
    }
    let schemas = system.join("usr/share/glib-2.0/schemas/gschemas.compiled");
    if schemas.is_file() {
        copy(
            &schemas,
            &usr.join("share/glib-2.0/schemas/gschemas.compiled"),
        )?;
    }

    // Every library those programs load, but the system's own.
    let mut wanted = BTreeMap::new();
    for elf in files_under(&usr)?.into_iter().filter(|p| is_elf(p)) {
        wanted.append(&mut ldd(&elf)?);
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
    Ok(libraries)
}

/// Makes every absolute symbolic link that points into the AppDir relative, so that it holds
/// wherever the image unpacks; one that points outside is refused.
pub fn relative_links(appdir: &Path) -> Result<(), BundleError> {
    let mut stack = vec![appdir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).map_err(io_at(&dir))? {
            let entry = entry.map_err(io_at(&dir))?;
            let path = entry.path();
            let kind = entry.file_type().map_err(io_at(&path))?;
            if kind.is_dir() {
                stack.push(path);
                continue;
            }
            if !kind.is_symlink() {
                continue;
            }
            let target = fs::read_link(&path).map_err(io_at(&path))?;
            if target.is_relative() {
                continue;
            }
            let inside = target
                .strip_prefix(appdir)
                .map_err(|_| BundleError::Outside {
                    link: path.clone(),
                    target: target.clone(),
                })?;
            let depth = dir
                .strip_prefix(appdir)
                .map_or(0, |d| d.components().count());
            let mut relative: PathBuf = std::iter::repeat_n("..", depth).collect();
            relative.push(inside);
            fs::remove_file(&path).map_err(io_at(&path))?;
            symlink(&relative, &path).map_err(io_at(&path))?;
        }
    }
    Ok(())
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
/// Returns the image's size.
pub fn pack(launcher: &Path, appdir: &Path, image: &Path) -> Result<u64, BundleError> {
    let program = fs::read(launcher).map_err(io_at(launcher))?;
    odop_launcher::pack(&program, appdir, image).map_err(|e| match e {
        odop_launcher::LaunchError::NotElf { .. } => BundleError::Launcher(launcher.to_path_buf()),
        other => BundleError::Tree(other.to_string()),
    })?;
    Ok(fs::metadata(image).map_err(io_at(image))?.len())
}

/// The Tauri CLI package.json pins, as `npm ci` installs it.
pub fn tauri_cli(repo: &Path) -> PathBuf {
    repo.join("node_modules/.bin/tauri")
}

/// Runs the Tauri CLI on the app (`build`, or `bundle` for a binary already built) with ODOP
/// Desk's AppImage tools in the bundler's tools folder, `<target>/.tauri`
/// (`bundle.useLocalToolsDir`).
pub fn tauri(
    repo: &Path,
    target: &Path,
    tools: (&Path, &Path),
    args: &[&str],
) -> Result<(), BundleError> {
    install_tools(&target.join(".tauri"), tools.0, tools.1)?;
    let cli = tauri_cli(repo);
    let status = Command::new(&cli)
        .args(args)
        .current_dir(repo)
        .env("TAURI_APP_PATH", "src-tauri")
        .env("CARGO_TARGET_DIR", target)
        .status()
        .map_err(|source| BundleError::NoCli {
            cli: cli.clone(),
            hint: "scripts/setup installs it with npm ci",
            source,
        })?;
    if !status.success() {
        return Err(BundleError::Tool {
            tool: "tauri",
            path: repo.to_path_buf(),
            message: format!("{} ended with {status}", args.join(" ")),
        });
    }
    Ok(())
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

    fn args(line: &str) -> Vec<String> {
        line.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn the_bundlers_command_line_asks_for_the_appdir_gtk_and_an_image() {
        let asked = Deploy::parse(args(
            "--appimage-extract-and-run --verbosity 3 --appdir /b/ODOP.AppDir --plugin gtk --output appimage",
        ))
        .unwrap();
        assert_eq!(
            asked,
            Deploy {
                appdir: PathBuf::from("/b/ODOP.AppDir"),
                image: true
            }
        );
        // The output plugin is given only the folder; `=` forms are linuxdeploy's too.
        let plugin = Deploy::parse(args("--appdir=/b/A.AppDir")).unwrap();
        assert_eq!(plugin.appdir, PathBuf::from("/b/A.AppDir"));
        assert!(!plugin.image);
    }

    #[test]
    fn what_the_tool_does_not_do_is_refused_by_name() {
        let err = Deploy::parse(args("--appdir /a --plugin gstreamer")).unwrap_err();
        assert!(err.to_string().contains("--plugin gstreamer"), "{err}");
        let err = Deploy::parse(args("--appdir /a --output tarball")).unwrap_err();
        assert!(err.to_string().contains("--output tarball"), "{err}");
        let err = Deploy::parse(args("--appdir /a --desktop-file x.desktop")).unwrap_err();
        assert!(err.to_string().contains("--desktop-file"), "{err}");
        assert!(matches!(
            Deploy::parse(args("--plugin gtk")),
            Err(BundleError::NoAppDir)
        ));
        assert!(matches!(
            Deploy::parse(args("--appdir")),
            Err(BundleError::NoValue("--appdir"))
        ));
    }

    #[test]
    fn links_into_the_appdir_become_relative_and_links_out_of_it_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let appdir = dir.path().join("A.AppDir");
        let apps = appdir.join("usr/share/applications");
        fs::create_dir_all(&apps).unwrap();
        fs::write(apps.join("ODOP Desk.desktop"), "[Desktop Entry]\n").unwrap();
        symlink(
            apps.join("ODOP Desk.desktop"),
            appdir.join("ODOP Desk.desktop"),
        )
        .unwrap();
        fs::create_dir_all(appdir.join("usr/bin")).unwrap();
        symlink(apps.join("ODOP Desk.desktop"), appdir.join("usr/bin/entry")).unwrap();
        symlink("icon.png", appdir.join(".DirIcon")).unwrap();
        relative_links(&appdir).unwrap();
        assert_eq!(
            fs::read_link(appdir.join("ODOP Desk.desktop")).unwrap(),
            PathBuf::from("usr/share/applications/ODOP Desk.desktop")
        );
        assert_eq!(
            fs::read_link(appdir.join("usr/bin/entry")).unwrap(),
            PathBuf::from("../../usr/share/applications/ODOP Desk.desktop")
        );
        assert_eq!(
            fs::read_to_string(appdir.join("usr/bin/entry")).unwrap(),
            "[Desktop Entry]\n"
        );
        assert_eq!(
            fs::read_link(appdir.join(".DirIcon")).unwrap(),
            PathBuf::from("icon.png")
        );

        symlink("/etc/hostname", appdir.join("usr/bin/host")).unwrap();
        let err = relative_links(&appdir).unwrap_err();
        assert!(
            matches!(&err, BundleError::Outside { target, .. } if target == Path::new("/etc/hostname")),
            "{err}"
        );
    }

    #[test]
    fn the_tools_go_where_the_bundler_looks_as_copies() {
        let dir = tempfile::tempdir().unwrap();
        let appdir_program = dir.path().join("odop-appdir");
        let launcher = dir.path().join("odop-launcher");
        fs::write(&appdir_program, b"\x7fELF appdir").unwrap();
        fs::write(&launcher, b"\x7fELF launcher").unwrap();
        let tools = dir.path().join(".tauri");
        install_tools(&tools, &appdir_program, &launcher).unwrap();
        // Again, as each bundle run does, over the earlier install.
        install_tools(&tools, &appdir_program, &launcher).unwrap();
        let linuxdeploy = tools.join(linuxdeploy_name());
        assert_eq!(fs::read(&linuxdeploy).unwrap(), b"\x7fELF appdir");
        assert_eq!(
            fs::read(tools.join(OUTPUT_PLUGIN)).unwrap(),
            b"\x7fELF appdir"
        );
        assert_eq!(fs::read(tools.join(LAUNCHER)).unwrap(), b"\x7fELF launcher");
        let app_run_file = tools.join(format!("AppRun-{}", std::env::consts::ARCH));
        assert_eq!(
            fs::read_to_string(&app_run_file).unwrap(),
            app_run(&triple())
        );
        for file in [&linuxdeploy, &app_run_file] {
            let mode = fs::metadata(file).unwrap().permissions().mode();
            assert_eq!(mode & 0o755, 0o755, "{} is not executable", file.display());
        }
        // What the bundler does to its linuxdeploy leaves the program it came from alone.
        let mut bytes = fs::read(&linuxdeploy).unwrap();
        bytes[8..11].copy_from_slice(&[0, 0, 0]);
        fs::write(&linuxdeploy, bytes).unwrap();
        assert_eq!(fs::read(&appdir_program).unwrap(), b"\x7fELF appdir");
        let err = install_tools(&tools, &dir.path().join("absent"), &launcher).unwrap_err();
        assert!(matches!(err, BundleError::Missing(_)), "{err}");
    }
}
