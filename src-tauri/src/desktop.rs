//! Where the person's files are, and handing files to their desktop (the PDF viewer) with the
//! environment their session had. Started from the AppImage, the app runs with GTK, GIO and
//! gdk-pixbuf pointed at the image's own modules (its AppRun names those variables in
//! `ODOP_APPIMAGE_SET` and keeps their earlier values in `ODOP_APPIMAGE_WAS_<name>`); a viewer
//! built against the system's libraries must not load them.

use std::ffi::OsStr;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use tauri::{AppHandle, Manager as _};

/// The folder a file name typed without a folder means: the person's documents (else home).
/// The app's own working folder means nothing to a person, and started from the AppImage it is
/// inside the unpacked image, which a later version removes.
pub fn documents(app: &AppHandle) -> Option<PathBuf> {
    app.path()
        .document_dir()
        .or_else(|_| app.path().home_dir())
        .ok()
}

/// A path the person typed or picked, as they meant it: a relative one is taken inside their
/// documents folder.
pub fn typed(app: &AppHandle, path: &Path) -> PathBuf {
    meant(path, documents(app).as_deref())
}

/// `path` as the person meant it: a relative path is taken inside `base`.
fn meant(path: &Path, base: Option<&Path>) -> PathBuf {
    match base {
        Some(base) if path.is_relative() => base.join(path),
        _ => path.to_path_buf(),
    }
}

/// Gives `cmd` the session's environment back where the AppImage's AppRun changed it.
pub fn as_the_session_had(cmd: &mut Command, var: impl Fn(&str) -> Option<std::ffi::OsString>) {
    let Some(set) = var("ODOP_APPIMAGE_SET") else {
        return;
    };
    for name in set.to_string_lossy().split_whitespace() {
        let was = format!("ODOP_APPIMAGE_WAS_{name}");
        match var(&was) {
            Some(value) => cmd.env(name, value),
            None => cmd.env_remove(name),
        };
        cmd.env_remove(was);
    }
    cmd.env_remove("ODOP_APPIMAGE_SET");
}

/// Opens `path` with the desktop's program for it, trying each opener the platform has
/// (xdg-open, gio, ... on Linux) until one starts. The opener is not waited for here: a
/// thread reaps it when it ends.
pub fn open(path: &OsStr) -> io::Result<()> {
    let mut last = io::Error::new(io::ErrorKind::NotFound, "no opener is installed");
    for mut cmd in open::commands(path) {
        as_the_session_had(&mut cmd, |name| std::env::var_os(name));
        cmd.stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        match cmd.spawn() {
            Ok(mut child) => {
                std::thread::spawn(move || child.wait());
                return Ok(());
            }
            Err(e) => last = e,
        }
    }
    Err(last)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::ffi::OsString;

    fn env_of(cmd: &Command) -> HashMap<String, Option<String>> {
        cmd.get_envs()
            .map(|(k, v)| {
                (
                    k.to_string_lossy().into_owned(),
                    v.map(|v| v.to_string_lossy().into_owned()),
                )
            })
            .collect()
    }

    #[test]
    fn variables_the_image_set_get_their_session_values_back_or_go() {
        let vars: HashMap<&str, &str> = HashMap::from([
            ("ODOP_APPIMAGE_SET", "GTK_PATH GIO_MODULE_DIR"),
            ("ODOP_APPIMAGE_WAS_GTK_PATH", "/session/gtk"),
        ]);
        let mut cmd = Command::new("xdg-open");
        as_the_session_had(&mut cmd, |n| vars.get(n).map(OsString::from));
        let env = env_of(&cmd);
        assert_eq!(env["GTK_PATH"], Some("/session/gtk".to_owned()));
        assert_eq!(
            env["GIO_MODULE_DIR"], None,
            "unset before the image: removed"
        );
        assert_eq!(env["ODOP_APPIMAGE_SET"], None);
        assert_eq!(env["ODOP_APPIMAGE_WAS_GTK_PATH"], None);
    }

    #[test]
    fn a_bare_file_name_is_taken_in_the_documents_folder() {
        let docs = Path::new("/home/asha/Documents");
        assert_eq!(
            meant(Path::new("saree.pdf"), Some(docs)),
            PathBuf::from("/home/asha/Documents/saree.pdf")
        );
        assert_eq!(
            meant(Path::new("/tmp/saree.pdf"), Some(docs)),
            PathBuf::from("/tmp/saree.pdf")
        );
        assert_eq!(meant(Path::new("a.pdf"), None), PathBuf::from("a.pdf"));
    }

    #[test]
    fn outside_the_image_nothing_changes() {
        let mut cmd = Command::new("xdg-open");
        as_the_session_had(&mut cmd, |_| None);
        assert!(env_of(&cmd).is_empty());
    }
}
