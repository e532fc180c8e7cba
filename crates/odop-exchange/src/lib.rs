//! Moving ODOP data between files and the local database.
//!
//! This crate owns the file layouts departments use (the national ODOP list, the LGD state and
//! district lists, the GI registry's list, seller lists, and files of workshops, stories, gaps, actions and policies in
//! form keys), how their hand-typed values are matched against the LGD master
//! list, and the report that says what became of every input row. Imports run inside one store
//! edit, so a failed or dry run changes nothing.
//!
//! It must not know about SQL (the store does that), about how cells are decoded from bytes (the
//! sheet crate does that), or about any user interface.

mod error;
mod export;
mod gi;
mod lgd;
mod national;
mod recognise;
mod records;
mod report;
mod sellers;

pub use error::ExchangeError;
pub use export::{
    export_district_figures, export_gi_check, export_products, export_seller_list, export_sellers,
    export_state_figures, FileKind, DISTRICT_FIGURE_COLUMNS, STATE_FIGURE_COLUMNS,
};
pub use gi::import_gi;
pub use lgd::{import_lgd, LgdReport};
pub use national::{import_national, NATIONAL_COLUMNS};
pub use odop_gi::GI_COLUMNS;
pub use recognise::{import_layout, recognise, Layout};
pub use records::{
    export, import, ACTION_COLUMNS, GAP_COLUMNS, POLICY_COLUMNS, STORY_COLUMNS, WORKSHOP_COLUMNS,
};
pub use report::{Fate, ImportReport, Problem, RegistryChange, RowReport, Summary};
pub use sellers::{import_sellers, SELLER_COLUMNS};

/// How an import runs.
pub struct ImportOptions<'a> {
    /// Who the history records as the author of the changes.
    pub who: &'a str,
    /// Check and report everything, then roll back.
    pub dry_run: bool,
    /// Called with (rows done, rows in all) as the import proceeds.
    pub progress: Option<&'a mut dyn FnMut(usize, usize)>,
}

impl std::fmt::Debug for ImportOptions<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImportOptions")
            .field("who", &self.who)
            .field("dry_run", &self.dry_run)
            .finish_non_exhaustive()
    }
}

impl<'a> ImportOptions<'a> {
    pub fn new(who: &'a str) -> ImportOptions<'a> {
        ImportOptions {
            who,
            dry_run: false,
            progress: None,
        }
    }

    fn tick(&mut self, done: usize, total: usize) {
        if let Some(p) = self.progress.as_mut() {
            p(done, total);
        }
    }
}
