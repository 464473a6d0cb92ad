//! HTTP handlers of the API administration (admin only).

use super::{grants, service};
use crate::auth::AdminUser;
use crate::error::AppError;
use crate::extract::{ClientId, Json, Path};
use crate::list::ListParams;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use pocket_shared::ApiError;
use pocket_shared::api_resource::{
    ApiCimdAccessUpdateRequest, ApiClientAccessListResponse, ApiClientGrantDto,
    ApiClientListResponse, ApiCreateRequest, ApiDto, ApiListResponse, ApiPermissionsUpdateRequest,
    ApiUpdateRequest, ClientApiGrantDto,
};
use uuid::Uuid;

/// List APIs (paginated; `search` matches the name or resource). Sort columns: `name`
/// (default), `resource`, `createdAt`.
#[utoipa::path(get, path = "/api/apis", tag = "APIs",
    params(crate::list::ListQueryDoc),
    responses((status = 200, body = ApiListResponse), (status = 400, body = ApiError),
              (status = 401, body = ApiError), (status = 403, body = ApiError)))]
pub async fn list_apis(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    params: ListParams,
) -> Result<Json<ApiListResponse>, AppError> {
    Ok(Json(service::list(&state.db, &params).await?))
}

/// Register an API (resource server) whose resource URI becomes its tokens' audience.
#[utoipa::path(post, path = "/api/apis", tag = "APIs",
    request_body = ApiCreateRequest,
    responses((status = 201, body = ApiDto), (status = 400, body = ApiError),
              (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 409, body = ApiError)))]
pub async fn create_api(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    Json(req): Json<ApiCreateRequest>,
) -> Result<(StatusCode, Json<ApiDto>), AppError> {
    let api = service::create(&state.db, req, &state.config.app_url, state.clock.now()).await?;
    Ok((
        StatusCode::CREATED,
        Json(service::dto(&state.db, &api).await?),
    ))
}

