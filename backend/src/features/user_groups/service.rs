//! Rules for user groups: unique names, members, allowed clients, and LDAP groups being
//! read-only while LDAP is enabled.

use super::repo::{self, SortColumn};
use crate::db::entities::user_groups::{ActiveModel, Model};
use crate::error::{AppError, unknown_entries, validated};
use crate::features::custom_claims::repo::{self as claims_repo, Owner};
use crate::features::custom_claims::service::to_dtos as claim_dtos;
use crate::features::oidc::clients::service::meta_dto;
use crate::features::users::admin_service::parse_uuids;
use crate::features::users::service as users;
use crate::list::ListParams;
use chrono::{DateTime, SecondsFormat, Utc};
use pocket_shared::ErrorCode;
use pocket_shared::user_group::{
    UserGroupCreateRequest, UserGroupDto, UserGroupListResponse,
    UserGroupUpdateAllowedOidcClientsRequest, UserGroupUpdateUsersRequest,
    UserGroupWithUserCountDto, UserGroupWithUsersDto, rules,
};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set, TransactionSession, TransactionTrait};
use uuid::Uuid;

fn not_found() -> AppError {
    AppError::NotFound("User group")
}

fn ldap_group_read_only() -> AppError {
    AppError::refused(
        ErrorCode::LdapUserGroupUpdate,
        "LDAP user groups can't be updated",
    )
}

/// The API view of a group with its custom claims.
pub fn to_dto(g: Model, claims: Vec<crate::db::entities::custom_claims::Model>) -> UserGroupDto {
    UserGroupDto {
        id: g.id.to_string(),
        friendly_name: g.friendly_name,
        name: g.name,
        custom_claims: claim_dtos(claims),
        ldap_id: g.ldap_id,
        created_at: g.created_at.to_rfc3339_opts(SecondsFormat::Secs, true),
    }
}

/// These groups as the API shows them, with their custom claims (one query for all claims).
pub async fn to_dtos(
    db: &impl ConnectionTrait,
    groups: Vec<Model>,
) -> Result<Vec<UserGroupDto>, AppError> {
    let mut claims =
        claims_repo::find_for_groups(db, groups.iter().map(|g| g.id).collect()).await?;
    Ok(groups
        .into_iter()
        .map(|g| {
            let c = claims.remove(&g.id).unwrap_or_default();
            to_dto(g, c)
        })
        .collect())
}

/// The group, or 404.
pub async fn get(db: &impl ConnectionTrait, id: Uuid) -> Result<Model, AppError> {
    repo::find(db, id).await?.ok_or_else(not_found)
}

/// The group with members, claims and allowed clients.
pub async fn with_users(
    db: &impl ConnectionTrait,
    g: Model,
) -> Result<UserGroupWithUsersDto, AppError> {
    let members = repo::find_members(db, g.id).await?;
    let clients = repo::find_allowed_clients(db, g.id).await?;
    let claims = claims_repo::find(db, Owner::Group(g.id)).await?;
    Ok(UserGroupWithUsersDto {
        group: to_dto(g, claims),
        users: users::to_dtos(db, members).await?,
        allowed_oidc_clients: clients.iter().map(meta_dto).collect(),
    })
}

/// One page of groups with their member counts; `search` matches name or friendly name.
pub async fn list(
    db: &impl ConnectionTrait,
    p: &ListParams,
) -> Result<UserGroupListResponse, AppError> {
    let sort = p.sort(
        &[
            ("friendlyName", SortColumn::FriendlyName),
            ("name", SortColumn::Name),
            ("createdAt", SortColumn::CreatedAt),
            ("userCount", SortColumn::UserCount),
        ],
        SortColumn::FriendlyName,
    )?;
    let search = p.search.as_deref();
    let total = repo::count_matching(db, search).await?;
    let (pagination, slice) = p.slice(total, sort);
    let groups = repo::find_page(db, search, slice).await?;
    let counts = repo::count_users(db, groups.iter().map(|g| g.id).collect()).await?;
    let ids: Vec<Uuid> = groups.iter().map(|g| g.id).collect();
    let data = to_dtos(db, groups)
        .await?
        .into_iter()
        .zip(ids)
        .map(|(group, id)| UserGroupWithUserCountDto {
            group,
            user_count: counts.get(&id).copied().unwrap_or(0),
        })
        .collect();
    Ok(UserGroupListResponse { data, pagination })
}

