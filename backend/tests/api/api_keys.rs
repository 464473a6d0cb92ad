//! API keys: creating (token once, hash at rest), using a key as its owner on user and admin
//! routes, browser-only routes, expiry and renewal, `last_used_at`, disabled owners, listing
//! and revoking, and the static API key.

use crate::db_test;
use crate::fixtures::{User, admin, admin_with_passkey, api_key, sign_in};
use crate::helpers::{Engine, TestApp, TestResponse, code, field_errors, test_now};
use crate::passkeys::login;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use chrono::Duration;
use pocket_id::db::entities::{api_keys, users};
use pocket_shared::api_key::{ApiKeyListResponse, ApiKeyResponse};
use pocket_shared::{ErrorCode, UserDto};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use uuid::Uuid;

const KEYS: &str = "/api/api-keys";

fn in_days(days: i64) -> String {
    (test_now() + Duration::days(days)).to_rfc3339()
}

/// A request with `X-API-Key: key` and no cookies.
async fn with_key(
    app: &TestApp,
    method: Method,
    path: &str,
    key: &str,
    body: Option<Value>,
) -> TestResponse {
    let req = Request::builder()
        .method(method)
        .uri(path)
        .header("x-api-key", key);
    let req = match body {
        Some(b) => req
            .header("content-type", "application/json")
            .body(Body::from(b.to_string())),
        None => req.body(Body::empty()),
    };
    app.request(req.unwrap()).await
}

async fn stored(app: &TestApp, id: &str) -> api_keys::Model {
    api_keys::Entity::find_by_id(Uuid::parse_str(id).unwrap())
        .one(&app.db)
        .await
        .unwrap()
        .expect("api key row")
}

db_test!(
    token_is_shown_once_and_only_its_hash_is_stored,
    |app: TestApp| async move {
        let mut c = admin(&app).await;
        let created = api_key(&mut c, "  CI deploy ", 30).await;
        assert_eq!(created.token.len(), 32);
        assert!(created.token.chars().all(|ch| ch.is_ascii_alphanumeric()));
        let key = &created.api_key;
        assert_eq!(key.name, "CI deploy");
        assert_eq!(key.description, None);
        assert_eq!(key.expires_at, in_days(30));
        assert_eq!(key.created_at, test_now().to_rfc3339());
        assert_eq!(key.last_used_at, None);
        assert!(!key.expiration_email_sent);

        let row = stored(&app, &key.id).await;
        assert_eq!(
            row.key,
            hex::encode(Sha256::digest(created.token.as_bytes()))
        );
        assert_ne!(row.key, created.token);

        // Lists never carry the token.
        let r = c.get(KEYS).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert!(!r.text().contains(&created.token));
        let raw: Value = r.json();
        assert!(raw["data"][0].get("token").is_none(), "{raw}");
        for field in [
            "id",
            "name",
            "description",
            "expiresAt",
            "lastUsedAt",
            "createdAt",
            "expirationEmailSent",
        ] {
            assert!(raw["data"][0].get(field).is_some(), "{field}: {raw}");
        }
    }
);

