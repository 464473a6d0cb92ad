//! Background housekeeping: deleting expired passkey challenges, login codes, reauthentication
//! tokens, browser sessions and idle rate-limit buckets. Plain idempotent deletes, so several instances may run
//! them at once.

use crate::db::entities::{
    interaction_sessions, oauth2_jtis, oauth2_sessions, one_time_access_tokens, rate_limits,
    reauthentication_tokens, user_sessions, webauthn_sessions,
};
use crate::state::AppState;
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
    removed += user_sessions::Entity::delete_many()
        .filter(user_sessions::Column::ExpiresAt.lte(now))
        .exec(db)
        .await?
        .rows_affected;
    // Protocol artefacts past their expiry; deactivated but unexpired ones stay, so a reused
    // refresh token is still recognised.
    removed += oauth2_sessions::Entity::delete_many()
        .filter(oauth2_sessions::Column::ExpiresAt.lte(now))
        .exec(db)
        .await?
        .rows_affected;
    removed += oauth2_jtis::Entity::delete_many()
        .filter(oauth2_jtis::Column::ExpiresAt.lte(now))
        .exec(db)
        .await?
        .rows_affected;
    removed += interaction_sessions::Entity::delete_many()
        .filter(
            interaction_sessions::Column::CreatedAt
                .lte(now - crate::features::oidc::store::interactions::INTERACTION_LIFETIME),
        )
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

/// How often running servers look for rotated signing keys.
pub const KEY_REFRESH_INTERVAL: Duration = Duration::from_secs(10);

/// Reloads the signing keys every [`KEY_REFRESH_INTERVAL`], so `pocket-id key-rotate` takes
/// effect on every instance without a restart.
pub fn spawn_key_refresh(state: AppState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(KEY_REFRESH_INTERVAL);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match state.keys.refresh(&state.db, state.clock.now()).await {
                Ok(true) => {
                    tracing::info!(kid = %state.keys.get().current.kid, "signing keys reloaded")
                }
                Ok(false) => {}
                Err(e) => tracing::warn!(error = %e, "reloading the signing keys failed"),
            }
        }
    });
}

/// Runs the cleanup now and then every [`INTERVAL`] until the process ends; starts the audit
/// log's retention cleanup and GeoLite2 refresh.
pub fn spawn(state: AppState) {
    crate::features::audit_log::jobs::spawn_retention(state.clone());
    crate::features::audit_log::jobs::spawn_geolite_refresh(state.clone());
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
