use std::collections::HashMap;
use std::path::Path;

use typst::diag::{FileError, FileResult, Severity, SourceDiagnostic};
use typst::foundations::{Array, Bytes, Datetime, Dict, IntoValue, Smart, Value};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};
use typst_layout::PagedDocument;

use crate::{BrochureError, Fonts, Manuscript};

/// What a manuscript is laid out as; each layout has a template of its own, so that a
/// department's restyled brochure never has to know how a report is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// A product, a district or a state catalogue.
    Brochure,
    /// The report of a Sampark workshop.
    Workshop,
    /// A state's actions still to do, by owner.
    Review,
    /// A state's success stories.
    Stories,
    /// A progress report of one state's figures or every state's.
    Figures,
}

impl Layout {
    pub const ALL: [Layout; 5] = [
        Layout::Brochure,
        Layout::Workshop,
        Layout::Review,
        Layout::Stories,
        Layout::Figures,
    ];

    /// The file in the data folder that replaces the built-in template.
    pub fn file_name(self) -> &'static str {
        match self {
            Layout::Brochure => "brochure.typ",
            Layout::Workshop => "workshop.typ",
            Layout::Review => "actions.typ",
            Layout::Stories => "stories.typ",
            Layout::Figures => "figures.typ",
        }
    }

    /// The built-in template's text, for a department to start its own from.
    pub fn builtin_text(self) -> &'static str {
        match self {
            Layout::Brochure => include_str!("brochure.typ"),
            Layout::Workshop => include_str!("workshop.typ"),
            Layout::Review => include_str!("actions.typ"),
            Layout::Stories => include_str!("stories.typ"),
            Layout::Figures => include_str!("figures.typ"),
        }
    }
}

/// A template in Typst markup. It reads the manuscript from `/data.json`, the font families
/// from `sys.inputs.fonts`, and photos and QR codes from the paths the manuscript names; it
/// can reach no other file.
#[derive(Debug, Clone)]
pub struct Template {
    name: String,
    text: String,
}

impl Template {
    /// The brochure template that ships with ODOP Desk.
    pub fn builtin() -> Template {
        Template::builtin_of(Layout::Brochure)
    }

    /// The template of a layout that ships with ODOP Desk.
    pub fn builtin_of(layout: Layout) -> Template {
        Template {
            name: format!("the built-in {}", layout.file_name()),
            text: layout.builtin_text().to_owned(),
        }
    }

    /// A department's own template, read from a file.
    pub fn load(path: &Path) -> Result<Template, BrochureError> {
        let text = std::fs::read_to_string(path).map_err(|source| BrochureError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Ok(Template {
            name: path.display().to_string(),
            text,
        })
    }

    /// `brochure.typ` in the data folder when there is one, else the built-in template: a
    /// department restyles its brochures without a new release.
    pub fn for_data_dir(dir: &Path) -> Result<Template, BrochureError> {
        Template::of_data_dir(Layout::Brochure, dir)
    }

    /// The layout's own file in the data folder when there is one, else its built-in template.
    pub fn of_data_dir(layout: Layout, dir: &Path) -> Result<Template, BrochureError> {
        let own = dir.join(layout.file_name());
        if own.is_file() {
            Template::load(&own)
        } else {
            Ok(Template::builtin_of(layout))
        }
    }

    /// A template from text, named for error messages.
    pub fn from_text(name: &str, text: &str) -> Template {
        Template {
            name: name.to_owned(),
            text: text.to_owned(),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The built-in brochure template's text, for a department to start its own from.
    pub fn builtin_text() -> &'static str {
        Layout::Brochure.builtin_text()
    }
}

/// One template made ready to compile: its text as Typst's main source.
#[derive(Debug)]
struct Sheet {
    template: Template,
    main: Source,
    builtin: bool,
}

impl Sheet {
    fn new(layout: Layout, template: Template) -> Sheet {
        Sheet {
            builtin: template.text == layout.builtin_text(),
            main: Source::new(
                file_id(&format!("/{}", layout.file_name())),
                template.text.clone(),
            ),
            template,
        }
    }
}

/// A printed brochure.
#[derive(Debug, Clone)]
pub struct Brochure {
    pub pdf: Vec<u8>,
    pub pages: usize,
    /// What the person printing should know (photos left out and why).
    pub notes: Vec<String>,
}

/// Typesets manuscripts with one set of fonts, each with its layout's template. Make it once
/// and print many with it: the fonts and Typst's standard library are loaded only once.
#[derive(Debug)]
pub struct Press {
    fonts: Fonts,
    library: LazyHash<Library>,
    /// One per layout, in [`Layout::ALL`] order.
    sheets: Vec<Sheet>,
}

fn file_id(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).unwrap_or_else(|_| unreachable!("fixed paths are valid"));
    FileId::new(RootedPath::new(VirtualRoot::Project, vpath))
}

impl Press {
    pub fn new(fonts: Fonts) -> Press {
        Press::with_templates(fonts, Vec::new())
    }

    /// A press with this brochure template and the built-in templates of the other layouts.
    pub fn with_template(fonts: Fonts, template: Template) -> Press {
        Press::with_templates(fonts, vec![(Layout::Brochure, template)])
    }

