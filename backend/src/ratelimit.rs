//! Token-bucket rate limits per policy and client IP, kept in the database (`rate_limits`) so
//! they hold across instances. One atomic upsert per check; failures fail open, as Pocket ID's.
//! The global [`API`] limit, which every `/api`, `/authorize` and `/.well-known` request passes,
//! is counted in memory first and reported to the shared bucket [`BATCH`] requests at a time
//! ([`ApiLimiter`]), so it costs no write for a client making a few requests.

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
/// `GET /api/webauthn/login/start` (each stores a challenge row): 1 per second, burst 30,
/// beyond Pocket ID, which has only the global limit here.
pub const WEBAUTHN_LOGIN_START: Policy = Policy {
    name: "webauthn-login-start",
    per_second: 1.0,
    burst: 30.0,
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

/// The bucket of an address: IPv4 addresses one each, IPv6 addresses by their /64 (one
/// subscriber's network: a host picks any address in it), IPv4-mapped IPv6 as IPv4.
pub fn bucket(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                let net = std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
                format!("{net}/64")
            }
        },
    }
}

/// Every `/api/*` route, `/authorize` and `/.well-known/*`: 100 per second, burst 300.
pub const API: Policy = Policy {
    name: "api",
    per_second: 100.0,
    burst: 300.0,
};

/// Requests of one client an instance counts before it reports them to the shared bucket. With
/// `n` instances a client can exceed the limit by at most `n × BATCH` requests before every
/// instance refuses it.
pub const BATCH: u32 = 10;

/// Clients an instance keeps counts of; beyond this the idle ones are forgotten (their
/// unreported requests with them: the limit fails open, never shut).
const MAX_TRACKED: usize = 50_000;

#[derive(Debug, Default)]
struct Tally {
    /// Requests not yet reported to the shared bucket.
    pending: u32,
    /// Refused locally until then (the shared bucket ran dry).
    blocked_until: Option<DateTime<Utc>>,
    last_seen: Option<DateTime<Utc>>,
}

/// This instance's side of the global [`API`] limit.
#[derive(Debug, Default)]
pub struct ApiLimiter {
    tallies: std::sync::Mutex<std::collections::HashMap<String, Tally>>,
}

impl ApiLimiter {
    /// Counts one request of `ip`; every [`BATCH`]th takes its batch from the shared bucket.
    /// Answers 429 while the shared bucket is empty.
    pub async fn check(
        &self,
        db: &impl ConnectionTrait,
        enabled: bool,
        ip: Option<IpAddr>,
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        let (true, Some(ip)) = (enabled, ip) else {
            return Ok(());
        };
        let key = bucket(ip);
        let report = {
            let mut tallies = self.tallies.lock().unwrap_or_else(|e| e.into_inner());
            if tallies.len() >= MAX_TRACKED && !tallies.contains_key(&key) {
                let idle = now - chrono::Duration::seconds(60);
                tallies.retain(|_, t| t.last_seen.is_some_and(|s| s > idle));
                if tallies.len() >= MAX_TRACKED {
                    tallies.clear();
                }
            }
            let t = tallies.entry(key.clone()).or_default();
            t.last_seen = Some(now);
            if let Some(until) = t.blocked_until {
                if now < until {
                    return Err(retry_at(until, now));
                }
                t.blocked_until = None;
            }
            t.pending += 1;
            if t.pending < BATCH {
                return Ok(());
            }
            std::mem::take(&mut t.pending)
        };
        let Some(tokens) = take(db, API, &key, report, now).await else {
            return Ok(());
        };
        if tokens >= 0.0 {
            return Ok(());
        }
        // In debt: refused until the bucket has refilled to zero.
        let wait = chrono::Duration::microseconds((-tokens / API.per_second * 1e6).ceil() as i64);
        let until = now + wait;
        let mut tallies = self.tallies.lock().unwrap_or_else(|e| e.into_inner());
        tallies.entry(key).or_default().blocked_until = Some(until);
        Err(retry_at(until, now))
    }
}

