//! HTTP handler for redeeming a login code.

use super::service;
use crate::error::AppError;
use crate::extract::{Json, Path};
use crate::features::audit_log::service::{AuditEvent, Origin, record};
use crate::features::users::service::to_dto;
use crate::state::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use pocket_shared::{ApiError, UserDto};

/// Sign in with a login code (6 or 12 characters); sets the session cookie.
#[utoipa::path(post, path = "/api/one-time-access-token/{token}", tag = "Login codes",
    params(("token" = String, Path, description = "The login code")),
    responses((status = 200, body = UserDto), (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 429, body = ApiError)))]
pub async fn exchange_one_time_access_token(
    State(state): State<AppState>,
    origin: Origin,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    crate::ratelimit::check(
        &state.db,
        state.rate_limits_enabled(),
        crate::ratelimit::ONE_TIME_ACCESS_TOKEN,
        origin.ip,
        now,
    )
    .await?;
    let user = service::redeem(&state.db, &token, now).await?;
    let s = crate::features::app_config::service::settings(
        &state.db,
        state.config.app_config_env.as_ref(),
    )
    .await?;
    let cookie = crate::auth::start_session(
        &state,
        &s,
        user.id,
        &[crate::auth::session::AMR_OTP],
        &origin,
    )
    .await?;
    record(
        &state.db,
        &state.geo,
        AuditEvent::TokenSignIn,
        user.id,
        &origin,
        Default::default(),
        now,
    )
    .await?;
    let dto = to_dto(&state.db, user).await?;
    Ok(([(header::SET_COOKIE, cookie)], Json(dto)).into_response())
}
