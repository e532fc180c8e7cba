//! This crate owns reading the Local Government Directory's state and district lists (CSV or a
//! workbook, in the shapes LGD and departments publish them) into the domain's places, with
//! each row that cannot be taken reported by its line and the reason.
//!
//! It must not know where the places go: the desk's database and the server's ledger each keep
//! them their own way, and each decides what a change of places means for the records it holds.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use odop_domain::{display_name, District, DistrictCode, Invalid, State, StateCode, StateKind};
use odop_sheet::{read_table, Column, SheetError};

/// The LGD state list's columns.
pub const STATE_COLUMNS: &[Column] = &[
    Column {
        name: "State Code",
        aliases: &["State LGD Code", "LGD State Code"],
        required: true,
    },
    Column {
        name: "State Name",
        aliases: &["State Name (In English)", "State"],
        required: true,
    },
    Column {
        name: "State or UT",
        aliases: &["State/UT", "Type"],
        required: false,
    },
];

/// The LGD district list's columns.
pub const DISTRICT_COLUMNS: &[Column] = &[
    Column {
        name: "State Code",
        aliases: &["State LGD Code", "LGD State Code"],
        required: true,
    },
    Column {
        name: "District Code",
        aliases: &["District LGD Code", "LGD District Code", "LGD Code"],
        required: true,
    },
    Column {
        name: "District Name",
        aliases: &["District Name (In English)", "District"],
        required: true,
    },
];

/// Other names of states and union territories seen in departmental sheets.
const STATE_ALIASES: &[(u16, &[&str])] = &[
    (7, &["NCT of Delhi", "National Capital Territory of Delhi"]),
    (21, &["Orissa"]),
    (34, &["Pondicherry"]),
    (5, &["Uttaranchal"]),
    (
        38,
        &[
            "Dadra and Nagar Haveli and Daman and Diu",
            "DNH and DD",
            "DNHDD",
        ],
    ),
    (1, &["J&K", "Jammu & Kashmir"]),
    (33, &["Tamilnadu"]),
    (22, &["Chattisgarh"]),
];

/// Former names and spellings of districts, so that lists written before a renaming still match.
const DISTRICT_ALIASES: &[(u32, &[&str])] = &[
    (409, &["Hoshangabad"]),
    (405, &["Khandwa"]),
    (159, &["Lakhimpur Kheri"]),
    (120, &["Allahabad"]),
    (140, &["Faizabad"]),
    (488, &["Dharashiv"]),
    (469, &["Chhatrapati Sambhajinagar"]),
    (225, &["East Sikkim"]),
    (226, &["North Sikkim"]),
    (227, &["South Sikkim"]),
    (228, &["West Sikkim", "Geyzing"]),
];

/// The places two LGD lists give, and the rows that give none.
#[derive(Debug, Clone, Default)]
pub struct Lgd {
    /// Each with the other names it is known by.
    pub states: Vec<Listed<State>>,
    /// Each with its former names.
    pub districts: Vec<Listed<District>>,
    /// In file order: the state list's rows first, then the district list's.
    pub skipped: Vec<Skipped>,
}

/// A place with the line of its list that gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct Listed<T> {
    pub line: usize,
    /// The name as the list writes it, for reports about the row.
    pub label: String,
    pub place: T,
}

/// A row left out, with the line to look at.
#[derive(Debug, Clone, PartialEq)]
pub struct Skipped {
    /// The list the row is in.
    pub list: List,
    pub line: usize,
    /// The row's name, or its code where the name is what is missing.
    pub label: String,
    pub problem: Problem,
}

/// Which of the two lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum List {
    States,
    Districts,
}

/// Why a row was left out.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// A code that is not one, as the domain reads it.
    BadCode {
        column: &'static str,
        problem: Invalid,
    },
    /// The name cell is empty.
    NoName { column: &'static str },
    /// An earlier row gave the same code; the first one stands, so that importing the file
    /// again does not undo it.
    Duplicate {
        column: &'static str,
        first: usize,
        code: String,
    },
    /// A district of a state neither list knows.
    UnknownState { state: StateCode },
}

impl Problem {
    /// The column to look in.
    pub fn column(&self) -> &'static str {
        match self {
            Problem::BadCode { column, .. }
            | Problem::NoName { column }
            | Problem::Duplicate { column, .. } => column,
            Problem::UnknownState { .. } => "State Code",
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::BadCode { problem, .. } => problem.fmt(f),
            Problem::NoName { .. } => f.write_str("the name is empty"),
            Problem::Duplicate {
                column,
                first,
                code,
            } => {
                let what = if *column == "State Code" {
                    "state"
                } else {
                    "district"
                };
                write!(f, "duplicate: line {first} already gives {what} {code}")
            }
            Problem::UnknownState { state } => {
                write!(f, "state {state} is not in the state list")
            }
        }
    }
}

