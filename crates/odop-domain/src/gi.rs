//! The GI registry's entries, and how a product's name is matched against them.
//!
//! Departmental lists say only "GI: Yes" and spell names their own way ("Banaganapalli
//! Mangoes" where the registry has "Banaganapalle Mangoes"), so a match is a score over words
//! that tolerates typing slips, plurals and the state's name, and a person decides what to do
//! with anything short of a clear match.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::text::check_line;
use crate::{Invalid, StateCode};

/// One registered Geographical Indication, as the registry lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GiEntry {
    /// The registry's serial number (its list repeats a few, so it is not a key).
    pub number: u32,
    /// The GI's registered name.
    pub name: String,
    /// The class of goods: handicraft, agricultural, foodstuff, manufactured or natural.
    pub goods: String,
    /// The states and UTs it belongs to; several for a GI such as Basmati.
    pub states: Vec<StateCode>,
}

impl GiEntry {
    pub fn check(&self) -> Result<(), Invalid> {
        check_line("gi name", &self.name, 300)?;
        check_line("goods", &self.goods, 100)?;
        if self.states.is_empty() {
            return Err(Invalid::Missing { field: "state" });
        }
        Ok(())
    }
}

/// The tag of no registry at all.
pub const GI_NONE: &str = "none";

/// A short name for exactly these entries, the same on every machine and in any order: a desk
/// names the registry it holds by it, and the server sends its own only when the tags differ.
pub fn gi_tag(entries: &[GiEntry]) -> String {
    if entries.is_empty() {
        return GI_NONE.to_owned();
    }
    let mut lines: Vec<String> = entries
        .iter()
        .map(|e| {
            let mut states: Vec<u16> = e.states.iter().map(|s| s.0).collect();
            states.sort_unstable();
            states.dedup();
            let states: Vec<String> = states.iter().map(u16::to_string).collect();
            format!(
                "{}\u{1f}{}\u{1f}{}\u{1f}{}",
                e.number,
                e.name.trim(),
                e.goods.trim(),
                states.join(",")
            )
        })
        .collect();
    lines.sort_unstable();
    // FNV-1a, as for the LGD lists' tag: a cheap check that two copies are the same.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for line in &lines {
        for byte in line.bytes().chain([0x1e]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{}gi-{hash:016x}", entries.len())
}

/// The registry's classes of goods in their spellings ("Handicrafts", "Food Stuff").
pub fn canonical_goods(written: &str) -> String {
    let key: String = written
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect();
    let known = [
        ("handicraft", "Handicraft"),
        ("agricultur", "Agricultural"),
        ("foodstuff", "Foodstuff"),
        ("manufactur", "Manufactured"),
        ("natural", "Natural goods"),
        ("textile", "Textile"),
    ];
    known
        .iter()
        .find(|(stem, _)| key.starts_with(stem))
        .map_or_else(|| written.trim().to_owned(), |(_, name)| (*name).to_owned())
}

/// A score from 0 to 1 at or above which a registry entry is offered for a product.
pub const GI_SUGGEST: f64 = 0.4;
/// A score at or above which a match is strong.
pub const GI_STRONG: f64 = 0.75;
/// How far a strong match must stand above the next one to be the product's GI without asking.
pub const GI_MARGIN: f64 = 0.15;

/// A name's words as the matcher compares them: lower case, noise words out, plurals made
/// singular, and the words of its states' names left out (unless that leaves none), since GI
/// names often carry them and lists leave them out ("Arunachal Orange" for "Orange").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GiTerms(Vec<String>);

impl GiTerms {
    /// The terms of `name`, without the words of `states`' names.
    pub fn of<'a>(name: &str, states: impl IntoIterator<Item = &'a str>) -> GiTerms {
        let state: Vec<String> = states.into_iter().flat_map(words).collect();
        let all = words(name);
        let kept: Vec<String> = all
            .iter()
            .filter(|w| !state.iter().any(|s| alike(w, s)))
            .cloned()
            .collect();
        GiTerms(if kept.is_empty() { all } else { kept })
    }

    /// Every word of some place names, as they stand: a district's name and its other names.
    pub fn of_places<'a>(names: impl IntoIterator<Item = &'a str>) -> GiTerms {
        GiTerms(names.into_iter().flat_map(words).collect())
    }
}

