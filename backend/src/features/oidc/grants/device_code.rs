//! The device-code grant (RFC 8628 3.4): the device polls until the user approves or denies;
//! polling too fast slows it down, and an approved code is redeemed once.

use super::{UserGrant, mint_for_user};
use crate::features::oidc::error::OAuthError;
use crate::features::oidc::protocol::client_auth::Authenticated;
use crate::features::oidc::protocol::params::Params;
use crate::features::oidc::store::DeviceState;
use crate::features::oidc::store::{self, Kind, Stored, Use};
use crate::features::oidc::tokens::TokenResponse;
use crate::state::AppState;
use chrono::{DateTime, Utc};

/// Answers one poll of the device: pending, slow down, denied, or the tokens.
pub async fn poll(
    state: &AppState,
    caller: &Authenticated,
    params: &Params,
    now: DateTime<Utc>,
) -> Result<TokenResponse, OAuthError> {
    // Also when the flow was switched off after the device started.
    crate::features::oidc::protocol::client::require_device_flow(&caller.client)?;
    let code = params.require("device_code")?;
    let key = store::secret_key(code);
    let invalid = || OAuthError::invalid_grant("The device code is invalid");
    let stored = store::find(&state.db, Kind::DeviceCode, &key)
        .await?
        .ok_or_else(invalid)?;
    if stored.data.client_id != caller.client.id {
        return Err(invalid());
    }
    if stored.expired(now) {
        return Err(OAuthError::expired_token("The device code has expired"));
    }
    let device = DeviceState::from(&stored.data);
    match device.status.as_str() {
        "approved" => {}
        "denied" => return Err(OAuthError::access_denied("The user denied the request")),
        _ => return Err(record_poll(state, &stored, device, now).await?),
    }
    // Approved: only one poll among concurrent ones redeems it.
    let stored = match store::use_once(&state.db, &state.writes, Kind::DeviceCode, &key).await? {
        Use::First(s) => s,
        _ => return Err(invalid()),
    };
    let grant = UserGrant {
        scopes: &stored.data.scopes,
        session: &stored.data.session,
        nonce: None,
        code: None,
    };
    mint_for_user(state, &caller.client, &stored, grant, now).await
}

/// Records a poll of a pending device and returns what to answer it: `slow_down` when it came
/// sooner than the interval (RFC 8628 3.5: five seconds more from now on), else
/// `authorization_pending`.
async fn record_poll(
    state: &AppState,
    stored: &Stored,
    mut device: DeviceState,
    now: DateTime<Utc>,
) -> Result<OAuthError, OAuthError> {
    let too_fast = now.timestamp() - device.last_poll < device.interval;
    device.last_poll = now.timestamp();
    if too_fast {
        device.interval += 5;
    }
    let mut data = stored.data.clone();
    data.extra = serde_json::to_value(&device).unwrap_or_default();
    store::update_data(&state.db, &state.writes, stored.row.id, &data).await?;
    Ok(if too_fast {
        OAuthError::slow_down("Poll less often")
    } else {
        OAuthError::authorization_pending("The user has not approved the request yet")
    })
}