    /// A press with these templates, and the built-in ones of the layouts not given.
    pub fn with_templates(fonts: Fonts, mut own: Vec<(Layout, Template)>) -> Press {
        let families: Array = fonts
            .families()
            .iter()
            .map(|f| f.as_str().into_value())
            .collect();
        let mut inputs = Dict::new();
        inputs.insert("fonts".into(), Value::Array(families));
        let library = Library::builder().with_inputs(inputs).build();
        let sheets = Layout::ALL
            .iter()
            .map(|&layout| {
                let template = own
                    .iter()
                    .position(|(l, _)| *l == layout)
                    .map_or_else(|| Template::builtin_of(layout), |i| own.remove(i).1);
                Sheet::new(layout, template)
            })
            .collect();
        Press {
            fonts,
            library: LazyHash::new(library),
            sheets,
        }
    }

    /// The layouts' own files in the data folder where there are some, else the built-in
    /// templates.
    pub fn for_data_dir(fonts: Fonts, dir: &Path) -> Result<Press, BrochureError> {
        let own = Layout::ALL
            .iter()
            .map(|&l| Ok((l, Template::of_data_dir(l, dir)?)))
            .collect::<Result<Vec<_>, BrochureError>>()?;
        Ok(Press::with_templates(fonts, own))
    }

    /// The template a manuscript is printed with.
    fn sheet(&self, m: &Manuscript) -> &Sheet {
        let i = Layout::ALL.iter().position(|l| *l == m.layout).unwrap_or(0);
        &self.sheets[i]
    }

    pub fn fonts(&self) -> &Fonts {
        &self.fonts
    }

    /// Typesets a manuscript into a PDF.
    pub fn print(&self, m: &Manuscript) -> Result<Brochure, BrochureError> {
        self.proof(m)?.into_brochure()
    }

    /// Typesets a manuscript once and keeps the pages, so that the app can show any page and
    /// then save or print the very pages shown without laying them out again.
    pub fn proof(&self, m: &Manuscript) -> Result<Proof, BrochureError> {
        let (doc, notes) = self.typeset_noting(m)?;
        Ok(Proof {
            doc,
            notes,
            ident: format!("odop-{}-{}", m.kind, m.title.en),
        })
    }

    /// A PNG image of one page (numbered from 1) for the app's preview, at `scale` pixels per
    /// point (1.0 is 595 × 842 pixels for A4; 2.0 suits a sharp screen).
    pub fn preview(
        &self,
        m: &Manuscript,
        page: usize,
        scale: f32,
    ) -> Result<Vec<u8>, BrochureError> {
        self.proof(m)?.page_png(page, scale)
    }

    /// Lays a manuscript out into pages, after checking that every character has a font.
    pub fn typeset(&self, m: &Manuscript) -> Result<PagedDocument, BrochureError> {
        self.typeset_noting(m).map(|(doc, _)| doc)
    }

    /// Typesets, and when that fails on a photo whose header looked fine but whose body is
    /// damaged, leaves that photo out with a note and typesets again.
    fn typeset_noting(
        &self,
        m: &Manuscript,
    ) -> Result<(PagedDocument, Vec<String>), BrochureError> {
        match self.compile(m) {
            Ok(doc) => Ok((doc, m.notes.clone())),
            Err(e) => {
                let mut without = m.clone();
                if without.drop_damaged_photos() == 0 {
                    return Err(e);
                }
                let doc = self.compile(&without)?;
                Ok((doc, without.notes))
            }
        }
    }

    fn compile(&self, m: &Manuscript) -> Result<PagedDocument, BrochureError> {
        self.fonts.check(m.texts())?;
        let data = serde_json::to_vec(m).map_err(|e| {
            BrochureError::Typeset(format!("the manuscript cannot be written: {e}"))
        })?;
        let mut files: HashMap<FileId, Bytes> = HashMap::new();
        files.insert(file_id("/data.json"), Bytes::new(data));
        for (path, bytes) in m.files() {
            files.insert(file_id(path), Bytes::new(bytes.to_vec()));
        }
        let job = Job {
            press: self,
            main: &self.sheet(m).main,
            files,
            today: Datetime::from_ymd(
                i32::from(m.printed.year()),
                m.printed.month(),
                m.printed.day(),
            ),
        };
        let result = typst::compile::<PagedDocument>(&job);
        result
            .output
            .map_err(|errors| self.failure_in(self.sheet(m), &job, &errors))
    }

    fn failure_in(
        &self,
        sheet: &Sheet,
        job: &Job<'_>,
        errors: &[SourceDiagnostic],
    ) -> BrochureError {
        let Some(first) = errors.iter().find(|d| d.severity == Severity::Error) else {
            return failure(errors);
        };
        let mut message = first.message.to_string();
        for hint in &first.hints {
            message.push_str(&format!(" (hint: {})", hint.v));
        }
        // A department's template is theirs to fix, so say where; a failure of the built-in
        // template is ours, and the line number would only confuse.
        if sheet.builtin || first.span.id() != Some(sheet.main.id()) {
            return BrochureError::Typeset(message);
        }
        let line = job
            .range(first.span)
            .and_then(|r| sheet.main.lines().byte_to_line(r.start))
            .map_or(0, |l| l + 1);
        BrochureError::Template {
            template: sheet.template.name.clone(),
            line,
            message,
        }
    }
}

fn failure(errors: &[SourceDiagnostic]) -> BrochureError {
    let message = errors
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.message.to_string())
        .collect::<Vec<_>>()
        .join("; ");
    BrochureError::Typeset(message)
}

