//! The single-page app: trunk's `frontend/dist` embedded in release builds (read from disk in
//! debug builds), precompressed variants, long-lived caching for hashed assets, and an HTML
//! entry for every other GET so client-side routes deep-link: `public.html` (the small public
//! app: sign-in, sign-up, consent, device, logout) for the paths that app owns, `index.html`
//! (the full app, every page) for all others.

use crate::headers::content_security_policy;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use std::borrow::Cow;
use std::collections::HashMap;

/// One file of the built SPA.
pub struct Asset {
    pub data: Cow<'static, [u8]>,
    /// Strong validator: hex SHA-256 of the (uncompressed) file.
    pub sha256: [u8; 32],
}

/// Where the SPA's files come from: the embedded build, or a map in tests.
pub trait AssetSource: Send + Sync + 'static {
    fn get(&self, path: &str) -> Option<Asset>;
}

#[derive(rust_embed::RustEmbed)]
#[folder = "../frontend/dist/"]
#[allow_missing = true]
struct Dist;

/// The trunk build embedded in the binary.
pub struct EmbeddedDist;

impl AssetSource for EmbeddedDist {
    fn get(&self, path: &str) -> Option<Asset> {
        Dist::get(path).map(|f| Asset {
            sha256: f.metadata.sha256_hash(),
            data: f.data,
        })
    }
}

/// In-memory files, for tests.
pub struct MemoryAssets(pub HashMap<String, Vec<u8>>);

impl AssetSource for MemoryAssets {
    fn get(&self, path: &str) -> Option<Asset> {
        self.0.get(path).map(|d| {
            use sha2::{Digest, Sha256};
            Asset {
                sha256: Sha256::digest(d).into(),
                data: Cow::Owned(d.clone()),
            }
        })
    }
}

/// The full app's HTML entry: every page, and the fallback for unknown paths.
const INDEX: &str = "index.html";
/// The public app's HTML entry (see [`served_by_public_app`]).
const PUBLIC_INDEX: &str = "public.html";
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const ONE_DAY: &str = "public, max-age=86400";
const NO_STORE: &str = "no-store";

/// The SPA responder: files plus, for each HTML entry, the CSP that admits its inline loader
/// (trunk's) by hash.
pub struct Spa {
    source: Box<dyn AssetSource>,
    index_csp: HeaderValue,
    public_csp: HeaderValue,
}

impl Spa {
    /// The SPA compiled into this binary.
    pub fn embedded() -> Self {
        Self::new(Box::new(EmbeddedDist))
    }

    pub fn new(source: Box<dyn AssetSource>) -> Self {
        let index_csp = page_csp(source.as_ref(), INDEX);
        let public_csp = page_csp(source.as_ref(), PUBLIC_INDEX);
        Self {
            source,
            index_csp,
            public_csp,
        }
    }

    /// Answers a non-API request.
    pub fn respond(&self, method: &Method, uri: &Uri, headers: &HeaderMap) -> Response {
        if method != Method::GET && method != Method::HEAD {
            return StatusCode::NOT_FOUND.into_response();
        }
        let path = uri.path();
        // Pocket ID canonicalises `/login/` to `/login`.
        if path.len() > 1 && path.ends_with('/') {
            let mut target = path.trim_end_matches('/').to_owned();
            if target.is_empty() {
                target.push('/');
            }
            if let Some(q) = uri.query() {
                target.push('?');
                target.push_str(q);
            }
            return redirect(&target);
        }
        let file = path.trim_start_matches('/');
        if !file.is_empty()
            && file != INDEX
            && file != PUBLIC_INDEX
            && !file.ends_with(".br")
            && !file.ends_with(".gz")
            && let Some(asset) = self.source.get(file)
        {
            let cache = if is_hashed(file) { IMMUTABLE } else { ONE_DAY };
            return self.serve(file, asset, headers, cache, None);
        }
        // A build without the public app (e.g. `trunk serve`'s) serves the full app everywhere.
        if served_by_public_app(path)
            && let Some(page) = self.source.get(PUBLIC_INDEX)
        {
            let csp = Some(self.public_csp.clone());
            return self.serve(PUBLIC_INDEX, page, headers, NO_STORE, csp);
        }
        match self.source.get(INDEX) {
            Some(index) => self.serve(INDEX, index, headers, NO_STORE, Some(self.index_csp.clone())),
            None => (
                StatusCode::SERVICE_UNAVAILABLE,
                "The web interface was not built into this binary: run `make build` (scripts/build-spa.sh) before building the server.",
            )
                .into_response(),
        }
    }

