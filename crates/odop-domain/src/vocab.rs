use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::text::name_key;
use crate::Invalid;

/// Where a product stands in its district's list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Rank {
    Primary,
    Secondary,
    Tertiary,
    Other,
}

impl Rank {
    pub const ALL: [Rank; 4] = [Rank::Primary, Rank::Secondary, Rank::Tertiary, Rank::Other];

    pub fn as_str(self) -> &'static str {
        match self {
            Rank::Primary => "primary",
            Rank::Secondary => "secondary",
            Rank::Tertiary => "tertiary",
            Rank::Other => "other",
        }
    }

    /// The label the national list uses.
    pub fn label(self) -> &'static str {
        match self {
            Rank::Primary => "Primary",
            Rank::Secondary => "Secondary",
            Rank::Tertiary => "Tertiary",
            Rank::Other => "Others",
        }
    }
}

impl fmt::Display for Rank {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Rank {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Rank, Invalid> {
        match name_key(s).as_str() {
            "primary" | "1" => Ok(Rank::Primary),
            "secondary" | "2" => Ok(Rank::Secondary),
            "tertiary" | "3" => Ok(Rank::Tertiary),
            "other" | "others" => Ok(Rank::Other),
            _ => Err(Invalid::Unknown {
                field: "rank",
                value: s.to_owned(),
                allowed: "Primary, Secondary, Tertiary, Others".to_owned(),
            }),
        }
    }
}

/// A sector by its slug, e.g. `food-processing`. Which slugs exist is data ([`SectorList`]).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Sector(String);

impl Sector {
    pub fn from_slug(slug: &str) -> Sector {
        Sector(slug.to_owned())
    }
    pub fn slug(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Sector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One sector's entry: its slug, the label people read, and other spellings seen in the wild.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectorEntry {
    pub slug: String,
    pub label: String,
    pub aliases: Vec<String>,
}

/// The sectors a database knows. The defaults cover every sector in the national list; a
/// department may add more.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectorList {
    entries: Vec<SectorEntry>,
}

impl Default for SectorList {
    fn default() -> Self {
        let e = |slug: &str, label: &str, aliases: &[&str]| SectorEntry {
            slug: slug.to_owned(),
            label: label.to_owned(),
            aliases: aliases.iter().map(|a| (*a).to_owned()).collect(),
        };
        SectorList {
            entries: vec![
                e("agriculture", "Agriculture", &["agri", "horticulture"]),
                e("handicraft", "Handicraft", &["handicrafts", "crafts"]),
                e("handloom", "Handloom", &["handlooms"]),
                e("textile", "Textile", &["textiles"]),
                e(
                    "food-processing",
                    "Food Processing",
                    &["food processing industries"],
                ),
                e("marine", "Marine", &["fisheries", "marine products"]),
                e("manufacturing", "Manufacturing", &["manufactured"]),
                e("dairy", "Dairy", &["dairying"]),
                e("services", "Services", &["service", "tourism"]),
                e("others", "Others", &["other"]),
            ],
        }
    }
}

impl SectorList {
    pub fn new(entries: Vec<SectorEntry>) -> SectorList {
        SectorList { entries }
    }

    pub fn entries(&self) -> &[SectorEntry] {
        &self.entries
    }

