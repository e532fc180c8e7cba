use serde::Serialize;
use thiserror::Error;

/// Why a value was refused. Each variant names the field so a person can find and fix it.
///
/// It serialises as `{"problem": code, "field": .., ..}` with the values a message needs, so an
/// interface can say the same thing in its own language; the English `Display` says it here.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum Invalid {
    #[error("{field} is required")]
    Missing { field: &'static str },
    #[error("{field} is {len} characters long; at most {max} are allowed")]
    TooLong {
        field: &'static str,
        len: usize,
        max: usize,
    },
    /// `position` counts characters from 1.
    #[error("{field} contains a control character (U+{code:04X}) at character {position}")]
    ControlCharacter {
        field: &'static str,
        code: u32,
        position: usize,
    },
    #[error("{field} {value:?} is not one of: {allowed}")]
    #[serde(rename = "unknown_value")]
    Unknown {
        field: &'static str,
        value: String,
        allowed: String,
    },
    #[error("{field} {value:?} is not valid: {rule}")]
    #[serde(rename = "bad_format")]
    Format {
        field: &'static str,
        value: String,
        rule: Rule,
    },
    #[error("{field} {value} is out of range: {rule}")]
    #[serde(rename = "out_of_range")]
    Range {
        field: &'static str,
        value: String,
        rule: Rule,
    },
}

impl Invalid {
    /// Fields that do not make a record of `kind` at all; `detail` is the reader's account of
    /// what is wrong.
    pub fn record_shape(kind: crate::EntityKind, detail: String) -> Invalid {
        Invalid::Format {
            field: kind.as_str(),
            value: String::new(),
            rule: Rule::RecordShape { detail },
        }
    }

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

    /// A stable code for the kind of problem: the `problem` of the serialised form.
    pub fn code(&self) -> &'static str {
        match self {
            Invalid::Missing { .. } => "missing",
            Invalid::TooLong { .. } => "too_long",
            Invalid::ControlCharacter { .. } => "control_character",
            Invalid::Unknown { .. } => "unknown_value",
            Invalid::Format { .. } => "bad_format",
            Invalid::Range { .. } => "out_of_range",
        }
    }

    /// The rule a malformed or out-of-range value broke.
    pub fn rule(&self) -> Option<&Rule> {
        match self {
            Invalid::Format { rule, .. } | Invalid::Range { rule, .. } => Some(rule),
            _ => None,
        }
    }
}

/// The rule a value's shape or size must follow. Its English sentence is its `Display`; its code
/// lets an interface say it in another language.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Rule {
    #[error("an LGD code is a whole number")]
    LgdWholeNumber,
    #[error("too large for an LGD code")]
    LgdTooLarge,
    /// A record id that is no UUID; `detail` is the parser's own account.
    #[error("{detail}")]
    RecordId { detail: String },
    /// A record whose fields do not fit its kind; `detail` names the field where it can.
    #[error("{detail}")]
    RecordShape { detail: String },
    #[error("expected YYYY-MM-DD")]
    DateShape,
    #[error("the year must be between 1900 and 2200")]
    Year,
    #[error("the month must be between 1 and 12")]
    Month,
    #[error("that day does not exist in that month")]
    DayOfMonth,
    #[error("a GSTIN has 15 characters")]
    GstinLength,
    #[error("characters 1-2 are a state's GST code, 01 to 38 (or 97, 99)")]
    GstinState,
    #[error("characters 3-12 must be a PAN (5 letters, 4 digits, 1 letter)")]
    GstinPan,
    #[error("character 13 is the registration number (1-9 or A-Z)")]
    GstinEntity,
    #[error("character 14 must be Z")]
    GstinZ,
    #[error("unexpected character")]
    GstinCharacter,
    #[error("the check character should be {want}")]
    GstinCheck { want: char },
    #[error("expected UDYAM-XX-00-0000000 (state letters, district digits, serial)")]
    UdyamShape,
    #[error("expected 10 digits, optionally with +91 or 0 before them")]
    PhoneShape,
    #[error("expected name@domain")]
    EmailShape,
    #[error("a platform is listed twice")]
    PlatformTwice,
    #[error("the same language is given twice")]
    LanguageTwice,
    #[error("a policy's id follows from its state code")]
    PolicyId,
    #[error("more than a million people at one workshop")]
    Attendance,
}

