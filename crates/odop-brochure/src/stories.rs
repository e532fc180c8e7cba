//! A state's success stories as a booklet: each story with its district, its product (and the
//! product's photo) and its seller, told in every language it was recorded in, the booklet's
//! language first.

use std::collections::HashMap;

use odop_domain::{display_name, Id, Lang, Product, Seller, StateCode, Story};
use odop_store::Store;
use serde::Serialize;

use crate::manuscript::{
    clean, kind_text, online, word, Language, Place, Text, MAX_DESCRIPTION, MAX_LINE,
};
use crate::{photo, BrochureError, Layout, Manuscript, Options};

/// What a booklet of stories says beyond the manuscript's title, state and labels.
#[derive(Debug, Clone, Serialize)]
pub struct StoriesPart {
    /// By district name, then title.
    pub stories: Vec<StoryPage>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StoryPage {
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub district: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    /// The product's photo's virtual path, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub photo: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seller: Option<StorySeller>,
    /// The booklet's language first (Hindi, then English, for both), then the others.
    pub texts: Vec<StoryText>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StorySeller {
    pub name: String,
    pub kind: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    pub online: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StoryText {
    /// The ISO 639-1 code, for the template's `text(lang: ...)`.
    pub lang: Lang,
    pub language: Text,
    pub text: String,
}

impl Manuscript {
    /// Gathers a state's success stories; a state without any has nothing to print.
    pub(crate) fn stories(
        store: &Store,
        state: StateCode,
        options: &Options,
    ) -> Result<Manuscript, BrochureError> {
        let places = store.gazetteer()?;
        let place = places
            .state(state)
            .ok_or(BrochureError::UnknownState(state))?;
        let found: Vec<Story> = store.list(Some(state), None, usize::MAX, 0)?;
        if found.is_empty() {
            return Err(BrochureError::NoStories {
                place: display_name(&place.name),
            });
        }
        let state_place = Place::state(&places, state);
        let name = &state_place.name;
        let title = Text::new(
            &format!("Success stories, {}", name.en),
            Some(&format!(
                "सफलता की कहानियाँ, {}",
                name.hi.as_deref().unwrap_or(&name.en)
            )),
        );
        let mut m = Manuscript::blank("stories", Layout::Stories, title, state_place, options);
        let mut pages = Vec::new();
        // A product's photo is scaled and stored once, however many stories tell of it.
        let mut photos: HashMap<Id, Option<String>> = HashMap::new();
        for story in &found {
            let product = match story.product {
                Some(id) => store.get::<Product>(id)?,
                None => None,
            };
            let seller = match story.seller {
                Some(id) => store.get::<Seller>(id)?,
                None => None,
            };
            let photo = match &product {
                Some(p) => match photos.get(&p.id) {
                    Some(path) => path.clone(),
                    None => {
                        let path = m.add_photo(p, options);
                        photos.insert(p.id, path.clone());
                        path
                    }
                },
                None => None,
            };
            pages.push(StoryPage {
                title: clean(&story.title, MAX_LINE),
                district: story
                    .district
                    .and_then(|d| places.district(d))
                    .map(|d| display_name(&d.name)),
                product: product.as_ref().map(|p| clean(&p.name, MAX_LINE)),
                photo,
                seller: seller.as_ref().map(|s| StorySeller {
                    name: clean(&s.name, MAX_LINE),
                    kind: kind_text(s.kind),
                    phone: s.contact.phone.as_deref().map(|p| clean(p, 100)),
                    online: online(s),
                }),
                texts: in_order(story, options.lang),
            });
        }
        pages.sort_by(|a, b| (&a.district, &a.title).cmp(&(&b.district, &b.title)));
        m.stories = Some(StoriesPart { stories: pages });
        Ok(m)
    }
}

/// A story's texts, the booklet's language first.
fn in_order(story: &Story, lang: Language) -> Vec<StoryText> {
    let first: &[Lang] = match lang {
        Language::En => &[Lang::En],
        Language::Hi => &[Lang::Hi],
        Language::Both => &[Lang::Hi, Lang::En],
    };
    let rank = |l: Lang| first.iter().position(|f| *f == l).unwrap_or(first.len());
    let mut texts: Vec<StoryText> = story
        .texts
        .iter()
        .map(|t| StoryText {
            lang: t.lang,
            language: word("lang", t.lang.code()),
            text: clean(&t.text, MAX_DESCRIPTION),
        })
        .collect();
    // A stable sort keeps the other languages in the order they were recorded.
    texts.sort_by_key(|t| rank(t.lang));
    texts
}

impl StoriesPart {
    /// Every text the booklet prints, with where it comes from, for the font check.
    pub(crate) fn texts<'a>(&'a self, hindi: bool, out: &mut Vec<(String, &'a str)>) {
        for s in &self.stories {
            let of = |what: &str| format!("the {what} of the story {:?}", s.title);
            out.push((of("title"), &s.title));
            for v in [&s.district, &s.product].into_iter().flatten() {
                out.push((of("place or product"), v));
            }
            if let Some(seller) = &s.seller {
                out.push((of("seller"), &seller.name));
                if hindi {
                    if let Some(h) = &seller.kind.hi {
                        out.push((of("seller's kind"), h));
                    }
                }
                out.push((of("seller's kind"), &seller.kind.en));
                for v in seller.phone.iter().chain(&seller.online) {
                    out.push((of("seller's contact"), v));
                }
            }
            for t in &s.texts {
                out.push((of(&format!("{} text", t.language.en)), &t.text));
                if hindi {
                    if let Some(h) = &t.language.hi {
                        out.push((of("language"), h));
                    }
                }
                out.push((of("language"), &t.language.en));
            }
        }
    }
}

impl Manuscript {
    /// Adds a product's photo to the files the template loads; its virtual path, if found.
    fn add_photo(&mut self, product: &Product, options: &Options) -> Option<String> {
        let (found, note) = photo::find(product, options.photos.as_deref());
        if let Some(photo::Note::Problem(text)) = note {
            self.notes.push(text);
        }
        let ph = found?;
        let path = format!("/photos/{}.{}", self.files.len(), ph.extension);
        self.files.insert(path.clone(), ph.bytes);
        self.sources.insert(path.clone(), ph.source);
        Some(path)
    }
}