    fn serve(
        &self,
        file: &str,
        asset: Asset,
        req: &HeaderMap,
        cache: &'static str,
        csp: Option<HeaderValue>,
    ) -> Response {
        let etag = format!("\"{}\"", hex(&asset.sha256));
        let mut res = if req
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
        {
            StatusCode::NOT_MODIFIED.into_response()
        } else {
            let (body, encoding) = self.best_encoding(file, asset, req);
            let mut res = Response::new(Body::from(body));
            if let Some(enc) = encoding {
                res.headers_mut()
                    .insert(header::CONTENT_ENCODING, HeaderValue::from_static(enc));
            }
            let mime = mime_guess::from_path(file).first_or_octet_stream();
            let ct = if mime.type_() == "text" || mime.essence_str() == "application/javascript" {
                format!("{}; charset=utf-8", mime.essence_str())
            } else {
                mime.essence_str().to_owned()
            };
            if let Ok(v) = HeaderValue::from_str(&ct) {
                res.headers_mut().insert(header::CONTENT_TYPE, v);
            }
            res
        };
        let h = res.headers_mut();
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
        h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
        if let Ok(v) = HeaderValue::from_str(&etag) {
            h.insert(header::ETAG, v);
        }
        if let Some(csp) = csp {
            h.insert(header::CONTENT_SECURITY_POLICY, csp);
        }
        res
    }

    /// The precompressed variant the client accepts (brotli, then gzip), else the plain file.
    fn best_encoding(
        &self,
        file: &str,
        plain: Asset,
        req: &HeaderMap,
    ) -> (Cow<'static, [u8]>, Option<&'static str>) {
        let accepted = req
            .get(header::ACCEPT_ENCODING)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        for (enc, ext) in [("br", "br"), ("gzip", "gz")] {
            if accepts(accepted, enc)
                && let Some(a) = self.source.get(&format!("{file}.{ext}"))
            {
                return (a.data, Some(enc));
            }
        }
        (plain.data, None)
    }
}

/// True for the paths the public app renders: the pages a visitor needs before signing in, so
/// that a first visit does not download the admin area (the list is shared with the SPA).
fn served_by_public_app(path: &str) -> bool {
    pocket_shared::spa::is_public_page(path)
}

/// The CSP for an HTML entry: its inline scripts admitted by hash (none if it is missing).
fn page_csp(source: &dyn AssetSource, page: &str) -> HeaderValue {
    let hashes = source
        .get(page)
        .map(|a| inline_script_hashes(&String::from_utf8_lossy(&a.data)))
        .unwrap_or_default();
    HeaderValue::from_str(&content_security_policy(&hashes))
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'"))
}

/// True when an `Accept-Encoding` value admits `coding` (honours `;q=0`).
fn accepts(header: &str, coding: &str) -> bool {
    header.split(',').any(|part| {
        let mut it = part.trim().split(';');
        let name = it.next().unwrap_or("").trim();
        let q_zero = it.any(|p| {
            let p = p.trim();
            p.strip_prefix("q=")
                .is_some_and(|q| q.trim().parse::<f32>().is_ok_and(|q| q <= 0.0))
        });
        (name.eq_ignore_ascii_case(coding) || name == "*") && !q_zero
    })
}

/// Trunk names build outputs `<name>-<hash>[_bg].<ext>`, the hash being a u64 in unpadded hex
/// (so usually 16, sometimes fewer digits): safe to cache forever.
fn is_hashed(file: &str) -> bool {
    let name = file.rsplit('/').next().unwrap_or(file);
    let stem = name.split('.').next().unwrap_or(name);
    stem.split('-').skip(1).any(|seg| {
        let hexpart = seg.strip_suffix("_bg").unwrap_or(seg);
        hexpart.len() >= 12 && hexpart.chars().all(|c| c.is_ascii_hexdigit())
    })
}

/// CSP source expressions (`'sha256-…'`) for every inline `<script>` in `html`.
fn inline_script_hashes(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        rest = &rest[start..];
        let Some(tag_end) = rest.find('>') else { break };
        let tag = &rest[..tag_end];
        let body_start = tag_end + 1;
        let Some(close) = rest[body_start..].find("</script>") else {
            break;
        };
        let body = &rest[body_start..body_start + close];
        if !tag.contains(" src=") && !body.is_empty() {
            out.push(format!(
                "'sha256-{}'",
                crate::crypto::sha256_base64(body.as_bytes())
            ));
        }
        rest = &rest[body_start + close..];
    }
    out
}

