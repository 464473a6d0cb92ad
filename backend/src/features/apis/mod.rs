//! OAuth APIs (resource servers, RFC 8707): `/api/apis` (CRUD, permissions, the CIMD opt-in,
//! client grants) and `/api/api-access/{clientId}`. The OIDC provider reads the grants through
//! [`repo`] when a client asks for a `resource`.

pub mod grants;
mod handlers;
pub mod repo;
pub mod service;

use crate::state::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes of the API administration.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(handlers::list_apis, handlers::create_api))
        .routes(routes!(
            handlers::get_api,
            handlers::update_api,
            handlers::delete_api
        ))
        .routes(routes!(handlers::update_api_permissions))
        .routes(routes!(handlers::update_api_cimd_access))
        .routes(routes!(handlers::list_api_clients))
        .routes(routes!(handlers::list_api_assignable_clients))
        .routes(routes!(
            handlers::update_api_client_grant,
            handlers::delete_api_client_grant
        ))
        .routes(routes!(handlers::list_client_apis))
        .routes(routes!(handlers::list_client_assignable_apis))
}
