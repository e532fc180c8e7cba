//! The ODOP domain: what a state department records and the rules those records obey.
//!
//! This crate owns the vocabulary (states and districts by LGD code, products and their rank and
//! sector, sellers with GSTIN and Udyam numbers, the GI registry's entries, Sampark workshops, success stories, market-linkage
//! gaps and their actions, the state's ODOP policy) and validation with typed errors.
//!
//! It must not know about storage, files, the network or any user interface: no I/O happens here.
//! Everything is plain data that serialises with serde, so the store, the sync protocol and the
//! frontends all speak the same nouns.

mod clock;
mod date;
mod entity;
mod geo;
mod gi;
mod id;
mod invalid;
mod places;
mod records;
mod seller;
mod text;
mod vocab;

pub use clock::format_utc_millis;
pub use date::Date;
pub use entity::{Checked, Entity, EntityKind, Fields, Reference};
pub use geo::{District, DistrictCode, Gazetteer, PlaceProblem, State, StateCode, StateKind};
pub use gi::{
    canonical_goods, gi_clear, gi_score, gi_tag, GiEntry, GiFit, GiPlaces, GiProbe, GiTerms,
    GI_MARGIN, GI_NONE, GI_STRONG, GI_SUGGEST,
};
pub use id::Id;
pub use invalid::{Invalid, Rule};
pub use places::{Misplaced, PlaceNames, Places, PLACES_NONE};
pub use records::{
    Action, ActionKind, ActionStatus, Gap, LocalText, Media, Policy, PolicyStatus, Product, Story,
    Workshop,
};
pub use seller::{
    phone_mark, Contact, Gstin, Onboarding, OnboardingStatus, PackagingStatus, Platform, Seller,
    SellerKind, SellerMark, Udyam,
};
pub use text::{display_name, name_key, owner_key, Lang};
pub use vocab::{canonical_ministry, GiStatus, Rank, Sector, SectorEntry, SectorList};
