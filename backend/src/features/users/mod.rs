//! Users: the signed-in user's own account (`/api/users/me`), profile pictures, and login codes
//! an administrator creates for a user.

mod handlers;
pub mod picture;
pub mod repo;
pub mod service;

use crate::app::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes of this feature.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(handlers::get_me, handlers::update_me))
        .routes(routes!(handlers::get_profile_picture))
        .routes(routes!(handlers::create_one_time_access_token))
        .merge(
            // Pictures may be up to 5 MiB (plus multipart framing); other bodies keep axum's 2 MB.
            OpenApiRouter::new()
                .routes(routes!(
                    handlers::update_my_profile_picture,
                    handlers::delete_my_profile_picture
                ))
                .layer(axum::extract::DefaultBodyLimit::max(
                    picture::MAX_UPLOAD_BYTES + 64 * 1024,
                )),
        )
}
