//! Client authentication at the token, PAR, device, introspection and revocation endpoints:
//! `client_secret_basic`, `client_secret_post`, `none` (public clients) and RFC 7523 JWT
//! assertions from a client's federated identities (JWKS fetched with reqwest and cached).

use crate::db::entities::oidc_clients;
use crate::features::oidc::clients::credentials::{Credentials, FederatedIdentity};
use crate::features::oidc::error::OAuthError;
use crate::features::oidc::protocol::params::Params;
use crate::features::oidc::store;
use crate::state::AppState;
use axum::http::{HeaderMap, header};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::Value;
use std::time::{Duration, Instant};

/// `client_assertion_type` of RFC 7523 JWT client authentication.
pub const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/// Allowed clock skew for assertions.
const SKEW_SECS: i64 = 30;
/// The furthest ahead an assertion's `exp` may lie. Workload identity tokens live minutes to an
/// hour (GitHub Actions, Kubernetes service accounts: 1 h by default); one valid for days is a
/// standing credential if it leaks, and its replay-protection row would have to live as long.
pub const MAX_ASSERTION_LIFETIME_SECS: i64 = 24 * 3600;
/// How long a fetched JWKS is trusted before it is fetched again.
const JWKS_TTL: Duration = Duration::from_secs(15 * 60);

/// How the client proved who it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Basic,
    Post,
    Assertion,
    /// A public client that only named itself.
    None,
}

/// An authenticated client.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub client: oidc_clients::Model,
    pub method: Method,
}

impl Authenticated {
    /// Authenticated with a credential (not a public client naming itself).
    pub fn is_confidential(&self) -> bool {
        self.method != Method::None
    }
}

fn url_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={s}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// `Authorization: Basic` credentials (RFC 6749 2.3.1: both parts form-url-decoded).
fn basic(headers: &HeaderMap) -> Option<(String, String)> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, b64) = v.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let raw = String::from_utf8(STANDARD.decode(b64.trim()).ok()?).ok()?;
    let (id, secret) = raw.split_once(':')?;
    Some((url_decode(id), url_decode(secret)))
}

fn bad_client(basic: bool) -> OAuthError {
    let e = OAuthError::invalid_client("Client authentication failed");
    if basic { e.with_basic_challenge() } else { e }
}

/// Authenticates the client of a protocol request.
pub async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
    params: &Params,
) -> Result<Authenticated, OAuthError> {
    let now = state.clock.now();
    let basic = basic(headers);
    let assertion = params.get("client_assertion");
    let methods = [
        basic.is_some(),
        params.get("client_secret").is_some(),
        assertion.is_some(),
    ];
    if methods.iter().filter(|m| **m).count() > 1 {
        return Err(OAuthError::invalid_request(
            "Use exactly one client authentication method",
        ));
    }
    if let Some((id, secret)) = basic {
        if params.get("client_id").is_some_and(|c| c != id) {
            return Err(OAuthError::invalid_request(
                "client_id does not match the Basic credentials",
            ));
        }
        return by_secret(state, &id, &secret, now, Method::Basic).await;
    }
    if let Some(secret) = params.get("client_secret") {
        let id = params.require("client_id")?;
        return by_secret(state, id, secret, now, Method::Post).await;
    }
    if let Some(assertion) = assertion {
        if params.get("client_assertion_type") != Some(JWT_BEARER) {
            return Err(OAuthError::invalid_request(
                "Unsupported client_assertion_type",
            ));
        }
        return by_assertion(state, params.get("client_id"), assertion, now).await;
    }
    let id = params
        .get("client_id")
        .ok_or_else(|| OAuthError::invalid_client("Client authentication is required"))?;
    let client = crate::features::oidc::clients::repo::find(&state.db, id)
        .await?
        .ok_or_else(|| bad_client(false))?;
    if !client.is_public {
        return Err(OAuthError::invalid_client("This client must authenticate"));
    }
    Ok(Authenticated {
        client,
        method: Method::None,
    })
}

