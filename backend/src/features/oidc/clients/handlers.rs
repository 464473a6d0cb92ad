//! HTTP handlers of the client administration (admin only, except the public metadata).

use super::logo::{self, Variant};
use super::{preview, service};
use crate::auth::AdminUser;
use crate::error::AppError;
use crate::extract::{ClientId, Json, Path, Query};
use crate::list::ListParams;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use pocket_shared::ApiError;
use pocket_shared::oidc::OidcClientMetaDto;
use pocket_shared::oidc_client::{
    OidcClientAllowedUserGroupsRequest, OidcClientCreateRequest, OidcClientListResponse,
    OidcClientPreviewDto, OidcClientSecretCreateRequest, OidcClientSecretCreatedDto,
    OidcClientSecretDto, OidcClientUpdateRequest, OidcClientWithGroupsDto,
};
use serde::Deserialize;
use uuid::Uuid;

/// The `filters[...]` of `GET /api/oidc/clients` (documentation; parsed by [`ListParams`]).
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct ClientListFilters {
    #[serde(rename = "filters[pkceEnabled]")]
    #[param(rename = "filters[pkceEnabled]")]
    pub pkce_enabled: Option<bool>,
    #[serde(rename = "filters[requiresReauthentication]")]
    #[param(rename = "filters[requiresReauthentication]")]
    pub requires_reauthentication: Option<bool>,
    #[serde(rename = "filters[requiresPushedAuthorizationRequests]")]
    #[param(rename = "filters[requiresPushedAuthorizationRequests]")]
    pub requires_pushed_authorization_requests: Option<bool>,
    #[serde(rename = "filters[skipConsent]")]
    #[param(rename = "filters[skipConsent]")]
    pub skip_consent: Option<bool>,
    #[serde(rename = "filters[isGroupRestricted]")]
    #[param(rename = "filters[isGroupRestricted]")]
    pub is_group_restricted: Option<bool>,
    /// The client was seen sending PKCE although it is not required.
    #[serde(rename = "filters[pkceSupported]")]
    #[param(rename = "filters[pkceSupported]")]
    pub pkce_supported: Option<bool>,
    #[serde(rename = "filters[isPublic]")]
    #[param(rename = "filters[isPublic]")]
    pub is_public: Option<bool>,
    /// `standard` or `cimd` (repeat for either).
    #[serde(rename = "filters[clientType]")]
    #[param(rename = "filters[clientType]")]
    pub client_type: Option<String>,
}

/// List OIDC clients (paginated, searchable by name, filterable by flags and type). Sort
/// columns: `name` (default), `description`, `createdAt`, `clientType`,
/// `allowedUserGroupsCount`.
#[utoipa::path(get, path = "/api/oidc/clients", tag = "OIDC Clients",
    params(crate::list::ListQueryDoc, ClientListFilters),
    responses((status = 200, body = OidcClientListResponse), (status = 400, body = ApiError),
              (status = 401, body = ApiError), (status = 403, body = ApiError)))]
pub async fn list_oidc_clients(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    params: ListParams,
) -> Result<Json<OidcClientListResponse>, AppError> {
    Ok(Json(
        service::list(&state.db, &params, state.clock.now()).await?,
    ))
}

/// Register an OIDC client (no secret is created; add one with `POST .../secrets`). `logoUrl`
/// and `darkLogoUrl` are downloaded (public http(s) hosts only, 2 MiB at most).
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
    let req = service::validated_create(req)?;
    // Logos are downloaded first: a URL that fails creates nothing.
    let logos = logo::download_requested(&state, &req.client).await?;
    let client = service::create(&state.db, req, Some(admin.id), now).await?;
    let client = logo::save_all(&state, client, logos).await?;
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
    Path(id): Path<ClientId>,
) -> Result<Json<OidcClientWithGroupsDto>, AppError> {
    let client = service::get(&state.db, &id).await?;
    Ok(Json(
        service::with_groups(&state.db, &client, state.clock.now()).await?,
    ))
}

/// Replace the editable fields of an OIDC client (`logoUrl`/`darkLogoUrl` replace the logos).
#[utoipa::path(put, path = "/api/oidc/clients/{id}", tag = "OIDC Clients",
    params(("id" = String, Path, description = "Client id")),
    request_body = OidcClientUpdateRequest,
    responses((status = 200, body = OidcClientWithGroupsDto), (status = 400, body = ApiError),
              (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn update_oidc_client(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    Path(id): Path<ClientId>,
    Json(req): Json<OidcClientUpdateRequest>,
) -> Result<Json<OidcClientWithGroupsDto>, AppError> {
    let req = service::validated_update(req)?;
    service::get(&state.db, &id).await?;
    let logos = logo::download_requested(&state, &req).await?;
    let client = service::update(&state.db, &id, req).await?;
    let client = logo::save_all(&state, client, logos).await?;
    Ok(Json(
        service::with_groups(&state.db, &client, state.clock.now()).await?,
    ))
}

/// Delete an OIDC client (its sessions, consents, tokens and logos go with it).
#[utoipa::path(delete, path = "/api/oidc/clients/{id}", tag = "OIDC Clients",
    params(("id" = String, Path, description = "Client id")),
    responses((status = 204), (status = 401, body = ApiError), (status = 403, body = ApiError),
              (status = 404, body = ApiError)))]
