//! Rules of the API administration: validation, the API views, create/rename/delete, the
//! permission set and the (stored-only) CIMD opt-in. Client grants live in [`super::grants`].

use super::repo::{self, ListFilter, SortColumn};
use crate::db::entities::{api_permissions, apis};
use crate::error::{AppError, validated};
use crate::list::ListParams;
use chrono::{DateTime, Utc};
use pocket_shared::FieldError;
use pocket_shared::api_resource::{
    ApiCimdAccessUpdateRequest, ApiCreateRequest, ApiDto, ApiListResponse, ApiPermissionDto,
    ApiPermissionsUpdateRequest, ApiUpdateRequest, rules,
};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DbErr, Set, TransactionSession, TransactionTrait,
};
use std::collections::{BTreeSet, HashMap};
use uuid::Uuid;

pub(super) fn not_found() -> AppError {
    AppError::NotFound("API")
}

/// The API, or 404.
pub async fn get(db: &impl ConnectionTrait, id: Uuid) -> Result<apis::Model, AppError> {
    repo::find(db, id).await?.ok_or_else(not_found)
}

fn permission_dto(p: &api_permissions::Model) -> ApiPermissionDto {
    ApiPermissionDto {
        id: p.id.to_string(),
        key: p.key.clone(),
        name: p.name.clone(),
        description: p.description.clone(),
        allowed_for_cimd_clients: p.allowed_for_cimd_clients,
    }
}

fn to_dto(a: &apis::Model, permissions: &[&api_permissions::Model]) -> ApiDto {
    ApiDto {
        id: a.id.to_string(),
        name: a.name.clone(),
        resource: a.audience.clone(),
        created_at: a.created_at.to_rfc3339(),
        permissions: permissions.iter().map(|p| permission_dto(p)).collect(),
        allow_cimd_clients: a.allow_cimd_clients,
    }
}

/// The views of `list` with their permissions (one query for all of them).
pub async fn dtos(db: &impl ConnectionTrait, list: &[apis::Model]) -> Result<Vec<ApiDto>, DbErr> {
    let perms = repo::find_permissions(db, list.iter().map(|a| a.id).collect()).await?;
    let mut by_api: HashMap<Uuid, Vec<&api_permissions::Model>> = HashMap::new();
    for p in &perms {
        by_api.entry(p.api_id).or_default().push(p);
    }
    Ok(list
        .iter()
        .map(|a| to_dto(a, by_api.get(&a.id).map(Vec::as_slice).unwrap_or_default()))
        .collect())
}

/// The view of one API.
pub async fn dto(db: &impl ConnectionTrait, a: &apis::Model) -> Result<ApiDto, DbErr> {
    let mut v = dtos(db, std::slice::from_ref(a)).await?;
    v.pop().ok_or_else(|| DbErr::RecordNotFound("API".into()))
}

/// Sort columns of the API lists.
const SORT_COLUMNS: &[(&str, SortColumn)] = &[
    ("name", SortColumn::Name),
    ("resource", SortColumn::Resource),
    ("createdAt", SortColumn::CreatedAt),
];

/// One page of APIs matching `filter` (search from `params`).
pub async fn list_filtered(
    db: &impl ConnectionTrait,
    params: &ListParams,
    mut filter: ListFilter,
) -> Result<ApiListResponse, AppError> {
    let sort = params.sort(SORT_COLUMNS, SortColumn::Name)?;
    filter.search = params.search.clone();
    let total = repo::count(db, &filter).await?;
    let (pagination, slice) = params.slice(total, sort);
    let page = repo::find_page(db, &filter, slice).await?;
    Ok(ApiListResponse {
        data: dtos(db, &page).await?,
        pagination,
    })
}

/// One page of all APIs.
pub async fn list(
    db: &impl ConnectionTrait,
    params: &ListParams,
) -> Result<ApiListResponse, AppError> {
    list_filtered(db, params, ListFilter::default()).await
}

/// Registers an API. The resource loses its trailing `/`, must not be our issuer and must be
/// unused.
pub async fn create(
    db: &impl ConnectionTrait,
    req: ApiCreateRequest,
    issuer: &str,
    now: DateTime<Utc>,
) -> Result<apis::Model, AppError> {
    let req = ApiCreateRequest {
        name: req.name.trim().to_owned(),
        resource: rules::normalize_resource(&req.resource),
    };
    validated(rules::create_errors(&req))?;
    if rules::is_issuer(&req.resource, issuer) {
        return Err(AppError::field(
            "resource",
            "reserved",
            "is this server's own URL and cannot be used for an API",
        ));
    }
    if repo::find_by_audience(db, &req.resource).await?.is_some() {
        return Err(AppError::AlreadyInUse("resource"));
    }
    apis::ActiveModel {
        id: Set(Uuid::new_v4()),
        created_at: Set(now),
        updated_at: Set(None),
        name: Set(req.name),
        audience: Set(req.resource),
        allow_cimd_clients: Set(false),
    }
    .insert(db)
    .await
    // A concurrent create with the same resource won the race.
    .map_err(AppError::in_use("resource"))
}

