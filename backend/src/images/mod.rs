//! Uploaded images, for every feature that takes one (application images, client logos): the
//! format sniffed from the bytes (never from names or content types), size and pixel limits,
//! metadata stripped, and SVGs refused when they carry active content.
//!
//! Metadata: JPEG and PNG are decoded and re-encoded with the `image` crate (EXIF orientation
//! applied first, the colour profile kept, everything else dropped); WebP keeps its pixels and
//! loses its `EXIF` and `XMP ` chunks (the crate's WebP encoder is lossless-only, so re-encoding
//! would bloat photos and flatten animations). GIF, ICO, AVIF and HEIC are checked and stored as
//! they are, as in Pocket ID. [`sanitize`] is CPU-bound for big photos: call it through
//! [`sanitize_blocking`] from async code.

use crate::error::AppError;
use axum::extract::Multipart;
use axum::http::StatusCode;
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageEncoder, ImageFormat, ImageReader, Limits};
use pocket_shared::ErrorCode;
use std::io::Cursor;

mod svg;

/// Largest accepted upload (Pocket ID's limit): 10 MiB.
pub const MAX_UPLOAD_BYTES: usize = 10 * 1024 * 1024;

/// Largest accepted decoded image, 40 megapixels, refused from the header before the pixel
/// buffer is allocated, so a small compressed "decode bomb" cannot claim gigabytes.
pub const MAX_PIXELS: u64 = 40_000_000;

/// Allocation ceiling handed to the decoders (40 MP of 16-bit RGBA is 320 MB).
const MAX_DECODE_ALLOC: u64 = 384 * 1024 * 1024;

/// JPEG quality of re-encoded photos: visually lossless, about the size of a camera's output.
const JPEG_QUALITY: u8 = 90;

/// An accepted image format (Pocket ID's list: jpg, jpeg, png, svg, ico, gif, webp, avif, heic).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImageKind {
    Jpeg,
    Png,
    Gif,
    Webp,
    Avif,
    Heic,
    Ico,
    Svg,
}

impl ImageKind {
    /// Every accepted format.
    pub const ALL: &'static [ImageKind] = &[
        Self::Png,
        Self::Jpeg,
        Self::Svg,
        Self::Webp,
        Self::Ico,
        Self::Gif,
        Self::Avif,
        Self::Heic,
    ];

    /// The file extension stored images get (`jpg` for JPEG).
    pub fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::Gif => "gif",
            Self::Webp => "webp",
            Self::Avif => "avif",
            Self::Heic => "heic",
            Self::Ico => "ico",
            Self::Svg => "svg",
        }
    }

    /// The `Content-Type` to serve it with.
    pub fn mime(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Gif => "image/gif",
            Self::Webp => "image/webp",
            Self::Avif => "image/avif",
            Self::Heic => "image/heic",
            Self::Ico => "image/x-icon",
            Self::Svg => "image/svg+xml",
        }
    }

    /// The format a stored file's extension names (`jpeg` and `jpg` alike; any case).
    pub fn from_extension(ext: &str) -> Option<Self> {
        match ext.to_ascii_lowercase().as_str() {
            "jpg" | "jpeg" => Some(Self::Jpeg),
            "png" => Some(Self::Png),
            "gif" => Some(Self::Gif),
            "webp" => Some(Self::Webp),
            "avif" => Some(Self::Avif),
            "heic" => Some(Self::Heic),
            "ico" => Some(Self::Ico),
            "svg" => Some(Self::Svg),
            _ => None,
        }
    }

    /// Every extension a stored file of an accepted format may have (`jpeg` included), for
    /// finding an image whatever it was uploaded as.
    pub const STORED_EXTENSIONS: &'static [&'static str] = &[
        "png", "jpg", "jpeg", "svg", "webp", "ico", "gif", "avif", "heic",
    ];
}

/// Why an upload was refused.
#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    /// The upload is bigger than the limit.
    #[error("the file is larger than {max_bytes} bytes")]
    TooLarge { max_bytes: usize },
    /// The bytes are not one of the formats allowed here.
    #[error("unsupported file type: use {allowed}")]
    UnsupportedType { allowed: String },
    /// The bytes claim an allowed format but cannot be used (corrupt, empty, too many pixels).
    #[error("invalid image: {0}")]
    Invalid(String),
    /// An SVG with scripts, event handlers, `javascript:` URLs or external references.
    #[error("the SVG is not allowed: {0}")]
    UnsafeSvg(&'static str),
}

