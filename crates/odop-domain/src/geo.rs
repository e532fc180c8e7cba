use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::text::name_key;
use crate::{Invalid, Rule};

/// A state or union territory by its Local Government Directory code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct StateCode(pub u16);

/// A district by its Local Government Directory code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DistrictCode(pub u32);

impl fmt::Display for StateCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl fmt::Display for DistrictCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

fn parse_code<T: FromStr>(field: &'static str, s: &str) -> Result<T, Invalid> {
    let t = s.trim();
    // Spreadsheets turn codes into numbers like "603.0" or pad them like "04".
    let t = t.strip_suffix(".0").unwrap_or(t);
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Invalid::Format {
            field,
            value: s.chars().take(40).collect(),
            rule: Rule::LgdWholeNumber,
        });
    }
    t.parse().map_err(|_| Invalid::Range {
        field,
        value: t.to_owned(),
        rule: Rule::LgdTooLarge,
    })
}

impl FromStr for StateCode {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        parse_code("state_code", s).map(StateCode)
    }
}

impl FromStr for DistrictCode {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        parse_code("district_code", s).map(DistrictCode)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StateKind {
    State,
    Ut,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    pub code: StateCode,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_name: Option<String>,
    pub kind: StateKind,
    /// Other names the state goes by in spreadsheets (older names, abbreviations).
    #[serde(default)]
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct District {
    pub code: DistrictCode,
    pub state: StateCode,
    pub name: String,
    /// Spelling variants and former names that refer to this district.
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// What is wrong with a (state, district, code) triple against the LGD master list.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PlaceProblem {
    #[error("state {name:?} is not in the LGD list")]
    UnknownState { name: String },
    #[error("LGD code {code} is not in the LGD district list")]
    UnknownCode { code: u32 },
    #[error("LGD code {code} is {actual_district} in {actual_state}, not in {claimed_state}")]
    CodeInOtherState {
        code: u32,
        actual_district: String,
        actual_state: String,
        claimed_state: String,
    },
    #[error("LGD code {code} is {actual_district}, not {claimed_district}{}", name_hint(.name_matches))]
    CodeNameMismatch {
        code: u32,
        actual_district: String,
        claimed_district: String,
        /// A district of the same state whose name does match, if there is one.
        name_matches: Option<u32>,
    },
}

fn name_hint(m: &Option<u32>) -> String {
    match m {
        Some(code) => format!(" (that name is LGD code {code})"),
        None => String::new(),
    }
}

/// The LGD master list of states and districts, with name lookups tolerant of the spelling
/// variants found in departmental spreadsheets.
#[derive(Debug, Clone, Default)]
pub struct Gazetteer {
    states: Vec<State>,
    districts: HashMap<DistrictCode, District>,
    state_keys: HashMap<String, StateCode>,
}

/// The states and union territories in Hindi, by LGD code: what documents print in Hindi,
/// where the LGD list, written in English, names them in no Indian script.
const HINDI_STATE_NAMES: [(u16, &str); 36] = [
    (1, "जम्मू और कश्मीर"),
    (2, "हिमाचल प्रदेश"),
    (3, "पंजाब"),
    (4, "चंडीगढ़"),
    (5, "उत्तराखंड"),
    (6, "हरियाणा"),
    (7, "दिल्ली"),
    (8, "राजस्थान"),
    (9, "उत्तर प्रदेश"),
    (10, "बिहार"),
    (11, "सिक्किम"),
    (12, "अरुणाचल प्रदेश"),
    (13, "नागालैंड"),
    (14, "मणिपुर"),
    (15, "मिज़ोरम"),
    (16, "त्रिपुरा"),
    (17, "मेघालय"),
    (18, "असम"),
    (19, "पश्चिम बंगाल"),
    (20, "झारखंड"),
    (21, "ओडिशा"),
    (22, "छत्तीसगढ़"),
    (23, "मध्य प्रदेश"),
    (24, "गुजरात"),
    (27, "महाराष्ट्र"),
    (28, "आंध्र प्रदेश"),
    (29, "कर्नाटक"),
    (30, "गोवा"),
    (31, "लक्षद्वीप"),
    (32, "केरल"),
    (33, "तमिलनाडु"),
    (34, "पुदुच्चेरी"),
    (35, "अंडमान और निकोबार द्वीपसमूह"),
    (36, "तेलंगाना"),
    (37, "लद्दाख"),
    (38, "दादरा और नगर हवेली और दमन और दीव"),
];

impl StateCode {
    /// Its name in Hindi, for the states and union territories of the LGD list of 2022.
    pub fn hindi_name(self) -> Option<&'static str> {
        HINDI_STATE_NAMES
            .iter()
            .find(|(code, _)| *code == self.0)
            .map(|(_, name)| *name)
    }
}

impl Gazetteer {
    pub fn new(states: Vec<State>, districts: Vec<District>) -> Gazetteer {
        let mut state_keys = HashMap::new();
        for s in &states {
            state_keys.insert(name_key(&s.name), s.code);
            for a in &s.aliases {
                state_keys.insert(name_key(a), s.code);
            }
            if let Some(l) = &s.local_name {
                state_keys.entry(name_key(l)).or_insert(s.code);
            }
        }
        let districts = districts.into_iter().map(|d| (d.code, d)).collect();
        Gazetteer {
            states,
            districts,
            state_keys,
        }
    }

