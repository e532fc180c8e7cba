use std::collections::HashSet;
use std::path::Path;

use odop_domain::StateCode;
use odop_lgd::{List, Skipped};
use odop_store::{PlaceCounts, Store, StoreError};
use serde::Serialize;

use crate::report::{flag, invalid, Flag, Problem, RowReport};
use crate::ExchangeError;

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
    let held: HashSet<StateCode> = current.states().iter().map(|s| s.code).collect();
    let mut lgd = odop_lgd::read(states_path, districts_path, &|state| held.contains(&state))?;
    let row = |line: usize, label: String, problem: Flag| RowReport {
        line,
        label,
        fate: problem.into(),
        warnings: vec![],
    };
    let (mut flagged, mut district_flags): (Vec<RowReport>, Vec<RowReport>) = (vec![], vec![]);
    for skipped in std::mem::take(&mut lgd.skipped) {
        let list = skipped.list;
        let report = row(skipped.line, skipped.label.clone(), skipped_flag(skipped));
        match list {
            List::States => flagged.push(report),
            List::Districts => district_flags.push(report),
        }
    }
    let mut states = Vec::with_capacity(lgd.states.len());
    for listed in lgd.states {
        let mut state = listed.place;
        state.local_name = current.state(state.code).and_then(|s| s.local_name.clone());
        states.push(state);
    }
    let mut districts = Vec::with_capacity(lgd.districts.len());
    for listed in lgd.districts {
        let mut district = listed.place;
        let (code, state) = (district.code, district.state);
        let held = current.district(code);
        if held.is_some_and(|d| d.state != state) {
            // Moving a district to another state would leave its records in the old one.
            let left = store.records_left_behind(code, state)?;
            if !left.is_empty() {
                let reason = StoreError::DistrictInUse {
                    district: code.0,
                    state: state.0,
                    used_by: left,
                }
                .to_string();
                let problem = flag("State Code", Problem::StillReferred, reason);
                district_flags.push(row(listed.line, listed.label, problem));
                continue;
            }
        }
        // The names this database already knows the district by are kept.
        let mut aliases: Vec<String> = held.map(|d| d.aliases.clone()).unwrap_or_default();
        for a in district.aliases {
            if !aliases.contains(&a) {
                aliases.push(a);
            }
        }
        district.aliases = aliases;
        districts.push(district);
    }
    district_flags.sort_by_key(|r| r.line);
    flagged.extend(district_flags);

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

/// A row the LGD reader left out, as the import reports it.
fn skipped_flag(skipped: Skipped) -> Flag {
    let column = skipped.problem.column();
    let reason = skipped.problem.to_string();
    match skipped.problem {
        odop_lgd::Problem::BadCode { problem, .. } => invalid(column, &problem),
        odop_lgd::Problem::NoName { .. } => flag(column, Problem::Missing, reason),
        odop_lgd::Problem::Duplicate { .. } => flag(column, Problem::Duplicate, reason),
        odop_lgd::Problem::UnknownState { .. } => flag(column, Problem::UnknownState, reason),
    }
}
