//! Users: the signed-in user's own account (`/api/users/me`), profile pictures, the admin user
//! administration (`/api/users`, groups, passkeys, login codes) and the one create path every
//! new user takes ([`create::create_user`]).

mod admin_handlers;
pub mod admin_service;
pub mod create;
mod handlers;
pub mod picture;
pub mod repo;
pub mod service;

use crate::state::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes of this feature.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(handlers::get_me, handlers::update_me))
        .routes(routes!(handlers::get_profile_picture))
        .routes(routes!(handlers::create_one_time_access_token))
        .routes(routes!(
            admin_handlers::list_users,
            admin_handlers::create_user
        ))
        .routes(routes!(
            admin_handlers::get_user,
            admin_handlers::update_user,
            admin_handlers::delete_user
        ))
        .routes(routes!(admin_handlers::get_user_groups))
        .routes(routes!(admin_handlers::update_user_groups))
        .routes(routes!(admin_handlers::list_user_passkeys))
        .routes(routes!(admin_handlers::delete_user_passkey))
        .routes(routes!(admin_handlers::send_one_time_access_email))
        .merge(
            // Pictures may be up to 5 MiB (plus multipart framing); other bodies keep axum's 2 MB.
            OpenApiRouter::new()
                .routes(routes!(
                    handlers::update_my_profile_picture,
                    handlers::delete_my_profile_picture
                ))
                .routes(routes!(
                    admin_handlers::update_user_profile_picture,
                    admin_handlers::delete_user_profile_picture
                ))
                .layer(axum::extract::DefaultBodyLimit::max(
                    picture::MAX_UPLOAD_BYTES + 64 * 1024,
                )),
        )
}
