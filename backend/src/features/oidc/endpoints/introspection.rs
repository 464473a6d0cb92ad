//! `/api/oidc/introspect` (RFC 7662) and `/api/oidc/revoke` (RFC 7009). A client sees and
//! revokes only its own tokens; anyone else's (or an unknown token) is simply inactive.
//! Introspection needs a confidential client's credentials.

use crate::features::oidc::error::OAuthError;
use crate::features::oidc::protocol::client_auth::{self, Authenticated};
use crate::features::oidc::protocol::params::Params;
use crate::features::oidc::store::{self, Kind};
use crate::features::oidc::tokens::REFRESH_PREFIX;
use crate::features::oidc::tokens::bearer;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// Who is asking: a confidential client by its credentials (secret or assertion), or a
/// federated assertion as bearer with `client_id` (Pocket ID). An access token does not
/// authenticate (Pocket ID accepts the client's own): whoever holds one, such as every resource
/// server it was sent to, could otherwise read all of that client's tokens. A public client has
/// no credentials to show, so it cannot introspect.
async fn caller(
    state: &AppState,
    headers: &HeaderMap,
    params: &Params,
) -> Result<Authenticated, OAuthError> {
    let who = match crate::auth::bearer_token(headers) {
        Some(assertion) => {
            let now = state.clock.now();
            client_auth::by_assertion(state, params.get("client_id"), &assertion, now).await?
        }
        None => client_auth::authenticate(state, headers, params).await?,
    };
    if matches!(who.method, client_auth::Method::None) {
        return Err(OAuthError::invalid_client(
            "Introspection needs client credentials; a public client cannot introspect",
        ));
    }
    Ok(who)
}

async fn introspection(
    state: &AppState,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<Value, OAuthError> {
    let params = Params::from_form(headers, body)?;
    let who = caller(state, headers, &params).await?;
    let token = params.require("token")?;
    let now = state.clock.now();
    let inactive = json!({ "active": false });
    if token.starts_with(REFRESH_PREFIX) {
        let Some(s) = store::find(&state.db, Kind::RefreshToken, &store::secret_key(token)).await?
        else {
            return Ok(inactive);
        };
        if !s.row.active || s.expired(now) || s.data.client_id != who.client.id {
            return Ok(inactive);
        }
        let mut v = json!({
            "active": true,
            "token_type": "refresh_token",
            "scope": s.data.scopes.join(" "),
            "client_id": s.data.client_id,
            "iat": s.row.created_at.timestamp(),
            "exp": s.row.expires_at.map(|e| e.timestamp()),
            "iss": state.config.app_url,
        });
        if let Some(sub) = s.data.session.subject {
            v["sub"] = json!(sub.to_string());
        }
        return Ok(v);
    }
    let Some(at) = bearer::verify(state, token, now).await? else {
        return Ok(inactive);
    };
    if at.stored.data.client_id != who.client.id {
        return Ok(inactive);
    }
    let c = &at.claims;
    Ok(json!({
        "active": true,
        "token_type": "Bearer",
        "scope": c["scope"],
        "client_id": c["client_id"],
        "sub": c["sub"],
        "aud": c["aud"],
        "iss": c["iss"],
        "iat": c["iat"],
        "exp": c["exp"],
        "jti": c["jti"],
    }))
}

/// Whether a token is active, and what it grants.
#[utoipa::path(post, path = "/api/oidc/introspect", tag = "OIDC",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "token, token_type_hint?"),
    responses((status = 200, description = "RFC 7662 response", body = serde_json::Value),
              (status = 401, description = "invalid_client", body = serde_json::Value)))]
pub async fn introspect_token(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    crate::features::oidc::error::respond(
        StatusCode::OK,
        introspection(&state, &headers, &body).await,
    )
}

async fn revocation(state: &AppState, headers: &HeaderMap, body: &Bytes) -> Result<(), OAuthError> {
    let params = Params::from_form(headers, body)?;
    let who = client_auth::authenticate(state, headers, &params).await?;
    let token = params.require("token")?;
    if token.starts_with(REFRESH_PREFIX) {
        if let Some(s) =
            store::find(&state.db, Kind::RefreshToken, &store::secret_key(token)).await?
            && s.data.client_id == who.client.id
        {
            // RFC 7009 2.1: revoking a refresh token also ends the access tokens of its grant.
            store::revoke_family(&state.db, &state.writes, &s.row.request_id).await?;
        }
        return Ok(());
    }
    let now = state.clock.now();
    if let Some(at) = bearer::verify(state, token, now).await?
        && at.stored.data.client_id == who.client.id
    {
        store::delete(
            &state.db,
            &state.writes,
            Kind::AccessToken,
            &at.stored.row.key,
        )
        .await?;
    }
    // Unknown or foreign tokens: 200 all the same (RFC 7009 2.2).
    Ok(())
}

/// Revoke an access or refresh token (beyond Pocket ID: RFC 7009).
#[utoipa::path(post, path = "/api/oidc/revoke", tag = "OIDC",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "token, token_type_hint?"),
    responses((status = 200, description = "Revoked (or unknown)"), (status = 401, description = "invalid_client", body = serde_json::Value)))]
pub async fn revoke_token(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match revocation(&state, &headers, &body).await {
        Ok(()) => StatusCode::OK.into_response(),
        Err(e) => e.into_response(),
    }
}
