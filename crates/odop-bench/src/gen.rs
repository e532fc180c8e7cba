//! The synthetic national dataset: products for every LGD district and sellers spread over them,
//! made from a fixed seed so that every run measures the same data.

use std::collections::{BTreeSet, HashMap};

use odop_domain::{
    Contact, Date, District, DistrictCode, Gazetteer, Gstin, Id, Lang, LocalText, Media,
    Onboarding, OnboardingStatus, PackagingStatus, Platform, Product, Rank, Sector, Seller,
    SellerKind, StateCode, Story, Udyam, Workshop,
};

/// xorshift64*: tiny and deterministic, which is all test data needs.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        // Zero is the one state xorshift never leaves.
        Rng(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// A number in `lo..=hi`.
    pub fn between(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    pub fn percent(&mut self, p: usize) -> bool {
        self.below(100) < p
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const LATIN_SYLLABLES: &[&str] = &[
    "a", "an", "ba", "bha", "chan", "da", "dev", "di", "ga", "gan", "gi", "ha", "ja", "jay", "ka",
    "kan", "ki", "ku", "la", "lal", "li", "ma", "man", "mi", "mo", "na", "nan", "ni", "pa", "pal",
    "pra", "ra", "raj", "ri", "ru", "sa", "san", "sha", "shi", "su", "ta", "ti", "u", "va", "vi",
    "ya", "kar", "dra", "tha", "bir",
];

const DEVANAGARI_SYLLABLES: &[&str] = &[
    "रा",
    "म",
    "सी",
    "ता",
    "गो",
    "पा",
    "ल",
    "कु",
    "मा",
    "री",
    "दे",
    "वी",
    "सु",
    "नी",
    "प्र",
    "का",
    "श",
    "वि",
    "जय",
    "ह",
    "नं",
    "द",
    "शि",
    "व",
    "अ",
    "नि",
    "ले",
    "खा",
    "य",
    "गं",
    "गा",
    "च",
    "न्द्र",
    "भा",
    "र",
];

const LATIN_TRADE: &[&str] = &[
    "Handloom",
    "Handicrafts",
    "Crafts",
    "Udyog",
    "Enterprises",
    "Weavers",
    "Silk",
    "Pottery",
    "Textiles",
    "Foods",
    "Organics",
    "Spices",
    "Traders",
    "Exports",
    "Kala",
    "Kendra",
];

const DEVANAGARI_TRADE: &[&str] = &[
    "हथकरघा",
    "हस्तशिल्प",
    "उद्योग",
    "बुनकर",
    "कला",
    "केंद्र",
    "मसाले",
    "कृषि",
];

/// Product names with the sector each belongs to.
const PRODUCTS: &[(&str, &str)] = &[
    ("Silk Saree", "handloom"),
    ("Terracotta", "handicraft"),
    ("Brassware", "handicraft"),
    ("Jaggery", "food-processing"),
    ("Mango", "agriculture"),
    ("Bamboo Craft", "handicraft"),
    ("Hand-knotted Carpet", "handicraft"),
    ("Turmeric", "agriculture"),
    ("Coir Products", "manufacturing"),
    ("Honey", "food-processing"),
    ("Leather Footwear", "manufacturing"),
    ("Millets", "agriculture"),
    ("Pickles", "food-processing"),
    ("Tea", "agriculture"),
    ("Handmade Paper", "manufacturing"),
    ("Woodcraft", "handicraft"),
    ("Zari Work", "textile"),
    ("Black Rice", "agriculture"),
    ("Cashew", "food-processing"),
    ("Dokra Metal Casting", "handicraft"),
    ("Dried Fish", "marine"),
    ("Ghee", "dairy"),
    ("Cotton Durries", "textile"),
];

/// Words in one script, to build names from and to draw search queries from.
#[derive(Debug, Clone)]
pub struct Words {
    pub first: Vec<String>,
    pub surnames: Vec<String>,
    pub villages: Vec<String>,
    pub trade: Vec<String>,
}

impl Words {
    fn generate(rng: &mut Rng, syllables: &[&str], trade: &[&str], sizes: [usize; 3]) -> Words {
        // Distinct words, so the pools are as large as asked.
        let mut seen = BTreeSet::new();
        let mut pool = |n: usize, rng: &mut Rng| {
            let mut out = Vec::with_capacity(n);
            while out.len() < n {
                let parts = rng.between(2, 3);
                let word: String = (0..parts).map(|_| *rng.pick(syllables)).collect();
                if seen.insert(word.clone()) {
                    out.push(capitalise(&word));
                }
            }
            out
        };
        Words {
            first: pool(sizes[0], rng),
            surnames: pool(sizes[1], rng),
            villages: pool(sizes[2], rng),
            trade: trade.iter().map(|w| (*w).to_owned()).collect(),
        }
    }

    /// Every word, for drawing queries.
    pub fn all(&self) -> Vec<&str> {
        self.first
            .iter()
            .chain(&self.surnames)
            .chain(&self.villages)
            .chain(&self.trade)
            .map(String::as_str)
            .collect()
    }
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The generated dataset.
#[derive(Debug)]
pub struct Dataset {
    pub products: Vec<Product>,
    pub sellers: Vec<Seller>,
    pub latin: Words,
    pub devanagari: Words,
}

/// Products for every district in the gazetteer (1–3 each) and `sellers` sellers spread over the
/// districts, about one in ten with a Devanagari name.
pub fn dataset(gazetteer: &Gazetteer, sellers: usize, seed: u64) -> Dataset {
    let mut rng = Rng::new(seed);
    let latin = Words::generate(&mut rng, LATIN_SYLLABLES, LATIN_TRADE, [400, 250, 600]);
    let devanagari = Words::generate(
        &mut rng,
        DEVANAGARI_SYLLABLES,
        DEVANAGARI_TRADE,
        [150, 80, 200],
    );

    // The gazetteer holds districts in a hash map: sort them so the seed decides everything.
    let mut districts: Vec<&District> = gazetteer.districts().collect();
    districts.sort_by_key(|d| d.code);

    let mut products = Vec::new();
    let mut by_district: HashMap<DistrictCode, Vec<Id>> = HashMap::new();
    for d in &districts {
        for n in 0..rng.between(1, 3) {
            let (name, sector) = *rng.pick(PRODUCTS);
            let local_name = rng.percent(30).then(|| LocalText {
                lang: Lang::Hi,
                text: format!(
                    "{} {}",
                    rng.pick(&devanagari.villages),
                    rng.pick(&devanagari.trade)
                ),
            });
            let product = Product {
                id: Id::new(),
                state: d.state,
                district: d.code,
                rank: [Rank::Primary, Rank::Secondary, Rank::Tertiary][n],
                sector: Sector::from_slug(sector),
                name: format!("{} {name}", d.name),
                local_name,
                description: format!(
                    "{name} made by families in {} and nearby villages of {}.",
                    rng.pick(&latin.villages),
                    d.name
                ),
                gi: Default::default(),
                photo: None,
                ministry: None,
            };
            by_district.entry(d.code).or_default().push(product.id);
            products.push(product);
        }
    }

    let sellers = (0..sellers)
        .map(|n| {
            let d = *rng.pick(&districts);
            let ids = &by_district[&d.code];
            seller(&mut rng, n, d, ids, &latin, &devanagari)
        })
        .collect();
    Dataset {
        products,
        sellers,
        latin,
        devanagari,
    }
}

fn seller(
    rng: &mut Rng,
    n: usize,
    district: &District,
    products: &[Id],
    latin: &Words,
    devanagari: &Words,
) -> Seller {
    let hindi = rng.percent(10);
    let w = if hindi { devanagari } else { latin };
    let kind = *rng.pick(SellerKind::ALL);
    let person = format!("{} {}", rng.pick(&w.first), rng.pick(&w.surnames));
    let village = rng.pick(&w.villages).clone();
    let name = match (kind, hindi) {
        (SellerKind::Artisan | SellerKind::Weaver | SellerKind::Farmer, _) => person.clone(),
        (SellerKind::Shg, false) => format!("{village} Mahila Self Help Group"),
        (SellerKind::Shg, true) => format!("{village} महिला स्वयं सहायता समूह"),
        (SellerKind::Fpo, false) => format!("{village} Farmer Producer Company"),
        (SellerKind::Fpo, true) => format!("{village} किसान उत्पादक संगठन"),
        (SellerKind::Cooperative, false) => format!("{village} Weavers Cooperative Society"),
        (SellerKind::Cooperative, true) => format!("{village} बुनकर सहकारी समिति"),
        _ => format!("{} {}", rng.pick(&w.surnames), rng.pick(&w.trade)),
    };
    let products = match rng.below(100) {
        0..=14 => vec![],
        15..=84 => vec![*rng.pick(products)],
        _ => {
            let mut two = vec![*rng.pick(products), *rng.pick(products)];
            two.dedup();
            two
        }
    };
    let mut platforms: Vec<Platform> = Platform::ALL.to_vec();
    let onboarding = (0..rng.between(0, 3))
        .map(|_| {
            let platform = platforms.swap_remove(rng.below(platforms.len()));
            let status = *rng.pick(OnboardingStatus::ALL);
            let listing_url = (status == OnboardingStatus::Onboarded)
                .then(|| format!("https://{platform}.example.in/seller/{n}"));
            Onboarding {
                platform,
                status,
                listing_url,
            }
        })
        .collect();
    Seller {
        id: Id::new(),
        state: district.state,
        district: district.code,
        name,
        kind,
        contact: Contact {
            person: Some(person),
            phone: Some(format!("+91 {}", 6_000_000_000 + rng.below(4_000_000_000))),
            email: rng.percent(20).then(|| format!("seller{n}@example.in")),
            address: Some(format!("{village}, {}", district.name)),
        },
        gstin: rng
            .percent(15)
            .then(|| gstin(rng, district.state))
            .flatten(),
        udyam: rng.percent(20).then(|| udyam(rng)).flatten(),
        products,
        onboarding,
        packaging: *rng.pick(PackagingStatus::ALL),
    }
}

fn letters(rng: &mut Rng, n: usize) -> String {
    (0..n)
        .map(|_| (b'A' + rng.below(26) as u8) as char)
        .collect()
}

/// A GSTIN with a valid check character (the state part is the LGD code, which is close enough).
fn gstin(rng: &mut Rng, state: StateCode) -> Option<Gstin> {
    let first14 = format!(
        "{:02}{}{:04}{}1Z",
        state.0 % 100,
        letters(rng, 5),
        rng.below(10_000),
        letters(rng, 1)
    );
    let check = Gstin::check_char(first14.as_bytes())?;
    format!("{first14}{check}").parse().ok()
}

fn udyam(rng: &mut Rng) -> Option<Udyam> {
    format!(
        "UDYAM-{}-{:02}-{:07}",
        letters(rng, 2),
        rng.below(100),
        rng.below(10_000_000)
    )
    .parse()
    .ok()
}

/// Success stories about generated sellers (one per seller drawn, so sellers repeat only when
/// `n` is larger than the dataset) and ODOP Sampark workshops in their districts, from `seed`.
pub fn stories_and_workshops(
    data: &Dataset,
    stories: usize,
    workshops: usize,
    seed: u64,
) -> (Vec<Story>, Vec<Workshop>) {
    let mut rng = Rng::new(seed);
    if data.sellers.is_empty() {
        return (Vec::new(), Vec::new());
    }
    let mut by_district: HashMap<DistrictCode, Vec<&Seller>> = HashMap::new();
    for s in &data.sellers {
        by_district.entry(s.district).or_default().push(s);
    }
    let outcomes = [
        "now sells on ONDC to buyers in three states",
        "won a GeM order for district offices",
        "doubled monthly sales after new packaging",
        "trained twenty women of the village in the craft",
        "exported a first consignment through the district export hub",
    ];
    let stories = (0..stories)
        .map(|_| {
            let s = rng.pick(&data.sellers);
            let outcome = *rng.pick(&outcomes);
            let mut texts = vec![LocalText {
                lang: Lang::En,
                text: format!(
                    "{} of {} {outcome}. The district ODOP cell helped with registration, \
                     photographs of the products and a first listing; orders now arrive every week.",
                    s.name,
                    s.contact.address.as_deref().unwrap_or_default()
                ),
            }];
            if rng.percent(30) {
                texts.push(LocalText {
                    lang: Lang::Hi,
                    text: format!(
                        "{} ने ओडीओपी प्रकोष्ठ की सहायता से नए खरीदार पाए और बिक्री बढ़ाई।",
                        rng.pick(&data.devanagari.first)
                    ),
                });
            }
            Story {
                id: Id::new(),
                state: s.state,
                district: Some(s.district),
                seller: Some(s.id),
                product: s.products.first().copied(),
                title: format!("{} {outcome}", s.name),
                texts,
            }
        })
        .collect();
    let workshops = (0..workshops)
        .map(|_| {
            let s = rng.pick(&data.sellers);
            let local = &by_district[&s.district];
            let met = (0..rng.between(0, 6).min(local.len()))
                .map(|_| rng.pick(local).id)
                .collect::<BTreeSet<Id>>()
                .into_iter()
                .collect();
            let media = (0..rng.between(0, 2))
                .map(|n| Media {
                    outlet: format!("{} Samachar", rng.pick(&data.latin.villages)),
                    lang: if n == 0 { Lang::Hi } else { Lang::En },
                    url: rng
                        .percent(50)
                        .then(|| format!("https://news.example.in/{}", rng.next_u64() % 100_000)),
                })
                .collect();
            let date = Date::new(
                2023 + rng.below(3) as u16,
                1 + rng.below(12) as u8,
                1 + rng.below(28) as u8,
            )
            .unwrap_or_else(|_| unreachable!("day 1..=28 exists in every month"));
            Workshop {
                id: Id::new(),
                state: s.state,
                district: Some(s.district),
                date,
                venue: format!(
                    "{} Collectorate Hall",
                    s.contact.address.as_deref().unwrap_or("District")
                ),
                attendance: rng.between(15, 300) as u32,
                sellers_met: met,
                media,
                notes: format!(
                    "Sellers asked for help with {} and with listing on {}.",
                    rng.pick(&[
                        "packaging",
                        "GST registration",
                        "bank credit",
                        "photography"
                    ]),
                    rng.pick(&["GeM", "ONDC", "Amazon", "Flipkart"])
                ),
            }
        })
        .collect();
    (stories, workshops)
}

/// Search queries as people type them: prefixes of 2–6 letters, lower case, about one in ten in
/// Devanagari. Most are one word from the vocabulary; one in five is two words of a real seller's
/// contact person, since each word must match the same record.
pub fn queries(data: &Dataset, n: usize, seed: u64) -> Vec<String> {
    let mut rng = Rng::new(seed);
    let latin = data.latin.all();
    let devanagari = data.devanagari.all();
    let prefix = |rng: &mut Rng, word: &str| {
        let take = rng.between(2, 6);
        word.chars().take(take).collect::<String>().to_lowercase()
    };
    (0..n)
        .map(|_| {
            let hindi = rng.percent(10);
            if rng.percent(20) {
                // A few tries find a seller in the wanted script; a tiny dataset may have none.
                let mut person = "";
                for _ in 0..100 {
                    person = rng
                        .pick(&data.sellers)
                        .contact
                        .person
                        .as_deref()
                        .unwrap_or_default();
                    if person.is_ascii() != hindi {
                        break;
                    }
                }
                let words: Vec<String> = person.split(' ').map(|w| prefix(&mut rng, w)).collect();
                words.join(" ")
            } else {
                let word = if hindi {
                    *rng.pick(&devanagari)
                } else {
                    *rng.pick(&latin)
                };
                prefix(&mut rng, word)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use odop_domain::{Entity, State, StateKind};

    fn gazetteer() -> Gazetteer {
        let states = vec![State {
            code: StateCode(9),
            name: "Uttar Pradesh".into(),
            local_name: None,
            kind: StateKind::State,
            aliases: vec![],
        }];
        let districts = (0..5)
            .map(|i| District {
                code: DistrictCode(100 + i),
                state: StateCode(9),
                name: format!("District {i}"),
                aliases: vec![],
            })
            .collect();
        Gazetteer::new(states, districts)
    }

    #[test]
    fn the_dataset_is_valid_and_repeatable() {
        let g = gazetteer();
        let a = dataset(&g, 500, 7);
        let b = dataset(&g, 500, 7);
        assert_eq!(a.sellers.len(), 500);
        assert!((5..=15).contains(&a.products.len()));
        for s in &a.sellers {
            s.validate().unwrap();
        }
        for p in &a.products {
            p.validate().unwrap();
        }
        let names = |d: &Dataset| d.sellers.iter().map(|s| s.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&a), names(&b));
        assert!(a.sellers.iter().any(|s| s.gstin.is_some()));
        assert!(a.sellers.iter().any(|s| !s.name.is_ascii()));
        assert_eq!(queries(&a, 50, 3), queries(&b, 50, 3));
        let (stories, workshops) = stories_and_workshops(&a, 40, 30, 5);
        assert_eq!((stories.len(), workshops.len()), (40, 30));
        for s in &stories {
            s.validate().unwrap();
        }
        for w in &workshops {
            w.validate().unwrap();
            assert!(w.sellers_met.iter().all(|id| a
                .sellers
                .iter()
                .any(|s| s.id == *id && Some(s.district) == w.district)));
        }
    }
}
