use thiserror::Error;

/// What a caller of the ledger can be told went wrong.
#[derive(Debug, Error)]
pub enum LedgerError {
    #[error("an account named {name:?} already exists")]
    AccountExists { name: String },

    #[error("no account is named {name:?}")]
    NoSuchAccount { name: String },

    #[error("{problem}")]
    BadAccount { problem: String },

    #[error(
        "client {client} belongs to account {owner:?}; each installation syncs as one account"
    )]
    ClientTaken { client: String, owner: String },

    #[error(
        "deletions after cursor {cursor} up to {horizon} were forgotten since this client last pulled; resync from the start"
    )]
    ResyncRequired { cursor: u64, horizon: u64 },

    #[error(
        "client {client} sent another change under number {seq}, which it sent before: its \
         database went back to an older copy; it must sync as a new client"
    )]
    Diverged { client: String, seq: u64 },

    #[error("account {account:?} may not {what}: only a central (DPIIT) account may")]
    NotCentral { account: String, what: &'static str },

    #[error("the GI registry was not taken: {problem}")]
    BadGiRegistry { problem: String },

    #[error("the ledger's database was written by a newer release (schema {found}, this release knows {known}); upgrade odop-server")]
    TooNew { found: i64, known: i64 },

    #[error("stored data is damaged: {what}")]
    Corrupt { what: String },

    #[error("storage failed: {0}")]
    Storage(Box<dyn std::error::Error + Send + Sync>),
}

impl LedgerError {
    /// A stable code for the HTTP edge.
    pub fn code(&self) -> &'static str {
        match self {
            LedgerError::AccountExists { .. } => "account_exists",
            LedgerError::NoSuchAccount { .. } => "no_such_account",
            LedgerError::BadAccount { .. } => "bad_account",
            LedgerError::ClientTaken { .. } => odop_protocol::CLIENT_TAKEN,
            LedgerError::ResyncRequired { .. } => "resync_required",
            LedgerError::Diverged { .. } => odop_protocol::CLIENT_DIVERGED,
            LedgerError::NotCentral { .. } => "forbidden",
            LedgerError::BadGiRegistry { .. } => "bad_gi_registry",
            LedgerError::TooNew { .. } => "schema_too_new",
            LedgerError::Corrupt { .. } => "corrupt",
            LedgerError::Storage(_) => "storage",
        }
    }

    /// Wraps a backend's own error.
    pub fn storage(e: impl std::error::Error + Send + Sync + 'static) -> LedgerError {
        LedgerError::Storage(Box::new(e))
    }
}