/// Reads the state list and the district list. A district may belong to a state of the state
/// list or to one `also_known` accepts (a state the caller already holds). Only a file that
/// cannot be read as a table is an error; a row that cannot be taken is reported and left out.
pub fn read(
    states_path: &Path,
    districts_path: &Path,
    also_known: &dyn Fn(StateCode) -> bool,
) -> Result<Lgd, SheetError> {
    let states_table = read_table(states_path, STATE_COLUMNS)?;
    let districts_table = read_table(districts_path, DISTRICT_COLUMNS)?;
    let mut lgd = Lgd::default();

    let mut seen_states: HashMap<StateCode, usize> = HashMap::new();
    for row in &states_table.rows {
        let name = states_table.get(row, "State Name").trim();
        let code = states_table.get(row, "State Code");
        let state = (|| {
            let code: StateCode = parsed(code, "State Code")?;
            named(name, code, "State Name")?;
            first(&mut seen_states, code, row.line, "State Code")?;
            let kind = match states_table.get(row, "State or UT").trim() {
                "U" | "u" | "UT" | "Union Territory" => StateKind::Ut,
                _ => StateKind::State,
            };
            Ok(State {
                code,
                name: display_name(name),
                local_name: None,
                kind,
                aliases: aliases_of(STATE_ALIASES, code.0),
            })
        })();
        lgd.take(List::States, row.line, name, state, |l| &mut l.states);
    }

    let mut seen_districts: HashMap<DistrictCode, usize> = HashMap::new();
    for row in &districts_table.rows {
        let name = districts_table.get(row, "District Name").trim();
        let district = (|| {
            let state: StateCode = parsed(districts_table.get(row, "State Code"), "State Code")?;
            let code: DistrictCode =
                parsed(districts_table.get(row, "District Code"), "District Code")?;
            if !seen_states.contains_key(&state) && !also_known(state) {
                return Err((None, Problem::UnknownState { state }));
            }
            named(name, code, "District Name")?;
            first(&mut seen_districts, code, row.line, "District Code")?;
            Ok(District {
                code,
                state,
                name: display_name(name),
                aliases: aliases_of(DISTRICT_ALIASES, code.0),
            })
        })();
        lgd.take(List::Districts, row.line, name, district, |l| {
            &mut l.districts
        });
    }
    Ok(lgd)
}

/// Why a row was left out, and the label to report it by when its name will not do (a row
/// with no name is known by its code).
type LeftOut = (Option<String>, Problem);

impl Lgd {
    /// Keeps a place read from `line`, or reports why the row was left out.
    fn take<T>(
        &mut self,
        list: List,
        line: usize,
        name: &str,
        read: Result<T, LeftOut>,
        to: impl FnOnce(&mut Lgd) -> &mut Vec<Listed<T>>,
    ) {
        match read {
            Ok(place) => to(self).push(Listed {
                line,
                label: name.to_owned(),
                place,
            }),
            Err((label, problem)) => self.skipped.push(Skipped {
                list,
                line,
                label: label.unwrap_or_else(|| name.to_owned()),
                problem,
            }),
        }
    }
}

fn parsed<T: std::str::FromStr<Err = Invalid>>(
    cell: &str,
    column: &'static str,
) -> Result<T, LeftOut> {
    cell.parse()
        .map_err(|problem| (None, Problem::BadCode { column, problem }))
}

/// A row needs a name; one without is reported by its code.
fn named(name: &str, code: impl fmt::Display, column: &'static str) -> Result<(), LeftOut> {
    if name.is_empty() {
        return Err((Some(code.to_string()), Problem::NoName { column }));
    }
    Ok(())
}

/// The first row giving a code stands, so that importing the file again does not undo it.
fn first<K: std::hash::Hash + Eq + Copy + fmt::Display>(
    seen: &mut HashMap<K, usize>,
    code: K,
    line: usize,
    column: &'static str,
) -> Result<(), LeftOut> {
    if let Some(&first) = seen.get(&code) {
        let code = code.to_string();
        return Err((
            None,
            Problem::Duplicate {
                column,
                first,
                code,
            },
        ));
    }
    seen.insert(code, line);
    Ok(())
}

/// The places a list names elsewhere (the server's copy, say), as the domain's, with the other
/// names each goes by in spreadsheets, as if read from the LGD files. `None` for a name no
/// place could have: empty, longer than a line, or holding control characters.
pub fn state_named(code: StateCode, name: &str, kind: StateKind) -> Option<State> {
    usable(name).then(|| State {
        code,
        name: display_name(name),
        local_name: None,
        kind,
        aliases: aliases_of(STATE_ALIASES, code.0),
    })
}

/// A district named elsewhere, likewise.
pub fn district_named(code: DistrictCode, state: StateCode, name: &str) -> Option<District> {
    usable(name).then(|| District {
        code,
        state,
        name: display_name(name),
        aliases: aliases_of(DISTRICT_ALIASES, code.0),
    })
}

/// The longest place name taken from elsewhere; LGD's longest are under 60 characters.
const MAX_NAME: usize = 200;

