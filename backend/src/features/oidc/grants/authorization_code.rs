//! The authorization-code grant (RFC 6749 4.1.3): a single-use code (a replay revokes what it
//! issued), bound to its redirect URI and PKCE challenge.

use super::{OnReplay, UserGrant, mint_for_user, redeem_once};
use crate::features::oidc::error::OAuthError;
use crate::features::oidc::protocol::client_auth::Authenticated;
use crate::features::oidc::protocol::params::Params;
use crate::features::oidc::protocol::pkce;
use crate::features::oidc::store::{Kind, RequestData};
use crate::features::oidc::tokens::TokenResponse;
use crate::state::AppState;
use chrono::{DateTime, Utc};

/// Exchanges the code `params` carry for tokens.
pub async fn redeem(
    state: &AppState,
    caller: &Authenticated,
    params: &Params,
    now: DateTime<Utc>,
) -> Result<TokenResponse, OAuthError> {
    let code = params.require("code")?;
    let invalid = || {
        OAuthError::invalid_grant("The authorization code is invalid, expired or was already used")
    };
    let stored = redeem_once(
        state,
        caller,
        Kind::AuthorizeCode,
        code,
        OnReplay::RevokeFamily,
        invalid,
        now,
    )
    .await?;
    let d = &stored.data;
    check_redirect_uri(d, params.get("redirect_uri"))?;
    check_pkce(d, params.get("code_verifier"))?;
    // A confidential client without PKCE that completed a PKCE exchange can take PKCE: the
    // admin UI suggests enabling it (reference 3.4). Noted here, after the client authenticated
    // and proved the verifier, so no anonymous `/authorize` request changes a client.
    let c = &caller.client;
    if d.code_challenge.is_some() && !c.is_public && !c.pkce_enabled && !c.pkce_supported {
        crate::features::oidc::protocol::client::note_pkce_support(&state.db, c).await?;
    }
    let grant = UserGrant {
        scopes: &d.scopes,
        session: &d.session,
        nonce: d.nonce.as_deref(),
        code: Some(code),
    };
    mint_for_user(state, &caller.client, &stored, grant, now).await
}

/// RFC 6749 4.1.3: the redirect URI must be the authorization request's, and is required when
/// that request carried one.
fn check_redirect_uri(d: &RequestData, sent: Option<&str>) -> Result<(), OAuthError> {
    let required = d
        .extra
        .get("redirect_uri_sent")
        .and_then(serde_json::Value::as_bool)
        .unwrap_or(true);
    match sent {
        Some(uri) if Some(uri) != d.redirect_uri.as_deref() => Err(OAuthError::invalid_grant(
            "redirect_uri does not match the authorization request",
        )),
        None if required => Err(OAuthError::invalid_grant("redirect_uri is required")),
        _ => Ok(()),
    }
}

/// RFC 7636 4.6: the verifier must match the request's challenge.
fn check_pkce(d: &RequestData, verifier: Option<&str>) -> Result<(), OAuthError> {
    match (&d.code_challenge, verifier) {
        (Some(challenge), Some(verifier)) => {
            // A request stored with another method (before S256 became the only one) fails.
            let method = pkce::Method::parse(d.code_challenge_method.as_deref());
            if method.is_some_and(|m| pkce::verify(m, challenge, verifier)) {
                Ok(())
            } else {
                Err(OAuthError::invalid_grant(
                    "The code_verifier does not match the code_challenge",
                ))
            }
        }
        (Some(_), None) => Err(OAuthError::invalid_grant("code_verifier is required")),
        // A verifier for a request made without a challenge is a downgrade attempt (RFC 9700
        // 2.1.1): refuse it.
        (None, Some(_)) => Err(OAuthError::invalid_grant(
            "code_verifier sent for a request without code_challenge",
        )),
        (None, None) => Ok(()),
    }
}
