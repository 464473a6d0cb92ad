//! HTTP handlers for browser sessions: the caller's own (`/api/users/me/sessions`, from a
//! browser session: an API key has no session of its own and cannot sign the user out) and,
//! for administrators (by session or API key), any user's (`/api/users/{id}/sessions`).

use super::service;
use crate::auth::{AdminUser, BrowserUser, MaybeUser};
use crate::error::AppError;
use crate::extract::{Json, Path};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use pocket_shared::{ApiError, UserSessionDto};
use uuid::Uuid;

/// Your signed-in browsers: this one (`current`) first, then newest first (browser session only).
#[utoipa::path(get, path = "/api/users/me/sessions", tag = "Sessions",
    responses((status = 200, body = Vec<UserSessionDto>), (status = 401, body = ApiError),
              (status = 403, body = ApiError)))]
pub async fn list_my_sessions(
    State(state): State<AppState>,
    BrowserUser(session): BrowserUser,
) -> Result<Json<Vec<UserSessionDto>>, AppError> {
    let (user, current) = (session.user.id, Some(session.claims.sid));
    Ok(Json(
        service::list(&state.db, user, current, state.clock.now()).await?,
    ))
}

/// Sign out every other browser; this one stays signed in (browser session only).
#[utoipa::path(delete, path = "/api/users/me/sessions", tag = "Sessions",
    responses((status = 204), (status = 401, body = ApiError), (status = 403, body = ApiError)))]
pub async fn end_my_other_sessions(
    State(state): State<AppState>,
    BrowserUser(session): BrowserUser,
) -> Result<StatusCode, AppError> {
    service::end_all(&state.db, session.user.id, Some(session.claims.sid)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sign out one of your browsers; another user's session is not found (browser session only).
#[utoipa::path(delete, path = "/api/users/me/sessions/{id}", tag = "Sessions",
    params(("id" = Uuid, Path, description = "Session id")),
    responses((status = 204), (status = 401, body = ApiError), (status = 403, body = ApiError),
              (status = 404, body = ApiError)))]
pub async fn end_my_session(
    State(state): State<AppState>,
    BrowserUser(session): BrowserUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, AppError> {
    if service::end(&state.db, session.user.id, id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::NotFound("Session"))
    }
}

/// A user's signed-in browsers, newest first (administrators).
#[utoipa::path(get, path = "/api/users/{id}/sessions", tag = "Sessions",
    params(("id" = Uuid, Path, description = "User id")),
    responses((status = 200, body = Vec<UserSessionDto>), (status = 401, body = ApiError),
              (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn list_user_sessions(
    State(state): State<AppState>,
    _admin: AdminUser,
    viewer: MaybeUser,
    Path(id): Path<Uuid>,
) -> Result<Json<Vec<UserSessionDto>>, AppError> {
    let user = crate::features::users::service::get(&state.db, id).await?;
    let current = viewer.session_of(user.id);
    Ok(Json(
        service::list(&state.db, user.id, current, state.clock.now()).await?,
    ))
}

/// Sign a user out everywhere (administrators; their own session stays when it is theirs).
#[utoipa::path(delete, path = "/api/users/{id}/sessions", tag = "Sessions",
    params(("id" = Uuid, Path, description = "User id")),
    responses((status = 204), (status = 401, body = ApiError), (status = 403, body = ApiError),
              (status = 404, body = ApiError)))]
pub async fn end_user_sessions(
    State(state): State<AppState>,
    _admin: AdminUser,
    viewer: MaybeUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, AppError> {
    let user = crate::features::users::service::get(&state.db, id).await?;
    let keep = viewer.session_of(user.id);
    service::end_all(&state.db, user.id, keep).await?;
    Ok(StatusCode::NO_CONTENT)
}