fn retry_at(until: DateTime<Utc>, now: DateTime<Utc>) -> AppError {
    let secs = (until - now).num_milliseconds().max(0) as f64 / 1000.0;
    AppError::RateLimited {
        retry_after_secs: secs.ceil().max(1.0) as u64,
    }
}

/// Takes `n` tokens from the shared bucket `key` of `policy`, going into debt (at most one
/// burst deep) when there are fewer: the requests have happened. Returns the tokens left, or
/// `None` when the database cannot answer (the limit then fails open).
async fn take(
    db: &impl ConnectionTrait,
    policy: Policy,
    key: &str,
    n: u32,
    now: DateTime<Utc>,
) -> Option<f64> {
    let t = now.timestamp_micros() as f64 / 1_000_000.0;
    let backend = db.get_database_backend();
    let refill = "CASE WHEN rate_limits.tokens + ($2 - rate_limits.updated_at) * $3 > $4 \
                  THEN $4 ELSE rate_limits.tokens + ($2 - rate_limits.updated_at) * $3 END";
    let sql = format!(
        "INSERT INTO rate_limits (key, tokens, updated_at, allowed) VALUES ($1, $4 - $5, $2, true) \
         ON CONFLICT (key) DO UPDATE SET \
           tokens = CASE WHEN {refill} - $5 < -$4 THEN -$4 ELSE {refill} - $5 END, \
           allowed = ({refill} - $5 >= 0), \
           updated_at = $2 \
         RETURNING tokens"
    );
    let sql = if backend == DbBackend::Sqlite {
        sql.replace('$', "?")
    } else {
        sql
    };
    let key = format!("{}:{key}", policy.name);
    let values = [
        key.into(),
        t.into(),
        policy.per_second.into(),
        policy.burst.into(),
        f64::from(n).into(),
    ];
    let stmt = Statement::from_sql_and_values(backend, sql, values);
    match db.query_one_raw(stmt).await {
        Ok(row) => row.and_then(|r| r.try_get::<f64>("", "tokens").ok()),
        Err(e) => {
            tracing::warn!(error = %e, policy = policy.name, "rate limiter unavailable; allowing the request");
            None
        }
    }
}

/// User-code lookups of the device page (`/api/oidc/device/{info,verify,deny}`): 1 per 10 s,
/// burst 5, as Pocket ID's device-login verification.
pub const DEVICE_CODE_VERIFICATION: Policy = Policy {
    name: "device-code-verification",
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
    // An unknown address (a Unix socket without trusted proxy headers) has no bucket of its
    // own: one shared "unknown" bucket would let a single caller lock everybody out.
    let (true, Some(ip)) = (enabled, ip) else {
        return Ok(());
    };
    let key = format!("{}:{}", policy.name, bucket(ip));
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

/// The global `api` limit as a layer: `/api/*`, `/authorize` and `/.well-known/*` (not
/// `/healthz` or the SPA's files).
pub async fn limit_api(
    axum::extract::State(state): axum::extract::State<crate::state::AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let path = req.uri().path();
    let limited =
        path.starts_with("/api/") || path == "/authorize" || path.starts_with("/.well-known/");
    if limited && state.rate_limits_enabled() {
        let peer = req
            .extensions()
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip());
        let ip = crate::extract::client_ip(
            req.headers(),
            peer,
            &state.config.trust_proxy,
            state.config.trusted_platform.as_deref(),
        );
        let now = state.clock.now();
        if let Err(e) = state.api_limiter.check(&state.db, true, ip, now).await {
            return e.into_response();
        }
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::bucket;

    #[test]
    fn ipv6_addresses_share_their_64_and_mapped_ipv4_is_ipv4() {
        let a = bucket("2001:db8:1:2:aaaa::1".parse().unwrap());
        assert_eq!(a, "2001:db8:1:2::/64");
        assert_eq!(bucket("2001:db8:1:2:ffff:1:2:3".parse().unwrap()), a);
        assert_ne!(bucket("2001:db8:1:3::1".parse().unwrap()), a);
        assert_eq!(
            bucket("::ffff:198.51.100.7".parse().unwrap()),
            "198.51.100.7"
        );
        assert_eq!(bucket("198.51.100.7".parse().unwrap()), "198.51.100.7");
    }
}
