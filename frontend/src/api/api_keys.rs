//! API keys: the signed-in user's keys (`/api/api-keys`); tokens are shown once.

use super::list::{ListQuery, ListResponse, fetch_list};
use super::{ClientError, segment, send_json, send_without_answer};
use gloo_net::http::Request;
use pocket_shared::api_key::{ApiKeyCreateRequest, ApiKeyDto, ApiKeyRenewRequest, ApiKeyResponse};

/// A page of keys.
pub async fn list(query: &ListQuery) -> Result<ListResponse<ApiKeyDto>, ClientError> {
    fetch_list("/api/api-keys", query).await
}

/// Creates a key; the answer carries the token.
pub async fn create(request: &ApiKeyCreateRequest) -> Result<ApiKeyResponse, ClientError> {
    send_json(Request::post("/api/api-keys"), request).await
}

/// Renews an expired key with a new token and expiry.
pub async fn renew(id: &str, expires_at: String) -> Result<ApiKeyResponse, ClientError> {
    let path = format!("/api/api-keys/{}/renew", segment(id));
    send_json(Request::post(&path), &ApiKeyRenewRequest { expires_at }).await
}

/// Revokes a key.
pub async fn revoke(id: &str) -> Result<(), ClientError> {
    send_without_answer(Request::delete(&format!("/api/api-keys/{}", segment(id)))).await
}