    /// Finds the sector for a hand-typed value: slug, label or alias, any case or spacing.
    pub fn resolve(&self, value: &str) -> Result<Sector, Invalid> {
        let key = name_key(value);
        let found = self.entries.iter().find(|e| {
            name_key(&e.slug) == key
                || name_key(&e.label) == key
                || e.aliases.iter().any(|a| name_key(a) == key)
        });
        match found {
            Some(e) => Ok(Sector(e.slug.clone())),
            None if key.is_empty() => Err(Invalid::Missing { field: "sector" }),
            None => Err(Invalid::Unknown {
                field: "sector",
                value: value.to_owned(),
                allowed: self
                    .entries
                    .iter()
                    .map(|e| e.label.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            }),
        }
    }

    pub fn label(&self, sector: &Sector) -> String {
        self.entries
            .iter()
            .find(|e| e.slug == sector.0)
            .map_or_else(|| sector.0.clone(), |e| e.label.clone())
    }
}

/// Geographical Indication status, with the registry's name for the GI where it is known.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GiStatus {
    pub registered: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry_name: Option<String>,
}

impl GiStatus {
    /// Reads the national list's yes/no column in its many spellings.
    pub fn parse_flag(value: &str) -> Result<bool, Invalid> {
        match name_key(value).as_str() {
            "yes" | "y" | "true" | "1" | "registered" | "gi" => Ok(true),
            "no" | "n" | "false" | "0" | "" | "notregistered" | "nongi" => Ok(false),
            _ => Err(Invalid::Unknown {
                field: "gi_status",
                value: value.to_owned(),
                allowed: "Yes, No".to_owned(),
            }),
        }
    }
}

/// The nodal ministries and departments the national list names, with the misspellings seen in
/// it. Unknown bodies are kept as written (trimmed), not refused.
const MINISTRIES: &[(&str, &[&str])] = &[
    (
        "Ministry of Agriculture & Farmers' Welfare",
        &[
            "Ministry of Agriculture & Farmers Welfare",
            "Ministry of Agriculture",
        ],
    ),
    (
        "Development Commissioner (Handicrafts)",
        &["DC Handicraft", "DC Handicrafts", "Handicrafts"],
    ),
    (
        "Development Commissioner (Handlooms)",
        &["DC Handloom", "DC Handlooms", "Handlooms"],
    ),
    (
        "Ministry of MSME",
        &["MSME", "Ministry of Micro, Small and Medium Enterprises"],
    ),
    (
        "Ministry of Food Processing Industries",
        &["Ministry of Food Processing", "MoFPI"],
    ),
    (
        "Ministry of Textiles",
        &[
            "Ministry of Textile",
            "Minsitry of Textile",
            "Minsitry of Textiles",
        ],
    ),
    ("Department of Fisheries", &["Fisheries"]),
    ("Ministry of Fisheries, Animal Husbandry and Dairying", &[]),
    ("Ministry of Tourism", &[]),
    ("Department of Pharmaceuticals", &[]),
    ("Department of Chemicals and Petrochemicals", &[]),
    ("Department of Industries", &[]),
    (
        "Ministry of Electronics and Information Technology",
        &["MeitY"],
    ),
    ("Ministry of Ayush", &["AYUSH"]),
    (
        "Ministry of Heavy Industries",
        &["Minstry of Heavy Industries"],
    ),
    ("Ministry of Petroleum & Natural Gas", &[]),
    ("Ministry of Chemicals & Fertilizers", &[]),
    ("Ministry of Commerce and Industry", &[]),
    ("Ministry of Mines", &[]),
    ("Department of Geology", &[]),
];

/// One spelling for each nodal ministry or department.
pub fn canonical_ministry(value: &str) -> Option<String> {
    let key = name_key(value);
    if key.is_empty() {
        return None;
    }
    for (name, aliases) in MINISTRIES {
        if name_key(name) == key || aliases.iter().any(|a| name_key(a) == key) {
            return Some((*name).to_owned());
        }
    }
    Some(value.split_whitespace().collect::<Vec<_>>().join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_in_the_spellings_of_the_national_list() {
        assert_eq!("primary".parse::<Rank>().unwrap(), Rank::Primary);
        assert_eq!("Secondary ".parse::<Rank>().unwrap(), Rank::Secondary);
        assert_eq!("Others".parse::<Rank>().unwrap(), Rank::Other);
        assert!("Fourth".parse::<Rank>().is_err());
    }

    #[test]
    fn sectors_resolve_variants() {
        let list = SectorList::default();
        for (raw, slug) in [
            ("Food processing", "food-processing"),
            ("textile ", "textile"),
            ("handlooms", "handloom"),
            ("dairy", "dairy"),
            ("Others", "others"),
        ] {
            assert_eq!(list.resolve(raw).unwrap().slug(), slug, "{raw}");
        }
        let err = list.resolve("Space").unwrap_err();
        assert!(err.to_string().contains("Handloom"), "{err}");
        assert_eq!(
            list.label(&Sector::from_slug("food-processing")),
            "Food Processing"
        );
    }

    #[test]
    fn gi_flags_and_ministries() {
        assert!(GiStatus::parse_flag("yes ").unwrap());
        assert!(!GiStatus::parse_flag("NO ").unwrap());
        assert!(GiStatus::parse_flag("maybe").is_err());
        assert_eq!(
            canonical_ministry("Minsitry of Textile").unwrap(),
            "Ministry of Textiles"
        );
        assert_eq!(
            canonical_ministry("DC handicraft").unwrap(),
            "Development Commissioner (Handicrafts)"
        );
        assert_eq!(
            canonical_ministry("Ministry of Commerce and Industry.").unwrap(),
            "Ministry of Commerce and Industry"
        );
        assert_eq!(
            canonical_ministry("  Board of  Tea ").unwrap(),
            "Board of Tea"
        );
        assert_eq!(canonical_ministry(" "), None);
    }
}
