//! HTTP handlers of `/api/user-groups` (admin only).

use super::service;
use crate::auth::AdminUser;
use crate::error::AppError;
use crate::extract::{Json, Path};
use crate::features::users::create::user_defaults;
use crate::list::{ListParams, ListQueryDoc};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use pocket_shared::ApiError;
use pocket_shared::user_group::{
    UserGroupCreateRequest, UserGroupListResponse, UserGroupUpdateAllowedOidcClientsRequest,
    UserGroupUpdateUsersRequest, UserGroupWithUsersDto,
};
use uuid::Uuid;

async fn ldap_enabled(state: &AppState) -> Result<bool, AppError> {
    Ok(
        user_defaults(&state.db, state.config.app_config_env.as_ref())
            .await?
            .ldap_enabled,
    )
}

/// List user groups with their member counts (paginated; `search` matches name and friendly
/// name; sort by `friendlyName` (default), `name`, `createdAt` or `userCount`).
#[utoipa::path(get, path = "/api/user-groups", tag = "User Groups", params(ListQueryDoc),
    responses((status = 200, body = UserGroupListResponse), (status = 400, body = ApiError),
              (status = 401, body = ApiError), (status = 403, body = ApiError)))]
pub async fn list_user_groups(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    params: ListParams,
) -> Result<Json<UserGroupListResponse>, AppError> {
    Ok(Json(service::list(&state.db, &params).await?))
}

/// Create a user group.
#[utoipa::path(post, path = "/api/user-groups", tag = "User Groups",
    request_body = UserGroupCreateRequest,
    responses((status = 201, body = UserGroupWithUsersDto), (status = 400, body = ApiError),
              (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 409, body = ApiError)))]
pub async fn create_user_group(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    Json(req): Json<UserGroupCreateRequest>,
) -> Result<(StatusCode, Json<UserGroupWithUsersDto>), AppError> {
    let group = service::create(&state.db, req, state.clock.now()).await?;
    Ok((
        StatusCode::CREATED,
        Json(service::with_users(&state.db, group).await?),
    ))
}

/// Get a user group with its members, custom claims and allowed OIDC clients.
#[utoipa::path(get, path = "/api/user-groups/{id}", tag = "User Groups",
    params(("id" = Uuid, Path, description = "User group id")),
    responses((status = 200, body = UserGroupWithUsersDto), (status = 400, body = ApiError), (status = 401, body = ApiError),
              (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn get_user_group(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    Path(id): Path<Uuid>,
) -> Result<Json<UserGroupWithUsersDto>, AppError> {
    let group = service::get(&state.db, id).await?;
    Ok(Json(service::with_users(&state.db, group).await?))
}

/// Rename a user group (LDAP groups are read-only while LDAP is enabled).
#[utoipa::path(put, path = "/api/user-groups/{id}", tag = "User Groups",
    params(("id" = Uuid, Path, description = "User group id")),
    request_body = UserGroupCreateRequest,
    responses((status = 200, body = UserGroupWithUsersDto), (status = 400, body = ApiError),
              (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError),
              (status = 409, body = ApiError)))]
pub async fn update_user_group(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    Path(id): Path<Uuid>,
    Json(req): Json<UserGroupCreateRequest>,
) -> Result<Json<UserGroupWithUsersDto>, AppError> {
    let ldap = ldap_enabled(&state).await?;
    let group = service::update(&state.db, id, req, ldap, state.clock.now()).await?;
    Ok(Json(service::with_users(&state.db, group).await?))
}

/// Delete a user group (LDAP groups are read-only while LDAP is enabled).
#[utoipa::path(delete, path = "/api/user-groups/{id}", tag = "User Groups",
    params(("id" = Uuid, Path, description = "User group id")),
    responses((status = 204), (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError),
              (status = 404, body = ApiError)))]
pub async fn delete_user_group(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, AppError> {
    let ldap = ldap_enabled(&state).await?;
    service::delete(&state.db, id, ldap).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Replace the members of a user group.
#[utoipa::path(put, path = "/api/user-groups/{id}/users", tag = "User Groups",
    params(("id" = Uuid, Path, description = "User group id")),
    request_body = UserGroupUpdateUsersRequest,
    responses((status = 200, body = UserGroupWithUsersDto), (status = 400, body = ApiError),
              (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn update_user_group_users(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    Path(id): Path<Uuid>,
    Json(req): Json<UserGroupUpdateUsersRequest>,
) -> Result<Json<UserGroupWithUsersDto>, AppError> {
    let group = service::set_members(&state.db, id, &req, state.clock.now()).await?;
    Ok(Json(service::with_users(&state.db, group).await?))
}

/// Replace the OIDC clients a user group may use (for clients restricted to groups).
#[utoipa::path(put, path = "/api/user-groups/{id}/allowed-oidc-clients", tag = "User Groups",
    params(("id" = Uuid, Path, description = "User group id")),
    request_body = UserGroupUpdateAllowedOidcClientsRequest,
    responses((status = 200, body = UserGroupWithUsersDto), (status = 400, body = ApiError),
              (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn update_user_group_allowed_oidc_clients(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    Path(id): Path<Uuid>,
    Json(req): Json<UserGroupUpdateAllowedOidcClientsRequest>,
) -> Result<Json<UserGroupWithUsersDto>, AppError> {
    let group = service::set_allowed_clients(&state.db, id, &req).await?;
    Ok(Json(service::with_users(&state.db, group).await?))
}
