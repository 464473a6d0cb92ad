//! HTTP handlers of the client administration (admin only, except the public metadata).

use super::service::{self, ListRequest};
use crate::app::AppState;
use crate::auth::AdminUser;
use crate::error::AppError;
use crate::extract::{Json, Path, Query};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use base64::Engine;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use pocket_shared::ApiError;
use pocket_shared::oidc::OidcClientMetaDto;
use pocket_shared::oidc_client::{
    OidcClientAllowedUserGroupsRequest, OidcClientCreateRequest, OidcClientListResponse,
    OidcClientSecretCreateRequest, OidcClientSecretCreatedDto, OidcClientSecretDto,
    OidcClientUpdateRequest, OidcClientWithGroupsDto,
};
use serde::Deserialize;

/// Query of `GET /api/oidc/clients`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListClientsQuery {
    /// Part of the client name (case-insensitive).
    pub search: Option<String>,
    /// 1-based page (default 1).
    #[serde(rename = "pagination[page]")]
    pub page: Option<i64>,
    /// Page size (default 20, at most 100).
    #[serde(rename = "pagination[limit]")]
    pub limit: Option<i64>,
    /// `name` (default), `description`, `createdAt`, `clientType` or `allowedUserGroupsCount`.
    #[serde(rename = "sort[column]")]
    pub sort_column: Option<String>,
    /// `asc` (default) or `desc`.
    #[serde(rename = "sort[direction]")]
    pub sort_direction: Option<String>,
}

/// base64url with or without padding (path ids starting with `~`).
const TILDE_IDS: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The client id of a path: as Pocket ID, `~` followed by base64url carries ids that do not fit
/// in a path segment (metadata document clients are identified by URLs).
fn client_id(raw: String) -> Result<String, AppError> {
    let Some(encoded) = raw.strip_prefix('~') else {
        return Ok(raw);
    };
    TILDE_IDS
        .decode(encoded)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| AppError::field("id", "invalid_format", "must be base64url-encoded after ~"))
}

/// List OIDC clients (paginated, searchable by name).
#[utoipa::path(get, path = "/api/oidc/clients", tag = "OIDC Clients", params(ListClientsQuery),
    responses((status = 200, body = OidcClientListResponse), (status = 400, body = ApiError),
              (status = 401, body = ApiError), (status = 403, body = ApiError)))]
pub async fn list_oidc_clients(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    Query(q): Query<ListClientsQuery>,
) -> Result<Json<OidcClientListResponse>, AppError> {
    let req = ListRequest {
        search: q.search,
        sort_column: q.sort_column,
        sort_direction: q.sort_direction,
        page: q.page,
        limit: q.limit,
    };
    Ok(Json(
        service::list(&state.db, &req, state.clock.now()).await?,
    ))
}

/// Register an OIDC client (no secret is created; add one with `POST .../secrets`).
#[utoipa::path(post, path = "/api/oidc/clients", tag = "OIDC Clients",
    request_body = OidcClientCreateRequest,
    responses((status = 201, body = OidcClientWithGroupsDto), (status = 400, body = ApiError),
              (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 409, body = ApiError)))]
pub async fn create_oidc_client(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    Json(req): Json<OidcClientCreateRequest>,
) -> Result<(StatusCode, Json<OidcClientWithGroupsDto>), AppError> {
    let now = state.clock.now();
    let client = service::create(&state.db, req, Some(admin.id), now).await?;
    let dto = service::with_groups(&state.db, &client, now).await?;
    Ok((StatusCode::CREATED, Json(dto)))
}