async fn by_secret(
    state: &AppState,
    id: &str,
    secret: &str,
    now: DateTime<Utc>,
    method: Method,
) -> Result<Authenticated, OAuthError> {
    let is_basic = method == Method::Basic;
    let client = crate::features::oidc::clients::repo::find(&state.db, id)
        .await?
        .ok_or_else(|| bad_client(is_basic))?;
    let creds = Credentials::from_column(client.credentials.as_ref());
    if client.is_public || !creds.verify_secret(secret, now) {
        return Err(bad_client(is_basic));
    }
    Ok(Authenticated { client, method })
}

/// Verifies a federated identity's assertion; also used for introspection's Bearer form.
pub async fn by_assertion(
    state: &AppState,
    client_id: Option<&str>,
    assertion: &str,
    now: DateTime<Utc>,
) -> Result<Authenticated, OAuthError> {
    let refuse = |why: &str| {
        tracing::info!(reason = why, "client assertion refused");
        OAuthError::invalid_client("The client assertion is invalid")
    };
    let peeked = crate::crypto::jws::peek(assertion).ok_or_else(|| refuse("malformed"))?;
    let iss = peeked
        .claims
        .get("iss")
        .and_then(Value::as_str)
        .ok_or_else(|| refuse("no iss"))?;
    // `client_id` may be omitted: the assertion's subject names the client (RFC 7523 3).
    let id = match client_id {
        Some(id) => id.to_owned(),
        None => peeked
            .claims
            .get("sub")
            .and_then(Value::as_str)
            .ok_or_else(|| refuse("no sub"))?
            .to_owned(),
    };
    let client = crate::features::oidc::clients::repo::find(&state.db, &id)
        .await?
        .ok_or_else(|| refuse("unknown client"))?;
    let creds = Credentials::from_column(client.credentials.as_ref());
    let identity = creds
        .federated_identities
        .iter()
        .find(|f| f.issuer == iss)
        .ok_or_else(|| refuse("issuer not federated"))?;
    let claims = verify_assertion(state, identity, &client.id, assertion, now)
        .await
        .map_err(&refuse)?;
    if identity.replay_protection {
        let jti = claims
            .get("jti")
            .and_then(Value::as_str)
            .ok_or_else(|| refuse("no jti"))?;
        let exp = claims.get("exp").and_then(Value::as_i64).unwrap_or(0);
        let key = format!("{}|{}", identity.issuer, jti);
        let expires = DateTime::from_timestamp(exp + SKEW_SECS, 0).unwrap_or(now);
        let first = store::jtis::insert_once(&state.db, &key, expires, now).await?;
        if !first {
            return Err(refuse("jti replayed"));
        }
    }
    Ok(Authenticated {
        client,
        method: Method::Assertion,
    })
}

