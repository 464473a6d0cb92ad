//! A user's side of the clients: "My Apps" (`/api/oidc/users/me/clients`) and consents
//! (`/api/oidc/users/{me|id}/authorized-clients`, revocable with the tokens they granted).

mod handlers;
pub mod repo;
pub mod service;

use crate::state::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes of this feature.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(handlers::list_my_oidc_clients))
        .routes(routes!(handlers::list_my_authorized_oidc_clients))
        .routes(routes!(handlers::list_user_authorized_oidc_clients))
        .routes(routes!(handlers::revoke_my_authorized_oidc_client))
}
