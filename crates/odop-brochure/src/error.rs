use odop_domain::{DistrictCode, Id, StateCode};
use odop_store::StoreError;
use thiserror::Error;

/// Why a brochure could not be made.
#[derive(Debug, Error)]
pub enum BrochureError {
    #[error("no product has id {0}")]
    UnknownProduct(Id),
    #[error("no workshop has id {0}")]
    UnknownWorkshop(Id),
    #[error("district {0} is not in the LGD district list")]
    UnknownDistrict(DistrictCode),
    #[error("state {0} is not in the LGD state list")]
    UnknownState(StateCode),
    #[error("{place} has no products to put in a brochure")]
    NoProducts { place: String },
    #[error("{place} has no success stories to print")]
    NoStories { place: String },
    #[error("no action of {place} belongs to {owner:?}")]
    UnknownOwner { owner: String, place: String },
    #[error(
        "no installed font covers the {script} script (the character {character:?}, U+{code:04X}, \
         in {context}); {hint}"
    )]
    MissingFont {
        script: &'static str,
        character: char,
        code: u32,
        context: String,
        hint: &'static str,
    },
    #[error("no fonts were found in {searched}; {hint}")]
    NoFonts {
        searched: String,
        hint: &'static str,
    },
    #[error("the brochure template {template} has an error at line {line}: {message}")]
    Template {
        template: String,
        line: usize,
        message: String,
    },
    #[error("typesetting the brochure failed: {0}")]
    Typeset(String),
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot write the brochure to {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
    #[error("there is no page {page}: the brochure has {pages} page(s)")]
    NoSuchPage { page: usize, pages: usize },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl BrochureError {
    /// A stable code for scripts and the app; the message is for people.
    pub fn code(&self) -> &'static str {
        match self {
            BrochureError::UnknownProduct(_)
            | BrochureError::UnknownWorkshop(_)
            | BrochureError::UnknownDistrict(_)
            | BrochureError::UnknownState(_)
            | BrochureError::UnknownOwner { .. } => "not_found",
            BrochureError::NoProducts { .. } => "no_products",
            BrochureError::NoStories { .. } => "no_stories",
            BrochureError::MissingFont { .. } => "missing_font",
            BrochureError::NoFonts { .. } => "no_fonts",
            BrochureError::Template { .. } => "template",
            BrochureError::Typeset(_) => "typeset_failed",
            BrochureError::Read { .. } => "read_failed",
            BrochureError::Write { .. } => "write_failed",
            BrochureError::NoSuchPage { .. } => "no_such_page",
            BrochureError::Store(e) => e.code(),
        }
    }
}
