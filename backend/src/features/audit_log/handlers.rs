//! HTTP handlers of the audit log: the signed-in user's own log and the admin-wide log with its
//! filter values.

use super::service;
use crate::auth::{AdminUser, CurrentUser};
use crate::error::AppError;
use crate::extract::Json;
use crate::list::{ListParams, ListQueryDoc};
use crate::state::AppState;
use axum::extract::State;
use pocket_shared::ApiError;
use pocket_shared::audit_log::{AuditLogListResponse, AuditLogUsers};

/// Filters of `GET /api/audit-logs`.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct OwnLogFilters {
    /// Event type, e.g. `SIGN_IN` (repeatable).
    #[serde(rename = "filters[event]")]
    #[param(rename = "filters[event]")]
    pub event: Option<String>,
}

/// Filters of `GET /api/audit-logs/all`.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct AllLogFilters {
    /// Event type, e.g. `SIGN_IN` (repeatable).
    #[serde(rename = "filters[event]")]
    #[param(rename = "filters[event]")]
    pub event: Option<String>,
    /// User id (repeatable).
    #[serde(rename = "filters[userId]")]
    #[param(rename = "filters[userId]")]
    pub user_id: Option<uuid::Uuid>,
    /// `data.clientName` of OIDC authorizations (repeatable).
    #[serde(rename = "filters[clientName]")]
    #[param(rename = "filters[clientName]")]
    pub client_name: Option<String>,
    /// `internal` (private addresses) or `external` (everything else).
    #[serde(rename = "filters[location]")]
    #[param(rename = "filters[location]", inline, value_type = Option<pocket_shared::audit_log::AuditLogLocation>)]
    pub location: Option<String>,
}

/// The signed-in user's audit log, newest first. Sort columns: `createdAt`, `event`,
/// `ipAddress`, `country`, `city`, `userAgent` (or `device`).
#[utoipa::path(get, path = "/api/audit-logs", tag = "Audit Logs",
    params(ListQueryDoc, OwnLogFilters),
    responses((status = 200, body = AuditLogListResponse), (status = 400, body = ApiError),
              (status = 401, body = ApiError)))]
pub async fn list_audit_logs(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    params: ListParams,
) -> Result<Json<AuditLogListResponse>, AppError> {
    Ok(Json(service::list_own(&state.db, user.id, &params).await?))
}

/// Every user's audit log entries (admin), newest first, with usernames. Sort columns as for
/// the own log.
#[utoipa::path(get, path = "/api/audit-logs/all", tag = "Audit Logs",
    params(ListQueryDoc, AllLogFilters),
    responses((status = 200, body = AuditLogListResponse), (status = 400, body = ApiError),
              (status = 401, body = ApiError), (status = 403, body = ApiError)))]
pub async fn list_all_audit_logs(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    params: ListParams,
) -> Result<Json<AuditLogListResponse>, AppError> {
    Ok(Json(service::list_all(&state.db, &params).await?))
}

/// The distinct OIDC client names in the audit log (admin), for the client filter.
#[utoipa::path(get, path = "/api/audit-logs/filters/client-names", tag = "Audit Logs",
    responses((status = 200, body = Vec<String>), (status = 401, body = ApiError),
              (status = 403, body = ApiError)))]
pub async fn list_audit_log_client_names(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
) -> Result<Json<Vec<String>>, AppError> {
    Ok(Json(service::client_names(&state.db).await?))
}

/// User id → username of every user with audit log entries (admin), for the user filter.
#[utoipa::path(get, path = "/api/audit-logs/filters/users", tag = "Audit Logs",
    responses((status = 200, body = std::collections::BTreeMap<String, String>),
              (status = 401, body = ApiError), (status = 403, body = ApiError)))]
pub async fn list_audit_log_users(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
) -> Result<Json<AuditLogUsers>, AppError> {
    Ok(Json(service::users_with_entries(&state.db).await?))
}
