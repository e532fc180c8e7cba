//! A state's actions still to do, by owner, as they stand on the day printed: what a state's
//! ODOP cell takes to its review with the District Industries Centres and other owners. Each
//! action names the gap it answers and the Sampark workshop where that gap was heard.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};

use odop_domain::{display_name, Action, ActionStatus, EntityKind, Gap, Id, StateCode, Workshop};
use odop_store::{RecordQuery, Store};
use serde::Serialize;

use crate::manuscript::{clean, date_text, labels, Place, Text, MAX_DESCRIPTION, MAX_LINE};
use crate::report::{action_kind_text, record, report_labels, status_text};
use crate::{BrochureError, Manuscript, Options};

/// What a review of actions says beyond the manuscript's title, state and labels.
#[derive(Debug, Clone, Serialize)]
pub struct ActionReview {
    pub figures: ReviewFigures,
    /// Owners with the most overdue actions first, then by name.
    pub owners: Vec<OwnerPart>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ReviewFigures {
    /// Open or in progress.
    pub to_do: usize,
    pub overdue: usize,
    pub in_progress: usize,
    pub owners: usize,
    pub without_due_date: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct OwnerPart {
    pub owner: String,
    pub overdue: usize,
    /// Overdue first, then by due date, those without one last.
    pub actions: Vec<ReviewLine>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReviewLine {
    pub kind: Text,
    pub status: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due: Option<Text>,
    pub overdue: bool,
    pub note: String,
    /// The gap the action answers, by its description.
    pub gap: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub district: Option<String>,
    /// The workshop where the gap was heard.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heard_at: Option<HeardAt>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HeardAt {
    pub venue: String,
    pub held: Text,
}

impl Manuscript {
    /// Gathers a state's actions still to do; `options.date` is the day printed and the day
    /// overdue actions are judged on.
    pub(crate) fn review(
        store: &Store,
        state: StateCode,
        options: &Options,
    ) -> Result<Manuscript, BrochureError> {
        let places = store.gazetteer()?;
        let place = places
            .state(state)
            .ok_or(BrochureError::UnknownState(state))?;
        let rows = store
            .record_page(
                EntityKind::Action,
                &RecordQuery {
                    state: Some(state),
                    today: Some(options.date),
                    limit: usize::MAX,
                    ..RecordQuery::default()
                },
            )?
            .rows;
        let mut gaps: HashMap<Id, Option<Gap>> = HashMap::new();
        let mut workshops: HashMap<Id, Option<HeardAt>> = HashMap::new();
        // Owners by the name as written, trimmed; a BTreeMap keeps ties in name order.
        let mut owners: BTreeMap<String, Vec<(Action, ReviewLine)>> = BTreeMap::new();
        let mut in_progress = 0;
        for row in &rows {
            let Some(action) = record::<Action>(store, &row.id)? else {
                continue;
            };
            if !matches!(action.status, ActionStatus::Open | ActionStatus::InProgress) {
                continue;
            }
            in_progress += usize::from(action.status == ActionStatus::InProgress);
            // Each gap and workshop is read once, however many actions name it.
            if let Entry::Vacant(slot) = gaps.entry(action.gap) {
                slot.insert(store.get::<Gap>(action.gap)?);
            }
            let gap = gaps.get(&action.gap).and_then(Option::as_ref);
            let heard_at = match gap.and_then(|g| g.workshop) {
                Some(w) => {
                    if let Entry::Vacant(slot) = workshops.entry(w) {
                        slot.insert(store.get::<Workshop>(w)?.map(|w| HeardAt {
                            venue: clean(&w.venue, MAX_LINE),
                            held: date_text(w.date),
                        }));
                    }
                    workshops.get(&w).cloned().flatten()
                }
                None => None,
            };
            let line = ReviewLine {
                kind: action_kind_text(action.kind),
                status: status_text(action.status),
                due: action.due.map(date_text),
                overdue: row.overdue,
                note: clean(&action.note, MAX_DESCRIPTION),
                gap: gap.map_or_else(String::new, |g| clean(&g.description, MAX_DESCRIPTION)),
                district: gap
                    .and_then(|g| g.district)
                    .and_then(|d| places.district(d))
                    .map(|d| display_name(&d.name)),
                heard_at,
            };
            owners
                .entry(clean(&action.owner, MAX_LINE))
                .or_default()
                .push((action, line));
        }

        let mut parts: Vec<OwnerPart> = owners
            .into_iter()
            .map(|(owner, mut actions)| {
                actions.sort_by_key(|(a, line)| (!line.overdue, a.due.is_none(), a.due));
                OwnerPart {
                    owner,
                    overdue: actions.iter().filter(|(_, l)| l.overdue).count(),
                    actions: actions.into_iter().map(|(_, line)| line).collect(),
                }
            })
            .collect();
        // A stable sort keeps the owners with as many overdue in name order.
        parts.sort_by_key(|p| std::cmp::Reverse(p.overdue));
        let lines = || parts.iter().flat_map(|p| &p.actions);
        let figures = ReviewFigures {
            to_do: lines().count(),
            overdue: lines().filter(|l| l.overdue).count(),
            in_progress,
            owners: parts.len(),
            without_due_date: lines().filter(|l| l.due.is_none()).count(),
        };

        let state_name = Text::new(&display_name(&place.name), place.local_name.as_deref());
        let title = Text::new(
            &format!("Actions to review, {}", state_name.en),
            Some(&format!(
                "समीक्षा हेतु कार्रवाइयाँ, {}",
                state_name.hi.as_deref().unwrap_or(&state_name.en)
            )),
        );
        let mut labels = labels();
        labels.extend(report_labels());
        labels.extend(review_labels());
        Ok(Manuscript {
            kind: "actions",
            lang: options.lang,
            date: date_text(options.date),
            title,
            state: Place {
                code: state.0.into(),
                name: state_name,
            },
            districts: Vec::new(),
            workshop: None,
            review: Some(ActionReview {
                figures,
                owners: parts,
            }),
            labels,
            notes: Vec::new(),
            files: BTreeMap::new(),
            sources: BTreeMap::new(),
            printed: options.date,
        })
    }
}

impl ActionReview {
    /// Every text the review prints, with where it comes from, for the font check.
    pub(crate) fn texts<'a>(&'a self, hindi: bool, out: &mut Vec<(String, &'a str)>) {
        for o in &self.owners {
            out.push(("an owner".into(), &o.owner));
            for l in &o.actions {
                let mut both = |what: &str, t: &'a Text| {
                    if let (true, Some(h)) = (hindi, &t.hi) {
                        out.push((format!("{what} of an action by {:?}", o.owner), h.as_str()));
                    }
                    out.push((
                        format!("{what} of an action by {:?}", o.owner),
                        t.en.as_str(),
                    ));
                };
                both("the kind", &l.kind);
                both("the status", &l.status);
                if let Some(due) = &l.due {
                    both("the due date", due);
                }
                if let Some(w) = &l.heard_at {
                    both("the workshop's date", &w.held);
                }
                out.push((format!("the gap of an action by {:?}", o.owner), &l.gap));
                if let Some(w) = &l.heard_at {
                    out.push((
                        format!("the workshop of an action by {:?}", o.owner),
                        &w.venue,
                    ));
                }
                out.push((format!("the note of an action by {:?}", o.owner), &l.note));
                if let Some(d) = &l.district {
                    out.push((format!("the district of an action by {:?}", o.owner), d));
                }
            }
        }
    }
}

/// The words a review of actions prints besides the brochures' and the workshop report's.
fn review_labels() -> impl Iterator<Item = (&'static str, Text)> {
    [
        ("review", "Actions to review", "समीक्षा हेतु कार्रवाइयाँ"),
        ("gap", "Gap", "कमी"),
        ("heard_at", "Heard at", "कहाँ सुनी गई"),
        ("fig_to_do", "still to do", "बाकी"),
        ("fig_in_progress", "in progress", "जारी"),
        ("fig_owners", "owners", "ज़िम्मेदार"),
        ("fig_no_due", "without a due date", "बिना नियत तिथि"),
        (
            "nothing_to_do",
            "No action is waiting: every action is done or dropped.",
            "कोई कार्रवाई बाकी नहीं है: हर कार्रवाई पूरी हो चुकी है या छोड़ दी गई है।",
        ),
        ("no_due", "No due date", "नियत तिथि नहीं"),
    ]
    .into_iter()
    .map(|(key, en, hi)| (key, Text::new(en, Some(hi))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn review_labels_replace_no_other() {
        let others: Vec<&str> = labels()
            .into_keys()
            .chain(report_labels().map(|(k, _)| k))
            .collect();
        for (key, _) in review_labels() {
            assert!(
                !others.contains(&key),
                "{key} is another document's label too"
            );
        }
    }
}
