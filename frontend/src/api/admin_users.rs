//! Users as administrators manage them: `/api/users` (list, create, edit, delete), a user's
//! groups, passkeys, profile picture and login codes.

use super::list::{ListQuery, ListResponse, fetch_list};
use super::{
    ClientError, get_json, segment, send_form, send_json, send_json_without_answer,
    send_without_answer,
};
use gloo_net::http::Request;
use pocket_shared::user::{AdminUserUpdateRequest, UserCreateRequest, UserUpdateUserGroupsRequest};
use pocket_shared::webauthn::{OneTimeAccessTokenCreateRequest, OneTimeAccessTokenResponse};
use pocket_shared::{UserDto, WebauthnCredentialDto};

fn user_path(id: &str) -> String {
    format!("/api/users/{}", segment(id))
}

/// A page of users (`search`, sort, `filters[isAdmin|disabled|emailVerified]`).
pub async fn list(query: &ListQuery) -> Result<ListResponse<UserDto>, ClientError> {
    fetch_list("/api/users", query).await
}

/// One user with groups and custom claims.
pub async fn get(id: &str) -> Result<UserDto, ClientError> {
    get_json(&user_path(id)).await
}

/// Creates a user (201).
pub async fn create(request: &UserCreateRequest) -> Result<UserDto, ClientError> {
    send_json(Request::post("/api/users"), request).await
}

/// Saves every editable field of a user.
pub async fn update(id: &str, request: &AdminUserUpdateRequest) -> Result<UserDto, ClientError> {
    send_json(Request::put(&user_path(id)), request).await
}

/// Deletes a user and everything that belongs to them.
pub async fn delete(id: &str) -> Result<(), ClientError> {
    send_without_answer(Request::delete(&user_path(id))).await
}

/// Replaces the user's group memberships.
pub async fn set_groups(id: &str, group_ids: Vec<String>) -> Result<(), ClientError> {
    let path = format!("{}/user-groups", user_path(id));
    let body = UserUpdateUserGroupsRequest {
        user_group_ids: group_ids,
    };
    send_json_without_answer(Request::put(&path), &body).await
}

/// The user's passkeys.
pub async fn passkeys(id: &str) -> Result<Vec<WebauthnCredentialDto>, ClientError> {
    get_json(&format!("{}/webauthn-credentials", user_path(id))).await
}

/// Deletes one of the user's passkeys.
pub async fn delete_passkey(id: &str, credential_id: &str) -> Result<(), ClientError> {
    let path = format!(
        "{}/webauthn-credentials/{}",
        user_path(id),
        segment(credential_id)
    );
    send_without_answer(Request::delete(&path)).await
}

/// Uploads the user's profile picture (multipart field `file`).
pub async fn upload_picture(id: &str, file: &web_sys::File) -> Result<(), ClientError> {
    let form = web_sys::FormData::new()
        .map_err(|e| ClientError::Network(format!("FormData unavailable: {e:?}")))?;
    form.append_with_blob_and_filename("file", file, &file.name())
        .map_err(|e| ClientError::Network(format!("could not attach the file: {e:?}")))?;
    let path = format!("{}/profile-picture", user_path(id));
    send_form(Request::put(&path), form).await
}

/// Removes the user's uploaded picture.
pub async fn reset_picture(id: &str) -> Result<(), ClientError> {
    let path = format!("{}/profile-picture", user_path(id));
    send_without_answer(Request::delete(&path)).await
}

/// Creates a login code for the user, valid for `ttl_seconds`.
pub async fn create_login_code(
    id: &str,
    ttl_seconds: u64,
) -> Result<OneTimeAccessTokenResponse, ClientError> {
    let path = format!("{}/one-time-access-token", user_path(id));
    let body = OneTimeAccessTokenCreateRequest {
        ttl: Some(serde_json::Value::from(ttl_seconds)),
    };
    send_json(Request::post(&path), &body).await
}

/// Every user (for pickers such as group members), by username; at most 2,000.
pub async fn all() -> Result<Vec<UserDto>, ClientError> {
    super::list::fetch_all("/api/users", Some(super::list::Sort::asc("username")), 20).await
}
