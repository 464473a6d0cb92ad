//! The audit log's background work: the daily retention cleanup and, when configured, keeping
//! the GeoLite2 database file fresh.

use super::{geolite, service};
use crate::state::AppState;
use std::time::Duration;

/// How often entries past `AUDIT_LOG_RETENTION_DAYS` are deleted (and once at startup).
pub const RETENTION_INTERVAL: Duration = Duration::from_secs(24 * 3600);

/// Deletes old entries now and then every [`RETENTION_INTERVAL`]. The delete is idempotent, so
/// several instances may run it at once.
pub fn spawn_retention(state: AppState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(RETENTION_INTERVAL);
        loop {
            tick.tick().await;
            let days = state.config.audit_log_retention_days;
            match service::delete_expired(&state.db, days, state.clock.now()).await {
                Ok(n) if n > 0 => tracing::info!(removed = n, "old audit log entries removed"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "audit log cleanup failed"),
            }
        }
    });
}

/// With `MAXMIND_LICENSE_KEY` or a custom `GEOLITE_DB_URL`: downloads the database now if it
/// is missing or stale, and checks again every [`geolite::CHECK_INTERVAL`] (so a failure is
/// retried hourly). Otherwise does nothing: a hand-placed file is used as it is.
pub fn spawn_geolite_refresh(state: AppState) {
    if geolite::download_url(&state.config).is_none() {
        tracing::debug!("MAXMIND_LICENSE_KEY is not set: the GeoLite2 database is not downloaded");
        return;
    }
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(geolite::CHECK_INTERVAL);
        loop {
            tick.tick().await;
            match geolite::refresh(&state.http, &state.config, state.clock.now()).await {
                Ok(true) => tracing::info!("GeoLite2 database downloaded"),
                Ok(false) => {}
                Err(e) => tracing::warn!(error = %e, "GeoLite2 database download failed"),
            }
        }
    });
}
