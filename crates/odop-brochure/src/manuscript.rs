use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use odop_domain::{
    display_name, Date, DistrictCode, Gazetteer, Id, Lang, OnboardingStatus, Platform, Product,
    Rank, SectorList, Seller, SellerKind, StateCode,
};
use odop_store::{ProductFilter, Store};
use serde::{Deserialize, Serialize};

use crate::figures::FiguresPart;
use crate::report::WorkshopPart;
use crate::review::ActionReview;
use crate::stories::StoriesPart;
use crate::{photo, BrochureError, Layout};

/// The language a brochure is printed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    En,
    Hi,
    /// Hindi and English side by side.
    Both,
}

impl FromStr for Language {
    type Err = String;
    fn from_str(s: &str) -> Result<Language, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "en" | "english" => Ok(Language::En),
            "hi" | "hindi" => Ok(Language::Hi),
            "both" | "bilingual" => Ok(Language::Both),
            _ => Err(format!(
                "unknown brochure language {s:?}; use en, hi or both"
            )),
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Language::En => "en",
            Language::Hi => "hi",
            Language::Both => "both",
        })
    }
}

/// What a brochure is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// One product on one A4 page (more when it has many sellers).
    Product(Id),
    /// Every product of a district.
    District(DistrictCode),
    /// A state's catalogue: cover, contents, a section per district.
    State(StateCode),
    /// The report of an ODOP Sampark workshop: the sellers met, the gaps heard and the
    /// actions on them as they stand on the day printed.
    Workshop(Id),
    /// A state's actions still to do, by owner, as they stand on the day printed.
    Actions(StateCode),
    /// A state's success stories.
    Stories(StateCode),
    /// A progress report: one state's figures, or (`None`) every state's, side by side.
    Figures(Option<StateCode>),
}

impl Subject {
    /// The layout, and so the template, it is printed with.
    pub fn layout(self) -> Layout {
        match self {
            Subject::Product(_) | Subject::District(_) | Subject::State(_) => Layout::Brochure,
            Subject::Workshop(_) => Layout::Workshop,
            Subject::Actions(_) => Layout::Review,
            Subject::Stories(_) => Layout::Stories,
            Subject::Figures(_) => Layout::Figures,
        }
    }
}

/// How a brochure is gathered.
#[derive(Debug, Clone)]
pub struct Options {
    pub lang: Language,
    /// The folder with product photos (`<product id>.jpg`, or the file a product names).
    pub photos: Option<PathBuf>,
    /// The date printed on the brochure.
    pub date: Date,
    /// Where the QR code points when no seller has a listing link: `{query}` is replaced by
    /// the product's name.
    pub search_url: String,
    /// A review of actions: only this owner's, however its actions write its name (a
    /// District Industries Centre's own page).
    pub owner: Option<String>,
}

/// The QR code's fallback: a search for the product on the Government e-Marketplace.
pub const DEFAULT_SEARCH_URL: &str = "https://mkp.gem.gov.in/search?q={query}";

impl Options {
    pub fn new(lang: Language) -> Options {
        Options {
            lang,
            photos: None,
            date: today(),
            search_url: DEFAULT_SEARCH_URL.to_owned(),
            owner: None,
        }
    }
}

/// A text in English and, where there is one, Hindi. The template picks by the language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Text {
    pub en: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hi: Option<String>,
}

impl Text {
    pub(crate) fn new(en: &str, hi: Option<&str>) -> Text {
        Text {
            en: clean(en, MAX_LINE),
            hi: hi.map(|h| clean(h, MAX_LINE)),
        }
    }
}

