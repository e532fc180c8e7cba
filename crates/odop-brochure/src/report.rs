//! The report of an ODOP Sampark workshop: where and when it was held, the sellers met, and
//! each gap in market linkage heard there with the actions taken on it, as they stand on the
//! day it is printed. It is what a state department sends on after a workshop, and what it
//! takes to the next review of the actions.

use std::collections::BTreeMap;

use odop_domain::{
    display_name, Action, ActionKind, ActionStatus, Gap, Id, Lang, OnboardingStatus, Product,
    Seller, Workshop,
};
use odop_store::Store;
use serde::Serialize;

use crate::manuscript::{
    breakable, clean, date_text, kind_text, labels, platform_name, Place, Text, MAX_DESCRIPTION,
    MAX_LINE,
};
use crate::{BrochureError, Manuscript, Options};

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
        let outcome = store.workshop_outcome(id, options.date)?;
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
        for heard in &outcome.gaps {
            let Some(gap) = record::<Gap>(store, &heard.gap.id)? else {
                continue;
            };
            let mut actions = Vec::new();
            for row in &heard.actions {
                if let Some(action) = record::<Action>(store, &row.id)? {
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

        let state = places.state(w.state);
        let state_name = Text::new(
            &state.map_or(w.state.to_string(), |s| display_name(&s.name)),
            state.and_then(|s| s.local_name.as_deref()),
        );
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
        let mut labels = labels();
        labels.extend(report_labels());
        Ok(Manuscript {
            kind: "workshop",
            lang: options.lang,
            date: date_text(options.date),
            title,
            state: Place {
                code: w.state.0.into(),
                name: state_name,
            },
            districts: Vec::new(),
            review: None,
            workshop: Some(WorkshopPart {
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
            }),
            labels,
            notes,
            files: BTreeMap::new(),
            sources: BTreeMap::new(),
            printed: options.date,
        })
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

/// A record named by the id a list row carries; `None` when it has gone since.
pub(crate) fn record<E: odop_domain::Entity>(
    store: &Store,
    id: &str,
) -> Result<Option<E>, BrochureError> {
    match id.parse::<Id>() {
        Ok(id) => Ok(store.get::<E>(id)?),
        Err(_) => Ok(None),
    }
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
        online: s
            .onboarding
            .iter()
            .filter(|o| o.status == OnboardingStatus::Onboarded)
            .map(|o| platform_name(o.platform).to_owned())
            .collect(),
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
    let (en, hi) = match k {
        ActionKind::EcommerceOnboarding => ("E-commerce onboarding", "ई-कॉमर्स से जोड़ना"),
        ActionKind::StatePolicy => ("State policy", "राज्य नीति"),
        ActionKind::Packaging => ("Packaging", "पैकेजिंग"),
        ActionKind::SellerConnection => ("Seller connection", "विक्रेताओं से जोड़ना"),
        ActionKind::BuyerConnection => ("Buyer connection", "ख़रीदारों से जोड़ना"),
        ActionKind::Other => ("Other", "अन्य"),
    };
    Text::new(en, Some(hi))
}

pub(crate) fn status_text(s: ActionStatus) -> Text {
    let (en, hi) = match s {
        ActionStatus::Open => ("Open", "खुली"),
        ActionStatus::InProgress => ("In progress", "जारी है"),
        ActionStatus::Done => ("Done", "पूरी"),
        ActionStatus::Dropped => ("Dropped", "छोड़ दी गई"),
    };
    Text::new(en, Some(hi))
}

fn lang_text(l: Lang) -> Text {
    let (en, hi) = match l {
        Lang::En => ("English", "अंग्रेज़ी"),
        Lang::Hi => ("Hindi", "हिन्दी"),
        Lang::Bn => ("Bengali", "बांग्ला"),
        Lang::Gu => ("Gujarati", "गुजराती"),
        Lang::Ta => ("Tamil", "तमिल"),
        Lang::Te => ("Telugu", "तेलुगु"),
        Lang::Mr => ("Marathi", "मराठी"),
        Lang::Kn => ("Kannada", "कन्नड़"),
        Lang::Ml => ("Malayalam", "मलयालम"),
        Lang::Pa => ("Punjabi", "पंजाबी"),
        Lang::Or => ("Odia", "ओड़िया"),
        Lang::As => ("Assamese", "असमिया"),
        Lang::Ur => ("Urdu", "उर्दू"),
    };
    Text::new(en, Some(hi))
}

/// The words a workshop report prints besides the brochures' own.
pub(crate) fn report_labels() -> impl Iterator<Item = (&'static str, Text)> {
    [
        (
            "report",
            "ODOP Sampark workshop report",
            "ओडीओपी संपर्क कार्यशाला रिपोर्ट",
        ),
        ("held", "Held on", "दिनांक"),
        ("venue", "Venue", "स्थान"),
        ("attendance", "Attendance", "उपस्थिति"),
        ("media", "Media coverage", "मीडिया कवरेज"),
        ("no_media", "None recorded", "दर्ज नहीं"),
        ("notes", "Notes", "टिप्पणी"),
        ("sellers_met", "Sellers met", "जिन विक्रेताओं से मिले"),
        (
            "no_sellers_met",
            "No seller met here is recorded.",
            "यहाँ किसी विक्रेता से मिलना दर्ज नहीं है।",
        ),
        ("gaps_heard", "Gaps heard", "यहाँ सुनी कमियाँ"),
        (
            "no_gaps",
            "No gap heard here is recorded yet.",
            "यहाँ सुनी कोई कमी अभी दर्ज नहीं है।",
        ),
        ("gap_open", "Open", "खुली"),
        ("gap_closed", "Closed", "बंद"),
        ("concerning", "Concerning", "संबंधित"),
        ("action", "Action", "कार्रवाई"),
        ("owner", "Owner", "ज़िम्मेदार"),
        ("status", "Status", "स्थिति"),
        ("due", "Due", "नियत तिथि"),
        ("overdue", "Overdue", "समय बीती"),
        (
            "no_action",
            "No action has been taken on it yet.",
            "इस पर अभी कोई कार्रवाई नहीं हुई।",
        ),
        ("phone", "Phone", "फ़ोन"),
        ("fig_sellers", "sellers met", "विक्रेताओं से मिले"),
        ("fig_gaps", "gaps heard", "कमियाँ सुनी गईं"),
        ("fig_open", "still open", "अभी खुली"),
        ("fig_actions", "actions", "कार्रवाइयाँ"),
        ("fig_done", "done", "पूरी"),
        ("fig_overdue", "overdue", "समय बीती"),
        ("as_of", "As it stands on", "स्थिति, दिनांक"),
    ]
    .into_iter()
    .map(|(key, en, hi)| (key, Text::new(en, Some(hi))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_and_status_has_both_names() {
        for l in Lang::ALL {
            let t = lang_text(l);
            assert!(!t.en.is_empty() && t.hi.as_deref().is_some_and(|h| !h.is_empty()));
        }
        let statuses = [
            ActionStatus::Open,
            ActionStatus::InProgress,
            ActionStatus::Done,
            ActionStatus::Dropped,
        ];
        let names: std::collections::HashSet<String> =
            statuses.iter().map(|s| status_text(*s).en).collect();
        assert_eq!(names.len(), statuses.len());
    }

    #[test]
    fn report_labels_do_not_replace_the_brochures_own() {
        let brochure = labels();
        for (key, _) in report_labels() {
            assert!(!brochure.contains_key(key), "{key} is a brochure label too");
        }
    }
}
