//! A small built-in sample, written for ODOP Desk, so a first run has something to show. Codes
//! and names of places follow the LGD list, and GI names the GI registry; products, sellers and
//! stories are illustrative.

use odop_domain::{
    Action, ActionKind, ActionStatus, Contact, Date, District, DistrictCode, Gap, GiEntry,
    GiStatus, Id, Lang, LocalText, Media, Onboarding, OnboardingStatus, PackagingStatus, Platform,
    Policy, PolicyStatus, Product, Rank, Sector, Seller, SellerKind, State, StateCode, StateKind,
    Story, Workshop,
};

use crate::{Store, StoreError};

fn id(key: &str) -> Id {
    Id::derived("sample", key)
}

fn date(s: &str) -> Date {
    s.parse()
        .unwrap_or_else(|_| unreachable!("sample dates are valid"))
}

struct P<'a> {
    key: &'a str,
    state: u16,
    district: u32,
    rank: Rank,
    sector: &'a str,
    name: &'a str,
    local: Option<(Lang, &'a str)>,
    gi: Option<&'a str>,
    description: &'a str,
}

const PRODUCTS: &[P<'static>] = &[
    P { key: "banarasi", state: 9, district: 187, rank: Rank::Primary, sector: "handloom", name: "Banarasi Silk Saree", local: Some((Lang::Hi, "बनारसी साड़ी")), gi: Some("Banaras Brocades and Sarees"), description: "Silk sarees with brocade of gold and silver zari, woven on pit looms in the lanes of Varanasi." },
    P { key: "varanasi-wooden-toys", state: 9, district: 187, rank: Rank::Secondary, sector: "handicraft", name: "Wooden Lacquerware and Toys", local: Some((Lang::Hi, "लकड़ी के खिलौने")), gi: Some("Varanasi Wooden Lacquerware & Toys"), description: "Turned and lacquered wooden toys in bright natural colours." },
    P { key: "bhadohi-carpet", state: 9, district: 179, rank: Rank::Primary, sector: "handicraft", name: "Hand-knotted Carpet", local: Some((Lang::Hi, "हस्तनिर्मित कालीन")), gi: Some("Bhadohi Hand-made Carpet"), description: "Hand-knotted wool and silk carpets from India's carpet belt." },
    P { key: "firozabad-glass", state: 9, district: 143, rank: Rank::Primary, sector: "manufacturing", name: "Glassware and Bangles", local: Some((Lang::Hi, "काँच की चूड़ियाँ")), gi: Some("Firozabad Glass"), description: "Glass bangles, chandeliers and decorative glassware." },
    P { key: "kannauj-attar", state: 9, district: 155, rank: Rank::Primary, sector: "manufacturing", name: "Attar (Perfume)", local: Some((Lang::Hi, "इत्र")), gi: Some("Kannauj Perfume"), description: "Natural perfumes distilled in copper stills, the deg-bhapka way." },
    P { key: "moradabad-brass", state: 9, district: 171, rank: Rank::Primary, sector: "handicraft", name: "Metal Craft", local: Some((Lang::Hi, "पीतल हस्तशिल्प")), gi: Some("Moradabad Metal Craft"), description: "Engraved and embossed brassware for homes and export." },
    P { key: "lucknow-chikan", state: 9, district: 162, rank: Rank::Primary, sector: "textile", name: "Chikankari", local: Some((Lang::Hi, "चिकनकारी")), gi: Some("Lucknow Chikan Craft"), description: "Fine white-on-white hand embroidery on muslin and cotton." },
    P { key: "gorakhpur-terracotta", state: 9, district: 148, rank: Rank::Primary, sector: "handicraft", name: "Terracotta", local: Some((Lang::Hi, "टेराकोटा")), gi: Some("Gorakhpur Terracotta"), description: "Hand-shaped clay horses, elephants and lamps, fired to a red glow." },
    P { key: "kolar-silk", state: 29, district: 542, rank: Rank::Primary, sector: "textile", name: "Silk", local: Some((Lang::Kn, "ರೇಷ್ಮೆ")), gi: None, description: "Raw silk reeled from cocoons of the district's mulberry farms." },
    P { key: "mysuru-silk", state: 29, district: 545, rank: Rank::Primary, sector: "textile", name: "Mysore Silk", local: Some((Lang::Kn, "ಮೈಸೂರು ರೇಷ್ಮೆ")), gi: Some("Mysore Silk"), description: "Pure silk crepe sarees with gold zari borders." },
    P { key: "ramanagara-toys", state: 29, district: 631, rank: Rank::Primary, sector: "handicraft", name: "Channapatna Toys", local: Some((Lang::Kn, "ಚನ್ನಪಟ್ಟಣ ಗೊಂಬೆಗಳು")), gi: Some("Channapatna Toys & Dolls"), description: "Lathe-turned ivory-wood toys coloured with vegetable lacquer." },
    P { key: "madurai-jasmine", state: 33, district: 578, rank: Rank::Primary, sector: "agriculture", name: "Madurai Malli (Jasmine)", local: Some((Lang::Ta, "மதுரை மல்லி")), gi: Some("Madurai Malli"), description: "Strongly scented jasmine buds, picked at dawn." },
    P { key: "thanjavur-doll", state: 33, district: 586, rank: Rank::Primary, sector: "handicraft", name: "Thanjavur Dolls", local: Some((Lang::Ta, "தஞ்சாவூர் பொம்மை")), gi: Some("Thanjavur Dolls"), description: "Bobble-head dolls of papier-mache and clay that sway and return upright." },
    P { key: "nadia-tant", state: 19, district: 320, rank: Rank::Primary, sector: "handloom", name: "Tant Saree", local: Some((Lang::Bn, "তাঁত শাড়ি")), gi: None, description: "Light cotton handloom sarees for the humid summer." },
    P { key: "murshidabad-silk", state: 19, district: 319, rank: Rank::Primary, sector: "handloom", name: "Murshidabad Silk", local: Some((Lang::Bn, "মুর্শিদাবাদ সিল্ক")), gi: None, description: "Soft silk sarees, plain and printed." },
    P { key: "kachchh-embroidery", state: 24, district: 449, rank: Rank::Primary, sector: "handicraft", name: "Kutch Embroidery", local: Some((Lang::Gu, "કચ્છી ભરતકામ")), gi: Some("Kutch Embroidery"), description: "Mirror work and bright thread embroidery of the Rann's communities." },
    P { key: "patan-patola", state: 24, district: 455, rank: Rank::Primary, sector: "handloom", name: "Patan Patola", local: Some((Lang::Gu, "પાટણ પટોળા")), gi: Some("Patan Patola"), description: "Double-ikat silk woven so that both faces carry the pattern." },
    P { key: "surat-zari", state: 24, district: 459, rank: Rank::Primary, sector: "textile", name: "Zari", local: Some((Lang::Gu, "જરી")), gi: Some("Surat Zari Craft"), description: "Metallic thread for brocades and borders." },
];

