//! The audit log: events written where they happen (sign-ins, passkey changes, authorizations,
//! ...), located by IP address, listed per user and for admins, and trimmed by a daily job.

pub mod device;
pub mod geo;
pub mod geolite;
mod handlers;
pub mod jobs;
pub mod repo;
pub mod service;

use crate::state::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes of the audit log.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(handlers::list_audit_logs))
        .routes(routes!(handlers::list_all_audit_logs))
        .routes(routes!(handlers::list_audit_log_client_names))
        .routes(routes!(handlers::list_audit_log_users))
}
