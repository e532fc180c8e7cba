use odop_domain::{EntityKind, Id, Invalid, Misplaced};
use thiserror::Error;

/// A record that names another, as a refusal to delete or move the other lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Referrer {
    pub kind: EntityKind,
    pub id: String,
    /// What a person calls it.
    pub title: String,
}

impl std::fmt::Display for Referrer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.kind, self.id)?;
        if !self.title.is_empty() {
            write!(f, " (“{}”)", self.title)?;
        }
        Ok(())
    }
}

fn listed(used_by: &[Referrer]) -> String {
    let each: Vec<String> = used_by.iter().map(Referrer::to_string).collect();
    each.join(", ")
}

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
    // Not `source`: the message already says the problem, so it is no separate cause that an
    // error chain would print a second time.
    #[error("{kind} {id}: {problem}")]
    Invalid {
        kind: EntityKind,
        id: Id,
        problem: Invalid,
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
    /// A place the desk's own LGD list has, but the server's (as the last pull brought it)
    /// does not: the server would refuse the record.
    #[error("{misplaced}; the server would refuse this record")]
    OffServerList { misplaced: Misplaced },
    #[error("sector {0:?} is not in the sector list")]
    UnknownSector(String),
    #[error("{field} refers to {kind} {id}, which does not exist")]
    MissingReference {
        field: &'static str,
        kind: EntityKind,
        id: Id,
    },
    #[error("{field} names {kind} {id} of state {actual}, not of state {claimed}")]
    ReferenceInOtherState {
        field: &'static str,
        kind: EntityKind,
        id: Id,
        actual: u16,
        claimed: u16,
    },
    #[error("no {kind} has id {id}")]
    NotFound { kind: EntityKind, id: Id },
    #[error("{kind} {id} already exists; change it rather than adding it again")]
    Exists { kind: EntityKind, id: Id },
    #[error("{kind} {id} is still referred to by {}", listed(used_by))]
    InUse {
        kind: EntityKind,
        id: Id,
        used_by: Vec<Referrer>,
    },
    #[error(
        "{kind} {id} cannot move to state {state}: {} of its present state still refer to it",
        listed(used_by)
    )]
    StillReferred {
        kind: EntityKind,
        id: Id,
        state: u16,
        used_by: Vec<Referrer>,
    },
    #[error(
        "district {district} cannot move to state {state}: {} still lie in it; move them to \
         another district first",
        used_by.join(", ")
    )]
    DistrictInUse {
        district: u32,
        state: u16,
        used_by: Vec<String>,
    },
    #[error("stored {kind} {id} cannot be read: {reason}")]
    Corrupt {
        kind: EntityKind,
        id: String,
        reason: String,
    },
    #[error("seller {gone} cannot be merged into seller {keep}: {why}")]
    Unmergeable { gone: Id, keep: Id, why: String },
    #[error("no conflict has id {id}")]
    NoConflict { id: String },
    #[error("conflict {id} is already settled")]
    ConflictSettled { id: String },
    #[error("no refused write has sequence number {seq}")]
    NoRefusal { seq: i64 },
    #[error("{field}: {problem}")]
    Field {
        field: String,
        problem: FieldProblem,
    },
    #[error("GI registry entry {number}: {problem}")]
    BadGiEntry { number: u32, problem: Invalid },
    #[error("cannot back up to {path}: {why}")]
    BackupFailed { path: String, why: String },
    #[error("cannot restore from {path}: {why}")]
    Unrestorable { path: String, why: String },
    #[error(
        "{path} holds the work of a desk that syncs for {backup}, and this desk syncs for \
         {desk}: its records and waiting changes are not this desk's to keep or send"
    )]
    OtherAccountsBackup {
        path: String,
        backup: String,
        desk: String,
    },
    #[error(
        "this desk holds {waiting} change(s) not yet sent, made for {desk}; logged in for \
         {login}, it would send them as that account, which may not make them: sync them \
         first as the present account"
    )]
    OtherAccountsChanges {
        waiting: u64,
        desk: String,
        login: String,
    },
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
            StoreError::OffServerList { .. } => "off_server_list",
            StoreError::UnknownSector(_) => "unknown_sector",
            StoreError::MissingReference { .. } => "missing_reference",
            StoreError::ReferenceInOtherState { .. } => "reference_in_other_state",
            StoreError::NotFound { .. } => "not_found",
            StoreError::Exists { .. } => "exists",
            StoreError::InUse { .. } => "in_use",
            StoreError::StillReferred { .. } | StoreError::DistrictInUse { .. } => "still_referred",
            StoreError::Corrupt { .. } => "corrupt",
            StoreError::Unmergeable { .. } => "unmergeable",
            StoreError::NoConflict { .. } => "no_conflict",
            StoreError::ConflictSettled { .. } => "conflict_settled",
            StoreError::NoRefusal { .. } => "no_refusal",
            StoreError::Field { .. } => "invalid",
            StoreError::BadGiEntry { .. } => "invalid",
            StoreError::BackupFailed { .. } => "backup_failed",
            StoreError::Unrestorable { .. } => "unrestorable",
            StoreError::OtherAccountsBackup { .. } | StoreError::OtherAccountsChanges { .. } => {
                "other_account"
            }
            StoreError::Sql(_) => "database",
        }
    }
}

