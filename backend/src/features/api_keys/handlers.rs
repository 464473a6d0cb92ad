//! HTTP handlers for the caller's own API keys. Listing and revoking accept any signed-in caller
//! (an API key too); creating and renewing need a browser session, so a leaked key cannot mint
//! new ones, and a recent authentication, so a copied cookie cannot either; no key lives longer
//! than `API_KEY_MAX_LIFETIME_DAYS`.

use super::service;
use crate::auth::{BrowserUser, CurrentUser, SessionUser, cookies};
use crate::error::AppError;
use crate::extract::{Json, Path};
use crate::list::{ListParams, ListQueryDoc};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use pocket_shared::ApiError;
use pocket_shared::api_key::{
    ApiKeyCreateRequest, ApiKeyListResponse, ApiKeyRenewRequest, ApiKeyResponse,
};
use uuid::Uuid;

/// A new token is lasting access: it needs a recent sign-in or passkey confirmation.
async fn recently_authenticated(
    state: &AppState,
    session: &SessionUser,
    headers: &HeaderMap,
) -> Result<(), AppError> {
    let https = state.config.is_https();
    let reauthentication = cookies::get(headers, cookies::REAUTHENTICATION_TOKEN, https);
    crate::features::sessions::service::require_recent_authentication(
        &state.db,
        session,
        reauthentication.as_deref(),
        state.clock.now(),
    )
    .await
}

/// List your API keys (paginated; `sort[column]`: name (default), description, expiresAt,
/// lastUsedAt, createdAt; `search` matches the name).
#[utoipa::path(get, path = "/api/api-keys", tag = "API Keys", params(ListQueryDoc),
    responses((status = 200, body = ApiKeyListResponse), (status = 400, body = ApiError),
              (status = 401, body = ApiError), (status = 403, body = ApiError)))]
pub async fn list_api_keys(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    params: ListParams,
) -> Result<Json<ApiKeyListResponse>, AppError> {
    Ok(Json(service::list(&state.db, user.id, &params).await?))
}

/// Create an API key; the token is in this answer only (browser session and a recent
/// authentication required, as for adding a passkey; `expiresAt` at most
/// `API_KEY_MAX_LIFETIME_DAYS`, default 365, ahead).
#[utoipa::path(post, path = "/api/api-keys", tag = "API Keys", request_body = ApiKeyCreateRequest,
    responses((status = 201, body = ApiKeyResponse), (status = 400, body = ApiError),
              (status = 401, body = ApiError), (status = 403, body = ApiError)))]
pub async fn create_api_key(
    State(state): State<AppState>,
    BrowserUser(session): BrowserUser,
    headers: HeaderMap,
    Json(req): Json<ApiKeyCreateRequest>,
) -> Result<(StatusCode, Json<ApiKeyResponse>), AppError> {
    let now = state.clock.now();
    recently_authenticated(&state, &session, &headers).await?;
    let max = state.config.api_key_max_lifetime();
    let created = service::create(&state.db, session.user.id, req, max, now).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Renew an expired API key: new token and expiry, same id (browser session and a recent
/// authentication required).
#[utoipa::path(post, path = "/api/api-keys/{id}/renew", tag = "API Keys",
    params(("id" = Uuid, Path, description = "API key id")),
    request_body = ApiKeyRenewRequest,
    responses((status = 200, body = ApiKeyResponse),
              (status = 400, body = ApiError, description = "Invalid expiry, or `api_key_not_expired`"),
              (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn renew_api_key(
    State(state): State<AppState>,
    BrowserUser(session): BrowserUser,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
    Json(req): Json<ApiKeyRenewRequest>,
) -> Result<Json<ApiKeyResponse>, AppError> {
    let now = state.clock.now();
    recently_authenticated(&state, &session, &headers).await?;
    let max = state.config.api_key_max_lifetime();
    let renewed = service::renew(&state.db, session.user.id, id, req, max, now).await?;
    Ok(Json(renewed))
}

/// Revoke one of your API keys (another user's key is not found).
#[utoipa::path(delete, path = "/api/api-keys/{id}", tag = "API Keys",
    params(("id" = Uuid, Path, description = "API key id")),
    responses((status = 204), (status = 400, body = ApiError), (status = 401, body = ApiError),
              (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn delete_api_key(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, AppError> {
    service::delete(&state.db, user.id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
