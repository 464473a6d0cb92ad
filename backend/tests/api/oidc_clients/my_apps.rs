//! "My Apps" (group restriction, launch-URL filter, last-used sort) and consents (lists, and
//! revocation ending the user's tokens for that client).

use super::{CLIENTS, code, create, delete, put};
use crate::db_test;
use crate::fixtures::admin_with_passkey;
use crate::fixtures::{User, admin, group, sign_in};
use crate::helpers::{TestApp, test_now};
use crate::oidc::{OidcClient, SECRET, code_for, exchange, get_bearer, post_form, refresh};
use crate::passkeys::login;
use axum::http::StatusCode;
use chrono::Duration;
use pocket_id::db::entities::user_authorized_oidc_clients as consents;
use pocket_shared::ErrorCode;
use pocket_shared::oidc_client::{
    AccessibleOidcClientListResponse, AuthorizedOidcClientListResponse,
};
use sea_orm::{ActiveModelTrait, Set};
use serde_json::{Value, json};
use uuid::Uuid;

const MY_CLIENTS: &str = "/api/oidc/users/me/clients";
const MY_CONSENTS: &str = "/api/oidc/users/me/authorized-clients";

fn ids(l: &AccessibleOidcClientListResponse) -> Vec<&str> {
    l.data.iter().map(|c| c.client.id.as_str()).collect()
}

async fn consent(app: &TestApp, user: Uuid, client: &str, scopes: &[&str], minutes_ago: i64) {
    consents::ActiveModel {
        scope: Set(json!(scopes)),
        user_id: Set(user),
        client_id: Set(client.to_owned()),
        last_used_at: Set(test_now() - Duration::minutes(minutes_ago)),
    }
    .insert(&app.db)
    .await
    .unwrap();
}

