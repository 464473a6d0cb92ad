//! HTTP handlers for the application images: public reads, admin uploads and deletions.

use super::service::{self, AppImage};
use crate::auth::AdminUser;
use crate::error::AppError;
use crate::extract::Query;
use crate::images::{self, Sanitized};
use crate::state::AppState;
use axum::extract::{Multipart, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use pocket_shared::ApiError;
use serde::Deserialize;

/// `?light=true|false` of the logo routes (default true).
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LogoQuery {
    /// The logo for light backgrounds (`true`, default) or dark ones (`false`).
    #[param(value_type = Option<bool>)]
    pub light: Option<String>,
}

impl LogoQuery {
    /// Go's `strconv.ParseBool`, as Pocket ID reads it: anything unreadable means dark.
    fn image(&self) -> AppImage {
        let light = match self.light.as_deref() {
            None => true,
            Some(v) => matches!(v, "1" | "t" | "T" | "TRUE" | "true" | "True"),
        };
        AppImage::logo(light)
    }
}

/// Serves an image: its own type, cached 15 min (+24 h stale), and a sandboxing policy so an
/// SVG opened directly can never run anything.
fn serve(found: Option<Sanitized>) -> Result<Response, AppError> {
    let image = found.ok_or(AppError::NotFound("Image"))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(image.kind.mime()),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=900, stale-while-revalidate=86400"),
            ),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; sandbox"),
            ),
        ],
        image.bytes,
    )
        .into_response())
}

async fn upload(
    state: &AppState,
    image: AppImage,
    mut multipart: Multipart,
) -> Result<StatusCode, AppError> {
    let bytes = images::read_multipart_file(&mut multipart, images::MAX_UPLOAD_BYTES).await?;
    service::replace(state, image, bytes).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Get the logo (`light=false` for the dark one).
#[utoipa::path(get, path = "/api/application-images/logo", tag = "Application Images",
    params(LogoQuery),
    responses(
        (status = 200, description = "The logo", content((Vec<u8> = "image/png"), (Vec<u8> = "image/jpeg"), (Vec<u8> = "image/svg+xml"), (Vec<u8> = "image/webp"))),
        (status = 404, description = "No logo is set", body = ApiError),
    ))]
pub async fn get_logo(
    State(state): State<AppState>,
    Query(q): Query<LogoQuery>,
) -> Result<Response, AppError> {
    serve(service::get(&state, q.image()).await?)
}

/// Get the email logo.
#[utoipa::path(get, path = "/api/application-images/email", tag = "Application Images",
    responses(
        (status = 200, description = "The email logo", content((Vec<u8> = "image/png"), (Vec<u8> = "image/jpeg"))),
        (status = 404, body = ApiError),
    ))]
pub async fn get_email_logo(State(state): State<AppState>) -> Result<Response, AppError> {
    serve(service::get(&state, AppImage::LogoEmail).await?)
}

/// Get the sign-in page background.
#[utoipa::path(get, path = "/api/application-images/background", tag = "Application Images",
    responses(
        (status = 200, description = "The background", content((Vec<u8> = "image/webp"), (Vec<u8> = "image/png"), (Vec<u8> = "image/jpeg"), (Vec<u8> = "image/svg+xml"))),
        (status = 404, description = "The background was deleted", body = ApiError),
    ))]
pub async fn get_background(State(state): State<AppState>) -> Result<Response, AppError> {
    serve(service::get(&state, AppImage::Background).await?)
}

/// Get the favicon.
#[utoipa::path(get, path = "/api/application-images/favicon", tag = "Application Images",
    responses(
        (status = 200, description = "The favicon", content_type = "image/x-icon", body = Vec<u8>),
        (status = 404, body = ApiError),
    ))]
pub async fn get_favicon(State(state): State<AppState>) -> Result<Response, AppError> {
    serve(service::get(&state, AppImage::Favicon).await?)
}

/// Get the default profile picture (admin).
#[utoipa::path(get, path = "/api/application-images/default-profile-picture", tag = "Application Images",
    responses(
        (status = 200, description = "The default profile picture", content_type = "image/png", body = Vec<u8>),
        (status = 401, body = ApiError), (status = 403, body = ApiError),
        (status = 404, description = "None is set", body = ApiError),
    ))]
