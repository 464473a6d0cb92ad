//! Profile pictures: normalizing uploads to 300×300 PNG and drawing initials avatars.
//!
//! Both functions are CPU-bound (a 12 MP photo takes ~150 ms in a release build, 40 MP
//! ~350 ms): call them from `tokio::task::spawn_blocking`, not on the async executor.

use std::io::Cursor;

use ab_glyph::{Font, FontRef, GlyphId, PxScale, point};
use image::codecs::png::PngEncoder;
use image::imageops::{self, FilterType};
use image::metadata::Orientation;
use image::{
    DynamicImage, ExtendedColorType, ImageBuffer, ImageDecoder, ImageEncoder, ImageError,
    ImageFormat, ImageReader, Limits, Pixel, RgbaImage,
};

/// Width and height in pixels of every stored profile picture.
pub const SIZE: u32 = 300;

/// Largest accepted upload: 5 MiB, ample for a phone photo (typically 2–4 MiB as JPEG).
pub const MAX_UPLOAD_BYTES: usize = 5 * 1024 * 1024;

/// Largest accepted decoded image, 40 megapixels: refused from the header, before the pixel
/// buffer is allocated, so a small compressed "decode bomb" cannot claim gigabytes.
pub const MAX_PIXELS: u64 = 40_000_000;

/// Allocation ceiling handed to the decoders (40 MP of 16-bit RGBA is 320 MB).
const MAX_DECODE_ALLOC: u64 = 384 * 1024 * 1024;

/// Gloock (SIL OFL 1.1) cut down to the glyphs initials need; see `assets/fonts/`.
const FONT: &[u8] = include_bytes!("../../../assets/fonts/Gloock-Initials.ttf");

/// Text size when it fits, in pixels per em: Pocket ID's 160 pt at 72 dpi.
const TEXT_PX_PER_EM: f32 = 160.0;

/// The SPA shows avatars cropped to the inscribed circle (radius 150): all ink stays
/// within this radius of the centre, so "WW" shrinks instead of being clipped.
const SAFE_RADIUS: f32 = 120.0;

/// Why an upload was refused.
#[derive(Debug, thiserror::Error)]
pub enum PictureError {
    /// The upload is bigger than [`MAX_UPLOAD_BYTES`].
    #[error("the image is larger than {max_bytes} bytes")]
    TooLarge {
        /// The limit that was exceeded.
        max_bytes: usize,
    },
    /// The bytes are not a JPEG, PNG, GIF or WebP image.
    #[error("unsupported image type: use JPEG, PNG, GIF or WebP")]
    UnsupportedType,
    /// The bytes claim a supported format but cannot be used (corrupt, empty, too many pixels).
    #[error("invalid image: {0}")]
    Invalid(String),
}

/// Initials for the generated avatar: first letters of first and last name, else the
/// first two of the username; upper-cased, 1–2 characters, `"?"` when nothing is usable.
///
/// Only letters and digits count (a first name of `"(Bob)"` gives `B`), which also keeps
/// the result safe to use in a file name.
pub fn initials(first_name: &str, last_name: &str, username: &str) -> String {
    let name: String = [first_name, last_name]
        .iter()
        .filter_map(|part| part.chars().find(|c| c.is_alphanumeric()))
        .map(to_upper)
        .collect();
    if !name.is_empty() {
        return name;
    }
    let from_username: String = username
        .chars()
        .filter(|c| c.is_alphanumeric())
        .take(2)
        .map(to_upper)
        .collect();
    if from_username.is_empty() {
        "?".to_owned()
    } else {
        from_username
    }
}

/// Single-character upper case (`ß` becomes `S`, not `SS`, so initials stay two glyphs).
fn to_upper(c: char) -> char {
    c.to_uppercase().next().unwrap_or(c)
}