db_test!(create_validates_fields, |app: TestApp| async move {
    let mut c = admin(&app).await;
    let r = c
        .post(KEYS, &json!({"name": "ab", "expiresAt": in_days(-1)}))
        .await;
    assert_eq!(
        field_errors(&r),
        [("name".into(), "too_short".into())],
        "name first; expiry is checked once the fields pass"
    );
    let r = c
        .post(KEYS, &json!({"name": "abc", "expiresAt": in_days(-1)}))
        .await;
    assert_eq!(
        field_errors(&r),
        [("expiresAt".into(), "out_of_range".into())]
    );
    let r = c
        .post(
            KEYS,
            &json!({"name": "abc", "expiresAt": test_now().to_rfc3339()}),
        )
        .await;
    assert_eq!(
        field_errors(&r),
        [("expiresAt".into(), "out_of_range".into())]
    );
    let r = c
        .post(KEYS, &json!({"name": "abc", "expiresAt": "next week"}))
        .await;
    assert_eq!(
        field_errors(&r),
        [("expiresAt".into(), "invalid_format".into())]
    );
    let r = c.post(KEYS, &json!({})).await;
    assert_eq!(
        field_errors(&r),
        [
            ("name".into(), "required".into()),
            ("expiresAt".into(), "required".into())
        ]
    );
    let r = c
        .post(
            KEYS,
            &json!({"name": "x".repeat(51), "expiresAt": in_days(1)}),
        )
        .await;
    assert_eq!(field_errors(&r), [("name".into(), "too_long".into())]);
    let r = c
        .post(
            KEYS,
            &json!({"name": "abc", "description": "  for CI  ", "expiresAt": in_days(1)}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(
        r.json::<ApiKeyResponse>().api_key.description.as_deref(),
        Some("for CI")
    );
});

db_test!(
    a_key_acts_as_its_owner_and_admin_routes_need_an_admin_owner,
    |app: TestApp| async move {
        let mut admin_c = admin(&app).await;
        let admin_key = api_key(&mut admin_c, "admin key", 30).await.token;
        let bob_id = User::new("bob").insert(&app).await.id;
        let mut bob_c = sign_in(&app, bob_id).await;
        let bob_key = api_key(&mut bob_c, "bob key", 30).await.token;

        let me: UserDto = with_key(&app, Method::GET, "/api/users/me", &admin_key, None)
            .await
            .json();
        assert_eq!((me.username.as_str(), me.is_admin), ("admin", true));
        let me: UserDto = with_key(&app, Method::GET, "/api/users/me", &bob_key, None)
            .await
            .json();
        assert_eq!(me.id, bob_id.to_string());

        for path in ["/api/signup-tokens", "/api/oidc/clients"] {
            let r = with_key(&app, Method::GET, path, &admin_key, None).await;
            assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text());
            let r = with_key(&app, Method::GET, path, &bob_key, None).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
            assert_eq!(code(&r), ErrorCode::Forbidden);
        }
        // A key may act on what its owner may: an admin key creates a signup token.
        let r = with_key(
            &app,
            Method::POST,
            "/api/signup-tokens",
            &admin_key,
            Some(json!({"usageLimit": 1})),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());

        // Anonymous callers are not signed in.
        let r = app.get(KEYS).await;
        assert_eq!(
            (r.status, code(&r)),
            (StatusCode::UNAUTHORIZED, ErrorCode::NotSignedIn)
        );
    }
);

db_test!(
    keys_are_refused_on_browser_only_routes,
    |app: TestApp| async move {
        let mut c = admin(&app).await;
        let created = api_key(&mut c, "admin key", 30).await;
        let key = &created.token;
        let renew = format!("{KEYS}/{}/renew", created.api_key.id);
        for (method, path, body) in [
            (
                Method::POST,
                KEYS,
                Some(json!({"name": "minted", "expiresAt": in_days(1)})),
            ),
            (
                Method::POST,
                renew.as_str(),
                Some(json!({"expiresAt": in_days(1)})),
            ),
            (Method::GET, "/api/webauthn/register/start", None),
            (Method::POST, "/api/webauthn/reauthenticate", None),
        ] {
            let r = with_key(&app, method, path, key, body).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}: {}", r.text());
            assert_eq!(code(&r), ErrorCode::ApiKeyAuthNotAllowed, "{path}");
        }
        // A key riding along with a browser session is refused there too.
        c.headers.push(("x-api-key".into(), key.clone()));
        let r = c
            .post(KEYS, &json!({"name": "minted", "expiresAt": in_days(1)}))
            .await;
        assert_eq!(code(&r), ErrorCode::ApiKeyAuthNotAllowed);
    }
);