/// The sample's states and districts, as the LGD list names them.
fn places() -> (Vec<State>, Vec<District>) {
    let st = |code, name: &str, local: &str| State {
        code: StateCode(code),
        name: name.to_owned(),
        local_name: Some(local.to_owned()),
        kind: StateKind::State,
        aliases: vec![],
    };
    let states = vec![
        st(9, "Uttar Pradesh", "उत्तर प्रदेश"),
        st(29, "Karnataka", "ಕರ್ನಾಟಕ"),
        st(33, "Tamil Nadu", "தமிழ்நாடு"),
        st(19, "West Bengal", "পশ্চিমবঙ্গ"),
        st(24, "Gujarat", "ગુજરાત"),
    ];
    let di = |code, state, name: &str| District {
        code: DistrictCode(code),
        state: StateCode(state),
        name: name.to_owned(),
        aliases: vec![],
    };
    let districts = vec![
        di(187, 9, "Varanasi"),
        di(179, 9, "Bhadohi"),
        di(143, 9, "Firozabad"),
        di(155, 9, "Kannauj"),
        di(171, 9, "Moradabad"),
        di(162, 9, "Lucknow"),
        di(148, 9, "Gorakhpur"),
        di(542, 29, "Kolar"),
        di(545, 29, "Mysuru"),
        di(631, 29, "Ramanagara"),
        di(578, 33, "Madurai"),
        di(586, 33, "Thanjavur"),
        di(320, 19, "Nadia"),
        di(319, 19, "Murshidabad"),
        di(449, 24, "Kachchh"),
        di(455, 24, "Patan"),
        di(459, 24, "Surat"),
    ];
    (states, districts)
}

