//! A state's actions still to do, by owner, as they stand on the day printed: what a state's
//! ODOP cell takes to its review with the District Industries Centres and other owners. Each
//! action names the gap it answers and the Sampark workshop where that gap was heard.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};

use odop_domain::{
    display_name, owner_key, Action, ActionStatus, EntityKind, Gap, Id, StateCode, Workshop,
};
use odop_store::{RecordQuery, Store};
use serde::Serialize;

use crate::manuscript::{clean, date_text, Place, Text, MAX_DESCRIPTION, MAX_LINE};
use crate::report::{action_kind_text, record, status_text};
use crate::{BrochureError, Layout, Manuscript, Options};

/// What a review of actions says beyond the manuscript's title, state and labels.
#[derive(Debug, Clone, Serialize)]
pub struct ActionReview {
    /// The one owner this review is for, when it is one owner's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub of_owner: Option<String>,
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
        places
            .state(state)
            .ok_or(BrochureError::UnknownState(state))?;
        // Through the action list, so that its order and its judgement of overdue hold here.
        let rows = store.record_rows(
            EntityKind::Action,
            &RecordQuery {
                state: Some(state),
                today: Some(options.date),
                ..RecordQuery::default()
            },
        )?;
        let mut gaps: HashMap<Id, Option<Gap>> = HashMap::new();
        let mut workshops: HashMap<Id, Option<HeardAt>> = HashMap::new();
        // Owners by their name's key, so that case, spacing, punctuation, word order and a
        // body's long name against its short one do not split one owner in two; each is shown
        // by the name the action list's owner filter gives it.
        let mut owners: BTreeMap<String, Vec<(Action, ReviewLine)>> = BTreeMap::new();
        let shown: HashMap<String, String> = store
            .action_owners(Some(state))?
            .into_iter()
            .map(|o| (owner_key(&o.name), clean(&o.name, MAX_LINE)))
            .collect();
        let mut in_progress = 0;
        // One owner's review holds its actions alone; an owner none of the state's actions
        // names is a mistake to be told of, not an empty page.
        let only = options.owner.as_deref().map(owner_key);
        if let (Some(asked), Some(key)) = (&options.owner, &only) {
            if !shown.contains_key(key) {
                return Err(BrochureError::UnknownOwner {
                    owner: asked.clone(),
                    place: Place::state(&places, state).name.en,
                });
            }
        }
        for row in &rows {
            let Some(action) = record::<Action>(row) else {
                continue;
            };
            let key = owner_key(&action.owner);
            if only.as_ref().is_some_and(|only| key != *only) {
                continue;
            }
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
            owners.entry(key).or_default().push((action, line));
        }
        let mut parts: Vec<OwnerPart> = owners
            .into_iter()
            .map(|(key, mut actions)| {
                actions.sort_by_key(|(a, line)| (!line.overdue, a.due.is_none(), a.due));
                OwnerPart {
                    owner: shown.get(&key).cloned().unwrap_or_default(),
                    overdue: actions.iter().filter(|(_, l)| l.overdue).count(),
                    actions: actions.into_iter().map(|(_, line)| line).collect(),
                }
            })
            .collect();
        parts.sort_by_cached_key(|p| (std::cmp::Reverse(p.overdue), p.owner.to_lowercase()));
        let lines = || parts.iter().flat_map(|p| &p.actions);
        let figures = ReviewFigures {
            to_do: lines().count(),
            overdue: lines().filter(|l| l.overdue).count(),
            in_progress,
            owners: parts.len(),
            without_due_date: lines().filter(|l| l.due.is_none()).count(),
        };

        let state_place = Place::state(&places, state);
        let name = &state_place.name;
        // As the owner's actions write it, though none is still to do.
        let owner = only.and_then(|key| shown.get(&key).cloned());
        let in_title = owner.as_ref().map(|o| format!(": {o}")).unwrap_or_default();
        let title = Text::new(
            &format!("Actions to review, {}{in_title}", name.en),
            Some(&format!(
                "समीक्षा हेतु कार्रवाइयाँ, {}{in_title}",
                name.hi.as_deref().unwrap_or(&name.en)
            )),
        );
        let mut m = Manuscript::blank("actions", Layout::Review, title, state_place, options);
        m.review = Some(ActionReview {
            of_owner: owner,
            figures,
            owners: parts,
        });
        Ok(m)
    }
}

impl ActionReview {
    /// Every text the review prints, with where it comes from, for the font check.
    pub(crate) fn texts<'a>(&'a self, hindi: bool, out: &mut Vec<(String, &'a str)>) {
        if let Some(owner) = &self.of_owner {
            out.push(("the owner reviewed".into(), owner));
        }
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
