//! The audit log: the signed-in user's own entries (`/api/audit-logs`) and, for
//! administrators, everyone's (`/api/audit-logs/all`) with the values of its filters.

use super::list::{ListQuery, ListResponse, fetch_list};
use super::{ClientError, get_json};
use pocket_shared::audit_log::{AuditLogDto, AuditLogUsers};

/// A page of the signed-in user's entries (`filters[event]`).
pub async fn list_own(query: &ListQuery) -> Result<ListResponse<AuditLogDto>, ClientError> {
    fetch_list("/api/audit-logs", query).await
}

/// A page of everyone's entries (`filters[event]`, `filters[userId]`, `filters[clientName]`,
/// `filters[location]`), with usernames.
pub async fn list_all(query: &ListQuery) -> Result<ListResponse<AuditLogDto>, ClientError> {
    fetch_list("/api/audit-logs/all", query).await
}

/// The client names that occur in the log (the client filter's choices).
pub async fn client_names() -> Result<Vec<String>, ClientError> {
    get_json("/api/audit-logs/filters/client-names").await
}

/// User id → username of the users with entries (the user filter's choices).
pub async fn users() -> Result<AuditLogUsers, ClientError> {
    get_json("/api/audit-logs/filters/users").await
}
