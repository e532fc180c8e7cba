//! Thin adapters from the web UI to brochures: typeset one (a proof), show its pages, save it.
//! Printing happens in the window, from the pages shown.

// Tauri hands a command its `State` and arguments by value.
#![allow(clippy::needless_pass_by_value)]

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use odop_brochure::{BrochureError, Fonts, Language, Manuscript, Options, Press, Proof, Subject};
use odop_domain::{DistrictCode, Id, StateCode};
use serde::{Deserialize, Serialize};
use tauri::ipc::Response;
use tauri::{AppHandle, State};

use crate::commands::{lock, CommandError, Shared};

impl From<BrochureError> for CommandError {
    fn from(error: BrochureError) -> Self {
        match error {
            BrochureError::Store(e) => e.into(),
            other => CommandError::new(other.code(), other.to_string()),
        }
    }
}

/// The desk's press (fonts found once, on the first brochure) and the proof last typeset.
#[derive(Debug)]
pub struct BrochureDesk {
    data_dir: PathBuf,
    press: Mutex<Option<Arc<Press>>>,
    proof: Mutex<Option<(u64, Arc<Proof>)>>,
    /// The last PDF this app saved: the only file it will hand to the system's viewer.
    saved: Mutex<Option<PathBuf>>,
}

fn guard<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl BrochureDesk {
    pub fn new(data_dir: PathBuf) -> BrochureDesk {
        BrochureDesk {
            data_dir,
            press: Mutex::new(None),
            proof: Mutex::new(None),
            saved: Mutex::new(None),
        }
    }

    /// The press, made on first use: finding the fonts takes a moment the app need not spend
    /// at start-up. A department's `brochure.typ`, `workshop.typ`, `actions.typ` and
    /// `stories.typ` in the data folder replace the built-in templates.
    fn press(&self) -> Result<Arc<Press>, CommandError> {
        let mut slot = guard(&self.press);
        if let Some(press) = slot.as_ref() {
            return Ok(Arc::clone(press));
        }
        let press = Arc::new(Press::for_data_dir(Fonts::system()?, &self.data_dir)?);
        *slot = Some(Arc::clone(&press));
        Ok(press)
    }

    /// The proof the UI names; a page or save asked for an older one is refused rather than
    /// answered from a different brochure.
    fn proof(&self, id: u64) -> Result<Arc<Proof>, CommandError> {
        match guard(&self.proof).as_ref() {
            Some((current, proof)) if *current == id => Ok(Arc::clone(proof)),
            _ => Err(CommandError::new(
                "stale_proof",
                "this brochure preview has been replaced; open the brochure again".to_owned(),
            )),
        }
    }
}

/// What a brochure is of, as the UI names it.
#[derive(Debug, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "lowercase")]
pub enum BrochureOf {
    Product(Id),
    District(u32),
    State(u16),
    Workshop(Id),
    Actions(u16),
    Stories(u16),
    /// A state's progress report; every state's without a code.
    Figures(Option<u16>),
}

impl From<BrochureOf> for Subject {
    fn from(of: BrochureOf) -> Subject {
        match of {
            BrochureOf::Product(id) => Subject::Product(id),
            BrochureOf::District(code) => Subject::District(DistrictCode(code)),
            BrochureOf::State(code) => Subject::State(StateCode(code)),
            BrochureOf::Workshop(id) => Subject::Workshop(id),
            BrochureOf::Actions(code) => Subject::Actions(StateCode(code)),
            BrochureOf::Stories(code) => Subject::Stories(StateCode(code)),
            BrochureOf::Figures(code) => Subject::Figures(code.map(StateCode)),
        }
    }
}

/// A typeset brochure as the UI sees it.
#[derive(Debug, Serialize)]
pub struct ProofSummary {
    /// Names this proof in later page and save requests.
    proof: u64,
    pages: usize,
    title: String,
    notes: Vec<String>,
    /// Where "Save" proposes to write the PDF.
    suggested_path: PathBuf,
}

