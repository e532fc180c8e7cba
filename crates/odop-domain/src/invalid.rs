use thiserror::Error;

/// Why a value was refused. Each variant names the field so a person can find and fix it.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Invalid {
    #[error("{field} is required")]
    Missing { field: &'static str },
    #[error("{field} is {len} characters long; at most {max} are allowed")]
    TooLong {
        field: &'static str,
        len: usize,
        max: usize,
    },
    #[error("{field} contains a control character (U+{code:04X}) at position {position}")]
    ControlCharacter {
        field: &'static str,
        code: u32,
        position: usize,
    },
    #[error("{field} {value:?} is not one of: {allowed}")]
    Unknown {
        field: &'static str,
        value: String,
        allowed: String,
    },
    #[error("{field} {value:?} is not valid: {reason}")]
    Format {
        field: &'static str,
        value: String,
        reason: String,
    },
    #[error("{field} {value} is out of range: {reason}")]
    Range {
        field: &'static str,
        value: String,
        reason: String,
    },
}

impl Invalid {
    /// The field the problem is in, for forms that show the message beside it.
    pub fn field(&self) -> &'static str {
        match self {
            Invalid::Missing { field }
            | Invalid::TooLong { field, .. }
            | Invalid::ControlCharacter { field, .. }
            | Invalid::Unknown { field, .. }
            | Invalid::Format { field, .. }
            | Invalid::Range { field, .. } => field,
        }
    }
}
