//! `/.well-known/openid-configuration` (identical at `/.well-known/oauth-authorization-server`)
//! and `/.well-known/jwks.json`, both served from bytes built once per signing key.

use crate::config::Config;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// The discovery document for `config`, advertising `alg` for ID tokens.
pub fn document(config: &Config, alg: &str) -> Value {
    let public = config.app_url.trim_end_matches('/');
    let internal = config.internal_app_url.trim_end_matches('/');
    json!({
        "issuer": public,
        "authorization_endpoint": format!("{public}/authorize"),
        "token_endpoint": format!("{internal}/api/oidc/token"),
        "userinfo_endpoint": format!("{internal}/api/oidc/userinfo"),
        "end_session_endpoint": format!("{public}/api/oidc/end-session"),
        "introspection_endpoint": format!("{internal}/api/oidc/introspect"),
        "introspection_endpoint_auth_methods_supported": ["client_secret_basic", "Bearer"],
        "revocation_endpoint": format!("{internal}/api/oidc/revoke"),
        "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "device_authorization_endpoint": format!("{public}/api/oidc/device/authorize"),
        "jwks_uri": format!("{internal}/.well-known/jwks.json"),
        "pushed_authorization_request_endpoint": format!("{internal}/api/oidc/par"),
        "require_pushed_authorization_requests": false,
        "grant_types_supported": [
            "authorization_code",
            "refresh_token",
            "urn:ietf:params:oauth:grant-type:device_code",
            "client_credentials"
        ],
        "scopes_supported": crate::features::oidc::tokens::claims::STANDARD_SCOPES,
        "claims_supported": [
            "sub", "given_name", "family_name", "name", "display_name", "email", "email_verified",
            "preferred_username", "picture", "groups", "auth_time", "amr"
        ],
        "response_types_supported": ["code"],
        "response_modes_supported": ["query", "fragment", "form_post"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": [alg],
        "authorization_response_iss_parameter_supported": true,
        "code_challenge_methods_supported": ["S256"],
        "request_parameter_supported": true,
        "request_uri_parameter_supported": false,
        "request_object_signing_alg_values_supported": ["none"],
        "prompt_values_supported": ["none", "login", "consent", "select_account"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "service_documentation": "https://pocket-id.org/docs",
    })
}

fn json_bytes(bytes: Bytes) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            // Public and identical for everyone; short so a key rotation shows up quickly.
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=60"),
            ),
        ],
        bytes,
    )
        .into_response()
}

fn discovery_bytes(state: &AppState) -> Bytes {
    let keys = state.keys.get();
    let kid = &keys.current.kid;
    if let Ok(cached) = state.oidc_cache.discovery.read()
        && let Some((k, bytes)) = cached.as_ref()
        && k == kid
    {
        return bytes.clone();
    }
    let bytes = Bytes::from(document(&state.config, keys.current.alg.as_str()).to_string());
    if let Ok(mut c) = state.oidc_cache.discovery.write() {
        *c = Some((kid.clone(), bytes.clone()));
    }
    bytes
}

/// OpenID Provider metadata (OIDC Discovery 1.0).
#[utoipa::path(get, path = "/.well-known/openid-configuration", tag = "OIDC",
    responses((status = 200, description = "Provider metadata", body = serde_json::Value)))]
pub async fn get_openid_configuration(State(state): State<AppState>) -> Response {
    json_bytes(discovery_bytes(&state))
}

/// Authorization server metadata (RFC 8414): the same document.
#[utoipa::path(get, path = "/.well-known/oauth-authorization-server", tag = "OIDC",
    responses((status = 200, description = "Authorization server metadata", body = serde_json::Value)))]
pub async fn get_oauth_authorization_server(State(state): State<AppState>) -> Response {
    json_bytes(discovery_bytes(&state))
}

/// The public signing keys: the current one and rotated-out keys whose tokens may still live.
#[utoipa::path(get, path = "/.well-known/jwks.json", tag = "OIDC",
    responses((status = 200, description = "JSON Web Key Set", body = serde_json::Value)))]
pub async fn get_jwks(State(state): State<AppState>) -> Response {
    json_bytes(state.keys.get().jwks.clone())
}
