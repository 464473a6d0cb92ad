//! HTTP handlers for passkeys. The challenge session travels in the `session` cookie (60 s).

use super::{ceremony, service};
use crate::auth::cookies::{self, ACCESS_TOKEN, REAUTHENTICATION_TOKEN, SESSION};
use crate::auth::session::AMR_PASSKEY;
use crate::auth::{BrowserUser, CurrentUser};
use crate::error::AppError;
use crate::extract::{ClientIp, Json, Path};
use crate::features::app_config::service::{AppSettings, settings};
use crate::features::audit_log::service::{AuditEvent, Origin, record};
use crate::features::users::service::to_dto as user_dto;
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{AppendHeaders, IntoResponse, Response};
use pocket_shared::{ApiError, UserDto, WebauthnCredentialDto, WebauthnCredentialUpdateRequest};
use std::collections::BTreeMap;
use uuid::Uuid;
use webauthn_rs::prelude::{PublicKeyCredential, RegisterPublicKeyCredential, Webauthn};

async fn relying_party(state: &AppState) -> Result<(Webauthn, AppSettings), AppError> {
    let s = settings(&state.db, state.config.app_config_env.as_ref()).await?;
    Ok((
        ceremony::relying_party(&state.config.app_url, &s.app_name)?,
        s,
    ))
}

fn session_id(state: &AppState, headers: &HeaderMap) -> Option<Uuid> {
    cookies::get(headers, SESSION, state.config.is_https()).and_then(|v| Uuid::parse_str(&v).ok())
}

fn session_cookie(state: &AppState, id: Option<Uuid>) -> HeaderValue {
    let https = state.config.is_https();
    match id {
        Some(id) => cookies::set(
            SESSION,
            &id.to_string(),
            ceremony::CEREMONY_TIMEOUT.as_secs() as i64,
            https,
        ),
        None => cookies::set(SESSION, "", 0, https),
    }
}

/// Start adding a passkey to the signed-in account (browser session only). Needs a recent
/// authentication: a session younger than five minutes, or a passkey assertion sent to
/// `/api/webauthn/reauthenticate` just before (401 `reauthentication_required` otherwise).
#[utoipa::path(get, path = "/api/webauthn/register/start", tag = "Passkeys",
    responses((status = 200, description = "PublicKeyCredentialCreationOptions as {publicKey}", body = serde_json::Value),
              (status = 401, body = ApiError), (status = 403, body = ApiError)))]
pub async fn start_passkey_registration(
    State(state): State<AppState>,
    BrowserUser(session): BrowserUser,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let reauthentication = cookies::get(&headers, REAUTHENTICATION_TOKEN, state.config.is_https());
    crate::features::sessions::service::require_recent_authentication(
        &state.db,
        &session,
        reauthentication.as_deref(),
        state.clock.now(),
    )
    .await?;
    let (rp, s) = relying_party(&state).await?;
    let (options, id) =
        service::start_registration(&state.db, &rp, &s, &session.user, state.clock.now()).await?;
    Ok((
        [(header::SET_COOKIE, session_cookie(&state, Some(id)))],
        Json(options),
    )
        .into_response())
}

/// Finish adding a passkey: the browser's `PublicKeyCredential.toJSON()`.
#[utoipa::path(post, path = "/api/webauthn/register/finish", tag = "Passkeys",
    request_body(content = serde_json::Value, description = "The attestation response (PublicKeyCredential.toJSON())"),
    responses((status = 200, body = WebauthnCredentialDto), (status = 400, body = ApiError)))]
