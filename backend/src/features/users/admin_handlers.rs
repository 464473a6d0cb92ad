//! HTTP handlers of the user administration (admin only): users, their groups, passkeys,
//! pictures and emailed login codes.

use super::admin_service as admin;
use super::create::{UserDefaults, user_defaults};
use super::handlers::{picture_path, store_picture};
use super::service;
use crate::auth::AdminUser;
use crate::error::AppError;
use crate::extract::{Json, Path};
use crate::features::app_config::service::current_values;
use crate::features::audit_log::service::Origin;
use crate::features::one_time_access::service as codes;
use crate::features::passkeys::service as passkeys;
use crate::features::user_groups::service::to_dtos as group_dtos;
use crate::list::{ListParams, ListQueryDoc};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use pocket_shared::user::{
    AdminUserUpdateRequest, UserCreateRequest, UserListResponse, UserUpdateUserGroupsRequest,
};
use pocket_shared::user_group::UserGroupDto;
use pocket_shared::webauthn::OneTimeAccessTokenCreateRequest;
use pocket_shared::{ApiError, ErrorCode, UserDto, WebauthnCredentialDto};
use sea_orm::TransactionTrait;
use uuid::Uuid;

/// The `filters[...]` of `GET /api/users`.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct UserFiltersDoc {
    /// `true` or `false`.
    #[serde(rename = "filters[emailVerified]")]
    #[param(rename = "filters[emailVerified]")]
    pub email_verified: Option<bool>,
    /// `true` or `false`.
    #[serde(rename = "filters[isAdmin]")]
    #[param(rename = "filters[isAdmin]")]
    pub is_admin: Option<bool>,
    /// `true` or `false`.
    #[serde(rename = "filters[disabled]")]
    #[param(rename = "filters[disabled]")]
    pub disabled: Option<bool>,
}

async fn defaults(state: &AppState) -> Result<UserDefaults, AppError> {
    Ok(user_defaults(&state.db, state.config.app_config_env.as_ref()).await?)
}

/// List users (paginated; `search` matches email, first name, last name and username; sort by
/// `firstName` (default), `lastName`, `displayName`, `username`, `email`, `isAdmin`,
/// `emailVerified`, `disabled`, `locale` or `createdAt`).
#[utoipa::path(get, path = "/api/users", tag = "Users", params(ListQueryDoc, UserFiltersDoc),
    responses((status = 200, body = UserListResponse), (status = 400, body = ApiError),
              (status = 401, body = ApiError), (status = 403, body = ApiError)))]
pub async fn list_users(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    params: ListParams,
) -> Result<Json<UserListResponse>, AppError> {
    Ok(Json(admin::list(&state.db, &params).await?))
}

/// Create a user. Without `userGroupIds` the default signup groups apply; the default custom
/// claims always do.
#[utoipa::path(post, path = "/api/users", tag = "Users", request_body = UserCreateRequest,
    responses((status = 201, body = UserDto), (status = 400, body = ApiError), (status = 401, body = ApiError),
              (status = 403, body = ApiError), (status = 409, body = ApiError)))]
pub async fn create_user(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    Json(req): Json<UserCreateRequest>,
) -> Result<(StatusCode, Json<UserDto>), AppError> {
    let defaults = defaults(&state).await?;
    let user = admin::create(&state.db, req, &defaults, state.clock.now()).await?;
    Ok((
        StatusCode::CREATED,
        Json(service::to_dto(&state.db, user).await?),
    ))
}

/// Get a user with their groups and custom claims.
#[utoipa::path(get, path = "/api/users/{id}", tag = "Users",
    params(("id" = Uuid, Path, description = "User id")),
    responses((status = 200, body = UserDto), (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError),
              (status = 404, body = ApiError)))]
pub async fn get_user(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    Path(id): Path<Uuid>,
) -> Result<Json<UserDto>, AppError> {
    let user = admin::get(&state.db, id).await?;
    Ok(Json(service::to_dto(&state.db, user).await?))
}

