//! RP-initiated logout: only registered post-logout URIs, never a pattern, and the grant of a
//! skip-consent client is found and ended too.

use super::*;
use crate::db_test;
use crate::fixtures::{admin_with_passkey, passkey_admin};
use crate::passkeys::login;

db_test!(
    logout_needs_a_registered_post_logout_uri,
    |app: TestApp| async {
        OidcClient::confidential("rp").insert(&app).await;
        let mut browser = passkey_admin(&app).await;
        let (code, verifier) = code_for(&mut browser, "rp").await;
        let t: Value = exchange(&app, "rp", &code, &verifier).await.json();
        let id = t["id_token"].as_str().unwrap();
        let q = |uri: &str| {
            url::form_urlencoded::Serializer::new(String::new())
                .append_pair("id_token_hint", id)
                .append_pair("post_logout_redirect_uri", uri)
                .append_pair("state", "bye-0123")
                .finish()
        };
        let r = browser
            .get(&format!(
                "/api/oidc/end-session?{}",
                q("https://evil.example/")
            ))
            .await;
        assert_eq!(
            r.header("location"),
            "/logout",
            "unregistered URI: confirm page, no logout"
        );
        assert_eq!(
            browser.get("/api/users/me").await.status,
            StatusCode::OK,
            "still signed in"
        );
        let r = browser
            .get("/api/oidc/end-session?id_token_hint=not.a.token")
            .await;
        assert_eq!(r.header("location"), "/logout");

        let r = browser
            .get(&format!("/api/oidc/end-session?{}", q(LOGOUT)))
            .await;
        assert_eq!(r.header("location"), format!("{LOGOUT}?state=bye-0123"));
        assert_eq!(
            browser.get("/api/users/me").await.status,
            StatusCode::UNAUTHORIZED,
            "signed out"
        );
        let r = refresh(&app, "rp", t["refresh_token"].as_str().unwrap()).await;
        assert_eq!(
            error(&r),
            "invalid_grant",
            "the grant behind the ID token is revoked"
        );
    }
);

/// Signs in to "rp" and out again with only `id_token_hint`; where the logout went.
async fn logout_target(app: &TestApp, browser: &mut Client<'_>) -> String {
    let (code, verifier) = code_for(browser, "rp").await;
    let t: Value = exchange(app, "rp", &code, &verifier).await.json();
    let id = t["id_token"].as_str().unwrap();
    let r = browser
        .get(&format!("/api/oidc/end-session?id_token_hint={id}"))
        .await;
    r.header("location").to_owned()
}

db_test!(
    logout_without_a_uri_never_goes_to_a_pattern,
    |app: TestApp| async {
        OidcClient::confidential("rp").insert(&app).await;
        let logout_urls = |urls: Value| oidc_clients::ActiveModel {
            id: Set("rp".into()),
            logout_callback_urls: Set(Some(urls)),
            ..Default::default()
        };
        let (mut browser, mut auth) = admin_with_passkey(&app).await;
        // The first registered address, skipping a pattern before it.
        logout_urls(json!(["https://rp.example/*", LOGOUT]))
            .update(&app.db)
            .await
            .unwrap();
        login(&mut browser, &mut auth).await;
        assert_eq!(logout_target(&app, &mut browser).await, LOGOUT);
        // Only a pattern: the confirmation page, not a URL with a `*` in it.
        logout_urls(json!(["https://rp.example/*"]))
            .update(&app.db)
            .await
            .unwrap();
        login(&mut browser, &mut auth).await;
        assert_eq!(logout_target(&app, &mut browser).await, "/logout");
    }
);

db_test!(
    skipping_consent_still_records_the_grant,
    |app: TestApp| async {
        OidcClient::confidential("rp")
            .skip_consent()
            .insert(&app)
            .await;
        let mut browser = passkey_admin(&app).await;
        let (code, verifier) = code_for(&mut browser, "rp").await;
        let t: Value = exchange(&app, "rp", &code, &verifier).await.json();
        // The user sees the client among their authorized apps.
        let apps: Value = browser
            .get("/api/oidc/users/me/authorized-clients")
            .await
            .json();
        assert_eq!(apps["data"][0]["client"]["id"], "rp", "{apps}");
        // Logout with the ID token goes back to the client and ends its tokens.
        let q = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("id_token_hint", t["id_token"].as_str().unwrap())
            .append_pair("post_logout_redirect_uri", LOGOUT)
            .finish();
        let r = browser.get(&format!("/api/oidc/end-session?{q}")).await;
        assert_eq!(r.header("location"), LOGOUT);
        let r = refresh(&app, "rp", t["refresh_token"].as_str().unwrap()).await;
        assert_eq!(
            error(&r),
            "invalid_grant",
            "the grant behind the ID token is revoked"
        );
    }
);
