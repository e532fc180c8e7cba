use thiserror::Error;

/// What a caller of sync can be told went wrong.
#[derive(Debug, Error)]
pub enum SyncError {
    #[error("no server is set: run `odop login --server URL --token TOKEN` first")]
    NotLoggedIn,

    #[error("the server at {url} cannot be reached: {reason}")]
    Unreachable { url: String, reason: String },

    #[error("the server refused the request ({status} {code}): {message}")]
    Server {
        status: u16,
        code: String,
        message: String,
    },

    #[error("the server's answer could not be read: {0}")]
    Answer(String),

    #[error("another sync of this database is running")]
    Busy,

    /// A restore or a login asked for while a round runs: the round would settle its answers
    /// against another database or client. `doing` says which, as a verb.
    #[error(
        "a sync of this database is running (in the app or `odop sync`); {doing} once it has \
         finished"
    )]
    SyncRunning { doing: &'static str },

    /// A login to another server than the one this desk synced with, not confirmed.
    #[error(
        "this desk synced with {before}; logged in to {now}, it would compare everything with \
         that server and send it every record it lacks, this desk's work included"
    )]
    OtherServer { before: String, now: String },

    #[error("sync was cancelled")]
    Cancelled,

    #[error("the sync settings at {path} cannot be used: {reason}")]
    Settings { path: String, reason: String },

    /// A value given for a setting (the server's address, the interval) that cannot be used.
    #[error("{name}: {reason}")]
    BadSetting { name: &'static str, reason: String },

    #[error(transparent)]
    Store(#[from] odop_store::StoreError),
}

impl SyncError {
    /// A stable code for the app and scripts.
    pub fn code(&self) -> &'static str {
        match self {
            SyncError::NotLoggedIn => "not_logged_in",
            SyncError::Unreachable { .. } => "unreachable",
            SyncError::Server { .. } => "server_refused",
            SyncError::Answer(_) => "bad_answer",
            SyncError::Busy | SyncError::SyncRunning { .. } => "busy",
            SyncError::OtherServer { .. } => "other_server",
            SyncError::Cancelled => "cancelled",
            SyncError::Settings { .. } => "settings",
            SyncError::BadSetting { .. } => "bad_setting",
            SyncError::Store(e) => e.code(),
        }
    }

    /// Worth trying again later without anyone changing anything.
    pub fn is_transient(&self) -> bool {
        match self {
            SyncError::Unreachable { .. } | SyncError::Busy | SyncError::Answer(_) => true,
            SyncError::Server { status, .. } => *status == 429 || *status >= 500 || *status == 408,
            _ => false,
        }
    }
}