async fn verify_assertion(
    state: &AppState,
    identity: &FederatedIdentity,
    client_id: &str,
    assertion: &str,
    now: DateTime<Utc>,
) -> Result<Value, &'static str> {
    let header = jsonwebtoken::decode_header(assertion).map_err(|_| "bad header")?;
    if matches!(
        header.alg,
        Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512
    ) {
        return Err("symmetric algorithm");
    }
    let url = identity.jwks.clone().unwrap_or_else(|| {
        format!(
            "{}/.well-known/jwks.json",
            identity.issuer.trim_end_matches('/')
        )
    });
    let jwks = fetch_jwks(state, &url, false).await?;
    let set: JwkSet = serde_json::from_value(jwks).map_err(|_| "bad jwks")?;
    let jwk = match &header.kid {
        Some(kid) => set.find(kid),
        None => set.keys.first(),
    };
    // An unknown kid may be a key the issuer rotated in since: fetch once more.
    let jwk = match jwk {
        Some(j) => j.clone(),
        None => {
            let fresh: JwkSet = serde_json::from_value(fetch_jwks(state, &url, true).await?)
                .map_err(|_| "bad jwks")?;
            header
                .kid
                .as_deref()
                .and_then(|k| fresh.find(k))
                .cloned()
                .ok_or("unknown key")?
        }
    };
    let key = DecodingKey::from_jwk(&jwk).map_err(|_| "unusable key")?;
    let mut v = Validation::new(header.alg);
    // Time claims are checked below against the app clock.
    v.validate_exp = false;
    v.validate_aud = false;
    v.set_required_spec_claims(&["exp", "iss", "sub"]);
    let claims: Value = jsonwebtoken::decode(assertion, &key, &v)
        .map_err(|_| "bad signature")?
        .claims;
    let t = now.timestamp();
    let exp = claims.get("exp").and_then(Value::as_i64).ok_or("no exp")?;
    if exp + SKEW_SECS < t {
        return Err("expired");
    }
    if exp - t > MAX_ASSERTION_LIFETIME_SECS + SKEW_SECS {
        return Err("exp too far ahead");
    }
    if claims
        .get("nbf")
        .and_then(Value::as_i64)
        .is_some_and(|n| n - SKEW_SECS > t)
    {
        return Err("not yet valid");
    }
    if claims.get("iss").and_then(Value::as_str) != Some(identity.issuer.as_str()) {
        return Err("issuer");
    }
    let subject = identity.subject.as_deref().unwrap_or(client_id);
    if claims.get("sub").and_then(Value::as_str) != Some(subject) {
        return Err("subject");
    }
    let issuer = state.config.app_url.trim_end_matches('/').to_owned();
    let token_endpoint = format!(
        "{}/api/oidc/token",
        state.config.internal_app_url.trim_end_matches('/')
    );
    let accepted: Vec<String> = match &identity.audience {
        Some(a) => vec![a.clone()],
        None => vec![issuer, token_endpoint],
    };
    let aud_ok = match claims.get("aud") {
        Some(Value::String(a)) => accepted.contains(a),
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .any(|x| accepted.iter().any(|y| y == x)),
        _ => false,
    };
    if !aud_ok {
        return Err("audience");
    }
    Ok(claims)
}

/// An unknown `kid` fetches the key set again at most this often per URL (otherwise every
/// assertion with a made-up `kid` would make us fetch).
const JWKS_FORCED_REFRESH: Duration = Duration::from_secs(60);

/// What a JWKS fetch accepts: the SSRF-guarded client's rules (public addresses only, checked
/// redirects, no proxy), 256 KiB, 10 s.
const JWKS_LIMITS: crate::outbound::Limits = crate::outbound::Limits {
    max_bytes: 256 * 1024,
    timeout: crate::outbound::DEFAULT_TIMEOUT,
    accept: "application/jwk-set+json, application/json",
    // Issuers label key sets variously (`application/json`, `application/jwk-set+json`,
    // `text/plain`); the JSON parse decides.
    content_types: &[],
};

async fn fetch_jwks(state: &AppState, url: &str, force: bool) -> Result<Value, &'static str> {
    let max_age = if force { JWKS_FORCED_REFRESH } else { JWKS_TTL };
    if let Ok(cache) = state.oidc_cache.federated_jwks.read()
        && let Some((at, v)) = cache.get(url)
        && at.elapsed() < max_age
    {
        return Ok(v.clone());
    }
    let fetched = state.outbound.fetch(url, &JWKS_LIMITS).await.map_err(|e| {
        tracing::warn!(error = %e, "federated JWKS fetch failed");
        "jwks unreachable"
    })?;
    let v: Value = serde_json::from_slice(&fetched.bytes).map_err(|_| "jwks json")?;
    if let Ok(mut cache) = state.oidc_cache.federated_jwks.write() {
        cache.insert(url.to_owned(), (Instant::now(), v.clone()));
    }
    Ok(v)
}