db_test!(
    an_invalid_key_fails_even_with_a_valid_session,
    |app: TestApp| async move {
        let mut c = admin(&app).await;
        assert_eq!(c.get("/api/users/me").await.status, StatusCode::OK);
        c.headers.push(("x-api-key".into(), "A".repeat(32)));
        let r = c.get("/api/users/me").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.text());
        assert_eq!(code(&r), ErrorCode::InvalidApiKey);
        c.headers[0].1 = String::new();
        let r = c.get("/api/users/me").await;
        assert_eq!(
            (r.status, code(&r)),
            (StatusCode::UNAUTHORIZED, ErrorCode::InvalidApiKey)
        );
    }
);

db_test!(
    expired_keys_are_refused_and_renewed_only_after_expiry,
    |app: TestApp| async move {
        // The admin's session outlives the clock moves below.
        app.set_app_config("sessionDuration", "10080").await;
        let (mut c, mut auth) = admin_with_passkey(&app).await;
        let created = api_key(&mut c, "short", 1).await;
        let id = created.api_key.id.clone();
        let renew = format!("{KEYS}/{id}/renew");

        let r = c.post(&renew, &json!({"expiresAt": in_days(30)})).await;
        assert_eq!(
            (r.status, code(&r)),
            (StatusCode::BAD_REQUEST, ErrorCode::ApiKeyNotExpired)
        );

        app.clock.advance(Duration::days(1));
        let r = with_key(&app, Method::GET, "/api/users/me", &created.token, None).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.text());
        assert_eq!(code(&r), ErrorCode::ApiKeyExpired);

        // A day on, renewing (lasting access again) wants a fresh sign-in.
        let r = c.post(&renew, &json!({"expiresAt": in_days(30)})).await;
        assert_eq!(code(&r), ErrorCode::ReauthenticationRequired);
        assert_eq!(login(&mut c, &mut auth).await.status, StatusCode::OK);

        // The new expiry must lie in the future (of the moved clock).
        let r = c.post(&renew, &json!({"expiresAt": in_days(1)})).await;
        assert_eq!(
            field_errors(&r),
            [("expiresAt".into(), "out_of_range".into())]
        );
        let r = c.post(&renew, &json!({})).await;
        assert_eq!(field_errors(&r), [("expiresAt".into(), "required".into())]);

        let r = c.post(&renew, &json!({"expiresAt": in_days(30)})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let renewed: ApiKeyResponse = r.json();
        assert_eq!(renewed.api_key.id, id, "same key");
        assert_eq!(renewed.api_key.expires_at, in_days(30));
        assert_ne!(renewed.token, created.token, "new token");
        let row = stored(&app, &id).await;
        assert_eq!(
            row.key,
            hex::encode(Sha256::digest(renewed.token.as_bytes()))
        );

        let r = with_key(&app, Method::GET, "/api/users/me", &created.token, None).await;
        assert_eq!(code(&r), ErrorCode::InvalidApiKey, "the old token is gone");
        let r = with_key(&app, Method::GET, "/api/users/me", &renewed.token, None).await;
        assert_eq!(r.status, StatusCode::OK);

        // Valid again, so not renewable again.
        let r = c.post(&renew, &json!({"expiresAt": in_days(60)})).await;
        assert_eq!(code(&r), ErrorCode::ApiKeyNotExpired);
        let r = c
            .post(
                &format!("{KEYS}/{}/renew", Uuid::new_v4()),
                &json!({"expiresAt": in_days(60)}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
);

db_test!(
    last_use_is_recorded_at_most_once_a_minute,
    |app: TestApp| async move {
        let mut c = admin(&app).await;
        let created = api_key(&mut c, "busy", 30).await;
        let use_key = || with_key(&app, Method::GET, "/api/users/me", &created.token, None);
        assert_eq!(use_key().await.status, StatusCode::OK);
        let first = test_now();
        assert_eq!(
            stored(&app, &created.api_key.id).await.last_used_at,
            Some(first)
        );

        app.clock.advance(Duration::seconds(30));
        assert_eq!(use_key().await.status, StatusCode::OK);
        assert_eq!(
            stored(&app, &created.api_key.id).await.last_used_at,
            Some(first)
        );

        app.clock.advance(Duration::seconds(31));
        assert_eq!(use_key().await.status, StatusCode::OK);
        let later = first + Duration::seconds(61);
        assert_eq!(
            stored(&app, &created.api_key.id).await.last_used_at,
            Some(later)
        );
        let list: ApiKeyListResponse = c.get(KEYS).await.json();
        assert_eq!(list.data[0].last_used_at, Some(later.to_rfc3339()));
    }
);

db_test!(a_disabled_owner_is_refused, |app: TestApp| async move {
    admin(&app).await;
    let bob_id = User::new("bob").insert(&app).await.id;
    let mut bob_c = sign_in(&app, bob_id).await;
    let key = api_key(&mut bob_c, "bob key", 30).await.token;
    let mut bob_row: users::ActiveModel = users::Entity::find_by_id(bob_id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .into();
    bob_row.disabled = Set(true);
    bob_row.update(&app.db).await.unwrap();
    let r = with_key(&app, Method::GET, "/api/users/me", &key, None).await;
    assert_eq!(
        (r.status, code(&r)),
        (StatusCode::FORBIDDEN, ErrorCode::UserDisabled)
    );
    let r = with_key(&app, Method::GET, KEYS, &key, None).await;
    assert_eq!(code(&r), ErrorCode::UserDisabled);
});

db_test!(
    lists_show_own_keys_paginated_and_sorted,
    |app: TestApp| async move {
        let mut admin_c = admin(&app).await;
        for (name, days) in [("beta", 3), ("alpha", 1), ("gamma", 2)] {
            api_key(&mut admin_c, name, days).await;
        }
        let mut bob_c = User::new("bob").signed_in(&app).await;
        let bob_key = api_key(&mut bob_c, "bob key", 5).await;

        let names =
            |l: &ApiKeyListResponse| l.data.iter().map(|k| k.name.clone()).collect::<Vec<_>>();
        let l: ApiKeyListResponse = admin_c.get(KEYS).await.json();
        assert_eq!(names(&l), ["alpha", "beta", "gamma"]);
        assert_eq!(l.pagination.total_items, 3);
        let l: ApiKeyListResponse = admin_c
            .get(&format!(
                "{KEYS}?sort[column]=expiresAt&sort[direction]=desc"
            ))
            .await
            .json();
        assert_eq!(names(&l), ["beta", "gamma", "alpha"]);
        let l: ApiKeyListResponse = admin_c
            .get(&format!("{KEYS}?pagination[limit]=2&pagination[page]=2"))
            .await
            .json();
        assert_eq!(names(&l), ["gamma"]);
        assert_eq!(
            (l.pagination.total_pages, l.pagination.current_page),
            (2, 2)
        );
        let l: ApiKeyListResponse = admin_c.get(&format!("{KEYS}?search=AMM")).await.json();
        assert_eq!(names(&l), ["gamma"]);
        let r = admin_c.get(&format!("{KEYS}?sort[column]=key")).await;
        assert_eq!(
            field_errors(&r),
            [("sort[column]".into(), "invalid_format".into())]
        );

        // Listing by key works too, and shows the key owner's keys.
        let l: ApiKeyListResponse = with_key(&app, Method::GET, KEYS, &bob_key.token, None)
            .await
            .json();
        assert_eq!(names(&l), ["bob key"]);
    }
);

db_test!(
    keys_are_revoked_only_by_their_owner,
    |app: TestApp| async move {
        let mut admin_c = admin(&app).await;
        let admin_key = api_key(&mut admin_c, "admin key", 30).await;
        let mut bob_c = User::new("bob").signed_in(&app).await;
        let bob_key = api_key(&mut bob_c, "bob key", 30).await;

        let admins = format!("{KEYS}/{}", admin_key.api_key.id);
        let r = bob_c.send(Method::DELETE, &admins, None).await;
        assert_eq!(
            (r.status, code(&r)),
            (StatusCode::NOT_FOUND, ErrorCode::NotFound)
        );
        let r = bob_c
            .send(Method::DELETE, &format!("{KEYS}/not-a-uuid"), None)
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert_eq!(
            admin_c.send(Method::DELETE, &admins, None).await.status,
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            admin_c.send(Method::DELETE, &admins, None).await.status,
            StatusCode::NOT_FOUND
        );
        let r = with_key(&app, Method::GET, "/api/users/me", &admin_key.token, None).await;
        assert_eq!(
            code(&r),
            ErrorCode::InvalidApiKey,
            "a revoked key stops working"
        );

        // A key may revoke its owner's keys, itself included.
        let bobs = format!("{KEYS}/{}", bob_key.api_key.id);
        let r = with_key(&app, Method::DELETE, &bobs, &bob_key.token, None).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        let l: ApiKeyListResponse = bob_c.get(KEYS).await.json();
        assert!(l.data.is_empty());
    }
);

const STATIC_KEY: &str = "static-api-key-0123456789abcdef";

/// The static API key on `engine`: the first use creates the synthetic admin; setup stays
/// available; the user goes at startup once the variable is unset.
async fn static_key_acts_as_a_synthetic_admin(engine: Engine) {
    let Some(app) = TestApp::spawn(engine, &[("STATIC_API_KEY", STATIC_KEY)]).await else {
        return;
    };
    assert_eq!(
        app.get("/api/signup/setup").await.status,
        StatusCode::NO_CONTENT
    );
    let r = with_key(&app, Method::GET, "/api/users/me", STATIC_KEY, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let me: UserDto = r.json();
    assert_eq!(me.id, Uuid::nil().to_string());
    assert!(me.is_admin);
    assert_eq!(me.display_name, "Static API User");
    let suffix = me
        .username
        .strip_prefix("static-api-user-")
        .expect("username prefix");
    assert_eq!(suffix.len(), 6);
    assert!(suffix.chars().all(|ch| ch.is_ascii_alphanumeric()));

    // Concurrent and later uses find the same user.
    let (a, b) = tokio::join!(
        with_key(&app, Method::GET, "/api/users/me", STATIC_KEY, None),
        with_key(&app, Method::GET, "/api/signup-tokens", STATIC_KEY, None),
    );
    assert_eq!(a.json::<UserDto>().username, me.username);
    assert_eq!(b.status, StatusCode::OK, "admin routes: {}", b.text());

    // Not a real user: the first administrator can still be created.
    assert_eq!(
        app.get("/api/signup/setup").await.status,
        StatusCode::NO_CONTENT
    );
    let _c = admin(&app).await;
    assert_eq!(
        app.get("/api/signup/setup").await.status,
        StatusCode::NOT_FOUND
    );

    let mut wrong = STATIC_KEY.to_owned();
    wrong.replace_range(..1, "X");
    let r = with_key(&app, Method::GET, "/api/users/me", &wrong, None).await;
    assert_eq!(code(&r), ErrorCode::InvalidApiKey);

    // Startup keeps the user while the key is configured and removes it once it is not.
    pocket_id::auth::api_key::remove_unused_static_user(&app.db, &app.config)
        .await
        .unwrap();
    assert!(
        users::Entity::find_by_id(Uuid::nil())
            .one(&app.db)
            .await
            .unwrap()
            .is_some()
    );
    let mut unset = (*app.config).clone();
    unset.static_api_key = None;
    pocket_id::auth::api_key::remove_unused_static_user(&app.db, &unset)
        .await
        .unwrap();
    assert!(
        users::Entity::find_by_id(Uuid::nil())
            .one(&app.db)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn static_key_sqlite() {
    static_key_acts_as_a_synthetic_admin(Engine::Sqlite).await;
}

#[tokio::test]
async fn static_key_postgres() {
    static_key_acts_as_a_synthetic_admin(Engine::Postgres).await;
}
