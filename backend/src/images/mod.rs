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
        AppError::Coded {
            status,
            code,
            message: e.to_string().into(),
        }
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
    if size < 16 || size > bytes.len() || size % 4 != 0 {
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
            check_svg(bytes)?;
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

/// Elements that run code or embed other documents.
const SVG_FORBIDDEN_ELEMENTS: &[&str] = &[
    "script",
    "foreignobject",
    "iframe",
    "embed",
    "object",
    "audio",
    "video",
    "handler",
    "listener",
    "base",
    "meta",
    "link",
];

/// `bytes` as lower-case text without whitespace and control characters, which browsers
/// ignore inside URL schemes (`java\tscript:`).
fn squeezed(value: &str) -> String {
    value
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .flat_map(char::to_lowercase)
        .collect()
}

fn has_script_url(value: &str) -> bool {
    let v = squeezed(value);
    [
        "javascript:",
        "vbscript:",
        "data:text/html",
        "data:application/",
    ]
    .iter()
    .any(|s| v.contains(s))
}

fn unsafe_css(css: &str) -> bool {
    let v = squeezed(css);
    has_script_url(css)
        || ["expression(", "@import", "-moz-binding", "behavior:"]
            .iter()
            .any(|s| v.contains(s))
}

/// Refuses SVGs with scripts, event handlers, `javascript:` URLs, DTDs (entity tricks),
/// embedded documents or references outside the file.
fn check_svg(bytes: &[u8]) -> Result<(), ImageError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| ImageError::Invalid("the SVG is not UTF-8 text".to_owned()))?
        .trim_start_matches('\u{feff}');
    let doc = roxmltree::Document::parse(text).map_err(|e| match e {
        roxmltree::Error::DtdDetected => {
            ImageError::UnsafeSvg("document type declarations are not allowed")
        }
        other => ImageError::Invalid(format!("the SVG is not well-formed XML: {other}")),
    })?;
    if !doc
        .root_element()
        .tag_name()
        .name()
        .eq_ignore_ascii_case("svg")
    {
        return Err(ImageError::Invalid(
            "the root element is not <svg>".to_owned(),
        ));
    }
    for node in doc.descendants() {
        if let Some(pi) = node.pi()
            && pi.target.eq_ignore_ascii_case("xml-stylesheet")
        {
            return Err(ImageError::UnsafeSvg(
                "external style sheets are not allowed",
            ));
        }
        if !node.is_element() {
            continue;
        }
        let name = node.tag_name().name().to_ascii_lowercase();
        if name == "script" {
            return Err(ImageError::UnsafeSvg("scripts are not allowed"));
        }
        if SVG_FORBIDDEN_ELEMENTS.contains(&name.as_str()) {
            return Err(ImageError::UnsafeSvg("embedded documents are not allowed"));
        }
        if name == "style" {
            let css: String = node
                .children()
                .filter_map(|c| c.text())
                .collect::<Vec<_>>()
                .concat();
            if unsafe_css(&css) {
                return Err(ImageError::UnsafeSvg("the style sheet has active content"));
            }
        }
        for attr in node.attributes() {
            let attr_name = attr.name().to_ascii_lowercase();
            if attr_name.starts_with("on") {
                return Err(ImageError::UnsafeSvg(
                    "event handler attributes are not allowed",
                ));
            }
            let value = attr.value();
            if has_script_url(value) {
                return Err(ImageError::UnsafeSvg("javascript: URLs are not allowed"));
            }
            if attr_name == "style" && unsafe_css(value) {
                return Err(ImageError::UnsafeSvg(
                    "the style attribute has active content",
                ));
            }
            if attr_name == "href" && !local_reference(value) {
                return Err(ImageError::UnsafeSvg(
                    "references outside the file are not allowed",
                ));
            }
            // <animate attributeName="href" to="..."> would rewrite a link after the checks.
            if attr_name == "attributename" && squeezed(value).ends_with("href") {
                return Err(ImageError::UnsafeSvg("animating links is not allowed"));
            }
        }
    }
    Ok(())
}