/// Everything a brochure says, gathered from the store: what the template is given as
/// `data.json`. Strings here are data, never markup.
#[derive(Debug, Clone, Serialize)]
pub struct Manuscript {
    /// `product`, `district`, `state`, `workshop`, `actions`, `stories` or `figures`.
    pub kind: &'static str,
    pub lang: Language,
    pub date: Text,
    pub title: Text,
    pub state: Place,
    pub districts: Vec<DistrictPart>,
    /// A workshop report's own part; such a manuscript is printed with the report template.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workshop: Option<WorkshopPart>,
    /// A review of actions' own part.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review: Option<ActionReview>,
    /// A booklet of success stories' own part.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stories: Option<StoriesPart>,
    /// A progress report's own part.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub figures: Option<FiguresPart>,
    pub labels: BTreeMap<&'static str, Text>,
    /// What the person printing should know: photos left out and why.
    pub notes: Vec<String>,
    /// Photos and QR codes by the virtual path the template loads them from.
    #[serde(skip)]
    pub(crate) files: BTreeMap<String, Vec<u8>>,
    /// The file each photo was read from, by virtual path.
    #[serde(skip)]
    pub(crate) sources: BTreeMap<String, PathBuf>,
    /// The date the brochure is printed on, for the template's `datetime.today()`.
    #[serde(skip)]
    pub(crate) printed: Date,
    /// The template it is printed with.
    #[serde(skip)]
    pub(crate) layout: Layout,
}

#[derive(Debug, Clone, Serialize)]
pub struct Place {
    pub code: u32,
    pub name: Text,
}

