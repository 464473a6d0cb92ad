//! Validating an authorization request (at `/authorize` and at the PAR endpoint) and answering
//! the client: the redirect URI is validated first, and only then may errors go back to it
//! (RFC 6749 4.1.2.1); responses carry `iss` (RFC 9207) in the requested response mode.

use crate::db::entities::oidc_clients;
use crate::features::oidc::error::OAuthError;
use crate::features::oidc::protocol::params::Params;
use crate::features::oidc::protocol::pkce;
use crate::features::oidc::protocol::redirect;
use crate::state::AppState;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// URN prefix of PAR request URIs (RFC 9126 2.2).
pub const PAR_URN_PREFIX: &str = "urn:ietf:params:oauth:request_uri:";

/// How the authorization response travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResponseMode {
    Query,
    Fragment,
    FormPost,
}

/// Where the authorization response goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    pub redirect_uri: String,
    pub mode: ResponseMode,
    pub state: Option<String>,
}

/// A validated authorization request: what an interaction stores and resumes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthRequest {
    pub client_id: String,
    pub target: Target,
    /// The client sent `redirect_uri` (then the token request must repeat it).
    pub redirect_uri_sent: bool,
    pub scopes: Vec<String>,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
    pub prompt: Vec<String>,
    pub max_age: Option<i64>,
    /// The API of the `resource` parameter (RFC 8707), set by [`crate::features::oidc::protocol::resource::apply`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<String>,
}

impl AuthRequest {
    pub fn has_prompt(&self, p: &str) -> bool {
        self.prompt.iter().any(|x| x == p)
    }
}

/// Why a request failed.
#[derive(Debug)]
pub enum Failure {
    /// Nothing trustworthy to redirect to: show our error page.
    Page(String),
    /// Tell the client at its validated redirect URI.
    Redirect(Box<Target>, OAuthError),
}

impl Failure {
    /// As a JSON error (PAR endpoint).
    pub fn into_oauth(self) -> OAuthError {
        match self {
            Failure::Page(msg) => OAuthError::invalid_request(msg),
            Failure::Redirect(_, e) => e,
        }
    }
}

const KNOWN_SCOPES: &[&str] = crate::features::oidc::tokens::claims::STANDARD_SCOPES;
const PROMPTS: &[&str] = &["none", "login", "consent", "select_account"];

/// Parameters of an unsigned request object (`request`, OIDC Core 6.1), merged over the
/// query's; signed request objects are not supported and refused.
pub fn merge_request_object(params: &mut Params) -> Result<(), String> {
    let Some(obj) = params.0.remove("request") else {
        return Ok(());
    };
    let peeked = crate::crypto::jws::peek(&obj).ok_or("The request object is malformed")?;
    if peeked.header.get("alg").and_then(Value::as_str) != Some("none") {
        return Err("Only unsigned request objects (alg none) are supported".into());
    }
    let Value::Object(claims) = peeked.claims else {
        return Err("The request object is malformed".into());
    };
    if let Some(id) = claims.get("client_id").and_then(Value::as_str)
        && params.get("client_id").is_some_and(|c| c != id)
    {
        return Err("client_id of the request object does not match".into());
    }
    for (k, v) in claims {
        let v = match v {
            Value::String(s) => s,
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            _ => continue,
        };
        if !matches!(k.as_str(), "iss" | "aud" | "exp" | "iat" | "nbf" | "jti") {
            params.0.insert(k, v);
        }
    }
    Ok(())
}

