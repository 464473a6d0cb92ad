//! Login codes ("one-time access tokens"): 6- or 12-character codes an admin (or the CLI)
//! creates for a user who cannot use a passkey; exchanged once for a session.

mod handlers;
pub mod service;

use crate::state::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes of this feature.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(handlers::exchange_one_time_access_token))
}