db_test!(
    my_apps_follow_group_restriction,
    |app: TestApp| async move {
        let mut admin_c = admin(&app).await;
        let (mine, others) = (group(&app, "mine").await, group(&app, "others").await);
        let bob_id = User::new("bob").groups([mine]).insert(&app).await.id;
        let mut bob = sign_in(&app, bob_id).await;
        for (id, name, launch, restricted) in [
            ("open", "Open wiki", Some("https://wiki.example"), None),
            (
                "team",
                "Team chat",
                Some("https://chat.example"),
                Some(mine),
            ),
            (
                "secret",
                "Secret vault",
                Some("https://vault.example"),
                Some(others),
            ),
            (
                "empty",
                "Nobody app",
                Some("https://nobody.example"),
                Some(Uuid::nil()),
            ),
            ("hidden", "Backend API", None, None),
        ] {
            let mut body =
                json!({"id": id, "name": name, "isGroupRestricted": restricted.is_some()});
            if let Some(l) = launch {
                body["launchURL"] = json!(l);
            }
            create(&mut admin_c, body).await;
            if let Some(g) = restricted.filter(|g| !g.is_nil()) {
                let r = put(
                    &mut admin_c,
                    &format!("{CLIENTS}/{id}/allowed-user-groups"),
                    json!({"userGroupIds": [g]}),
                )
                .await;
                assert_eq!(r.status, StatusCode::OK, "{}", r.text());
            }
        }

        let l: AccessibleOidcClientListResponse = bob.get(MY_CLIENTS).await.json();
        assert_eq!(
            ids(&l),
            ["hidden", "open", "team"],
            "by name; restricted ones only with the group"
        );
        assert_eq!(l.pagination.total_items, 3);
        assert!(l.data.iter().all(|c| c.last_used_at.is_none()));
        let raw: Value = bob.get(MY_CLIENTS).await.json();
        assert!(
            raw["data"][1].get("lastUsedAt").is_some()
                && raw["data"][1]["launchURL"] == "https://wiki.example"
        );

        let l: AccessibleOidcClientListResponse = bob
            .get(&format!("{MY_CLIENTS}?filters[hasLaunchURL]=true"))
            .await
            .json();
        assert_eq!(ids(&l), ["open", "team"]);
        let l: AccessibleOidcClientListResponse = bob
            .get(&format!("{MY_CLIENTS}?filters[hasLaunchURL]=false"))
            .await
            .json();
        assert_eq!(ids(&l), ["hidden"]);
        let l: AccessibleOidcClientListResponse =
            bob.get(&format!("{MY_CLIENTS}?search=CHAT")).await.json();
        assert_eq!(ids(&l), ["team"]);

        // Last used first, never used after (in both directions).
        consent(&app, bob_id, "team", &["openid"], 5).await;
        consent(&app, bob_id, "hidden", &["openid"], 60).await;
        consent(&app, bob_id, "secret", &["openid"], 1).await;
        let l: AccessibleOidcClientListResponse = bob
            .get(&format!(
                "{MY_CLIENTS}?sort[column]=lastUsedAt&sort[direction]=desc"
            ))
            .await
            .json();
        assert_eq!(
            ids(&l),
            ["team", "hidden", "open"],
            "a consent does not bypass the restriction"
        );
        assert_eq!(
            l.data[0].last_used_at.as_deref(),
            Some((test_now() - Duration::minutes(5)).to_rfc3339().as_str())
        );
        let l: AccessibleOidcClientListResponse = bob
            .get(&format!(
                "{MY_CLIENTS}?sort[column]=lastUsedAt&sort[direction]=asc&pagination[limit]=2"
            ))
            .await
            .json();
        assert_eq!(ids(&l), ["hidden", "team"]);
        assert_eq!(l.pagination.total_pages, 2);

        // The admin is in no group: only unrestricted clients.
        let l: AccessibleOidcClientListResponse = admin_c.get(MY_CLIENTS).await.json();
        assert_eq!(ids(&l), ["hidden", "open"]);

        let r = bob
            .get(&format!("{MY_CLIENTS}?filters[hasLaunchURL]=yes"))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        let r = bob.get(&format!("{MY_CLIENTS}?sort[column]=secret")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        let r = app.get(MY_CLIENTS).await;
        assert_eq!(
            (r.status, code(&r)),
            (StatusCode::UNAUTHORIZED, ErrorCode::NotSignedIn)
        );

        // Consents: the user's own, and any user's for an admin.
        let l: AuthorizedOidcClientListResponse = bob.get(MY_CONSENTS).await.json();
        let got: Vec<&str> = l.data.iter().map(|c| c.client.id.as_str()).collect();
        assert_eq!(got, ["secret", "team", "hidden"], "most recent first");
        assert_eq!(l.data[0].scope, "openid");
        assert_eq!(l.data[1].client.name, "Team chat");
        let by_admin: AuthorizedOidcClientListResponse = admin_c
            .get(&format!(
                "/api/oidc/users/{bob_id}/authorized-clients?sort[column]=name"
            ))
            .await
            .json();
        let got: Vec<&str> = by_admin.data.iter().map(|c| c.client.id.as_str()).collect();
        assert_eq!(got, ["hidden", "secret", "team"]);
        let l: AuthorizedOidcClientListResponse = admin_c.get(MY_CONSENTS).await.json();
        assert!(l.data.is_empty());
        let r = bob
            .get(&format!("/api/oidc/users/{bob_id}/authorized-clients"))
            .await;
        assert_eq!(
            (r.status, code(&r)),
            (StatusCode::FORBIDDEN, ErrorCode::Forbidden)
        );
        for unknown in [Uuid::new_v4().to_string(), "nope".into()] {
            let r = admin_c
                .get(&format!("/api/oidc/users/{unknown}/authorized-clients"))
                .await;
            assert_eq!(r.status, StatusCode::NOT_FOUND);
        }
        let r = app.get(MY_CONSENTS).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
);

fn active(r: &crate::helpers::TestResponse) -> bool {
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json::<Value>()["active"] == true
}

db_test!(
    revoking_a_consent_ends_its_tokens,
    |app: TestApp| async move {
        OidcClient::confidential("rp").insert(&app).await;
        OidcClient::confidential("other").insert(&app).await;
        let (mut browser, mut auth) = admin_with_passkey(&app).await;
        assert_eq!(login(&mut browser, &mut auth).await.status, StatusCode::OK);

        let mut tokens = Vec::new();
        for client in ["rp", "rp", "other"] {
            let (code, verifier) = code_for(&mut browser, client).await;
            let r = exchange(&app, client, &code, &verifier).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text());
            tokens.push(r.json::<Value>());
        }
        // The first grant was refreshed once: its rotated token must stop working too.
        let r = refresh(&app, "rp", tokens[0]["refresh_token"].as_str().unwrap()).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        tokens[0] = r.json();
        let introspect = |t: String, client: &'static str| {
            let app = &app;
            async move {
                post_form(
                    app,
                    "/api/oidc/introspect",
                    &[("token", &t)],
                    Some((client, SECRET)),
                )
                .await
            }
        };
        let rt = |i: usize| tokens[i]["refresh_token"].as_str().unwrap().to_owned();
        let at = |i: usize| tokens[i]["access_token"].as_str().unwrap().to_owned();
        assert!(active(&introspect(rt(0), "rp").await));
        assert!(active(&introspect(at(1), "rp").await));

        let l: AuthorizedOidcClientListResponse = browser.get(MY_CONSENTS).await.json();
        assert_eq!(l.data.len(), 2, "consented during the flows");
        let r = delete(&mut browser, &format!("{MY_CONSENTS}/rp")).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());

        for i in [0, 1] {
            assert!(
                !active(&introspect(rt(i), "rp").await),
                "refresh token {i} revoked"
            );
            assert!(
                !active(&introspect(at(i), "rp").await),
                "access token {i} revoked"
            );
            let r = get_bearer(&app, "/api/oidc/userinfo", &at(i)).await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED);
            let r = refresh(&app, "rp", &rt(i)).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
            assert_eq!(r.json::<Value>()["error"], "invalid_grant");
        }
        // Another client's grant is untouched.
        assert!(active(&introspect(rt(2), "other").await));
        assert!(active(&introspect(at(2), "other").await));
        let l: AuthorizedOidcClientListResponse = browser.get(MY_CONSENTS).await.json();
        let got: Vec<&str> = l.data.iter().map(|c| c.client.id.as_str()).collect();
        assert_eq!(got, ["other"]);

        let r = delete(&mut browser, &format!("{MY_CONSENTS}/rp")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = delete(&mut browser, &format!("{MY_CONSENTS}/nope")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = delete(&mut app.client(), &format!("{MY_CONSENTS}/other")).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        // A new sign-in asks for consent again and works.
        let (code, verifier) = code_for(&mut browser, "rp").await;
        assert_eq!(
            exchange(&app, "rp", &code, &verifier).await.status,
            StatusCode::OK
        );
    }
);
