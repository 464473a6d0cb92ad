//! User groups: `/api/user-groups` (list, create, edit, delete), members and allowed clients.

use super::list::{ListQuery, ListResponse, Sort, fetch_all, fetch_list};
use super::{
    ClientError, get_json, segment, send_json, send_json_without_answer, send_without_answer,
};
use gloo_net::http::Request;
use pocket_shared::user_group::{
    UserGroupCreateRequest, UserGroupDto, UserGroupUpdateAllowedOidcClientsRequest,
    UserGroupUpdateUsersRequest, UserGroupWithUserCountDto, UserGroupWithUsersDto,
};

fn group_path(id: &str) -> String {
    format!("/api/user-groups/{}", segment(id))
}

/// A page of groups with their member counts.
pub async fn list(
    query: &ListQuery,
) -> Result<ListResponse<UserGroupWithUserCountDto>, ClientError> {
    fetch_list("/api/user-groups", query).await
}

/// Every group (for pickers), by friendly name.
pub async fn all() -> Result<Vec<UserGroupWithUserCountDto>, ClientError> {
    fetch_all("/api/user-groups", Some(Sort::asc("friendlyName")), 20).await
}

/// One group with members, claims and allowed clients.
pub async fn get(id: &str) -> Result<UserGroupWithUsersDto, ClientError> {
    get_json(&group_path(id)).await
}

/// Creates a group (201).
pub async fn create(request: &UserGroupCreateRequest) -> Result<UserGroupDto, ClientError> {
    send_json(Request::post("/api/user-groups"), request).await
}

/// Renames a group.
pub async fn update(id: &str, request: &UserGroupCreateRequest) -> Result<(), ClientError> {
    send_json_without_answer(Request::put(&group_path(id)), request).await
}

/// Deletes a group.
pub async fn delete(id: &str) -> Result<(), ClientError> {
    send_without_answer(Request::delete(&group_path(id))).await
}

/// Replaces the group's members.
pub async fn set_users(id: &str, user_ids: Vec<String>) -> Result<(), ClientError> {
    let path = format!("{}/users", group_path(id));
    send_json_without_answer(
        Request::put(&path),
        &UserGroupUpdateUsersRequest { user_ids },
    )
    .await
}

/// Replaces the OIDC clients the group may use.
pub async fn set_allowed_clients(
    id: &str,
    oidc_client_ids: Vec<String>,
) -> Result<(), ClientError> {
    let path = format!("{}/allowed-oidc-clients", group_path(id));
    let body = UserGroupUpdateAllowedOidcClientsRequest { oidc_client_ids };
    send_json_without_answer(Request::put(&path), &body).await
}

/// Every OIDC client (for the "allowed clients" picker), by name.
pub async fn all_oidc_clients()
-> Result<Vec<pocket_shared::oidc_client::OidcClientListItemDto>, ClientError> {
    fetch_all("/api/oidc/clients", Some(Sort::asc("name")), 20).await
}
