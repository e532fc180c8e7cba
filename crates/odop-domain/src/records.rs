use serde::{Deserialize, Serialize};

use crate::entity::{Entity, EntityKind};
use crate::seller::word_enum;
use crate::text::{check_line, check_opt_line, check_text, Lang};
use crate::{Date, DistrictCode, GiStatus, Id, Invalid, Rank, Rule, Sector, StateCode};

use std::fmt;
use std::str::FromStr;

/// Text in a named language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalText {
    pub lang: Lang,
    pub text: String,
}

/// A district's ODOP product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    pub id: Id,
    pub state: StateCode,
    pub district: DistrictCode,
    pub rank: Rank,
    pub sector: Sector,
    /// The product's name in English.
    pub name: String,
    /// The name in the district's language, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_name: Option<LocalText>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub gi: GiStatus,
    /// A link to, or a file path of, the product's photo.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photo: Option<String>,
    /// The nodal ministry or department.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ministry: Option<String>,
}

pub const MAX_DESCRIPTION: usize = 10_000;

impl Entity for Product {
    const KIND: EntityKind = EntityKind::Product;
    fn id(&self) -> Id {
        self.id
    }
    fn state(&self) -> StateCode {
        self.state
    }
    fn district(&self) -> Option<DistrictCode> {
        Some(self.district)
    }
    fn title(&self) -> String {
        self.name.clone()
    }
    fn validate(&self) -> Result<(), Invalid> {
        check_line("name", &self.name, 300)?;
        if let Some(l) = &self.local_name {
            check_line("local_name", &l.text, 300)?;
        }
        check_text("description", &self.description, MAX_DESCRIPTION)?;
        check_opt_line("gi registry name", self.gi.registry_name.as_deref(), 300)?;
        check_opt_line("photo", self.photo.as_deref(), 2000)?;
        check_opt_line("ministry", self.ministry.as_deref(), 300)?;
        if self.sector.slug().is_empty() {
            return Err(Invalid::Missing { field: "sector" });
        }
        Ok(())
    }
}

/// Press or broadcast coverage of a workshop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Media {
    pub outlet: String,
    pub lang: Lang,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// An ODOP Sampark workshop: a meeting with sellers that reveals gaps in market linkage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workshop {
    pub id: Id,
    pub state: StateCode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub district: Option<DistrictCode>,
    pub date: Date,
    pub venue: String,
    #[serde(default)]
    pub attendance: u32,
    #[serde(default)]
    pub sellers_met: Vec<Id>,
    #[serde(default)]
    pub media: Vec<Media>,
    #[serde(default)]
    pub notes: String,
}

impl Entity for Workshop {
    const KIND: EntityKind = EntityKind::Workshop;
    fn id(&self) -> Id {
        self.id
    }
    fn state(&self) -> StateCode {
        self.state
    }
    fn district(&self) -> Option<DistrictCode> {
        self.district
    }
    fn title(&self) -> String {
        format!("{} ({})", self.venue, self.date)
    }
    fn validate(&self) -> Result<(), Invalid> {
        check_line("venue", &self.venue, 300)?;
        check_text("notes", &self.notes, MAX_DESCRIPTION)?;
        if self.attendance > 1_000_000 {
            return Err(Invalid::Range {
                field: "attendance",
                value: self.attendance.to_string(),
                rule: Rule::Attendance,
            });
        }
        for m in &self.media {
            check_line("media outlet", &m.outlet, 200)?;
            check_opt_line("media url", m.url.as_deref(), 2000)?;
        }
        Ok(())
    }
}

/// A success story, told in one or more languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Story {
    pub id: Id,
    pub state: StateCode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub district: Option<DistrictCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seller: Option<Id>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<Id>,
    pub title: String,
    pub texts: Vec<LocalText>,
}

impl Entity for Story {
    const KIND: EntityKind = EntityKind::Story;
    fn id(&self) -> Id {
        self.id
    }
    fn state(&self) -> StateCode {
        self.state
    }
    fn district(&self) -> Option<DistrictCode> {
        self.district
    }
    fn title(&self) -> String {
        self.title.clone()
    }
    fn validate(&self) -> Result<(), Invalid> {
        check_line("title", &self.title, 300)?;
        if self.texts.is_empty() {
            return Err(Invalid::Missing { field: "text" });
        }
        for (i, t) in self.texts.iter().enumerate() {
            check_text("text", &t.text, MAX_DESCRIPTION * 2)?;
            if self.texts[..i].iter().any(|o| o.lang == t.lang) {
                return Err(Invalid::Format {
                    field: "text",
                    value: t.lang.to_string(),
                    rule: Rule::LanguageTwice,
                });
            }
        }
        Ok(())
    }
}

word_enum!(
    /// What kind of market linkage is missing, and so what an action does about it.
    ActionKind, "kind" {
        EcommerceOnboarding => "ecommerce_onboarding",
        StatePolicy => "state_policy",
        Packaging => "packaging",
        SellerConnection => "seller_connection",
        BuyerConnection => "buyer_connection",
        Other => "other",
    }
);

word_enum!(
    ActionStatus, "status" {
        Open => "open",
        InProgress => "in_progress",
        Done => "done",
        Dropped => "dropped",
    }
);

word_enum!(
    PolicyStatus, "policy status" {
        None => "none",
        Drafting => "drafting",
        Notified => "notified",
    }
);