impl From<ImageError> for AppError {
    fn from(e: ImageError) -> Self {
        let (status, code) = match &e {
            ImageError::TooLarge { .. } => (StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::FileTooLarge),
            ImageError::UnsupportedType { .. } => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorCode::FileTypeNotSupported,
            ),
            ImageError::Invalid(_) | ImageError::UnsafeSvg(_) => {
                (StatusCode::BAD_REQUEST, ErrorCode::InvalidImage)
            }
        };
        AppError::coded(status, code, e.to_string())
    }
}

/// An accepted upload, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sanitized {
    pub kind: ImageKind,
    pub bytes: Vec<u8>,
}

/// The format of `bytes` by its signature, if it is one of the accepted ones.
pub fn sniff(bytes: &[u8]) -> Option<ImageKind> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Some(ImageKind::Jpeg);
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some(ImageKind::Png);
    }
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        return Some(ImageKind::Gif);
    }
    if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        return Some(ImageKind::Webp);
    }
    if bytes.len() >= 6 && bytes[..4] == [0, 0, 1, 0] && bytes[4..6] != [0, 0] {
        return Some(ImageKind::Ico);
    }
    if let Some(kind) = isobmff_kind(bytes) {
        return Some(kind);
    }
    looks_like_svg(bytes).then_some(ImageKind::Svg)
}

/// AVIF or HEIC from the ISO-BMFF `ftyp` box: its major and compatible brands.
fn isobmff_kind(bytes: &[u8]) -> Option<ImageKind> {
    if bytes.len() < 16 || &bytes[4..8] != b"ftyp" {
        return None;
    }
    let size = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as usize;
    if size < 16 || size > bytes.len() || !size.is_multiple_of(4) {
        return None;
    }
    // Major brand at 8..12, minor version at 12..16, compatible brands after.
    let brands: Vec<&[u8]> = std::iter::once(&bytes[8..12])
        .chain(bytes[16..size].chunks_exact(4))
        .collect();
    if brands.iter().any(|b| matches!(*b, b"avif" | b"avis")) {
        return Some(ImageKind::Avif);
    }
    let heif = |b: &[u8]| {
        matches!(
            b,
            b"heic" | b"heix" | b"heim" | b"heis" | b"hevc" | b"hevx" | b"mif1" | b"msf1"
        )
    };
    brands.iter().any(|b| heif(b)).then_some(ImageKind::Heic)
}

/// Text whose first element is `<svg` (after an optional BOM, XML declaration and comments).
fn looks_like_svg(bytes: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return false;
    };
    let mut rest = text.trim_start_matches('\u{feff}').trim_start();
    loop {
        if let Some(after) = rest.strip_prefix("<?") {
            let Some(end) = after.find("?>") else {
                return false;
            };
            rest = after[end + 2..].trim_start();
        } else if let Some(after) = rest.strip_prefix("<!--") {
            let Some(end) = after.find("-->") else {
                return false;
            };
            rest = after[end + 3..].trim_start();
        } else if rest
            .get(..9)
            .is_some_and(|p| p.eq_ignore_ascii_case("<!doctype"))
        {
            // A DOCTYPE is refused later, but the file is still recognisably an SVG.
            return rest.to_ascii_lowercase().contains("<svg");
        } else {
            let lower = rest.get(..4).map(str::to_ascii_lowercase);
            return lower.as_deref() == Some("<svg")
                && rest[4..]
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_whitespace() || c == '>' || c == '/');
        }
    }
}

