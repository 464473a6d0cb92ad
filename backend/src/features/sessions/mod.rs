//! Browser sessions as database rows, so that they can be ended: the session cookie (a signed
//! JWT, see `crate::auth::session`) names a `user_sessions` row by its `sid` claim, and a
//! request is signed in only while that row exists. Rows are deleted at sign-out, when the user
//! is disabled, when a passkey is deleted (every other session of the user), from the account
//! page (one session, or every other one) and by an administrator ("sign out everywhere").
//! Adding a passkey or an API key also needs a recent authentication
//! ([`service::require_recent_authentication`]), so a copied cookie cannot be turned into
//! lasting access.

mod handlers;
pub mod service;

use crate::state::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes of this feature.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(
            handlers::list_my_sessions,
            handlers::end_my_other_sessions
        ))
        .routes(routes!(handlers::end_my_session))
        .routes(routes!(
            handlers::list_user_sessions,
            handlers::end_user_sessions
        ))
}
