//! Cross-cutting HTTP behaviour: health, request ids, headers, the error envelope, SPA fallback.

use crate::db_test;
use crate::helpers::{TEST_INDEX_HTML, TestApp};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use pocket_shared::{ApiError, ErrorCode};

db_test!(
    healthz_answers_204_and_head_works,
    |app: TestApp| async move {
        let r = app.get("/healthz").await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        assert!(r.body.is_empty());
        let r = app.call(Method::HEAD, "/healthz").await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
    }
);

db_test!(
    every_response_has_security_headers_and_a_fresh_request_id,
    |app: TestApp| async move {
        let a = app.get("/api/application-configuration").await;
        let b = app.get("/api/application-configuration").await;
        for r in [&a, &b] {
            assert_eq!(r.header("cache-control"), "private, no-store");
            assert_eq!(r.header("x-content-type-options"), "nosniff");
            assert_eq!(
                r.header("referrer-policy"),
                "strict-origin-when-cross-origin"
            );
            assert_eq!(r.header("x-frame-options"), "DENY");
            let csp = r.header("content-security-policy");
            assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
            assert!(csp.contains("script-src 'self'"), "{csp}");
            assert!(!script_src(csp).contains("unsafe-inline"), "{csp}");
            uuid::Uuid::parse_str(r.header("x-request-id")).expect("request id is a UUID");
        }
        assert_ne!(a.header("x-request-id"), b.header("x-request-id"));
    }
);

fn script_src(csp: &str) -> &str {
    csp.split(';')
        .find(|d| d.trim().starts_with("script-src"))
        .unwrap_or("")
}

db_test!(
    client_sent_request_ids_are_replaced,
    |app: TestApp| async move {
        let req = Request::get("/healthz")
            .header("x-request-id", "client-chosen-id")
            .body(Body::empty())
            .unwrap();
        let r = app.request(req).await;
        assert_ne!(r.header("x-request-id"), "client-chosen-id");
        uuid::Uuid::parse_str(r.header("x-request-id")).unwrap();
    }
);

db_test!(
    unknown_api_paths_get_the_json_envelope,
    |app: TestApp| async move {
        for path in [
            "/api/nope",
            "/api",
            "/api/users/123/whatever",
            "/.well-known/nope",
        ] {
            let r = app.get(path).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
            assert!(
                r.header("content-type").starts_with("application/json"),
                "{path}"
            );
            let e: ApiError = r.json();
            assert_eq!(e.code, ErrorCode::NotFound);
            assert_eq!(e.request_id.as_deref(), Some(r.header("x-request-id")));
        }
    }
);

db_test!(
    wrong_method_on_api_routes_gets_the_envelope,
    |app: TestApp| async move {
        let r = app
            .call(Method::DELETE, "/api/application-configuration")
            .await;
        assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
        let e: ApiError = r.json();
        assert_eq!(e.code, ErrorCode::MethodNotAllowed);
        assert!(e.request_id.is_some());
    }
);

db_test!(
    spa_routes_get_index_html_with_a_hash_admitted_loader,
    |app: TestApp| async move {
        for path in ["/", "/settings/account", "/login", "/lc/ABC123"] {
            let r = app.get(path).await;
            assert_eq!(r.status, StatusCode::OK, "{path}");
            assert_eq!(r.text(), TEST_INDEX_HTML);
            assert_eq!(r.header("cache-control"), "no-store");
            let hash = pocket_id::crypto::sha256_base64(
                b"import init from '/app-0123456789abcdef.js';await init();",
            );
            assert!(
                script_src(r.header("content-security-policy")).contains(&hash),
                "{path}"
            );
        }
        let r = app.call(Method::POST, "/settings/account").await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
);

db_test!(
    api_reference_page_and_document_are_served,
    |app: TestApp| async move {
        let r = app.get("/api/openapi.json").await;
        assert_eq!(r.status, StatusCode::OK);
        let doc: serde_json::Value = r.json();
        assert_eq!(doc["openapi"], "3.1.0");
        let r = app.get("/api/docs").await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.header("content-type").starts_with("text/html"));
        let html = r.text();
        assert!(
            html.contains("/api/docs/docs.js"),
            "page must load its script from /api/docs/docs.js"
        );
        assert!(
            !html.contains("http://") && !html.contains("https://"),
            "no external resources"
        );
        for asset in ["/api/docs/docs.js", "/api/docs/docs.css"] {
            let r = app.get(asset).await;
            assert_eq!(r.status, StatusCode::OK, "{asset}");
            assert!(!r.body.is_empty(), "{asset}");
        }
    }
);

db_test!(
    cross_site_state_changes_are_refused,
    |app: TestApp| async move {
        let post = |headers: &[(&str, &str)]| {
            let mut req = Request::post("/api/one-time-access-token/abcdef");
            for (k, v) in headers {
                req = req.header(*k, *v);
            }
            req.body(Body::empty()).unwrap()
        };
        // A form on another site posting a login code (login CSRF).
        for headers in [
            &[
                ("sec-fetch-site", "cross-site"),
                ("origin", "https://evil.example"),
            ][..],
            &[("origin", "https://evil.example")][..],
            &[("sec-fetch-site", "same-site")][..],
        ] {
            let r = app.request(post(headers)).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{headers:?}");
            assert_eq!(r.json::<ApiError>().code, ErrorCode::Forbidden);
        }
        // Our own pages, and scripts that send no browser headers, get through (to a 401 here).
        for headers in [
            &[
                ("sec-fetch-site", "same-origin"),
                ("origin", "http://localhost:1411"),
            ][..],
            &[][..],
        ] {
            let r = app.request(post(headers)).await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{headers:?}");
        }
        // Reads are not state changes.
        let req = Request::get("/api/application-configuration")
            .header("sec-fetch-site", "cross-site")
            .body(Body::empty())
            .unwrap();
        assert_eq!(app.request(req).await.status, StatusCode::OK);
    }
);

/// Over https every response tells browsers to keep to https (HSTS); over plain http (a local
/// test instance) it does not, or browsers would refuse the instance later.
#[tokio::test]
async fn https_instances_send_strict_transport_security() {
    use crate::helpers::Engine;
    let https = TestApp::spawn(Engine::Sqlite, &[("APP_URL", "https://id.example.com")])
        .await
        .expect("sqlite");
    for path in ["/api/application-configuration", "/healthz", "/login"] {
        let r = https.get(path).await;
        assert_eq!(
            r.header("strict-transport-security"),
            "max-age=31536000; includeSubDomains",
            "{path}"
        );
    }
    let http = TestApp::spawn(Engine::Sqlite, &[]).await.expect("sqlite");
    let r = http.get("/api/application-configuration").await;
    assert!(r.headers.get("strict-transport-security").is_none());
}