/// Get an OIDC client with its allowed user groups and secret metadata.
#[utoipa::path(get, path = "/api/oidc/clients/{id}", tag = "OIDC Clients",
    params(("id" = String, Path, description = "Client id (`~` + base64url for ids that are URLs)")),
    responses((status = 200, body = OidcClientWithGroupsDto), (status = 401, body = ApiError),
              (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn get_oidc_client(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    Path(id): Path<String>,
) -> Result<Json<OidcClientWithGroupsDto>, AppError> {
    let client = service::get(&state.db, &client_id(id)?).await?;
    Ok(Json(
        service::with_groups(&state.db, &client, state.clock.now()).await?,
    ))
}

/// Replace the editable fields of an OIDC client.
#[utoipa::path(put, path = "/api/oidc/clients/{id}", tag = "OIDC Clients",
    params(("id" = String, Path, description = "Client id")),
    request_body = OidcClientUpdateRequest,
    responses((status = 200, body = OidcClientWithGroupsDto), (status = 400, body = ApiError),
              (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn update_oidc_client(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    Path(id): Path<String>,
    Json(req): Json<OidcClientUpdateRequest>,
) -> Result<Json<OidcClientWithGroupsDto>, AppError> {
    let client = service::update(&state.db, &client_id(id)?, req).await?;
    Ok(Json(
        service::with_groups(&state.db, &client, state.clock.now()).await?,
    ))
}

/// Delete an OIDC client (its sessions, consents and tokens go with it).
#[utoipa::path(delete, path = "/api/oidc/clients/{id}", tag = "OIDC Clients",
    params(("id" = String, Path, description = "Client id")),
    responses((status = 204), (status = 401, body = ApiError), (status = 403, body = ApiError),
              (status = 404, body = ApiError)))]
pub async fn delete_oidc_client(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    service::delete(&state.db, &client_id(id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Get the public metadata of an OIDC client (no sign-in needed).
#[utoipa::path(get, path = "/api/oidc/clients/{id}/meta", tag = "OIDC Clients",
    params(("id" = String, Path, description = "Client id")),
    responses((status = 200, body = OidcClientMetaDto), (status = 404, body = ApiError)))]
pub async fn get_oidc_client_meta(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<OidcClientMetaDto>, AppError> {
    let client = service::get(&state.db, &client_id(id)?).await?;
    Ok(Json(service::meta_dto(&client)))
}

/// Set the user groups whose members may use a group-restricted client.
#[utoipa::path(put, path = "/api/oidc/clients/{id}/allowed-user-groups", tag = "OIDC Clients",
    params(("id" = String, Path, description = "Client id")),
    request_body = OidcClientAllowedUserGroupsRequest,
    responses((status = 200, body = OidcClientWithGroupsDto), (status = 400, body = ApiError),
              (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn update_oidc_client_allowed_user_groups(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    Path(id): Path<String>,
    Json(req): Json<OidcClientAllowedUserGroupsRequest>,
) -> Result<Json<OidcClientWithGroupsDto>, AppError> {
    let client = service::set_allowed_groups(&state.db, &client_id(id)?, &req).await?;
    Ok(Json(
        service::with_groups(&state.db, &client, state.clock.now()).await?,
    ))
}

/// List a client's secrets (metadata only; expired ones included).
#[utoipa::path(get, path = "/api/oidc/clients/{id}/secrets", tag = "OIDC Clients",
    params(("id" = String, Path, description = "Client id")),
    responses((status = 200, body = Vec<OidcClientSecretDto>), (status = 401, body = ApiError),
              (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn list_oidc_client_secrets(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<OidcClientSecretDto>>, AppError> {
    Ok(Json(
        service::list_secrets(&state.db, &client_id(id)?, state.clock.now()).await?,
    ))
}

/// Add a client secret, generated (32 characters) or supplied; its value is shown only here.
#[utoipa::path(post, path = "/api/oidc/clients/{id}/secrets", tag = "OIDC Clients",
    params(("id" = String, Path, description = "Client id")),
    request_body(content = Option<OidcClientSecretCreateRequest>, description = "Optional; an empty body generates a secret that never expires"),
    responses((status = 201, body = OidcClientSecretCreatedDto), (status = 400, body = ApiError),
              (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn create_oidc_client_secret(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<OidcClientSecretCreatedDto>), AppError> {
    let req = optional_json_body(&headers, &body)?;
    let created =
        service::create_secret(&state.db, &client_id(id)?, req, state.clock.now()).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// An optional JSON body: empty means the defaults; anything else must be declared JSON.
fn optional_json_body(
    headers: &HeaderMap,
    body: &[u8],
) -> Result<OidcClientSecretCreateRequest, AppError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(OidcClientSecretCreateRequest::default());
    }
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("application/json")
        });
    if !is_json {
        return Err(AppError::InvalidBody(
            "Expected request with `Content-Type: application/json`".into(),
        ));
    }
    serde_json::from_slice(body).map_err(|e| AppError::InvalidBody(e.to_string()))
}

/// Delete a client secret; it stops working at once.
#[utoipa::path(delete, path = "/api/oidc/clients/{id}/secrets/{secretId}", tag = "OIDC Clients",
    params(("id" = String, Path, description = "Client id"), ("secretId" = String, Path, description = "Secret id")),
    responses((status = 204), (status = 401, body = ApiError), (status = 403, body = ApiError),
              (status = 404, body = ApiError)))]
pub async fn delete_oidc_client_secret(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    Path((id, secret_id)): Path<(String, String)>,
) -> Result<StatusCode, AppError> {
    service::delete_secret(&state.db, &client_id(id)?, &secret_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tilde_ids_are_base64url() {
        assert_eq!(client_id("plain-id".into()).unwrap(), "plain-id");
        // "https://app.example/client.json"
        let enc = TILDE_IDS.encode("https://app.example/client.json");
        assert_eq!(
            client_id(format!("~{enc}")).unwrap(),
            "https://app.example/client.json"
        );
        assert!(client_id("~***".into()).is_err());
    }

    #[test]
    fn secret_bodies_are_optional_but_json() {
        let mut h = HeaderMap::new();
        assert_eq!(optional_json_body(&h, b"").unwrap(), Default::default());
        assert!(optional_json_body(&h, br#"{"secret":"x"}"#).is_err());
        h.insert(header::CONTENT_TYPE, "application/json".parse().unwrap());
        let r = optional_json_body(&h, br#"{"expiresAt":"2030-01-01T00:00:00Z"}"#).unwrap();
        assert_eq!(r.expires_at.as_deref(), Some("2030-01-01T00:00:00Z"));
    }
}