fn redirect(target: &str) -> Response {
    let mut res = StatusCode::MOVED_PERMANENTLY.into_response();
    if let Ok(v) = HeaderValue::from_str(target) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    res
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const INDEX_HTML: &str = "<html><head><link rel=\"modulepreload\" href=\"/frontend-0123456789abcdef.js\"><script type=\"module\">import init from '/frontend-0123456789abcdef.js';await init();</script><script src=\"/x.js\"></script></head><body></body></html>";
    const PUBLIC_SCRIPT: &str =
        "import init from '/frontend-public-fedcba9876543210.js';await init();";
    const PUBLIC_HTML: &str = "<html><head><script type=\"module\">import init from '/frontend-public-fedcba9876543210.js';await init();</script></head><body></body></html>";

    fn spa() -> Spa {
        let files = [
            ("index.html", INDEX_HTML.as_bytes().to_vec()),
            ("public.html", PUBLIC_HTML.as_bytes().to_vec()),
            ("index.html.br", b"BR-INDEX".to_vec()),
            ("public.html.br", b"BR-PUBLIC".to_vec()),
            ("frontend-0123456789abcdef.js", b"console.log(1)".to_vec()),
            ("frontend-0123456789abcdef.js.br", b"BR-JS".to_vec()),
            ("frontend-0123456789abcdef.js.gz", b"GZ-JS".to_vec()),
            ("frontend-0123456789abcdef_bg.wasm", b"\0asm".to_vec()),
            ("robots.txt", b"User-agent: *".to_vec()),
        ];
        Spa::new(Box::new(MemoryAssets(
            files.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
        )))
    }

    fn get(spa: &Spa, path: &str, accept: &str) -> Response {
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(accept).unwrap(),
        );
        spa.respond(&Method::GET, &path.parse().unwrap(), &h)
    }

    fn header(r: &Response, name: header::HeaderName) -> &str {
        r.headers()
            .get(name)
            .map(|v| v.to_str().unwrap())
            .unwrap_or("")
    }

    #[test]
    fn deep_links_get_index_without_caching_and_with_script_hash() {
        let r = get(&spa(), "/settings/account", "");
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(header(&r, header::CACHE_CONTROL), "no-store");
        assert!(header(&r, header::CONTENT_TYPE).starts_with("text/html"));
        let expected = crate::crypto::sha256_base64(
            b"import init from '/frontend-0123456789abcdef.js';await init();",
        );
        let csp = header(&r, header::CONTENT_SECURITY_POLICY);
        assert!(csp.contains(&format!("'sha256-{expected}'")), "{csp}");
        let script_src = csp
            .split(';')
            .find(|d| d.trim().starts_with("script-src"))
            .unwrap();
        assert!(!script_src.contains("unsafe-inline"), "{script_src}");
    }

    async fn body(r: Response) -> String {
        let bytes = axum::body::to_bytes(r.into_body(), usize::MAX)
            .await
            .unwrap();
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    fn script_hash(script: &str) -> String {
        format!(
            "'sha256-{}'",
            crate::crypto::sha256_base64(script.as_bytes())
        )
    }

    #[tokio::test]
    async fn the_public_app_gets_its_pages_with_its_own_script_hash() {
        let s = spa();
        let index_hash =
            script_hash("import init from '/frontend-0123456789abcdef.js';await init();");
        for path in [
            "/login",
            "/login?redirect=%2Fsettings%2Faccount",
            "/login/alternative",
            "/login/alternative/code?code=abc",
            "/lc",
            "/lc/ABCDEF",
            "/setup",
            "/signup",
            "/signup/setup",
            "/signup/add-passkey",
            "/st/token123",
            "/interaction?id=1",
            "/interaction/error?error=access_denied",
            "/device?code=ABCD-EFGH",
            "/logout",
        ] {
            let r = get(&s, path, "");
            assert_eq!(r.status(), StatusCode::OK, "{path}");
            assert_eq!(header(&r, header::CACHE_CONTROL), NO_STORE, "{path}");
            let csp = header(&r, header::CONTENT_SECURITY_POLICY).to_owned();
            assert!(csp.contains(&script_hash(PUBLIC_SCRIPT)), "{path}: {csp}");
            assert!(!csp.contains(&index_hash), "{path}: {csp}");
            assert_eq!(body(r).await, PUBLIC_HTML, "{path}");
        }
        let r = get(&s, "/login", "br");
        assert_eq!(header(&r, header::CONTENT_ENCODING), "br");
        assert_eq!(body(r).await, "BR-PUBLIC");
        let r = get(&s, "/settings", "br");
        assert_eq!(body(r).await, "BR-INDEX");
    }

    #[tokio::test]
    async fn every_other_path_gets_the_full_app() {
        let s = spa();
        for path in [
            "/",
            "/settings",
            "/settings/account",
            "/settings/admin/users/1",
            "/lc/a/b",
            "/st",
            "/login/other",
            "/loginx",
            "/nope",
            "/index.html",
            "/public.html",
        ] {
            let r = get(&s, path, "");
            assert_eq!(r.status(), StatusCode::OK, "{path}");
            let csp = header(&r, header::CONTENT_SECURITY_POLICY).to_owned();
            assert!(!csp.contains(&script_hash(PUBLIC_SCRIPT)), "{path}: {csp}");
            assert_eq!(body(r).await, INDEX_HTML, "{path}");
        }
    }

    #[tokio::test]
    async fn a_build_without_the_public_app_serves_the_full_app_everywhere() {
        let s = Spa::new(Box::new(MemoryAssets(HashMap::from([(
            INDEX.to_owned(),
            INDEX_HTML.as_bytes().to_vec(),
        )]))));
        let r = get(&s, "/login", "");
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(body(r).await, INDEX_HTML);
    }

    #[test]
    fn public_app_paths() {
        assert!(served_by_public_app("/login"));
        assert!(served_by_public_app("/lc/x"));
        assert!(served_by_public_app("/st/x"));
        assert!(!served_by_public_app("/lc/"));
        assert!(!served_by_public_app("/st/"));
        assert!(!served_by_public_app("/st/x/y"));
        assert!(!served_by_public_app("/"));
        assert!(!served_by_public_app("/settings/account"));
    }

    #[test]
    fn hashed_assets_are_immutable_and_precompressed() {
        let s = spa();
        let r = get(&s, "/frontend-0123456789abcdef.js", "gzip, deflate, br");
        assert_eq!(header(&r, header::CACHE_CONTROL), IMMUTABLE);
        assert_eq!(header(&r, header::CONTENT_ENCODING), "br");
        assert_eq!(header(&r, header::VARY), "Accept-Encoding");
        assert!(
            header(&r, header::CONTENT_TYPE).starts_with("text/javascript")
                || header(&r, header::CONTENT_TYPE).starts_with("application/javascript")
        );
        let r = get(&s, "/frontend-0123456789abcdef.js", "gzip, br;q=0");
        assert_eq!(header(&r, header::CONTENT_ENCODING), "gzip");
        let r = get(&s, "/frontend-0123456789abcdef.js", "identity");
        assert_eq!(header(&r, header::CONTENT_ENCODING), "");
        let r = get(&s, "/frontend-0123456789abcdef_bg.wasm", "");
        assert_eq!(header(&r, header::CONTENT_TYPE), "application/wasm");
        assert_eq!(header(&r, header::CACHE_CONTROL), IMMUTABLE);
    }

    #[test]
    fn unhashed_files_cache_a_day_and_etags_revalidate() {
        let s = spa();
        let r = get(&s, "/robots.txt", "");
        assert_eq!(header(&r, header::CACHE_CONTROL), ONE_DAY);
        let etag = header(&r, header::ETAG).to_owned();
        let mut h = HeaderMap::new();
        h.insert(header::IF_NONE_MATCH, HeaderValue::from_str(&etag).unwrap());
        let r = s.respond(&Method::GET, &"/robots.txt".parse().unwrap(), &h);
        assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    }

    #[test]
    fn trailing_slash_redirects_and_other_methods_404() {
        let s = spa();
        let r = get(&s, "/login/?redirect=%2Fsettings", "");
        assert_eq!(r.status(), StatusCode::MOVED_PERMANENTLY);
        assert_eq!(header(&r, header::LOCATION), "/login?redirect=%2Fsettings");
        let r = s.respond(&Method::POST, &"/login".parse().unwrap(), &HeaderMap::new());
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
    }

    #[test]
    fn missing_build_is_reported() {
        let s = Spa::new(Box::new(MemoryAssets(HashMap::new())));
        assert_eq!(get(&s, "/", "").status(), StatusCode::SERVICE_UNAVAILABLE);
    }

    #[test]
    fn hash_detection() {
        assert!(is_hashed("frontend-4f1c2b9a8e7d6c5b.js"));
        assert!(is_hashed("frontend-4f1c2b9a8e7d6c5b_bg.wasm"));
        assert!(is_hashed("frontend-public-4f1c2b9a8e7d6c5b_bg.wasm"));
        assert!(is_hashed("style-4f1c2b9a8e7d6c5b.css"));
        assert!(
            is_hashed("frontend-ad1c29b64131f0c.js"),
            "15 digits: a u64 with a leading zero"
        );
        assert!(!is_hashed("favicon.svg"));
        assert!(!is_hashed("my-file.js"));
    }
}
