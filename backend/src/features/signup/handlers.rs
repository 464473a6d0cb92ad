//! HTTP handlers for the initial setup, self-signup and signup tokens.

use super::{service, tokens};
use crate::auth::AdminUser;
use crate::error::AppError;
use crate::extract::{Json, Path};
use crate::features::app_config::service::{AppSettings, current_values, settings};
use crate::features::audit_log::service::Origin;
use crate::features::users::create::UserDefaults;
use crate::features::users::service::to_dto;
use crate::list::{ListParams, ListQueryDoc};
use crate::ratelimit::Policy;
use crate::state::AppState;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use pocket_shared::signup::{
    SignupMode, SignupTokenCreateRequest, SignupTokenDto, SignupTokenListResponse,
};
use pocket_shared::{ApiError, ErrorCode, SignUpRequest, UserDto};
use uuid::Uuid;

/// `POST /api/signup`: 2 per minute, burst 10 (Pocket ID's "signup" policy).
pub const SIGNUP_RATE: Policy = Policy {
    name: "signup",
    per_second: 2.0 / 60.0,
    burst: 10.0,
};

/// Whether the first administrator can still be created (204) or not (404).
#[utoipa::path(get, path = "/api/signup/setup", tag = "Setup",
    responses((status = 204, description = "Setup is available"), (status = 404, body = ApiError)))]
pub async fn get_setup_status(State(state): State<AppState>) -> Result<StatusCode, AppError> {
    if service::setup_available(&state.db).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::gone(ErrorCode::SetupNotAvailable, "Not found"))
    }
}

/// Create the first administrator and sign them in (then they add a passkey).
#[utoipa::path(post, path = "/api/signup/setup", tag = "Setup", request_body = SignUpRequest,
    responses((status = 200, body = UserDto), (status = 400, body = ApiError), (status = 409, body = ApiError)))]
pub async fn create_first_admin(
    State(state): State<AppState>,
    origin: Origin,
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
    let cookie = crate::auth::start_session(
        &state,
        &s,
        user.id,
        &[crate::auth::session::AMR_OTP],
        &origin,
    )
    .await?;
    let dto = to_dto(&state.db, user).await?;
    Ok(([(header::SET_COOKIE, cookie)], Json(dto)).into_response())
}

/// Sign up (open mode, or with a signup token) and sign in; the SPA then offers to add a passkey.
#[utoipa::path(post, path = "/api/signup", tag = "Signup", request_body = SignUpRequest,
    responses((status = 201, body = UserDto),
              (status = 400, body = ApiError, description = "Invalid fields, or `token_invalid_or_expired`"),
              (status = 403, body = ApiError, description = "`open_signup_disabled` or `signup_disabled`"),
              (status = 409, body = ApiError), (status = 429, body = ApiError)))]
pub async fn sign_up(
    State(state): State<AppState>,
    origin: Origin,
    Json(req): Json<SignUpRequest>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    crate::ratelimit::check(
        &state.db,
        state.rate_limits_enabled(),
        SIGNUP_RATE,
        origin.ip,
        now,
    )
    .await?;
    let values = current_values(&state.db, state.config.app_config_env.as_ref()).await?;
    let mode = SignupMode::parse(values.get("allowUserSignups").map_or("", String::as_str));
    let defaults = UserDefaults::from_values(&values);
    let user =
        service::sign_up(&state.db, req, mode, &defaults, (&state.geo, &origin), now).await?;
    // A new account has no passkey yet: the session carries no authentication method.
    let settings = AppSettings::from_values(&values);
    let cookie = crate::auth::start_session(&state, &settings, user.id, &[], &origin).await?;
    let dto = to_dto(&state.db, user).await?;
    Ok((
        StatusCode::CREATED,
        [(header::SET_COOKIE, cookie)],
        Json(dto),
    )
        .into_response())
}

/// Create a signup token; its value is in this answer only (share `APP_URL/st/<token>`).
#[utoipa::path(post, path = "/api/signup-tokens", tag = "Signup", request_body = SignupTokenCreateRequest,
    responses((status = 201, body = SignupTokenDto), (status = 400, body = ApiError),
              (status = 401, body = ApiError), (status = 403, body = ApiError)))]
pub async fn create_signup_token(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    Json(req): Json<SignupTokenCreateRequest>,
) -> Result<(StatusCode, Json<SignupTokenDto>), AppError> {
    let dto = tokens::create(&state.db, req, state.clock.now()).await?;
    Ok((StatusCode::CREATED, Json(dto)))
}

/// List the signup tokens that have not expired (paginated; `sort[column]`: createdAt
/// (default), expiresAt, usageLimit, usageCount).
#[utoipa::path(get, path = "/api/signup-tokens", tag = "Signup", params(ListQueryDoc),
    responses((status = 200, body = SignupTokenListResponse), (status = 400, body = ApiError),
              (status = 401, body = ApiError), (status = 403, body = ApiError)))]
pub async fn list_signup_tokens(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    params: ListParams,
) -> Result<Json<SignupTokenListResponse>, AppError> {
    Ok(Json(
        tokens::list(&state.db, &params, state.clock.now()).await?,
    ))
}

/// Delete a signup token (succeeds also when it no longer exists).
#[utoipa::path(delete, path = "/api/signup-tokens/{id}", tag = "Signup",
    params(("id" = Uuid, Path, description = "Signup token id")),
    responses((status = 204), (status = 400, body = ApiError), (status = 401, body = ApiError),
              (status = 403, body = ApiError)))]
pub async fn delete_signup_token(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, AppError> {
    tokens::delete(&state.db, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
