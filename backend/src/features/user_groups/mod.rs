//! User groups (`/api/user-groups`): CRUD, members and the OIDC clients a group may use.

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
            handlers::list_user_groups,
            handlers::create_user_group
        ))
        .routes(routes!(
            handlers::get_user_group,
            handlers::update_user_group,
            handlers::delete_user_group
        ))
        .routes(routes!(handlers::update_user_group_users))
        .routes(routes!(handlers::update_user_group_allowed_oidc_clients))
}
