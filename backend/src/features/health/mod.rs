//! Liveness endpoint for load balancers and `pocket-id healthcheck`.

use crate::state::AppState;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes of this feature.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_health))
}

/// Report that the server is up (204, no body).
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "Health",
    responses((status = 204, description = "The server is running"))
)]
pub async fn get_health() -> StatusCode {
    StatusCode::NO_CONTENT
}
