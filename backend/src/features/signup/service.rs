//! Creating accounts without an administrator: the first administrator (setup) and
//! self-signup (`allowUserSignups`: open, or with a signup token).
//!
//! Setup: "exactly one" holds under concurrent requests because the check and the insert run in
//! one transaction that first takes the users table's write lock. Signup: the token use, the
//! user, its groups and the audit entry are one transaction, so a failed signup gives the use
//! back and a token never creates more accounts than its limit.

use super::repo;
use crate::auth::api_key::STATIC_API_USER_ID;
use crate::crypto::hash_token;
use crate::db::entities::users;
use crate::error::AppError;
use crate::features::audit_log::geo::Geo;
use crate::features::audit_log::service::{AuditEvent, Origin, record};
use crate::features::users::create::{NewUser, UserDefaults, create_user};
use crate::features::users::service::{map_unique, normalize, validate};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use pocket_shared::signup::SignupMode;
use pocket_shared::user::AdminUserUpdateRequest;
use pocket_shared::{ErrorCode, SignUpRequest, UserUpdateRequest};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, PaginatorTrait,
    QueryFilter, Set, TransactionSession, TransactionTrait,
};
use std::collections::BTreeMap;
use uuid::Uuid;

/// True while no real user exists (the synthetic `STATIC_API_KEY` user does not count).
pub async fn setup_available(db: &impl ConnectionTrait) -> Result<bool, AppError> {
    Ok(users::Entity::find()
        .filter(users::Column::Id.ne(STATIC_API_USER_ID))
        .count(db)
        .await?
        == 0)
}

/// Creates the first (admin) user, or 409 `setup_already_completed`.
pub async fn create_first_admin<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    req: SignUpRequest,
    require_email: bool,
    emails_verified: bool,
    now: DateTime<Utc>,
) -> Result<users::Model, AppError> {
    let mut profile = UserUpdateRequest {
        username: req.username,
        email: req.email,
        first_name: req.first_name,
        last_name: req.last_name,
        display_name: String::new(),
        locale: None,
    };
    normalize(&mut profile);
    validate(&profile, require_email)?;

    let tx = db.begin().await?;
    match tx.get_database_backend() {
        // Blocks a concurrent setup until this transaction ends; it then sees this user.
        DbBackend::Postgres => {
            tx.execute_unprepared("LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE")
                .await?;
        }
        // A write as the first statement makes SQLite take the database's write lock now
        // (a deferred transaction would read first and fail to upgrade under contention).
        _ => {
            tx.execute_unprepared("UPDATE users SET id = id WHERE 0")
                .await?;
        }
    }
    if !setup_available(&tx).await? {
        return Err(AppError::conflict(
            ErrorCode::SetupAlreadyCompleted,
            "Initial setup has already been completed",
        ));
    }
    let user = users::ActiveModel {
        id: Set(Uuid::new_v4()),
        created_at: Set(now),
        updated_at: Set(Some(now)),
        username: Set(profile.username),
        email: Set(profile.email),
        first_name: Set(profile.first_name),
        last_name: Set(profile.last_name),
        display_name: Set(profile.display_name),
        is_admin: Set(true),
        email_verified: Set(emails_verified),
        ..Default::default()
    }
    .insert(&tx)
    .await
    .map_err(map_unique)?;
    tx.commit().await?;
    Ok(user)
}

/// Signs up a new user (not an administrator) under the configured `mode`:
/// - without a token only in `open` mode (else 403 `open_signup_disabled`);
/// - with a token in `open` and `withToken` mode; the token must be live with uses left (else
///   400 `token_invalid_or_expired`). In `disabled` mode nothing is accepted (403
///   `signup_disabled`), tokens included.
///
/// The user is made by the users feature's one create path (profile rules, uniqueness, default
/// custom claims); it joins the token's groups, else the default signup groups.
/// `ACCOUNT_CREATED` is recorded with `signupToken` (the token's id) or `method=open_signup`.
pub async fn sign_up<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    req: SignUpRequest,
    mode: SignupMode,
    defaults: &UserDefaults,
    (geo, origin): (&Geo, &Origin),
    now: DateTime<Utc>,
) -> Result<users::Model, AppError> {
    let token = req
        .token
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned);
    match (mode, &token) {
        (SignupMode::Disabled, Some(_)) => {
            return Err(AppError::coded(
                StatusCode::FORBIDDEN,
                ErrorCode::SignupDisabled,
                "Signups are disabled",
            ));
        }
        (SignupMode::Disabled | SignupMode::WithToken, None) => {
            return Err(AppError::coded(
                StatusCode::FORBIDDEN,
                ErrorCode::OpenSignupDisabled,
                "Open signup is disabled; a signup token is required",
            ));
        }
        _ => {}
    }
    let profile = AdminUserUpdateRequest {
        username: req.username,
        email: req.email,
        first_name: req.first_name,
        last_name: req.last_name,
        ..Default::default()
    }
    .normalized();
    // Refused before the token is touched (the create path checks again inside).
    validate_profile(&profile, defaults.require_user_email)?;

    let tx = db.begin().await?;
    let (group_ids, data) = match token {
        Some(token) => {
            let row = repo::consume(&tx, &hash_token(&token), now)
                .await?
                .ok_or_else(|| {
                    AppError::coded(
                        StatusCode::BAD_REQUEST,
                        ErrorCode::TokenInvalidOrExpired,
                        "Signup token is invalid or expired",
                    )
                })?;
            let groups = repo::group_ids(&tx, row.id).await?;
            (
                groups,
                BTreeMap::from([("signupToken", row.id.to_string())]),
            )
        }
        None => (
            Vec::new(),
            BTreeMap::from([("method", "open_signup".to_owned())]),
        ),
    };
    // Empty groups mean the default signup groups.
    let new = NewUser {
        id: None,
        user: profile,
        group_ids,
        ldap_id: None,
    };
    // Any failure from here on drops the transaction: the token use is given back.
    let user = create_user(&tx, new, defaults, now).await?;
    record(
        &tx,
        geo,
        AuditEvent::AccountCreated,
        user.id,
        origin,
        data,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(user)
}

fn validate_profile(profile: &AdminUserUpdateRequest, require_email: bool) -> Result<(), AppError> {
    let errors = pocket_shared::user::rules::profile_errors(&profile.profile(), require_email);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}
