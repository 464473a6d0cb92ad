//! SVG uploads: well-formed XML with an `<svg>` root and no active content.

use super::ImageError;

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
pub(super) fn check_svg(bytes: &[u8]) -> Result<(), ImageError> {
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
