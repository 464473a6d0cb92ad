//! Rules for users: the API view, self-service profile updates, uniqueness.

use super::repo;
use crate::db::entities::users;
use crate::error::AppError;
use chrono::{DateTime, Utc};
use pocket_shared::user::{CustomClaimDto, UserDto, UserGroupSummaryDto, UserUpdateRequest, rules};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};

/// The user, or 404 `not_found` (resource `User`).
pub async fn get(db: &impl ConnectionTrait, id: uuid::Uuid) -> Result<users::Model, AppError> {
    repo::find(db, id).await?.ok_or(AppError::NotFound("User"))
}

/// The API view of `user`, with groups and custom claims.
pub async fn to_dto(db: &impl ConnectionTrait, user: users::Model) -> Result<UserDto, DbErr> {
    let groups = repo::find_groups(db, user.id).await?;
    let claims = repo::find_claims(db, user.id).await?;
    Ok(dto(user, groups, claims))
}

/// The API view of these users (two queries for all their groups and claims).
pub async fn to_dtos(
    db: &impl ConnectionTrait,
    users: Vec<users::Model>,
) -> Result<Vec<UserDto>, DbErr> {
    let ids: Vec<uuid::Uuid> = users.iter().map(|u| u.id).collect();
    let mut groups = repo::find_groups_of(db, &ids).await?;
    let mut claims = repo::find_claims_of(db, &ids).await?;
    Ok(users
        .into_iter()
        .map(|u| {
            let g = groups.remove(&u.id).unwrap_or_default();
            let c = claims.remove(&u.id).unwrap_or_default();
            dto(u, g, c)
        })
        .collect())
}

fn dto(
    user: users::Model,
    groups: Vec<crate::db::entities::user_groups::Model>,
    claims: Vec<crate::db::entities::custom_claims::Model>,
) -> UserDto {
    UserDto {
        id: user.id.to_string(),
        username: user.username,
        email: user.email,
        email_verified: user.email_verified,
        first_name: user.first_name,
        last_name: user.last_name,
        display_name: user.display_name,
        is_admin: user.is_admin,
        locale: user.locale,
        disabled: user.disabled,
        ldap_id: user.ldap_id,
        custom_claims: claims
            .into_iter()
            .map(|c| CustomClaimDto {
                key: c.key,
                value: c.value,
            })
            .collect(),
        user_groups: groups
            .into_iter()
            .map(|g| UserGroupSummaryDto {
                id: g.id.to_string(),
                friendly_name: g.friendly_name,
                name: g.name,
            })
            .collect(),
    }
}

/// Trims strings and applies "empty email means none" and the default display name.
pub fn normalize(req: &mut UserUpdateRequest) {
    req.username = req.username.trim().to_owned();
    req.first_name = req.first_name.trim().to_owned();
    req.last_name = req.last_name.trim().to_owned();
    req.display_name = req.display_name.trim().to_owned();
    req.email = req
        .email
        .take()
        .map(|e| e.trim().to_owned())
        .filter(|e| !e.is_empty());
    if req.display_name.is_empty() {
        req.display_name = format!("{} {}", req.first_name, req.last_name)
            .trim()
            .to_owned();
    }
}

/// Field errors for a (normalized) profile (the rules the SPA applies too).
pub fn validate(req: &UserUpdateRequest, require_email: bool) -> Result<(), AppError> {
    let fields = rules::ProfileFields {
        username: &req.username,
        email: req.email.as_deref(),
        first_name: &req.first_name,
        last_name: &req.last_name,
        display_name: Some(&req.display_name),
    };
    let errors = rules::profile_errors(&fields, require_email);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

/// Refuses a username or email another user already has.
pub async fn ensure_unique(
    db: &impl ConnectionTrait,
    username: &str,
    email: Option<&str>,
    except: Option<uuid::Uuid>,
) -> Result<(), AppError> {
    if repo::find_by_username(db, username)
        .await?
        .is_some_and(|u| Some(u.id) != except)
    {
        return Err(AppError::AlreadyInUse("username"));
    }
    if let Some(email) = email
        && repo::find_by_email(db, email)
            .await?
            .is_some_and(|u| Some(u.id) != except)
    {
        return Err(AppError::AlreadyInUse("email"));
    }
    Ok(())
}

/// Maps a unique-constraint violation that slipped past [`ensure_unique`] (a concurrent
/// request) to `already_in_use`.
pub fn map_unique(e: DbErr) -> AppError {
    // SQLite names the column (`users.email`), PostgreSQL the index (`users_pkey`, ...).
    AppError::in_use_by(e, |msg| {
        if msg.contains("email") {
            "email"
        } else if msg.contains("ldap_id") {
            "ldapId"
        } else if msg.contains("users.id") || msg.contains("pkey") {
            "id"
        } else {
            "username"
        }
    })
}

/// Saves the user's own profile. With `allow_edit` false (app config `allowOwnAccountEdit`)
/// only the locale changes, as in Pocket ID. A changed email resets its verification to the
/// app default.
pub async fn update_own_profile(
    db: &impl ConnectionTrait,
    user: users::Model,
    mut req: UserUpdateRequest,
    allow_edit: bool,
    require_email: bool,
    emails_verified_default: bool,
    now: DateTime<Utc>,
) -> Result<users::Model, AppError> {
    let locale = req
        .locale
        .clone()
        .map(|l| l.trim().to_owned())
        .filter(|l| !l.is_empty());
    let mut active: users::ActiveModel = user.clone().into();
    if allow_edit && user.ldap_id.is_none() {
        normalize(&mut req);
        validate(&req, require_email)?;
        ensure_unique(db, &req.username, req.email.as_deref(), Some(user.id)).await?;
        if req.email != user.email {
            active.email_verified = Set(emails_verified_default);
        }
        active.username = Set(req.username);
        active.email = Set(req.email);
        active.first_name = Set(req.first_name);
        active.last_name = Set(req.last_name);
        active.display_name = Set(req.display_name);
    }
    active.locale = Set(locale);
    active.updated_at = Set(Some(now));
    active.update(db).await.map_err(map_unique)
}
