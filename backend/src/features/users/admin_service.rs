//! What administrators do to users: list, create, edit (flags included), delete, group
//! membership. LDAP-managed users are read-only here while LDAP is enabled (only the locale
//! changes), as in Pocket ID.

use super::create::{NewUser, UserDefaults, create_user};
use super::repo::{self, ListFilter, SortColumn};
use super::service::{ensure_unique, map_unique};
use crate::db::entities::users;
use crate::error::{AppError, unknown_entries, validated};
use crate::list::ListParams;
use chrono::{DateTime, Utc};
use pocket_shared::user::{
    AdminUserUpdateRequest, UserCreateRequest, UserListResponse, UserUpdateUserGroupsRequest, rules,
};
use pocket_shared::{ErrorCode, FieldError};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set, TransactionSession, TransactionTrait};
use std::collections::BTreeSet;
use uuid::Uuid;

pub use super::service::get;

/// One page of users. `search` matches email, first name, last name and username; filters
/// `emailVerified`, `isAdmin`, `disabled`.
pub async fn list(db: &impl ConnectionTrait, p: &ListParams) -> Result<UserListResponse, AppError> {
    let sort = p.sort(
        &[
            ("username", SortColumn::Username),
            ("email", SortColumn::Email),
            ("firstName", SortColumn::FirstName),
            ("lastName", SortColumn::LastName),
            ("displayName", SortColumn::DisplayName),
            ("isAdmin", SortColumn::IsAdmin),
            ("emailVerified", SortColumn::EmailVerified),
            ("disabled", SortColumn::Disabled),
            ("locale", SortColumn::Locale),
            ("createdAt", SortColumn::CreatedAt),
        ],
        SortColumn::FirstName,
    )?;
    let filter = ListFilter {
        search: p.search.clone(),
        email_verified: p.bool_filter("emailVerified")?,
        is_admin: p.bool_filter("isAdmin")?,
        disabled: p.bool_filter("disabled")?,
    };
    let total = repo::count_matching(db, &filter).await?;
    let (pagination, slice) = p.slice(total, sort);
    let page = repo::find_page(db, &filter, total, slice).await?;
    Ok(UserListResponse {
        data: super::service::to_dtos(db, page).await?,
        pagination,
    })
}

/// Ids parsed as UUIDs, or field errors named `<field>[i]`.
pub fn parse_uuids(field: &str, raw: &[String]) -> Result<Vec<Uuid>, AppError> {
    let mut ids = Vec::new();
    let mut errors = Vec::new();
    for (i, r) in raw.iter().enumerate() {
        match Uuid::parse_str(r.trim()) {
            Ok(u) => ids.push(u),
            Err(_) => errors.push(FieldError {
                field: format!("{field}[{i}]"),
                code: "invalid_format".into(),
                message: "must be a valid UUID".into(),
            }),
        }
    }
    validated(errors)?;
    Ok(ids)
}

