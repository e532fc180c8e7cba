use std::collections::HashSet;
use std::path::{Path, PathBuf};

use typst::foundations::Bytes;
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;

use crate::BrochureError;

/// A writing system brochures are printed in, with the font families that cover it on Linux
/// (Debian's fonts-noto-core), Windows and macOS, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Script {
    Latin,
    Devanagari,
    Bengali,
    Gurmukhi,
    Gujarati,
    Odia,
    Tamil,
    Telugu,
    Kannada,
    Malayalam,
    Arabic,
}

impl Script {
    pub const ALL: [Script; 11] = [
        Script::Latin,
        Script::Devanagari,
        Script::Bengali,
        Script::Gurmukhi,
        Script::Gujarati,
        Script::Odia,
        Script::Tamil,
        Script::Telugu,
        Script::Kannada,
        Script::Malayalam,
        Script::Arabic,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Script::Latin => "Latin",
            Script::Devanagari => "Devanagari",
            Script::Bengali => "Bengali",
            Script::Gurmukhi => "Gurmukhi",
            Script::Gujarati => "Gujarati",
            Script::Odia => "Odia",
            Script::Tamil => "Tamil",
            Script::Telugu => "Telugu",
            Script::Kannada => "Kannada",
            Script::Malayalam => "Malayalam",
            Script::Arabic => "Arabic",
        }
    }

    /// The script a character belongs to, by Unicode block; `None` for anything else.
    pub fn of(c: char) -> Option<Script> {
        Some(match c as u32 {
            0x0000..=0x024F | 0x1E00..=0x1EFF => Script::Latin,
            0x0900..=0x097F | 0xA8E0..=0xA8FF | 0x1CD0..=0x1CFF => Script::Devanagari,
            0x0980..=0x09FF => Script::Bengali,
            0x0A00..=0x0A7F => Script::Gurmukhi,
            0x0A80..=0x0AFF => Script::Gujarati,
            0x0B00..=0x0B7F => Script::Odia,
            0x0B80..=0x0BFF => Script::Tamil,
            0x0C00..=0x0C7F => Script::Telugu,
            0x0C80..=0x0CFF => Script::Kannada,
            0x0D00..=0x0D7F => Script::Malayalam,
            0x0600..=0x06FF | 0x0750..=0x077F | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => Script::Arabic,
            _ => return None,
        })
    }

    fn families(self) -> &'static [&'static str] {
        match self {
            Script::Latin => &[
                "Noto Sans",
                "Segoe UI",
                "Helvetica Neue",
                "Arial",
                "DejaVu Sans",
                "Liberation Sans",
            ],
            Script::Devanagari => &[
                "Noto Sans Devanagari",
                "Nirmala UI",
                "Nirmala Text",
                "Kohinoor Devanagari",
                "Devanagari Sangam MN",
                "Mangal",
                "Lohit Devanagari",
            ],
            Script::Bengali => &[
                "Noto Sans Bengali",
                "Nirmala UI",
                "Nirmala Text",
                "Kohinoor Bangla",
                "Bangla Sangam MN",
                "Vrinda",
                "Lohit Bengali",
            ],
            Script::Gurmukhi => &[
                "Noto Sans Gurmukhi",
                "Nirmala UI",
                "Nirmala Text",
                "Gurmukhi Sangam MN",
                "Raavi",
                "Lohit Gurmukhi",
            ],
            Script::Gujarati => &[
                "Noto Sans Gujarati",
                "Nirmala UI",
                "Nirmala Text",
                "Kohinoor Gujarati",
                "Gujarati Sangam MN",
                "Shruti",
                "Lohit Gujarati",
            ],
            Script::Odia => &[
                "Noto Sans Oriya",
                "Noto Sans Odia",
                "Nirmala UI",
                "Nirmala Text",
                "Oriya Sangam MN",
                "Kalinga",
                "Lohit Odia",
            ],
            Script::Tamil => &[
                "Noto Sans Tamil",
                "Nirmala UI",
                "Nirmala Text",
                "Tamil Sangam MN",
                "Latha",
                "Lohit Tamil",
            ],
            Script::Telugu => &[
                "Noto Sans Telugu",
                "Nirmala UI",
                "Nirmala Text",
                "Kohinoor Telugu",
                "Telugu Sangam MN",
                "Gautami",
                "Lohit Telugu",
            ],
            Script::Kannada => &[
                "Noto Sans Kannada",
                "Nirmala UI",
                "Nirmala Text",
                "Kannada Sangam MN",
                "Tunga",
                "Lohit Kannada",
            ],
            Script::Malayalam => &[
                "Noto Sans Malayalam",
                "Nirmala UI",
                "Nirmala Text",
                "Malayalam Sangam MN",
                "Kartika",
                "Lohit Malayalam",
            ],
            Script::Arabic => &[
                "Noto Naskh Arabic",
                "Noto Sans Arabic",
                "Noto Nastaliq Urdu",
                "Segoe UI",
                "Geeza Pro",
                "DejaVu Sans",
            ],
        }
    }
}