/// Typesets a brochure, a workshop's report, a state's actions to review or its success
/// stories, and keeps it for previews, saving and printing.
#[tauri::command(async)]
pub fn brochure_proof(
    app: AppHandle,
    store: Shared<'_>,
    desk: State<'_, BrochureDesk>,
    of: BrochureOf,
    lang: String,
    today: Option<odop_domain::Date>,
    owner: Option<String>,
) -> Result<ProofSummary, CommandError> {
    let lang: Language = lang
        .parse()
        .map_err(|_| CommandError::bad_argument("lang", "en, hi or both"))?;
    let mut options = Options {
        photos: Some(desk.data_dir.join("photos")),
        owner,
        ..Options::new(lang)
    };
    // The reader's day, printed and judging overdue actions: India is ahead of UTC.
    if let Some(day) = today {
        options.date = day;
    }
    // Only gathering needs the store; typesetting a catalogue takes seconds, and the rest of
    // the app should not wait on it.
    let manuscript = Manuscript::gather(&lock(store), of.into(), &options)?;
    let proof = Arc::new(desk.press()?.proof(&manuscript)?);
    let dir = crate::desktop::documents(&app).unwrap_or_else(|| desk.data_dir.clone());
    let mut slot = guard(&desk.proof);
    let id = slot.as_ref().map_or(1, |(id, _)| id + 1);
    *slot = Some((id, Arc::clone(&proof)));
    Ok(ProofSummary {
        proof: id,
        pages: proof.pages(),
        title: manuscript.title.en.clone(),
        notes: proof.notes.clone(),
        suggested_path: dir.join(manuscript.file_name()),
    })
}

/// One page of the current proof as a PNG, sent as bytes rather than JSON.
#[tauri::command(async)]
pub fn brochure_page(
    desk: State<'_, BrochureDesk>,
    proof: u64,
    page: usize,
    scale: f32,
) -> Result<Response, CommandError> {
    Ok(Response::new(desk.proof(proof)?.page_png(page, scale)?))
}

/// A product's photo as its brochures print it, sent as bytes; none when it has no photo.
#[tauri::command(async)]
pub fn product_photo(
    store: Shared<'_>,
    desk: State<'_, BrochureDesk>,
    id: Id,
) -> Result<Response, CommandError> {
    let photos = desk.data_dir.join("photos");
    let photo = odop_brochure::product_photo(&lock(store), id, Some(&photos))?;
    Ok(Response::new(photo.unwrap_or_default()))
}

/// What was saved, for the UI to confirm.
#[derive(Debug, Serialize)]
pub struct SavedPdf {
    path: PathBuf,
    bytes: usize,
    pages: usize,
}

/// Saves the current proof as a PDF.
#[tauri::command(async)]
pub fn brochure_save(
    app: AppHandle,
    desk: State<'_, BrochureDesk>,
    proof: u64,
    path: String,
) -> Result<SavedPdf, CommandError> {
    let typed = PathBuf::from(path.trim());
    let path = crate::desktop::typed(&app, &typed);
    if typed.as_os_str().is_empty() {
        return Err(CommandError::bad_argument(
            "path",
            "a file to save the PDF in",
        ));
    }
    let proof = desk.proof(proof)?;
    let bytes = proof.save(&path)?;
    *guard(&desk.saved) = Some(path.clone());
    Ok(SavedPdf {
        path,
        bytes,
        pages: proof.pages(),
    })
}

/// Opens the last PDF this app saved in the system's PDF viewer, which prints it at full
/// quality. The window names no path: it cannot make the app open any other file.
#[tauri::command(async)]
pub fn brochure_open(desk: State<'_, BrochureDesk>) -> Result<(), CommandError> {
    let Some(path) = guard(&desk.saved).clone() else {
        return Err(CommandError::new(
            "nothing_saved",
            "save the brochure as PDF first".to_owned(),
        ));
    };
    let path = path.canonicalize().map_err(|e| {
        CommandError::new(
            "not_found",
            format!("{} is no longer there: {e}", path.display()),
        )
    })?;
    crate::desktop::open(path.as_os_str()).map_err(|e| {
        CommandError::new(
            "no_viewer",
            format!("no program could open {}: {e}", path.display()),
        )
    })
}
