use std::collections::HashMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use image::{ImageFormat, ImageReader};
use odop_domain::Product;

/// Photos larger than this (in bytes or pixels on the long side) are scaled down before they
/// go into a PDF, so that a catalogue of a hundred products stays small enough to e-mail
/// (under 10 MB).
const MAX_BYTES: usize = 80 * 1024;
const MAX_SIDE: u32 = 1000;
/// The long side of a scaled-down photo: 170 pixels per inch at the size it is printed
/// (the photo panel is about 12 cm wide).
const SCALED_SIDE: u32 = 800;
const SCALED_QUALITY: u8 = 72;

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

/// Finds the photos of many products, on every core: scaling a photo down takes milliseconds,
/// and a catalogue has a hundred of them.
pub(crate) fn find_all(
    products: &[Product],
    photos: Option<&Path>,
) -> Vec<(Option<Photo>, Option<Note>)> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    if photos.is_none() || threads < 2 || products.len() < 4 {
        return products.iter().map(|p| find(p, photos)).collect();
    }
    let chunk = products.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let workers: Vec<_> = products
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || part.iter().map(|p| find(p, photos)).collect::<Vec<_>>())
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
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
        return match prepare_cached(path, bytes) {
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

/// Photos already checked and scaled in this process, by file, size and modification time: the
/// app prints the same photos again and again, and scaling is most of a catalogue's cost.
type Prepared = (Vec<u8>, &'static str);
/// A photo file as it was when read: path, length, modification time.
type FileState = (PathBuf, u64, Option<SystemTime>);
static PREPARED: Mutex<Option<HashMap<FileState, Prepared>>> = Mutex::new(None);
/// Enough for the largest state's catalogue; past it the cache starts afresh.
const CACHED_PHOTOS: usize = 2000;

fn prepare_cached(path: &Path, bytes: Vec<u8>) -> Result<Prepared, String> {
    let modified = std::fs::metadata(path).and_then(|m| m.modified()).ok();
    let key = (path.to_path_buf(), bytes.len() as u64, modified);
    let lock = |f: &mut dyn FnMut(&mut HashMap<_, Prepared>)| {
        // A poisoned cache only loses speed, never correctness: start it afresh.
        let mut guard = PREPARED.lock().unwrap_or_else(|e| {
            let mut g = e.into_inner();
            *g = None;
            g
        });
        f(guard.get_or_insert_with(HashMap::new));
    };
    let mut hit = None;
    lock(&mut |cache| hit = cache.get(&key).cloned());
    if let Some(prepared) = hit {
        return Ok(prepared);
    }
    let prepared = prepare(bytes)?;
    lock(&mut |cache| {
        if cache.len() >= CACHED_PHOTOS {
            cache.clear();
        }
        cache.insert(key.clone(), prepared.clone());
    });
    Ok(prepared)
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
    let full = image::load_from_memory(&bytes)
        .map_err(|e| format!("is a damaged image: {e}"))?
        .into_rgb8();
    let (tw, th) = scaled_size(w, h);
    scale_and_encode(full, tw, th)
        .map(|out| (out, "jpg"))
        .map_err(|e| format!("cannot be scaled down: {e}"))
}

/// The size a `w` × `h` photo is scaled to: its long side `SCALED_SIDE`, its shape kept.
fn scaled_size(w: u32, h: u32) -> (u32, u32) {
    let long = w.max(h);
    let side = |s: u32| (u64::from(s) * u64::from(SCALED_SIDE) / u64::from(long)).max(1) as u32;
    (side(w), side(h))
}

/// Scales with SIMD convolution and encodes with a SIMD JPEG encoder: a catalogue scales a
/// hundred photos on its first print, and the `image` crate's own thumbnail and encoder took
/// three times as long.
fn scale_and_encode(full: image::RgbImage, tw: u32, th: u32) -> Result<Vec<u8>, String> {
    use fast_image_resize::{images::Image, FilterType, PixelType, ResizeAlg, ResizeOptions};
    let (w, h) = full.dimensions();
    let src =
        Image::from_vec_u8(w, h, full.into_raw(), PixelType::U8x3).map_err(|e| e.to_string())?;
    let mut dst = Image::new(tw, th, PixelType::U8x3);
    fast_image_resize::Resizer::new()
        .resize(
            &src,
            &mut dst,
            &ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Bilinear)),
        )
        .map_err(|e| e.to_string())?;
    let (tw, th) = (
        u16::try_from(tw).map_err(|e| e.to_string())?,
        u16::try_from(th).map_err(|e| e.to_string())?,
    );
    let mut out = Vec::new();
    jpeg_encoder::Encoder::new(&mut out, SCALED_QUALITY)
        .encode(dst.buffer(), tw, th, jpeg_encoder::ColorType::Rgb)
        .map_err(|e| e.to_string())?;
    Ok(out)
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
        assert_eq!((w, h), (SCALED_SIDE, SCALED_SIDE * 5 / 12));
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

    #[test]
    fn scaled_photos_keep_their_shape_and_never_lose_a_side() {
        assert_eq!(scaled_size(900, 600), (800, 533));
        assert_eq!(scaled_size(600, 900), (533, 800));
        assert_eq!(scaled_size(20_000, 3), (800, 1));
        assert_eq!(scaled_size(4000, 4000), (800, 800));
    }
}
