//! Custom claims: replace-all per user and group, the shared rules (reserved names,
//! duplicates, empty values) with field names, suggestions by use, who may call, and the
//! claims reaching ID tokens and userinfo with the `profile` scope (JSON values as JSON, the
//! user's value over the group's).

use crate::db_test;
use crate::fixtures::{User, admin, admin_with_passkey, group};
use crate::helpers::TestApp;
use crate::helpers::{code, error_fields};
use crate::oidc::{OidcClient, code_for, exchange, get_bearer};
use crate::passkeys::login;
use crate::users_admin::{put, user_named};
use axum::http::{Method, StatusCode};
use base64::Engine;
use pocket_shared::custom_claim::CustomClaimDto;
use pocket_shared::user_group::UserGroupWithUsersDto;
use pocket_shared::{ErrorCode, UserDto};
use serde_json::{Value, json};
use uuid::Uuid;

fn pairs(claims: &[CustomClaimDto]) -> Vec<(&str, &str)> {
    claims
        .iter()
        .map(|c| (c.key.as_str(), c.value.as_str()))
        .collect()
}

db_test!(
    user_claims_are_replaced_wholesale,
    |app: TestApp| async move {
        let mut c = admin(&app).await;
        let u = user_named(&mut c, "claimed").await;
        let path = format!("/api/custom-claims/user/{}", u.id);
        let r = put(
            &mut c,
            &path,
            json!([{"key": " team ", "value": "core"}, {"key": "level", "value": "3"}]),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let claims: Vec<CustomClaimDto> = r.json();
        assert_eq!(pairs(&claims), [("level", "3"), ("team", "core")]);
        let user: UserDto = c.get(&format!("/api/users/{}", u.id)).await.json();
        assert_eq!(
            pairs(&user.custom_claims),
            [("level", "3"), ("team", "core")]
        );

        let r = put(&mut c, &path, json!([{"key": "team", "value": "platform"}])).await;
        assert_eq!(
            pairs(&r.json::<Vec<CustomClaimDto>>()),
            [("team", "platform")]
        );
        let r = put(&mut c, &path, json!([])).await;
        assert!(r.json::<Vec<CustomClaimDto>>().is_empty());
        let user: UserDto = c.get(&format!("/api/users/{}", u.id)).await.json();
        assert!(user.custom_claims.is_empty());

        let r = put(
            &mut c,
            &format!("/api/custom-claims/user/{}", Uuid::new_v4()),
            json!([]),
        )
        .await;
        assert_eq!(
            (r.status, code(&r)),
            (StatusCode::NOT_FOUND, ErrorCode::NotFound)
        );
    }
);

db_test!(rules_name_the_failing_entry, |app: TestApp| async move {
    let mut c = admin(&app).await;
    let u = user_named(&mut c, "ruled").await;
    let path = format!("/api/custom-claims/user/{}", u.id);
    let r = put(
        &mut c,
        &path,
        json!([
            {"key": "ok", "value": "1"},
            {"key": "email", "value": "x"},
            {"key": "ok", "value": "2"},
            {"key": "", "value": "3"},
            {"key": "fine", "value": "  "},
            {"key": "has space", "value": "4"}
        ]),
    )
    .await;
    assert_eq!(
        error_fields(&r),
        [
            "claims[1].key",
            "claims[2].key",
            "claims[3].key",
            "claims[4].value",
            "claims[5].key"
        ]
    );
    let e: pocket_shared::ApiError = r.json();
    let codes: Vec<String> = e
        .details
        .unwrap()
        .fields
        .into_iter()
        .map(|f| f.code)
        .collect();
    assert_eq!(
        codes,
        [
            "reserved",
            "duplicate",
            "required",
            "required",
            "invalid_format"
        ]
    );
    // Nothing was stored.
    let user: UserDto = c.get(&format!("/api/users/{}", u.id)).await.json();
    assert!(user.custom_claims.is_empty());
    let r = put(&mut c, &path, json!({"key": "not", "value": "a list"})).await;
    assert_eq!(code(&r), ErrorCode::InvalidRequestBody);
});

db_test!(group_claims_and_suggestions, |app: TestApp| async move {
    let mut c = admin(&app).await;
    let g = group(&app, "claimers").await;
    let path = format!("/api/custom-claims/user-group/{g}");
    let r = put(
        &mut c,
        &path,
        json!([{"key": "dept", "value": "ops"}, {"key": "level", "value": "1"}]),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let dto: UserGroupWithUsersDto = c.get(&format!("/api/user-groups/{g}")).await.json();
    assert_eq!(
        pairs(&dto.group.custom_claims),
        [("dept", "ops"), ("level", "1")]
    );
    let r = put(&mut c, &path, json!([{"key": "sub", "value": "x"}])).await;
    assert_eq!(error_fields(&r), ["claims[0].key"]);
    let r = put(
        &mut c,
        &format!("/api/custom-claims/user-group/{}", Uuid::new_v4()),
        json!([]),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    for name in ["s1", "s2"] {
        let u = user_named(&mut c, name).await;
        put(
            &mut c,
            &format!("/api/custom-claims/user/{}", u.id),
            json!([{"key": "level", "value": "2"}, {"key": "zone", "value": "eu"}]),
        )
        .await;
    }
    let s: Vec<String> = c.get("/api/custom-claims/suggestions").await.json();
    assert_eq!(s, ["level", "zone", "dept"], "most used first");
});

db_test!(who_may_call, |app: TestApp| async move {
    let _c = admin(&app).await;
    let mut bob = User::new("bob").signed_in(&app).await;
    let id = Uuid::new_v4();
    let routes: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, "/api/custom-claims/suggestions".into(), None),
        (
            Method::PUT,
            format!("/api/custom-claims/user/{id}"),
            Some(json!([])),
        ),
        (
            Method::PUT,
            format!("/api/custom-claims/user-group/{id}"),
            Some(json!([])),
        ),
    ];
    let mut anon = app.client();
    for (m, path, body) in routes {
        let r = anon.send(m.clone(), &path, body.as_ref()).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{m} {path}");
        let r = bob.send(m.clone(), &path, body.as_ref()).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{m} {path}");
    }
});

fn jwt_claims(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).expect("a JWT");
    serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap()
}

