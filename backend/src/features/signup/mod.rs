//! Initial setup: creating the first administrator while the instance has no users.

mod handlers;
pub mod service;

use crate::app::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes of this feature.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(
        handlers::get_setup_status,
        handlers::create_first_admin
    ))
}
