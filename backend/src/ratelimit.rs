//! Token-bucket rate limits per policy and client IP, kept in the database (`rate_limits`) so
//! they hold across instances. One atomic upsert per check; failures fail open, as Pocket ID's.

use crate::error::AppError;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use std::net::IpAddr;

/// A limit: `per_second` tokens refill a bucket of `burst`.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub name: &'static str,
    pub per_second: f64,
    pub burst: f64,
}

/// `POST /api/webauthn/login/finish`: 1 per 5 s, burst 10.
pub const WEBAUTHN_LOGIN: Policy = Policy {
    name: "webauthn-login",
    per_second: 0.2,
    burst: 10.0,
};
/// `POST /api/webauthn/reauthenticate`: 1 per 10 s, burst 5.
pub const WEBAUTHN_REAUTHENTICATE: Policy = Policy {
    name: "webauthn-reauthenticate",
    per_second: 0.1,
    burst: 5.0,
};
/// `POST /api/one-time-access-token/{token}`: 1 per 10 s, burst 5.
pub const ONE_TIME_ACCESS_TOKEN: Policy = Policy {
    name: "one-time-access-token",
    per_second: 0.1,
    burst: 5.0,
};

/// Takes one token for `ip` under `policy`, or answers 429 with `Retry-After`.
pub async fn check(
    db: &impl ConnectionTrait,
    enabled: bool,
    policy: Policy,
    ip: Option<IpAddr>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if !enabled {
        return Ok(());
    }
    let key = format!(
        "{}:{}",
        policy.name,
        ip.map(|i| i.to_string())
            .unwrap_or_else(|| "unknown".into())
    );
    let t = now.timestamp_micros() as f64 / 1_000_000.0;
    let backend = db.get_database_backend();
    // Refill by elapsed time (capped at the burst), then take a token if one is there; the
    // whole decision is one statement, so concurrent requests cannot both take the last token.
    let refill = "CASE WHEN rate_limits.tokens + ($2 - rate_limits.updated_at) * $3 > $4 \
                  THEN $4 ELSE rate_limits.tokens + ($2 - rate_limits.updated_at) * $3 END";
    let sql = format!(
        "INSERT INTO rate_limits (key, tokens, updated_at, allowed) VALUES ($1, $4 - 1, $2, true) \
         ON CONFLICT (key) DO UPDATE SET \
           tokens = CASE WHEN {refill} >= 1 THEN {refill} - 1 ELSE {refill} END, \
           allowed = ({refill} >= 1), \
           updated_at = $2 \
         RETURNING allowed, tokens"
    );
    let sql = if backend == DbBackend::Sqlite {
        sql.replace('$', "?")
    } else {
        sql
    };
    let stmt = Statement::from_sql_and_values(
        backend,
        sql,
        [
            key.into(),
            t.into(),
            policy.per_second.into(),
            policy.burst.into(),
        ],
    );
    let row = match db.query_one_raw(stmt).await {
        Ok(Some(row)) => row,
        Ok(None) => return Ok(()),
        Err(e) => {
            tracing::warn!(error = %e, policy = policy.name, "rate limiter unavailable; allowing the request");
            return Ok(());
        }
    };
    let allowed = row.try_get::<bool>("", "allowed").unwrap_or(true);
    if allowed {
        return Ok(());
    }
    let tokens = row.try_get::<f64>("", "tokens").unwrap_or(0.0);
    let retry_after_secs = ((1.0 - tokens) / policy.per_second).ceil().max(1.0) as u64;
    Err(AppError::RateLimited { retry_after_secs })
}
