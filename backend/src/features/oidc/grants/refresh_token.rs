//! The refresh-token grant (RFC 6749 6): rotation. Each refresh token is used once; one that
//! comes back after rotation means someone holds a copy, and revokes the grant family.

use super::{OnReplay, UserGrant, mint_for_user, redeem_once};
use crate::features::oidc::error::OAuthError;
use crate::features::oidc::protocol::client_auth::Authenticated;
use crate::features::oidc::protocol::params::{Params, split_scopes};
use crate::features::oidc::protocol::resource;
use crate::features::oidc::store::{self, Kind, Stored};
use crate::features::oidc::tokens::TokenResponse;
use crate::state::AppState;
use chrono::{DateTime, Utc};

/// Rotates the refresh token `params` carry: new tokens, the old access token revoked.
pub async fn rotate(
    state: &AppState,
    caller: &Authenticated,
    params: &Params,
    now: DateTime<Utc>,
) -> Result<TokenResponse, OAuthError> {
    let token = params.require("refresh_token")?;
    let invalid = || OAuthError::invalid_grant("The refresh token is invalid, expired or revoked");
    let stored = redeem_once(
        state,
        caller,
        Kind::RefreshToken,
        token,
        OnReplay::RevokeFamilyOfOwner,
        invalid,
        now,
    )
    .await?;
    // The access token issued with the old refresh token ends with it.
    if !stored.row.access_token_signature.is_empty() {
        store::delete(
            &state.db,
            &state.writes,
            Kind::AccessToken,
            &stored.row.access_token_signature,
        )
        .await?;
    }
    let scopes = narrowed_scopes(&stored, params.get("scope"))?;
    // One audience per grant family (RFC 8707 allows narrowing, not switching APIs).
    if let Some(r) = params.get("resource")
        && stored.data.audience.as_deref()
            != Some(pocket_shared::api_resource::rules::normalize_resource(r).as_str())
    {
        return Err(OAuthError::invalid_target(
            "The resource differs from the one this grant was issued for",
        ));
    }
    // A grant for an API still needs the client's access to it; revoked permissions go.
    let scopes = match &stored.data.audience {
        Some(aud) => resource::recheck(&state.db, &caller.client.id, aud, &scopes).await?,
        None => scopes,
    };
    let grant = UserGrant {
        scopes: &scopes,
        session: &stored.data.session,
        nonce: None,
        code: None,
    };
    mint_for_user(state, &caller.client, &stored, grant, now).await
}

/// RFC 6749 6: a refresh may ask for fewer scopes than granted, never more.
fn narrowed_scopes(stored: &Stored, asked: Option<&str>) -> Result<Vec<String>, OAuthError> {
    let Some(asked) = asked else {
        return Ok(stored.data.scopes.clone());
    };
    let wanted = split_scopes(asked);
    if wanted.iter().any(|w| !stored.data.scopes.contains(w)) {
        return Err(OAuthError::invalid_scope(
            "The scope exceeds what was granted",
        ));
    }
    Ok(wanted)
}