pub async fn get_default_profile_picture(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
) -> Result<Response, AppError> {
    serve(service::get(&state, AppImage::DefaultProfilePicture).await?)
}

/// Upload the logo (admin; multipart field `file`; `light=false` for the dark one).
#[utoipa::path(put, path = "/api/application-images/logo", tag = "Application Images",
    params(LogoQuery),
    request_body(content_type = "multipart/form-data", description = "Field `file`: png, jpg, svg, webp, ico, gif, avif or heic"),
    responses(
        (status = 204, description = "Stored"),
        (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError),
        (status = 413, body = ApiError), (status = 415, body = ApiError),
    ))]
pub async fn update_logo(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    Query(q): Query<LogoQuery>,
    multipart: Multipart,
) -> Result<StatusCode, AppError> {
    upload(&state, q.image(), multipart).await
}

/// Upload the email logo (admin; multipart field `file`; PNG or JPEG).
#[utoipa::path(put, path = "/api/application-images/email", tag = "Application Images",
    request_body(content_type = "multipart/form-data", description = "Field `file`: png or jpg"),
    responses(
        (status = 204, description = "Stored"),
        (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError),
        (status = 413, body = ApiError), (status = 415, body = ApiError),
    ))]
pub async fn update_email_logo(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    multipart: Multipart,
) -> Result<StatusCode, AppError> {
    upload(&state, AppImage::LogoEmail, multipart).await
}

/// Upload the sign-in page background (admin; multipart field `file`).
#[utoipa::path(put, path = "/api/application-images/background", tag = "Application Images",
    request_body(content_type = "multipart/form-data", description = "Field `file`: png, jpg, svg, webp, ico, gif, avif or heic"),
    responses(
        (status = 204, description = "Stored"),
        (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError),
        (status = 413, body = ApiError), (status = 415, body = ApiError),
    ))]
pub async fn update_background(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    multipart: Multipart,
) -> Result<StatusCode, AppError> {
    upload(&state, AppImage::Background, multipart).await
}

/// Upload the favicon (admin; multipart field `file`; an .ico file).
#[utoipa::path(put, path = "/api/application-images/favicon", tag = "Application Images",
    request_body(content_type = "multipart/form-data", description = "Field `file`: ico"),
    responses(
        (status = 204, description = "Stored"),
        (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError),
        (status = 413, body = ApiError), (status = 415, body = ApiError),
    ))]
pub async fn update_favicon(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    multipart: Multipart,
) -> Result<StatusCode, AppError> {
    upload(&state, AppImage::Favicon, multipart).await
}

/// Upload the default profile picture (admin; multipart field `file`; stored as 300×300 PNG).
#[utoipa::path(put, path = "/api/application-images/default-profile-picture", tag = "Application Images",
    request_body(content_type = "multipart/form-data", description = "Field `file`: jpg, png, gif or webp"),
    responses(
        (status = 204, description = "Stored"),
        (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError),
        (status = 413, body = ApiError), (status = 415, body = ApiError),
    ))]
pub async fn update_default_profile_picture(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    multipart: Multipart,
) -> Result<StatusCode, AppError> {
    upload(&state, AppImage::DefaultProfilePicture, multipart).await
}

/// Delete the logo (admin; `light=false` for the dark one).
#[utoipa::path(delete, path = "/api/application-images/logo", tag = "Application Images",
    params(LogoQuery),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError),
    ))]
pub async fn delete_logo(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    Query(q): Query<LogoQuery>,
) -> Result<StatusCode, AppError> {
    service::delete(&state, q.image()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Delete the sign-in page background (admin; the bundled one is not restored).
#[utoipa::path(delete, path = "/api/application-images/background", tag = "Application Images",
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError),
    ))]
pub async fn delete_background(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
) -> Result<StatusCode, AppError> {
    service::delete(&state, AppImage::Background).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Delete the default profile picture (admin; users get initials avatars again).
#[utoipa::path(delete, path = "/api/application-images/default-profile-picture", tag = "Application Images",
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError),
    ))]
pub async fn delete_default_profile_picture(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
) -> Result<StatusCode, AppError> {
    service::delete(&state, AppImage::DefaultProfilePicture).await?;
    Ok(StatusCode::NO_CONTENT)
}