fn usable(name: &str) -> bool {
    let name = name.trim();
    !name.is_empty() && name.chars().count() <= MAX_NAME && !name.chars().any(char::is_control)
}

/// The other names a code is known by in `table`.
fn aliases_of<C: PartialEq + Copy>(table: &[(C, &[&str])], code: C) -> Vec<String> {
    table
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, a)| a.iter().map(|s| (*s).to_owned()).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_place_named_elsewhere_has_its_aliases_and_a_usable_name() {
        let d = district_named(DistrictCode(120), StateCode(9), "PRAYAGRAJ").unwrap();
        assert_eq!(d.name, "Prayagraj");
        assert_eq!(d.aliases, ["Allahabad"]);
        assert_eq!(
            state_named(StateCode(9), "UTTAR PRADESH", StateKind::State).map(|s| s.name),
            Some("Uttar Pradesh".to_owned())
        );
        for bad in ["", "   ", "Agra\u{0}", "Line\nbreak", &"x".repeat(201)] {
            assert!(
                district_named(DistrictCode(1), StateCode(9), bad).is_none(),
                "{bad:?}"
            );
            assert!(
                state_named(StateCode(9), bad, StateKind::Ut).is_none(),
                "{bad:?}"
            );
        }
    }

    fn lists(states: &str, districts: &str) -> (tempfile::TempDir, Lgd) {
        let dir = tempfile::tempdir().unwrap();
        let (s, d) = (dir.path().join("s.csv"), dir.path().join("d.csv"));
        std::fs::write(&s, states).unwrap();
        std::fs::write(&d, districts).unwrap();
        let lgd = read(&s, &d, &|code| code == StateCode(10)).unwrap();
        (dir, lgd)
    }

    #[test]
    fn rows_that_cannot_be_taken_are_reported_by_line_and_the_first_of_a_code_stands() {
        let (_dir, lgd) = lists(
            "State Code,State Name,State or UT\n9,UTTAR PRADESH,S\nx,NOWHERE,S\n9,AGAIN,S\n7,,U\n\
             35,ANDAMAN AND NICOBAR ISLANDS,U\n",
            "State Code,District Code,District Name\n9,120,PRAYAGRAJ\n9,120,ALLAHABAD\n\
             10,230,ARARIA\n99,1,NOWHERE\n9,,BLANK\n9,121,\n",
        );
        let states: Vec<(u16, &str, StateKind)> = lgd
            .states
            .iter()
            .map(|s| (s.place.code.0, s.place.name.as_str(), s.place.kind))
            .collect();
        assert_eq!(
            states,
            [
                (9, "Uttar Pradesh", StateKind::State),
                (35, "Andaman and Nicobar Islands", StateKind::Ut)
            ]
        );
        let districts: Vec<(usize, u32, u16, &str)> = lgd
            .districts
            .iter()
            .map(|d| {
                (
                    d.line,
                    d.place.code.0,
                    d.place.state.0,
                    d.place.name.as_str(),
                )
            })
            .collect();
        // The Bihar district stands on a state the caller already knows.
        assert_eq!(
            districts,
            [(2, 120, 9, "Prayagraj"), (4, 230, 10, "Araria")]
        );
        assert_eq!(lgd.districts[0].place.aliases, ["Allahabad"]);
        let skipped: Vec<(List, usize, &str, String)> = lgd
            .skipped
            .iter()
            .map(|s| (s.list, s.line, s.problem.column(), s.problem.to_string()))
            .collect();
        assert_eq!(skipped.len(), 7, "{skipped:#?}");
        assert_eq!(skipped[0].0, List::States);
        assert_eq!((skipped[0].1, skipped[0].2), (3, "State Code"));
        assert_eq!(
            (skipped[1].1, skipped[1].3.as_str()),
            (4, "duplicate: line 2 already gives state 9")
        );
        assert_eq!(
            (skipped[2].1, skipped[2].2, skipped[2].3.as_str()),
            (5, "State Name", "the name is empty")
        );
        assert_eq!(
            (skipped[3].0, skipped[3].1, skipped[3].3.as_str()),
            (
                List::Districts,
                3,
                "duplicate: line 2 already gives district 120"
            )
        );
        assert_eq!(
            (skipped[4].1, skipped[4].3.as_str()),
            (5, "state 99 is not in the state list")
        );
        assert_eq!((skipped[5].1, skipped[5].2), (6, "District Code"));
        assert_eq!(
            (skipped[6].1, skipped[6].2, skipped[6].0),
            (7, "District Name", List::Districts)
        );
    }

    #[test]
    fn a_file_that_is_not_a_list_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let (s, d) = (dir.path().join("s.csv"), dir.path().join("d.csv"));
        std::fs::write(&s, "Name,Population\nX,1\n").unwrap();
        std::fs::write(&d, "State Code,District Code,District Name\n").unwrap();
        assert!(read(&s, &d, &|_| false).is_err());
    }
}
