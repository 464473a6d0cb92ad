//! Application images: light and dark logos, email logo, sign-in background, favicon and the
//! default profile picture, with bundled defaults and deletion tombstones.

mod handlers;
pub mod service;

pub use service::{AppImage, default_profile_picture, seed_defaults};

use crate::state::AppState;
use axum::extract::DefaultBodyLimit;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes of this feature. Uploads may be up to [`crate::images::MAX_UPLOAD_BYTES`] (plus
/// multipart framing); the limit is checked again while the file is read.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(
            handlers::get_logo,
            handlers::update_logo,
            handlers::delete_logo
        ))
        .routes(routes!(
            handlers::get_email_logo,
            handlers::update_email_logo
        ))
        .routes(routes!(
            handlers::get_background,
            handlers::update_background,
            handlers::delete_background
        ))
        .routes(routes!(handlers::get_favicon, handlers::update_favicon))
        .routes(routes!(
            handlers::get_default_profile_picture,
            handlers::update_default_profile_picture,
            handlers::delete_default_profile_picture
        ))
        .layer(DefaultBodyLimit::max(
            crate::images::MAX_UPLOAD_BYTES + 64 * 1024,
        ))
}
