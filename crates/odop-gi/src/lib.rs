//! This crate owns reading the GI registry's list of registered Geographical Indications
//! (serial number, name, class of goods, and up to seven states) into the domain's entries:
//! states are matched loosely against an LGD gazetteer, a GI listed twice is kept once with the
//! states of both rows, and each row that cannot be taken is said by its line and the reason.
//!
//! It must not know where the entries go: the desk's store (through `odop-exchange`, which
//! reports each row's fate against the registry held) and the server's ledger (through
//! `odop-server gi import`) each keep them their own way.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use odop_domain::{canonical_goods, name_key, Gazetteer, GiEntry, Invalid, StateCode};
use odop_sheet::{read_table, Column, Row, SheetError, Table};

const fn column(name: &'static str, aliases: &'static [&'static str], required: bool) -> Column {
    Column {
        name,
        aliases,
        required,
    }
}

/// The registry list's columns; a GI's further states follow in "State 2" to "State 7".
pub const GI_COLUMNS: &[Column] = &[
    column("S.No", &["Sl. No.", "Serial No", "GI No", "Number"], false),
    column(
        "Geographical Indications",
        &["Geographical Indication", "GI Name", "GI"],
        true,
    ),
    column("Goods", &["Class of Goods", "Goods Class"], false),
    column("State", &["State 1", "State/UT"], true),
    column("State 2", &[], false),
    column("State 3", &[], false),
    column("State 4", &[], false),
    column("State 5", &[], false),
    column("State 6", &[], false),
    column("State 7", &[], false),
];

const STATE_COLUMNS: [&str; 7] = [
    "State", "State 2", "State 3", "State 4", "State 5", "State 6", "State 7",
];

/// A GI registry list as read: its entries, and what became of each row.
#[derive(Debug, Clone, PartialEq)]
pub struct GiList {
    pub entries: Vec<GiEntry>,
    pub rows: Vec<GiRow>,
    pub encoding: String,
    pub header_line: usize,
}

/// One row of the list.
#[derive(Debug, Clone, PartialEq)]
pub struct GiRow {
    pub line: usize,
    /// The GI's name and first state, as a person finds the row.
    pub label: String,
    pub read: GiRead,
    pub warnings: Vec<String>,
}

/// What became of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum GiRead {
    /// The row gave the entry at this index of [`GiList::entries`].
    Entry(usize),
    /// An earlier row listed the same GI: the row's states went to that entry, and
    /// `added_states` says whether it named any the entry lacked.
    Again { entry: usize, added_states: bool },
    /// The row was left out, for this reason in this column.
    LeftOut {
        column: &'static str,
        problem: GiProblem,
    },
}

/// Why a row was left out.
#[derive(Debug, Clone, PartialEq)]
pub enum GiProblem {
    /// The serial number is not a whole number.
    BadNumber(String),
    /// No state is given.
    NoState,
    /// None of the places named is a state or UT of the LGD list.
    Abroad(Vec<String>),
    /// The name or the class of goods is refused by the domain.
    Invalid(Invalid),
}

impl fmt::Display for GiProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GiProblem::BadNumber(raw) => write!(f, "serial number {raw:?} is not a whole number"),
            GiProblem::NoState => f.write_str("no state is given"),
            GiProblem::Abroad(places) => write!(
                f,
                "{} is no state or UT in the LGD list (a GI of another country?)",
                places.join(", ")
            ),
            GiProblem::Invalid(e) => e.fmt(f),
        }
    }
}

/// Reads the list at `path`, matching its states against `gazetteer`.
pub fn read(path: &Path, gazetteer: &Gazetteer) -> Result<GiList, SheetError> {
    let table = read_table(path, GI_COLUMNS)?;
    let mut list = GiList {
        entries: Vec::new(),
        rows: Vec::with_capacity(table.rows.len()),
        encoding: table.encoding.to_owned(),
        header_line: table.header_line,
    };
    let mut first_line: HashMap<String, (usize, usize)> = HashMap::new();
    for row in &table.rows {
        let name = table.get(row, "Geographical Indications").trim();
        let label = match table.get(row, "State").trim() {
            "" => name.to_owned(),
            state => format!("{name}, {state}"),
        };
        let mut warnings = Vec::new();
        let read = match parse(&table, row, gazetteer, &mut warnings) {
            Err((column, problem)) => GiRead::LeftOut { column, problem },
            Ok(entry) => {
                let key = name_key(&entry.name);
                if let Some(&(line, at)) = first_line.get(&key) {
                    let kept: &mut GiEntry = &mut list.entries[at];
                    let mut added_states = false;
                    for s in entry.states {
                        if !kept.states.contains(&s) {
                            kept.states.push(s);
                            added_states = true;
                        }
                    }
                    warnings.push(format!("line {line} lists this GI already; kept once"));
                    GiRead::Again {
                        entry: at,
                        added_states,
                    }
                } else {
                    first_line.insert(key, (row.line, list.entries.len()));
                    list.entries.push(entry);
                    GiRead::Entry(list.entries.len() - 1)
                }
            }
        };
        list.rows.push(GiRow {
            line: row.line,
            label,
            read,
            warnings,
        });
    }
    Ok(list)
}

