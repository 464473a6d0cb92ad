//! `POST /api/oidc/token`: the authorization-code (single use; a replay revokes what the code
//! issued), refresh-token (rotation with reuse detection revoking the family), client-credentials
//! and device-code grants.

use super::client_auth::{self, Authenticated};
use super::error::OAuthError;
use super::params::{Params, split_scopes};
use super::store::{self, Kind, Session, Stored, Use};
use super::tokens::{self, Grant, TokenResponse};
use super::{claims, client, pkce};
use crate::db::entities::{oidc_clients, users};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::{DateTime, Utc};
use sea_orm::EntityTrait;
use uuid::Uuid;

/// The device-code grant type (RFC 8628 3.4).
pub const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// Scopes that describe the user; never granted to a client acting for itself.
const IDENTITY_SCOPES: &[&str] = &["openid", "profile", "email", "groups", "offline_access"];

/// Exchange a grant for tokens (RFC 6749 3.2).
#[utoipa::path(post, path = "/api/oidc/token", tag = "OIDC",
    request_body(content = String, content_type = "application/x-www-form-urlencoded",
                 description = "grant_type and the grant's parameters; client credentials in Basic or the form"),
    responses((status = 200, description = "access_token, token_type, expires_in, refresh_token?, id_token?, scope", body = serde_json::Value),
              (status = 400, description = "RFC 6749 error", body = serde_json::Value),
              (status = 401, description = "invalid_client", body = serde_json::Value)))]
pub async fn create_tokens(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    super::error::respond(
        axum::http::StatusCode::OK,
        exchange(&state, &headers, &body).await,
    )
}

async fn exchange(
    state: &AppState,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<TokenResponse, OAuthError> {
    let params = Params::from_form(headers, body)?;
    let grant_type = params.require("grant_type")?.to_owned();
    let known = [
        "authorization_code",
        "refresh_token",
        "client_credentials",
        DEVICE_CODE_GRANT,
    ];
    if !known.contains(&grant_type.as_str()) {
        return Err(OAuthError::unsupported_grant_type(
            "This grant type is not supported",
        ));
    }
    let caller = client_auth::authenticate(state, headers, &params).await?;
    let now = state.clock.now();
    match grant_type.as_str() {
        "authorization_code" => authorization_code(state, &caller, &params, now).await,
        "refresh_token" => refresh(state, &caller, &params, now).await,
        "client_credentials" => client_credentials(state, &caller, &params, now).await,
        _ => device_code(state, &caller, &params, now).await,
    }
}

/// The user behind a grant, still existing, enabled and allowed to use the client.
async fn grant_user(
    state: &AppState,
    c: &oidc_clients::Model,
    subject: Option<Uuid>,
) -> Result<users::Model, OAuthError> {
    let gone =
        || OAuthError::invalid_grant("The user of this grant no longer exists or is disabled");
    let user = users::Entity::find_by_id(subject.ok_or_else(gone)?)
        .one(&state.db)
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

#[allow(clippy::too_many_arguments)]
async fn mint(
    state: &AppState,
    c: &oidc_clients::Model,
    stored: &Stored,
    scopes: &[String],
    session: &Session,
    nonce: Option<&str>,
    code: Option<&str>,
    now: DateTime<Utc>,
) -> Result<TokenResponse, OAuthError> {
    let user = grant_user(state, c, session.subject).await?;
    let profile = claims::load_profile(&state.db, user, scopes).await?;
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
            scopes,
            session,
            profile: Some(&profile),
            nonce,
            code,
            family: &stored.row.request_id,
            refresh: true,
        },
        audience,
        now,
    )
    .await
}

