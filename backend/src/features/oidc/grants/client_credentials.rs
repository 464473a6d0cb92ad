//! The client-credentials grant (RFC 6749 4.4): a confidential client acting for itself, for
//! itself or for an API it was granted (RFC 8707). No refresh token, no user.

use crate::features::apis::repo::Subject;
use crate::features::oidc::error::OAuthError;
use crate::features::oidc::protocol::client_auth::Authenticated;
use crate::features::oidc::protocol::params::Params;
use crate::features::oidc::protocol::resource;
use crate::features::oidc::store::Session;
use crate::features::oidc::tokens::{self, Grant, TokenResponse};
use crate::state::AppState;
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// Scopes that describe the user; never granted to a client acting for itself.
const IDENTITY_SCOPES: &[&str] = &["openid", "profile", "email", "groups", "offline_access"];

/// Issues an access token to the authenticated confidential client.
pub async fn issue(
    state: &AppState,
    caller: &Authenticated,
    params: &Params,
    now: DateTime<Utc>,
) -> Result<TokenResponse, OAuthError> {
    if !caller.is_confidential() {
        return Err(OAuthError::unauthorized_client(
            "Public clients cannot use client_credentials",
        ));
    }
    let resolved = resource::resolve(
        &state.db,
        &caller.client.id,
        params.get("resource"),
        &params.scopes(),
        Subject::Client,
    )
    .await?;
    // The client acts for itself: identity scopes make no sense and are dropped (so these
    // tokens never work at userinfo).
    let scopes: Vec<String> = resolved
        .scopes
        .into_iter()
        .filter(|s| !IDENTITY_SCOPES.contains(&s.as_str()))
        .collect();
    let family = Uuid::new_v4().to_string();
    let keys = state.keys.get();
    tokens::issue(
        &state.db,
        &state.writes,
        &keys,
        &state.config.app_url,
        Grant {
            client: &caller.client,
            scopes: &scopes,
            session: &Session {
                requested_at: now.timestamp(),
                ..Default::default()
            },
            profile: None,
            nonce: None,
            code: None,
            family: &family,
            refresh: false,
        },
        resolved.audience.as_deref(),
        now,
    )
    .await
}