/// The name of the writing system of a character no [`Script`] covers, for error messages.
fn other_script_name(c: char) -> &'static str {
    match c as u32 {
        0x0370..=0x03FF => "Greek",
        0x0400..=0x04FF => "Cyrillic",
        0x0590..=0x05FF => "Hebrew",
        0x0D80..=0x0DFF => "Sinhala",
        0x0E00..=0x0E7F => "Thai",
        0x0F00..=0x0FFF => "Tibetan",
        0x1000..=0x109F => "Myanmar",
        0x1C50..=0x1C7F => "Ol Chiki",
        0x3040..=0x30FF => "Japanese kana",
        0x3400..=0x9FFF => "Han (CJK)",
        0xAC00..=0xD7AF => "Hangul",
        0x1F000..=0x1FAFF | 0x2600..=0x27BF => "emoji and symbols",
        _ => "symbols",
    }
}

/// Characters that take no room on the page (direction marks, joiners), so need no glyph.
fn is_invisible(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(
            c as u32,
            0x00AD | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x2069 | 0xFEFF
        )
}

/// What to tell a person whose system lacks a font.
fn install_hint() -> &'static str {
    if cfg!(target_os = "windows") {
        "Windows 10 and later ship Nirmala UI, which covers the Indian scripts; \
         add the Noto Sans font for this script if your edition lacks it"
    } else if cfg!(target_os = "macos") {
        "install the Noto Sans font for this script, or the macOS font for it \
         (Kohinoor, Sangam MN)"
    } else {
        "install the Debian package fonts-noto-core (scripts/setup does), \
         or put a font for this script in ~/.local/share/fonts"
    }
}

/// The fonts brochures are set in: read from disk once, kept in memory as bytes, shared by
/// every brochure printed afterwards.
#[derive(Debug)]
pub struct Fonts {
    fonts: Vec<Font>,
    book: LazyHash<FontBook>,
    /// One family per script, in [`Script::ALL`] order: the template's font list.
    families: Vec<String>,
    searched: String,
}

impl Fonts {
    /// The fonts installed on this machine (and in the folders `ODOP_FONT_DIRS` names), read once.
    pub fn system() -> Result<Fonts, BrochureError> {
        Fonts::from_dirs(&system_font_dirs())
    }

    /// The fonts of the wanted families found under these folders.
    pub fn from_dirs(dirs: &[PathBuf]) -> Result<Fonts, BrochureError> {
        let wanted: HashSet<String> = Script::ALL
            .iter()
            .flat_map(|s| s.families())
            .map(|f| f.to_lowercase())
            .collect();
        let mut files = Vec::new();
        for dir in dirs {
            font_files(dir, 0, &mut files);
        }
        let mut fonts = Vec::new();
        for path in files {
            // An unreadable or malformed file in a system folder is not the brochure's concern.
            let Ok(data) = std::fs::read(&path) else {
                continue;
            };
            let faces = ttf_parser::fonts_in_collection(&data).unwrap_or(1);
            let keep: Vec<u32> = (0..faces)
                .filter(|&i| {
                    family_name(&data, i).is_some_and(|f| wanted.contains(&f.to_lowercase()))
                })
                .collect();
            if keep.is_empty() {
                continue;
            }
            let bytes = Bytes::new(data);
            fonts.extend(keep.into_iter().filter_map(|i| Font::new(bytes.clone(), i)));
        }
        let searched = dirs
            .iter()
            .map(|d| d.display().to_string())
            .collect::<Vec<_>>()
            .join(", ");
        Fonts::assemble(fonts, searched)
    }

    /// Fonts handed over as file contents (TrueType, OpenType or collections), every face kept.
    pub fn from_bytes(files: Vec<Vec<u8>>) -> Result<Fonts, BrochureError> {
        let fonts = files
            .into_iter()
            .flat_map(|data| Font::iter(Bytes::new(data)))
            .collect();
        Fonts::assemble(fonts, "the font files given".to_owned())
    }

    fn assemble(fonts: Vec<Font>, searched: String) -> Result<Fonts, BrochureError> {
        if fonts.is_empty() {
            return Err(BrochureError::NoFonts {
                searched,
                hint: install_hint(),
            });
        }
        let book = FontBook::from_fonts(&fonts);
        let mut families: Vec<String> = Vec::new();
        for script in Script::ALL {
            let found = script
                .families()
                .iter()
                .find(|f| book.contains_family(&f.to_lowercase()));
            if let Some(f) = found {
                if !families.iter().any(|have| have.eq_ignore_ascii_case(f)) {
                    families.push((*f).to_owned());
                }
            }
        }
        // Fonts given as bytes may be of families not on the list; use them as they come.
        for info in (0..fonts.len()).filter_map(|i| book.info(i)) {
            if !families
                .iter()
                .any(|f| f.eq_ignore_ascii_case(&info.family))
            {
                families.push(info.family.clone());
            }
        }
        Ok(Fonts {
            fonts,
            book: LazyHash::new(book),
            families,
            searched,
        })
    }

    /// The families the template sets text in, one per script, best first.
    pub fn families(&self) -> &[String] {
        &self.families
    }

