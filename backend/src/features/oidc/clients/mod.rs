//! OIDC client administration: `/api/oidc/clients` (CRUD, secrets, allowed groups, logos,
//! public metadata) and the stored client model the protocol endpoints read.

pub mod credentials;
mod handlers;
pub mod logo;
pub mod preview;
pub mod repo;
pub mod service;

use crate::state::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes of the client administration.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(
            handlers::list_oidc_clients,
            handlers::create_oidc_client
        ))
        .routes(routes!(
            handlers::get_oidc_client,
            handlers::update_oidc_client,
            handlers::delete_oidc_client
        ))
        .routes(routes!(handlers::get_oidc_client_meta))
        .routes(routes!(handlers::update_oidc_client_allowed_user_groups))
        .routes(routes!(
            handlers::list_oidc_client_secrets,
            handlers::create_oidc_client_secret
        ))
        .routes(routes!(handlers::delete_oidc_client_secret))
        .routes(routes!(handlers::get_oidc_client_preview))
        .merge(
            // Logos may be 2 MiB plus multipart framing; other bodies keep axum's 2 MB.
            OpenApiRouter::new()
                .routes(routes!(
                    handlers::get_oidc_client_logo,
                    handlers::update_oidc_client_logo,
                    handlers::delete_oidc_client_logo
                ))
                .layer(axum::extract::DefaultBodyLimit::max(
                    logo::MAX_LOGO_BYTES + 64 * 1024,
                )),
        )
}
