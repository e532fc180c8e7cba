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

/// The long names of the bodies that own ODOP actions, as words, and the short names they go
/// by. A department writes "DIC Varanasi" one month and "District Industries Centre,
/// Varanasi" the next; both are one owner.
const OWNER_LONG_NAMES: &[(&[&str], &str)] = &[
    (&["district", "industries", "centre"], "dic"),
    (
        &["export", "promotion", "council", "for", "handicrafts"],
        "epch",
    ),
    (&["handloom", "export", "promotion", "council"], "hepc"),
    (&["carpet", "export", "promotion", "council"], "cepc"),
    (&["indian", "institute", "of", "packaging"], "iip"),
    (
        &["khadi", "and", "village", "industries", "commission"],
        "kvic",
    ),
    (&["khadi", "and", "village", "industries", "board"], "kvib"),
    (&["government", "e", "marketplace"], "gem"),
    (&["government", "emarketplace"], "gem"),
    (&["open", "network", "for", "digital", "commerce"], "ondc"),
    (
        &[
            "agricultural",
            "and",
            "processed",
            "food",
            "products",
            "export",
            "development",
            "authority",
        ],
        "apeda",
    ),
    (
        &["marine", "products", "export", "development", "authority"],
        "mpeda",
    ),
    (
        &["national", "institute", "of", "fashion", "technology"],
        "nift",
    ),
    (&["national", "institute", "of", "design"], "nid"),
    (
        &["small", "industries", "development", "bank", "of", "india"],
        "sidbi",
    ),
    (
        &[
            "national",
            "bank",
            "for",
            "agriculture",
            "and",
            "rural",
            "development",
        ],
        "nabard",
    ),
    (
        &["directorate", "general", "of", "foreign", "trade"],
        "dgft",
    ),
    (&["development", "commissioner"], "dc"),
    (&["micro", "small", "and", "medium", "enterprises"], "msme"),
    (&["state", "rural", "livelihood", "mission"], "srlm"),
    (&["self", "help", "group"], "shg"),
    (&["farmer", "producer", "organisation"], "fpo"),
    (&["farmers", "producer", "organisation"], "fpo"),
];

/// A comparison key for the owner of an action as written by hand: besides what
/// [`name_key`] ignores, a body's long name against its short one ("District Industries
/// Centre" and "DIC"), British against American spelling, "industry" against "industries",
/// "office of" and the order of the words ("Varanasi DIC" and "DIC, Varanasi").
pub fn owner_key(owner: &str) -> String {
    let lowered = owner.to_lowercase().replace('&', " and ");
    // A danda ends a sentence in Hindi as a full stop does in English.
    let words: Vec<&str> = lowered
        .split(|c: char| (!c.is_alphanumeric() && !is_combining(c)) || matches!(c, '।' | '॥'))
        .filter(|w| !w.is_empty())
        .map(|w| match w {
            "center" => "centre",
            "govt" => "government",
            "industry" => "industries",
            "organization" | "organisations" | "organizations" => "organisation",
            "enterprise" => "enterprises",
            _ => w,
        })
        .collect();
    // Initials written with stops ("D.I.C.", "O/o") are one word.
    let mut joined: Vec<String> = Vec::with_capacity(words.len());
    let mut initials = false;
    for w in words {
        let initial = w.len() == 1 && w.is_ascii();
        match joined.last_mut() {
            Some(last) if initial && initials => last.push_str(w),
            _ => joined.push(w.to_owned()),
        }
        initials = initial;
    }
    let words: Vec<&str> = joined.iter().map(String::as_str).collect();
    let mut key: Vec<&str> = Vec::with_capacity(words.len());
    let mut rest = &words[..];
    while let Some((first, after)) = rest.split_first() {
        match OWNER_LONG_NAMES
            .iter()
            .find(|(long, _)| rest.starts_with(long))
        {
            Some((long, short)) => {
                key.push(short);
                rest = &rest[long.len()..];
            }
            None => {
                key.push(first);
                rest = after;
            }
        }
    }
    // "O/o" is "office of".
    key.retain(|w| !matches!(*w, "the" | "of" | "office" | "oo" | "district" | "dist"));
    key.sort_unstable();
    key.join(" ")
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
    fn an_owner_is_one_owner_however_a_department_writes_it() {
        let same = [
            ("DIC Varanasi", "District Industries Centre, Varanasi"),
            ("DIC Varanasi", "Varanasi D.I.C."),
            ("DIC Varanasi", "district industry center varanasi"),
            ("DIC, Varanasi", "Varanasi District Industries Centre"),
            ("GeM state cell", "Government e-Marketplace State Cell"),
            ("GeM state cell", "Govt. e Marketplace, state cell"),
            ("EPCH", "Export Promotion Council for Handicrafts"),
            ("IIP Mumbai", "Indian Institute of Packaging, Mumbai"),
            (
                "O/o DC (Handicrafts)",
                "Development Commissioner Handicrafts",
            ),
            ("Office of the DC (Handicrafts)", "DC Handicrafts"),
            ("KVIC", "Khadi & Village Industries Commission"),
            ("MSME-DI Agra", "Agra MSME DI"),
            ("UPSRLM", "UPSRLM"),
        ];
        for (a, b) in same {
            assert_eq!(owner_key(a), owner_key(b), "{a} / {b}");
        }
        let different = [
            ("DIC Varanasi", "DIC Bhadohi"),
            ("EPCH", "HEPC"),
            ("GeM state cell", "ONDC state cell"),
            ("District Magistrate Varanasi", "DIC Varanasi"),
        ];
        for (a, b) in different {
            assert_ne!(owner_key(a), owner_key(b), "{a} / {b}");
        }
        assert_eq!(owner_key("ज़िला उद्योग केंद्र"), owner_key("ज़िला  उद्योग केंद्र।"));
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
