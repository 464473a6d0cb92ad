//! HTTP handlers for the user's own account, profile pictures and admin-made login codes.

use super::{picture, service};
use crate::auth::{AdminUser, CurrentUser};
use crate::error::AppError;
use crate::extract::{Json, Path};
use crate::features::app_config::service::settings;
use crate::features::one_time_access::service as codes;
use crate::state::AppState;
use axum::extract::{Multipart, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use pocket_shared::webauthn::{OneTimeAccessTokenCreateRequest, OneTimeAccessTokenResponse};
use pocket_shared::{ApiError, ErrorCode, UserDto, UserUpdateRequest};
use std::collections::HashMap;
use uuid::Uuid;

/// Get the signed-in user.
#[utoipa::path(get, path = "/api/users/me", tag = "Users",
    responses((status = 200, body = UserDto), (status = 401, body = ApiError)))]
pub async fn get_me(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> Result<Json<UserDto>, AppError> {
    Ok(Json(service::to_dto(&state.db, user).await?))
}

/// Update the signed-in user's profile (only the locale when own-account edits are off).
#[utoipa::path(put, path = "/api/users/me", tag = "Users", request_body = UserUpdateRequest,
    responses((status = 200, body = UserDto), (status = 400, body = ApiError), (status = 409, body = ApiError)))]
pub async fn update_me(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Json(req): Json<UserUpdateRequest>,
) -> Result<Json<UserDto>, AppError> {
    let s = settings(&state.db, state.config.app_config_env.as_ref()).await?;
    let updated = service::update_own_profile(
        &state.db,
        user,
        req,
        s.allow_own_account_edit,
        s.require_user_email,
        s.emails_verified,
        state.clock.now(),
    )
    .await?;
    Ok(Json(service::to_dto(&state.db, updated).await?))
}

/// Where a user's uploaded picture is stored.
pub(super) fn picture_path(id: Uuid) -> String {
    format!("profile-pictures/{id}.png")
}

/// Get a user's profile picture: the uploaded one, else the default picture, else a generated
/// initials avatar (PNG).
#[utoipa::path(get, path = "/api/users/{id}/profile-picture.png", tag = "Users",
    params(("id" = String, Path, description = "User id (UUID)")),
    responses((status = 200, content_type = "image/png", body = Vec<u8>), (status = 404, body = ApiError)))]
pub async fn get_profile_picture(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let png = match crate::storage::read(&state, &picture_path(id)).await? {
        Some(png) => png,
        None => {
            let user = service::get(&state.db, id).await?;
            // Reference 6.1: custom picture, else the global default picture, else initials.
            match crate::features::app_images::default_profile_picture(&state).await? {
                Some(png) => png,
                None => picture::initials_png(&picture::initials(
                    &user.first_name,
                    &user.last_name,
                    &user.username,
                )),
            }
        }
    };
    let cache = if query.contains_key("skipCache") {
        "no-cache"
    } else {
        "public, max-age=900, stale-while-revalidate=3600"
    };
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("image/png")),
            (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
        ],
        png,
    )
        .into_response())
}

/// Upload the signed-in user's profile picture (multipart field `file`; JPEG, PNG, GIF or WebP).
#[utoipa::path(put, path = "/api/users/me/profile-picture", tag = "Users",
    request_body(content_type = "multipart/form-data", description = "Field `file`: the image"),
    responses((status = 204), (status = 400, body = ApiError), (status = 413, body = ApiError), (status = 415, body = ApiError)))]
pub async fn update_my_profile_picture(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    multipart: Multipart,
) -> Result<StatusCode, AppError> {
    store_picture(&state, user.id, multipart).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Reads the multipart field `file`, turns it into the stored PNG and saves it as `user`'s
/// picture.
pub(super) async fn store_picture(
    state: &AppState,
    user: Uuid,
    mut multipart: Multipart,
) -> Result<(), AppError> {
    let mut file = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| AppError::InvalidBody(e.body_text()))?
    {
        if field.name() == Some("file") {
            file = Some(
                field
                    .bytes()
                    .await
                    .map_err(|e| AppError::InvalidBody(e.body_text()))?,
            );
            break;
        }
    }
    let bytes = file.ok_or_else(|| AppError::field("file", "required", "is required"))?;
    // Decoding and resizing take up to a few hundred ms: off the async workers.
    let png = tokio::task::spawn_blocking(move || picture::normalize_upload(&bytes))
        .await
        .map_err(AppError::internal)?
        .map_err(picture_error)?;
    crate::storage::write(state, &picture_path(user), png).await
}

fn picture_error(e: picture::PictureError) -> AppError {
    let (status, code) = match e {
        picture::PictureError::TooLarge { .. } => {
            (StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::FileTooLarge)
        }
        picture::PictureError::UnsupportedType => (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::FileTypeNotSupported,
        ),
        picture::PictureError::Invalid(_) => (StatusCode::BAD_REQUEST, ErrorCode::InvalidImage),
    };
    AppError::coded(status, code, e.to_string())
}

/// Remove the signed-in user's profile picture (back to the initials avatar).
#[utoipa::path(delete, path = "/api/users/me/profile-picture", tag = "Users", responses((status = 204)))]
pub async fn delete_my_profile_picture(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> Result<StatusCode, AppError> {
    crate::storage::delete(&state, &picture_path(user.id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Create a login code for a user (admin). `ttl`: seconds or a duration like "1h"; default 15 min.
#[utoipa::path(post, path = "/api/users/{id}/one-time-access-token", tag = "Users",
    params(("id" = String, Path, description = "User id")),
    request_body = OneTimeAccessTokenCreateRequest,
    responses((status = 201, body = OneTimeAccessTokenResponse), (status = 404, body = ApiError)))]
pub async fn create_one_time_access_token(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    Path(id): Path<Uuid>,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<OneTimeAccessTokenResponse>), AppError> {
    // The body is optional (Pocket ID's SPA may send none): empty means the default lifetime.
    let req: OneTimeAccessTokenCreateRequest = if body.iter().all(u8::is_ascii_whitespace) {
        OneTimeAccessTokenCreateRequest::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| AppError::InvalidBody(e.to_string()))?
    };
    let ttl = codes::parse_ttl(req.ttl.as_ref())?;
    let user = service::get(&state.db, id).await?;
    let token = codes::create(&state.db, user.id, ttl, state.clock.now()).await?;
    Ok((
        StatusCode::CREATED,
        Json(OneTimeAccessTokenResponse { token }),
    ))
}
