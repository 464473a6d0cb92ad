//! Device authorization (RFC 8628) refusals: bad and used codes, the per-client opt-in, and
//! rate-limited user-code lookups.

use super::*;
use crate::db_test;
use crate::fixtures::passkey_admin;

db_test!(device_flow_errors, |app: TestApp| async {
    OidcClient::public("tv").device().insert(&app).await;
    let d: Value = post_form(
        &app,
        "/api/oidc/device/authorize",
        &[("client_id", "tv"), ("scope", "openid profile")],
        None,
    )
    .await
    .json();
    let dc = d["device_code"].as_str().unwrap().to_owned();
    assert!(d["user_code"].as_str().unwrap().starts_with('E'));
    let form = [
        ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
        ("client_id", "tv"),
        ("device_code", dc.as_str()),
    ];
    let poll = || post_form(&app, "/api/oidc/token", &form, None);
    assert_eq!(error(&poll().await), "authorization_pending");
    assert_eq!(error(&poll().await), "slow_down", "polled again at once");
    app.clock.advance(chrono::Duration::seconds(11));
    assert_eq!(error(&poll().await), "authorization_pending");
    let mut browser = passkey_admin(&app).await;
    let code = d["user_code"].as_str().unwrap();
    let r = browser
        .send(
            axum::http::Method::POST,
            &format!("/api/oidc/device/deny?code={code}"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    app.clock.advance(chrono::Duration::seconds(11));
    assert_eq!(error(&poll().await), "access_denied");
    let r = browser
        .send(
            axum::http::Method::POST,
            &format!("/api/oidc/device/verify?code={code}"),
            None,
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "a refused code cannot be approved later"
    );
    let d2: Value = post_form(
        &app,
        "/api/oidc/device/authorize",
        &[("client_id", "tv"), ("scope", "openid")],
        None,
    )
    .await
    .json();
    app.clock.advance(chrono::Duration::minutes(16));
    let r = post_form(
        &app,
        "/api/oidc/token",
        &[
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("client_id", "tv"),
            ("device_code", d2["device_code"].as_str().unwrap()),
        ],
        None,
    )
    .await;
    assert_eq!(error(&r), "expired_token");
});

db_test!(
    the_device_flow_is_off_unless_enabled_for_the_client,
    |app: TestApp| async {
        use axum::http::Method;
        use pocket_id::db::entities::oauth2_sessions;
        use sea_orm::{EntityTrait, PaginatorTrait};
        // Any public client's id would otherwise let a phisher start device codes in its name.
        OidcClient::public("spa").insert(&app).await;
        let start = || async {
            post_form(
                &app,
                "/api/oidc/device/authorize",
                &[("client_id", "spa"), ("scope", "openid")],
                None,
            )
            .await
        };
        let r = start().await;
        assert_eq!(error(&r), "unauthorized_client", "{}", r.text());
        assert_eq!(
            oauth2_sessions::Entity::find()
                .count(&app.db)
                .await
                .unwrap(),
            0,
            "nothing stored"
        );
        // Enabled through the admin API (an update without the flag keeps it).
        let mut admin = crate::fixtures::admin(&app).await;
        let unchanged = json!({"name": "App spa", "callbackURLs": [CALLBACK], "isPublic": true, "pkceEnabled": true});
        let mut update = unchanged.clone();
        update["deviceCodeEnabled"] = json!(true);
        let r = admin
            .send(Method::PUT, "/api/oidc/clients/spa", Some(&update))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.json::<Value>()["deviceCodeEnabled"], true);
        let r = admin
            .send(Method::PUT, "/api/oidc/clients/spa", Some(&unchanged))
            .await;
        assert_eq!(r.json::<Value>()["deviceCodeEnabled"], true);
        let d: Value = start().await.json();
        let device_code = d["device_code"].as_str().expect("a device code").to_owned();
        // Switched off again while the device waits: its polls are refused.
        let mut off = unchanged.clone();
        off["deviceCodeEnabled"] = json!(false);
        admin
            .send(Method::PUT, "/api/oidc/clients/spa", Some(&off))
            .await;
        let r = post_form(
            &app,
            "/api/oidc/token",
            &[
                ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
                ("client_id", "spa"),
                ("device_code", &device_code),
            ],
            None,
        )
        .await;
        assert_eq!(error(&r), "unauthorized_client");
    }
);

db_test!(user_code_lookups_are_rate_limited, |app: TestApp| async {
    let mut browser = passkey_admin(&app).await;
    browser.peer = Some("198.51.100.7:40000".parse().unwrap());
    // Burst of 5, then 1 per 10 s: guessing 8-character codes goes nowhere.
    for _ in 0..5 {
        let r = browser.get("/api/oidc/device/info?code=EAAAAAAA").await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
    }
    let r = browser.get("/api/oidc/device/info?code=EAAAAAAA").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    let r = browser
        .send(
            axum::http::Method::POST,
            "/api/oidc/device/verify?code=EAAAAAAA",
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "the same bucket");
});