/// Validates `params` for a known `client`. `via_par`: the request was pushed (PAR), which
/// satisfies a client's PAR requirement.
pub fn validate(
    state: &AppState,
    c: &oidc_clients::Model,
    params: &Params,
    via_par: bool,
) -> Result<AuthRequest, Failure> {
    // 1. The redirect URI, before anything may be sent to it.
    let registered = crate::features::oidc::clients::service::callback_urls(c);
    let (redirect_uri, sent) = match params.get("redirect_uri") {
        Some(uri) => {
            if redirect::find_match(&registered, uri).is_none() {
                return Err(Failure::Page(
                    "The redirect_uri is not registered for this client".into(),
                ));
            }
            (uri.to_owned(), true)
        }
        // Omitted: allowed when exactly one plain URL is registered (RFC 6749 3.1.2.3).
        None => match registered.as_slice() {
            [only] if !only.contains('*') => (only.clone(), false),
            _ => {
                return Err(Failure::Page(
                    "The redirect_uri parameter is missing".into(),
                ));
            }
        },
    };
    let parsed = url::Url::parse(&redirect_uri)
        .map_err(|_| Failure::Page("The redirect_uri is not a valid URL".into()))?;
    if matches!(parsed.scheme(), "javascript" | "data" | "vbscript") {
        return Err(Failure::Page(
            "The redirect_uri scheme is not allowed".into(),
        ));
    }
    if !state.config.allow_insecure_callback_urls
        && parsed.scheme() == "http"
        && !parsed.host_str().is_some_and(redirect::is_loopback)
    {
        return Err(Failure::Page(
            "Plain http redirect URIs are only allowed on loopback \
             (the administrator can allow them with ALLOW_INSECURE_CALLBACK_URLS=true)"
                .into(),
        ));
    }
    let mode_param = params.get("response_mode");
    let mode = match mode_param {
        None | Some("query") => ResponseMode::Query,
        Some("fragment") => ResponseMode::Fragment,
        Some("form_post") => ResponseMode::FormPost,
        Some(_) => ResponseMode::Query,
    };
    let target = Target {
        redirect_uri,
        mode,
        state: params.get("state").map(str::to_owned),
    };
    let fail = |e: OAuthError| Failure::Redirect(Box::new(target.clone()), e);

    // 2. Everything else goes back to the client.
    if mode_param.is_some_and(|m| !matches!(m, "query" | "fragment" | "form_post")) {
        return Err(fail(OAuthError::invalid_request(
            "Unsupported response_mode",
        )));
    }
    match params.get("response_type") {
        Some("code") => {}
        None => {
            return Err(fail(OAuthError::invalid_request(
                "The parameter response_type is missing",
            )));
        }
        Some(_) => {
            return Err(fail(OAuthError::unsupported_response_type(
                "Only response_type=code is supported",
            )));
        }
    }
    if c.requires_pushed_authorization_requests && !via_par {
        return Err(fail(OAuthError::invalid_request(
            "This client must use a pushed authorization request",
        )));
    }
    // Parameters must carry enough entropy to be useful (as Pocket ID's fosite: 8 characters).
    for p in ["state", "nonce"] {
        if params.get(p).is_some_and(|v| v.len() < 8) {
            return Err(fail(OAuthError::invalid_request(format!(
                "The {p} must be at least 8 characters long"
            ))));
        }
    }
    let prompt: Vec<String> = params
        .get("prompt")
        .unwrap_or("")
        .split(' ')
        .filter(|p| PROMPTS.contains(p))
        .map(str::to_owned)
        .collect();
    if prompt.iter().any(|p| p == "none") && prompt.len() > 1 {
        return Err(fail(OAuthError::invalid_request(
            "prompt=none cannot be combined with other values",
        )));
    }
    let max_age = match params.get("max_age") {
        None => None,
        Some(v) => match v.parse::<i64>() {
            Ok(n) if n >= 0 => Some(n),
            _ => {
                return Err(fail(OAuthError::invalid_request(
                    "max_age must be a non-negative integer",
                )));
            }
        },
    };
    let challenge = params.get("code_challenge");
    let method = params.get("code_challenge_method");
    if challenge.is_none() && method.is_some() {
        return Err(fail(OAuthError::invalid_request(
            "code_challenge_method without code_challenge",
        )));
    }
    if let Some(ch) = challenge {
        if pkce::Method::parse(method).is_none() {
            return Err(fail(OAuthError::invalid_request(
                "code_challenge_method must be S256 (plain is not accepted)",
            )));
        }
        if !pkce::well_formed(ch) {
            return Err(fail(OAuthError::invalid_request(
                "The code_challenge is malformed",
            )));
        }
    } else if c.is_public || c.pkce_enabled || state.config.require_pkce {
        return Err(fail(OAuthError::invalid_request(
            "This client must use PKCE (code_challenge)",
        )));
    }
    // Unknown scopes are ignored, as in Pocket ID.
    let scopes: Vec<String> = params
        .scopes()
        .into_iter()
        .filter(|s| KNOWN_SCOPES.contains(&s.as_str()))
        .collect();
    Ok(AuthRequest {
        client_id: c.id.clone(),
        target,
        redirect_uri_sent: sent,
        scopes,
        nonce: params.get("nonce").map(str::to_owned),
        code_challenge: challenge.map(str::to_owned),
        code_challenge_method: challenge.map(|_| pkce::Method::S256.as_str().to_owned()),
        prompt,
        max_age,
        audience: None,
    })
}