/// What a product is matched by: its name's terms, the words of the district it comes from,
/// and the words of every district's name.
#[derive(Debug, Clone, Copy)]
pub struct GiProbe<'a> {
    pub product: &'a GiTerms,
    pub district: &'a GiTerms,
    pub places: &'a GiPlaces,
}

/// The words of district names. In a GI's name such a word says where the GI is from
/// ("Darjeeling Tea"), so a product of another district is not that GI, however alike the rest.
#[derive(Debug, Clone, Default)]
pub struct GiPlaces(HashSet<String>);

impl GiPlaces {
    pub fn new<'a>(names: impl IntoIterator<Item = &'a str>) -> GiPlaces {
        // Words many district names share say nothing about which place is meant.
        const SHARED: &[&str] = &[
            "east", "west", "north", "south", "central", "upper", "lower", "urban", "rural",
            "hill", "nagar", "new", "old", "city", "district",
        ];
        let set = names
            .into_iter()
            .flat_map(words)
            .filter(|w| w.chars().count() >= 4 && !SHARED.contains(&w.as_str()))
            .collect();
        GiPlaces(set)
    }
}

/// How well a registry name fits a product.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GiFit {
    /// From 0 (not at all) to 1.
    pub score: f64,
    /// Which of the product's terms the GI's name has, a bit for each (the first 64).
    pub covers: u64,
}

/// How well a registry name fits a product, or `None` when no word of the product's own name is
/// in it. Most of the score is how much of the GI's name the product and its district account
/// for, the rest how much of the product's name the GI accounts for. A GI named after another
/// district scores less than a suggestion is worth.
pub fn gi_score(probe: GiProbe<'_>, gi: &GiTerms) -> Option<GiFit> {
    let (product, gi, district) = (&probe.product.0, &gi.0, &probe.district.0);
    if product.is_empty() || gi.is_empty() {
        return None;
    }
    let covers = product
        .iter()
        .take(64)
        .enumerate()
        .filter(|(_, p)| gi.iter().any(|g| alike(p, g)))
        .fold(0u64, |bits, (i, _)| bits | 1 << i);
    let product_in_gi = covers.count_ones() as usize;
    if product_in_gi == 0 {
        return None;
    }
    let accounted = |g: &String| product.iter().chain(district).any(|p| alike(p, g));
    let gi_accounted = gi.iter().filter(|g| accounted(g)).count();
    let elsewhere = gi
        .iter()
        .any(|g| probe.places.0.contains(g) && !accounted(g));
    let score = 0.65 * (gi_accounted as f64 / gi.len() as f64)
        + 0.35 * (product_in_gi as f64 / product.len().min(64) as f64);
    Some(GiFit {
        score: if elsewhere { score * 0.5 } else { score },
        covers,
    })
}

/// Whether the best of some fits (best first) is clear enough to take unasked: strong, well
/// above the next, and no other fit has a word of the product's name that the best lacks
/// ("Sikki Painting" is not clearly "Madhubani Paintings" while "Sikki Grass Products" is there).
pub fn gi_clear(fits: &[GiFit]) -> bool {
    match fits {
        [best, rest @ ..] => {
            best.score >= GI_STRONG
                && rest
                    .first()
                    .is_none_or(|next| best.score - next.score >= GI_MARGIN)
                && rest.iter().all(|other| other.covers & !best.covers == 0)
        }
        [] => false,
    }
}

/// Words that say nothing about which GI is meant.
const NOISE: &[&str] = &[
    "and",
    "of",
    "the",
    "from",
    "with",
    "in",
    "for",
    "product",
    "products",
    "item",
    "items",
    "made",
    "based",
    "its",
    "derivatives",
    "gi",
];

/// A name's words: lower case, "&" and punctuation as spaces, noise words left out, plurals
/// made singular. Letters of Indian scripts stay in their words.
fn words(name: &str) -> Vec<String> {
    name.to_lowercase()
        .split(|c: char| !c.is_alphanumeric() && !matches!(c as u32, 0x0900..=0x0DFF))
        .filter(|w| !w.is_empty() && !NOISE.contains(w))
        .map(singular)
        .collect()
}

fn singular(word: &str) -> String {
    if !word.is_ascii() || word.len() <= 3 {
        return word.to_owned();
    }
    if let Some(stem) = word.strip_suffix("ies") {
        return format!("{stem}y");
    }
    if let Some(stem) = word.strip_suffix("oes") {
        return format!("{stem}o");
    }
    match word.strip_suffix('s') {
        Some(stem) if !stem.ends_with('s') => stem.to_owned(),
        _ => word.to_owned(),
    }
}

