//! HTTP handlers for the initial setup.

use super::service;
use crate::app::AppState;
use crate::error::AppError;
use crate::extract::Json;
use crate::features::app_config::service::settings;
use crate::features::users::service::to_dto;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use pocket_shared::{ApiError, ErrorCode, SignUpRequest, UserDto};

/// Whether the first administrator can still be created (204) or not (404).
#[utoipa::path(get, path = "/api/signup/setup", tag = "Setup",
    responses((status = 204, description = "Setup is available"), (status = 404, body = ApiError)))]
pub async fn get_setup_status(State(state): State<AppState>) -> Result<StatusCode, AppError> {
    if service::setup_available(&state.db).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::Coded {
            status: StatusCode::NOT_FOUND,
            code: ErrorCode::SetupNotAvailable,
            message: "Not found".into(),
        })
    }
}

/// Create the first administrator and sign them in (then they add a passkey).
#[utoipa::path(post, path = "/api/signup/setup", tag = "Setup", request_body = SignUpRequest,
    responses((status = 200, body = UserDto), (status = 400, body = ApiError), (status = 409, body = ApiError)))]
pub async fn create_first_admin(
    State(state): State<AppState>,
    Json(req): Json<SignUpRequest>,
) -> Result<Response, AppError> {
    let s = settings(&state.db, state.config.app_config_env.as_ref()).await?;
    let user = service::create_first_admin(
        &state.db,
        req,
        s.require_user_email,
        s.emails_verified,
        state.clock.now(),
    )
    .await?;
    // Signed in without a passkey yet: like a login code (Pocket ID's `amr`).
    let cookie = crate::auth::start_session(&state, &s, user.id, &[crate::auth::session::AMR_OTP]);
    let dto = to_dto(&state.db, user).await?;
    Ok(([(header::SET_COOKIE, cookie)], Json(dto)).into_response())
}
