//! A progress report: one state's ODOP figures as they stand on the day printed, or the whole
//! country's with the states side by side. What a state's ODOP cell sends DPIIT each month,
//! and what DPIIT takes to its review of the states: coverage, products by sector, GI, sellers
//! onboarded and their packaging, open gaps, overdue actions, the ODOP policy, and by name the
//! districts still without a primary product or without any product.

use odop_domain::{display_name, EntityKind, Gazetteer, Platform, Policy, SectorList, StateCode};
use odop_store::{Count, DistrictFigures, DistrictRef, RecordQuery, StateFigures, Store};
use serde::Serialize;

use crate::manuscript::{
    clean, date_text, platform_name, sector_hindi, word, Place, Text, MAX_LINE,
};
use crate::{BrochureError, Language, Layout, Manuscript, Options};

/// What a progress report says beyond the manuscript's title, state and labels.
#[derive(Debug, Clone, Serialize)]
pub struct FiguresPart {
    /// The whole country's report, which also sets the states side by side.
    pub country: bool,
    pub headline: Headline,
    /// Products by sector, the most first.
    pub sectors: Vec<Bar>,
    /// Sellers onboarded, per platform, the most first.
    pub platforms: Vec<Bar>,
    /// Sellers by packaging status: needed, in progress, done, not assessed.
    pub packaging: Vec<Bar>,
    /// Open gaps by kind, the most first.
    pub gaps: Vec<Bar>,
    /// States by the status of their ODOP policy (the country's report).
    pub policies: Vec<Bar>,
    /// The state's own policy (one state's report).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<PolicyLine>,
    /// Districts with products but none ranked primary, by state, then name.
    pub without_primary: Vec<DistrictName>,
    /// Districts of the states in scope with no product at all, by state, then name.
    pub without_products: Vec<DistrictName>,
    /// Each state's row, by name (the country's report).
    pub states: Vec<StateLine>,
    /// Each district's row, by name (one state's report).
    pub districts: Vec<DistrictFigures>,
}

/// The figures a report opens with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Headline {
    /// States holding products.
    pub states: u64,
    pub districts: u64,
    pub districts_covered: u64,
    pub products: u64,
    pub gi_products: u64,
    /// GI-registered products per thousand products, so that the template prints a share
    /// without floating point.
    pub gi_per_mille: u64,
    pub sellers: u64,
    /// Sellers onboarded on at least one platform.
    pub sellers_onboarded: u64,
    pub packaging_needed: u64,
    pub workshops: u64,
    pub stories: u64,
    pub open_gaps: u64,
    /// Actions still to do whose due date has passed on the day printed.
    pub overdue_actions: u64,
    /// States whose ODOP policy is notified.
    pub policies_notified: u64,
}

/// A labelled count, drawn as a bar against the longest of its chart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bar {
    pub label: Text,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyLine {
    pub status: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notified_on: Option<Text>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DistrictName {
    pub name: String,
    pub state: String,
}

/// One state's row beside the others'.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StateLine {
    pub name: Text,
    pub districts: u64,
    pub districts_covered: u64,
    pub without_primary: u64,
    pub products: u64,
    pub gi_products: u64,
    pub sellers: u64,
    pub sellers_onboarded: u64,
    pub packaging_needed: u64,
    pub workshops: u64,
    pub open_gaps: u64,
    pub overdue_actions: u64,
    pub policy: Text,
    /// Whether its ODOP policy is notified, for the table's count of them.
    pub notified: bool,
}

