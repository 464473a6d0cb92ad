//! HTTP handlers for application configuration.

use super::service;
use crate::app::AppState;
use crate::error::AppError;
use crate::extract::Json;
use axum::extract::State;
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