/// Update a user, including the admin, disabled and email-verified flags.
#[utoipa::path(put, path = "/api/users/{id}", tag = "Users",
    params(("id" = Uuid, Path, description = "User id")),
    request_body = AdminUserUpdateRequest,
    responses((status = 200, body = UserDto), (status = 400, body = ApiError), (status = 401, body = ApiError),
              (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 409, body = ApiError)))]
pub async fn update_user(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    Path(id): Path<Uuid>,
    Json(req): Json<AdminUserUpdateRequest>,
) -> Result<Json<UserDto>, AppError> {
    let defaults = defaults(&state).await?;
    let user = admin::update(&state.db, id, req, &defaults, state.clock.now()).await?;
    Ok(Json(service::to_dto(&state.db, user).await?))
}

/// Delete a user with their passkeys, API keys, consents, claims and profile picture.
#[utoipa::path(delete, path = "/api/users/{id}", tag = "Users",
    params(("id" = Uuid, Path, description = "User id")),
    responses((status = 204), (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError),
              (status = 404, body = ApiError), (status = 409, body = ApiError)))]
pub async fn delete_user(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, AppError> {
    let ldap = defaults(&state).await?.ldap_enabled;
    let user = admin::delete(&state.db, id, ldap).await?;
    crate::storage::delete(&state, &picture_path(user.id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// List the groups of a user.
#[utoipa::path(get, path = "/api/users/{id}/groups", tag = "Users",
    params(("id" = Uuid, Path, description = "User id")),
    responses((status = 200, body = Vec<UserGroupDto>), (status = 400, body = ApiError), (status = 401, body = ApiError),
              (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn get_user_groups(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    Path(id): Path<Uuid>,
) -> Result<Json<Vec<UserGroupDto>>, AppError> {
    let user = admin::get(&state.db, id).await?;
    let groups = super::repo::find_groups(&state.db, user.id).await?;
    Ok(Json(group_dtos(&state.db, groups).await?))
}

/// Replace the groups of a user.
#[utoipa::path(put, path = "/api/users/{id}/user-groups", tag = "Users",
    params(("id" = Uuid, Path, description = "User id")),
    request_body = UserUpdateUserGroupsRequest,
    responses((status = 200, body = UserDto), (status = 400, body = ApiError), (status = 401, body = ApiError),
              (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn update_user_groups(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    Path(id): Path<Uuid>,
    Json(req): Json<UserUpdateUserGroupsRequest>,
) -> Result<Json<UserDto>, AppError> {
    let user = admin::set_groups(&state.db, id, &req, state.clock.now()).await?;
    Ok(Json(service::to_dto(&state.db, user).await?))
}

/// List the passkeys of a user.
#[utoipa::path(get, path = "/api/users/{id}/webauthn-credentials", tag = "Users",
    params(("id" = Uuid, Path, description = "User id")),
    responses((status = 200, body = Vec<WebauthnCredentialDto>), (status = 400, body = ApiError), (status = 401, body = ApiError),
              (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn list_user_passkeys(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    Path(id): Path<Uuid>,
) -> Result<Json<Vec<WebauthnCredentialDto>>, AppError> {
    let user = admin::get(&state.db, id).await?;
    Ok(Json(
        passkeys::list(&state.db, user.id)
            .await?
            .into_iter()
            .map(passkeys::to_dto)
            .collect(),
    ))
}

/// Delete a passkey of a user; the audit log records the administrator who did it.
#[utoipa::path(delete, path = "/api/users/{id}/webauthn-credentials/{credentialId}", tag = "Users",
    params(("id" = Uuid, Path, description = "User id"),
           ("credentialId" = Uuid, Path, description = "Passkey id (the `id` of the listed passkey)")),
    responses((status = 204), (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError),
              (status = 404, body = ApiError)))]
pub async fn delete_user_passkey(
    State(state): State<AppState>,
    AdminUser(actor): AdminUser,
    viewer: crate::auth::MaybeUser,
    origin: Origin,
    Path((id, credential_id)): Path<(Uuid, Uuid)>,
) -> Result<StatusCode, AppError> {
    let user = admin::get(&state.db, id).await?;
    passkeys::remove(
        &state.db,
        &state.geo,
        user.id,
        credential_id,
        passkeys::Remover::Admin(&actor, viewer.session_of(user.id)),
        &origin,
        state.clock.now(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Upload a user's profile picture (multipart field `file`; JPEG, PNG, GIF or WebP).
#[utoipa::path(put, path = "/api/users/{id}/profile-picture", tag = "Users",
    params(("id" = Uuid, Path, description = "User id")),
    request_body(content_type = "multipart/form-data", description = "Field `file`: the image"),
    responses((status = 204), (status = 400, body = ApiError), (status = 401, body = ApiError),
              (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 413, body = ApiError),
              (status = 415, body = ApiError)))]
pub async fn update_user_profile_picture(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    Path(id): Path<Uuid>,
    multipart: Multipart,
) -> Result<StatusCode, AppError> {
    let user = admin::get(&state.db, id).await?;
    store_picture(&state, user.id, multipart).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Remove a user's profile picture (back to the default).
#[utoipa::path(delete, path = "/api/users/{id}/profile-picture", tag = "Users",
    params(("id" = Uuid, Path, description = "User id")),
    responses((status = 204), (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError),
              (status = 404, body = ApiError)))]
pub async fn delete_user_profile_picture(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, AppError> {
    let user = admin::get(&state.db, id).await?;
    crate::storage::delete(&state, &picture_path(user.id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Email a login code to a user (requires app config `emailOneTimeAccessAsAdminEnabled`).
/// `ttl`: seconds or a duration like "1h"; default 15 min.
#[utoipa::path(post, path = "/api/users/{id}/one-time-access-email", tag = "Users",
    params(("id" = Uuid, Path, description = "User id")),
    request_body(content = Option<OneTimeAccessTokenCreateRequest>, description = "Optional"),
    responses((status = 204), (status = 400, body = ApiError), (status = 401, body = ApiError),
              (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 503, body = ApiError)))]
pub async fn send_one_time_access_email(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    Path(id): Path<Uuid>,
    body: Bytes,
) -> Result<StatusCode, AppError> {
    let values = current_values(&state.db, state.config.app_config_env.as_ref()).await?;
    if values
        .get("emailOneTimeAccessAsAdminEnabled")
        .map(String::as_str)
        != Some("true")
    {
        return Err(AppError::bad_request(
            ErrorCode::OneTimeAccessDisabled,
            "Emailing login codes is disabled",
        ));
    }
    // The body is optional: empty means the default lifetime.
    let req: OneTimeAccessTokenCreateRequest = if body.iter().all(u8::is_ascii_whitespace) {
        OneTimeAccessTokenCreateRequest::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| AppError::InvalidBody(e.to_string()))?
    };
    let ttl = codes::parse_ttl(req.ttl.as_ref())?;
    let user = admin::get(&state.db, id).await?;
    if user.email.as_deref().is_none_or(str::is_empty) {
        return Err(AppError::field(
            "email",
            "required",
            "the user has no email address",
        ));
    }
    // The code only counts once the email is on its way: it is made in a transaction that is
    // committed after handing the mail over, and rolled back when that fails.
    let txn = state.db.begin().await?;
    let _token = codes::create(&txn, user.id, ttl, state.clock.now()).await?;
    // No mailer exists yet (the email feature adds one); until then nothing is sent.
    drop(txn);
    Err(AppError::unavailable(
        ErrorCode::EmailNotConfigured,
        "Email sending is not configured on this server",
    ))
}