async fn authorization_code(
    state: &AppState,
    caller: &Authenticated,
    params: &Params,
    now: DateTime<Utc>,
) -> Result<TokenResponse, OAuthError> {
    let code = params.require("code")?;
    let invalid = || {
        OAuthError::invalid_grant("The authorization code is invalid, expired or was already used")
    };
    let stored = match store::use_once(
        &state.db,
        &state.writes,
        Kind::AuthorizeCode,
        &store::secret_key(code),
    )
    .await?
    {
        Use::First(s) => s,
        Use::Again(s) => {
            // RFC 6749 4.1.2: a code used twice revokes what it issued.
            let n = store::revoke_family(&state.db, &state.writes, &s.row.request_id).await?;
            tracing::warn!(client = %s.data.client_id, revoked = n, "authorization code replayed: grant revoked");
            return Err(invalid());
        }
        Use::Missing => return Err(invalid()),
    };
    let d = &stored.data;
    if stored.expired(now) || d.client_id != caller.client.id {
        return Err(invalid());
    }
    let sent = d
        .extra
        .get("redirect_uri_sent")
        .and_then(serde_json::Value::as_bool)
        .unwrap_or(true);
    match params.get("redirect_uri") {
        Some(uri) if Some(uri) != d.redirect_uri.as_deref() => {
            return Err(OAuthError::invalid_grant(
                "redirect_uri does not match the authorization request",
            ));
        }
        None if sent => return Err(OAuthError::invalid_grant("redirect_uri is required")),
        _ => {}
    }
    match (&d.code_challenge, params.get("code_verifier")) {
        (Some(challenge), Some(verifier)) => {
            let method = pkce::Method::parse(d.code_challenge_method.as_deref())
                .unwrap_or(pkce::Method::Plain);
            if !pkce::verify(method, challenge, verifier) {
                return Err(OAuthError::invalid_grant(
                    "The code_verifier does not match the code_challenge",
                ));
            }
        }
        (Some(_), None) => return Err(OAuthError::invalid_grant("code_verifier is required")),
        // A verifier for a request made without a challenge is a downgrade attempt (RFC 9700
        // 2.1.1): refuse it.
        (None, Some(_)) => {
            return Err(OAuthError::invalid_grant(
                "code_verifier sent for a request without code_challenge",
            ));
        }
        (None, None) => {}
    }
    mint(
        state,
        &caller.client,
        &stored,
        &d.scopes,
        &d.session,
        d.nonce.as_deref(),
        Some(code),
        now,
    )
    .await
}

async fn refresh(
    state: &AppState,
    caller: &Authenticated,
    params: &Params,
    now: DateTime<Utc>,
) -> Result<TokenResponse, OAuthError> {
    let token = params.require("refresh_token")?;
    let invalid = || OAuthError::invalid_grant("The refresh token is invalid, expired or revoked");
    let stored = match store::use_once(
        &state.db,
        &state.writes,
        Kind::RefreshToken,
        &store::secret_key(token),
    )
    .await?
    {
        Use::First(s) => s,
        Use::Again(s) => {
            // A rotated-out refresh token came back: someone holds a copy. Revoke the family.
            if s.data.client_id == caller.client.id {
                let n = store::revoke_family(&state.db, &state.writes, &s.row.request_id).await?;
                tracing::warn!(client = %s.data.client_id, revoked = n, "refresh token reused: grant revoked");
            }
            return Err(invalid());
        }
        Use::Missing => return Err(invalid()),
    };
    if stored.expired(now) || stored.data.client_id != caller.client.id {
        return Err(invalid());
    }
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
    let scopes = match params.get("scope") {
        None => stored.data.scopes.clone(),
        Some(s) => {
            let wanted = split_scopes(s);
            if wanted.iter().any(|w| !stored.data.scopes.contains(w)) {
                return Err(OAuthError::invalid_scope(
                    "The scope exceeds what was granted",
                ));
            }
            wanted
        }
    };
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
        Some(aud) => super::resource::recheck(&state.db, &caller.client.id, aud, &scopes).await?,
        None => scopes,
    };
    mint(
        state,
        &caller.client,
        &stored,
        &scopes,
        &stored.data.session,
        None,
        None,
        now,
    )
    .await
}

async fn client_credentials(
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
    let resolved = super::resource::resolve(
        &state.db,
        &caller.client.id,
        params.get("resource"),
        &params.scopes(),
        crate::features::apis::repo::Subject::Client,
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

async fn device_code(
    state: &AppState,
    caller: &Authenticated,
    params: &Params,
    now: DateTime<Utc>,
) -> Result<TokenResponse, OAuthError> {
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
    let mut device = super::device::DeviceState::from(&stored.data);
    match device.status.as_str() {
        "approved" => {}
        "denied" => return Err(OAuthError::access_denied("The user denied the request")),
        _ => {
            let too_fast = now.timestamp() - device.last_poll < device.interval;
            device.last_poll = now.timestamp();
            if too_fast {
                // RFC 8628 3.5: slow down by five seconds from now on.
                device.interval += 5;
            }
            let mut data = stored.data.clone();
            data.extra = serde_json::to_value(&device).unwrap_or_default();
            store::update_data(&state.db, &state.writes, stored.row.id, &data).await?;
            return Err(if too_fast {
                OAuthError::slow_down("Poll less often")
            } else {
                OAuthError::authorization_pending("The user has not approved the request yet")
            });
        }
    }
    // Approved: only one poll among concurrent ones redeems it.
    let stored = match store::use_once(&state.db, &state.writes, Kind::DeviceCode, &key).await? {
        Use::First(s) => s,
        _ => return Err(invalid()),
    };
    let session = stored.data.session.clone();
    mint(
        state,
        &caller.client,
        &stored,
        &stored.data.scopes,
        &session,
        None,
        None,
        now,
    )
    .await
}