/// Get an API with its permissions.
#[utoipa::path(get, path = "/api/apis/{id}", tag = "APIs",
    params(("id" = String, Path, description = "API id")),
    responses((status = 200, body = ApiDto), (status = 401, body = ApiError),
              (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn get_api(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    Path(id): Path<Uuid>,
) -> Result<Json<ApiDto>, AppError> {
    let api = service::get(&state.db, id).await?;
    Ok(Json(service::dto(&state.db, &api).await?))
}

/// Rename an API (its resource cannot change).
#[utoipa::path(put, path = "/api/apis/{id}", tag = "APIs",
    params(("id" = String, Path, description = "API id")),
    request_body = ApiUpdateRequest,
    responses((status = 200, body = ApiDto), (status = 400, body = ApiError), (status = 401, body = ApiError),
              (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn update_api(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    Path(id): Path<Uuid>,
    Json(req): Json<ApiUpdateRequest>,
) -> Result<Json<ApiDto>, AppError> {
    let api = service::update(&state.db, id, req, state.clock.now()).await?;
    Ok(Json(service::dto(&state.db, &api).await?))
}

/// Delete an API with its permissions and every client grant on it.
#[utoipa::path(delete, path = "/api/apis/{id}", tag = "APIs",
    params(("id" = String, Path, description = "API id")),
    responses((status = 204), (status = 401, body = ApiError), (status = 403, body = ApiError),
              (status = 404, body = ApiError)))]
pub async fn delete_api(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, AppError> {
    service::delete(&state.db, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Replace an API's permission set (matched by key; removed keys lose their grants).
#[utoipa::path(put, path = "/api/apis/{id}/permissions", tag = "APIs",
    params(("id" = String, Path, description = "API id")),
    request_body = ApiPermissionsUpdateRequest,
    responses((status = 200, body = ApiDto), (status = 400, body = ApiError), (status = 401, body = ApiError),
              (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn update_api_permissions(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    Path(id): Path<Uuid>,
    Json(req): Json<ApiPermissionsUpdateRequest>,
) -> Result<Json<ApiDto>, AppError> {
    let api = service::set_permissions(&state.db, id, req, state.clock.now()).await?;
    Ok(Json(service::dto(&state.db, &api).await?))
}

/// Store whether metadata-document (CIMD) clients may reach the API, and with which
/// permissions (stored only: this server has no CIMD clients yet).
#[utoipa::path(put, path = "/api/apis/{id}/cimd-access", tag = "APIs",
    params(("id" = String, Path, description = "API id")),
    request_body = ApiCimdAccessUpdateRequest,
    responses((status = 200, body = ApiDto), (status = 400, body = ApiError), (status = 401, body = ApiError),
              (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn update_api_cimd_access(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    Path(id): Path<Uuid>,
    Json(req): Json<ApiCimdAccessUpdateRequest>,
) -> Result<Json<ApiDto>, AppError> {
    let api = service::set_cimd_access(&state.db, id, req, state.clock.now()).await?;
    Ok(Json(service::dto(&state.db, &api).await?))
}

/// List the clients with a grant on an API (paginated; `search` matches the client name;
/// sort column `name`).
#[utoipa::path(get, path = "/api/apis/{id}/clients", tag = "APIs",
    params(("id" = String, Path, description = "API id"), crate::list::ListQueryDoc),
    responses((status = 200, body = ApiClientAccessListResponse), (status = 400, body = ApiError),
              (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn list_api_clients(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    Path(id): Path<Uuid>,
    params: ListParams,
) -> Result<Json<ApiClientAccessListResponse>, AppError> {
    Ok(Json(grants::list_clients(&state.db, id, &params).await?))
}

/// List the clients that have no grant on an API yet (paginated, as the client list).
#[utoipa::path(get, path = "/api/apis/{id}/assignable-clients", tag = "APIs",
    params(("id" = String, Path, description = "API id"), crate::list::ListQueryDoc),
    responses((status = 200, body = ApiClientListResponse), (status = 400, body = ApiError),
              (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn list_api_assignable_clients(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    Path(id): Path<Uuid>,
    params: ListParams,
) -> Result<Json<ApiClientListResponse>, AppError> {
    Ok(Json(
        grants::assignable_clients(&state.db, id, &params).await?,
    ))
}

/// Set a client's grant on an API (user-delegated and client access, and the permissions of
/// each); its grants on other APIs stay.
#[utoipa::path(put, path = "/api/apis/{id}/clients/{clientId}", tag = "APIs",
    params(("id" = String, Path, description = "API id"),
           ("clientId" = String, Path, description = "Client id (`~` + base64url for ids that are URLs)")),
    request_body = ApiClientGrantDto,
    responses((status = 200, body = ApiClientGrantDto), (status = 400, body = ApiError), (status = 401, body = ApiError),
              (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn update_api_client_grant(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    Path((id, client)): Path<(Uuid, ClientId)>,
    Json(req): Json<ApiClientGrantDto>,
) -> Result<Json<ApiClientGrantDto>, AppError> {
    Ok(Json(grants::set_grant(&state.db, id, &client, req).await?))
}

/// Remove every grant of a client on an API.
#[utoipa::path(delete, path = "/api/apis/{id}/clients/{clientId}", tag = "APIs",
    params(("id" = String, Path, description = "API id"), ("clientId" = String, Path, description = "Client id")),
    responses((status = 204), (status = 401, body = ApiError), (status = 403, body = ApiError),
              (status = 404, body = ApiError)))]
pub async fn delete_api_client_grant(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    Path((id, client)): Path<(Uuid, ClientId)>,
) -> Result<StatusCode, AppError> {
    grants::remove_grant(&state.db, id, &client).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// List the APIs a client may reach, with its grant on each (by API name).
#[utoipa::path(get, path = "/api/api-access/{clientId}/apis", tag = "APIs",
    params(("clientId" = String, Path, description = "Client id")),
    responses((status = 200, body = Vec<ClientApiGrantDto>), (status = 401, body = ApiError),
              (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn list_client_apis(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    Path(client): Path<ClientId>,
) -> Result<Json<Vec<ClientApiGrantDto>>, AppError> {
    Ok(Json(grants::client_apis(&state.db, &client).await?))
}

/// List the APIs a client has no grant on yet (paginated, as the API list).
#[utoipa::path(get, path = "/api/api-access/{clientId}/assignable-apis", tag = "APIs",
    params(("clientId" = String, Path, description = "Client id"), crate::list::ListQueryDoc),
    responses((status = 200, body = ApiListResponse), (status = 400, body = ApiError), (status = 401, body = ApiError),
              (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn list_client_assignable_apis(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    Path(client): Path<ClientId>,
    params: ListParams,
) -> Result<Json<ApiListResponse>, AppError> {
    Ok(Json(
        grants::assignable_apis(&state.db, &client, &params).await?,
    ))
}