/// Renames an API (the resource never changes: issued tokens name it).
pub async fn update(
    db: &impl ConnectionTrait,
    id: Uuid,
    req: ApiUpdateRequest,
    now: DateTime<Utc>,
) -> Result<apis::Model, AppError> {
    let name = req.name.trim().to_owned();
    if let Err(v) = rules::name(&name) {
        return Err(AppError::field("name", v.code, &v.message));
    }
    let api = get(db, id).await?;
    let mut active: apis::ActiveModel = api.into();
    active.name = Set(name);
    active.updated_at = Set(Some(now));
    Ok(active.update(db).await?)
}

/// Deletes an API with its permissions and every client grant on it.
pub async fn delete(db: &impl ConnectionTrait, id: Uuid) -> Result<(), AppError> {
    match repo::delete(db, id).await? {
        0 => Err(not_found()),
        _ => Ok(()),
    }
}

/// Replaces the permission set, matched by key: kept keys keep their id and grants (name and
/// description change), missing keys are deleted with their grants, new keys are added.
pub async fn set_permissions(
    db: &impl TransactionTrait,
    id: Uuid,
    req: ApiPermissionsUpdateRequest,
    now: DateTime<Utc>,
) -> Result<apis::Model, AppError> {
    let mut req = req;
    for p in &mut req.permissions {
        p.key = p.key.trim().to_owned();
        p.name = p.name.trim().to_owned();
        p.description = p
            .description
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(str::to_owned);
    }
    validated(rules::permissions_errors(&req))?;
    let txn = db.begin().await?;
    if !repo::touch(&txn, id, now).await? {
        return Err(not_found());
    }
    let existing = repo::find_permissions(&txn, vec![id]).await?;
    let wanted: HashMap<&str, _> = req
        .permissions
        .iter()
        .map(|p| (p.key.as_str(), p))
        .collect();
    let removed: Vec<Uuid> = existing
        .iter()
        .filter(|p| !wanted.contains_key(p.key.as_str()))
        .map(|p| p.id)
        .collect();
    repo::delete_permissions(&txn, removed).await?;
    let mut new = Vec::new();
    for p in &req.permissions {
        match existing.iter().find(|e| e.key == p.key) {
            Some(e) => {
                repo::update_permission(&txn, e.id, &p.name, p.description.as_deref()).await?
            }
            None => new.push(api_permissions::ActiveModel {
                id: Set(Uuid::new_v4()),
                created_at: Set(now),
                api_id: Set(id),
                key: Set(p.key.clone()),
                name: Set(p.name.clone()),
                description: Set(p.description.clone()),
                allowed_for_cimd_clients: Set(false),
            }),
        }
    }
    repo::insert_permissions(&txn, new).await?;
    let api = get(&txn, id).await?;
    txn.commit().await?;
    Ok(api)
}

/// Permission ids of a request, each a permission of `known` (the API's permissions); the
/// failures name `field[i]`. Unknown ids are refused (Pocket ID drops them silently, which
/// hides typos in API scripts).
pub(super) fn permission_ids(
    field: &str,
    raw: &[String],
    known: &[api_permissions::Model],
) -> Result<Vec<Uuid>, Vec<FieldError>> {
    let mut ids = BTreeSet::new();
    let mut errors = Vec::new();
    for (i, r) in raw.iter().enumerate() {
        let err = |code: &str, message: &str| FieldError {
            field: format!("{field}[{i}]"),
            code: code.into(),
            message: message.into(),
        };
        match Uuid::parse_str(r.trim()) {
            Ok(u) if known.iter().any(|p| p.id == u) => {
                ids.insert(u);
            }
            Ok(_) => errors.push(err("not_found", "is not a permission of this API")),
            Err(_) => errors.push(err("invalid_format", "must be a valid UUID")),
        }
    }
    if errors.is_empty() {
        Ok(ids.into_iter().collect())
    } else {
        Err(errors)
    }
}

/// Stores whether metadata-document (CIMD) clients may reach the API and which permissions
/// they get; the selection is kept while the opt-in is off. Stored only: this server has no
/// CIMD clients yet, so nothing reads it.
pub async fn set_cimd_access(
    db: &impl TransactionTrait,
    id: Uuid,
    req: ApiCimdAccessUpdateRequest,
    now: DateTime<Utc>,
) -> Result<apis::Model, AppError> {
    let txn = db.begin().await?;
    if !repo::touch(&txn, id, now).await? {
        return Err(not_found());
    }
    let known = repo::find_permissions(&txn, vec![id]).await?;
    let selected = permission_ids("permissionIds", &req.permission_ids, &known)
        .map_err(AppError::Validation)?;
    repo::set_cimd_permissions(&txn, id, selected).await?;
    repo::set_allow_cimd(&txn, id, req.enabled).await?;
    let api = get(&txn, id).await?;
    txn.commit().await?;
    Ok(api)
}
