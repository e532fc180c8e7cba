use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::SyncError;

/// Where and as whom this desk syncs, kept beside the database and readable by its user only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    pub server: String,
    pub token: String,
    /// Minutes between periodic syncs.
    #[serde(default = "default_interval")]
    pub interval_minutes: u32,
}

fn default_interval() -> u32 {
    15
}

impl Settings {
    pub fn path(data_dir: &Path) -> PathBuf {
        data_dir.join("sync.json")
    }

    /// The saved settings, or `None` before the first login.
    pub fn load(data_dir: &Path) -> Result<Option<Settings>, SyncError> {
        let path = Settings::path(data_dir);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(SyncError::Settings {
                    path: path.display().to_string(),
                    reason: e.to_string(),
                })
            }
        };
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| SyncError::Settings {
                path: path.display().to_string(),
                reason: e.to_string(),
            })
    }

    /// Saves atomically, with the token readable by this user only.
    pub fn save(&self, data_dir: &Path) -> Result<(), SyncError> {
        let path = Settings::path(data_dir);
        let fail = |e: std::io::Error| SyncError::Settings {
            path: path.display().to_string(),
            reason: e.to_string(),
        };
        let tmp = path.with_extension("json.tmp");
        let text = serde_json::to_string_pretty(self).unwrap_or_default();
        {
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create(true).truncate(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                options.mode(0o600);
            }
            let mut file = options.open(&tmp).map_err(fail)?;
            std::io::Write::write_all(&mut file, text.as_bytes()).map_err(fail)?;
            file.sync_all().map_err(fail)?;
        }
        std::fs::rename(&tmp, &path).map_err(fail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_round_trip_and_stay_private() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Settings::load(dir.path()).unwrap(), None);
        let s = Settings {
            server: "https://odop.example".into(),
            token: "odop_abc".into(),
            interval_minutes: 5,
        };
        s.save(dir.path()).unwrap();
        assert_eq!(Settings::load(dir.path()).unwrap(), Some(s));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(Settings::path(dir.path()))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "only the owner may read the token");
        }
        std::fs::write(Settings::path(dir.path()), "{not json").unwrap();
        let err = Settings::load(dir.path()).unwrap_err();
        assert!(err.to_string().contains("sync.json"), "{err}");
    }
}
