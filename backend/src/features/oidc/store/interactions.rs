//! Interactions (`interaction_sessions`): an authorization request waiting for the user's steps
//! (sign-in, account selection, reauthentication, consent). Rows live an hour; resuming deletes
//! the row, and only the request whose delete removed it goes on.

use crate::db::entities::interaction_sessions as interactions;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set,
};
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

/// What a completed step changes on an interaction; `None`/`false` leaves a column as it is.
#[derive(Debug, Default)]
pub struct Changes {
    /// The user the interaction is now bound to.
    pub user_id: Option<Uuid>,
    /// Sign-in (and with it account selection) is done.
    pub signed_in: bool,
    pub consent_required: Option<bool>,
    pub reauthentication_required: Option<bool>,
    pub reauthenticated_at: Option<DateTime<Utc>>,
}

/// Applies `changes` and the new request `parameters` to the interaction; returns it as stored.
pub async fn save(
    db: &impl ConnectionTrait,
    row: interactions::Model,
    changes: Changes,
    parameters: serde_json::Value,
) -> Result<interactions::Model, DbErr> {
    let mut active: interactions::ActiveModel = row.into();
    if let Some(user) = changes.user_id {
        active.user_id = Set(Some(user));
    }
    if changes.signed_in {
        active.authentication_required = Set(false);
        active.account_selection_required = Set(false);
    }
    if let Some(required) = changes.consent_required {
        active.consent_required = Set(required);
    }
    if let Some(required) = changes.reauthentication_required {
        active.reauthentication_required = Set(required);
    }
    if let Some(at) = changes.reauthenticated_at {
        active.reauthenticated_at = Set(Some(at));
    }
    active.parameters = Set(parameters);
    active.update(db).await
}

/// Deletes the interaction `id`; the count of rows removed (1 for the one caller that wins).
pub async fn delete(db: &impl ConnectionTrait, id: Uuid) -> Result<u64, DbErr> {
    Ok(interactions::Entity::delete_many()
        .filter(interactions::Column::Id.eq(id))
        .exec(db)
        .await?
        .rows_affected)
}
