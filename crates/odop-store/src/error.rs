use odop_domain::{EntityKind, Id, Invalid};
use thiserror::Error;

/// What went wrong when reading or changing the local database.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("cannot open the database at {path}: {source}")]
    Open {
        path: String,
        source: rusqlite::Error,
    },
    #[error(
        "the database has schema version {found}, but this program knows only up to {supported}: \
         it was written by a newer ODOP Desk; install that version or newer"
    )]
    NewerDatabase { found: u32, supported: u32 },
    #[error("migration {number} failed: {source}")]
    Migration {
        number: u32,
        source: rusqlite::Error,
    },
    #[error("{kind} {id}: {source}")]
    Invalid {
        kind: EntityKind,
        id: Id,
        source: Invalid,
    },
    #[error("district {code} is not in the LGD district list")]
    UnknownDistrict { code: u32 },
    #[error("state {code} is not in the LGD state list")]
    UnknownState { code: u16 },
    #[error("district {district} belongs to state {actual}, not state {claimed}")]
    DistrictInOtherState {
        district: u32,
        actual: u16,
        claimed: u16,
    },
    #[error("sector {0:?} is not in the sector list")]
    UnknownSector(String),
    #[error("{field} refers to {kind} {id}, which does not exist")]
    MissingReference {
        field: &'static str,
        kind: EntityKind,
        id: Id,
    },
    #[error("no {kind} has id {id}")]
    NotFound { kind: EntityKind, id: Id },
    #[error("{kind} {id} is still referred to by {}", used_by.join(", "))]
    InUse {
        kind: EntityKind,
        id: Id,
        used_by: Vec<String>,
    },
    #[error("stored {kind} {id} cannot be read: {reason}")]
    Corrupt {
        kind: EntityKind,
        id: String,
        reason: String,
    },
    #[error("no conflict has id {id}")]
    NoConflict { id: String },
    #[error("conflict {id} is already settled")]
    ConflictSettled { id: String },
    #[error("no refused write has sequence number {seq}")]
    NoRefusal { seq: i64 },
    #[error("{field}: {reason}")]
    Field { field: String, reason: String },
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
}

impl StoreError {
    /// A stable code for scripts and the app; the message is for people.
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::Open { .. } => "open_failed",
            StoreError::NewerDatabase { .. } => "newer_database",
            StoreError::Migration { .. } => "migration_failed",
            StoreError::Invalid { .. } => "invalid",
            StoreError::UnknownDistrict { .. } => "unknown_district",
            StoreError::UnknownState { .. } => "unknown_state",
            StoreError::DistrictInOtherState { .. } => "district_in_other_state",
            StoreError::UnknownSector(_) => "unknown_sector",
            StoreError::MissingReference { .. } => "missing_reference",
            StoreError::NotFound { .. } => "not_found",
            StoreError::InUse { .. } => "in_use",
            StoreError::Corrupt { .. } => "corrupt",
            StoreError::NoConflict { .. } => "no_conflict",
            StoreError::ConflictSettled { .. } => "conflict_settled",
            StoreError::NoRefusal { .. } => "no_refusal",
            StoreError::Field { .. } => "invalid",
            StoreError::Sql(_) => "database",
        }
    }
}
