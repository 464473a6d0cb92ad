//! The claims preview equals what a real sign-in produces (ID token, access token, userinfo),
//! and only admins may ask for it.

use super::{CLIENTS, code, error_fields};
use crate::db_test;
use crate::fixtures::admin_with_passkey;
use crate::fixtures::{Group, User};
use crate::helpers::{TestApp, test_now};
use crate::oidc::{OidcClient, code_for, exchange, get_bearer, restrict_to_new_group};
use crate::passkeys::login;
use axum::http::StatusCode;
use base64::Engine;
use pocket_id::db::entities::custom_claims;
use pocket_shared::ErrorCode;
use pocket_shared::oidc_client::OidcClientPreviewDto;
use sea_orm::{ActiveModelTrait, Set};
use serde_json::{Map, Value, json};
use uuid::Uuid;

fn payload(jwt: &str) -> Map<String, Value> {
    let part = jwt.split('.').nth(1).expect("a JWT");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part)
        .expect("base64url");
    serde_json::from_slice(&bytes).expect("JSON claims")
}

/// Claims that differ between any two tokens (ids, hashes of the token strings, the nonce of
/// the authorization request).
fn without_per_token(mut m: Map<String, Value>) -> Map<String, Value> {
    for k in ["jti", "at_hash", "c_hash", "nonce"] {
        m.remove(k);
    }
    m
}

db_test!(preview_equals_a_real_sign_in, |app: TestApp| async move {
    OidcClient::confidential("rp").insert(&app).await;
    let (mut browser, mut auth) = admin_with_passkey(&app).await;
    assert_eq!(login(&mut browser, &mut auth).await.status, StatusCode::OK);
    let me: Value = browser.get("/api/users/me").await.json();
    let user_id = me["id"].as_str().unwrap().to_owned();
    let uid = Uuid::parse_str(&user_id).unwrap();
    // Something in every scope: a group and custom claims (one JSON, one text).
    Group::new("staff").members([uid]).insert(&app).await;
    for (key, value) in [("roles", r#"["a","b"]"#), ("team", "core")] {
        custom_claims::ActiveModel {
            id: Set(Uuid::new_v4()),
            created_at: Set(test_now()),
            key: Set(key.into()),
            value: Set(value.into()),
            user_id: Set(Some(uid)),
            user_group_id: Set(None),
        }
        .insert(&app.db)
        .await
        .unwrap();
    }

    let (code, verifier) = code_for(&mut browser, "rp").await;
    let r = exchange(&app, "rp", &code, &verifier).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let tokens: Value = r.json();
    let access = tokens["access_token"].as_str().unwrap();
    let real_id = payload(tokens["id_token"].as_str().unwrap());
    let real_access = payload(access);
    let real_userinfo: Map<String, Value> =
        get_bearer(&app, "/api/oidc/userinfo", access).await.json();

    // `code_for` asks for `openid profile email`.
    let r = browser
        .get(&format!(
            "{CLIENTS}/rp/preview/{user_id}?scopes=openid%20profile%20email"
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let preview: OidcClientPreviewDto = r.json();
    assert_eq!(
        without_per_token(preview.id_token.clone()),
        without_per_token(real_id)
    );
    assert_eq!(
        without_per_token(preview.access_token.clone()),
        without_per_token(real_access)
    );
    assert_eq!(preview.user_info, real_userinfo);
    assert_eq!(preview.id_token["roles"], json!(["a", "b"]));
    assert_eq!(preview.id_token["team"], "core");
    assert_eq!(preview.id_token["amr"], json!(["phr"]));
    assert!(preview.id_token.contains_key("at_hash"));
    assert!(!preview.id_token.contains_key("groups"), "not asked for");

    // Other scopes; `+` is a space too, unknown scopes are dropped as at /authorize.
    let preview: OidcClientPreviewDto = browser
        .get(&format!(
            "{CLIENTS}/rp/preview/{user_id}?scopes=openid+groups+unknown"
        ))
        .await
        .json();
    assert_eq!(preview.id_token["groups"], json!(["staff"]));
    assert_eq!(preview.user_info["groups"], json!(["staff"]));
    assert_eq!(preview.access_token["scope"], "openid groups");
    assert!(!preview.id_token.contains_key("email"));
    // Without openid: no ID token and no userinfo, as in a real flow.
    let preview: OidcClientPreviewDto = browser
        .get(&format!(
            "{CLIENTS}/rp/preview/{user_id}?scopes=offline_access"
        ))
        .await
        .json();
    assert!(preview.id_token.is_empty() && preview.user_info.is_empty());
    assert_eq!(preview.access_token["aud"], json!(["rp"]));
    assert_eq!(preview.access_token["sub"], user_id.as_str());
});

db_test!(preview_refusals, |app: TestApp| async move {
    OidcClient::confidential("rp").insert(&app).await;
    let (mut admin, _) = admin_with_passkey(&app).await;
    let me: Value = admin.get("/api/users/me").await.json();
    let user_id = me["id"].as_str().unwrap().to_owned();
    let path = format!("{CLIENTS}/rp/preview/{user_id}?scopes=openid");

    let r = admin.get(&format!("{CLIENTS}/rp/preview/{user_id}")).await;
    assert_eq!(error_fields(&r), ["scopes"]);
    let r = admin
        .get(&format!("{CLIENTS}/rp/preview/{user_id}?scopes=%20"))
        .await;
    assert_eq!(error_fields(&r), ["scopes"]);
    for missing in [
        format!("{CLIENTS}/nope/preview/{user_id}?scopes=openid"),
        format!("{CLIENTS}/rp/preview/{}?scopes=openid", Uuid::new_v4()),
        format!("{CLIENTS}/rp/preview/not-a-uuid?scopes=openid"),
    ] {
        let r = admin.get(&missing).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{missing}");
    }

    let mut user = User::new("bob").signed_in(&app).await;
    let r = user.get(&path).await;
    assert_eq!(
        (r.status, code(&r)),
        (StatusCode::FORBIDDEN, ErrorCode::Forbidden)
    );
    let r = app.get(&path).await;
    assert_eq!(
        (r.status, code(&r)),
        (StatusCode::UNAUTHORIZED, ErrorCode::NotSignedIn)
    );

    // A user the client's group restriction keeps out gets no preview either.
    restrict_to_new_group(&app, "rp").await;
    let r = admin.get(&path).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    assert_eq!(code(&r), ErrorCode::OidcAccessDenied);
});
