//! Who is calling: extractors that authenticate a request or refuse it (fail closed). Handlers
//! declare the caller they need by type:
//! - `CurrentUser`: a session (cookie or bearer JWT) or an `X-API-Key` acting as its owner;
//! - `AdminUser`: as `CurrentUser`, and the user (the key's owner) is an administrator;
//! - `BrowserUser`: a session only; a request carrying `X-API-Key` is refused
//!   (`api_key_auth_not_allowed`);
//! - `MaybeUser`: the session user if any (API keys are not considered), else anonymous.
//!
//! When `X-API-Key` is present it alone decides: an invalid or expired key is a 401 even if a
//! valid session cookie comes with it. A disabled user is refused (403 `user_disabled`) on every
//! path.

pub mod api_key;
pub mod cookies;
pub mod session;

use crate::db::entities::users;
use crate::error::AppError;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use pocket_shared::ErrorCode;
use session::SessionClaims;

/// A signed-in user, authenticated by the session cookie (or the session JWT as a bearer token).
#[derive(Debug, Clone)]
pub struct SessionUser {
    pub user: users::Model,
    pub claims: SessionClaims,
}

/// The session token from the cookie, else from `Authorization: Bearer` (Pocket ID accepts both).
fn session_token(parts: &Parts, https: bool) -> Option<String> {
    cookies::get(&parts.headers, cookies::ACCESS_TOKEN, https)
        .or_else(|| bearer_token(&parts.headers))
}

/// The token of an `Authorization: Bearer <token>` header (RFC 6750 2.1).
pub fn bearer_token(headers: &axum::http::HeaderMap) -> Option<String> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, t)| t.trim().to_owned())
}

/// The error for a disabled account (403 `user_disabled`).
pub fn user_disabled() -> AppError {
    AppError::refused(ErrorCode::UserDisabled, "User account is disabled")
}

async fn session_user(parts: &Parts, state: &AppState) -> Result<Option<SessionUser>, AppError> {
    let Some(token) = session_token(parts, state.config.is_https()) else {
        return Ok(None);
    };
    let now = state.clock.now();
    let Some(claims) = state.session_keys.verify(&token, now) else {
        return Ok(None);
    };
    // Checked on every request, in one query: an ended session, or a deleted user, stops
    // working at once on every instance; a disabled user is refused.
    let Some(user) =
        crate::features::sessions::service::resolve(&state.db, claims.sid, claims.sub, now).await?
    else {
        return Ok(None);
    };
    if user.disabled {
        return Err(user_disabled());
    }
    Ok(Some(SessionUser { user, claims }))
}

/// The claims of the request's session token, when genuine and unexpired, without looking at
/// the database (sign-out uses it to find the session to end).
pub fn session_claims(parts: &axum::http::HeaderMap, state: &AppState) -> Option<SessionClaims> {
    let token = cookies::get(parts, cookies::ACCESS_TOKEN, state.config.is_https())
        .or_else(|| bearer_token(parts))?;
    state.session_keys.verify(&token, state.clock.now())
}

impl FromRequestParts<AppState> for SessionUser {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        session_user(parts, state)
            .await?
            .ok_or(AppError::NotSignedIn)
    }
}

/// A user signed in through a browser session; API keys are refused (Pocket ID's "browser").
#[derive(Debug, Clone)]
pub struct BrowserUser(pub SessionUser);

impl FromRequestParts<AppState> for BrowserUser {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        if parts.headers.contains_key(api_key::HEADER) {
            return Err(AppError::refused(
                ErrorCode::ApiKeyAuthNotAllowed,
                "API key authentication is not allowed for this endpoint",
            ));
        }
        SessionUser::from_request_parts(parts, state)
            .await
            .map(Self)
    }
}

/// Any signed-in caller acting as a user: the session's user, or the owner of the `X-API-Key`
/// (which, when present, is the only credential considered).
#[derive(Debug, Clone)]
pub struct CurrentUser(pub users::Model);

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        if let Some(key) = parts.headers.get(api_key::HEADER) {
            return api_key::authenticate(state, key).await.map(Self);
        }
        SessionUser::from_request_parts(parts, state)
            .await
            .map(|s| Self(s.user))
    }
}

/// A signed-in administrator (by session, or by an API key whose owner is an administrator).
#[derive(Debug, Clone)]
pub struct AdminUser(pub users::Model);

impl FromRequestParts<AppState> for AdminUser {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let CurrentUser(user) = CurrentUser::from_request_parts(parts, state).await?;
        if user.is_admin {
            Ok(Self(user))
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// The session user if there is one; anonymous otherwise (a disabled user is still refused).
/// Used by browser pages of the OIDC flow, where an API key means nothing.
#[derive(Debug, Clone)]
pub struct MaybeUser(pub Option<SessionUser>);

impl FromRequestParts<AppState> for MaybeUser {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        session_user(parts, state).await.map(Self)
    }
}

impl MaybeUser {
    /// The id of the session the request came with, when it is `user`'s (a change a user makes
    /// to their own account keeps this session while ending the others).
    pub fn session_of(&self, user: uuid::Uuid) -> Option<uuid::Uuid> {
        self.0
            .as_ref()
            .filter(|s| s.user.id == user)
            .map(|s| s.claims.sid)
    }
}

/// Starts a browser session for `user` (lifetime: app config `sessionDuration` from
/// `settings`) with the given authentication methods: stores its row and returns the
/// `Set-Cookie` carrying it.
pub async fn start_session(
    state: &AppState,
    settings: &crate::features::app_config::service::AppSettings,
    user: uuid::Uuid,
    amr: &[&str],
    origin: &crate::features::audit_log::service::Origin,
) -> Result<axum::http::HeaderValue, AppError> {
    let lifetime = chrono::Duration::minutes(settings.session_duration_minutes);
    let now = state.clock.now();
    let sign_in = crate::features::sessions::service::SignIn {
        user,
        amr,
        origin,
        lifetime,
    };
    let sid =
        crate::features::sessions::service::start(&state.db, &state.geo, sign_in, now).await?;
    let token = state.session_keys.issue(user, sid, amr, now, lifetime);
    Ok(cookies::set(
        cookies::ACCESS_TOKEN,
        &token,
        lifetime.num_seconds(),
        state.config.is_https(),
    ))
}
