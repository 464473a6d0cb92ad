//! Accounts without an administrator: the initial setup (first administrator), self-signup
//! (`POST /api/signup`) and the signup tokens administrators hand out.

mod handlers;
pub mod repo;
pub mod service;
pub mod tokens;

pub use handlers::SIGNUP_RATE;

use crate::state::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes of this feature.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(
            handlers::get_setup_status,
            handlers::create_first_admin
        ))
        .routes(routes!(handlers::sign_up))
        .routes(routes!(
            handlers::list_signup_tokens,
            handlers::create_signup_token
        ))
        .routes(routes!(handlers::delete_signup_token))
}
