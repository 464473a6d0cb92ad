//! HTTP handlers of `/api/custom-claims` (admin only).

use super::repo::{self, Owner};
use super::service;
use crate::auth::AdminUser;
use crate::error::AppError;
use crate::extract::{Json, Path};
use crate::state::AppState;
use axum::extract::State;
use pocket_shared::ApiError;
use pocket_shared::custom_claim::CustomClaimDto;
use uuid::Uuid;

/// List the custom claim keys in use, the most used first.
#[utoipa::path(get, path = "/api/custom-claims/suggestions", tag = "Custom Claims",
    responses((status = 200, body = Vec<String>), (status = 401, body = ApiError), (status = 403, body = ApiError)))]
pub async fn get_custom_claim_suggestions(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
) -> Result<Json<Vec<String>>, AppError> {
    Ok(Json(repo::find_keys_by_use(&state.db).await?))
}

/// Replace all custom claims of a user.
#[utoipa::path(put, path = "/api/custom-claims/user/{userId}", tag = "Custom Claims",
    params(("userId" = Uuid, Path, description = "User id")),
    request_body = Vec<CustomClaimDto>,
    responses((status = 200, body = Vec<CustomClaimDto>), (status = 400, body = ApiError),
              (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn update_user_custom_claims(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    Path(user_id): Path<Uuid>,
    Json(claims): Json<Vec<CustomClaimDto>>,
) -> Result<Json<Vec<CustomClaimDto>>, AppError> {
    Ok(Json(
        service::replace(&state.db, Owner::User(user_id), claims, state.clock.now()).await?,
    ))
}

/// Replace all custom claims of a user group.
#[utoipa::path(put, path = "/api/custom-claims/user-group/{userGroupId}", tag = "Custom Claims",
    params(("userGroupId" = Uuid, Path, description = "User group id")),
    request_body = Vec<CustomClaimDto>,
    responses((status = 200, body = Vec<CustomClaimDto>), (status = 400, body = ApiError),
              (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn update_user_group_custom_claims(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    Path(group_id): Path<Uuid>,
    Json(claims): Json<Vec<CustomClaimDto>>,
) -> Result<Json<Vec<CustomClaimDto>>, AppError> {
    Ok(Json(
        service::replace(&state.db, Owner::Group(group_id), claims, state.clock.now()).await?,
    ))
}
