//! Property-based fuzzing (proptest) of what parses attacker-controlled input: JOSE/JWT
//! verification, OAuth form parsing and parameter handling, redirect-URI patterns and matching,
//! the SVG sanitizer and image decoding. The property everywhere: no panic, and answers that
//! stay consistent (a refused pattern never matches, a forged token never verifies).
//!
//! The test command runs a few thousand cases per target; `PROPTEST_CASES=1000000 cargo test
//! -p backend --release --test api fuzz::` runs them at length.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use pocket_id::crypto::jws;
use pocket_id::crypto::keys::{Alg, SigningKey};
use pocket_id::features::oidc::protocol::params::Params;
use pocket_id::features::oidc::protocol::{pkce, redirect};
use pocket_id::images::{ImageKind, sanitize};
use pocket_shared::oidc_client::rules::callback_url_pattern;
use proptest::prelude::*;
use std::sync::OnceLock;

/// Cases per target unless `PROPTEST_CASES` says otherwise.
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn key() -> &'static SigningKey {
    static KEY: OnceLock<SigningKey> = OnceLock::new();
    KEY.get_or_init(|| SigningKey::generate(Alg::ES256, None).unwrap())
}

fn b64(v: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(v)
}

/// JSON-ish values, the shape of JOSE headers and claim sets.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(|f| serde_json::json!(f)),
        ".{0,24}".prop_map(serde_json::Value::from),
        prop_oneof!["none", "HS256", "RS256", "ES256", "EdDSA", "PS256"]
            .prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            prop::collection::btree_map(
                prop_oneof![
                    "alg", "kid", "typ", "jwk", "crit", "iss", "sub", "aud", "exp", ".{0,8}"
                ],
                inner,
                0..6
            )
            .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn jws_verification_never_panics_on_strings(token in ".{0,400}") {
        prop_assert!(jws::verify(&token, [key()]).is_none());
        let _ = jws::peek(&token);
    }

    #[test]
    fn forged_compact_tokens_never_verify(
        header in json_value(),
        claims in json_value(),
        signature in prop::collection::vec(any::<u8>(), 0..96),
    ) {
        let h = serde_json::to_vec(&header).unwrap();
        let c = serde_json::to_vec(&claims).unwrap();
        let token = format!("{}.{}.{}", b64(&h), b64(&c), b64(&signature));
        prop_assert!(jws::verify(&token, [key()]).is_none());
        let _ = jws::peek(&token);
    }

    #[test]
    fn tampered_real_tokens_never_verify(
        at in 0usize..400,
        byte in any::<u8>(),
    ) {
        let token = jws::encode(key(), None, &serde_json::json!({"sub": "u", "exp": 4_000_000_000u64})).unwrap();
        let mut bytes = token.clone().into_bytes();
        let at = at % bytes.len();
        prop_assume!(bytes[at] != byte);
        bytes[at] = byte;
        let tampered = String::from_utf8_lossy(&bytes).into_owned();
        if let Some(v) = jws::verify(&tampered, [key()]) {
            // Base64url has spare bits: a change there decodes to the same bytes.
            let original = jws::verify(&token, [key()]).unwrap();
            prop_assert_eq!(v.claims, original.claims);
        }
    }

    #[test]
    fn oauth_forms_parse_without_panics(body in prop::collection::vec(any::<u8>(), 0..600)) {
        if let Ok(p) = Params::parse(&body) {
            let _ = p.scopes();
            let _ = p.require("client_id");
        }
    }

    #[test]
    fn oauth_form_shapes_parse_without_panics(
        pairs in prop::collection::vec(
            (prop_oneof!["grant_type", "code", "scope", "client_id", "redirect_uri", "code_verifier", ".{0,6}"], ".{0,40}"),
            0..10,
        )
    ) {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs.iter())
            .finish();
        if let Ok(p) = Params::parse(body.as_bytes()) {
            for (k, _) in &pairs {
                let _ = p.get(k);
            }
            let _ = p.scopes();
        }
    }

    #[test]
    fn pkce_verification_never_panics(challenge in ".{0,130}", verifier in ".{0,130}") {
        let _ = pkce::well_formed(&verifier);
        prop_assert!(!pkce::verify(pkce::Method::S256, &challenge, &verifier) || pkce::well_formed(&verifier));
    }

    #[test]
    fn redirect_matching_never_panics_and_refused_patterns_never_match(
        pattern in prop_oneof![
            ".{0,60}",
            "(\\*|https?|[a-z]{1,6}\\*?)://(\\*|[a-z*]{1,6})(\\.[a-z*]{1,6}){0,3}(:[0-9*]{1,5})?(/[a-z*]{0,6}){0,4}(\\?[a-z]{1,3}=[a-z*]{0,3})?",
        ],
        uri in prop_oneof![
            ".{0,60}",
            "(https?|myapp)://[a-z]{1,6}(\\.[a-z]{1,6}){0,3}(:[0-9]{1,5})?(/[a-z]{0,6}){0,4}(\\?[a-z]{1,3}=[a-z]{0,3})?",
        ],
    ) {
        let valid = callback_url_pattern(&pattern).is_ok();
        let matched = redirect::matches(&pattern, &uri);
        prop_assert!(valid || !matched, "refused pattern {pattern:?} matched {uri:?}");
        let registered = vec![pattern.clone()];
        let found = redirect::find_match(&registered, &uri);
        prop_assert!(found.is_none() || found == Some(pattern.as_str()));
        let _ = redirect::is_loopback(&uri);
    }

    #[test]
    fn svg_sanitizer_never_panics(
        parts in prop::collection::vec(
            prop_oneof![
                Just("<svg xmlns=\"http://www.w3.org/2000/svg\">".to_owned()),
                Just("</svg>".to_owned()),
                Just("<script>".to_owned()),
                Just("<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>".to_owned()),
                Just(" onload=\"x\"".to_owned()),
                Just("<a href=\"javascript:x\">".to_owned()),
                Just("<![CDATA[".to_owned()),
                Just("]]>".to_owned()),
                Just("<foreignObject>".to_owned()),
                Just("<?xml version=\"1.0\"?>".to_owned()),
                ".{0,12}",
            ],
            0..16,
        )
    ) {
        let doc = parts.concat();
        if let Ok(s) = sanitize(doc.as_bytes(), ImageKind::ALL, 1 << 20) {
            let text = String::from_utf8_lossy(&s.bytes).to_ascii_lowercase();
            if s.kind == ImageKind::Svg {
                prop_assert!(!text.contains("<script"), "script kept: {doc:?}");
                prop_assert!(!text.contains("javascript:"), "javascript: kept: {doc:?}");
            }
        }
    }

    #[test]
    fn image_decoding_never_panics_on_mutated_images(
        seed in 0usize..4,
        edits in prop::collection::vec((any::<usize>(), any::<u8>()), 1..12),
        cut in any::<usize>(),
    ) {
        let mut bytes = seeds()[seed].clone();
        for (at, b) in edits {
            let n = bytes.len();
            bytes[at % n] = b;
        }
        bytes.truncate(1 + cut % bytes.len());
        let _ = sanitize(&bytes, ImageKind::ALL, 1 << 20);
    }

    #[test]
    fn arbitrary_bytes_are_refused_or_sanitized(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let _ = sanitize(&bytes, ImageKind::ALL, 1 << 20);
    }
}

/// Small valid images of each decoded format: the starting points of the mutations.
fn seeds() -> &'static Vec<Vec<u8>> {
    static SEEDS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        use image::{DynamicImage, ImageFormat, RgbImage};
        let img = DynamicImage::ImageRgb8(RgbImage::from_fn(8, 8, |x, y| {
            image::Rgb([(x * 30) as u8, (y * 30) as u8, 128])
        }));
        let encode = |f: ImageFormat| {
            let mut out = std::io::Cursor::new(Vec::new());
            img.write_to(&mut out, f).unwrap();
            out.into_inner()
        };
        vec![
            encode(ImageFormat::Png),
            encode(ImageFormat::Jpeg),
            encode(ImageFormat::Gif),
            encode(ImageFormat::WebP),
        ]
    })
}