/// Checks an upload and returns what to store: the format must be sniffed from the bytes and
/// be one of `allowed`; raster images must decode within the limits; metadata is stripped and
/// SVGs must be free of active content.
///
/// # Errors
/// [`ImageError::TooLarge`] past `max_bytes`, [`ImageError::UnsupportedType`] for another
/// format, [`ImageError::Invalid`] when the data does not decode or has more than
/// [`MAX_PIXELS`] pixels, [`ImageError::UnsafeSvg`] for an SVG with active content.
pub fn sanitize(
    bytes: &[u8],
    allowed: &[ImageKind],
    max_bytes: usize,
) -> Result<Sanitized, ImageError> {
    if bytes.len() > max_bytes {
        return Err(ImageError::TooLarge { max_bytes });
    }
    let unsupported = || ImageError::UnsupportedType {
        allowed: allowed
            .iter()
            .map(|k| k.extension())
            .collect::<Vec<_>>()
            .join(", "),
    };
    let kind = sniff(bytes).ok_or_else(unsupported)?;
    if !allowed.contains(&kind) {
        return Err(unsupported());
    }
    let out = match kind {
        ImageKind::Jpeg => reencode(bytes, ImageFormat::Jpeg)?,
        ImageKind::Png => reencode(bytes, ImageFormat::Png)?,
        ImageKind::Webp => {
            check_decodes(bytes, ImageFormat::WebP)?;
            strip_webp_metadata(bytes)?
        }
        ImageKind::Gif => {
            check_decodes(bytes, ImageFormat::Gif)?;
            bytes.to_vec()
        }
        ImageKind::Ico => {
            check_ico(bytes)?;
            bytes.to_vec()
        }
        // No decoder for these in this build: the container was recognised, that is all.
        ImageKind::Avif | ImageKind::Heic => bytes.to_vec(),
        ImageKind::Svg => {
            svg::check_svg(bytes)?;
            bytes.to_vec()
        }
    };
    Ok(Sanitized { kind, bytes: out })
}

/// [`sanitize`] on a blocking thread (decoding a big photo takes a few hundred milliseconds).
pub async fn sanitize_blocking(
    bytes: Vec<u8>,
    allowed: &'static [ImageKind],
    max_bytes: usize,
) -> Result<Sanitized, AppError> {
    tokio::task::spawn_blocking(move || sanitize(&bytes, allowed, max_bytes))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::from)
}

/// Reads the multipart field `file`, refusing it as soon as it passes `max_bytes` (without
/// buffering the rest). Other fields are skipped.
pub async fn read_multipart_file(
    multipart: &mut Multipart,
    max_bytes: usize,
) -> Result<Vec<u8>, AppError> {
    let invalid = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::from(ImageError::TooLarge { max_bytes })
        } else {
            AppError::InvalidBody(e.body_text())
        }
    };
    while let Some(mut field) = multipart.next_field().await.map_err(invalid)? {
        if field.name() != Some("file") {
            continue;
        }
        let mut data = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(invalid)? {
            if data.len() + chunk.len() > max_bytes {
                return Err(ImageError::TooLarge { max_bytes }.into());
            }
            data.extend_from_slice(&chunk);
        }
        return Ok(data);
    }
    Err(AppError::field("file", "required", "is required"))
}

fn reader(bytes: &[u8], format: ImageFormat) -> ImageReader<Cursor<&[u8]>> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_DECODE_ALLOC);
    reader.limits(limits);
    reader
}

/// Refuses empty images and those past [`MAX_PIXELS`], from the header alone.
fn check_dimensions(width: u32, height: u32) -> Result<(), ImageError> {
    if width == 0 || height == 0 {
        return Err(ImageError::Invalid("the image has no pixels".to_owned()));
    }
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(ImageError::Invalid(format!(
            "the image has more than {} megapixels",
            MAX_PIXELS / 1_000_000
        )));
    }
    Ok(())
}

fn decode_error(err: image::ImageError) -> ImageError {
    match err {
        image::ImageError::Limits(_) => {
            ImageError::Invalid("the image is too large to decode".to_owned())
        }
        other => {
            tracing::debug!(error = %other, "uploaded image does not decode");
            ImageError::Invalid("the image data is corrupt or truncated".to_owned())
        }
    }
}

/// Decodes the whole image (first frame) to prove it is one.
fn check_decodes(bytes: &[u8], format: ImageFormat) -> Result<(), ImageError> {
    let decoder = reader(bytes, format).into_decoder().map_err(decode_error)?;
    let (w, h) = decoder.dimensions();
    check_dimensions(w, h)?;
    DynamicImage::from_decoder(decoder).map_err(decode_error)?;
    Ok(())
}