/// Draws `initials` in black Gloock on a white 300×300 square and returns the PNG bytes.
///
/// The same input always gives the same bytes, so the result can be cached and `ETag`ged.
/// Characters the embedded font lacks are drawn as `?`.
pub fn initials_png(initials: &str) -> Vec<u8> {
    let coverage = render_text(initials);
    let pixels: Vec<u8> = coverage
        .iter()
        .map(|c| 255 - (c.clamp(0.0, 1.0) * 255.0).round() as u8)
        .collect();
    match encode_png(&pixels, ExtendedColorType::L8) {
        Ok(png) => png,
        Err(err) => {
            // Unreachable in practice (fixed size, in-memory writer); an empty body makes
            // the browser fall back to its broken-image icon instead of failing the request.
            tracing::error!(error = %err, "encoding an initials avatar failed");
            Vec::new()
        }
    }
}

/// Rasterizes `text` centred on a SIZE×SIZE canvas; returns ink coverage (0..=1) per pixel.
fn render_text(text: &str) -> Vec<f32> {
    let side = SIZE as usize;
    let mut coverage = vec![0.0_f32; side * side];
    let Ok(font) = FontRef::try_from_slice(FONT) else {
        // The font is embedded and parsed by a unit test; a blank avatar beats an error page.
        tracing::error!("the embedded initials font does not parse");
        return coverage;
    };
    let question = font.glyph_id('?');
    let text = if text.is_empty() { "?" } else { text };
    let ids: Vec<GlyphId> = text
        .chars()
        .map(|c| match font.glyph_id(c) {
            GlyphId(0) => question,
            id => id,
        })
        .collect();

    // Lay the line out in font units (y up), measuring the ink box as we go.
    let mut pens = Vec::with_capacity(ids.len());
    let mut pen = 0.0_f32;
    let (mut x_min, mut x_max, mut y_min, mut y_max) = (f32::MAX, f32::MIN, f32::MAX, f32::MIN);
    for (i, &id) in ids.iter().enumerate() {
        if let Some(&prev) = i.checked_sub(1).and_then(|p| ids.get(p)) {
            pen += font.kern_unscaled(prev, id);
        }
        if let Some((left, right, bottom, top)) = ink_box(&font, id) {
            x_min = x_min.min(pen + left);
            x_max = x_max.max(pen + right);
            y_min = y_min.min(bottom);
            y_max = y_max.max(top);
        }
        pens.push(pen);
        pen += font.h_advance_unscaled(id);
    }
    if x_min > x_max {
        return coverage; // nothing with ink (cannot happen with "?" as the fallback)
    }

    // Optical centre: the ink's horizontal middle, and half the cap height vertically, so
    // all avatars share one baseline and accents or a Q's tail do not push letters around.
    let cap_height = ink_box(&font, font.glyph_id('H')).map_or(y_max, |(_, _, _, top)| top);
    let (cx, cy) = (f32::midpoint(x_min, x_max), cap_height / 2.0);
    let reach = [
        (x_min, y_min),
        (x_min, y_max),
        (x_max, y_min),
        (x_max, y_max),
    ]
    .iter()
    .map(|&(x, y)| (x - cx).hypot(y - cy))
    .fold(0.0_f32, f32::max);
    let units_per_em = font.units_per_em().unwrap_or(1000.0);
    let mut px_per_unit = TEXT_PX_PER_EM / units_per_em;
    if reach * px_per_unit > SAFE_RADIUS {
        px_per_unit = SAFE_RADIUS / reach;
    }
    // ab_glyph's PxScale is the pixel height of ascent - descent, not of the em.
    let scale = PxScale::from(px_per_unit * font.height_unscaled());
    let centre = SIZE as f32 / 2.0;
    let baseline = centre + cy * px_per_unit;

    for (&id, &pen) in ids.iter().zip(&pens) {
        let x = centre + (pen - cx) * px_per_unit;
        let glyph = id.with_scale_and_position(scale, point(x, baseline));
        let Some(outlined) = font.outline_glyph(glyph) else {
            continue;
        };
        let bounds = outlined.px_bounds();
        outlined.draw(|gx, gy, c| {
            let px = bounds.min.x as i64 + i64::from(gx);
            let py = bounds.min.y as i64 + i64::from(gy);
            let canvas = 0..i64::from(SIZE);
            let inside = canvas.contains(&px) && canvas.contains(&py);
            if inside && let Some(cell) = coverage.get_mut(py as usize * side + px as usize) {
                // Additive: edge pixels shared by two glyphs get both contributions.
                *cell = (*cell + c).min(1.0);
            }
        });
    }
    coverage
}

