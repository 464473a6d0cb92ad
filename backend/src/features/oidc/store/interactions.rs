//! Interactions (`interaction_sessions`): an authorization request waiting for the user's steps
//! (sign-in, account selection, reauthentication, consent). Rows live an hour; resuming deletes
//! the row, and only the request whose delete removed it goes on.

use crate::db::entities::interaction_sessions as interactions;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

/// How long an interaction waits for the user.
pub const INTERACTION_LIFETIME: Duration = Duration::hours(1);

/// Stores a new interaction.
pub async fn insert(
    db: &impl ConnectionTrait,
    row: interactions::ActiveModel,
) -> Result<(), DbErr> {
    row.insert(db).await.map(|_| ())
}

/// The interaction `id` when it exists and has not expired at `now`.
pub async fn find_live(
    db: &impl ConnectionTrait,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<interactions::Model>, DbErr> {
    Ok(interactions::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|i| i.created_at + INTERACTION_LIFETIME > now))
}

/// Saves the changed fields of an interaction and returns it as stored.
pub async fn update(
    db: &impl ConnectionTrait,
    row: interactions::ActiveModel,
) -> Result<interactions::Model, DbErr> {
    row.update(db).await
}

/// Deletes the interaction `id`; the count of rows removed (1 for the one caller that wins).
pub async fn delete(db: &impl ConnectionTrait, id: Uuid) -> Result<u64, DbErr> {
    Ok(interactions::Entity::delete_many()
        .filter(interactions::Column::Id.eq(id))
        .exec(db)
        .await?
        .rows_affected)
}
