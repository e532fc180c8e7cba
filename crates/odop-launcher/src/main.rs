//! `odop-launcher`: the first part of `ODOP Desk_<version>_<arch>.AppImage`. Run as the image, it
//! unpacks the app once into the user's cache and starts it; `--appimage-extract` unpacks it
//! into `./squashfs-root` instead, and `--appimage-offset` says where the tree starts, as other
//! AppImages do.

use std::os::unix::process::CommandExt as _;
use std::path::PathBuf;
use std::process::{Command, ExitCode};

use odop_launcher::{cache_root, Image, LaunchError};

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("ODOP Desk cannot start: {e}");
            ExitCode::from(127)
        }
    }
}

fn run() -> Result<ExitCode, LaunchError> {
    let me = std::env::current_exe().map_err(|source| LaunchError::Read {
        path: PathBuf::from("/proc/self/exe"),
        source,
    })?;
    let image = Image::open(&me)?;
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    match args.first().and_then(|a| a.to_str()) {
        Some("--appimage-offset") => {
            println!("{}", image.offset);
            return Ok(ExitCode::SUCCESS);
        }
        Some("--appimage-extract") => {
            let dest = PathBuf::from("squashfs-root");
            image.unpack(&dest)?;
            println!("{}", dest.display());
            return Ok(ExitCode::SUCCESS);
        }
        _ => {}
    }
    let cache = cache_root(
        std::env::var_os("XDG_CACHE_HOME").map(PathBuf::from),
        std::env::var_os("HOME").map(PathBuf::from),
    )?;
    let tree = image.unpacked(&cache)?;
    let here = std::env::current_dir().unwrap_or_default();
    let argv0 = std::env::args_os().next().unwrap_or_default();
    // exec only returns on failure: the app replaces this process.
    let source = Command::new(tree.join("AppRun"))
        .args(&args)
        .env("APPIMAGE", &me)
        .env("APPDIR", &tree)
        .env("ARGV0", argv0)
        .env("OWD", here)
        .exec();
    Err(LaunchError::Read {
        path: tree.join("AppRun"),
        source,
    })
}
