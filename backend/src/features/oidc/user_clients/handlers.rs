//! HTTP handlers of "My Apps" and the consent lists.

use super::service;
use crate::auth::{AdminUser, CurrentUser};
use crate::error::AppError;
use crate::extract::{ClientId, Json, Path};
use crate::list::ListParams;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use pocket_shared::ApiError;
use pocket_shared::oidc_client::{
    AccessibleOidcClientListResponse, AuthorizedOidcClientListResponse,
};
use serde::Deserialize;
use uuid::Uuid;

/// The `filters[...]` of `GET /api/oidc/users/me/clients` (documentation; parsed by
/// [`ListParams`]).
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct MyClientsFilters {
    /// Only clients with (`true`) or without (`false`) a launch URL.
    #[serde(rename = "filters[hasLaunchURL]")]
    #[param(rename = "filters[hasLaunchURL]")]
    pub has_launch_url: Option<bool>,
}

/// "My Apps": the clients you may sign in to, with when you last used each. Sort `name`
/// (default) or `lastUsedAt` (never used last); `search` on the name.
#[utoipa::path(get, path = "/api/oidc/users/me/clients", tag = "OIDC Clients",
    params(crate::list::ListQueryDoc, MyClientsFilters),
    responses((status = 200, body = AccessibleOidcClientListResponse), (status = 400, body = ApiError),
              (status = 401, body = ApiError)))]
pub async fn list_my_oidc_clients(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    params: ListParams,
) -> Result<Json<AccessibleOidcClientListResponse>, AppError> {
    Ok(Json(
        service::list_accessible(&state.db, user.id, &params).await?,
    ))
}

/// The clients you authorized (your consents). Sort `lastUsedAt` (default, most recent first)
/// or `name`; `search` on the client name.
#[utoipa::path(get, path = "/api/oidc/users/me/authorized-clients", tag = "OIDC Clients",
    params(crate::list::ListQueryDoc),
    responses((status = 200, body = AuthorizedOidcClientListResponse), (status = 400, body = ApiError),
              (status = 401, body = ApiError)))]
pub async fn list_my_authorized_oidc_clients(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    params: ListParams,
) -> Result<Json<AuthorizedOidcClientListResponse>, AppError> {
    Ok(Json(
        service::list_authorized(&state.db, user.id, &params).await?,
    ))
}

/// The clients a user authorized (admin).
#[utoipa::path(get, path = "/api/oidc/users/{id}/authorized-clients", tag = "OIDC Clients",
    params(("id" = String, Path, description = "User id"), crate::list::ListQueryDoc),
    responses((status = 200, body = AuthorizedOidcClientListResponse), (status = 400, body = ApiError),
              (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn list_user_authorized_oidc_clients(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    Path(id): Path<Uuid>,
    params: ListParams,
) -> Result<Json<AuthorizedOidcClientListResponse>, AppError> {
    let user = crate::features::users::service::get(&state.db, id).await?;
    Ok(Json(
        service::list_authorized(&state.db, user.id, &params).await?,
    ))
}

/// Revoke your consent for a client, and with it every refresh and access token you hold for
/// that client.
#[utoipa::path(delete, path = "/api/oidc/users/me/authorized-clients/{clientId}", tag = "OIDC Clients",
    params(("clientId" = String, Path, description = "Client id (`~` + base64url for ids that are URLs)")),
    responses((status = 204), (status = 401, body = ApiError), (status = 404, body = ApiError)))]
pub async fn revoke_my_authorized_oidc_client(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(client): Path<ClientId>,
) -> Result<StatusCode, AppError> {
    let n = service::revoke(&state.db, user.id, &client).await?;
    tracing::info!(client = %client, revoked = n, "consent revoked by the user");
    Ok(StatusCode::NO_CONTENT)
}