/// A gap in market linkage, usually heard at a Sampark workshop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gap {
    pub id: Id,
    pub state: StateCode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub district: Option<DistrictCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workshop: Option<Id>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<Id>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seller: Option<Id>,
    pub kind: ActionKind,
    pub description: String,
    /// Whether the gap still stands.
    pub open: bool,
}

impl Entity for Gap {
    const KIND: EntityKind = EntityKind::Gap;
    fn id(&self) -> Id {
        self.id
    }
    fn state(&self) -> StateCode {
        self.state
    }
    fn district(&self) -> Option<DistrictCode> {
        self.district
    }
    fn title(&self) -> String {
        self.description.chars().take(80).collect()
    }
    fn validate(&self) -> Result<(), Invalid> {
        check_line(
            "description",
            self.description.lines().next().unwrap_or(""),
            2000,
        )?;
        check_text("description", &self.description, MAX_DESCRIPTION)
    }
}

/// What someone will do about a gap, and by when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Action {
    pub id: Id,
    pub state: StateCode,
    pub gap: Id,
    pub kind: ActionKind,
    pub owner: String,
    pub status: ActionStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<Date>,
    #[serde(default)]
    pub note: String,
}

impl Entity for Action {
    const KIND: EntityKind = EntityKind::Action;
    fn id(&self) -> Id {
        self.id
    }
    fn state(&self) -> StateCode {
        self.state
    }
    fn title(&self) -> String {
        format!("{} by {}", self.kind, self.owner)
    }
    fn validate(&self) -> Result<(), Invalid> {
        check_line("owner", &self.owner, 200)?;
        check_text("note", &self.note, MAX_DESCRIPTION)
    }
}

/// The state's ODOP policy, one record per state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    pub id: Id,
    pub state: StateCode,
    pub status: PolicyStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notified_on: Option<Date>,
    #[serde(default)]
    pub note: String,
}

impl Policy {
    /// Every state has at most one policy record; its id follows from the state code.
    pub fn id_for(state: StateCode) -> Id {
        Id::derived("policy", &state.to_string())
    }
}

impl Entity for Policy {
    const KIND: EntityKind = EntityKind::Policy;
    fn id(&self) -> Id {
        self.id
    }
    fn state(&self) -> StateCode {
        self.state
    }
    fn title(&self) -> String {
        format!("ODOP policy: {}", self.status)
    }
    fn validate(&self) -> Result<(), Invalid> {
        check_opt_line("reference", self.reference.as_deref(), 300)?;
        check_text("note", &self.note, MAX_DESCRIPTION)?;
        if self.id != Policy::id_for(self.state) {
            return Err(Invalid::Format {
                field: "id",
                value: self.id.to_string(),
                rule: Rule::PolicyId,
            });
        }
        if self.status == PolicyStatus::Notified && self.notified_on.is_none() {
            return Err(Invalid::Missing {
                field: "notified_on",
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Entity;

    fn product() -> Product {
        Product {
            id: Id::new(),
            state: StateCode(9),
            district: DistrictCode(177),
            rank: Rank::Primary,
            sector: Sector::from_slug("handloom"),
            name: "Banarasi Saree".into(),
            local_name: Some(LocalText {
                lang: Lang::Hi,
                text: "बनारसी साड़ी".into(),
            }),
            description: "Silk sarees woven in Varanasi.".into(),
            gi: GiStatus {
                registered: true,
                registry_name: Some("Banaras Brocades and Sarees".into()),
            },
            photo: None,
            ministry: Some("Ministry of Textiles".into()),
        }
    }

    #[test]
    fn fields_round_trip() {
        let p = product();
        let fields = p.to_fields();
        assert_eq!(fields["rank"], "primary");
        assert_eq!(fields["local_name"]["text"], "बनारसी साड़ी");
        assert_eq!(Product::from_fields(fields).unwrap(), p);
    }

    #[test]
    fn products_refuse_bad_fields() {
        let mut p = product();
        p.name = "x".repeat(301);
        assert!(matches!(
            p.validate(),
            Err(Invalid::TooLong { field: "name", .. })
        ));
        let mut p = product();
        p.description = "d".repeat(MAX_DESCRIPTION + 1);
        assert_eq!(p.validate().unwrap_err().field(), "description");
        assert!(product().validate().is_ok());
    }

    #[test]
    fn stories_need_text_once_per_language() {
        let s = Story {
            id: Id::new(),
            state: StateCode(9),
            district: None,
            seller: None,
            product: None,
            title: "From loom to ONDC".into(),
            texts: vec![],
        };
        assert_eq!(
            s.validate().unwrap_err(),
            Invalid::Missing { field: "text" }
        );
        let t = LocalText {
            lang: Lang::En,
            text: "..".into(),
        };
        let s = Story {
            texts: vec![t.clone(), t],
            ..s
        };
        assert!(s.validate().is_err());
    }

    #[test]
    fn a_notified_policy_has_a_date() {
        let p = Policy {
            id: Policy::id_for(StateCode(9)),
            state: StateCode(9),
            status: PolicyStatus::Notified,
            reference: None,
            notified_on: None,
            note: String::new(),
        };
        assert_eq!(p.validate().unwrap_err().field(), "notified_on");
        let wrong = Policy { id: Id::new(), ..p };
        assert_eq!(wrong.validate().unwrap_err().field(), "id");
    }
}
