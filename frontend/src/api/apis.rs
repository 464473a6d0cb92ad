//! OAuth API administration (`/api/apis/*`, `/api/api-access/*`, admin only): the APIs with
//! their permissions, and the client grants on them.

use super::list::{ListQuery, ListResponse, fetch_all, fetch_list};
use super::oidc_clients::path_id;
use super::{ClientError, get_json, segment, send_json, send_without_answer};
use gloo_net::http::Request;
use pocket_shared::api_resource::{
    ApiClientAccessDto, ApiClientDto, ApiClientGrantDto, ApiCreateRequest, ApiDto,
    ApiPermissionInput, ApiPermissionsUpdateRequest, ApiUpdateRequest,
};

fn api_path(id: &str) -> String {
    format!("/api/apis/{}", segment(id))
}

fn grant_path(id: &str, client_id: &str) -> String {
    format!("{}/clients/{}", api_path(id), segment(&path_id(client_id)))
}

/// One page of APIs.
pub async fn list(query: &ListQuery) -> Result<ListResponse<ApiDto>, ClientError> {
    fetch_list("/api/apis", query).await
}

/// An API with its permissions.
pub async fn get(id: &str) -> Result<ApiDto, ClientError> {
    get_json(&api_path(id)).await
}

/// Registers an API (201); `already_in_use` (409, property `resource`) for a taken resource.
pub async fn create(request: &ApiCreateRequest) -> Result<ApiDto, ClientError> {
    send_json(Request::post("/api/apis"), request).await
}

/// Renames an API.
pub async fn rename(id: &str, name: &str) -> Result<ApiDto, ClientError> {
    let body = ApiUpdateRequest {
        name: name.to_owned(),
    };
    send_json(Request::put(&api_path(id)), &body).await
}

/// Deletes an API with its permissions and grants.
pub async fn delete(id: &str) -> Result<(), ClientError> {
    send_without_answer(Request::delete(&api_path(id))).await
}

/// Replaces the API's permission set.
pub async fn set_permissions(
    id: &str,
    permissions: Vec<ApiPermissionInput>,
) -> Result<ApiDto, ClientError> {
    let body = ApiPermissionsUpdateRequest { permissions };
    send_json(
        Request::put(&format!("{}/permissions", api_path(id))),
        &body,
    )
    .await
}

/// One page of the clients with a grant on the API.
pub async fn list_clients(
    id: &str,
    query: &ListQuery,
) -> Result<ListResponse<ApiClientAccessDto>, ClientError> {
    fetch_list(&format!("{}/clients", api_path(id)), query).await
}

/// Every client without a grant on the API yet (for the "Grant access" picker).
pub async fn assignable_clients(id: &str) -> Result<Vec<ApiClientDto>, ClientError> {
    fetch_all(
        &format!("{}/assignable-clients", api_path(id)),
        Some(super::list::Sort::asc("name")),
        10,
    )
    .await
}

/// Sets a client's grant on the API; the answer is what was stored.
pub async fn set_grant(
    id: &str,
    client_id: &str,
    grant: &ApiClientGrantDto,
) -> Result<ApiClientGrantDto, ClientError> {
    send_json(Request::put(&grant_path(id, client_id)), grant).await
}

/// Removes a client's grant on the API.
pub async fn remove_grant(id: &str, client_id: &str) -> Result<(), ClientError> {
    send_without_answer(Request::delete(&grant_path(id, client_id))).await
}
