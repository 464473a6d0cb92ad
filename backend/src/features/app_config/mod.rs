//! Application configuration: the keys of Pocket ID with their defaults, stored values, the
//! public view the SPA loads before anyone signs in, and the admin list and full replacement.
//!
//! Values are read from the database on every request (no cache), so a change is seen by the
//! next request on every instance sharing the database.

mod handlers;
pub mod repo;
pub mod service;

use crate::state::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes of this feature.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(
            handlers::list_public_app_config,
            handlers::update_app_config
        ))
        .routes(routes!(handlers::list_all_app_config))
}
