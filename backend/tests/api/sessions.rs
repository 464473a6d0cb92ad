//! Browser sessions are revocable: a copied cookie stops working at sign-out, when the user is
//! disabled, when a passkey is deleted and after "sign out everywhere"; users see and end their
//! sessions; adding a passkey or creating an API key needs a fresh authentication.

use crate::authenticator::SoftAuthenticator;
use crate::db_test;
use crate::fixtures::{User, admin, admin_with_passkey, sign_in_with};
use crate::helpers::{Client, TestApp, code, error_fields};
use crate::passkeys::{ORIGIN, assertion, register};
use axum::http::{Method, StatusCode};
use chrono::Duration;
use pocket_id::db::entities::user_sessions;
use pocket_shared::{ErrorCode, UserSessionDto, WebauthnCredentialDto};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::json;

/// A second browser holding a copy of `c`'s cookies (a stolen cookie).
fn copy<'a>(c: &Client<'a>) -> Client<'a> {
    let mut other = c.app.client();
    other.cookies = c.cookies.clone();
    other
}

async fn me_status(c: &mut Client<'_>) -> StatusCode {
    c.get("/api/users/me").await.status
}

db_test!(
    a_copied_cookie_stops_working_at_sign_out,
    |app: TestApp| async move {
        let mut c = admin(&app).await;
        let mut thief = copy(&c);
        assert_eq!(me_status(&mut thief).await, StatusCode::OK);
        let r = c.send(Method::POST, "/api/webauthn/logout", None).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        assert_eq!(me_status(&mut thief).await, StatusCode::UNAUTHORIZED);
        // Nor can it add a passkey or an API key, the ways to make access last.
        let r = thief.get("/api/webauthn/register/start").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
);

db_test!(
    users_list_and_end_their_sessions,
    |app: TestApp| async move {
        let user = User::new("alice").insert(&app).await;
        let ua = (
            "user-agent",
            "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
        );
        let (mut laptop, r) = sign_in_with(&app, user.id, &[ua]).await;
        assert_eq!(r.status, StatusCode::OK);
        app.clock.advance(Duration::minutes(1));
        let (mut phone, r) = sign_in_with(&app, user.id, &[]).await;
        assert_eq!(r.status, StatusCode::OK);

        let r = laptop.get("/api/users/me/sessions").await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let list: Vec<UserSessionDto> = r.json();
        assert_eq!(list.len(), 2);
        let current: Vec<_> = list.iter().filter(|s| s.current).collect();
        assert_eq!(current.len(), 1, "exactly the caller's session is current");
        assert!(
            list[0].current,
            "this browser first, though the other is newer"
        );
        assert_eq!(current[0].device, "Firefox on Linux");
        assert_eq!(current[0].sign_in_method, "otp");
        let other = list.iter().find(|s| !s.current).unwrap();

        let r = laptop
            .send(
                Method::DELETE,
                &format!("/api/users/me/sessions/{}", other.id),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        assert_eq!(me_status(&mut phone).await, StatusCode::UNAUTHORIZED);
        assert_eq!(me_status(&mut laptop).await, StatusCode::OK);

        // Another user's session id is not found, and ends nothing.
        let mut bob = User::new("bob").signed_in(&app).await;
        let r = bob
            .send(
                Method::DELETE,
                &format!("/api/users/me/sessions/{}", current[0].id),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert_eq!(me_status(&mut laptop).await, StatusCode::OK);

        // "Sign out other sessions" keeps the caller's own.
        let (mut tablet, _) = sign_in_with(&app, user.id, &[]).await;
        let r = laptop
            .send(Method::DELETE, "/api/users/me/sessions", None)
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        assert_eq!(me_status(&mut tablet).await, StatusCode::UNAUTHORIZED);
        assert_eq!(me_status(&mut laptop).await, StatusCode::OK);
    }
);

db_test!(
    admins_sign_a_user_out_everywhere,
    |app: TestApp| async move {
        let mut a = admin(&app).await;
        let user = User::new("alice").insert(&app).await;
        let (mut one, _) = sign_in_with(&app, user.id, &[]).await;
        let (mut two, _) = sign_in_with(&app, user.id, &[]).await;
        let r = a.get(&format!("/api/users/{}/sessions", user.id)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.json::<Vec<UserSessionDto>>().len(), 2);
        // Not for other users.
        let r = one.get(&format!("/api/users/{}/sessions", user.id)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);

        let r = a
            .send(
                Method::DELETE,
                &format!("/api/users/{}/sessions", user.id),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        assert_eq!(me_status(&mut one).await, StatusCode::UNAUTHORIZED);
        assert_eq!(me_status(&mut two).await, StatusCode::UNAUTHORIZED);
        assert_eq!(me_status(&mut a).await, StatusCode::OK);
    }
);

db_test!(
    disabling_a_user_ends_their_sessions_for_good,
    |app: TestApp| async move {
        let mut a = admin(&app).await;
        let user = User::new("alice").insert(&app).await;
        let (mut c, _) = sign_in_with(&app, user.id, &[]).await;
        let body = json!({"username": "alice", "email": "alice@example.com",
            "firstName": "Alice", "lastName": "A", "displayName": "Alice A", "disabled": true});
        let path = format!("/api/users/{}", user.id);
        let r = a.send(Method::PUT, &path, Some(&body)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let mut enabled = body.clone();
        enabled["disabled"] = json!(false);
        let r = a.send(Method::PUT, &path, Some(&enabled)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        // Enabled again, the old cookie does not come back to life.
        assert_eq!(me_status(&mut c).await, StatusCode::UNAUTHORIZED);
    }
);

db_test!(
    deleting_a_passkey_ends_the_other_sessions,
    |app: TestApp| async move {
        let (mut c, mut auth) = admin_with_passkey(&app).await;
        let mut thief = copy(&c);
        // The thief's session is a separate sign-in with the same passkey.
        let a = assertion(&mut thief, &mut auth).await;
        let r = thief.post("/api/webauthn/login/finish", &a).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let creds: Vec<WebauthnCredentialDto> = c.get("/api/webauthn/credentials").await.json();
        let r = c
            .send(
                Method::DELETE,
                &format!("/api/webauthn/credentials/{}", creds[0].id),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        assert_eq!(me_status(&mut thief).await, StatusCode::UNAUTHORIZED);
        assert_eq!(
            me_status(&mut c).await,
            StatusCode::OK,
            "the deleting session stays"
        );
    }
);

db_test!(
    adding_a_passkey_or_api_key_needs_a_fresh_authentication,
    |app: TestApp| async move {
        let (mut c, mut auth) = admin_with_passkey(&app).await;
        app.clock.advance(Duration::minutes(30));
        let r = c.get("/api/webauthn/register/start").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.text());
        assert_eq!(code(&r), ErrorCode::ReauthenticationRequired);
        let expires = (app.clock_now() + Duration::days(30)).to_rfc3339();
        let key = json!({"name": "deploy", "expiresAt": expires});
        let r = c.post("/api/api-keys", &key).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.text());
        assert_eq!(code(&r), ErrorCode::ReauthenticationRequired);

        // A passkey assertion now allows one of them (the proof is used up).
        let a = assertion(&mut c, &mut auth).await;
        let r = c.post("/api/webauthn/reauthenticate", &a).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
        let r = c.post("/api/api-keys", &key).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let r = c.get("/api/webauthn/register/start").await;
        assert_eq!(code(&r), ErrorCode::ReauthenticationRequired);

        let a = assertion(&mut c, &mut auth).await;
        c.post("/api/webauthn/reauthenticate", &a).await;
        let r = register(&mut c, &mut SoftAuthenticator::new(ORIGIN)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    }
);

/// Creates an API key expiring `days` ahead; the answer's status.
async fn key_expiring_in(app: &TestApp, c: &mut Client<'_>, days: i64) -> StatusCode {
    let expires = (app.clock_now() + Duration::days(days)).to_rfc3339();
    let r = c
        .post(
            "/api/api-keys",
            &json!({"name": "deploy", "expiresAt": expires}),
        )
        .await;
    if r.status == StatusCode::BAD_REQUEST {
        assert_eq!(error_fields(&r), ["expiresAt"]);
    }
    r.status
}

db_test!(api_key_lifetimes_are_capped, |app: TestApp| async move {
    let mut c = admin(&app).await;
    assert_eq!(
        key_expiring_in(&app, &mut c, 366).await,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        key_expiring_in(&app, &mut c, 365).await,
        StatusCode::CREATED
    );
});

db_test!(
    the_api_key_lifetime_cap_is_configurable,
    env = [("API_KEY_MAX_LIFETIME_DAYS", "30")],
    |app: TestApp| async move {
        let mut c = admin(&app).await;
        assert_eq!(
            key_expiring_in(&app, &mut c, 31).await,
            StatusCode::BAD_REQUEST
        );
        assert_eq!(key_expiring_in(&app, &mut c, 30).await, StatusCode::CREATED);
    }
);

db_test!(
    expired_sessions_are_refused_then_cleaned_up,
    |app: TestApp| async move {
        app.set_app_config("sessionDuration", "60").await;
        let mut c = admin(&app).await;
        let rows = || async { user_sessions::Entity::find().count(&app.db).await.unwrap() };
        assert_eq!(rows().await, 1);
        app.clock.advance(Duration::minutes(59));
        pocket_id::jobs::cleanup_expired(&app.db, app.clock_now())
            .await
            .unwrap();
        assert_eq!(rows().await, 1, "a live session stays");
        assert_eq!(me_status(&mut c).await, StatusCode::OK);
        app.clock.advance(Duration::minutes(2));
        assert_eq!(me_status(&mut c).await, StatusCode::UNAUTHORIZED);
        pocket_id::jobs::cleanup_expired(&app.db, app.clock_now())
            .await
            .unwrap();
        assert_eq!(rows().await, 0);
    }
);
