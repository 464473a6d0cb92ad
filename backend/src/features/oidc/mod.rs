//! The OpenID Connect provider: discovery and JWKS, authorization with interaction steps,
//! the token endpoint and its grants, userinfo, introspection, revocation, logout, device
//! authorization and pushed authorization requests; `clients/` administers the clients.

pub mod cache;
pub mod clients;
pub mod endpoints;
pub mod error;
pub mod flows;
pub mod grants;
pub mod protocol;
pub mod store;
pub mod tokens;
pub mod user_clients;

use crate::state::AppState;
use axum::http::{Method, header};
use endpoints::{
    authorize, device, discovery, end_session, interactions, introspection, par, token, userinfo,
};
use tower_http::cors::{Any, CorsLayer};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes relying parties call from anywhere, including browsers on other origins: open CORS
/// (no credentials: these endpoints never use our session cookie).
fn cross_origin() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(discovery::get_openid_configuration))
        .routes(routes!(discovery::get_oauth_authorization_server))
        .routes(routes!(discovery::get_jwks))
        .routes(routes!(token::create_tokens))
        .routes(routes!(userinfo::get_userinfo, userinfo::post_userinfo))
        .routes(routes!(introspection::introspect_token))
        .routes(routes!(introspection::revoke_token))
        .routes(routes!(
            end_session::end_session_get,
            end_session::end_session_post
        ))
        .layer(
            CorsLayer::new()
                .allow_origin(Any)
                .allow_methods([Method::GET, Method::POST])
                .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
                .max_age(std::time::Duration::from_secs(3600)),
        )
}

/// Routes of the provider and of the client administration.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(cross_origin())
        .routes(routes!(authorize::authorize_get, authorize::authorize_post))
        .routes(routes!(par::push_authorization_request))
        .routes(routes!(device::authorize_device))
        .routes(routes!(device::get_device_info))
        .routes(routes!(device::verify_device))
        .routes(routes!(device::deny_device))
        .routes(routes!(interactions::get_interaction))
        .routes(routes!(interactions::complete_interaction))
        .routes(routes!(interactions::cancel_interaction))
        .merge(clients::router())
        .merge(user_clients::router())
}
