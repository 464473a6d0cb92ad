//! HTTP handlers for application configuration.

use super::service;
use crate::auth::AdminUser;
use crate::error::AppError;
use crate::extract::Json;
use crate::state::AppState;
use axum::extract::State;
use pocket_shared::app_config::{AdminAppConfigVariable, AppConfigUpdateRequest};
use pocket_shared::{ApiError, AppConfigVariable};

/// List the public application configuration (no sign-in needed).
#[utoipa::path(
    get,
    path = "/api/application-configuration",
    tag = "Application Configuration",
    responses(
        (status = 200, description = "Public configuration variables", body = Vec<AppConfigVariable>),
        (status = 500, description = "Server error", body = ApiError),
    )
)]
pub async fn list_public_app_config(
    State(state): State<AppState>,
) -> Result<Json<Vec<AppConfigVariable>>, AppError> {
    let values = service::current_values(&state.db, state.config.app_config_env.as_ref()).await?;
    Ok(Json(service::public_variables(
        &values,
        state.config.ui_config_disabled,
    )))
}

/// List every configuration key with its value (admin). Passwords are redacted while the
/// environment is the source (`UI_CONFIG_DISABLED=true`).
#[utoipa::path(
    get,
    path = "/api/application-configuration/all",
    tag = "Application Configuration",
    responses(
        (status = 200, description = "All configuration variables", body = Vec<AdminAppConfigVariable>),
        (status = 401, body = ApiError),
        (status = 403, body = ApiError),
    )
)]
pub async fn list_all_app_config(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
) -> Result<Json<Vec<AdminAppConfigVariable>>, AppError> {
    let env = state.config.app_config_env.as_ref();
    let values = service::current_values(&state.db, env).await?;
    Ok(Json(service::admin_variables(&values, env.is_some())))
}

/// Replace the whole configuration (admin); a missing or empty value resets its key to the
/// default. Refused with `ui_config_disabled` while the environment is the source.
#[utoipa::path(
    put,
    path = "/api/application-configuration",
    tag = "Application Configuration",
    request_body = AppConfigUpdateRequest,
    responses(
        (status = 200, description = "The new configuration", body = Vec<AdminAppConfigVariable>),
        (status = 400, description = "Invalid values, each under its key", body = ApiError),
        (status = 401, body = ApiError),
        (status = 403, description = "Not an administrator, or `ui_config_disabled`", body = ApiError),
    )
)]
pub async fn update_app_config(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    Json(req): Json<AppConfigUpdateRequest>,
) -> Result<Json<Vec<AdminAppConfigVariable>>, AppError> {
    let env = state.config.app_config_env.as_ref();
    let values = service::replace(&state.db, env, &req).await?;
    Ok(Json(service::admin_variables(&values, false)))
}