impl Manuscript {
    /// Gathers a progress report, of one state or (`None`) of every state holding products;
    /// `options.date` is the day printed and the day overdue actions are judged on.
    pub(crate) fn figures(
        store: &Store,
        state: Option<StateCode>,
        options: &Options,
    ) -> Result<Manuscript, BrochureError> {
        let places = store.gazetteer()?;
        if let Some(code) = state {
            places
                .state(code)
                .ok_or(BrochureError::UnknownState(code))?;
        }
        let stats = store.stats(state)?;
        let sectors = store.sectors()?;
        // What the coverage statistics lack, sellers onboarded anywhere and overdue actions,
        // from the report's own rows: a state's districts (every seller has a district) and
        // the dashboard's count of overdue actions; or every state's row.
        let (onboarded, overdue, states, districts) = match state {
            Some(code) => {
                let districts: Vec<DistrictFigures> = store
                    .district_figures(code, options.date)?
                    .iter()
                    .map(district_line)
                    .collect();
                let overdue = store
                    .record_page(
                        EntityKind::Action,
                        &RecordQuery {
                            state: Some(code),
                            overdue: true,
                            today: Some(options.date),
                            ..RecordQuery::default()
                        },
                    )?
                    .total;
                let onboarded = districts.iter().map(|d| d.sellers_onboarded).sum();
                (onboarded, overdue, Vec::new(), districts)
            }
            None => {
                let rows = store.state_figures(options.date)?;
                let sum = |f: fn(&StateFigures) -> u64| rows.iter().map(f).sum::<u64>();
                let mut states: Vec<StateLine> =
                    rows.iter().map(|r| state_line(&places, r)).collect();
                // In the order of the names printed first: Hindi names in a Hindi report, as
                // the dashboard's table sorts by the names it shows.
                if options.lang != Language::En {
                    states.sort_by(|a, b| a.name.hi.cmp(&b.name.hi));
                }
                (
                    sum(|r| r.sellers_onboarded),
                    sum(|r| r.overdue_actions),
                    states,
                    Vec::new(),
                )
            }
        };
        let headline = Headline {
            states: stats.policies.iter().map(|c| c.count).sum(),
            districts: stats.districts,
            districts_covered: stats.districts_covered,
            products: stats.products,
            gi_products: stats.gi_products,
            gi_per_mille: (stats.gi_share * 1000.0).round() as u64,
            sellers: stats.sellers,
            sellers_onboarded: onboarded,
            packaging_needed: count_of(&stats.sellers_packaging, "needed"),
            workshops: stats.workshops,
            stories: stats.stories,
            open_gaps: stats.open_gaps_by_kind.iter().map(|c| c.count).sum(),
            overdue_actions: overdue,
            policies_notified: count_of(&stats.policies, "notified"),
        };
        let policy = match state {
            Some(code) => Some(match store.get::<Policy>(Policy::id_for(code))? {
                Some(p) => PolicyLine {
                    status: word("policy_status", p.status.as_str()),
                    reference: p.reference.as_deref().map(|r| clean(r, MAX_LINE)),
                    notified_on: p.notified_on.map(date_text),
                },
                None => PolicyLine {
                    status: word("policy_status", "none"),
                    reference: None,
                    notified_on: None,
                },
            }),
            None => None,
        };
        let bars = |counts: &[Count], text: &dyn Fn(&str) -> Text| {
            counts
                .iter()
                .map(|c| Bar {
                    label: text(&c.key),
                    count: c.count,
                })
                .collect::<Vec<_>>()
        };
        let part = FiguresPart {
            country: state.is_none(),
            headline,
            sectors: bars(&stats.products_by_sector, &|label| {
                sector_text(&sectors, label)
            }),
            platforms: bars(&stats.sellers_onboarded, &|key| {
                Text::new(platform_text(key), None)
            }),
            packaging: bars(&stats.sellers_packaging, &|key| word("packaging", key)),
            gaps: bars(&stats.open_gaps_by_kind, &|key| word("action_kind", key)),
            policies: if state.is_none() {
                bars(&stats.policies, &|key| word("policy_status", key))
            } else {
                Vec::new()
            },
            policy,
            without_primary: stats.without_primary.iter().map(district_name).collect(),
            without_products: store
                .districts_without_products(state)?
                .iter()
                .map(district_name)
                .collect(),
            states,
            districts,
        };

        let (place, title) = match state {
            Some(code) => {
                let place = Place::state(&places, code);
                let n = &place.name;
                let title = Text::new(
                    &format!("ODOP progress report, {}", n.en),
                    Some(&format!(
                        "ओडीओपी प्रगति रिपोर्ट, {}",
                        n.hi.as_deref().unwrap_or(&n.en)
                    )),
                );
                (place, title)
            }
            None => (
                Place {
                    code: 0,
                    name: Text::new("All states", Some("सभी राज्य")),
                },
                Text::new(
                    "ODOP progress report, all states",
                    Some("ओडीओपी प्रगति रिपोर्ट, सभी राज्य"),
                ),
            ),
        };
        let mut m = Manuscript::blank("figures", Layout::Figures, title, place, options);
        m.figures = Some(part);
        Ok(m)
    }
}