pub async fn finish_passkey_registration(
    State(state): State<AppState>,
    BrowserUser(session): BrowserUser,
    origin: Origin,
    headers: HeaderMap,
    Json(response): Json<RegisterPublicKeyCredential>,
) -> Result<Response, AppError> {
    let (rp, s) = relying_party(&state).await?;
    let now = state.clock.now();
    let id = session_id(&state, &headers);
    let cred =
        service::finish_registration(&state.db, &rp, &s, &session.user, id, &response, now).await?;
    let data = BTreeMap::from([
        ("credentialID", hex::encode(&cred.credential_id)),
        ("passkeyName", cred.name.clone()),
    ]);
    record(
        &state.db,
        &state.geo,
        AuditEvent::PasskeyAdded,
        session.user.id,
        &origin,
        data,
        now,
    )
    .await?;
    Ok((
        [(header::SET_COOKIE, session_cookie(&state, None))],
        Json(service::to_dto(cred)),
    )
        .into_response())
}

/// Start a usernameless passkey sign-in.
#[utoipa::path(get, path = "/api/webauthn/login/start", tag = "Passkeys",
    responses((status = 200, description = "PublicKeyCredentialRequestOptions as {publicKey, mediation}", body = serde_json::Value),
              (status = 429, body = ApiError)))]
pub async fn start_passkey_login(
    State(state): State<AppState>,
    crate::extract::ClientIp(ip): crate::extract::ClientIp,
) -> Result<Response, AppError> {
    crate::ratelimit::check(
        &state.db,
        state.rate_limits_enabled(),
        crate::ratelimit::WEBAUTHN_LOGIN_START,
        ip,
        state.clock.now(),
    )
    .await?;
    let (rp, s) = relying_party(&state).await?;
    let (options, id) =
        service::start_authentication(&state.db, &rp, &s, state.clock.now()).await?;
    Ok((
        [(header::SET_COOKIE, session_cookie(&state, Some(id)))],
        Json(options),
    )
        .into_response())
}

/// Finish a passkey sign-in; sets the session cookie.
#[utoipa::path(post, path = "/api/webauthn/login/finish", tag = "Passkeys",
    request_body(content = serde_json::Value, description = "The assertion (PublicKeyCredential.toJSON())"),
    responses((status = 200, body = UserDto), (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 429, body = ApiError)))]
pub async fn finish_passkey_login(
    State(state): State<AppState>,
    origin: Origin,
    headers: HeaderMap,
    Json(assertion): Json<PublicKeyCredential>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    crate::ratelimit::check(
        &state.db,
        state.rate_limits_enabled(),
        crate::ratelimit::WEBAUTHN_LOGIN,
        origin.ip,
        now,
    )
    .await?;
    let (rp, s) = relying_party(&state).await?;
    let user = service::finish_authentication(
        &state.db,
        &rp,
        session_id(&state, &headers),
        &assertion,
        now,
    )
    .await?;
    let cookie = crate::auth::start_session(&state, &s, user.id, &[AMR_PASSKEY], &origin).await?;
    record(
        &state.db,
        &state.geo,
        AuditEvent::SignIn,
        user.id,
        &origin,
        BTreeMap::new(),
        now,
    )
    .await?;
    let dto = user_dto(&state.db, user).await?;
    Ok((
        AppendHeaders([
            (header::SET_COOKIE, cookie),
            (header::SET_COOKIE, session_cookie(&state, None)),
        ]),
        Json(dto),
    )
        .into_response())
}

/// Sign out: ends the session (a copy of the cookie stops working too) and clears the cookie.
#[utoipa::path(post, path = "/api/webauthn/logout", tag = "Passkeys",
    responses((status = 204), (status = 500, body = ApiError)))]
pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    if let Some(claims) = crate::auth::session_claims(&headers, &state) {
        crate::features::sessions::service::end(&state.db, claims.sub, claims.sid).await?;
    }
    let https = state.config.is_https();
    Ok((
        StatusCode::NO_CONTENT,
        AppendHeaders([
            (header::SET_COOKIE, cookies::set(ACCESS_TOKEN, "", 0, https)),
            (
                header::SET_COOKIE,
                cookies::set(REAUTHENTICATION_TOKEN, "", 0, https),
            ),
        ]),
    )
        .into_response())
}

