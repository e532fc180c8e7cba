//! The report of an ODOP Sampark workshop: where and when it was held, the sellers met, and
//! each gap in market linkage heard there with the actions taken on it, as they stand on the
//! day it is printed. It is what a state department sends on after a workshop, and what it
//! takes to the next review of the actions.

use odop_domain::{
    display_name, Action, ActionKind, ActionStatus, Gap, Id, Lang, Product, Seller, Workshop,
};
use odop_store::{RecordRow, Store};
use serde::Serialize;

use crate::manuscript::{
    breakable, clean, date_text, kind_text, online, word, Place, Text, MAX_DESCRIPTION, MAX_LINE,
};
use crate::{BrochureError, Layout, Manuscript, Options};

/// What a workshop report says beyond the manuscript's title, state and labels.
#[derive(Debug, Clone, Serialize)]
pub struct WorkshopPart {
    /// The day it was held.
    pub held: Text,
    pub venue: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub district: Option<Text>,
    pub attendance: u32,
    pub notes: String,
    pub media: Vec<MediaLine>,
    pub figures: WorkshopFigures,
    /// In the order of their names.
    pub sellers: Vec<MetSeller>,
    /// Newest first, as the gap list shows them.
    pub gaps: Vec<HeardGap>,
}

/// Press, radio, television or web coverage of the workshop.
#[derive(Debug, Clone, Serialize)]
pub struct MediaLine {
    pub outlet: String,
    pub lang: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// The workshop's outcome in figures, for the report's first lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct WorkshopFigures {
    pub sellers_met: usize,
    pub gaps: usize,
    pub gaps_open: usize,
    pub actions: usize,
    pub actions_done: usize,
    pub overdue: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct MetSeller {
    pub name: String,
    pub kind: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub district: Option<String>,
    pub products: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// The platforms the seller is onboarded on.
    pub online: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HeardGap {
    pub kind: Text,
    pub description: String,
    pub open: bool,
    /// The product and the seller the gap is about, where it names them.
    pub concerning: Vec<String>,
    /// In the order they fall due.
    pub actions: Vec<ActionLine>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ActionLine {
    pub kind: Text,
    pub owner: String,
    pub status: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due: Option<Text>,
    /// Still to do, and its due date has passed on the day printed.
    pub overdue: bool,
    pub note: String,
}

impl Manuscript {
    /// Gathers a workshop's report from the store; `options.date` is the day printed and the
    /// day overdue actions are judged on.
    pub(crate) fn workshop(
        store: &Store,
        id: Id,
        options: &Options,
    ) -> Result<Manuscript, BrochureError> {
        let w = store
            .get::<Workshop>(id)?
            .ok_or(BrochureError::UnknownWorkshop(id))?;
        let places = store.gazetteer()?;
        let heard_there = store.workshop_gaps(id, options.date)?;
        let mut notes = Vec::new();

        let mut sellers = Vec::new();
        let mut gone = 0;
        for seller in &w.sellers_met {
            match store.get::<Seller>(*seller)? {
                Some(s) => sellers.push(met_seller(store, &s, &places)?),
                None => gone += 1,
            }
        }
        sellers.sort_by_cached_key(|s| s.name.to_lowercase());
        if gone > 0 {
            notes.push(format!(
                "{gone} of the {} sellers met at this workshop have since been deleted, so the \
                 report does not list them",
                w.sellers_met.len()
            ));
        }

        let mut gaps = Vec::new();
        let mut done = 0;
        for heard in &heard_there {
            let Some(gap) = record::<Gap>(&heard.gap) else {
                continue;
            };
            let mut actions = Vec::new();
            for row in &heard.actions {
                if let Some(action) = record::<Action>(row) {
                    done += usize::from(action.status == ActionStatus::Done);
                    actions.push(action_line(&action, row.overdue));
                }
            }
            gaps.push(heard_gap(store, &gap, actions)?);
        }

        let all_actions = || gaps.iter().flat_map(|g: &HeardGap| &g.actions);
        let figures = WorkshopFigures {
            sellers_met: sellers.len(),
            gaps: gaps.len(),
            gaps_open: gaps.iter().filter(|g| g.open).count(),
            actions: all_actions().count(),
            actions_done: done,
            overdue: all_actions().filter(|a| a.overdue).count(),
        };

        let district = w.district.map(|code| {
            let name = places
                .district(code)
                .map_or(code.to_string(), |d| display_name(&d.name));
            Text::new(&name, None)
        });
        let held = date_text(w.date);
        let venue = clean(&w.venue, MAX_LINE);
        let title = Text::new(
            &format!("Sampark workshop, {venue}, {}", held.en),
            Some(&format!(
                "संपर्क कार्यशाला, {venue}, {}",
                held.hi.as_deref().unwrap_or(&held.en)
            )),
        );
        let mut m = Manuscript::blank(
            "workshop",
            Layout::Workshop,
            title,
            Place::state(&places, w.state),
            options,
        );
        m.workshop = Some(WorkshopPart {
            held,
            venue,
            district,
            attendance: w.attendance,
            notes: clean(&w.notes, MAX_DESCRIPTION),
            media: w
                .media
                .iter()
                .map(|m| MediaLine {
                    outlet: clean(&m.outlet, MAX_LINE),
                    lang: lang_text(m.lang),
                    url: m.url.as_deref().map(|u| breakable(&clean(u, MAX_LINE))),
                })
                .collect(),
            figures,
            sellers,
            gaps,
        });
        m.notes = notes;
        Ok(m)
    }
}

impl WorkshopPart {
    /// Every text the report prints, with where it comes from, for the font check.
    pub(crate) fn texts<'a>(&'a self, hindi: bool, out: &mut Vec<(String, &'a str)>) {
        let mut both = |what: String, t: &'a Text| {
            if let (true, Some(h)) = (hindi, &t.hi) {
                out.push((what.clone(), h.as_str()));
            }
            out.push((what, t.en.as_str()));
        };
        both("the workshop's date".into(), &self.held);
        if let Some(d) = &self.district {
            both("the workshop's district".into(), d);
        }
        for m in &self.media {
            both(format!("the language of {:?}", m.outlet), &m.lang);
        }
        for s in &self.sellers {
            both(format!("the kind of seller {:?}", s.name), &s.kind);
        }
        for g in &self.gaps {
            both("a gap's kind".into(), &g.kind);
            for a in &g.actions {
                both("an action's kind".into(), &a.kind);
                both("an action's status".into(), &a.status);
                if let Some(due) = &a.due {
                    both("an action's due date".into(), due);
                }
            }
        }
        out.push(("the workshop's venue".into(), &self.venue));
        out.push(("the workshop's notes".into(), &self.notes));
        for m in &self.media {
            out.push(("a media outlet".into(), &m.outlet));
            if let Some(url) = &m.url {
                out.push((format!("the link of {:?}", m.outlet), url));
            }
        }
        for s in &self.sellers {
            let of = |field: &str| format!("the {field} of seller {:?}", s.name);
            out.push((of("name"), &s.name));
            for v in s.products.iter().chain(&s.phone).chain(&s.online) {
                out.push((of("products or contact"), v));
            }
            if let Some(d) = &s.district {
                out.push((of("district"), d));
            }
        }
        for g in &self.gaps {
            out.push(("a gap's description".into(), &g.description));
            for c in &g.concerning {
                out.push(("what a gap concerns".into(), c));
            }
            for a in &g.actions {
                out.push((
                    format!("the owner of an action on {:?}", g.description),
                    &a.owner,
                ));
                out.push((format!("the note of an action by {:?}", a.owner), &a.note));
            }
        }
    }
}

/// A list row's record, from the fields the row carries: the store has read and checked them
/// already, so the record is not read again.
pub(crate) fn record<E: odop_domain::Entity>(row: &RecordRow) -> Option<E> {
    E::from_fields(row.fields.clone()).ok()
}

fn met_seller(
    store: &Store,
    s: &Seller,
    places: &odop_domain::Gazetteer,
) -> Result<MetSeller, BrochureError> {
    let mut products = Vec::new();
    for p in &s.products {
        if let Some(p) = store.get::<Product>(*p)? {
            products.push(clean(&p.name, MAX_LINE));
        }
    }
    Ok(MetSeller {
        name: clean(&s.name, MAX_LINE),
        kind: kind_text(s.kind),
        district: places.district(s.district).map(|d| display_name(&d.name)),
        products,
        phone: s.contact.phone.as_deref().map(|p| clean(p, 100)),
        online: online(s),
    })
}

fn heard_gap(
    store: &Store,
    gap: &Gap,
    actions: Vec<ActionLine>,
) -> Result<HeardGap, BrochureError> {
    let mut concerning = Vec::new();
    if let Some(p) = gap.product {
        if let Some(p) = store.get::<Product>(p)? {
            concerning.push(clean(&p.name, MAX_LINE));
        }
    }
    if let Some(s) = gap.seller {
        if let Some(s) = store.get::<Seller>(s)? {
            concerning.push(clean(&s.name, MAX_LINE));
        }
    }
    Ok(HeardGap {
        kind: action_kind_text(gap.kind),
        description: clean(&gap.description, MAX_DESCRIPTION),
        open: gap.open,
        concerning,
        actions,
    })
}

fn action_line(a: &Action, overdue: bool) -> ActionLine {
    ActionLine {
        kind: action_kind_text(a.kind),
        owner: clean(&a.owner, MAX_LINE),
        status: status_text(a.status),
        due: a.due.map(date_text),
        overdue,
        note: clean(&a.note, MAX_DESCRIPTION),
    }
}

pub(crate) fn action_kind_text(k: ActionKind) -> Text {
    word("action_kind", k.as_str())
}

pub(crate) fn status_text(s: ActionStatus) -> Text {
    word("action_status", s.as_str())
}

fn lang_text(l: Lang) -> Text {
    word("lang", l.code())
}
