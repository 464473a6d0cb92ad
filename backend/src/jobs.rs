//! Background housekeeping: deleting expired passkey challenges, login codes, reauthentication
//! tokens and idle rate-limit buckets. Plain idempotent deletes, so several instances may run
//! them at once.

use crate::app::AppState;
use crate::db::entities::{
    one_time_access_tokens, rate_limits, reauthentication_tokens, webauthn_sessions,
};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use std::time::Duration;

/// How often the cleanup runs (and once at startup).
const INTERVAL: Duration = Duration::from_secs(3600);

/// Deletes what expired before `now`; returns the number of rows removed.
pub async fn cleanup_expired(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, DbErr> {
    let mut removed = 0;
    removed += webauthn_sessions::Entity::delete_many()
        .filter(webauthn_sessions::Column::ExpiresAt.lte(now))
        .exec(db)
        .await?
        .rows_affected;
    removed += one_time_access_tokens::Entity::delete_many()
        .filter(one_time_access_tokens::Column::ExpiresAt.lte(now))
        .exec(db)
        .await?
        .rows_affected;
    removed += reauthentication_tokens::Entity::delete_many()
        .filter(reauthentication_tokens::Column::ExpiresAt.lte(now))
        .exec(db)
        .await?
        .rows_affected;
    // A bucket idle for a day is full again: dropping it changes nothing.
    let day_ago = (now.timestamp() - 86_400) as f64;
    removed += rate_limits::Entity::delete_many()
        .filter(rate_limits::Column::UpdatedAt.lt(day_ago))
        .exec(db)
        .await?
        .rows_affected;
    Ok(removed)
}

/// Runs the cleanup now and then every [`INTERVAL`] until the process ends.
pub fn spawn(state: AppState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(INTERVAL);
        loop {
            tick.tick().await;
            match cleanup_expired(&state.db, state.clock.now()).await {
                Ok(n) if n > 0 => tracing::debug!(removed = n, "expired sign-in state removed"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "cleanup of expired sign-in state failed"),
            }
        }
    });
}
