//! PDF brochures of ODOP products: one product on an A4 page, a district's products, and a
//! state's catalogue with cover, contents and a section per district, in English, Hindi or
//! both; the printed report of an ODOP Sampark workshop; a state's actions still to do, by
//! owner, for their review; a state's success stories as a booklet; and a progress report of
//! one state's figures or every state's side by side.
//!
//! This crate owns gathering what a brochure says from the store (the [`Manuscript`], handed
//! to the template as JSON so that no stored text is ever read as markup), the fonts for the
//! Indian scripts (found once and kept in memory), and typesetting with Typst from a template
//! a department can replace without a new release.
//!
//! It must not know about the terminal, the desktop app or the network: callers get PDF bytes
//! (and PNG previews) and decide where they go.

mod error;
mod figures;
mod fonts;
mod manuscript;
mod photo;
mod press;
mod report;
mod review;
mod stories;

pub use error::BrochureError;
pub use figures::{Bar, DistrictName, FiguresPart, Headline, PolicyLine, StateLine};
pub use fonts::{system_font_dirs, Fonts, Script};
pub use manuscript::{
    today, DistrictPart, Language, Listing, LocalName, Manuscript, Options, Place, ProductPage,
    SellerLine, Subject, Text, DEFAULT_SEARCH_URL,
};
pub use press::{Brochure, Layout, Press, Proof, Template};
pub use report::{ActionLine, HeardGap, MediaLine, MetSeller, WorkshopFigures, WorkshopPart};
pub use review::{ActionReview, HeardAt, OwnerPart, ReviewFigures, ReviewLine};
pub use stories::{StoriesPart, StoryPage, StorySeller, StoryText};

use odop_store::Store;

/// Gathers and prints one brochure: what the app and the CLI call.
pub fn brochure(
    store: &Store,
    press: &Press,
    subject: Subject,
    options: &Options,
) -> Result<Brochure, BrochureError> {
    proof(store, press, subject, options)?.into_brochure()
}

/// A product's photo as its brochures print it (scaled down like them, JPEG or PNG bytes), for
/// showing beside its record; `None` when it has none this computer can read. `photos` is the
/// folder a relative `photo` path and a photo named by the product's id are found in.
pub fn product_photo(
    store: &Store,
    id: odop_domain::Id,
    photos: Option<&std::path::Path>,
) -> Result<Option<Vec<u8>>, BrochureError> {
    let product = store
        .get::<odop_domain::Product>(id)?
        .ok_or(BrochureError::UnknownProduct(id))?;
    Ok(photo::find(&product, photos).0.map(|p| p.bytes))
}

/// Gathers and typesets one brochure, keeping its pages for previews, saving and printing.
pub fn proof(
    store: &Store,
    press: &Press,
    subject: Subject,
    options: &Options,
) -> Result<Proof, BrochureError> {
    let m = Manuscript::gather(store, subject, options)?;
    press.proof(&m)
}