/// Why a form's value for one field cannot be used, before the record's own rules are asked.
#[derive(Debug, Error)]
pub enum FieldProblem {
    #[error("is required")]
    Required,
    #[error("{raw:?} is not a whole number")]
    NotWholeNumber { raw: String },
    #[error("{raw:?} is not yes or no")]
    NotYesOrNo { raw: String },
    #[error("the id of a record cannot be changed")]
    IdFixed,
    #[error("{code} is not in the LGD list")]
    UnknownDistrict { code: u64 },
    #[error("{0}")]
    Invalid(Invalid),
    /// A list or a group of fields that is not written as it should be: not JSON, or JSON of
    /// the wrong shape; `detail` is the parser's account of where.
    #[error("{detail}")]
    NotJson { detail: String },
    #[error("is not a group of fields")]
    NotGroup,
    #[error("is not a list")]
    NotList,
    #[error("is not a field of this kind of record")]
    NotAField,
    /// A state has one policy record, whose id follows from the state.
    #[error("state {state} already has its policy record; change that one")]
    HasPolicy { state: u16 },
}

/// A value the domain's rules refuse. Not `#[from]`: the message already says it, so it is no
/// separate cause.
impl From<Invalid> for FieldProblem {
    fn from(invalid: Invalid) -> Self {
        FieldProblem::Invalid(invalid)
    }
}

impl FieldProblem {
    /// The problem as data, `{"problem": code, ..}` with the values its message names, for an
    /// interface that says it in its own language. A domain rule's refusal keeps the domain's
    /// own form ([`Invalid`]'s serialisation).
    pub fn detail(&self) -> serde_json::Value {
        use serde_json::json;
        match self {
            FieldProblem::Required => json!({ "problem": "missing" }),
            FieldProblem::NotWholeNumber { raw } => {
                json!({ "problem": "not_whole_number", "value": raw })
            }
            FieldProblem::NotYesOrNo { raw } => json!({ "problem": "not_yes_or_no", "value": raw }),
            FieldProblem::IdFixed => json!({ "problem": "id_fixed" }),
            FieldProblem::UnknownDistrict { code } => {
                json!({ "problem": "unknown_district", "value": code })
            }
            FieldProblem::Invalid(invalid) => serde_json::to_value(invalid).unwrap_or_default(),
            FieldProblem::NotJson { detail } => json!({ "problem": "not_json", "detail": detail }),
            FieldProblem::NotGroup => json!({ "problem": "not_group" }),
            FieldProblem::NotList => json!({ "problem": "not_list" }),
            FieldProblem::NotAField => json!({ "problem": "not_a_field" }),
            FieldProblem::HasPolicy { state } => json!({ "problem": "has_policy", "value": state }),
        }
    }
}