/// Decodes and re-encodes a JPEG or PNG: only pixels and the colour profile survive.
fn reencode(bytes: &[u8], format: ImageFormat) -> Result<Vec<u8>, ImageError> {
    let mut decoder = reader(bytes, format).into_decoder().map_err(decode_error)?;
    let (w, h) = decoder.dimensions();
    check_dimensions(w, h)?;
    // A damaged EXIF block should not sink an otherwise fine image: keep it unrotated.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let icc = decoder.icc_profile().ok().flatten();
    let mut img = DynamicImage::from_decoder(decoder).map_err(decode_error)?;
    // The orientation tag is dropped with the rest of the EXIF block, so bake it in.
    img.apply_orientation(orientation);
    let encode_failed = |e: image::ImageError| {
        ImageError::Invalid(format!("the image could not be re-encoded: {e}"))
    };
    let mut out = Vec::new();
    if format == ImageFormat::Jpeg {
        let mut encoder = JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY);
        if let Some(icc) = icc {
            // Unsupported profiles are simply not embedded.
            let _ = encoder.set_icc_profile(icc);
        }
        let img = match img {
            DynamicImage::ImageLuma8(_) => img,
            other => DynamicImage::ImageRgb8(other.into_rgb8()),
        };
        img.write_with_encoder(encoder).map_err(encode_failed)?;
    } else {
        let mut encoder = PngEncoder::new(&mut out);
        if let Some(icc) = icc {
            let _ = encoder.set_icc_profile(icc);
        }
        // Floating-point buffers (never produced by the PNG decoder) cannot be PNG-encoded.
        let img = match img {
            DynamicImage::ImageRgb32F(_) | DynamicImage::ImageRgba32F(_) => {
                DynamicImage::ImageRgba16(img.into_rgba16())
            }
            other => other,
        };
        img.write_with_encoder(encoder).map_err(encode_failed)?;
    }
    Ok(out)
}

/// Drops the `EXIF` and `XMP ` chunks of a WebP (and their `VP8X` flags); pixels, alpha,
/// animation and colour profile are kept byte for byte.
fn strip_webp_metadata(bytes: &[u8]) -> Result<Vec<u8>, ImageError> {
    let corrupt = || ImageError::Invalid("the WebP container is malformed".to_owned());
    let riff_len = bytes
        .get(4..8)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
        .ok_or_else(corrupt)?;
    let end = riff_len.checked_add(8).ok_or_else(corrupt)?;
    let body = bytes.get(12..end).ok_or_else(corrupt)?;
    let mut chunks = Vec::new();
    let mut pos = 0;
    while pos < body.len() {
        let header = body.get(pos..pos + 8).ok_or_else(corrupt)?;
        let len = u32::from_le_bytes([header[4], header[5], header[6], header[7]]) as usize;
        let padded = len + (len & 1);
        let chunk = body.get(pos..pos + 8 + len).ok_or_else(corrupt)?;
        chunks.push(chunk);
        pos += 8 + padded;
    }
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(b"RIFF\0\0\0\0WEBP");
    for chunk in chunks {
        match &chunk[..4] {
            b"EXIF" | b"XMP " => continue,
            b"VP8X" if chunk.len() > 8 => {
                out.extend_from_slice(&chunk[..8]);
                // Flags byte: clear "has EXIF" (0x08) and "has XMP" (0x04).
                out.push(chunk[8] & !0x0C);
                out.extend_from_slice(&chunk[9..]);
            }
            _ => out.extend_from_slice(chunk),
        }
        if chunk.len() % 2 == 1 {
            out.push(0);
        }
    }
    let riff = u32::try_from(out.len() - 8).map_err(|_| corrupt())?;
    out[4..8].copy_from_slice(&riff.to_le_bytes());
    Ok(out)
}

/// An ICO directory whose entries point inside the file at PNG or BMP data.
fn check_ico(bytes: &[u8]) -> Result<(), ImageError> {
    let bad = |m: &str| Err(ImageError::Invalid(format!("invalid icon: {m}")));
    let count = usize::from(u16::from_le_bytes([bytes[4], bytes[5]]));
    if bytes.len() < 6 + 16 * count {
        return bad("the directory is truncated");
    }
    for i in 0..count {
        let e = &bytes[6 + 16 * i..6 + 16 * (i + 1)];
        let size = u32::from_le_bytes([e[8], e[9], e[10], e[11]]) as usize;
        let offset = u32::from_le_bytes([e[12], e[13], e[14], e[15]]) as usize;
        let Some(data) = offset
            .checked_add(size)
            .and_then(|end| bytes.get(offset..end))
        else {
            return bad("an entry points outside the file");
        };
        let png = data.starts_with(b"\x89PNG\r\n\x1a\n");
        let bmp = data.len() >= 40 && data[..4] == 40_u32.to_le_bytes();
        if !png && !bmp {
            return bad("an entry is neither PNG nor BMP data");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
