//! Our own access tokens presented back to us (userinfo, introspection): the JWT must verify
//! against a published key with that key's algorithm, be unexpired, name us as issuer, and its
//! record must still exist (revocation and rotation delete it).

use crate::features::oidc::store::{self, Kind, Stored};
use crate::state::AppState;
use chrono::{DateTime, Utc};
use serde_json::Value;

/// A live access token.
pub struct AccessToken {
    pub claims: Value,
    pub stored: Stored,
}

/// Verifies `token` as one of our live access tokens.
pub async fn verify(
    state: &AppState,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<AccessToken>, sea_orm::DbErr> {
    let keys = state.keys.get();
    let Some(v) = crate::crypto::jws::verify(token, keys.verifying()) else {
        return Ok(None);
    };
    let c = &v.claims;
    let fresh = c
        .get("exp")
        .and_then(Value::as_i64)
        .is_some_and(|e| e > now.timestamp());
    let ours = c.get("iss").and_then(Value::as_str) == Some(state.config.app_url.as_str());
    let is_access = v.header.get("typ").and_then(Value::as_str) == Some("at+jwt");
    let Some(jti) = c
        .get("jti")
        .and_then(Value::as_str)
        .filter(|_| fresh && ours && is_access)
    else {
        return Ok(None);
    };
    let Some(stored) = store::find(&state.db, Kind::AccessToken, jti).await? else {
        return Ok(None);
    };
    if !stored.row.active || stored.expired(now) {
        return Ok(None);
    }
    Ok(Some(AccessToken {
        claims: v.claims,
        stored,
    }))
}
