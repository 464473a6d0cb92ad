//! `/api/oidc/userinfo` (GET and POST, OIDC Core 5.3): the claims of the access token's scopes.

use crate::features::oidc::error::OAuthError;
use crate::features::oidc::protocol::params::Params;
use crate::features::oidc::tokens::bearer;
use crate::features::oidc::tokens::claims::{Profile, load_profile, scope_claims};
use crate::features::users::repo as users_repo;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

async fn userinfo(
    state: &AppState,
    headers: &HeaderMap,
    body: Option<&Bytes>,
) -> Result<Value, OAuthError> {
    let denied = |d: &'static str| OAuthError::invalid_token(d).with_bearer_challenge();
    // RFC 6750 2.2: a POST may carry the token in the form instead.
    let token = match crate::auth::bearer_token(headers) {
        Some(t) => t,
        None => match body {
            Some(b) => Params::from_form(headers, b)
                .ok()
                .and_then(|p| p.get("access_token").map(str::to_owned))
                .ok_or_else(|| OAuthError {
                    www_authenticate: Some("Bearer realm=\"pocket-id\"".into()),
                    ..OAuthError::invalid_token("An access token is required")
                })?,
            None => {
                return Err(OAuthError {
                    www_authenticate: Some("Bearer realm=\"pocket-id\"".into()),
                    ..OAuthError::invalid_token("An access token is required")
                });
            }
        },
    };
    let now = state.clock.now();
    let at = bearer::verify(state, &token, now)
        .await?
        .ok_or_else(|| denied("The access token is invalid, expired or revoked"))?;
    // A token for an API is good here only when its audience names us too (it then carries
    // identity scopes, see `tokens.rs`).
    let for_us = at.claims["aud"].as_array().is_some_and(|a| {
        a.iter()
            .any(|v| v.as_str() == Some(state.config.app_url.as_str()))
    });
    if at.stored.data.audience.is_some() && !for_us {
        return Err(denied("The access token is meant for another resource"));
    }
    let scopes = &at.stored.data.scopes;
    if !scopes.iter().any(|s| s == "openid") {
        return Err(
            OAuthError::insufficient_scope("The access token lacks the openid scope")
                .with_bearer_challenge(),
        );
    }
    let user = match at.stored.data.session.subject {
        Some(id) => users_repo::find(&state.db, id).await?,
        None => None,
    }
    .filter(|u| !u.disabled)
    .ok_or_else(|| denied("The user of this token no longer exists or is disabled"))?;
    let profile = load_profile(&state.db, user, scopes).await?;
    Ok(Value::Object(claims(
        &profile,
        scopes,
        &state.config.app_url,
    )))
}

/// The userinfo response for `p` and the token's `scopes`: the scope claims and `sub` (also
/// what the admin claims preview shows).
pub fn claims(p: &Profile, scopes: &[String], app_url: &str) -> Map<String, Value> {
    let mut claims = scope_claims(p, scopes, app_url);
    claims.insert("sub".into(), json!(p.user.id.to_string()));
    claims
}

/// The signed-in user's claims for a bearer access token.
#[utoipa::path(get, path = "/api/oidc/userinfo", tag = "OIDC",
    security(("bearer" = [])),
    responses((status = 200, description = "Claims of the token's scopes", body = serde_json::Value),
              (status = 401, description = "invalid_token (WWW-Authenticate: Bearer)", body = serde_json::Value)))]
pub async fn get_userinfo(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match userinfo(&state, &headers, None).await {
        Ok(v) => axum::Json(v).into_response(),
        Err(e) => e.into_response(),
    }
}

/// As GET; the token may also come as the form field `access_token`.
#[utoipa::path(post, path = "/api/oidc/userinfo", tag = "OIDC",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "access_token (if not in the Authorization header)"),
    responses((status = 200, description = "Claims of the token's scopes", body = serde_json::Value),
              (status = 401, description = "invalid_token", body = serde_json::Value)))]
pub async fn post_userinfo(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match userinfo(&state, &headers, Some(&body)).await {
        Ok(v) => axum::Json(v).into_response(),
        Err(e) => e.into_response(),
    }
}