pub async fn delete_oidc_client(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    Path(id): Path<ClientId>,
) -> Result<StatusCode, AppError> {
    let deleted = service::delete(&state.db, &id).await?;
    logo::remove_files(&state, &deleted).await;
    Ok(StatusCode::NO_CONTENT)
}

/// Get the public metadata of an OIDC client (no sign-in needed).
#[utoipa::path(get, path = "/api/oidc/clients/{id}/meta", tag = "OIDC Clients",
    params(("id" = String, Path, description = "Client id")),
    responses((status = 200, body = OidcClientMetaDto), (status = 404, body = ApiError)))]
pub async fn get_oidc_client_meta(
    State(state): State<AppState>,
    Path(id): Path<ClientId>,
) -> Result<Json<OidcClientMetaDto>, AppError> {
    let client = service::get(&state.db, &id).await?;
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
    Path(id): Path<ClientId>,
    Json(req): Json<OidcClientAllowedUserGroupsRequest>,
) -> Result<Json<OidcClientWithGroupsDto>, AppError> {
    let client = service::set_allowed_groups(&state.db, &id, &req).await?;
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
    Path(id): Path<ClientId>,
) -> Result<Json<Vec<OidcClientSecretDto>>, AppError> {
    Ok(Json(
        service::list_secrets(&state.db, &id, state.clock.now()).await?,
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
    Path(id): Path<ClientId>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<OidcClientSecretCreatedDto>), AppError> {
    let req = optional_json_body(&headers, &body)?;
    let created = service::create_secret(&state.db, &id, req, state.clock.now()).await?;
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
    Path((id, secret_id)): Path<(ClientId, String)>,
) -> Result<StatusCode, AppError> {
    service::delete_secret(&state.db, &id, &secret_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `?light=`: which logo (absent or `true`: the light one).
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LogoQuery {
    /// `false` for the dark logo (served: the light one when there is no dark one).
    pub light: Option<bool>,
}

/// Get a client logo (public). The dark logo falls back to the light one.
#[utoipa::path(get, path = "/api/oidc/clients/{id}/logo", tag = "OIDC Clients",
    params(("id" = String, Path, description = "Client id"), LogoQuery),
    responses((status = 200, description = "The image (`image/*`; SVGs with `Content-Security-Policy: sandbox`)", content_type = "image/*"),
              (status = 404, body = ApiError)))]
pub async fn get_oidc_client_logo(
    State(state): State<AppState>,
    Path(id): Path<ClientId>,
    Query(q): Query<LogoQuery>,
) -> Result<Response, AppError> {
    let client = service::get(&state.db, &id).await?;
    logo::serve(&state, &client, Variant::from_light(q.light)).await
}

/// Upload a client logo: multipart field `file`, at most 2 MiB, jpg/png/svg/ico/gif/webp/avif/
/// heic (decided by the content). Metadata is stripped; SVGs with active content are refused.
#[utoipa::path(post, path = "/api/oidc/clients/{id}/logo", tag = "OIDC Clients",
    params(("id" = String, Path, description = "Client id"), LogoQuery),
    request_body(content_type = "multipart/form-data", description = "Field `file`: the image"),
    responses((status = 204), (status = 400, body = ApiError), (status = 401, body = ApiError),
              (status = 403, body = ApiError), (status = 404, body = ApiError),
              (status = 413, body = ApiError), (status = 415, body = ApiError)))]
pub async fn update_oidc_client_logo(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    Path(id): Path<ClientId>,
    Query(q): Query<LogoQuery>,
    mut multipart: Multipart,
) -> Result<StatusCode, AppError> {
    service::get(&state.db, &id).await?;
    let bytes = crate::images::read_multipart_file(&mut multipart, logo::MAX_LOGO_BYTES).await?;
    let clean = logo::sanitize(bytes).await?;
    logo::save(&state, &id, Variant::from_light(q.light), clean).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Delete the light or the dark logo of a client.
#[utoipa::path(delete, path = "/api/oidc/clients/{id}/logo", tag = "OIDC Clients",
    params(("id" = String, Path, description = "Client id"), LogoQuery),
    responses((status = 204), (status = 401, body = ApiError), (status = 403, body = ApiError),
              (status = 404, body = ApiError)))]
pub async fn delete_oidc_client_logo(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    Path(id): Path<ClientId>,
    Query(q): Query<LogoQuery>,
) -> Result<StatusCode, AppError> {
    logo::remove(&state, &id, Variant::from_light(q.light)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `?scopes=`: the scopes to preview, space-separated.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PreviewQuery {
    /// e.g. `openid profile email groups` (unknown scopes are dropped, as at `/authorize`).
    pub scopes: Option<String>,
}

/// Preview the ID token, access token and userinfo claims a sign-in of the user to the client
/// with these scopes would produce (nothing is issued).
#[utoipa::path(get, path = "/api/oidc/clients/{id}/preview/{userId}", tag = "OIDC Clients",
    params(("id" = String, Path, description = "Client id"), ("userId" = String, Path, description = "User id"), PreviewQuery),
    responses((status = 200, body = OidcClientPreviewDto), (status = 400, body = ApiError),
              (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn get_oidc_client_preview(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    Path((id, user_id)): Path<(ClientId, Uuid)>,
    Query(q): Query<PreviewQuery>,
) -> Result<Json<OidcClientPreviewDto>, AppError> {
    let scopes = preview::requested_scopes(q.scopes.as_deref())?;
    Ok(Json(preview::preview(&state, &id, user_id, &scopes).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

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
