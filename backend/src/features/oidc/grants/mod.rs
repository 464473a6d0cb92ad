//! The token endpoint's grants (RFC 6749 3.2), one file per grant type. This module dispatches
//! on `grant_type`, redeems single-use artefacts (a replay revokes the grant family: written
//! once here for codes and refresh tokens) and mints the tokens of a user's grant.

mod authorization_code;
mod client_credentials;
mod device_code;
mod refresh_token;

use crate::db::entities::{oidc_clients, users};
use crate::features::oidc::error::OAuthError;
use crate::features::oidc::protocol::client;
use crate::features::oidc::protocol::client_auth::{self, Authenticated};
use crate::features::oidc::protocol::params::Params;
use crate::features::oidc::store::{self, Kind, Session, Stored, Use};
use crate::features::oidc::tokens::{self, Grant, TokenResponse, claims};
use crate::features::users::repo as users_repo;
use crate::state::AppState;
use axum::body::Bytes;
use axum::http::HeaderMap;
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// The device-code grant type (RFC 8628 3.4).
pub const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// The grant types the token endpoint serves.
const GRANT_TYPES: [&str; 4] = [
    "authorization_code",
    "refresh_token",
    "client_credentials",
    DEVICE_CODE_GRANT,
];

/// Authenticates the client and redeems the grant `body` names.
pub async fn exchange(
    state: &AppState,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<TokenResponse, OAuthError> {
    let params = Params::from_form(headers, body)?;
    let grant_type = params.require("grant_type")?.to_owned();
    if !GRANT_TYPES.contains(&grant_type.as_str()) {
        return Err(OAuthError::unsupported_grant_type(
            "This grant type is not supported",
        ));
    }
    let caller = client_auth::authenticate(state, headers, &params).await?;
    let now = state.clock.now();
    match grant_type.as_str() {
        "authorization_code" => authorization_code::redeem(state, &caller, &params, now).await,
        "refresh_token" => refresh_token::rotate(state, &caller, &params, now).await,
        "client_credentials" => client_credentials::issue(state, &caller, &params, now).await,
        _ => device_code::poll(state, &caller, &params, now).await,
    }
}

/// Who may set off the revocation of a grant family by replaying one of its artefacts.
#[derive(Debug, Clone, Copy)]
enum OnReplay {
    /// Any caller (RFC 6749 4.1.2: a code used twice revokes what it issued).
    RevokeFamily,
    /// Only the client the grant belongs to (a rotated-out refresh token came back, so someone
    /// holds a copy; another client presenting it must not be able to end the grant).
    RevokeFamilyOfOwner,
}

/// Redeems the single-use artefact `secret` of `kind` for `caller`: only one caller among
/// concurrent ones gets it. A replay revokes the whole grant family (per `on_replay`) and, like
/// an unknown, expired or foreign artefact, is answered with `invalid()`.
async fn redeem_once(
    state: &AppState,
    caller: &Authenticated,
    kind: Kind,
    secret: &str,
    on_replay: OnReplay,
    invalid: impl Fn() -> OAuthError,
    now: DateTime<Utc>,
) -> Result<Stored, OAuthError> {
    let stored = match store::use_once(&state.db, &state.writes, kind, &store::secret_key(secret))
        .await?
    {
        Use::First(s) => s,
        Use::Again(s) => {
            let owner = s.data.client_id == caller.client.id;
            if owner || matches!(on_replay, OnReplay::RevokeFamily) {
                let n = store::revoke_family(&state.db, &state.writes, &s.row.request_id).await?;
                tracing::warn!(client = %s.data.client_id, kind = kind.as_str(), revoked = n,
                    "single-use artefact replayed: grant revoked");
            }
            return Err(invalid());
        }
        Use::Missing => return Err(invalid()),
    };
    if stored.expired(now) || stored.data.client_id != caller.client.id {
        return Err(invalid());
    }
    Ok(stored)
}

/// The user behind a grant, still existing, enabled and allowed to use the client.
async fn grant_user(
    state: &AppState,
    c: &oidc_clients::Model,
    subject: Option<Uuid>,
) -> Result<users::Model, OAuthError> {
    let gone =
        || OAuthError::invalid_grant("The user of this grant no longer exists or is disabled");
    let user = users_repo::find(&state.db, subject.ok_or_else(gone)?)
        .await?
        .filter(|u| !u.disabled)
        .ok_or_else(gone)?;
    if !client::user_allowed(&state.db, c, user.id).await? {
        return Err(OAuthError::access_denied(
            "The user is not allowed to use this client",
        ));
    }
    Ok(user)
}

/// What a user's grant mints: its scopes, the session behind it and, for a code exchange, the
/// nonce and the code (for `c_hash`).
struct UserGrant<'a> {
    scopes: &'a [String],
    session: &'a Session,
    nonce: Option<&'a str>,
    code: Option<&'a str>,
}

/// Mints (and records) the tokens of a user's grant of the family `stored` belongs to.
async fn mint_for_user(
    state: &AppState,
    c: &oidc_clients::Model,
    stored: &Stored,
    grant: UserGrant<'_>,
    now: DateTime<Utc>,
) -> Result<TokenResponse, OAuthError> {
    let user = grant_user(state, c, grant.session.subject).await?;
    let profile = claims::load_profile(&state.db, user, grant.scopes).await?;
    // The grant's API audience (RFC 8707) carries over to every token of the family.
    let audience = stored.data.audience.as_deref();
    let keys = state.keys.get();
    tokens::issue(
        &state.db,
        &state.writes,
        &keys,
        &state.config.app_url,
        Grant {
            client: c,
            scopes: grant.scopes,
            session: grant.session,
            profile: Some(&profile),
            nonce: grant.nonce,
            code: grant.code,
            family: &stored.row.request_id,
            refresh: true,
        },
        audience,
        now,
    )
    .await
}