impl Place {
    /// A state by its LGD name and its Hindi name (else its local name); by its code when the
    /// gazetteer lacks it.
    pub(crate) fn state(places: &Gazetteer, code: StateCode) -> Place {
        let state = places.state(code);
        Place {
            code: code.0.into(),
            name: Text::new(
                &state.map_or(code.to_string(), |s| display_name(&s.name)),
                code.hindi_name()
                    .or_else(|| state.and_then(|s| s.local_name.as_deref())),
            ),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct DistrictPart {
    pub code: u32,
    pub name: Text,
    pub products: Vec<ProductPage>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProductPage {
    pub id: String,
    pub name: String,
    /// The name in the district's language, with its ISO 639-1 code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub local_name: Option<LocalName>,
    pub rank: Text,
    pub sector: Text,
    /// The GI registry's name of the product, when it is GI-registered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gi: Option<String>,
    pub description: String,
    /// The photo's virtual path, when there is a photo.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub photo: Option<String>,
    pub listing: Listing,
    pub sellers: Vec<SellerLine>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LocalName {
    pub lang: Lang,
    pub text: String,
}

/// Where the QR code leads.
#[derive(Debug, Clone, Serialize)]
pub struct Listing {
    pub url: String,
    /// The same address, breakable for print.
    pub shown: String,
    /// Whether it is a seller's own listing (else a marketplace search).
    pub direct: bool,
    /// The QR code's virtual path.
    pub qr: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SellerLine {
    pub name: String,
    pub kind: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// The platforms the seller is onboarded on.
    pub online: Vec<String>,
}

pub(crate) const MAX_LINE: usize = 300;
pub(crate) const MAX_DESCRIPTION: usize = 10_000;

impl Manuscript {
    /// A file name for the PDF from the brochure's English title and language, in plain
    /// lower-case ASCII so that any file system and any mail client take it.
    pub fn file_name(&self) -> String {
        let mut slug = String::new();
        for c in self.title.en.chars() {
            if c.is_ascii_alphanumeric() {
                slug.push(c.to_ascii_lowercase());
            } else if !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            }
            if slug.len() >= 80 {
                break;
            }
        }
        let slug = slug.trim_end_matches('-');
        // A title that names ODOP itself ("ODOP progress report") is not named twice.
        let slug = slug.strip_prefix("odop-").unwrap_or(slug);
        let slug = if slug.is_empty() { self.kind } else { slug };
        format!("odop-{slug}-{}.pdf", self.lang)
    }

    /// Gathers what a brochure about `subject` says, from the store.
    pub fn gather(
        store: &Store,
        subject: Subject,
        options: &Options,
    ) -> Result<Manuscript, BrochureError> {
        let places = store.gazetteer()?;
        let sectors = store.sectors()?;
        let (kind, state, products) = match subject {
            Subject::Workshop(id) => return Manuscript::workshop(store, id, options),
            Subject::Actions(state) => return Manuscript::review(store, state, options),
            Subject::Stories(state) => return Manuscript::stories(store, state, options),
            Subject::Figures(state) => return Manuscript::figures(store, state, options),
            Subject::Product(id) => {
                let p = store
                    .get::<Product>(id)?
                    .ok_or(BrochureError::UnknownProduct(id))?;
                ("product", p.state, vec![p])
            }
            Subject::District(code) => {
                let d = places
                    .district(code)
                    .ok_or(BrochureError::UnknownDistrict(code))?;
                let products = store.products(&ProductFilter {
                    district: Some(code),
                    ..ProductFilter::default()
                })?;
                ("district", d.state, products)
            }
            Subject::State(code) => {
                places
                    .state(code)
                    .ok_or(BrochureError::UnknownState(code))?;
                let products = store.products(&ProductFilter {
                    state: Some(code),
                    ..ProductFilter::default()
                })?;
                ("state", code, products)
            }
        };
        if products.is_empty() {
            let place = match subject {
                Subject::District(code) => places
                    .district(code)
                    .map_or(code.to_string(), |d| display_name(&d.name)),
                _ => places
                    .state(state)
                    .map_or(state.to_string(), |s| display_name(&s.name)),
            };
            return Err(BrochureError::NoProducts { place });
        }
        let sellers: Vec<Seller> = store.list(Some(state), None, usize::MAX, 0)?;
        Ok(Manuscript::compose(
            kind, state, &products, &sellers, &places, &sectors, options,
        ))
    }

    /// Lays the records out as a manuscript; `gather` without the store, for any records.
    pub fn compose(
        kind: &'static str,
        state: StateCode,
        products: &[Product],
        sellers: &[Seller],
        places: &Gazetteer,
        sectors: &SectorList,
        options: &Options,
    ) -> Manuscript {
        let mut by_product: HashMap<Id, Vec<&Seller>> = HashMap::new();
        for s in sellers {
            for p in &s.products {
                by_product.entry(*p).or_default().push(s);
            }
        }
        let mut m = Manuscript::blank(
            kind,
            Layout::Brochure,
            Text::new("", None),
            Place::state(places, state),
            options,
        );
        let mut web_links: Vec<&Product> = Vec::new();
        let photos = photo::find_all(products, options.photos.as_deref());
        for (p, found) in products.iter().zip(photos) {
            let district_name = places
                .district(p.district)
                .map_or(p.district.to_string(), |d| display_name(&d.name));
            if m.districts.last().is_none_or(|d| d.code != p.district.0) {
                m.districts.push(DistrictPart {
                    code: p.district.0,
                    name: Text::new(&district_name, None),
                    products: Vec::new(),
                });
            }
            let page = m.product_page(
                p,
                found,
                &mut web_links,
                by_product.get(&p.id),
                sectors,
                options,
            );
            if let Some(d) = m.districts.last_mut() {
                d.products.push(page);
            }
        }
        if let Some(first) = web_links.first() {
            let dir = options.photos.as_ref().map_or_else(
                || "the photos folder".to_owned(),
                |d| d.display().to_string(),
            );
            m.notes.push(format!(
                "{} of the products (such as {:?}) have only a web link for a photo; brochures are \
                 printed offline, so they were printed without one: put each photo in {dir} as \
                 <product id>.jpg (for that one, {}.jpg)",
                web_links.len(),
                first.name,
                first.id
            ));
        }
        // A catalogue lists its districts by name, as readers look them up.
        if kind == "state" {
            m.districts.sort_by(|a, b| a.name.en.cmp(&b.name.en));
        }
        m.title = match kind {
            "product" => Text::new(&products[0].name, None),
            "district" => {
                let name = &m.districts[0].name.en;
                Text::new(&format!("{name} district"), Some(&format!("{name} ज़िला")))
            }
            _ => Text::new(
                &format!("{} ODOP catalogue", m.state.name.en),
                Some(&format!(
                    "{} ओडीओपी उत्पाद सूची",
                    m.state.name.hi.as_deref().unwrap_or(&m.state.name.en)
                )),
            ),
        };
        m
    }

    /// A manuscript with nothing in it yet: its title and state, the layout's words, and the
    /// options' language and date.
    pub(crate) fn blank(
        kind: &'static str,
        layout: Layout,
        title: Text,
        state: Place,
        options: &Options,
    ) -> Manuscript {
        Manuscript {
            kind,
            lang: options.lang,
            date: date_text(options.date),
            title,
            state,
            districts: Vec::new(),
            workshop: None,
            review: None,
            stories: None,
            figures: None,
            labels: labels(layout),
            notes: Vec::new(),
            files: BTreeMap::new(),
            sources: BTreeMap::new(),
            printed: options.date,
            layout,
        }
    }

    fn product_page<'p>(
        &mut self,
        p: &'p Product,
        (photo, note): (Option<photo::Photo>, Option<photo::Note>),
        web_links: &mut Vec<&'p Product>,
        sellers: Option<&Vec<&Seller>>,
        sectors: &SectorList,
        options: &Options,
    ) -> ProductPage {
        let n = self.files.len();
        let sellers: Vec<&Seller> = sellers.cloned().unwrap_or_default();
        match note {
            Some(photo::Note::WebLink) => web_links.push(p),
            Some(photo::Note::Problem(text)) => self.notes.push(text),
            None => {}
        }
        let photo = photo.map(|ph| {
            let path = format!("/photos/{n}.{}", ph.extension);
            self.files.insert(path.clone(), ph.bytes);
            self.sources.insert(path.clone(), ph.source);
            path
        });
        let listing = listing(p, &sellers, &options.search_url);
        let qr = format!("/qr/{n}.svg");
        self.files.insert(qr.clone(), qr_svg(&listing.0));
        let sector_label = sectors
            .entries()
            .iter()
            .find(|e| e.slug == p.sector.slug())
            .map_or_else(|| p.sector.slug().to_owned(), |e| e.label.clone());
        ProductPage {
            id: p.id.to_string(),
            name: clean(&p.name, MAX_LINE),
            local_name: p.local_name.as_ref().map(|l| LocalName {
                lang: l.lang,
                text: clean(&l.text, MAX_LINE),
            }),
            rank: rank_text(p.rank),
            sector: Text::new(&sector_label, sector_hindi(p.sector.slug())),
            gi: p
                .gi
                .registered
                .then(|| clean(p.gi.registry_name.as_deref().unwrap_or(&p.name), MAX_LINE)),
            description: clean(&p.description, MAX_DESCRIPTION),
            photo,
            listing: Listing {
                shown: breakable(&listing.0),
                url: listing.0,
                direct: listing.1,
                qr,
            },
            sellers: sellers.iter().map(|s| seller_line(s)).collect(),
        }
    }

    /// Every text the brochure prints, with where it comes from, for the font check.
    pub(crate) fn texts(&self) -> Vec<(String, &str)> {
        // Hindi forms are printed only when the brochure is in Hindi or both languages.
        fn both<'a>(out: &mut Vec<(String, &'a str)>, hindi: bool, what: String, t: &'a Text) {
            if let (true, Some(h)) = (hindi, &t.hi) {
                out.push((what.clone(), h.as_str()));
            }
            out.push((what, t.en.as_str()));
        }
        let hindi = self.lang != Language::En;
        let mut out: Vec<(String, &str)> = Vec::new();
        both(&mut out, hindi, "the title".into(), &self.title);
        both(&mut out, hindi, "the state's name".into(), &self.state.name);
        both(&mut out, hindi, "the date".into(), &self.date);
        for (key, label) in &self.labels {
            both(&mut out, hindi, format!("the label {key}"), label);
        }
        if let Some(w) = &self.workshop {
            w.texts(hindi, &mut out);
        }
        if let Some(r) = &self.review {
            r.texts(hindi, &mut out);
        }
        if let Some(st) = &self.stories {
            st.texts(hindi, &mut out);
        }
        if let Some(f) = &self.figures {
            f.texts(hindi, &mut out);
        }
        for d in &self.districts {
            both(&mut out, hindi, "a district's name".into(), &d.name);
            for p in &d.products {
                let of = |field: &str| format!("the {field} of product {:?}", p.name);
                out.push((of("name"), &p.name));
                if let Some(l) = &p.local_name {
                    out.push((of("local name"), &l.text));
                }
                out.push((of("description"), &p.description));
                if let Some(gi) = &p.gi {
                    out.push((of("GI name"), gi));
                }
                out.push((of("listing address"), &p.listing.shown));
                both(&mut out, hindi, of("rank"), &p.rank);
                both(&mut out, hindi, of("sector"), &p.sector);
                for s in &p.sellers {
                    let of = |field: &str| format!("the {field} of seller {:?}", s.name);
                    out.push((of("name"), &s.name));
                    both(&mut out, hindi, of("kind"), &s.kind);
                    for v in [&s.person, &s.phone, &s.email, &s.address]
                        .into_iter()
                        .flatten()
                    {
                        out.push((of("contact"), v));
                    }
                    for o in &s.online {
                        out.push((of("platforms"), o));
                    }
                }
            }
        }
        out
    }

    /// Leaves out the photos that do not decode, with a note for each; returns how many.
    pub(crate) fn drop_damaged_photos(&mut self) -> usize {
        let damaged: BTreeMap<String, String> = self
            .files
            .iter()
            .filter(|(path, _)| path.starts_with("/photos/"))
            .filter_map(|(path, bytes)| {
                photo::decodes(bytes)
                    .err()
                    .map(|reason| (path.clone(), reason))
            })
            .collect();
        // Each photo's place in the manuscript, with whose photo it is.
        let mut slots: Vec<(&mut Option<String>, &str)> = Vec::new();
        for d in &mut self.districts {
            for p in &mut d.products {
                slots.push((&mut p.photo, &p.name));
            }
        }
        if let Some(st) = &mut self.stories {
            for s in &mut st.stories {
                slots.push((&mut s.photo, &s.title));
            }
        }
        // Who each damaged photo was for: one note a file, naming them all.
        let mut holders: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (slot, name) in slots {
            if slot.as_ref().is_some_and(|p| damaged.contains_key(p)) {
                let path = slot.take().unwrap_or_default();
                holders.entry(path).or_default().push(format!("{name:?}"));
            }
        }
        let dropped = holders.values().map(Vec::len).sum();
        for (path, names) in holders {
            let file = self
                .sources
                .get(&path)
                .map_or_else(|| path.clone(), |f| f.display().to_string());
            let reason = damaged.get(&path).map_or("", String::as_str);
            self.notes.push(format!(
                "the photo of {} was not printed: {file} is a damaged image ({reason})",
                names.join(" and ")
            ));
        }
        for path in damaged.keys() {
            self.files.remove(path);
        }
        dropped
    }

    /// The virtual files (photos, QR codes) the template loads, by path.
    pub fn files(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }
}

fn seller_line(s: &Seller) -> SellerLine {
    let opt = |v: &Option<String>| v.as_deref().map(|v| clean(v, 500));
    SellerLine {
        name: clean(&s.name, MAX_LINE),
        kind: kind_text(s.kind),
        person: opt(&s.contact.person),
        phone: opt(&s.contact.phone),
        email: s
            .contact
            .email
            .as_deref()
            .map(|e| breakable(&clean(e, 300))),
        address: opt(&s.contact.address),
        online: online(s),
    }
}

/// The platforms a seller is onboarded on, by their names.
pub(crate) fn online(s: &Seller) -> Vec<String> {
    s.onboarding
        .iter()
        .filter(|o| o.status == OnboardingStatus::Onboarded)
        .map(|o| platform_name(o.platform).to_owned())
        .collect()
}

/// The address the QR code leads to: a seller's own listing where one is recorded (ONDC first,
/// then GeM, then the rest), else a marketplace search for the product's name.
fn listing(p: &Product, sellers: &[&Seller], search_url: &str) -> (String, bool) {
    let order = |platform: Platform| match platform {
        Platform::Ondc => 0,
        Platform::Gem => 1,
        _ => 2,
    };
    let direct = sellers
        .iter()
        .flat_map(|s| &s.onboarding)
        .filter(|o| o.status == OnboardingStatus::Onboarded)
        .filter_map(|o| {
            o.listing_url
                .as_deref()
                .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
                .map(|u| (order(o.platform), u))
        })
        .min_by_key(|(rank, _)| *rank);
    match direct {
        Some((_, url)) => (url.trim().to_owned(), true),
        // A name of any length still gives a link short enough for a QR code.
        None => {
            let name: String = p.name.chars().take(80).collect();
            (search_url.replace("{query}", &query_escape(&name)), false)
        }
    }
}

/// Percent-encodes a query value (UTF-8 bytes outside the unreserved set).
fn query_escape(s: &str) -> String {
    let mut out = String::new();
    for b in s.trim().bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char);
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn qr_svg(url: &str) -> Vec<u8> {
    use qrcode::render::svg;
    // Links are short; a link too long for a QR code gets a blank square rather than no page.
    match qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M) {
        Ok(code) => code
            .render::<svg::Color<'_>>()
            .min_dimensions(200, 200)
            .quiet_zone(true)
            .build()
            .into_bytes(),
        Err(_) => br#"<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200"/>"#.to_vec(),
    }
}

/// Makes a value safe to print: no bidirectional overrides or isolates (a right-to-left
/// override would reverse everything after it), no control characters but line breaks, at
/// most `max` characters, and very long unbroken runs given places to wrap.
pub(crate) fn clean(s: &str, max: usize) -> String {
    let mut out = String::with_capacity(s.len().min(max * 4));
    let mut run = 0;
    for (count, c) in s.chars().enumerate() {
        if count >= max {
            out.push('…');
            break;
        }
        if matches!(c as u32, 0x202A..=0x202E | 0x2066..=0x2069)
            || (c.is_control() && c != '\n' && c != '\t')
        {
            continue;
        }
        if c.is_whitespace() {
            run = 0;
        } else {
            run += 1;
            // A zero-width space lets a line break inside a run no page could hold.
            if run > 40 {
                out.push('\u{200B}');
                run = 1;
            }
        }
        out.push(c);
    }
    out.trim().to_owned()
}

/// An address with break opportunities after its punctuation, and within any long stretch
/// without any, so that it fits a narrow column.
pub(crate) fn breakable(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    let mut run = 0;
    for c in s.chars() {
        out.push(c);
        run += 1;
        if matches!(c, '/' | '.' | '?' | '&' | '=' | '@' | '+' | '-' | '_') || run >= 24 {
            out.push('\u{200B}');
            run = 0;
        }
    }
    out
}

fn rank_text(r: Rank) -> Text {
    let hi = match r {
        Rank::Primary => "प्राथमिक",
        Rank::Secondary => "द्वितीयक",
        Rank::Tertiary => "तृतीयक",
        Rank::Other => "अन्य",
    };
    Text::new(r.label(), Some(hi))
}

/// Hindi names of the default sectors; a department's own sectors print in English.
pub(crate) fn sector_hindi(slug: &str) -> Option<&'static str> {
    Some(match slug {
        "agriculture" => "कृषि",
        "handicraft" => "हस्तशिल्प",
        "handloom" => "हथकरघा",
        "textile" => "वस्त्र",
        "food-processing" => "खाद्य प्रसंस्करण",
        "marine" => "समुद्री उत्पाद",
        "manufacturing" => "विनिर्माण",
        "dairy" => "डेयरी",
        "services" => "सेवाएँ",
        "others" => "अन्य",
        _ => return None,
    })
}