    pub fn states(&self) -> &[State] {
        &self.states
    }

    pub fn state(&self, code: StateCode) -> Option<&State> {
        self.states.iter().find(|s| s.code == code)
    }

    pub fn district(&self, code: DistrictCode) -> Option<&District> {
        self.districts.get(&code)
    }

    pub fn districts(&self) -> impl Iterator<Item = &District> {
        self.districts.values()
    }

    pub fn is_empty(&self) -> bool {
        self.states.is_empty()
    }

    /// Finds a state by name in any of its spellings, or by its code written as a number.
    pub fn find_state(&self, name: &str) -> Option<StateCode> {
        if let Ok(code) = name.parse::<StateCode>() {
            return self.state(code).map(|s| s.code);
        }
        let key = name_key(name);
        if let Some(code) = self.state_keys.get(&key) {
            return Some(*code);
        }
        // A cell naming two merged territories on two lines names the merged territory.
        let parts: Vec<&str> = name.lines().filter(|l| !l.trim().is_empty()).collect();
        if parts.len() > 1 {
            let keys: Vec<String> = parts.iter().map(|p| name_key(p)).collect();
            return self
                .states
                .iter()
                .find(|s| {
                    let sk = name_key(&s.name);
                    keys.iter().all(|k| sk.contains(k.as_str()))
                })
                .map(|s| s.code);
        }
        None
    }

    /// Finds a state as [`Gazetteer::find_state`] does, and failing that by its words typed
    /// with a slip or with some left out ("Uttar Predesh", "Daman Diu"), when only one state
    /// has them all. Lists typed outside the department (the GI registry's) need this.
    pub fn find_state_loosely(&self, name: &str) -> Option<StateCode> {
        if let Some(code) = self.find_state(name) {
            return Some(code);
        }
        let written = words(name);
        if written.is_empty() {
            return None;
        }
        let mut found = self.states.iter().filter(|s| {
            let known: Vec<String> = std::iter::once(&s.name)
                .chain(&s.aliases)
                .flat_map(|n| words(n))
                .collect();
            written
                .iter()
                .all(|w| known.iter().any(|k| crate::gi::alike(w, k)))
        });
        match (found.next(), found.next()) {
            (Some(only), None) => Some(only.code),
            _ => None,
        }
    }

    /// Finds a district of a state by name in any of its spellings.
    pub fn find_district(&self, state: StateCode, name: &str) -> Option<DistrictCode> {
        let mut best: Option<(usize, DistrictCode)> = None;
        for d in self.districts.values().filter(|d| d.state == state) {
            if let Some(score) = name_distance(d, name) {
                if best.is_none_or(|(b, _)| score < b) {
                    best = Some((score, d.code));
                }
            }
        }
        best.map(|(_, c)| c)
    }

