//! The OpenID Connect provider: discovery and JWKS, authorization with interaction steps,
//! the token endpoint and its grants, userinfo, introspection, revocation, logout, device
//! authorization and pushed authorization requests; `clients/` administers the clients.

pub mod clients;

use crate::app::AppState;
use utoipa_axum::router::OpenApiRouter;

/// Routes of the provider and of the client administration.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().merge(clients::router())
}