pub(crate) fn kind_text(k: SellerKind) -> Text {
    word("seller_kind", k.as_str())
}

/// A stored value (a kind, a status, a language) as documents print it, from the table's
/// `word` rows; the value itself where the table lacks it.
pub(crate) fn word(group: &str, value: &str) -> Text {
    let key = format!("{group}.{value}");
    label_rows()
        .find(|(of, k, ..)| *of == "word" && *k == key)
        .map_or_else(
            || Text::new(value, None),
            |(.., en, hi)| Text::new(en, Some(hi)),
        )
}

pub(crate) fn platform_name(p: Platform) -> &'static str {
    match p {
        Platform::Gem => "GeM",
        Platform::Ondc => "ONDC",
        Platform::Amazon => "Amazon",
        Platform::Flipkart => "Flipkart",
        Platform::Meesho => "Meesho",
        Platform::OwnWebsite => "Own website",
        Platform::OtherMarketplace => "Other marketplace",
    }
}

/// The words documents print, in English and Hindi, by layout: one table for every document,
/// so a word is translated once.
const LABELS: &str = include_str!("labels.tsv");

/// The words a document of this layout prints: the brochures' words are in every document,
/// and a review of actions prints the workshop report's words about actions too.
pub(crate) fn labels(layout: Layout) -> BTreeMap<&'static str, Text> {
    let wanted = |of: &str| match layout {
        Layout::Brochure => of == "brochure",
        Layout::Workshop => of == "brochure" || of == "workshop",
        Layout::Review => of != "word" && of != "stories" && of != "figures",
        Layout::Stories => of == "brochure" || of == "stories",
        Layout::Figures => of == "brochure" || of == "figures",
    };
    label_rows()
        .filter(|(of, ..)| wanted(of))
        .map(|(_, key, en, hi)| (key, Text::new(en, Some(hi))))
        .collect()
}