impl Store {
    /// Loads the built-in sample. Loading it again changes nothing. Returns the records written.
    pub fn load_sample(&mut self, who: &str) -> Result<usize, StoreError> {
        let (states, districts) = places();
        let mut edit = self.edit(who)?;
        edit.put_places(&states, &districts)?;
        let mut written = 0;
        let mut count = |o: crate::Outcome| {
            if o != crate::Outcome::Unchanged {
                written += 1;
            }
        };
        for p in PRODUCTS {
            count(edit.put(&Product {
                id: id(p.key),
                state: StateCode(p.state),
                district: DistrictCode(p.district),
                rank: p.rank,
                sector: Sector::from_slug(p.sector),
                name: p.name.to_owned(),
                local_name: p.local.map(|(lang, text)| LocalText {
                    lang,
                    text: text.to_owned(),
                }),
                description: p.description.to_owned(),
                gi: GiStatus {
                    registered: p.gi.is_some(),
                    registry_name: p.gi.map(str::to_owned),
                },
                photo: None,
                ministry: None,
            })?);
        }
        let sellers = [
            (
                "s-weavers",
                187,
                "Kashi Silk Weavers Cooperative",
                SellerKind::Cooperative,
                "banarasi",
                Some("09AAACK1234M1Z"),
                "+91 94150 11223",
            ),
            (
                "s-lalita",
                187,
                "Lalita Devi",
                SellerKind::Weaver,
                "banarasi",
                None,
                "+91 98390 44556",
            ),
            (
                "s-carpets",
                179,
                "Bhadohi Carpet Exports",
                SellerKind::Exporter,
                "bhadohi-carpet",
                Some("09AABCB5678K1Z"),
                "+91 54142 22110",
            ),
            (
                "s-attar",
                155,
                "Gulab Attar House",
                SellerKind::Msme,
                "kannauj-attar",
                None,
                "+91 56942 33445",
            ),
            (
                "s-toys",
                631,
                "Channapatna Toy Makers SHG",
                SellerKind::Shg,
                "ramanagara-toys",
                None,
                "+91 80271 55667",
            ),
            (
                "s-malli",
                578,
                "Madurai Malli Farmers FPO",
                SellerKind::Fpo,
                "madurai-jasmine",
                None,
                "+91 45225 66778",
            ),
        ];
        for (key, district, name, kind, product, gst14, phone) in sellers {
            let state = districts
                .iter()
                .find(|d| d.code.0 == district)
                .map_or(StateCode(9), |d| d.state);
            let gstin = gst14.and_then(|g| {
                let check = odop_domain::Gstin::check_char(g.as_bytes())?;
                format!("{g}{check}").parse().ok()
            });
            count(edit.put(&Seller {
                id: id(key),
                state,
                district: DistrictCode(district),
                name: name.to_owned(),
                kind,
                contact: Contact {
                    person: None,
                    phone: Some(phone.to_owned()),
                    email: None,
                    address: None,
                },
                gstin,
                udyam: None,
                products: vec![id(product)],
                onboarding: vec![
                    Onboarding {
                        platform: Platform::Gem,
                        status: if gst14.is_some() {
                            OnboardingStatus::Onboarded
                        } else {
                            OnboardingStatus::InProgress
                        },
                        listing_url: None,
                    },
                    Onboarding {
                        platform: Platform::Ondc,
                        status: OnboardingStatus::Onboarded,
                        listing_url: None,
                    },
                ],
                packaging: if kind == SellerKind::Weaver {
                    PackagingStatus::Needed
                } else {
                    PackagingStatus::Done
                },
            })?);
        }
        count(edit.put(&Workshop {
            id: id("w-varanasi"),
            state: StateCode(9),
            district: Some(DistrictCode(187)),
            date: date("2026-09-18"),
            venue: "Trade Facilitation Centre, Varanasi".to_owned(),
            attendance: 140,
            sellers_met: vec![id("s-weavers"), id("s-lalita")],
            media: vec![Media {
                outlet: "Local Hindi daily".to_owned(),
                lang: Lang::Hi,
                url: None,
            }],
            notes: "Weavers asked for help with GeM listing and sturdier saree boxes.".to_owned(),
        })?);
        count(
            edit.put(&Gap {
                id: id("g-packaging"),
                state: StateCode(9),
                district: Some(DistrictCode(187)),
                workshop: Some(id("w-varanasi")),
                product: Some(id("banarasi")),
                seller: Some(id("s-lalita")),
                kind: ActionKind::Packaging,
                description:
                    "Individual weavers ship sarees in plastic covers; parcels arrive creased."
                        .to_owned(),
                open: true,
            })?,
        );
        count(edit.put(&Action {
            id: id("a-packaging"),
            state: StateCode(9),
            gap: id("g-packaging"),
            kind: ActionKind::Packaging,
            owner: "District Industries Centre, Varanasi".to_owned(),
            status: ActionStatus::InProgress,
            due: Some(date("2027-01-31")),
            note: "Design a shared folding box with the packaging institute.".to_owned(),
        })?);
        count(edit.put(&Gap {
            id: id("g-gem"),
            state: StateCode(9),
            district: Some(DistrictCode(187)),
            workshop: Some(id("w-varanasi")),
            product: None,
            seller: Some(id("s-lalita")),
            kind: ActionKind::EcommerceOnboarding,
            description: "Weavers without GSTIN cannot list on GeM.".to_owned(),
            open: true,
        })?);
        count(edit.put(&Story {
            id: id("st-weavers"),
            state: StateCode(9),
            district: Some(DistrictCode(187)),
            seller: Some(id("s-weavers")),
            product: Some(id("banarasi")),
            title: "From the loom to ONDC".to_owned(),
            texts: vec![
                LocalText {
                    lang: Lang::En,
                    text: "A cooperative of 60 weavers now takes orders online and ships across the country.".to_owned(),
                },
                LocalText {
                    lang: Lang::Hi,
                    text: "साठ बुनकरों की सहकारी समिति अब ऑनलाइन ऑर्डर लेती है और पूरे देश में भेजती है।".to_owned(),
                },
            ],
        })?);
        count(edit.put(&Policy {
            id: Policy::id_for(StateCode(9)),
            state: StateCode(9),
            status: PolicyStatus::Notified,
            reference: Some("ODOP scheme, state notification".to_owned()),
            notified_on: Some(date("2018-01-24")),
            note: String::new(),
        })?);
        // A few of the GI registry's entries for the sample's states, so that the GI check has
        // something to compare; a registry already loaded is left alone. Demonstration data, so
        // a central desk never sends it to the server as DPIIT's.
        if !crate::gi::has_registry_in(edit.tx())? {
            let entries: Vec<GiEntry> = GI_REGISTRY
                .iter()
                .map(|&(number, name, goods, state)| GiEntry {
                    number,
                    name: name.to_owned(),
                    goods: goods.to_owned(),
                    states: vec![StateCode(state)],
                })
                .collect();
            edit.sample_gi_registry(&entries)?;
        }
        edit.commit()?;
        Ok(written)
    }
}