impl Rule {
    /// A stable code for the rule: the `code` of the serialised form.
    pub fn code(&self) -> &'static str {
        match self {
            Rule::LgdWholeNumber => "lgd_whole_number",
            Rule::LgdTooLarge => "lgd_too_large",
            Rule::RecordId { .. } => "record_id",
            Rule::RecordShape { .. } => "record_shape",
            Rule::DateShape => "date_shape",
            Rule::Year => "year",
            Rule::Month => "month",
            Rule::DayOfMonth => "day_of_month",
            Rule::GstinLength => "gstin_length",
            Rule::GstinState => "gstin_state",
            Rule::GstinPan => "gstin_pan",
            Rule::GstinEntity => "gstin_entity",
            Rule::GstinZ => "gstin_z",
            Rule::GstinCharacter => "gstin_character",
            Rule::GstinCheck { .. } => "gstin_check",
            Rule::UdyamShape => "udyam_shape",
            Rule::PhoneShape => "phone_shape",
            Rule::EmailShape => "email_shape",
            Rule::PlatformTwice => "platform_twice",
            Rule::LanguageTwice => "language_twice",
            Rule::PolicyId => "policy_id",
            Rule::Attendance => "attendance",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The serialised tags are the codes the methods give, so an interface keyed on either agrees.
    #[test]
    fn serialised_tags_are_the_codes() {
        let rules = [
            Rule::LgdWholeNumber,
            Rule::LgdTooLarge,
            Rule::RecordId { detail: "x".into() },
            Rule::RecordShape { detail: "x".into() },
            Rule::DateShape,
            Rule::Year,
            Rule::Month,
            Rule::DayOfMonth,
            Rule::GstinLength,
            Rule::GstinState,
            Rule::GstinPan,
            Rule::GstinEntity,
            Rule::GstinZ,
            Rule::GstinCharacter,
            Rule::GstinCheck { want: 'K' },
            Rule::UdyamShape,
            Rule::PhoneShape,
            Rule::EmailShape,
            Rule::PlatformTwice,
            Rule::LanguageTwice,
            Rule::PolicyId,
            Rule::Attendance,
        ];
        for rule in rules {
            let json = serde_json::to_value(&rule).unwrap();
            assert_eq!(json["code"], rule.code(), "{rule:?}");
        }
        let field = "phone";
        let value = String::from("12");
        let problems = [
            Invalid::Missing { field },
            Invalid::TooLong {
                field,
                len: 3,
                max: 2,
            },
            Invalid::ControlCharacter {
                field,
                code: 7,
                position: 1,
            },
            Invalid::Unknown {
                field,
                value: value.clone(),
                allowed: "a, b".into(),
            },
            Invalid::Format {
                field,
                value: value.clone(),
                rule: Rule::PhoneShape,
            },
            Invalid::Range {
                field,
                value,
                rule: Rule::Year,
            },
        ];
        for problem in problems {
            let json = serde_json::to_value(&problem).unwrap();
            assert_eq!(json["problem"], problem.code(), "{problem:?}");
            assert_eq!(json["field"], "phone");
        }
    }

    /// A rule keeps its values beside its code, and the English sentence names them.
    #[test]
    fn a_rule_carries_what_its_sentence_needs() {
        let e = Invalid::Format {
            field: "gstin",
            value: "09AAACH7409R1ZY".into(),
            rule: Rule::GstinCheck { want: 'Z' },
        };
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            serde_json::json!({
                "problem": "bad_format",
                "field": "gstin",
                "value": "09AAACH7409R1ZY",
                "rule": { "code": "gstin_check", "want": "Z" },
            })
        );
        assert_eq!(
            e.to_string(),
            "gstin \"09AAACH7409R1ZY\" is not valid: the check character should be Z"
        );
    }
}