/// A glyph's ink extent in font units, y up: (left, right, bottom, top).
fn ink_box(font: &FontRef<'_>, id: GlyphId) -> Option<(f32, f32, f32, f32)> {
    // ab_glyph stores outline bounds with min.y = top and max.y = bottom; sort to be safe.
    let b = font.outline(id)?.bounds;
    Some((
        b.min.x.min(b.max.x),
        b.min.x.max(b.max.x),
        b.min.y.min(b.max.y),
        b.min.y.max(b.max.y),
    ))
}

/// Turns an uploaded image into the stored avatar: a 300×300 PNG without metadata.
///
/// The format is sniffed from the bytes (names and content types are never trusted) and
/// must be JPEG, PNG, GIF (first frame) or WebP. EXIF orientation is applied, the centre
/// square is kept and Lanczos3-resampled to [`SIZE`]; transparency survives.
///
/// # Errors
/// [`PictureError::TooLarge`] past [`MAX_UPLOAD_BYTES`], [`PictureError::UnsupportedType`]
/// for any other format (SVG, BMP, TIFF, HEIC...), [`PictureError::Invalid`] when the data
/// does not decode or has more than [`MAX_PIXELS`] pixels.
pub fn normalize_upload(bytes: &[u8]) -> Result<Vec<u8>, PictureError> {
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(PictureError::TooLarge {
            max_bytes: MAX_UPLOAD_BYTES,
        });
    }
    let format = image::guess_format(bytes).map_err(|_| PictureError::UnsupportedType)?;
    if !matches!(
        format,
        ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::Gif | ImageFormat::WebP
    ) {
        return Err(PictureError::UnsupportedType);
    }

    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_DECODE_ALLOC);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(decode_error)?;
    let (width, height) = decoder.dimensions();
    if width == 0 || height == 0 {
        return Err(PictureError::Invalid("the image has no pixels".to_owned()));
    }
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(PictureError::Invalid(format!(
            "the image has more than {} megapixels",
            MAX_PIXELS / 1_000_000
        )));
    }
    // A damaged EXIF block should not sink an otherwise fine photo: show it unrotated.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let decoded = DynamicImage::from_decoder(decoder).map_err(decode_error)?;

    // Crop and resample before rotating: the centred square of the rotated image is the
    // rotated centred square, and turning 300×300 is cheaper than turning the full photo.
    let side = width.min(height);
    let square = if width == height {
        decoded
    } else {
        decoded.crop_imm((width - side) / 2, (height - side) / 2, side, side)
    };
    let mut avatar = if square.color().has_alpha() {
        DynamicImage::ImageRgba8(resize_with_alpha(square.into_rgba8()))
    } else {
        DynamicImage::ImageRgb8(resample(&square.into_rgb8()))
    };
    avatar.apply_orientation(orientation);

    let color = if avatar.color().has_alpha() {
        ExtendedColorType::Rgba8
    } else {
        ExtendedColorType::Rgb8
    };
    encode_png(avatar.as_bytes(), color)
        .map_err(|err| PictureError::Invalid(format!("the image could not be re-encoded: {err}")))
}

/// Lanczos3 on premultiplied alpha: resampling straight RGBA drags the (often black) colour
/// of fully transparent pixels into the edges, leaving a dark fringe.
fn resize_with_alpha(mut rgba: RgbaImage) -> RgbaImage {
    for px in rgba.pixels_mut() {
        let a = u16::from(px.0[3]);
        for c in &mut px.0[..3] {
            *c = ((u16::from(*c) * a + 127) / 255) as u8;
        }
    }
    let mut out = resample(&rgba);
    for px in out.pixels_mut() {
        let a = u16::from(px.0[3]);
        for c in &mut px.0[..3] {
            *c = match a {
                0 => 0,
                _ => ((u16::from(*c) * 255 + a / 2) / a).min(255) as u8,
            };
        }
    }
    out
}

