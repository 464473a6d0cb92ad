//! OIDC client administration (`/api/oidc/clients/*`, admin only): the list, one client, its
//! secrets, logos, allowed user groups and claims preview; plus the discovery document whose
//! endpoint URLs the client page shows.

use super::list::{ListQuery, ListResponse, Sort, fetch_list};
use super::{
    ClientError, get_json, segment, send_for_json, send_form, send_json, send_without_answer,
};
use crate::routes::guard::encode_uri_component;
use gloo_net::http::Request;
use pocket_shared::oidc_client::{
    OidcClientAllowedUserGroupsRequest, OidcClientCreateRequest, OidcClientListItemDto,
    OidcClientPreviewDto, OidcClientSecretCreateRequest, OidcClientSecretCreatedDto,
    OidcClientSecretDto, OidcClientUpdateRequest, OidcClientWithGroupsDto,
};

/// A client id as one path segment: plain ids as they are; ids with other characters (client
/// metadata document URLs) as `~` + unpadded base64url, which the server decodes.
pub fn path_id(id: &str) -> String {
    let plain = !id.is_empty()
        && !id.starts_with('~')
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if plain {
        id.to_owned()
    } else {
        format!("~{}", base64url(id.as_bytes()))
    }
}

/// The client id a path segment stands for (the inverse of [`path_id`]); a `~` segment that is
/// not valid base64url of UTF-8 is taken literally (the server then answers 400 or 404).
pub fn id_from_path(segment: &str) -> String {
    segment
        .strip_prefix('~')
        .and_then(base64url_decode)
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .unwrap_or_else(|| segment.to_owned())
}

fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        } as u32)
    };
    let text = text.trim_end_matches('=');
    if text.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    for chunk in text.as_bytes().chunks(4) {
        let mut n = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            n |= value(*c)? << (18 - 6 * i);
        }
        for i in 0..chunk.len() - 1 {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    Some(out)
}

/// Unpadded base64url (RFC 4648 §5).
fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        let chars = chunk.len() + 1;
        for i in 0..chars {
            let index = (n >> (18 - 6 * i)) & 0x3f;
            out.push(char::from(ALPHABET[index as usize]));
        }
    }
    out
}

fn client_path(id: &str) -> String {
    format!("/api/oidc/clients/{}", segment(&path_id(id)))
}

/// One page of clients.
pub async fn list(query: &ListQuery) -> Result<ListResponse<OidcClientListItemDto>, ClientError> {
    fetch_list("/api/oidc/clients", query).await
}

/// A client with its allowed user groups and secret metadata.
pub async fn get(id: &str) -> Result<OidcClientWithGroupsDto, ClientError> {
    get_json(&client_path(id)).await
}

/// Registers a client (201); `already_in_use` (409, property `id`) for a taken custom id.
pub async fn create(
    request: &OidcClientCreateRequest,
) -> Result<OidcClientWithGroupsDto, ClientError> {
    send_json(Request::post("/api/oidc/clients"), request).await
}

/// Replaces the editable fields of a client.
pub async fn update(
    id: &str,
    request: &OidcClientUpdateRequest,
) -> Result<OidcClientWithGroupsDto, ClientError> {
    send_json(Request::put(&client_path(id)), request).await
}

/// Deletes the client with its logos, secrets, consents and tokens.
pub async fn delete(id: &str) -> Result<(), ClientError> {
    send_without_answer(Request::delete(&client_path(id))).await
}

/// Makes exactly these user groups the client's allowed groups.
pub async fn set_allowed_groups(
    id: &str,
    user_group_ids: Vec<String>,
) -> Result<OidcClientWithGroupsDto, ClientError> {
    let path = format!("{}/allowed-user-groups", client_path(id));
    let body = OidcClientAllowedUserGroupsRequest { user_group_ids };
    send_json(Request::put(&path), &body).await
}

/// The client's secrets (metadata only, expired ones included).
pub async fn list_secrets(id: &str) -> Result<Vec<OidcClientSecretDto>, ClientError> {
    get_json(&format!("{}/secrets", client_path(id))).await
}

/// Adds a secret; the answer is the only time its value is shown.
pub async fn create_secret(
    id: &str,
    request: &OidcClientSecretCreateRequest,
) -> Result<OidcClientSecretCreatedDto, ClientError> {
    send_json(
        Request::post(&format!("{}/secrets", client_path(id))),
        request,
    )
    .await
}

/// Deletes one secret; it stops working at once.
pub async fn delete_secret(id: &str, secret_id: &str) -> Result<(), ClientError> {
    let path = format!("{}/secrets/{}", client_path(id), segment(secret_id));
    send_without_answer(Request::delete(&path)).await
}

fn logo_path(id: &str, light: bool) -> String {
    format!("{}/logo?light={light}", client_path(id))
}

/// The client's logo image; `version` > 0 busts the browser cache after a change.
pub fn logo_url(id: &str, light: bool, version: u32) -> String {
    let path = logo_path(id, light);
    if version == 0 {
        path
    } else {
        format!("{path}&v={version}")
    }
}

/// Uploads the light or dark logo as multipart field `file`.
pub async fn upload_logo(id: &str, light: bool, file: &web_sys::File) -> Result<(), ClientError> {
    let form = super::app_images::file_form(file)?;
    send_form(Request::post(&logo_path(id, light)), form).await
}

/// Removes the light or dark logo.
pub async fn delete_logo(id: &str, light: bool) -> Result<(), ClientError> {
    send_without_answer(Request::delete(&logo_path(id, light))).await
}

/// The claims a sign-in of `user_id` with `scopes` would produce: `{idToken, accessToken,
/// userInfo}`, each a JSON object.
pub async fn preview(
    id: &str,
    user_id: &str,
    scopes: &str,
) -> Result<OidcClientPreviewDto, ClientError> {
    let path = format!(
        "{}/preview/{}?scopes={}",
        client_path(id),
        segment(user_id),
        encode_uri_component(scopes.trim())
    );
    get_json(&path).await
}

/// Up to 20 users matching `search` (for the claims preview's user picker).
pub async fn users(search: &str) -> Result<pocket_shared::user::UserListResponse, ClientError> {
    let mut query = ListQuery::new(20, Some(Sort::asc("username")));
    query.search = search.to_owned();
    get_json(&query.url("/api/users")).await
}

/// The provider's discovery document (endpoint URLs for the client page).
pub async fn discovery() -> Result<serde_json::Value, ClientError> {
    send_for_json(Request::get("/.well-known/openid-configuration")).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_ids_stay_and_others_are_tilde_base64url() {
        assert_eq!(path_id("my-app_1.0"), "my-app_1.0");
        assert_eq!(
            path_id("https://app.example/client.json"),
            "~aHR0cHM6Ly9hcHAuZXhhbXBsZS9jbGllbnQuanNvbg"
        );
        assert_eq!(path_id("~x"), "~fng");
        assert_eq!(base64url(b"f"), "Zg");
        assert_eq!(base64url(b"fo"), "Zm8");
        assert_eq!(base64url(b"foo"), "Zm9v");
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
        for id in ["plain", "https://app.example/client.json", "~x", "ünï"] {
            assert_eq!(id_from_path(&path_id(id)), id, "{id}");
        }
        assert_eq!(id_from_path("~%%"), "~%%");
    }

    #[test]
    fn logo_urls_bust_the_cache_after_changes() {
        assert_eq!(
            logo_url("a", true, 0),
            "/api/oidc/clients/a/logo?light=true"
        );
        assert_eq!(
            logo_url("a", false, 2),
            "/api/oidc/clients/a/logo?light=false&v=2"
        );
    }
}
