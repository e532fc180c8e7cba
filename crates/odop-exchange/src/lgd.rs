use std::collections::{HashMap, HashSet};
use std::path::Path;

use odop_domain::{display_name, District, DistrictCode, State, StateCode, StateKind};
use odop_sheet::{read_table, Column};
use odop_store::{PlaceCounts, Store, StoreError};
use serde::Serialize;

use crate::report::{flag, invalid, Flag, Problem, RowReport};
use crate::ExchangeError;

const STATE_COLUMNS: &[Column] = &[
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

const DISTRICT_COLUMNS: &[Column] = &[
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LgdReport {
    pub counts: PlaceCounts,
    pub states_read: usize,
    pub districts_read: usize,
    pub flagged: Vec<RowReport>,
}

/// Loads the LGD state and district lists as the master of places. Rows that cannot be read are
/// reported and skipped; a row naming an unknown state is reported too.
pub fn import_lgd(
    store: &mut Store,
    states_path: &Path,
    districts_path: &Path,
    who: &str,
    dry_run: bool,
) -> Result<LgdReport, ExchangeError> {
    let current = store.gazetteer()?;
    let states_table = read_table(states_path, STATE_COLUMNS)?;
    let districts_table = read_table(districts_path, DISTRICT_COLUMNS)?;
    let mut flagged = Vec::new();
    let mut bad = |line: usize, label: String, problem: Flag| {
        flagged.push(RowReport {
            line,
            label,
            fate: problem.into(),
            warnings: vec![],
        });
    };

    // A second row for a code would undo the first on every import of the file: the first stands.
    let mut seen_states: HashMap<StateCode, usize> = HashMap::new();
    let mut states = Vec::new();
    for row in &states_table.rows {
        let name = states_table.get(row, "State Name").trim();
        let code: StateCode = match states_table.get(row, "State Code").parse() {
            Ok(c) => c,
            Err(e) => {
                bad(row.line, name.to_owned(), invalid("State Code", &e));
                continue;
            }
        };
        if name.is_empty() {
            bad(
                row.line,
                code.to_string(),
                flag("State Name", Problem::Missing, "the name is empty"),
            );
            continue;
        }
        if let Some(&first) = seen_states.get(&code) {
            bad(
                row.line,
                name.to_owned(),
                duplicate("State Code", first, "state", code),
            );
            continue;
        }
        seen_states.insert(code, row.line);
        let kind = match states_table.get(row, "State or UT").trim() {
            "U" | "u" | "UT" | "Union Territory" => StateKind::Ut,
            _ => StateKind::State,
        };
        let aliases = STATE_ALIASES
            .iter()
            .find(|(c, _)| *c == code.0)
            .map(|(_, a)| a.iter().map(|s| (*s).to_owned()).collect())
            .unwrap_or_default();
        states.push(State {
            code,
            name: display_name(name),
            local_name: current.state(code).and_then(|s| s.local_name.clone()),
            kind,
            aliases,
        });
    }

    let known_states: HashSet<u16> = states
        .iter()
        .map(|s| s.code.0)
        .chain(current.states().iter().map(|s| s.code.0))
        .collect();
    let mut seen_districts: HashMap<DistrictCode, usize> = HashMap::new();
    let mut districts = Vec::new();
    for row in &districts_table.rows {
        let name = districts_table.get(row, "District Name").trim();
        let label = name.to_owned();
        let state: StateCode = match districts_table.get(row, "State Code").parse() {
            Ok(c) => c,
            Err(e) => {
                bad(row.line, label, invalid("State Code", &e));
                continue;
            }
        };
        let code: DistrictCode = match districts_table.get(row, "District Code").parse() {
            Ok(c) => c,
            Err(e) => {
                bad(row.line, label, invalid("District Code", &e));
                continue;
            }
        };
        if !known_states.contains(&state.0) {
            bad(
                row.line,
                label,
                flag(
                    "State Code",
                    Problem::UnknownState,
                    format!("state {state} is not in the state list"),
                ),
            );
            continue;
        }
        if name.is_empty() {
            bad(
                row.line,
                code.to_string(),
                flag("District Name", Problem::Missing, "the name is empty"),
            );
            continue;
        }
        if let Some(&first) = seen_districts.get(&code) {
            bad(
                row.line,
                label,
                duplicate("District Code", first, "district", code),
            );
            continue;
        }
        seen_districts.insert(code, row.line);
        if current.district(code).is_some_and(|d| d.state != state) {
            let left = store.records_left_behind(code, state)?;
            if !left.is_empty() {
                let reason = StoreError::DistrictInUse {
                    district: code.0,
                    state: state.0,
                    used_by: left,
                }
                .to_string();
                bad(
                    row.line,
                    label,
                    flag("State Code", Problem::StillReferred, reason),
                );
                continue;
            }
        }
        let mut aliases: Vec<String> = current
            .district(code)
            .map(|d| d.aliases.clone())
            .unwrap_or_default();
        if let Some((_, extra)) = DISTRICT_ALIASES.iter().find(|(c, _)| *c == code.0) {
            for a in *extra {
                if !aliases.iter().any(|x| x == a) {
                    aliases.push((*a).to_owned());
                }
            }
        }
        districts.push(District {
            code,
            state,
            name: display_name(name),
            aliases,
        });
    }

    let mut edit = store.edit(who)?;
    let counts = edit.put_places(&states, &districts)?;
    if !dry_run {
        edit.commit()?;
    }
    Ok(LgdReport {
        counts,
        states_read: states.len(),
        districts_read: districts.len(),
        flagged,
    })
}

fn duplicate(column: &'static str, first: usize, what: &str, code: impl std::fmt::Display) -> Flag {
    flag(
        column,
        Problem::Duplicate,
        format!("duplicate: line {first} already gives {what} {code}"),
    )
}