/// The count of one key of a grouped count; none counted is 0.
fn count_of(counts: &[Count], key: &str) -> u64 {
    counts.iter().find(|c| c.key == key).map_or(0, |c| c.count)
}

/// A sector as the statistics name it (its label, or its slug where the list lacks it), in
/// English and, for the built-in sectors, Hindi.
fn sector_text(sectors: &SectorList, label: &str) -> Text {
    let slug = sectors
        .entries()
        .iter()
        .find(|e| e.label == label || e.slug == label)
        .map_or(label, |e| e.slug.as_str());
    Text::new(label, sector_hindi(slug))
}

fn platform_text(key: &str) -> &str {
    match key.parse::<Platform>() {
        Ok(p) => platform_name(p),
        Err(_) => key,
    }
}

fn district_name(d: &DistrictRef) -> DistrictName {
    DistrictName {
        name: clean(&display_name(&d.name), MAX_LINE),
        state: clean(&display_name(&d.state), MAX_LINE),
    }
}

/// A district's row, its name as printed.
fn district_line(d: &DistrictFigures) -> DistrictFigures {
    DistrictFigures {
        name: clean(&display_name(&d.name), MAX_LINE),
        ..d.clone()
    }
}

fn state_line(places: &Gazetteer, r: &StateFigures) -> StateLine {
    StateLine {
        name: Place::state(places, r.state).name,
        districts: r.districts,
        districts_covered: r.districts_covered,
        without_primary: r.without_primary,
        products: r.products,
        gi_products: r.gi_products,
        sellers: r.sellers,
        sellers_onboarded: r.sellers_onboarded,
        packaging_needed: r.packaging_needed,
        workshops: r.workshops,
        open_gaps: r.open_gaps,
        overdue_actions: r.overdue_actions,
        policy: word("policy_status", &r.policy),
        notified: r.policy == "notified",
    }
}

impl FiguresPart {
    /// Every stored text the report prints, with where it comes from, for the font check.
    pub(crate) fn texts<'a>(&'a self, hindi: bool, out: &mut Vec<(String, &'a str)>) {
        let mut both = |what: String, t: &'a Text| {
            if let (true, Some(h)) = (hindi, &t.hi) {
                out.push((what.clone(), h.as_str()));
            }
            out.push((what, t.en.as_str()));
        };
        for (chart, bars) in [
            ("sector", &self.sectors),
            ("platform", &self.platforms),
            ("packaging status", &self.packaging),
            ("gap kind", &self.gaps),
            ("policy status", &self.policies),
        ] {
            for b in bars {
                both(format!("a {chart} of the charts"), &b.label);
            }
        }
        if let Some(p) = &self.policy {
            both("the policy's status".into(), &p.status);
            if let Some(d) = &p.notified_on {
                both("the policy's date".into(), d);
            }
        }
        for s in &self.states {
            both("a state's name".into(), &s.name);
            both(format!("the policy of {:?}", s.name.en), &s.policy);
        }
        if let Some(r) = self.policy.as_ref().and_then(|p| p.reference.as_deref()) {
            out.push(("the policy's reference".into(), r));
        }
        for d in self.without_primary.iter().chain(&self.without_products) {
            out.push(("a district's name".into(), &d.name));
            out.push(("a district's state".into(), &d.state));
        }
        for d in &self.districts {
            out.push(("a district's name".into(), &d.name));
        }
    }
}
