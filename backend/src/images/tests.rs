//! Unit tests of the upload checks.

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