/// The address of our error page (the SPA's `/interaction/error`) showing `message`.
pub fn error_url(message: &str) -> String {
    let q: String = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("error", message)
        .finish();
    format!("/interaction/error?{q}")
}

/// A redirect to our error page.
pub fn error_page(message: &str) -> Response {
    redirect_to(&error_url(message))
}

/// A 302 to `location`.
pub fn redirect_to(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(v) => (StatusCode::FOUND, [(header::LOCATION, v)]).into_response(),
        Err(_) => StatusCode::BAD_REQUEST.into_response(),
    }
}

/// The authorization response: `pairs` (plus `state` and `iss`) to the client.
pub fn respond(target: &Target, issuer: &str, mut pairs: Vec<(&str, String)>) -> Response {
    if let Some(s) = &target.state {
        pairs.push(("state", s.clone()));
    }
    pairs.push(("iss", issuer.to_owned()));
    match target.mode {
        ResponseMode::FormPost => form_post(&target.redirect_uri, &pairs),
        ResponseMode::Query | ResponseMode::Fragment => {
            let Ok(mut url) = url::Url::parse(&target.redirect_uri) else {
                return error_page("The redirect_uri is not a valid URL");
            };
            if target.mode == ResponseMode::Query {
                let mut q = url.query_pairs_mut();
                for (k, v) in &pairs {
                    q.append_pair(k, v);
                }
            } else {
                let frag: String = url::form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str())))
                    .finish();
                url.set_fragment(Some(&frag));
            }
            redirect_to(url.as_str())
        }
    }
}

/// An error to the client.
pub fn respond_error(target: &Target, issuer: &str, e: &OAuthError) -> Response {
    respond(
        target,
        issuer,
        vec![
            ("error", e.error.to_owned()),
            ("error_description", e.description.to_string()),
        ],
    )
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('\'', "&#39;")
}

const FORM_POST_SCRIPT: &str = "document.forms[0].submit()";

/// `response_mode=form_post`: a page that posts the response to the client. Its CSP admits
/// exactly its one inline script (by hash) and posting to the client's origin only.
fn form_post(action: &str, pairs: &[(&str, String)]) -> Response {
    let inputs: String = pairs
        .iter()
        .map(|(k, v)| {
            format!(
                "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
                escape(k),
                escape(v)
            )
        })
        .collect();
    let html = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Signing in…</title></head><body>\
         <form method=\"post\" action=\"{}\">{inputs}<noscript><button type=\"submit\">Continue</button></noscript></form>\
         <script>{FORM_POST_SCRIPT}</script></body></html>",
        escape(action)
    );
    let origin = url::Url::parse(action)
        .map(|u| u.origin().ascii_serialization())
        .unwrap_or_else(|_| "'none'".into());
    let hash = crate::crypto::sha256_base64(FORM_POST_SCRIPT.as_bytes());
    let csp = format!(
        "default-src 'none'; script-src 'sha256-{hash}'; form-action {origin}; base-uri 'none'; frame-ancestors 'none'"
    );
    let mut res = (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        )],
        html,
    )
        .into_response();
    if let Ok(v) = HeaderValue::from_str(&csp) {
        res.headers_mut().insert(header::CONTENT_SECURITY_POLICY, v);
    }
    res
}

/// A fresh PAR request URI and its storage key.
pub fn new_request_uri() -> (String, String) {
    let uri = format!("{PAR_URN_PREFIX}{}", crate::crypto::random_token(32));
    let key = crate::features::oidc::store::secret_key(&uri);
    (uri, key)
}