/// Entries of the GI registry for the sample's states: serial number, registered name, class of
/// goods, state. Three of the sample's products name theirs otherwise than the registry does,
/// as hand-kept lists often do, and the GI check shows them.
const GI_REGISTRY: &[(u32, &str, &str, u16)] = &[
    (14, "Mysore Silk", "Handicraft", 29),
    (22, "Channapatna Toys & Dolls", "Handicraft", 29),
    (82, "Kutch Embroidery", "Handicraft", 24),
    (89, "Thanjavur Doll", "Handicraft", 33),
    (102, "Lucknow Chikan Craft", "Handicraft", 9),
    (110, "Banaras Brocades and Sarees", "Handicraft", 9),
    (116, "Santipore Saree", "Handicraft", 19),
    (129, "Hand Made Carpet of Bhadohi", "Handicraft", 9),
    (141, "Surat Zari Craft", "Handicraft", 24),
    (181, "Madurai Malli", "Agricultural", 33),
    (195, "Patan Patola", "Handicraft", 24),
    (202, "Firozabad Glass", "Handicraft", 9),
    (203, "Kannauj Perfume", "Manufactured", 9),
    (205, "Moradabad Metal Craft", "Handicraft", 9),
    (234, "Varanasi Wooden", "Handicraft", 9),
    (365, "Gorakhpur Terracotta", "Handicraft", 9),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_loads_once() {
        let mut store = Store::open_in_memory().unwrap();
        let n = store.load_sample("test").unwrap();
        assert_eq!(n, PRODUCTS.len() + 6 + 6);
        assert_eq!(store.load_sample("test").unwrap(), 0);
        assert!(!store.is_empty().unwrap());
    }

    #[test]
    fn the_samples_gi_registry_shows_the_names_kept_otherwise() {
        let mut store = Store::open_in_memory().unwrap();
        store.load_sample("test").unwrap();
        assert_eq!(store.gi_registry(None).unwrap().len(), GI_REGISTRY.len());
        // Demonstration entries: a central desk never sends them as DPIIT's registry.
        assert_eq!(store.gi_to_publish().unwrap(), None);
        assert!(!store.gi_held().unwrap().unsent);
        assert_eq!(store.gi_held().unwrap().source.as_deref(), Some("sample"));
        let check = store.gi_check(None).unwrap();
        let mut odd: Vec<(&str, &str)> = check
            .findings
            .iter()
            .map(|f| (f.name.as_str(), f.candidates[0].name.as_str()))
            .collect();
        odd.sort_unstable();
        assert_eq!(
            odd,
            [
                ("Hand-knotted Carpet", "Hand Made Carpet of Bhadohi"),
                ("Thanjavur Dolls", "Thanjavur Doll"),
                ("Wooden Lacquerware and Toys", "Varanasi Wooden"),
            ]
        );
        assert!(check
            .findings
            .iter()
            .all(|f| f.issue == crate::GiIssue::NotInRegistry));

        // A registry loaded before stays as it was.
        let mut other = Store::open_in_memory().unwrap();
        let mut edit = other.edit("test").unwrap();
        let own = GiEntry {
            number: 1,
            name: "Darjeeling Tea".into(),
            goods: "Agricultural".into(),
            states: vec![StateCode(19)],
        };
        edit.replace_gi_registry(std::slice::from_ref(&own))
            .unwrap();
        edit.commit().unwrap();
        other.load_sample("test").unwrap();
        assert_eq!(other.gi_registry(None).unwrap(), [own]);
    }
}
