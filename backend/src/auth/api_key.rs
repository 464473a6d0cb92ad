//! `X-API-Key` authentication: a key acts as its owner. Keys are 32 random letters and digits,
//! stored as SHA-256 hex (`api_keys.key`), so the lookup is one indexed equality on the hash.
//! `STATIC_API_KEY` (if set) authenticates as a synthetic administrator created on first use.

use crate::crypto::{hash_token, random_from};
use crate::db::entities::{api_keys, users};
use crate::error::AppError;
use crate::state::AppState;
use axum::http::HeaderValue;
use chrono::{DateTime, Duration, Utc};
use pocket_shared::ErrorCode;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The request header carrying an API key (`X-API-Key`; header names are case-insensitive).
pub const HEADER: &str = "x-api-key";

/// The synthetic user behind `STATIC_API_KEY` (reference 6.1); it does not count as "set up".
pub const STATIC_API_USER_ID: Uuid = Uuid::nil();

/// `last_used_at` is written at most this often per key: a busy automation would otherwise turn
/// every read into a write.
pub const TOUCH_INTERVAL: Duration = Duration::minutes(1);

const ALPHANUMERIC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const LOWER_ALPHANUMERIC: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

/// A new key token: 32 characters of `A-Z a-z 0-9` (about 190 bits).
pub fn generate_token() -> String {
    random_from(ALPHANUMERIC, pocket_shared::api_key::rules::TOKEN_LEN)
}

fn invalid_key() -> AppError {
    AppError::unauthorized(ErrorCode::InvalidApiKey, "Invalid API key")
}

fn expired_key() -> AppError {
    AppError::unauthorized(ErrorCode::ApiKeyExpired, "API key has expired")
}

/// Equality of two secrets in time independent of where they differ (both are hashed first, so
/// the comparison also does not depend on their lengths).
fn secrets_equal(a: &str, b: &str) -> bool {
    let (a, b) = (Sha256::digest(a.as_bytes()), Sha256::digest(b.as_bytes()));
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

/// The owner of the key in `header`, or 401 (`invalid_api_key`, `api_key_expired`) or 403
/// (`user_disabled`). A present header is always decided here: callers never fall back to the
/// session cookie, so a bad key cannot ride on a browser session.
pub async fn authenticate(
    state: &AppState,
    header: &HeaderValue,
) -> Result<users::Model, AppError> {
    let token = header.to_str().map_err(|_| invalid_key())?.trim();
    if token.is_empty() {
        return Err(invalid_key());
    }
    let now = state.clock.now();
    if let Some(static_key) = &state.config.static_api_key
        && secrets_equal(static_key.expose(), token)
    {
        let user = static_user(&state.db, now).await?;
        return if user.disabled {
            Err(super::user_disabled())
        } else {
            Ok(user)
        };
    }
    let (key, owner) = api_keys::Entity::find()
        .filter(api_keys::Column::Key.eq(hash_token(token)))
        .find_also_related(users::Entity)
        .one(&state.db)
        .await?
        .ok_or_else(invalid_key)?;
    if key.expires_at <= now {
        return Err(expired_key());
    }
    let owner = owner.ok_or_else(invalid_key)?;
    if owner.disabled {
        return Err(super::user_disabled());
    }
    if key.last_used_at.is_none_or(|t| t <= now - TOUCH_INTERVAL) {
        // Bookkeeping only: a failed write must not fail the request.
        if let Err(e) = touch(&state.db, key.id, now).await {
            tracing::warn!(error = %e, "could not record API key use");
        }
    }
    Ok(owner)
}

/// Sets `last_used_at` unless another request (or instance) did within [`TOUCH_INTERVAL`].
async fn touch(db: &impl ConnectionTrait, id: Uuid, now: DateTime<Utc>) -> Result<(), DbErr> {
    api_keys::Entity::update_many()
        .col_expr(api_keys::Column::LastUsedAt, Expr::value(now))
        .filter(api_keys::Column::Id.eq(id))
        .filter(
            Condition::any()
                .add(api_keys::Column::LastUsedAt.is_null())
                .add(api_keys::Column::LastUsedAt.lte(now - TOUCH_INTERVAL)),
        )
        .exec(db)
        .await
        .map(|_| ())
}

/// The static API user, created on first use (concurrent first requests insert at most once:
/// the fixed id makes the second insert a no-op).
pub async fn static_user(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<users::Model, AppError> {
    if let Some(user) = users::Entity::find_by_id(STATIC_API_USER_ID)
        .one(db)
        .await?
    {
        return Ok(user);
    }
    let user = users::ActiveModel {
        id: Set(STATIC_API_USER_ID),
        created_at: Set(now),
        updated_at: Set(Some(now)),
        username: Set(format!(
            "static-api-user-{}",
            random_from(LOWER_ALPHANUMERIC, 6)
        )),
        email: Set(None),
        first_name: Set("Static API".into()),
        last_name: Set("User".into()),
        display_name: Set("Static API User".into()),
        is_admin: Set(true),
        ldap_id: Set(None),
        locale: Set(None),
        disabled: Set(false),
        email_verified: Set(false),
    };
    users::Entity::insert(user)
        .on_conflict(
            OnConflict::column(users::Column::Id)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    users::Entity::find_by_id(STATIC_API_USER_ID)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal(DbErr::RecordNotFound("static API user".into())))
}

/// At startup: without `STATIC_API_KEY` the synthetic user (and, by cascade, anything it owned)
/// is removed, so a key that was unset stops existing in every form.
pub async fn remove_unused_static_user(
    db: &impl ConnectionTrait,
    config: &crate::config::Config,
) -> Result<(), DbErr> {
    if config.static_api_key.is_none() {
        users::Entity::delete_by_id(STATIC_API_USER_ID)
            .exec(db)
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_32_alphanumerics() {
        let a = generate_token();
        assert_eq!(a.len(), 32);
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(a, generate_token());
    }

    #[test]
    fn secret_comparison() {
        assert!(secrets_equal(
            "static-key-0123456789",
            "static-key-0123456789"
        ));
        assert!(!secrets_equal(
            "static-key-0123456789",
            "static-key-0123456788"
        ));
        assert!(!secrets_equal("static-key-0123456789", "static-key"));
    }
}