/// The table's rows: layout, key, English, Hindi.
fn label_rows() -> impl Iterator<Item = (&'static str, &'static str, &'static str, &'static str)> {
    LABELS
        .lines()
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .filter_map(|line| {
            let mut f = line.split('\t');
            Some((f.next()?, f.next()?, f.next()?, f.next()?))
        })
}

const MONTHS: [(&str, &str); 12] = [
    ("January", "जनवरी"),
    ("February", "फ़रवरी"),
    ("March", "मार्च"),
    ("April", "अप्रैल"),
    ("May", "मई"),
    ("June", "जून"),
    ("July", "जुलाई"),
    ("August", "अगस्त"),
    ("September", "सितंबर"),
    ("October", "अक्टूबर"),
    ("November", "नवंबर"),
    ("December", "दिसंबर"),
];

pub(crate) fn date_text(d: Date) -> Text {
    let (en, hi) = MONTHS[usize::from(d.month().clamp(1, 12)) - 1];
    Text::new(
        &format!("{} {en} {}", d.day(), d.year()),
        Some(&format!("{} {hi} {}", d.day(), d.year())),
    )
}

/// Today's date in UTC.
pub fn today() -> Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    // Days since 1970-01-01 to a civil date (the days-from-civil inverse).
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as u16;
    Date::new(year, month, day).unwrap_or_else(|_| {
        Date::new(2026, 1, 1).unwrap_or_else(|_| unreachable!("a fixed valid date"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleaning_drops_overrides_and_bounds_length() {
        assert_eq!(clean("abc\u{202E}def", 100), "abcdef");
        assert_eq!(clean("\u{200F}मलमल", 100), "\u{200F}मलमल");
        assert_eq!(clean("a\u{7}b\nc", 100), "ab\nc");
        assert_eq!(clean(&"x".repeat(500), 10).chars().count(), 11);
        let long = clean(&"y".repeat(100), 1000);
        assert_eq!(long.matches('\u{200B}').count(), 2);
        assert_eq!(long.replace('\u{200B}', ""), "y".repeat(100));
    }

    #[test]
    fn search_links_escape_the_product_name() {
        assert_eq!(query_escape("Attar (Perfume)"), "Attar+%28Perfume%29");
        assert_eq!(query_escape("इत्र"), "%E0%A4%87%E0%A4%A4%E0%A5%8D%E0%A4%B0");
    }

    #[test]
    fn dates_print_in_both_languages() {
        let t = date_text(Date::new(2026, 11, 24).unwrap());
        assert_eq!(t.en, "24 November 2026");
        assert_eq!(t.hi.as_deref(), Some("24 नवंबर 2026"));
        assert!(today().year() >= 2024);
    }

    #[test]
    fn every_label_has_a_layout_a_key_and_both_languages_once() {
        let lines = LABELS
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .count();
        let rows: Vec<_> = label_rows().collect();
        assert_eq!(rows.len(), lines, "a line without four columns");
        let mut keys = std::collections::HashSet::new();
        for (of, key, en, hi) in rows {
            assert!(
                ["brochure", "workshop", "review", "stories", "figures", "word"].contains(&of),
                "{key}: {of}"
            );
            assert!(keys.insert(key), "{key} twice");
            assert!(!en.is_empty() && !hi.is_empty(), "{key}");
            assert!(
                hi.chars().any(|c| ('\u{0900}'..='\u{097F}').contains(&c)),
                "{key}"
            );
        }
        assert!(labels(Layout::Brochure).len() < labels(Layout::Workshop).len());
        assert!(labels(Layout::Brochure).len() < labels(Layout::Stories).len());
        assert!(labels(Layout::Review).keys().all(|k| !k.contains('.')));
        assert!(labels(Layout::Workshop).len() < labels(Layout::Review).len());
        assert!(labels(Layout::Review)
            .keys()
            .all(|k| !k.starts_with("col_")));
        assert!(labels(Layout::Brochure).len() < labels(Layout::Figures).len());
    }

    #[test]
    fn every_stored_value_has_its_words() {
        let named = |group: &str, values: Vec<&str>| {
            for v in values {
                let t = word(group, v);
                assert!(t.hi.is_some(), "{group}.{v} is not in labels.tsv");
            }
        };
        named(
            "seller_kind",
            SellerKind::ALL.iter().map(|k| k.as_str()).collect(),
        );
        named(
            "action_kind",
            odop_domain::ActionKind::ALL
                .iter()
                .map(|k| k.as_str())
                .collect(),
        );
        named(
            "action_status",
            odop_domain::ActionStatus::ALL
                .iter()
                .map(|k| k.as_str())
                .collect(),
        );
        named("lang", Lang::ALL.iter().map(|l| l.code()).collect());
        named(
            "packaging",
            odop_domain::PackagingStatus::ALL
                .iter()
                .map(|k| k.as_str())
                .collect(),
        );
        named(
            "policy_status",
            odop_domain::PolicyStatus::ALL
                .iter()
                .map(|k| k.as_str())
                .collect(),
        );
        assert_eq!(word("lang", "xx").en, "xx");
    }

    #[test]
    fn languages_parse() {
        assert_eq!("HI".parse::<Language>().unwrap(), Language::Hi);
        assert_eq!("both".parse::<Language>().unwrap(), Language::Both);
        assert!("fr"
            .parse::<Language>()
            .unwrap_err()
            .contains("en, hi or both"));
    }

    #[test]
    fn file_names_are_plain_ascii_whatever_the_title() {
        let mut m = Manuscript {
            kind: "product",
            lang: Language::Hi,
            date: Text::new("", None),
            title: Text::new("", None),
            state: Place {
                code: 9,
                name: Text::new("Uttar Pradesh", None),
            },
            districts: Vec::new(),
            workshop: None,
            review: None,
            stories: None,
            figures: None,
            labels: BTreeMap::new(),
            notes: Vec::new(),
            files: BTreeMap::new(),
            sources: BTreeMap::new(),
            printed: Date::new(2026, 11, 24).unwrap(),
            layout: Layout::Brochure,
        };
        m.title = Text::new(
            "Banarasi Silk Saree — Varanasi, Uttar Pradesh",
            Some("बनारसी साड़ी"),
        );
        assert_eq!(
            m.file_name(),
            "odop-banarasi-silk-saree-varanasi-uttar-pradesh-hi.pdf"
        );
        m.title = Text::new("../../etc/passwd\\0", None);
        assert_eq!(m.file_name(), "odop-etc-passwd-0-hi.pdf");
        m.title = Text::new("हस्तशिल्प", None);
        assert_eq!(m.file_name(), "odop-product-hi.pdf");
        m.title = Text::new(&"x".repeat(10_000), None);
        assert!(m.file_name().len() < 100);
    }
}
