//! Passkey ceremonies end to end with a software authenticator: setup, registration, sign-out,
//! usernameless sign-in, rename, delete, and every way a ceremony must fail.

use crate::authenticator::SoftAuthenticator;
use crate::db_test;
use crate::fixtures::{admin, admin_with_passkey, setup_admin};
use crate::helpers::{Client, TestApp, TestResponse, code};
use axum::http::{Method, StatusCode};
use pocket_id::db::entities::{audit_logs, users, webauthn_credentials};
use pocket_shared::{ApiError, ErrorCode, UserDto, WebauthnCredentialDto};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::{Value, json};

pub const ORIGIN: &str = "http://localhost:1411";

/// Registers a passkey for the signed-in client.
pub async fn register(c: &mut Client<'_>, auth: &mut SoftAuthenticator) -> TestResponse {
    let start = c.get("/api/webauthn/register/start").await;
    assert_eq!(start.status, StatusCode::OK, "{}", start.text());
    let credential = auth
        .create(&start.json::<Value>())
        .expect("authenticator create");
    c.post("/api/webauthn/register/finish", &credential).await
}

/// Starts a sign-in and returns the authenticator's assertion for it.
pub async fn assertion(c: &mut Client<'_>, auth: &mut SoftAuthenticator) -> Value {
    let start = c.get("/api/webauthn/login/start").await;
    assert_eq!(start.status, StatusCode::OK, "{}", start.text());
    let options: Value = start.json();
    assert!(
        options["publicKey"]["allowCredentials"]
            .as_array()
            .is_none_or(Vec::is_empty),
        "usernameless"
    );
    auth.get(&options).expect("authenticator get")
}

/// Signs in with a passkey.
pub async fn login(c: &mut Client<'_>, auth: &mut SoftAuthenticator) -> TestResponse {
    let a = assertion(c, auth).await;
    c.post("/api/webauthn/login/finish", &a).await
}

async fn events(app: &TestApp, event: &str) -> u64 {
    audit_logs::Entity::find()
        .filter(audit_logs::Column::Event.eq(event))
        .count(&app.db)
        .await
        .unwrap()
}

db_test!(
    setup_register_logout_login_rename_delete,
    |app: TestApp| async move {
        let mut c = app.client();
        let mut auth = SoftAuthenticator::new(ORIGIN);
        assert_eq!(
            c.get("/api/signup/setup").await.status,
            StatusCode::NO_CONTENT
        );
        let admin = setup_admin(&mut c).await;
        assert!(admin.is_admin);
        assert_eq!(
            c.get("/api/signup/setup").await.status,
            StatusCode::NOT_FOUND
        );

        let r = register(&mut c, &mut auth).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let cred: WebauthnCredentialDto = r.json();
        assert_eq!(cred.name, "New Passkey");
        assert_eq!(events(&app, "PASSKEY_ADDED").await, 1);
        let stored = webauthn_credentials::Entity::find()
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        assert!(
            !stored.public_key.is_empty(),
            "COSE key kept as Pocket ID does"
        );
        assert_eq!(stored.attestation_type, "none");

        let r = c.send(Method::POST, "/api/webauthn/logout", None).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        assert_eq!(
            c.get("/api/users/me").await.status,
            StatusCode::UNAUTHORIZED
        );

        let r = login(&mut c, &mut auth).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.json::<UserDto>().id, admin.id);
        assert!(r.headers.get_all("set-cookie").iter().any(|v| {
            let v = v.to_str().unwrap();
            v.starts_with("access_token=")
                && v.contains("HttpOnly")
                && v.contains("SameSite=Lax")
                && v.contains("Max-Age=3600")
        }));
        assert_eq!(
            c.get("/api/users/me").await.json::<UserDto>().username,
            "admin"
        );
        assert_eq!(events(&app, "SIGN_IN").await, 1);

        let r = c
            .send(
                Method::PATCH,
                &format!("/api/webauthn/credentials/{}", cred.id),
                Some(&json!({"name": "  Laptop  "})),
            )
            .await;
        assert_eq!(r.json::<WebauthnCredentialDto>().name, "Laptop");
        let r = c
            .send(
                Method::PATCH,
                &format!("/api/webauthn/credentials/{}", cred.id),
                Some(&json!({"name": ""})),
            )
            .await;
        assert_eq!(code(&r), ErrorCode::ValidationFailed);
        let list: Vec<WebauthnCredentialDto> = c.get("/api/webauthn/credentials").await.json();
        assert_eq!(list.len(), 1);

        let r = c
            .send(
                Method::DELETE,
                &format!("/api/webauthn/credentials/{}", cred.id),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        assert!(
            c.get("/api/webauthn/credentials")
                .await
                .json::<Vec<Value>>()
                .is_empty()
        );
        assert_eq!(events(&app, "PASSKEY_REMOVED").await, 1);
        // Gone for sign-in too.
        c.send(Method::POST, "/api/webauthn/logout", None).await;
        let r = login(&mut c, &mut auth).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert_eq!(code(&r), ErrorCode::WebauthnAuthenticationFailed);
    }
);

