//! The global `api` limit (100 requests a second, burst 300, per client address) on every
//! `/api`, `/authorize` and `/.well-known` request, kept in the shared `rate_limits` table.

use crate::db_test;
use crate::helpers::{Client, TestApp, code};
use axum::http::StatusCode;
use chrono::Duration;
use pocket_shared::ErrorCode;

fn from<'a>(app: &'a TestApp, peer: &str) -> Client<'a> {
    let mut c = app.client();
    c.peer = Some(peer.parse().unwrap());
    c
}

/// Requests `path` until the first 429; how many were answered before it (at most `max`).
async fn answered_before_refusal(c: &mut Client<'_>, path: &str, max: usize) -> usize {
    for i in 0..max {
        let r = c.get(path).await;
        if r.status == StatusCode::TOO_MANY_REQUESTS {
            assert_eq!(code(&r), ErrorCode::RateLimited);
            assert!(!r.header("retry-after").is_empty());
            return i;
        }
    }
    max
}

db_test!(
    every_api_request_counts_against_one_burst_per_client,
    |app: TestApp| async move {
        let mut c = from(&app, "198.51.100.7:40000");
        // The clock stands still: nothing refills. 300, and at most one batch more per
        // instance (each counts in memory before it reports to the shared bucket).
        let instances = 1 + app.peers.len();
        let n = answered_before_refusal(&mut c, "/api/application-configuration", 400).await;
        assert!((300..=300 + 10 * instances).contains(&n), "{n}");
        // Every limited path shares the bucket; health checks and the SPA do not count.
        for path in [
            "/.well-known/openid-configuration",
            "/authorize?client_id=x",
        ] {
            // Another instance refuses once its next batch finds the bucket empty.
            let n = answered_before_refusal(&mut c, path, 10 * instances + 1).await;
            assert!(n < 10 * instances, "{path}: {n} answered");
        }
        assert_eq!(c.get("/healthz").await.status, StatusCode::NO_CONTENT);
        // Another client is not affected.
        let mut other = from(&app, "198.51.100.8:40000");
        assert_eq!(
            other.get("/api/application-configuration").await.status,
            StatusCode::OK
        );
        // Two seconds later 200 tokens are back, less the overdraft.
        app.clock.advance(Duration::seconds(2));
        let n = answered_before_refusal(&mut c, "/api/application-configuration", 400).await;
        assert!((100..=200 + 10 * instances).contains(&n), "{n}");
    }
);

db_test!(
    the_api_limit_can_be_disabled,
    env = [("DISABLE_RATE_LIMITING", "true")],
    |app: TestApp| async move {
        let mut c = from(&app, "198.51.100.7:40000");
        assert_eq!(
            answered_before_refusal(&mut c, "/api/application-configuration", 350).await,
            350
        );
    }
);

db_test!(
    passkey_challenges_are_rate_limited_per_client,
    |app: TestApp| async move {
        // Each login/start stores a challenge: a burst of 30, then one a second.
        let mut c = from(&app, "198.51.100.7:40000");
        for _ in 0..30 {
            assert_eq!(
                c.get("/api/webauthn/login/start").await.status,
                StatusCode::OK
            );
        }
        let r = c.get("/api/webauthn/login/start").await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(r.header("retry-after"), "1");
        app.clock.advance(Duration::seconds(1));
        assert_eq!(
            c.get("/api/webauthn/login/start").await.status,
            StatusCode::OK
        );
        let mut other = from(&app, "198.51.100.8:40000");
        assert_eq!(
            other.get("/api/webauthn/login/start").await.status,
            StatusCode::OK
        );
    }
);