/// Prove presence again: a fresh passkey assertion (for the challenge from `login/start`), or
/// no body within a minute of a passkey sign-in. Sets a 3-minute reauthentication cookie.
#[utoipa::path(post, path = "/api/webauthn/reauthenticate", tag = "Passkeys",
    request_body(content = serde_json::Value, description = "Optional assertion (PublicKeyCredential.toJSON())"),
    responses((status = 204), (status = 401, body = ApiError), (status = 429, body = ApiError)))]
pub async fn reauthenticate(
    State(state): State<AppState>,
    BrowserUser(session): BrowserUser,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    crate::ratelimit::check(
        &state.db,
        state.rate_limits_enabled(),
        crate::ratelimit::WEBAUTHN_REAUTHENTICATE,
        ip,
        now,
    )
    .await?;
    if body.iter().all(u8::is_ascii_whitespace) {
        let recent_passkey = session.claims.amr.iter().any(|m| m == AMR_PASSKEY)
            && session
                .claims
                .issued_at()
                .is_some_and(|t| now - t < chrono::Duration::minutes(1));
        if !recent_passkey {
            return Err(AppError::unauthorized(
                pocket_shared::ErrorCode::ReauthenticationRequired,
                "Reauthentication is required",
            ));
        }
    } else {
        let assertion: PublicKeyCredential =
            serde_json::from_slice(&body).map_err(|e| AppError::InvalidBody(e.to_string()))?;
        let (rp, _) = relying_party(&state).await?;
        service::verify_user_assertion(
            &state.db,
            &rp,
            &session.user,
            session_id(&state, &headers),
            &assertion,
            now,
        )
        .await?;
    }
    let token = service::issue_reauthentication_token(&state.db, session.user.id, now).await?;
    let cookie = cookies::set(
        REAUTHENTICATION_TOKEN,
        &token,
        service::REAUTHENTICATION_TTL.num_seconds(),
        state.config.is_https(),
    );
    Ok((
        StatusCode::NO_CONTENT,
        AppendHeaders([
            (header::SET_COOKIE, cookie),
            (header::SET_COOKIE, session_cookie(&state, None)),
        ]),
    )
        .into_response())
}

/// List the signed-in user's passkeys.
#[utoipa::path(get, path = "/api/webauthn/credentials", tag = "Passkeys",
    responses((status = 200, body = Vec<WebauthnCredentialDto>), (status = 401, body = ApiError)))]
pub async fn list_passkeys(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> Result<Json<Vec<WebauthnCredentialDto>>, AppError> {
    Ok(Json(
        service::list(&state.db, user.id)
            .await?
            .into_iter()
            .map(service::to_dto)
            .collect(),
    ))
}

/// Rename one of the signed-in user's passkeys (1–50 characters).
#[utoipa::path(patch, path = "/api/webauthn/credentials/{id}", tag = "Passkeys",
    params(("id" = String, Path, description = "Passkey id")),
    request_body = WebauthnCredentialUpdateRequest,
    responses((status = 200, body = WebauthnCredentialDto), (status = 400, body = ApiError), (status = 404, body = ApiError)))]
pub async fn update_passkey(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<Uuid>,
    Json(req): Json<WebauthnCredentialUpdateRequest>,
) -> Result<Json<WebauthnCredentialDto>, AppError> {
    let cred = service::rename(&state.db, user.id, id, &req.name).await?;
    Ok(Json(service::to_dto(cred)))
}

/// Delete one of the signed-in user's passkeys.
#[utoipa::path(delete, path = "/api/webauthn/credentials/{id}", tag = "Passkeys",
    params(("id" = String, Path, description = "Passkey id")),
    responses((status = 204), (status = 404, body = ApiError)))]
pub async fn delete_passkey(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    viewer: crate::auth::MaybeUser,
    origin: Origin,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, AppError> {
    service::remove(
        &state.db,
        &state.geo,
        user.id,
        id,
        service::Remover::Owner(viewer.session_of(user.id)),
        &origin,
        state.clock.now(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
