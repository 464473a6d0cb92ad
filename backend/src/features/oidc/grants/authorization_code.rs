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
            let method = pkce::Method::parse(d.code_challenge_method.as_deref())
                .unwrap_or(pkce::Method::Plain);
            if pkce::verify(method, challenge, verifier) {
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