async fn ensure_name_free(
    db: &impl ConnectionTrait,
    name: &str,
    except: Option<Uuid>,
) -> Result<(), AppError> {
    if repo::find_by_name(db, name)
        .await?
        .is_some_and(|g| Some(g.id) != except)
    {
        return Err(AppError::AlreadyInUse("name"));
    }
    Ok(())
}

/// A concurrent request took the name first.
fn map_unique(e: sea_orm::DbErr) -> AppError {
    AppError::in_use("name")(e)
}

/// Creates a group (2–50 character friendly name, unique 2–255 character name).
pub async fn create(
    db: &impl ConnectionTrait,
    req: UserGroupCreateRequest,
    now: DateTime<Utc>,
) -> Result<Model, AppError> {
    let req = req.normalized();
    validated(rules::group_errors(&req))?;
    ensure_name_free(db, &req.name, None).await?;
    ActiveModel {
        id: Set(Uuid::new_v4()),
        created_at: Set(now),
        friendly_name: Set(req.friendly_name),
        name: Set(req.name),
        ldap_id: Set(None),
        updated_at: Set(Some(now)),
    }
    .insert(db)
    .await
    .map_err(map_unique)
}

/// Renames a group (refused for LDAP groups while LDAP is enabled).
pub async fn update(
    db: &impl ConnectionTrait,
    id: Uuid,
    req: UserGroupCreateRequest,
    ldap_enabled: bool,
    now: DateTime<Utc>,
) -> Result<Model, AppError> {
    let req = req.normalized();
    validated(rules::group_errors(&req))?;
    let group = get(db, id).await?;
    if ldap_enabled && group.ldap_id.is_some() {
        return Err(ldap_group_read_only());
    }
    ensure_name_free(db, &req.name, Some(id)).await?;
    let mut active: ActiveModel = group.into();
    active.friendly_name = Set(req.friendly_name);
    active.name = Set(req.name);
    active.updated_at = Set(Some(now));
    active.update(db).await.map_err(map_unique)
}

/// Deletes a group (refused for LDAP groups while LDAP is enabled).
pub async fn delete(
    db: &impl ConnectionTrait,
    id: Uuid,
    ldap_enabled: bool,
) -> Result<(), AppError> {
    let group = get(db, id).await?;
    if ldap_enabled && group.ldap_id.is_some() {
        return Err(ldap_group_read_only());
    }
    repo::delete(db, id).await?;
    Ok(())
}

/// Makes exactly these users the group's members and touches the group. Unknown ids are refused
/// (Pocket ID skips them silently, which hides typos in API scripts).
pub async fn set_members<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    id: Uuid,
    req: &UserGroupUpdateUsersRequest,
    now: DateTime<Utc>,
) -> Result<Model, AppError> {
    let ids = parse_uuids("userIds", &req.user_ids)?;
    let txn = db.begin().await?;
    let group = get(&txn, id).await?;
    let known = repo::find_existing_users(&txn, ids.clone()).await?;
    validated(unknown_entries("userIds", &ids, &known, "user"))?;
    repo::replace_members(&txn, id, &ids.into_iter().collect()).await?;
    repo::touch(&txn, id, now).await?;
    txn.commit().await?;
    Ok(group)
}

/// Makes exactly these clients the ones the group may use (when they are group-restricted).
pub async fn set_allowed_clients<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    id: Uuid,
    req: &UserGroupUpdateAllowedOidcClientsRequest,
) -> Result<Model, AppError> {
    let ids: Vec<String> = req
        .oidc_client_ids
        .iter()
        .map(|c| c.trim().to_owned())
        .collect();
    let txn = db.begin().await?;
    let group = get(&txn, id).await?;
    let known = repo::find_existing_clients(&txn, ids.clone()).await?;
    validated(unknown_entries(
        "oidcClientIds",
        &ids,
        &known,
        "OIDC client",
    ))?;
    repo::replace_allowed_clients(&txn, id, &ids.into_iter().collect()).await?;
    txn.commit().await?;
    Ok(group)
}