/// Creates a user as an administrator (the shared create path, in one transaction).
pub async fn create<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    req: UserCreateRequest,
    defaults: &UserDefaults,
    now: DateTime<Utc>,
) -> Result<users::Model, AppError> {
    let req = req.normalized();
    validated(rules::admin_user_errors(&req, defaults.require_user_email))?;
    let id = req
        .id
        .as_deref()
        .map(Uuid::parse_str)
        .transpose()
        .map_err(|_| AppError::field("id", "invalid_format", "must be a valid UUID"))?;
    let group_ids = parse_uuids("userGroupIds", req.user_group_ids.as_deref().unwrap_or(&[]))?;
    let txn = db.begin().await?;
    let user = create_user(
        &txn,
        NewUser {
            id,
            user: req.user,
            group_ids,
            ldap_id: None,
        },
        defaults,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(user)
}

/// Saves an administrator's edit of a user. An explicit `emailVerified` wins; without one a
/// changed email takes the `emailsVerified` default.
pub async fn update(
    db: &impl ConnectionTrait,
    id: Uuid,
    req: AdminUserUpdateRequest,
    defaults: &UserDefaults,
    now: DateTime<Utc>,
) -> Result<users::Model, AppError> {
    let user = get(db, id).await?;
    let req = req.normalized();
    let mut active: users::ActiveModel = user.clone().into();
    active.locale = Set(req.locale.clone());
    active.updated_at = Set(Some(now));
    if defaults.ldap_enabled && user.ldap_id.is_some() {
        // LDAP owns everything else; Pocket ID silently keeps it.
        return Ok(active.update(db).await?);
    }
    validated(rules::profile_errors(
        &req.profile(),
        defaults.require_user_email,
    ))?;
    ensure_unique(db, &req.username, req.email.as_deref(), Some(id)).await?;
    let email_verified = match req.email_verified {
        Some(v) => v,
        None if req.email != user.email => defaults.emails_verified,
        None => user.email_verified,
    };
    active.username = Set(req.username);
    active.email = Set(req.email);
    active.email_verified = Set(email_verified);
    active.first_name = Set(req.first_name);
    active.last_name = Set(req.last_name);
    active.display_name = Set(req.display_name);
    if user.is_admin && !user.disabled && (!req.is_admin || req.disabled) {
        ensure_another_admin(db, id).await?;
    }
    active.is_admin = Set(req.is_admin);
    active.disabled = Set(req.disabled);
    let updated = active.update(db).await.map_err(map_unique)?;
    if updated.disabled {
        // Enabling the user again must not bring an old (perhaps copied) cookie back to life.
        crate::features::sessions::service::end_all(db, id, None).await?;
    }
    Ok(updated)
}

/// Refuses (409 `last_admin`) a change that would leave no enabled administrator but `id`:
/// demoting, disabling or deleting the last one would lock everyone out of the admin area.
async fn ensure_another_admin(db: &impl ConnectionTrait, id: Uuid) -> Result<(), AppError> {
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let others = users::Entity::find()
        .filter(users::Column::IsAdmin.eq(true))
        .filter(users::Column::Disabled.eq(false))
        .filter(users::Column::Id.ne(id))
        .count(db)
        .await?;
    if others == 0 {
        return Err(AppError::conflict(
            ErrorCode::LastAdmin,
            "This is the last enabled administrator: promote another user first",
        ));
    }
    Ok(())
}

/// Deletes a user with everything that hangs off them; the deleted row (the caller removes
/// the picture file). An active LDAP user is refused while LDAP is enabled.
pub async fn delete(
    db: &impl ConnectionTrait,
    id: Uuid,
    ldap_enabled: bool,
) -> Result<users::Model, AppError> {
    let user = get(db, id).await?;
    if ldap_enabled && user.ldap_id.is_some() && !user.disabled {
        return Err(AppError::refused(
            ErrorCode::LdapUserUpdate,
            "LDAP users can't be deleted while LDAP is enabled",
        ));
    }
    if user.is_admin && !user.disabled {
        ensure_another_admin(db, id).await?;
    }
    match repo::delete(db, id).await? {
        0 => Err(AppError::NotFound("User")),
        _ => Ok(user),
    }
}

/// Makes exactly these groups the user's groups. Unknown ids are refused as
/// `userGroupIds[i]` (Pocket ID skips them silently, which hides typos in API scripts).
pub async fn set_groups<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    id: Uuid,
    req: &UserUpdateUserGroupsRequest,
    now: DateTime<Utc>,
) -> Result<users::Model, AppError> {
    let ids = parse_uuids("userGroupIds", &req.user_group_ids)?;
    let txn = db.begin().await?;
    let user = get(&txn, id).await?;
    let known = repo::find_existing_groups(&txn, ids.clone()).await?;
    validated(unknown_entries("userGroupIds", &ids, &known, "user group"))?;
    let groups: BTreeSet<Uuid> = ids.into_iter().collect();
    repo::replace_groups(&txn, id, &groups, now).await?;
    txn.commit().await?;
    Ok(user)
}