/// Square to SIZE×SIZE with Lanczos3. A big photo is first box-averaged by an integer-ish
/// factor to 3–6× the target: same look, a fraction of the work of a 100-tap Lanczos kernel.
fn resample<P>(square: &ImageBuffer<P, Vec<u8>>) -> ImageBuffer<P, Vec<u8>>
where
    P: Pixel<Subpixel = u8> + 'static,
{
    let factor = square.width() / (3 * SIZE);
    if factor < 2 {
        return imageops::resize(square, SIZE, SIZE, FilterType::Lanczos3);
    }
    let side = square.width() / factor;
    let shrunk = imageops::thumbnail(square, side, side);
    imageops::resize(&shrunk, SIZE, SIZE, FilterType::Lanczos3)
}

/// Encodes a SIZE×SIZE buffer as PNG. Only pixels are written: no EXIF, text or time chunks.
fn encode_png(pixels: &[u8], color: ExtendedColorType) -> Result<Vec<u8>, ImageError> {
    let mut png = Vec::new();
    PngEncoder::new(&mut png).write_image(pixels, SIZE, SIZE, color)?;
    Ok(png)
}

/// Maps decoder failures to the upload error the user sees.
fn decode_error(err: ImageError) -> PictureError {
    match err {
        ImageError::Unsupported(_) => PictureError::UnsupportedType,
        ImageError::Limits(_) => {
            PictureError::Invalid("the image is too large to decode".to_owned())
        }
        other => {
            tracing::debug!(error = %other, "uploaded image does not decode");
            PictureError::Invalid("the image data is corrupt or truncated".to_owned())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::codecs::jpeg::JpegEncoder;
    use image::{GenericImageView, Rgb, RgbImage, Rgba};

    fn decode(png: &[u8]) -> DynamicImage {
        assert_eq!(image::guess_format(png).unwrap(), ImageFormat::Png);
        image::load_from_memory_with_format(png, ImageFormat::Png).unwrap()
    }

    fn jpeg(img: &RgbImage) -> Vec<u8> {
        let mut out = Vec::new();
        JpegEncoder::new_with_quality(&mut out, 95)
            .encode_image(img)
            .unwrap();
        out
    }

    fn png(img: &DynamicImage) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, ImageFormat::Png).unwrap();
        out.into_inner()
    }

    fn rgb_at(img: &DynamicImage, x: u32, y: u32) -> [u8; 3] {
        let p = img.get_pixel(x, y).0;
        [p[0], p[1], p[2]]
    }

    fn close(actual: [u8; 3], expected: [u8; 3]) -> bool {
        actual
            .iter()
            .zip(expected)
            .all(|(&a, e)| a.abs_diff(e) <= 24)
    }

    #[test]
    fn initials_from_names() {
        assert_eq!(initials("John", "Doe", "jdoe"), "JD");
        assert_eq!(initials("john", "doe", "jdoe"), "JD");
        assert_eq!(initials("John", "", "jdoe"), "J");
        assert_eq!(initials("", "Doe", "jdoe"), "D");
        assert_eq!(initials("  (Bob)", "'Tex'", "x"), "BT");
    }

    #[test]
    fn initials_fall_back_to_username() {
        assert_eq!(initials("", "", "alice"), "AL");
        assert_eq!(initials(" ", "", "a.b"), "AB");
        assert_eq!(initials("", "", "x"), "X");
        assert_eq!(initials("", "", "42go"), "42");
    }

    #[test]
    fn initials_are_unicode_aware() {
        assert_eq!(initials("élodie", "ßmith", "e"), "ÉS");
        assert_eq!(initials("Łukasz", "Ørsted", "l"), "ŁØ");
        assert_eq!(initials("", "", "ñu"), "ÑU");
        assert_eq!(initials("Ελένη", "", "e"), "Ε");
    }

    #[test]
    fn initials_never_empty() {
        assert_eq!(initials("", "", ""), "?");
        assert_eq!(initials("--", "..", "__"), "?");
    }

    #[test]
    fn embedded_font_parses_and_covers_the_basics() {
        let font = FontRef::try_from_slice(FONT).unwrap();
        for c in ('A'..='Z').chain('0'..='9').chain("?ÉÖØÆŁŒŽ".chars()) {
            assert_ne!(font.glyph_id(c), GlyphId(0), "missing glyph for {c}");
        }
        // Kerning made it into the legacy table ab_glyph reads.
        assert!(font.kern_unscaled(font.glyph_id('A'), font.glyph_id('V')) < 0.0);
    }

    #[test]
    fn initials_png_is_a_white_300_square_with_dark_centre() {
        let img = decode(&initials_png("JD")).to_luma8();
        assert_eq!(img.dimensions(), (SIZE, SIZE));
        for (x, y) in [(0, 0), (SIZE - 1, 0), (0, SIZE - 1), (SIZE - 1, SIZE - 1)] {
            assert_eq!(img.get_pixel(x, y).0[0], 255);
        }
        let dark_in_middle = (100..200)
            .flat_map(|y| (75..225).map(move |x| (x, y)))
            .filter(|&(x, y)| img.get_pixel(x, y).0[0] < 64)
            .count();
        assert!(dark_in_middle > 1_000, "only {dark_in_middle} dark pixels");
    }

    #[test]
    fn initials_png_is_deterministic_and_depends_on_text() {
        assert_eq!(initials_png("AB"), initials_png("AB"));
        assert_ne!(initials_png("AB"), initials_png("CD"));
    }

    #[test]
    fn wide_initials_stay_inside_the_circle() {
        for text in ["WW", "MW", "ŒW", "ÅÑ", "Q", "JD", "ŠŽ"] {
            let img = decode(&initials_png(text)).to_luma8();
            let c = SIZE as f32 / 2.0;
            let mut inked = 0;
            for (x, y, p) in img.enumerate_pixels() {
                if p.0[0] < 250 {
                    inked += 1;
                    let r = (x as f32 + 0.5 - c).hypot(y as f32 + 0.5 - c);
                    assert!(r < SAFE_RADIUS + 2.0, "{text}: ink at radius {r}");
                }
            }
            assert!(inked > 500, "{text}: almost no ink");
        }
    }

    #[test]
    fn unknown_characters_render_as_question_mark() {
        assert_eq!(initials_png("Ж"), initials_png("?"));
        assert_eq!(initials_png(""), initials_png("?"));
        assert_eq!(initials_png("A😀"), initials_png("A?"));
    }

    #[test]
    fn writes_sample_for_eyeballing() {
        // Not an assertion: leaves $TMPDIR/initials-JD.png behind for a human to look at.
        std::fs::write(
            std::env::temp_dir().join("initials-JD.png"),
            initials_png("JD"),
        )
        .unwrap();
    }

    #[test]
    fn landscape_jpeg_becomes_300_square_png() {
        let src = RgbImage::from_fn(640, 480, |x, _| {
            // Outer 80 px on each side red, the centre 480×480 square green.
            if (80..560).contains(&x) {
                Rgb([0, 200, 0])
            } else {
                Rgb([220, 0, 0])
            }
        });
        let out = decode(&normalize_upload(&jpeg(&src)).unwrap());
        assert_eq!(out.dimensions(), (SIZE, SIZE));
        assert!(!out.color().has_alpha());
        for x in [2, 150, 297] {
            assert!(close(rgb_at(&out, x, 150), [0, 200, 0]), "x={x}");
        }
    }

    #[test]
    fn tall_png_is_centre_cropped() {
        let src = RgbImage::from_fn(100, 400, |_, y| {
            if (150..250).contains(&y) {
                Rgb([0, 0, 230])
            } else {
                Rgb([230, 230, 0])
            }
        });
        let out = decode(&normalize_upload(&png(&DynamicImage::ImageRgb8(src))).unwrap());
        assert_eq!(out.dimensions(), (SIZE, SIZE));
        for y in [2, 150, 297] {
            assert!(close(rgb_at(&out, 150, y), [0, 0, 230]), "y={y}");
        }
    }

    /// Splices an APP1 Exif segment holding only `Orientation = value` after the SOI marker.
    fn with_exif_orientation(jpeg: &[u8], value: u16) -> Vec<u8> {
        let mut tiff = b"II*\0".to_vec();
        tiff.extend_from_slice(&8_u32.to_le_bytes()); // first IFD right after the header
        tiff.extend_from_slice(&1_u16.to_le_bytes()); // one entry
        tiff.extend_from_slice(&0x0112_u16.to_le_bytes()); // Orientation
        tiff.extend_from_slice(&3_u16.to_le_bytes()); // SHORT
        tiff.extend_from_slice(&1_u32.to_le_bytes()); // count
        tiff.extend_from_slice(&value.to_le_bytes());
        tiff.extend_from_slice(&[0, 0]); // value padding
        tiff.extend_from_slice(&0_u32.to_le_bytes()); // no next IFD
        let mut payload = b"Exif\0\0".to_vec();
        payload.extend_from_slice(&tiff);
        let len = u16::try_from(payload.len() + 2).unwrap();
        let mut out = jpeg[..2].to_vec();
        out.extend_from_slice(&[0xFF, 0xE1]);
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(&payload);
        out.extend_from_slice(&jpeg[2..]);
        out
    }

    #[test]
    fn jpeg_exif_orientation_is_applied() {
        // Top half red, bottom half blue; orientation 6 means "rotate 90° clockwise to view".
        let src = RgbImage::from_fn(200, 200, |_, y| {
            if y < 100 {
                Rgb([220, 0, 0])
            } else {
                Rgb([0, 0, 220])
            }
        });
        let plain = decode(&normalize_upload(&jpeg(&src)).unwrap());
        assert!(close(rgb_at(&plain, 150, 40), [220, 0, 0]));
        let rotated = decode(&normalize_upload(&with_exif_orientation(&jpeg(&src), 6)).unwrap());
        assert!(
            close(rgb_at(&rotated, 260, 150), [220, 0, 0]),
            "red moves right"
        );
        assert!(
            close(rgb_at(&rotated, 40, 150), [0, 0, 220]),
            "blue moves left"
        );
    }

    #[test]
    fn transparency_survives_without_dark_fringe() {
        // A white disc on fully transparent *black*: naive resampling greys its rim.
        let src = RgbaImage::from_fn(600, 600, |x, y| {
            let d = (x as f32 - 300.0).hypot(y as f32 - 300.0);
            if d < 200.0 {
                Rgba([255, 255, 255, 255])
            } else {
                Rgba([0, 0, 0, 0])
            }
        });
        let out = decode(&normalize_upload(&png(&DynamicImage::ImageRgba8(src))).unwrap());
        assert!(out.color().has_alpha());
        assert_eq!(out.get_pixel(0, 0).0[3], 0);
        assert_eq!(out.get_pixel(150, 150).0, [255, 255, 255, 255]);
        for (_, _, p) in out.pixels() {
            if p.0[3] > 16 {
                assert!(p.0[0] > 200, "dark fringe pixel {:?}", p.0);
            }
        }
    }

    #[test]
    fn big_images_are_box_shrunk_then_resampled() {
        // 1 800 px takes the pre-shrink path; the edge must stay where it was, and sharp.
        let src = image::GrayImage::from_fn(1800, 1800, |x, _| {
            image::Luma([if x < 900 { 0 } else { 255 }])
        });
        let out = resample(&src);
        assert_eq!(out.dimensions(), (SIZE, SIZE));
        assert!(out.get_pixel(145, 150).0[0] < 16);
        assert!(out.get_pixel(154, 150).0[0] > 239);
    }

    #[test]
    fn gif_and_webp_are_accepted() {
        let src =
            DynamicImage::ImageRgba8(RgbaImage::from_pixel(50, 80, Rgba([10, 120, 240, 255])));
        for format in [ImageFormat::Gif, ImageFormat::WebP] {
            let mut bytes = Cursor::new(Vec::new());
            src.write_to(&mut bytes, format).unwrap();
            let out = decode(&normalize_upload(bytes.get_ref()).unwrap());
            assert_eq!(out.dimensions(), (SIZE, SIZE), "{format:?}");
            assert!(close(rgb_at(&out, 150, 150), [10, 120, 240]), "{format:?}");
        }
    }

    #[test]
    fn metadata_is_stripped() {
        let src = RgbImage::from_pixel(64, 64, Rgb([1, 2, 3]));
        let out = normalize_upload(&with_exif_orientation(&jpeg(&src), 1)).unwrap();
        assert!(
            !out.windows(4)
                .any(|w| w == b"eXIf" || w == b"tEXt" || w == b"iTXt")
        );
        assert!(!out.windows(4).any(|w| w == b"Exif"));
    }

    #[test]
    fn garbage_is_refused() {
        let err = normalize_upload(b"definitely not an image, just some text").unwrap_err();
        assert!(matches!(err, PictureError::UnsupportedType), "{err:?}");
        let err = normalize_upload(&[]).unwrap_err();
        assert!(matches!(err, PictureError::UnsupportedType), "{err:?}");
    }

    #[test]
    fn truncated_image_is_invalid() {
        let full = jpeg(&RgbImage::from_pixel(64, 64, Rgb([9, 9, 9])));
        let err = normalize_upload(&full[..full.len() / 3]).unwrap_err();
        assert!(matches!(err, PictureError::Invalid(_)), "{err:?}");
        let err = normalize_upload(b"\x89PNG\r\n\x1a\n\0\0\0\0junk").unwrap_err();
        assert!(matches!(err, PictureError::Invalid(_)), "{err:?}");
    }

    #[test]
    fn other_formats_are_unsupported() {
        let svg = br#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>"#;
        let bmp = b"BM\x3a\0\0\0\0\0\0\0\x36\0\0\0\x28\0\0\0\x01\0\0\0\x01\0\0\0\x01\0\x18\0";
        let tiff = b"II*\0\x08\0\0\0\0\0";
        let ico = b"\0\0\x01\0\x01\0\x10\x10\0\0\x01\0\x20\0";
        for bytes in [&svg[..], &bmp[..], &tiff[..], &ico[..]] {
            let err = normalize_upload(bytes).unwrap_err();
            assert!(matches!(err, PictureError::UnsupportedType), "{err:?}");
        }
    }

    #[test]
    fn oversized_upload_is_refused_unread() {
        let err = normalize_upload(&vec![0xFF; MAX_UPLOAD_BYTES + 1]).unwrap_err();
        assert!(
            matches!(err, PictureError::TooLarge { max_bytes } if max_bytes == MAX_UPLOAD_BYTES),
            "{err:?}"
        );
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = !0_u32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    #[test]
    fn decode_bomb_is_refused_from_the_header() {
        // A tiny PNG whose header claims 50 000 × 50 000 pixels (10 GB of RGBA).
        let mut ihdr = b"IHDR".to_vec();
        ihdr.extend_from_slice(&50_000_u32.to_be_bytes());
        ihdr.extend_from_slice(&50_000_u32.to_be_bytes());
        ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
        let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
        bytes.extend_from_slice(&13_u32.to_be_bytes());
        bytes.extend_from_slice(&ihdr);
        bytes.extend_from_slice(&crc32(&ihdr).to_be_bytes());
        bytes.extend_from_slice(&0_u32.to_be_bytes());
        bytes.extend_from_slice(b"IEND");
        bytes.extend_from_slice(&crc32(b"IEND").to_be_bytes());
        let err = normalize_upload(&bytes).unwrap_err();
        assert!(matches!(err, PictureError::Invalid(_)), "{err:?}");
    }
}