db_test!(
    claims_reach_id_tokens_and_userinfo_with_profile,
    |app: TestApp| async move {
        let (mut browser, mut auth) = admin_with_passkey(&app).await;
        assert_eq!(login(&mut browser, &mut auth).await.status, StatusCode::OK);
        let me: UserDto = browser.get("/api/users/me").await.json();
        let g = group(&app, "engineers").await;
        let r = put(
            &mut browser,
            &format!("/api/users/{}/user-groups", me.id),
            json!({"userGroupIds": [g]}),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        put(
            &mut browser,
            &format!("/api/custom-claims/user-group/{g}"),
            json!([{"key": "team", "value": "group-team"}, {"key": "building", "value": "B2"}]),
        )
        .await;
        // Claims of a group the user is not in, and of another user, stay out.
        let other_group = group(&app, "sales").await;
        let r = put(
            &mut browser,
            &format!("/api/custom-claims/user-group/{other_group}"),
            json!([{"key": "region", "value": "EU"}]),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let someone = user_named(&mut browser, "grace").await.id;
        let r = put(
            &mut browser,
            &format!("/api/custom-claims/user/{someone}"),
            json!([{"key": "desk", "value": "7F"}]),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let r = put(
            &mut browser,
            &format!("/api/custom-claims/user/{}", me.id),
            json!([
                {"key": "team", "value": "\"mine\""},
                {"key": "roles", "value": "[\"a\",\"b\"]"},
                {"key": "limits", "value": "{\"max\":3}"},
                {"key": "level", "value": "7"},
                {"key": "beta", "value": "true"},
                {"key": "motto", "value": "not json"}
            ]),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());

        OidcClient::confidential("rp").insert(&app).await;
        let (code, verifier) = code_for(&mut browser, "rp").await;
        let t = exchange(&app, "rp", &code, &verifier).await;
        assert_eq!(t.status, StatusCode::OK, "{}", t.text());
        let tokens: Value = t.json();
        let id = jwt_claims(tokens["id_token"].as_str().unwrap());
        let at = tokens["access_token"].as_str().unwrap();
        let info: Value = get_bearer(&app, "/api/oidc/userinfo", at).await.json();
        for claims in [&id, &info] {
            assert_eq!(claims["team"], "mine", "the user's value wins: {claims}");
            assert_eq!(claims["building"], "B2", "group claims apply");
            assert_eq!(claims["roles"], json!(["a", "b"]), "JSON arrays stay JSON");
            assert_eq!(claims["limits"], json!({"max": 3}));
            assert_eq!(claims["level"], 7);
            assert_eq!(claims["beta"], true);
            assert_eq!(claims["motto"], "not json");
            assert_eq!(claims["given_name"], "Ada");
            assert!(
                claims.get("region").is_none(),
                "not the user's group: {claims}"
            );
            assert!(
                claims.get("desk").is_none(),
                "another user's claim: {claims}"
            );
        }
        if at.split('.').count() == 3 {
            let access = jwt_claims(at);
            assert!(
                access.get("team").is_none(),
                "access tokens carry no custom claims"
            );
        }
    }
);
