//! `/api/version/*`: the running version for signed-in callers, and the latest release fetched
//! from the configured releases API, cached in the database for 15 minutes.

use crate::db_test;
use crate::fixtures::admin;
use crate::helpers::{Engine, TestApp};
use axum::http::StatusCode;
use chrono::Duration;
use serde_json::Value;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A releases API on a loopback port answering `tag` and counting its calls.
async fn releases_api(tag: &'static str) -> (String, Arc<AtomicUsize>) {
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let app = axum::Router::new().route(
        "/releases/latest",
        axum::routing::get(move || {
            counter.fetch_add(1, Ordering::SeqCst);
            async move { axum::Json(serde_json::json!({ "tag_name": tag })) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/releases/latest"), hits)
}

db_test!(
    current_version_needs_a_signed_in_caller,
    |app: TestApp| async move {
        assert_eq!(
            app.get("/api/version/current").await.status,
            StatusCode::UNAUTHORIZED
        );
        let mut admin = admin(&app).await;
        let r = admin.get("/api/version/current").await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(
            r.json::<Value>()["currentVersion"],
            env!("CARGO_PKG_VERSION")
        );
    }
);

db_test!(
    latest_version_is_empty_without_a_releases_url,
    |app: TestApp| async move {
        let r = app.get("/api/version/latest").await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.json::<Value>()["latestVersion"], "");
    }
);

async fn latest(app: &TestApp) -> String {
    let r = app.get("/api/version/latest").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json::<Value>()["latestVersion"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn latest_version_is_fetched_once_per_15_minutes() {
    for engine in [Engine::Sqlite, Engine::Postgres] {
        let (url, hits) = releases_api("v9.8.7").await;
        let Some(app) = TestApp::spawn(engine, &[("VERSION_CHECK_URL", &url)]).await else {
            continue;
        };
        assert_eq!(latest(&app).await, "9.8.7", "leading v dropped");
        assert_eq!(latest(&app).await, "9.8.7");
        assert_eq!(hits.load(Ordering::SeqCst), 1, "served from the cache");
        app.clock.advance(Duration::minutes(16));
        assert_eq!(latest(&app).await, "9.8.7");
        assert_eq!(
            hits.load(Ordering::SeqCst),
            2,
            "refetched after the interval"
        );
    }
}

#[tokio::test]
async fn version_check_can_be_disabled_and_an_unreachable_api_gives_empty() {
    let (url, hits) = releases_api("v1.0.0").await;
    let app = TestApp::spawn(
        Engine::Sqlite,
        &[
            ("VERSION_CHECK_URL", &url),
            ("VERSION_CHECK_DISABLED", "true"),
        ],
    )
    .await
    .unwrap();
    assert_eq!(latest(&app).await, "");
    assert_eq!(hits.load(Ordering::SeqCst), 0);
    let app = TestApp::spawn(
        Engine::Sqlite,
        &[("VERSION_CHECK_URL", "http://127.0.0.1:9/none")],
    )
    .await
    .unwrap();
    assert_eq!(latest(&app).await, "", "a failed fetch is not an error");
}
