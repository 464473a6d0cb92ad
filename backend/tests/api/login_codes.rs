//! Login codes: created by an admin, hashed at rest, single use, expiring, refused for disabled
//! users.

use crate::db_test;
use crate::fixtures::{User, admin, redeem};
use crate::helpers::TestApp;
use axum::http::{Method, StatusCode};
use pocket_id::db::entities::{audit_logs, one_time_access_tokens, users};
use pocket_shared::webauthn::OneTimeAccessTokenResponse;
use pocket_shared::{ApiError, ErrorCode, UserDto};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::json;

db_test!(a_login_code_signs_in_once, |app: TestApp| async move {
    let mut admin = admin(&app).await;
    let bob = User::new("bob").insert(&app).await;
    let r = admin
        .post(
            &format!("/api/users/{}/one-time-access-token", bob.id),
            &json!({"ttl": "1h"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let token = r.json::<OneTimeAccessTokenResponse>().token;
    assert_eq!(
        token.len(),
        12,
        "codes living over 15 minutes are 12 characters"
    );
    // Only a hash is stored.
    let row = one_time_access_tokens::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_ne!(row.token_hash, token);
    assert_eq!(row.token_hash, pocket_id::crypto::hash_token(&token));

    let mut device = app.client();
    let r = redeem(&mut device, &token).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json::<UserDto>().username, "bob");
    assert_eq!(
        device.get("/api/users/me").await.json::<UserDto>().id,
        bob.id.to_string()
    );
    let signed_in = audit_logs::Entity::find()
        .filter(audit_logs::Column::Event.eq("TOKEN_SIGN_IN"))
        .count(&app.db)
        .await;
    assert_eq!(signed_in.unwrap(), 1);

    let mut other = app.client();
    let r = redeem(&mut other, &token).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.json::<ApiError>().code, ErrorCode::TokenInvalidOrExpired);
});

db_test!(a_login_code_expires, |app: TestApp| async move {
    let mut admin = admin(&app).await;
    let bob = User::new("bob").insert(&app).await;
    let token: OneTimeAccessTokenResponse = admin
        .send(
            Method::POST,
            &format!("/api/users/{}/one-time-access-token", bob.id),
            None,
        )
        .await
        .json();
    assert_eq!(token.token.len(), 6, "default 15 minutes: 6 characters");
    app.clock.advance(chrono::Duration::minutes(15));
    let r = redeem(&mut app.client(), &token.token).await;
    assert_eq!(r.json::<ApiError>().code, ErrorCode::TokenInvalidOrExpired);
});

db_test!(
    a_disabled_user_cannot_use_a_code_until_enabled,
    |app: TestApp| async move {
        let mut admin = admin(&app).await;
        let bob = User::new("bob").insert(&app).await;
        let token: OneTimeAccessTokenResponse = admin
            .post(
                &format!("/api/users/{}/one-time-access-token", bob.id),
                &json!({"ttl": 600}),
            )
            .await
            .json();
        let mut active: users::ActiveModel = bob.clone().into();
        active.disabled = Set(true);
        let bob = active.update(&app.db).await.unwrap();
        let path = format!("/api/one-time-access-token/{}", token.token);
        let r = app.client().send(Method::POST, &path, None).await;
        assert_eq!(r.json::<ApiError>().code, ErrorCode::UserDisabled);
        let mut active: users::ActiveModel = bob.into();
        active.disabled = Set(false);
        active.update(&app.db).await.unwrap();
        assert_eq!(
            app.client().send(Method::POST, &path, None).await.status,
            StatusCode::OK
        );
    }
);

db_test!(
    only_admins_create_codes_and_ttls_are_validated,
    |app: TestApp| async move {
        let mut admin = admin(&app).await;
        let bob = User::new("bob").insert(&app).await;
        let path = format!("/api/users/{}/one-time-access-token", bob.id);
        for bad in [
            json!({"ttl": "32d"}),
            json!({"ttl": 0}),
            json!({"ttl": "soon"}),
        ] {
            let r = admin.post(&path, &bad).await;
            assert_eq!(
                r.json::<ApiError>().code,
                ErrorCode::ValidationFailed,
                "{bad}"
            );
        }
        let r = admin
            .post(
                &format!("/api/users/{}/one-time-access-token", uuid::Uuid::new_v4()),
                &json!({}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        // Bob signs in with a code, then tries to make one for himself.
        let token: OneTimeAccessTokenResponse = admin.post(&path, &json!({})).await.json();
        let mut bob_client = app.client();
        redeem(&mut bob_client, &token.token).await;
        let r = bob_client.post(&path, &json!({})).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(
            app.client().post(&path, &json!({})).await.status,
            StatusCode::UNAUTHORIZED
        );
    }
);

db_test!(
    codes_are_normalized_and_have_a_fixed_length,
    |app: TestApp| async move {
        let _admin = admin(&app).await;
        let bob = User::new("bob").insert(&app).await;
        // Inserted directly so the code is known to contain a 0 and a 1.
        let code = "ab01CD";
        one_time_access_tokens::ActiveModel {
            id: Set(uuid::Uuid::new_v4()),
            created_at: Set(crate::helpers::test_now()),
            token_hash: Set(pocket_id::crypto::hash_token(code)),
            user_id: Set(bob.id),
            expires_at: Set(crate::helpers::test_now() + chrono::Duration::minutes(5)),
            device_token_hash: Set(None),
        }
        .insert(&app.db)
        .await
        .unwrap();
        let r = app
            .client()
            .send(Method::POST, "/api/one-time-access-token/abc", None)
            .await;
        assert_eq!(r.json::<ApiError>().code, ErrorCode::TokenInvalidOrExpired);
        // A user reading "O" and "I" for the digits still gets in.
        let r = app
            .client()
            .send(Method::POST, "/api/one-time-access-token/abOICD", None)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    }
);
