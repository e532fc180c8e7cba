use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::{Invalid, StateCode};

/// Languages that ODOP material is written in, by ISO 639-1 code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    En,
    Hi,
    Bn,
    Gu,
    Ta,
    Te,
    Mr,
    Kn,
    Ml,
    Pa,
    Or,
    As,
    Ur,
}

impl Lang {
    pub const ALL: [Lang; 13] = [
        Lang::En,
        Lang::Hi,
        Lang::Bn,
        Lang::Gu,
        Lang::Ta,
        Lang::Te,
        Lang::Mr,
        Lang::Kn,
        Lang::Ml,
        Lang::Pa,
        Lang::Or,
        Lang::As,
        Lang::Ur,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Hi => "hi",
            Lang::Bn => "bn",
            Lang::Gu => "gu",
            Lang::Ta => "ta",
            Lang::Te => "te",
            Lang::Mr => "mr",
            Lang::Kn => "kn",
            Lang::Ml => "ml",
            Lang::Pa => "pa",
            Lang::Or => "or",
            Lang::As => "as",
            Lang::Ur => "ur",
        }
    }
}

impl Lang {
    /// The language a local name is most likely in, from the script of its first letter and,
    /// where one script serves several languages, the state it comes from (Devanagari is Marathi
    /// in Maharashtra, Bengali script is Assamese in Assam). Text in no Indian script is taken as
    /// Hindi, the national list's usual second language.
    pub fn of_text(text: &str, state: StateCode) -> Lang {
        const MAHARASHTRA: StateCode = StateCode(27);
        const ASSAM: StateCode = StateCode(18);
        let Some(first) = text.chars().find(|c| c.is_alphabetic()) else {
            return Lang::Hi;
        };
        match first {
            '\u{0900}'..='\u{097F}' if state == MAHARASHTRA => Lang::Mr,
            '\u{0980}'..='\u{09FF}' if state == ASSAM => Lang::As,
            '\u{0980}'..='\u{09FF}' => Lang::Bn,
            '\u{0A00}'..='\u{0A7F}' => Lang::Pa,
            '\u{0A80}'..='\u{0AFF}' => Lang::Gu,
            '\u{0B00}'..='\u{0B7F}' => Lang::Or,
            '\u{0B80}'..='\u{0BFF}' => Lang::Ta,
            '\u{0C00}'..='\u{0C7F}' => Lang::Te,
            '\u{0C80}'..='\u{0CFF}' => Lang::Kn,
            '\u{0D00}'..='\u{0D7F}' => Lang::Ml,
            '\u{0600}'..='\u{06FF}' => Lang::Ur,
            c if c.is_ascii_alphabetic() => Lang::En,
            _ => Lang::Hi,
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Lang {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Lang, Invalid> {
        let want = s.trim().to_ascii_lowercase();
        Lang::ALL
            .into_iter()
            .find(|l| l.code() == want)
            .ok_or_else(|| Invalid::Unknown {
                field: "language",
                value: s.to_owned(),
                allowed: Lang::ALL.map(Lang::code).join(", "),
            })
    }
}

/// A one-line value: required, bounded, with no control characters.
pub(crate) fn check_line(field: &'static str, value: &str, max: usize) -> Result<(), Invalid> {
    if value.trim().is_empty() {
        return Err(Invalid::Missing { field });
    }
    check_len(field, value, max)?;
    check_controls(field, value, false)
}

/// A one-line value that may be absent.
pub(crate) fn check_opt_line(
    field: &'static str,
    value: Option<&str>,
    max: usize,
) -> Result<(), Invalid> {
    match value {
        Some(v) => check_line(field, v, max),
        None => Ok(()),
    }
}

/// Free text: may be empty, may hold line breaks and tabs, nothing else below U+0020.
pub(crate) fn check_text(field: &'static str, value: &str, max: usize) -> Result<(), Invalid> {
    check_len(field, value, max)?;
    check_controls(field, value, true)
}

fn check_len(field: &'static str, value: &str, max: usize) -> Result<(), Invalid> {
    let len = value.chars().count();
    if len > max {
        return Err(Invalid::TooLong { field, len, max });
    }
    Ok(())
}

fn check_controls(field: &'static str, value: &str, multiline: bool) -> Result<(), Invalid> {
    for (index, c) in value.chars().enumerate() {
        let allowed = multiline && matches!(c, '\n' | '\t' | '\r');
        if c.is_control() && !allowed {
            return Err(Invalid::ControlCharacter {
                field,
                code: c as u32,
                // Counted as a person counts: the first character is 1.
                position: index + 1,
            });
        }
    }
    Ok(())
}

/// A comparison key for place names written by hand: case, spacing, punctuation, "&" against
/// "and" and a trailing "district" or "(UT)" do not matter.
pub fn name_key(name: &str) -> String {
    let lowered = name.to_lowercase().replace('&', " and ");
    let mut words: Vec<String> = lowered
        .split(|c: char| !c.is_alphanumeric() && !is_combining(c))
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect();
    words.retain(|w| !matches!(w.as_str(), "ut" | "district" | "dist" | "the"));
    words.concat()
}

/// Indian scripts put vowel signs and viramas in combining categories; they belong to the word.
fn is_combining(c: char) -> bool {
    matches!(c as u32, 0x0900..=0x0DFF | 0x200C | 0x200D)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_local_names_language_follows_its_script_and_state() {
        let up = StateCode(9);
        assert_eq!(Lang::of_text("बनारसी साड़ी", up), Lang::Hi);
        assert_eq!(Lang::of_text("पैठणी", StateCode(27)), Lang::Mr);
        assert_eq!(Lang::of_text("মুগা সিল্ক", StateCode(18)), Lang::As);
        assert_eq!(Lang::of_text("মসলিন", StateCode(19)), Lang::Bn);
        assert_eq!(Lang::of_text("காஞ்சிபுரம் பட்டு", StateCode(33)), Lang::Ta);
        assert_eq!(Lang::of_text("ಚನ್ನಪಟ್ಟಣ ಗೊಂಬೆಗಳು", StateCode(29)), Lang::Kn);
        assert_eq!(Lang::of_text("ഉരു", StateCode(32)), Lang::Ml);
        assert_eq!(Lang::of_text("పోచంపల్లి", StateCode(36)), Lang::Te);
        assert_eq!(Lang::of_text("ପଟ୍ଟଚିତ୍ର", StateCode(21)), Lang::Or);
        assert_eq!(Lang::of_text("ਫੁਲਕਾਰੀ", StateCode(3)), Lang::Pa);
        assert_eq!(Lang::of_text("પટોળા", StateCode(24)), Lang::Gu);
        assert_eq!(Lang::of_text("(Zari)", up), Lang::En);
        assert_eq!(Lang::of_text("123", up), Lang::Hi);
    }

    #[test]
    fn name_keys_ignore_case_punctuation_and_noise_words() {
        assert_eq!(
            name_key("Dr. B. R. Ambedkar Konaseema"),
            name_key("Dr BR Ambedkar Konaseema")
        );
        assert_eq!(
            name_key("Jammu & Kashmir (UT)"),
            name_key("JAMMU AND KASHMIR")
        );
        assert_eq!(
            name_key("  North and Middle Andaman "),
            "northandmiddleandaman"
        );
        assert_eq!(name_key("वाराणसी"), "वाराणसी");
    }

    #[test]
    fn lines_refuse_controls_and_length() {
        assert!(check_line("name", "Banarasi Saree", 10).is_err());
        assert!(check_line("name", "a\u{0}b", 10).is_err());
        assert!(check_line("name", "   ", 10).is_err());
        assert!(check_line("name", "\u{200F}मलमल", 10).is_ok());
        assert!(check_text("description", "one\ntwo", 10).is_ok());
        assert_eq!("HI".parse::<Lang>().unwrap(), Lang::Hi);
        assert!("xx".parse::<Lang>().is_err());
    }
}

/// A name for display: lists that write names in capitals ("NORTH AND MIDDLE ANDAMAN") are
/// shown in title case; names already in mixed case are kept as written.
pub fn display_name(name: &str) -> String {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.chars().any(char::is_lowercase) {
        return name;
    }
    let mut out = Vec::new();
    for (i, word) in name.split(' ').enumerate() {
        let lower = word.to_lowercase();
        if i > 0 && matches!(lower.as_str(), "and" | "of" | "the") {
            out.push(lower);
            continue;
        }
        let mut cased = String::new();
        let mut start = true;
        for c in lower.chars() {
            if start {
                cased.extend(c.to_uppercase());
            } else {
                cased.push(c);
            }
            // Letters after a hyphen, a dot or a bracket start a word of their own.
            start = matches!(c, '-' | '.' | '(' | '/');
        }
        out.push(cased);
    }
    out.join(" ")
}

#[cfg(test)]
mod display_tests {
    use super::display_name;

    #[test]
    fn capitals_become_title_case() {
        assert_eq!(
            display_name("NORTH AND MIDDLE ANDAMAN"),
            "North and Middle Andaman"
        );
        assert_eq!(
            display_name("THE DADRA AND NAGAR HAVELI AND DAMAN AND DIU"),
            "The Dadra and Nagar Haveli and Daman and Diu"
        );
        assert_eq!(
            display_name("DEEG-KUMHER (BHARATPUR)"),
            "Deeg-Kumher (Bharatpur)"
        );
        assert_eq!(
            display_name("Alluri Sitharama Raju"),
            "Alluri Sitharama Raju"
        );
    }
}