db_test!(
    known_authenticators_name_their_passkeys,
    |app: TestApp| async move {
        let mut c = admin(&app).await;
        let mut auth = SoftAuthenticator::new(ORIGIN);
        auth.set_aaguid(
            *uuid::Uuid::parse_str("ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4")
                .unwrap()
                .as_bytes(),
        );
        let cred: WebauthnCredentialDto = register(&mut c, &mut auth).await.json();
        assert_eq!(cred.name, "Google Password Manager");
    }
);

db_test!(
    registered_passkeys_are_excluded_from_new_registrations,
    |app: TestApp| async move {
        let mut c = admin(&app).await;
        let mut auth = SoftAuthenticator::new(ORIGIN);
        assert_eq!(register(&mut c, &mut auth).await.status, StatusCode::OK);
        let start: Value = c.get("/api/webauthn/register/start").await.json();
        assert_eq!(
            start["publicKey"]["excludeCredentials"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
        assert_eq!(
            start["publicKey"]["authenticatorSelection"]["residentKey"],
            "required"
        );
        assert_eq!(
            start["publicKey"]["authenticatorSelection"]["userVerification"],
            "required"
        );
        assert_eq!(start["publicKey"]["timeout"], 60000);
        assert_eq!(auth.create(&start).unwrap_err(), "InvalidStateError");
    }
);

db_test!(
    a_replayed_assertion_is_rejected,
    |app: TestApp| async move {
        let (mut c, mut auth) = admin_with_passkey(&app).await;
        c.send(Method::POST, "/api/webauthn/logout", None).await;

        let first = assertion(&mut c, &mut auth).await;
        assert_eq!(
            c.post("/api/webauthn/login/finish", &first).await.status,
            StatusCode::OK
        );
        c.send(Method::POST, "/api/webauthn/logout", None).await;
        // A new challenge, answered with the old assertion.
        let _ = c.get("/api/webauthn/login/start").await;
        let r = c.post("/api/webauthn/login/finish", &first).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.text());
        assert_eq!(code(&r), ErrorCode::WebauthnAuthenticationFailed);
        assert_eq!(
            c.get("/api/users/me").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
);

db_test!(a_challenge_is_used_once, |app: TestApp| async move {
    let mut c = admin(&app).await;
    let mut auth = SoftAuthenticator::new(ORIGIN);
    register(&mut c, &mut auth).await;
    let a = assertion(&mut c, &mut auth).await;
    let session = c.cookies.get("session").cloned().expect("challenge cookie");
    assert_eq!(
        c.post("/api/webauthn/login/finish", &a).await.status,
        StatusCode::OK
    );
    // Same challenge session again (e.g. a replayed request with the old cookie).
    c.cookies.insert("session".into(), session);
    let r = c.post("/api/webauthn/login/finish", &a).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(code(&r), ErrorCode::InvalidWebauthnSession);
    // And without any challenge session.
    c.cookies.remove("session");
    assert_eq!(
        code(&c.post("/api/webauthn/login/finish", &a).await),
        ErrorCode::MissingSessionId
    );
});

db_test!(
    an_assertion_for_another_origin_is_rejected,
    |app: TestApp| async move {
        let (mut c, auth) = admin_with_passkey(&app).await;
        c.send(Method::POST, "/api/webauthn/logout", None).await;
        let mut phished = auth.with_origin("http://evil.example");
        let r = login(&mut c, &mut phished).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert_eq!(
            c.get("/api/users/me").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
);

db_test!(an_expired_ceremony_is_rejected, |app: TestApp| async move {
    let mut c = admin(&app).await;
    let mut auth = SoftAuthenticator::new(ORIGIN);
    // Registration started, finished 61 s later.
    let start: Value = c.get("/api/webauthn/register/start").await.json();
    let cred = auth.create(&start).unwrap();
    app.clock.advance(chrono::Duration::seconds(61));
    let r = c.post("/api/webauthn/register/finish", &cred).await;
    assert_eq!(code(&r), ErrorCode::InvalidWebauthnSession);

    let mut auth = SoftAuthenticator::new(ORIGIN);
    assert_eq!(register(&mut c, &mut auth).await.status, StatusCode::OK);
    let a = assertion(&mut c, &mut auth).await;
    app.clock.advance(chrono::Duration::seconds(61));
    assert_eq!(
        code(&c.post("/api/webauthn/login/finish", &a).await),
        ErrorCode::InvalidWebauthnSession
    );
});

db_test!(
    a_disabled_user_is_refused_and_their_session_stops_working,
    |app: TestApp| async move {
        let mut c = app.client();
        let admin = setup_admin(&mut c).await;
        let mut auth = SoftAuthenticator::new(ORIGIN);
        register(&mut c, &mut auth).await;
        let id = uuid::Uuid::parse_str(&admin.id).unwrap();
        let mut u: users::ActiveModel = users::Entity::find_by_id(id)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap()
            .into();
        u.disabled = Set(true);
        u.update(&app.db).await.unwrap();

        let r = c.get("/api/users/me").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(code(&r), ErrorCode::UserDisabled);
        c.send(Method::POST, "/api/webauthn/logout", None).await;
        let r = login(&mut c, &mut auth).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(code(&r), ErrorCode::UserDisabled);
    }
);

db_test!(
    user_verification_is_required_by_default,
    |app: TestApp| async move {
        let mut c = admin(&app).await;
        let mut auth = SoftAuthenticator::new(ORIGIN);
        auth.set_user_verified(false);
        let r = register(&mut c, &mut auth).await;
        assert_eq!(code(&r), ErrorCode::PasskeyUserVerificationRequired);
    }
);

db_test!(
    synced_passkeys_are_refused_when_configured,
    |app: TestApp| async move {
        app.set_app_config("webauthnAllowSyncedPasskeys", "false")
            .await;
        let mut c = admin(&app).await;
        let mut synced = SoftAuthenticator::new(ORIGIN);
        synced.set_backup_flags(true, true);
        assert_eq!(
            code(&register(&mut c, &mut synced).await),
            ErrorCode::SyncedPasskeyNotAllowed
        );
        let mut device_bound = SoftAuthenticator::new(ORIGIN);
        assert_eq!(
            register(&mut c, &mut device_bound).await.status,
            StatusCode::OK
        );
    }
);

db_test!(
    browser_only_routes_refuse_api_keys_and_anonymous_callers,
    |app: TestApp| async move {
        let mut anonymous = app.client();
        assert_eq!(
            code(&anonymous.get("/api/webauthn/register/start").await),
            ErrorCode::NotSignedIn
        );
        assert_eq!(
            code(&anonymous.get("/api/webauthn/credentials").await),
            ErrorCode::NotSignedIn
        );
        let mut c = admin(&app).await;
        c.headers.push(("x-api-key".into(), "some-api-key".into()));
        let r = c.get("/api/webauthn/register/start").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(code(&r), ErrorCode::ApiKeyAuthNotAllowed);
    }
);

db_test!(
    concurrent_setup_creates_exactly_one_admin,
    |app: TestApp| async move {
        let attempts = (0..8).map(|i| {
        let app = &app;
        async move {
            let mut c = app.client();
            let body = json!({"username": format!("admin{i}"), "email": format!("a{i}@example.com"), "firstName": "A", "lastName": "B"});
            c.post("/api/signup/setup", &body).await.status
        }
    });
        // All in flight at once: the database decides who wins.
        let statuses = futures_util::future::join_all(attempts).await;
        assert_eq!(
            statuses.iter().filter(|s| **s == StatusCode::OK).count(),
            1,
            "{statuses:?}"
        );
        assert!(
            statuses
                .iter()
                .all(|s| *s == StatusCode::OK || *s == StatusCode::CONFLICT),
            "{statuses:?}"
        );
        assert_eq!(users::Entity::find().count(&app.db).await.unwrap(), 1);
    }
);

db_test!(setup_validates_its_input, |app: TestApp| async move {
    let mut c = app.client();
    let r = c
        .post(
            "/api/signup/setup",
            &json!({"username": ".bad", "firstName": ""}),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let e: ApiError = r.json();
    let fields: Vec<String> = e
        .details
        .unwrap()
        .fields
        .into_iter()
        .map(|f| f.field)
        .collect();
    assert_eq!(fields, ["username", "email", "firstName"]);
    let r = c.send(Method::POST, "/api/signup/setup", None).await;
    assert_eq!(code(&r), ErrorCode::InvalidRequestBody);
});

db_test!(
    sign_in_is_rate_limited_per_client,
    |app: TestApp| async move {
        let (mut c, mut auth) = admin_with_passkey(&app).await;
        let a = assertion(&mut c, &mut auth).await;
        c.cookies.remove("session");
        c.peer = Some("198.51.100.7:40000".parse().unwrap());
        // Burst of 10, then 1 per 5 s.
        for _ in 0..10 {
            assert_eq!(
                code(&c.post("/api/webauthn/login/finish", &a).await),
                ErrorCode::MissingSessionId
            );
        }
        let r = c.post("/api/webauthn/login/finish", &a).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(code(&r), ErrorCode::RateLimited);
        assert_eq!(r.header("retry-after"), "5");
        app.clock.advance(chrono::Duration::seconds(5));
        assert_eq!(
            code(&c.post("/api/webauthn/login/finish", &a).await),
            ErrorCode::MissingSessionId
        );
    }
);

db_test!(
    reauthentication_needs_a_fresh_passkey,
    |app: TestApp| async move {
        let (mut c, mut auth) = admin_with_passkey(&app).await;
        // Setup signs in with amr=otp: no body is not enough.
        let r = c
            .send(Method::POST, "/api/webauthn/reauthenticate", None)
            .await;
        assert_eq!(code(&r), ErrorCode::ReauthenticationRequired);
        assert_eq!(login(&mut c, &mut auth).await.status, StatusCode::OK);
        let r = c
            .send(Method::POST, "/api/webauthn/reauthenticate", None)
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
        assert!(c.cookies.contains_key("reauthentication_token"));
        app.clock.advance(chrono::Duration::minutes(2));
        assert_eq!(
            code(
                &c.send(Method::POST, "/api/webauthn/reauthenticate", None)
                    .await
            ),
            ErrorCode::ReauthenticationRequired
        );
        let a = assertion(&mut c, &mut auth).await;
        assert_eq!(
            c.post("/api/webauthn/reauthenticate", &a).await.status,
            StatusCode::NO_CONTENT
        );
    }
);

db_test!(
    expired_sign_in_state_is_cleaned_up,
    |app: TestApp| async move {
        let (mut c, _auth) = admin_with_passkey(&app).await;
        let _ = c.get("/api/webauthn/login/start").await;
        let _ = c.get("/api/webauthn/login/start").await;
        let sessions = || pocket_id::db::entities::webauthn_sessions::Entity::find().count(&app.db);
        assert_eq!(sessions().await.unwrap(), 2);
        assert_eq!(
            pocket_id::jobs::cleanup_expired(&app.db, app.clock.now())
                .await
                .unwrap(),
            0,
            "nothing expired yet"
        );
        app.clock.advance(chrono::Duration::seconds(61));
        use pocket_id::clock::Clock;
        assert!(
            pocket_id::jobs::cleanup_expired(&app.db, app.clock.now())
                .await
                .unwrap()
                >= 2
        );
        assert_eq!(sessions().await.unwrap(), 0);
    }
);

db_test!(
    preferred_user_verification_accepts_unverified_passkeys,
    |app: TestApp| async move {
        app.set_app_config("webauthnUserVerification", "preferred")
            .await;
        let mut c = admin(&app).await;
        let mut key = SoftAuthenticator::new(ORIGIN);
        key.set_user_verified(false);
        let start: Value = c.get("/api/webauthn/register/start").await.json();
        assert_eq!(
            start["publicKey"]["authenticatorSelection"]["userVerification"],
            "preferred"
        );
        let cred = key.create(&start).unwrap();
        let r = c.post("/api/webauthn/register/finish", &cred).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        c.send(Method::POST, "/api/webauthn/logout", None).await;
        let r = login(&mut c, &mut key).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    }
);

db_test!(
    authenticator_attachment_is_requested_as_configured,
    |app: TestApp| async move {
        app.set_app_config("webauthnAuthenticatorAttachment", "cross-platform")
            .await;
        let mut c = admin(&app).await;
        let start: Value = c.get("/api/webauthn/register/start").await.json();
        assert_eq!(
            start["publicKey"]["authenticatorSelection"]["authenticatorAttachment"],
            "cross-platform"
        );
        assert_eq!(start["publicKey"]["rp"]["id"], "localhost");
        assert_eq!(start["publicKey"]["rp"]["name"], "Pocket ID");
    }
);

/// Behind a trusted proxy: the audit log records the forwarded client address and user agent,
/// and rate limits count per client address.
#[tokio::test]
async fn client_addresses_come_from_trusted_proxies() {
    use crate::helpers::Engine;
    for engine in [Engine::Sqlite, Engine::Postgres] {
        let Some(app) = TestApp::spawn(engine, &[("TRUST_PROXY", "true")]).await else {
            continue;
        };
        let mut c = app.client();
        c.headers
            .push(("x-forwarded-for".into(), "198.51.100.23".into()));
        c.headers.push((
            "user-agent".into(),
            "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0".into(),
        ));
        setup_admin(&mut c).await;
        let mut auth = SoftAuthenticator::new(ORIGIN);
        register(&mut c, &mut auth).await;
        assert_eq!(login(&mut c, &mut auth).await.status, StatusCode::OK);
        let row = audit_logs::Entity::find()
            .filter(audit_logs::Column::Event.eq("SIGN_IN"))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.ip_address.as_deref(), Some("198.51.100.23"));
        assert_eq!(
            row.user_agent.as_deref(),
            Some("Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0")
        );

        // One address exhausts its bucket; another is unaffected.
        let a = assertion(&mut c, &mut auth).await;
        c.cookies.remove("session");
        for _ in 0..10 {
            c.post("/api/webauthn/login/finish", &a).await;
        }
        assert_eq!(
            c.post("/api/webauthn/login/finish", &a).await.status,
            StatusCode::TOO_MANY_REQUESTS
        );
        let mut other = app.client();
        other
            .headers
            .push(("x-forwarded-for".into(), "203.0.113.77".into()));
        assert_eq!(
            code(&other.post("/api/webauthn/login/finish", &a).await),
            ErrorCode::MissingSessionId
        );
    }
}