/// A typeset brochure: its pages laid out, ready to be shown page by page, saved as PDF or
/// printed.
#[derive(Debug, Clone)]
pub struct Proof {
    doc: PagedDocument,
    /// What the person printing should know (photos left out and why).
    pub notes: Vec<String>,
    ident: String,
}

impl Proof {
    /// How many pages the brochure has.
    pub fn pages(&self) -> usize {
        self.doc.pages().len()
    }

    /// The PDF with its page count and notes.
    pub fn into_brochure(self) -> Result<Brochure, BrochureError> {
        Ok(Brochure {
            pdf: self.pdf()?,
            pages: self.pages(),
            notes: self.notes,
        })
    }

    /// The PDF. Its timestamp is fixed so that the same brochure makes the same bytes.
    pub fn pdf(&self) -> Result<Vec<u8>, BrochureError> {
        let date = Datetime::from_ymd(2000, 1, 1);
        let options = typst_pdf::PdfOptions {
            ident: Smart::Custom(self.ident.clone()),
            creator: Smart::Custom(Some("ODOP Desk".to_owned())),
            timestamp: date.map(typst_pdf::Timestamp::new_utc),
            ..typst_pdf::PdfOptions::default()
        };
        typst_pdf::pdf(&self.doc, &options).map_err(|e| failure(&e))
    }

    /// Writes the PDF to `path` through a file beside it that is renamed into place, so a
    /// failure never leaves half a PDF under the name asked for. Returns the bytes written.
    ///
    /// A destination that is no regular file (`/dev/stdout`, a pipe) is written straight
    /// through rather than replaced, and a symbolic link keeps pointing at the file it names.
    pub fn save(&self, path: &Path) -> Result<usize, BrochureError> {
        let pdf = self.pdf()?;
        let write_error = |source| BrochureError::Write {
            path: path.display().to_string(),
            source,
        };
        if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
            std::fs::write(path, &pdf).map_err(write_error)?;
            return Ok(pdf.len());
        }
        let mut path = path.to_owned();
        // Links are followed as far as they go; a dangling one names the file to create.
        for _ in 0..40 {
            match std::fs::symlink_metadata(&path) {
                Ok(m) if m.file_type().is_symlink() => {
                    let target = std::fs::read_link(&path).map_err(write_error)?;
                    path = path
                        .parent()
                        .map_or(target.clone(), |dir| dir.join(&target));
                }
                _ => break,
            }
        }
        let mut partial = path.as_os_str().to_owned();
        partial.push(".partial");
        let partial = std::path::PathBuf::from(partial);
        let written =
            std::fs::write(&partial, &pdf).and_then(|()| std::fs::rename(&partial, &path));
        if let Err(source) = written {
            let _ = std::fs::remove_file(&partial);
            return Err(BrochureError::Write {
                path: path.display().to_string(),
                source,
            });
        }
        Ok(pdf.len())
    }

    /// A PNG image of one page (numbered from 1) at `scale` pixels per point (1.0 is 595 × 842
    /// pixels for A4; 2.0 suits a sharp screen or a draft print).
    pub fn page_png(&self, page: usize, scale: f32) -> Result<Vec<u8>, BrochureError> {
        let pages = self.pages();
        let Some(p) = page.checked_sub(1).and_then(|i| self.doc.pages().get(i)) else {
            return Err(BrochureError::NoSuchPage { page, pages });
        };
        let options = typst_render::RenderOptions {
            pixel_per_pt: typst::utils::Scalar::new(f64::from(scale.clamp(0.1, 8.0))),
            render_bleed: false,
        };
        typst_render::render(p, &options)
            .encode_png()
            .map_err(|e| BrochureError::Typeset(format!("the preview cannot be encoded: {e}")))
    }
}

/// One brochure's view of the world: the template, its data and images, the fonts. Nothing
/// on disk or the network is reachable from a template.
struct Job<'a> {
    press: &'a Press,
    main: &'a Source,
    files: HashMap<FileId, Bytes>,
    today: Option<Datetime>,
}

impl World for Job<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.press.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.press.fonts.book()
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotFound(id.vpath().get_without_slash().into()))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.main.id() {
            return Ok(Bytes::from_string(self.main.clone()));
        }
        self.files
            .get(&id)
            .cloned()
            .ok_or_else(|| FileError::NotFound(id.vpath().get_without_slash().into()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.press.fonts.font(index)
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        self.today
    }
}

// The app keeps one press in its managed state and prints from several commands.
const _: fn() = || {
    fn shareable<T: Send + Sync>() {}
    shareable::<Press>();
    shareable::<Proof>();
};
