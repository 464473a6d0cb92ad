//! Application configuration: the keys of Pocket ID with their defaults, stored values and the
//! public view the SPA loads before anyone signs in.

mod handlers;
pub mod repo;
pub mod service;

use crate::app::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes of this feature.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(handlers::list_public_app_config))
}
