//! Passkeys: registration, usernameless sign-in, sign-out, reauthentication and the user's own
//! passkey list (`/api/webauthn/*`).

pub mod ceremony;
mod handlers;
pub mod repo;
pub mod service;

use crate::state::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes of this feature.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(handlers::start_passkey_registration))
        .routes(routes!(handlers::finish_passkey_registration))
        .routes(routes!(handlers::start_passkey_login))
        .routes(routes!(handlers::finish_passkey_login))
        .routes(routes!(handlers::logout))
        .routes(routes!(handlers::reauthenticate))
        .routes(routes!(handlers::list_passkeys))
        .routes(routes!(handlers::update_passkey, handlers::delete_passkey))
}