    /// Checks a row's state name, district name and LGD code against each other. The code is the
    /// key, but only when the names beside it agree with it.
    pub fn check(
        &self,
        state_name: &str,
        district_name: &str,
        code: DistrictCode,
    ) -> Result<DistrictCode, PlaceProblem> {
        let Some(state) = self.find_state(state_name) else {
            return Err(PlaceProblem::UnknownState {
                name: state_name.trim().to_owned(),
            });
        };
        let Some(district) = self.district(code) else {
            return Err(PlaceProblem::UnknownCode { code: code.0 });
        };
        let state_label = |c: StateCode| {
            self.state(c)
                .map_or_else(|| c.to_string(), |s| s.name.clone())
        };
        if district.state != state {
            return Err(PlaceProblem::CodeInOtherState {
                code: code.0,
                actual_district: district.name.clone(),
                actual_state: state_label(district.state),
                claimed_state: state_label(state),
            });
        }
        if name_distance(district, district_name).is_none() {
            return Err(PlaceProblem::CodeNameMismatch {
                code: code.0,
                actual_district: district.name.clone(),
                claimed_district: district_name.trim().to_owned(),
                name_matches: self.find_district(state, district_name).map(|c| c.0),
            });
        }
        Ok(code)
    }
}

/// How far a written name is from a district's names: `None` if it is not this district.
/// Lower is closer. Slashes and parentheses give alternatives ("Himmatnagar/Sabarkantha",
/// "Bengaluru (Bangalore) Urban").
fn name_distance(d: &District, written: &str) -> Option<usize> {
    // Before the Hindi compass words are read as English ones: "Uttarkashi", "Uttar Kashi".
    if std::iter::once(&d.name)
        .chain(&d.aliases)
        .any(|k| name_key(k) == name_key(written))
    {
        return Some(0);
    }
    let written = alternatives(written);
    let mut known = alternatives(&d.name);
    for a in &d.aliases {
        known.extend(alternatives(a));
    }
    let mut best: Option<usize> = None;
    for w in &written {
        for k in &known {
            if let Some(score) = word_match(w, k) {
                if best.is_none_or(|b| score < b) {
                    best = Some(score);
                }
            }
        }
    }
    best
}

/// A name's alternative spellings, each as a list of normalised words.
fn alternatives(name: &str) -> Vec<Vec<String>> {
    let mut texts = vec![name.to_owned()];
    if let (Some(open), Some(close)) = (name.find('('), name.rfind(')')) {
        if open < close {
            let inside = &name[open + 1..close];
            let after = &name[close + 1..];
            texts.push(format!("{} {}", &name[..open], after));
            texts.push(inside.to_owned());
            texts.push(format!("{inside} {after}"));
        }
    }
    for t in texts.clone() {
        if t.contains('/') {
            texts.extend(t.split('/').map(str::to_owned));
        }
    }
    let mut out: Vec<Vec<String>> = texts
        .iter()
        .map(|t| words(t))
        .filter(|w| !w.is_empty())
        .collect();
    out.dedup();
    out
}

/// Lower-case words with dots dropped ("Y.S.R." is "ysr"), "&" read as "and", noise words
/// removed and the Hindi compass words read as English ones ("Purbi Champaran").
fn words(name: &str) -> Vec<String> {
    let lowered = name.to_lowercase().replace('.', "").replace('&', " and ");
    lowered
        .split(|c: char| !c.is_alphanumeric() && !matches!(c as u32, 0x0900..=0x0DFF))
        .filter(|w| !w.is_empty())
        .filter(|w| !matches!(*w, "district" | "dist" | "the" | "ut" | "and" | "m"))
        .map(|w| {
            match w {
                "purbi" | "purba" | "poorvi" | "purva" => "east",
                "pashchim" | "paschim" | "pashchimi" => "west",
                "uttar" | "uttari" => "north",
                "dakshin" | "dakshini" => "south",
                other => other,
            }
            .to_owned()
        })
        .collect()
}

const DIRECTIONS: &[&str] = &[
    "east", "west", "north", "south", "central", "upper", "lower",
];

/// Whether two word lists name the same place, and how loosely (lower is closer).
fn word_match(a: &[String], b: &[String]) -> Option<usize> {
    // "East Sikkim" and "West Sikkim" differ by two letters but are different places.
    fn dirs(w: &[String]) -> Vec<&str> {
        let mut d: Vec<&str> = w
            .iter()
            .map(String::as_str)
            .filter(|x| DIRECTIONS.contains(x))
            .collect();
        d.sort_unstable();
        d
    }
    if dirs(a) != dirs(b) {
        return None;
    }
    let (a, b) = (expand_initials(a, b), expand_initials(b, a));
    let (ka, kb) = (a.concat(), b.concat());
    if ka == kb {
        return Some(0);
    }
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    if short.concat().chars().count() >= 3 && short.iter().all(|w| long.contains(w)) {
        return Some(1);
    }
    let plain = edit_distance(&ka, &kb);
    let mut sa = a.clone();
    let mut sb = b.clone();
    sa.sort();
    sb.sort();
    let (sa, sb) = (sa.concat(), sb.concat());
    let len = sa.chars().count().min(sb.chars().count());
    let allowed = match len {
        0..=4 => 0,
        5..=8 => 1,
        9..=16 => 2,
        n => n / 8,
    };
    let d = edit_distance(&sa, &sb).min(plain);
    if d <= allowed {
        return Some(1 + d);
    }
    let (xa, xb) = (skeleton(&sa), skeleton(&sb));
    let slen = xa.len().min(xb.len());
    if (slen >= 2 || len >= 5) && !xa.is_empty() && xa == xb {
        return Some(4);
    }
    if slen >= 4 && edit_distance(&xa, &xb) <= 1 {
        return Some(5);
    }
    None
}

/// Replaces runs of words in `b` whose initials spell a short word of `a` ("S.A.S Nagar"
/// against "Sahibzada Ajit Singh Nagar") by that word.
fn expand_initials(b: &[String], a: &[String]) -> Vec<String> {
    let mut out = b.to_vec();
    for w in a.iter().filter(|w| (2..=4).contains(&w.chars().count())) {
        let n = w.chars().count();
        if out.len() < n {
            continue;
        }
        if let Some(i) = (0..=out.len() - n).find(|&i| {
            out[i..i + n]
                .iter()
                .map(|x| x.chars().next().unwrap_or(' '))
                .collect::<String>()
                == *w
        }) {
            out.splice(i..i + n, [w.clone()]);
        }
    }
    out
}

/// The consonants of a romanised name, with the letters that spellings vary on folded away:
/// "Mehsana" and "Mahesana", "Khurda" and "Khordha", "Korea" and "Koriya" meet here.
fn skeleton(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        let c = match c {
            'w' => 'v',
            'z' => 'j',
            'q' => 'k',
            c if c.is_ascii_lowercase() => c,
            _ => continue,
        };
        if matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y' | 'h') {
            continue;
        }
        if !out.ends_with(c) {
            out.push(c);
        }
    }
    out
}