    /// How many font faces are loaded.
    pub fn len(&self) -> usize {
        self.fonts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.fonts.is_empty()
    }

    pub(crate) fn book(&self) -> &LazyHash<FontBook> {
        &self.book
    }

    pub(crate) fn font(&self, index: usize) -> Option<Font> {
        self.fonts.get(index).cloned()
    }

    /// Whether some loaded font has a glyph for the character.
    pub fn covers(&self, c: char) -> bool {
        self.fonts
            .iter()
            .any(|f| f.info().coverage.contains(c as u32))
    }

    /// Checks that every visible character of the texts has a font; the error names the
    /// script, the character and where it occurs, so no page is printed with empty boxes.
    pub(crate) fn check<'a>(
        &self,
        texts: impl IntoIterator<Item = (String, &'a str)>,
    ) -> Result<(), BrochureError> {
        let mut seen: HashSet<char> = HashSet::new();
        for (context, text) in texts {
            for c in text.chars() {
                if is_invisible(c) || !seen.insert(c) || self.covers(c) {
                    continue;
                }
                return Err(BrochureError::MissingFont {
                    script: Script::of(c).map_or_else(|| other_script_name(c), Script::name),
                    character: c,
                    code: c as u32,
                    context,
                    hint: install_hint(),
                });
            }
        }
        Ok(())
    }

    /// The folders searched for fonts (or "the font files given").
    pub fn searched(&self) -> &str {
        &self.searched
    }
}

/// The English family name of a face: the typographic family where there is one, since that
/// groups bold with regular.
fn family_name(data: &[u8], index: u32) -> Option<String> {
    let face = ttf_parser::Face::parse(data, index).ok()?;
    let names = face.names();
    let pick = |id: u16| {
        names
            .into_iter()
            .filter(|n| n.name_id == id && n.is_unicode())
            .find(|n| n.language() == ttf_parser::Language::English_UnitedStates)
            .or_else(|| {
                names
                    .into_iter()
                    .find(|n| n.name_id == id && n.is_unicode())
            })
            .and_then(|n| n.to_string())
    };
    pick(ttf_parser::name_id::TYPOGRAPHIC_FAMILY).or_else(|| pick(ttf_parser::name_id::FAMILY))
}

/// The usual font folders of Linux, Windows and macOS, then those in `ODOP_FONT_DIRS`.
pub fn system_font_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(extra) = std::env::var_os("ODOP_FONT_DIRS") {
        dirs.extend(std::env::split_paths(&extra));
    }
    if cfg!(target_os = "windows") {
        let windir = std::env::var_os("WINDIR").unwrap_or_else(|| "C:\\Windows".into());
        dirs.push(Path::new(&windir).join("Fonts"));
        if let Some(local) = std::env::var_os("LOCALAPPDATA") {
            dirs.push(Path::new(&local).join("Microsoft\\Windows\\Fonts"));
        }
    } else if cfg!(target_os = "macos") {
        dirs.push("/System/Library/Fonts".into());
        dirs.push("/Library/Fonts".into());
        if let Some(home) = std::env::var_os("HOME") {
            dirs.push(Path::new(&home).join("Library/Fonts"));
        }
    } else {
        dirs.push("/usr/share/fonts".into());
        dirs.push("/usr/local/share/fonts".into());
        if let Some(data) = std::env::var_os("XDG_DATA_HOME") {
            dirs.push(Path::new(&data).join("fonts"));
        } else if let Some(home) = std::env::var_os("HOME") {
            dirs.push(Path::new(&home).join(".local/share/fonts"));
        }
        if let Some(home) = std::env::var_os("HOME") {
            dirs.push(Path::new(&home).join(".fonts"));
        }
    }
    dirs
}

/// Font files under a folder, a few levels deep.
fn font_files(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            if depth < 6 {
                font_files(&path, depth + 1, out);
            }
            continue;
        }
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        if matches!(ext.as_deref(), Some("ttf" | "otf" | "ttc" | "otc")) {
            out.push(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_fall_in_their_scripts() {
        assert_eq!(Script::of('क'), Some(Script::Devanagari));
        assert_eq!(Script::of('த'), Some(Script::Tamil));
        assert_eq!(Script::of('ಕ'), Some(Script::Kannada));
        assert_eq!(Script::of('ক'), Some(Script::Bengali));
        assert_eq!(Script::of('ક'), Some(Script::Gujarati));
        assert_eq!(Script::of('a'), Some(Script::Latin));
        assert_eq!(Script::of('😀'), None);
        assert_eq!(other_script_name('😀'), "emoji and symbols");
        assert!(is_invisible('\u{200F}'));
        assert!(!is_invisible('ा'));
    }

    #[test]
    fn no_fonts_is_an_error_naming_where_it_looked() {
        let empty = tempfile::tempdir().unwrap();
        let err = Fonts::from_dirs(&[empty.path().to_path_buf()]).unwrap_err();
        assert_eq!(err.code(), "no_fonts");
        assert!(err
            .to_string()
            .contains(&empty.path().display().to_string()));
    }
}
