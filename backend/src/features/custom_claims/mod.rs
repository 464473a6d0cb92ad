//! Custom claims of users and groups (`/api/custom-claims`): replace-all per owner and key
//! suggestions. Tokens read them in `oidc::tokens::claims`.

mod handlers;
pub mod repo;
pub mod service;

use crate::state::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes of this feature.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(handlers::get_custom_claim_suggestions))
        .routes(routes!(handlers::update_user_custom_claims))
        .routes(routes!(handlers::update_user_group_custom_claims))
}