fn parse(
    table: &Table,
    row: &Row,
    gazetteer: &Gazetteer,
    warnings: &mut Vec<String>,
) -> Result<GiEntry, (&'static str, GiProblem)> {
    let cell = |c: &str| table.get(row, c).trim();
    let number = match cell("S.No") {
        "" => 0,
        raw => raw
            .parse::<u32>()
            .map_err(|_| ("S.No", GiProblem::BadNumber(raw.to_owned())))?,
    };
    let mut states: Vec<StateCode> = Vec::new();
    let mut abroad: Vec<&str> = Vec::new();
    for column in STATE_COLUMNS {
        let written = cell(column);
        if written.is_empty() {
            continue;
        }
        match gazetteer.find_state_loosely(written) {
            Some(code) if !states.contains(&code) => states.push(code),
            Some(_) => {}
            None => abroad.push(written),
        }
    }
    if states.is_empty() {
        let problem = if abroad.is_empty() {
            GiProblem::NoState
        } else {
            GiProblem::Abroad(abroad.iter().map(|s| (*s).to_owned()).collect())
        };
        return Err(("State", problem));
    }
    for place in abroad {
        warnings.push(format!(
            "{place:?} is no state or UT in the LGD list; left out"
        ));
    }
    let entry = GiEntry {
        number,
        name: cell("Geographical Indications").to_owned(),
        goods: canonical_goods(cell("Goods")),
        states,
    };
    match entry.check() {
        Ok(()) => Ok(entry),
        // A list without classes of goods still names its GIs.
        Err(e) if e.field() == "goods" && cell("Goods").is_empty() => Ok(GiEntry {
            goods: "Unknown".into(),
            ..entry
        }),
        Err(e) => {
            let column = if e.field() == "goods" {
                "Goods"
            } else {
                "Geographical Indications"
            };
            Err((column, GiProblem::Invalid(e)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use odop_domain::{State, StateKind};

    fn gazetteer() -> Gazetteer {
        let state = |code, name: &str| State {
            code: StateCode(code),
            name: name.into(),
            local_name: None,
            kind: StateKind::State,
            aliases: vec![],
        };
        Gazetteer::new(vec![state(9, "Uttar Pradesh"), state(21, "Odisha")], vec![])
    }

    #[test]
    fn rows_are_taken_merged_or_left_out_with_their_reason() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("gi.csv");
        std::fs::write(
            &path,
            "S.No,Geographical Indications,Goods,State,State 2\n\
             1,Banaras Brocades and Sarees,Handicrafts,Uttar Predesh,\n\
             2,Champagne,Foodstuff,France,\n\
             x3,Kotpad Handloom,Textile,Odisha,\n\
             4,Basmati,Agricultural,Uttar Pradesh,Italy\n\
             5,BASMATI,Agricultural,Odisha,\n\
             6,Nowhere Craft,,,\n",
        )
        .unwrap();
        let list = read(&path, &gazetteer()).unwrap();
        assert_eq!(list.entries.len(), 2);
        assert_eq!(
            list.entries[0].states,
            [StateCode(9)],
            "a slip in the state"
        );
        assert_eq!(list.entries[0].goods, "Handicraft");
        assert_eq!(list.entries[1].states, [StateCode(9), StateCode(21)]);
        let reads: Vec<String> = list
            .rows
            .iter()
            .map(|r| match &r.read {
                GiRead::Entry(i) => format!("{}: entry {i}", r.line),
                GiRead::Again {
                    entry,
                    added_states,
                } => {
                    format!("{}: again {entry} {added_states}", r.line)
                }
                GiRead::LeftOut { column, problem } => format!("{}: [{column}] {problem}", r.line),
            })
            .collect();
        assert_eq!(
            reads,
            [
                "2: entry 0",
                "3: [State] France is no state or UT in the LGD list (a GI of another country?)",
                "4: [S.No] serial number \"x3\" is not a whole number",
                "5: entry 1",
                "6: again 1 true",
                "7: [State] no state is given",
            ]
        );
        assert_eq!(
            list.rows[3].warnings,
            ["\"Italy\" is no state or UT in the LGD list; left out"]
        );
        assert_eq!(
            list.rows[4].warnings,
            ["line 5 lists this GI already; kept once"]
        );
    }
}
