//! API keys: each user's own keys (list, create, renew once expired, revoke). Authenticating
//! with a key is `crate::auth::api_key`.

mod handlers;
pub mod repo;
pub mod service;

use crate::state::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes of this feature.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(handlers::list_api_keys, handlers::create_api_key))
        .routes(routes!(handlers::renew_api_key))
        .routes(routes!(handlers::delete_api_key))
}
