use std::io::Cursor;
use std::path::{Path, PathBuf};

use image::{ImageFormat, ImageReader};
use odop_domain::Product;

/// Photos larger than this (in bytes or pixels on the long side) are scaled down before they
/// go into a PDF, so that a catalogue stays small enough to send by e-mail.
const MAX_BYTES: usize = 600 * 1024;
const MAX_SIDE: u32 = 1600;
/// The long side of a scaled-down photo: sharp at the size it is printed (about 8 cm).
const SCALED_SIDE: u32 = 1200;

/// A product's photo, ready for the page.
#[derive(Debug)]
pub(crate) struct Photo {
    pub bytes: Vec<u8>,
    pub extension: &'static str,
    /// Where it was read from, for notes.
    pub source: PathBuf,
}

/// What the person printing should hear about a photo.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Note {
    /// The record names only a web link, and no local file was found; brochures are printed
    /// offline. These are counted, not listed one by one.
    WebLink,
    /// A named or found file could not be used, and why.
    Problem(String),
}

/// Finds a product's photo: the file its record names (absolute, or relative to the photos
/// folder), else `<photos>/<product id>.jpg|jpeg|png|webp`. Returns the photo, if any, and a
/// note when a named photo is missing or unusable.
pub(crate) fn find(product: &Product, photos: Option<&Path>) -> (Option<Photo>, Option<Note>) {
    let mut note = None;
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Some(named) = product.photo.as_deref().map(str::trim) {
        if named.contains("://") {
            note = Some(Note::WebLink);
        } else {
            let path = Path::new(named);
            match (path.is_absolute(), photos) {
                (true, _) | (false, None) => candidates.push(path.to_path_buf()),
                (false, Some(dir)) => candidates.push(dir.join(path)),
            }
        }
    }
    let named_count = candidates.len();
    if let Some(dir) = photos {
        for ext in ["jpg", "jpeg", "png", "webp"] {
            candidates.push(dir.join(format!("{}.{ext}", product.id)));
        }
    }
    for (i, path) in candidates.iter().enumerate() {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                if i < named_count {
                    note = Some(Note::Problem(format!(
                        "the photo of {:?} was not printed: {} cannot be read ({e})",
                        product.name,
                        path.display()
                    )));
                }
                continue;
            }
        };
        return match prepare(bytes) {
            // A local photo found by the product's id stands in for a web link.
            Ok((bytes, extension)) => (
                Some(Photo {
                    bytes,
                    extension,
                    source: path.clone(),
                }),
                note.filter(|n| *n != Note::WebLink),
            ),
            Err(reason) => (
                None,
                Some(Note::Problem(format!(
                    "the photo of {:?} was not printed: {} {reason}",
                    product.name,
                    path.display()
                ))),
            ),
        };
    }
    (None, note)
}

/// Checks that the bytes are a photo in a format the page takes, and scales down large ones.
fn prepare(bytes: Vec<u8>) -> Result<(Vec<u8>, &'static str), String> {
    let reader = ImageReader::new(Cursor::new(&bytes))
        .with_guessed_format()
        .map_err(|e| format!("cannot be read: {e}"))?;
    let extension = match reader.format() {
        Some(ImageFormat::Jpeg) => "jpg",
        Some(ImageFormat::Png) => "png",
        Some(ImageFormat::WebP) => "webp",
        _ => return Err("is not a JPEG, PNG or WebP image".to_owned()),
    };
    let (w, h) = reader
        .into_dimensions()
        .map_err(|e| format!("is a damaged image: {e}"))?;
    if w == 0 || h == 0 {
        return Err("is an empty image".to_owned());
    }
    if bytes.len() <= MAX_BYTES && w.max(h) <= MAX_SIDE {
        return Ok((bytes, extension));
    }
    let full = image::load_from_memory(&bytes).map_err(|e| format!("is a damaged image: {e}"))?;
    let small = full.thumbnail(SCALED_SIDE, SCALED_SIDE).into_rgb8();
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 82)
        .encode_image(&small)
        .map_err(|e| format!("cannot be scaled down: {e}"))?;
    Ok((out, "jpg"))
}

/// Whether the whole photo decodes. Only the header is read before typesetting, since a full
/// decode of every photo would double the cost of a catalogue; this is the check for when
/// typesetting has failed.
pub(crate) fn decodes(bytes: &[u8]) -> Result<(), String> {
    image::load_from_memory(bytes)
        .map(drop)
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([x as u8, y as u8, 90]));
        let mut out = Vec::new();
        img.write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn small_photos_pass_unchanged_and_large_ones_shrink() {
        let small = png(40, 30);
        assert_eq!(prepare(small.clone()).unwrap(), (small, "png"));
        let (big, extension) = prepare(png(2400, 1000)).unwrap();
        assert_eq!(extension, "jpg");
        let (w, h) = ImageReader::new(Cursor::new(&big))
            .with_guessed_format()
            .unwrap()
            .into_dimensions()
            .unwrap();
        assert_eq!((w, h), (1200, 500));
    }

    #[test]
    fn broken_photos_are_refused_with_a_reason() {
        assert!(prepare(b"not an image at all".to_vec())
            .unwrap_err()
            .contains("not a JPEG"));
        let mut cut = png(40, 30);
        cut.truncate(20);
        assert!(prepare(cut).is_err());
        let mut half = png(40, 30);
        half.truncate(half.len() / 2);
        assert!(prepare(half.clone()).is_ok(), "the header alone looks fine");
        assert!(decodes(&half).is_err());
    }
}