/// Whether two words are the same word typed two ways: short words must agree exactly, longer
/// ones may differ by a slip or two ("Bobilli", "Bobbili").
pub(crate) fn alike(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let shorter = a.chars().count().min(b.chars().count());
    // A word and a longer form of it: "Puppet", "Puppetry"; not "Patta", "Pattachitra".
    let longer = a.chars().count().max(b.chars().count());
    if shorter >= 5 && longer - shorter <= 3 && (a.starts_with(b) || b.starts_with(a)) {
        return true;
    }
    let allowed = match shorter {
        0..=4 => 0,
        5..=6 => 1,
        _ => 2,
    };
    allowed > 0 && edits(a, b, allowed) <= allowed
}

/// The edit distance between two words, counted only as far as `cap + 1`.
fn edits(a: &str, b: &str, cap: usize) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > cap {
        return cap + 1;
    }
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        let mut least = row[0];
        for (j, cb) in b.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = if ca == cb {
                prev
            } else {
                1 + prev.min(here).min(row[j])
            };
            prev = here;
            least = least.min(row[j + 1]);
        }
        if least > cap {
            return cap + 1;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_registry_tag_ignores_order_and_spacing_but_not_content() {
        let entry = |number, name: &str, states: &[u16]| GiEntry {
            number,
            name: name.into(),
            goods: "Handicraft".into(),
            states: states.iter().map(|&s| StateCode(s)).collect(),
        };
        let a = vec![
            entry(1, "Pochampally Ikat", &[36, 28]),
            entry(2, "Basmati", &[9, 3]),
        ];
        let b = vec![
            entry(2, "Basmati ", &[3, 9]),
            entry(1, "Pochampally Ikat", &[28, 36]),
        ];
        assert_eq!(gi_tag(&a), gi_tag(&b));
        assert!(gi_tag(&a).starts_with("2gi-"), "{}", gi_tag(&a));
        let c = vec![
            entry(1, "Pochampally Ikat", &[36]),
            entry(2, "Basmati", &[9, 3]),
        ];
        assert_ne!(gi_tag(&a), gi_tag(&c));
        let d = vec![
            entry(1, "Pochampalli Ikat", &[36, 28]),
            entry(2, "Basmati", &[9, 3]),
        ];
        assert_ne!(gi_tag(&a), gi_tag(&d));
        assert_eq!(gi_tag(&[]), GI_NONE);
    }
    use super::*;

    fn score(product: &str, district: &str, state: &str, gi: &str) -> Option<f64> {
        let product = GiTerms::of(product, [state]);
        let district = GiTerms::of_places([district]);
        let places = GiPlaces::new([
            "Darjeeling",
            "Jalpaiguri",
            "Karbi Anglong",
            "West Karbi Anglong",
            "Kamrup",
            "Bhagalpur",
            "Krishna",
            "Nandyal",
        ]);
        gi_score(
            GiProbe {
                product: &product,
                district: &district,
                places: &places,
            },
            &GiTerms::of(gi, [state]),
        )
        .map(|fit| fit.score)
    }

    fn fit(score: f64, covers: u64) -> GiFit {
        GiFit { score, covers }
    }

    #[test]
    fn a_gi_named_after_another_district_is_not_offered() {
        let own = score("Tea", "Darjeeling", "West Bengal", "Darjeeling Tea").unwrap();
        let other = score("Tea", "Jalpaiguri", "West Bengal", "Darjeeling Tea").unwrap();
        assert!(own >= GI_STRONG, "{own}");
        assert!(other < GI_SUGGEST, "{other}");
        // Words district names share ("West") name no place.
        let west = score("Karbi Ginger", "Kamrup", "Assam", "West Ginger").unwrap();
        assert!(west >= GI_SUGGEST, "{west}");
    }

    #[test]
    fn a_gi_covering_half_its_name_is_offered_but_not_strong() {
        let rice = score("Rice", "Bhojpur", "Bihar", "Katarni Rice").unwrap();
        assert!((GI_SUGGEST..GI_STRONG).contains(&rice), "{rice}");
    }

    #[test]
    fn a_name_typed_another_way_is_a_strong_match() {
        let ap = "Andhra Pradesh";
        for (product, gi) in [
            ("Banaganapalli Mangoes", "Banaganapalle Mangoes"),
            ("Bobilli Veena", "Bobbili Veena"),
            ("Venkatagiri Sarees", "Venkatagiri Sarees"),
            ("Leather Puppets", "Andhra Pradesh Leather Puppetry"),
        ] {
            let s = score(product, "Nandyal", ap, gi).unwrap();
            assert!(s >= GI_STRONG, "{product} / {gi}: {s}");
        }
        let orange = score("Orange", "Kamle", "Arunachal Pradesh", "Arunachal Orange").unwrap();
        assert!(orange >= GI_STRONG, "{orange}");
    }

    #[test]
    fn the_district_accounts_for_a_place_in_the_gi_name() {
        let with = score(
            "Ginger",
            "Karbi Anglong",
            "Assam",
            "Assam Karbi Anglong Ginger",
        );
        let without = score("Ginger", "Kamrup", "Assam", "Assam Karbi Anglong Ginger");
        assert!(with.unwrap() >= GI_STRONG);
        assert!(without.unwrap() < GI_SUGGEST);
    }

    #[test]
    fn a_gi_sharing_only_the_district_or_nothing_is_no_match() {
        assert_eq!(
            score("Jardalu Mango", "Bhagalpur", "Bihar", "Bhagalpur Silk"),
            None
        );
        assert_eq!(
            score("Chillies", "Guntur", "Andhra Pradesh", "Etikoppaka Toys"),
            None
        );
    }

    #[test]
    fn another_place_of_the_same_craft_is_weaker_than_its_own() {
        let own = score(
            "Machilipatnam Kalamkari",
            "Krishna",
            "AP",
            "Machilipatnam Kalamkari",
        );
        let other = score(
            "Machilipatnam Kalamkari",
            "Krishna",
            "AP",
            "Srikalahasthi Kalamkari",
        );
        assert_eq!(own, Some(1.0));
        assert!(other.unwrap() < GI_STRONG);
        assert!(gi_clear(&[
            fit(own.unwrap(), 0b11),
            fit(other.unwrap(), 0b10)
        ]));
        assert!(!gi_clear(&[fit(0.8, 1), fit(0.7, 1)]));
        assert!(!gi_clear(&[fit(0.6, 1)]));
        assert!(!gi_clear(&[]));
        // Another fit has a word of the product's name that the best lacks.
        assert!(!gi_clear(&[fit(0.82, 0b10), fit(0.5, 0b01)]));
    }

    #[test]
    fn short_words_must_agree_exactly() {
        assert!(!alike("silk", "milk"));
        assert!(alike("kalamkari", "kalamkary"));
        assert!(!alike("cotton", "carton"));
        assert!(alike("puppetry", "puppet"));
        assert!(!alike("patta", "pattachitra"));
        assert_eq!(edits("kitten", "sitting", 5), 3);
        assert_eq!(edits("abcdefgh", "zzzzzzzz", 2), 3);
    }

    #[test]
    fn plurals_and_noise_words_fall_away() {
        assert_eq!(words("Mangoes & Chillies"), ["mango", "chilly"]);
        assert_eq!(words("Products of Silk & Cotton"), ["silk", "cotton"]);
        assert_eq!(words("Glass"), ["glass"]);
        assert_eq!(words("बनारसी साड़ी"), ["बनारसी", "साड़ी"]);
    }

    #[test]
    fn goods_classes_read_in_their_spellings() {
        assert_eq!(canonical_goods("Handicrafts"), "Handicraft");
        assert_eq!(canonical_goods("Food Stuff"), "Foodstuff");
        assert_eq!(canonical_goods("Agriculture"), "Agricultural");
        assert_eq!(canonical_goods(" Something else "), "Something else");
    }

    #[test]
    fn an_entry_needs_a_name_and_a_state() {
        let mut entry = GiEntry {
            number: 1,
            name: "Darjeeling Tea".into(),
            goods: "Agricultural".into(),
            states: vec![StateCode(19)],
        };
        assert!(entry.check().is_ok());
        entry.states.clear();
        assert!(matches!(
            entry.check(),
            Err(Invalid::Missing { field: "state" })
        ));
        entry.states.push(StateCode(19));
        entry.name = " ".into();
        assert!(matches!(
            entry.check(),
            Err(Invalid::Missing { field: "gi name" })
        ));
    }
}