/// Edit distance counting a swap of neighbours as one edit ("Siaha", "Saiha").
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for i in 0..=a.len() {
        d[i * w] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(w) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1)
                .min(d[i * w + j - 1] + 1)
                .min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
        }
    }
    d[a.len() * w + b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_has_its_hindi_name_in_devanagari() {
        assert_eq!(StateCode(9).hindi_name(), Some("उत्तर प्रदेश"));
        assert_eq!(StateCode(29).hindi_name(), Some("कर्नाटक"));
        assert_eq!(StateCode(99).hindi_name(), None);
        let codes: std::collections::BTreeSet<u16> =
            HINDI_STATE_NAMES.iter().map(|(c, _)| *c).collect();
        assert_eq!(codes.len(), HINDI_STATE_NAMES.len(), "a code twice");
        for (code, name) in HINDI_STATE_NAMES {
            assert!(
                name.chars()
                    .all(|c| c == ' ' || ('\u{0900}'..='\u{097F}').contains(&c)),
                "{code}: {name}"
            );
        }
    }

    fn sample() -> Gazetteer {
        let st = |code, name: &str| State {
            code: StateCode(code),
            name: name.to_owned(),
            local_name: None,
            kind: StateKind::State,
            aliases: vec![],
        };
        let di = |code, state, name: &str| District {
            code: DistrictCode(code),
            state: StateCode(state),
            name: name.to_owned(),
            aliases: vec![],
        };
        Gazetteer::new(
            vec![
                st(29, "KARNATAKA"),
                st(24, "GUJARAT"),
                st(38, "THE DADRA AND NAGAR HAVELI AND DAMAN AND DIU"),
            ],
            vec![
                di(525, 29, "BENGALURU URBAN"),
                di(449, 24, "KACHCHH"),
                di(450, 24, "KHEDA"),
                di(1, 38, "DAMAN"),
            ],
        )
    }

    #[test]
    fn spelling_variants_match() {
        let g = sample();
        assert_eq!(
            g.check(
                "Karnataka",
                "Bengaluru (Bangalore) Urban",
                DistrictCode(525)
            ),
            Ok(DistrictCode(525))
        );
        assert_eq!(
            g.check("Gujarat", "Kachch", DistrictCode(449)),
            Ok(DistrictCode(449))
        );
        assert_eq!(
            g.find_state("Dadra & Nagar Haveli (UT)\nDaman & Diu (UT)"),
            Some(StateCode(38))
        );
    }

    #[test]
    fn states_typed_loosely_are_found_when_only_one_fits() {
        let mut g = sample();
        g = Gazetteer::new(
            [
                g.states().to_vec(),
                vec![
                    State {
                        code: StateCode(9),
                        name: "UTTAR PRADESH".into(),
                        local_name: None,
                        kind: StateKind::State,
                        aliases: vec![],
                    },
                    State {
                        code: StateCode(5),
                        name: "UTTARAKHAND".into(),
                        local_name: None,
                        kind: StateKind::State,
                        aliases: vec![],
                    },
                ],
            ]
            .concat(),
            vec![],
        );
        assert_eq!(g.find_state_loosely("Uttar Predesh"), Some(StateCode(9)));
        assert_eq!(g.find_state_loosely("Uttarkhand"), Some(StateCode(5)));
        assert_eq!(g.find_state_loosely("Daman Diu"), Some(StateCode(38)));
        assert_eq!(
            g.find_state_loosely("Dadara & Nagar Haveli"),
            Some(StateCode(38))
        );
        assert_eq!(g.find_state_loosely("Karnatka"), Some(StateCode(29)));
        // Words of two states, a country, nothing at all.
        assert_eq!(g.find_state_loosely("Daman Gujarat"), None);
        assert_eq!(g.find_state_loosely("Haveli"), Some(StateCode(38)));
        assert_eq!(g.find_state_loosely("Italy"), None);
        assert_eq!(g.find_state_loosely(" "), None);
    }

    #[test]
    fn wrong_codes_are_named() {
        let g = sample();
        let err = g.check("Gujarat", "Kheda", DistrictCode(449)).unwrap_err();
        assert!(
            matches!(
                err,
                PlaceProblem::CodeNameMismatch {
                    name_matches: Some(450),
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(
            err.to_string().contains("that name is LGD code 450"),
            "{err}"
        );
        let err = g
            .check("Gujarat", "Bengaluru Urban", DistrictCode(525))
            .unwrap_err();
        assert!(
            matches!(err, PlaceProblem::CodeInOtherState { .. }),
            "{err:?}"
        );
        let err = g
            .check("Gujarat", "Kachchh", DistrictCode(999))
            .unwrap_err();
        assert_eq!(err, PlaceProblem::UnknownCode { code: 999 });
        let err = g
            .check("Atlantis", "Kachchh", DistrictCode(449))
            .unwrap_err();
        assert!(matches!(err, PlaceProblem::UnknownState { .. }));
    }

    #[test]
    fn codes_parse_from_spreadsheet_cells() {
        assert_eq!("603.0".parse::<DistrictCode>().unwrap(), DistrictCode(603));
        assert_eq!(" 04".parse::<StateCode>().unwrap(), StateCode(4));
        assert!("6o3".parse::<DistrictCode>().is_err());
        assert!("".parse::<DistrictCode>().is_err());
    }

    #[test]
    fn spellings_of_one_place_meet() {
        let m = |a: &str, b: &str| {
            alternatives(a)
                .iter()
                .any(|x| alternatives(b).iter().any(|y| word_match(x, y).is_some()))
        };
        for (a, b) in [
            ("Mehsana", "MAHESANA"),
            ("Dahod", "DOHAD"),
            ("Koriya", "KOREA"),
            ("Khurda", "KHORDHA"),
            ("Siaha", "SAIHA"),
            ("Yadagiri", "YADGIR"),
            ("Badhwani", "BARWANI"),
            ("Puducherry", "PONDICHERRY"),
            ("East Champaran", "PURBI CHAMPARAN"),
            ("Leh", "LEH LADAKH"),
            ("YSR Kadapa", "Y.S.R."),
            ("Sahibzada Ajit Singh Nagar/Mohali", "S.A.S Nagar"),
            ("Himmatnagar/Sabarkantha", "SABAR KANTHA"),
            (
                "Manpur-Mohla- Ambagad Chowki",
                "Mohla Manpur Ambagarh Chouki",
            ),
            ("Dr. B. R. Ambedkar Konaseema", "Konaseema"),
        ] {
            assert!(m(a, b), "{a} should match {b}");
        }
        for (a, b) in [
            ("West Sikkim", "East Sikkim"),
            ("Balasore", "BALANGIR"),
            ("Bolangir", "KANDHAMAL"),
            ("Kandhamal", "KALAHANDI"),
            ("Kheda", "KACHCHH"),
        ] {
            assert!(!m(a, b), "{a} must not match {b}");
        }
    }

    #[test]
    fn edit_distance_counts() {
        assert_eq!(edit_distance("siaha", "saiha"), 1);
        assert_eq!(edit_distance("kachchh", "kachch"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }
}
