//! The first administrator. "Exactly one" holds under concurrent requests because the check and
//! the insert run in one transaction that first takes the users table's write lock.

use crate::db::entities::users;
use crate::error::AppError;
use crate::features::users::service::{map_unique, normalize, validate};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use pocket_shared::{ErrorCode, SignUpRequest, UserUpdateRequest};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, PaginatorTrait,
    QueryFilter, Set, TransactionSession, TransactionTrait,
};
use uuid::Uuid;

/// The synthetic user behind `STATIC_API_KEY`; it does not count as "set up".
pub const STATIC_API_USER_ID: Uuid = Uuid::nil();

/// True while no real user exists.
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
        return Err(AppError::Coded {
            status: StatusCode::CONFLICT,
            code: ErrorCode::SetupAlreadyCompleted,
            message: "Initial setup has already been completed".into(),
        });
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