/// A fragment (`#id`) or an inline raster image (`data:image/png;base64,...`).
fn local_reference(href: &str) -> bool {
    let v = squeezed(href);
    v.is_empty()
        || v.starts_with('#')
        || [
            "data:image/png",
            "data:image/jpeg",
            "data:image/gif",
            "data:image/webp",
        ]
        .iter()
        .any(|p| v.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{GenericImageView, Rgb, RgbImage, Rgba, RgbaImage};

    fn encode(img: &DynamicImage, format: ImageFormat) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, format).unwrap();
        out.into_inner()
    }

    fn photo() -> DynamicImage {
        DynamicImage::ImageRgb8(RgbImage::from_fn(64, 32, |x, _| {
            if x < 32 {
                Rgb([200, 10, 10])
            } else {
                Rgb([10, 10, 200])
            }
        }))
    }

    /// Splices an APP1 Exif segment (orientation `value`, plus a fake GPS marker string)
    /// after the SOI marker.
    fn with_exif(jpeg: &[u8], value: u16) -> Vec<u8> {
        let mut tiff = b"II*\0".to_vec();
        tiff.extend_from_slice(&8_u32.to_le_bytes());
        tiff.extend_from_slice(&1_u16.to_le_bytes());
        tiff.extend_from_slice(&0x0112_u16.to_le_bytes());
        tiff.extend_from_slice(&3_u16.to_le_bytes());
        tiff.extend_from_slice(&1_u32.to_le_bytes());
        tiff.extend_from_slice(&value.to_le_bytes());
        tiff.extend_from_slice(&[0, 0]);
        tiff.extend_from_slice(&0_u32.to_le_bytes());
        tiff.extend_from_slice(b"GPS-SECRET-LOCATION");
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

    fn contains(hay: &[u8], needle: &[u8]) -> bool {
        hay.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn formats_are_sniffed_from_the_bytes() {
        let img = photo();
        assert_eq!(sniff(&encode(&img, ImageFormat::Png)), Some(ImageKind::Png));
        assert_eq!(
            sniff(&encode(&img, ImageFormat::Jpeg)),
            Some(ImageKind::Jpeg)
        );
        assert_eq!(sniff(&encode(&img, ImageFormat::Gif)), Some(ImageKind::Gif));
        assert_eq!(
            sniff(&encode(&img, ImageFormat::WebP)),
            Some(ImageKind::Webp)
        );
        assert_eq!(sniff(ICO), Some(ImageKind::Ico));
        assert_eq!(sniff(AVIF_HEAD), Some(ImageKind::Avif));
        assert_eq!(sniff(HEIC_HEAD), Some(ImageKind::Heic));
        assert_eq!(sniff(SVG), Some(ImageKind::Svg));
        assert_eq!(
            sniff(b"\xef\xbb\xbf<?xml version=\"1.0\"?>\n<!-- c -->\n<svg/>"),
            Some(ImageKind::Svg)
        );
        assert_eq!(sniff(b"<html><svg></svg></html>"), None);
        assert_eq!(sniff(b"<svgfoo/>"), None);
        assert_eq!(sniff(b"BM\x3a\0\0\0"), None);
        assert_eq!(sniff(b""), None);
    }

    const SVG: &[u8] = br##"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10"><defs><linearGradient id="g"/></defs><style>rect { fill: url(#g); }</style><rect width="10" height="10" style="fill:red"/><use xlink:href="#g"/></svg>"##;

    /// An ICO with one 1×1 PNG entry.
    const ICO: &[u8] = &[
        0, 0, 1, 0, 1, 0, // header: one image
        1, 1, 0, 0, 1, 0, 32, 0, 8, 0, 0, 0, 22, 0, 0, 0, // entry: 8 bytes at offset 22
        0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n',
    ];

    const AVIF_HEAD: &[u8] = b"\0\0\0\x1cftypavif\0\0\0\0avifmif1miaf";
    const HEIC_HEAD: &[u8] = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic";

    #[test]
    fn jpeg_metadata_is_stripped_and_orientation_applied() {
        let jpeg = with_exif(&encode(&photo(), ImageFormat::Jpeg), 6);
        assert!(contains(&jpeg, b"GPS-SECRET"));
        let out = sanitize(&jpeg, ImageKind::ALL, MAX_UPLOAD_BYTES).unwrap();
        assert_eq!(out.kind, ImageKind::Jpeg);
        assert!(!contains(&out.bytes, b"Exif"));
        assert!(!contains(&out.bytes, b"GPS-SECRET"));
        // Rotated 90° clockwise: 64×32 becomes 32×64, red on top.
        let img = image::load_from_memory(&out.bytes).unwrap();
        assert_eq!(img.dimensions(), (32, 64));
        assert!(img.get_pixel(16, 8).0[0] > 150);
    }

    #[test]
    fn png_text_chunks_are_stripped_and_alpha_kept() {
        let src = DynamicImage::ImageRgba8(RgbaImage::from_pixel(8, 8, Rgba([1, 2, 3, 100])));
        let png = encode(&src, ImageFormat::Png);
        // Insert a tEXt chunk after IHDR (8 + 25 bytes).
        let mut chunk = 12_u32.to_be_bytes().to_vec();
        chunk.extend_from_slice(b"tEXtAuthor\0Alice");
        let crc = !crc32(&chunk[4..]);
        chunk.extend_from_slice(&crc.to_be_bytes());
        let mut with_text = png[..33].to_vec();
        with_text.extend_from_slice(&chunk);
        with_text.extend_from_slice(&png[33..]);
        image::load_from_memory(&with_text).unwrap();
        let out = sanitize(&with_text, &[ImageKind::Png], MAX_UPLOAD_BYTES).unwrap();
        assert!(!contains(&out.bytes, b"tEXt"));
        assert!(!contains(&out.bytes, b"Alice"));
        let img = image::load_from_memory(&out.bytes).unwrap();
        assert_eq!(img.get_pixel(3, 3).0, [1, 2, 3, 100]);
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
        crc
    }

    #[test]
    fn webp_exif_and_xmp_chunks_are_dropped() {
        let plain = encode(&photo(), ImageFormat::WebP);
        // Rebuild as an extended WebP: VP8X with EXIF and XMP flags, the image, EXIF, XMP.
        let image_chunk = &plain[12..];
        let mut body = b"VP8X".to_vec();
        body.extend_from_slice(&10_u32.to_le_bytes());
        body.push(0x0C);
        body.extend_from_slice(&[0, 0, 0]);
        body.extend_from_slice(&[63, 0, 0, 31, 0, 0]); // 64×32, stored minus one
        body.extend_from_slice(image_chunk);
        body.extend_from_slice(b"EXIF");
        body.extend_from_slice(&7_u32.to_le_bytes());
        body.extend_from_slice(b"GPS-XYZ\0");
        body.extend_from_slice(b"XMP ");
        body.extend_from_slice(&4_u32.to_le_bytes());
        body.extend_from_slice(b"<x/>");
        let mut webp = b"RIFF".to_vec();
        webp.extend_from_slice(&u32::try_from(body.len() + 4).unwrap().to_le_bytes());
        webp.extend_from_slice(b"WEBP");
        webp.extend_from_slice(&body);

        let out = sanitize(&webp, ImageKind::ALL, MAX_UPLOAD_BYTES).unwrap();
        assert_eq!(out.kind, ImageKind::Webp);
        assert!(!contains(&out.bytes, b"GPS-XYZ"));
        assert!(!contains(&out.bytes, b"XMP "));
        assert_eq!(out.bytes[20] & 0x0C, 0, "flags cleared");
        let img = image::load_from_memory(&out.bytes).unwrap();
        assert_eq!(img.dimensions(), (64, 32));
    }

    #[test]
    fn only_allowed_formats_pass() {
        let png = encode(&photo(), ImageFormat::Png);
        let err = sanitize(&png, &[ImageKind::Jpeg], MAX_UPLOAD_BYTES).unwrap_err();
        assert!(matches!(err, ImageError::UnsupportedType { .. }), "{err:?}");
        let err = sanitize(b"plain text", ImageKind::ALL, MAX_UPLOAD_BYTES).unwrap_err();
        assert!(matches!(err, ImageError::UnsupportedType { .. }), "{err:?}");
    }

    #[test]
    fn size_limit_is_enforced() {
        let png = encode(&photo(), ImageFormat::Png);
        let err = sanitize(&png, ImageKind::ALL, png.len() - 1).unwrap_err();
        assert!(matches!(err, ImageError::TooLarge { .. }), "{err:?}");
    }

    #[test]
    fn corrupt_rasters_are_invalid() {
        let jpeg = encode(&photo(), ImageFormat::Jpeg);
        let err = sanitize(&jpeg[..jpeg.len() / 3], ImageKind::ALL, MAX_UPLOAD_BYTES).unwrap_err();
        assert!(matches!(err, ImageError::Invalid(_)), "{err:?}");
        let err = sanitize(b"GIF89a\x01", ImageKind::ALL, MAX_UPLOAD_BYTES).unwrap_err();
        assert!(matches!(err, ImageError::Invalid(_)), "{err:?}");
        let mut ico = ICO.to_vec();
        ico[18] = 200; // offset past the end
        let err = sanitize(&ico, ImageKind::ALL, MAX_UPLOAD_BYTES).unwrap_err();
        assert!(matches!(err, ImageError::Invalid(_)), "{err:?}");
    }

    #[test]
    fn icons_and_heif_containers_are_stored_as_they_are() {
        for (bytes, kind) in [
            (ICO, ImageKind::Ico),
            (AVIF_HEAD, ImageKind::Avif),
            (HEIC_HEAD, ImageKind::Heic),
        ] {
            let out = sanitize(bytes, ImageKind::ALL, MAX_UPLOAD_BYTES).unwrap();
            assert_eq!(
                out,
                Sanitized {
                    kind,
                    bytes: bytes.to_vec()
                }
            );
        }
    }

    #[test]
    fn plain_svg_is_accepted_unchanged() {
        let out = sanitize(SVG, ImageKind::ALL, MAX_UPLOAD_BYTES).unwrap();
        assert_eq!(out.kind, ImageKind::Svg);
        assert_eq!(out.bytes, SVG);
    }

    #[test]
    fn svg_with_active_content_is_refused() {
        let cases = [
            r#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg"><SCRIPT>alert(1)</SCRIPT></svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg"><rect OnClick="x()"/></svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><a xlink:href="javascript:alert(1)"><rect/></a></svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg"><a href="jav&#x09;ascript:alert(1)"><rect/></a></svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg"><a href="&#106;avascript:alert(1)"><rect/></a></svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg"><image href="https://tracker.example/p.png"/></svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject></svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(https://x/y.css);</style></svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg"><a><animate attributeName="href" to="javascript:alert(1)"/></a></svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg"><set attributeName="xlink:href" to="x"/></svg>"#,
            r#"<?xml-stylesheet href="evil.css"?><svg xmlns="http://www.w3.org/2000/svg"/>"#,
            r#"<!DOCTYPE svg [<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg"><iframe src="data:text/html,x"/></svg>"#,
        ];
        for svg in cases {
            let err = sanitize(svg.as_bytes(), ImageKind::ALL, MAX_UPLOAD_BYTES).unwrap_err();
            assert!(matches!(err, ImageError::UnsafeSvg(_)), "{svg}: {err:?}");
        }
    }

    #[test]
    fn malformed_svg_is_invalid() {
        let err = sanitize(b"<svg><g></svg>", ImageKind::ALL, MAX_UPLOAD_BYTES).unwrap_err();
        assert!(matches!(err, ImageError::Invalid(_)), "{err:?}");
    }

    #[test]
    fn decode_bombs_are_refused_from_the_header() {
        let mut ihdr = b"IHDR".to_vec();
        ihdr.extend_from_slice(&50_000_u32.to_be_bytes());
        ihdr.extend_from_slice(&50_000_u32.to_be_bytes());
        ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
        let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
        bytes.extend_from_slice(&13_u32.to_be_bytes());
        bytes.extend_from_slice(&ihdr);
        bytes.extend_from_slice(&(!crc32(&ihdr)).to_be_bytes());
        bytes.extend_from_slice(&0_u32.to_be_bytes());
        bytes.extend_from_slice(b"IEND");
        bytes.extend_from_slice(&(!crc32(b"IEND")).to_be_bytes());
        let err = sanitize(&bytes, ImageKind::ALL, MAX_UPLOAD_BYTES).unwrap_err();
        assert!(matches!(err, ImageError::Invalid(_)), "{err:?}");
    }

    #[test]
    fn extensions_and_mime_types_round_trip() {
        for &k in ImageKind::ALL {
            assert_eq!(ImageKind::from_extension(k.extension()), Some(k));
            assert!(k.mime().starts_with("image/"));
        }
        assert_eq!(ImageKind::from_extension("JPEG"), Some(ImageKind::Jpeg));
        assert_eq!(ImageKind::from_extension("bmp"), None);
    }
}
