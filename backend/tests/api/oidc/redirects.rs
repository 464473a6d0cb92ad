//! Redirect URIs: an unregistered one never receives anything, and plain http only on loopback
//! unless `ALLOW_INSECURE_CALLBACK_URLS` says otherwise.

use super::*;
use crate::db_test;
use crate::fixtures::passkey_admin;

db_test!(
    unregistered_redirect_uri_never_receives_anything,
    |app: TestApp| async {
        OidcClient::confidential("rp").insert(&app).await;
        let mut browser = passkey_admin(&app).await;
        let q: String = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("client_id", "rp")
            .append_pair("response_type", "token")
            .append_pair("redirect_uri", "https://evil.example/cb")
            .finish();
        let r = browser.get(&format!("/authorize?{q}")).await;
        assert!(
            r.header("location").starts_with("/interaction/error"),
            "{}",
            r.header("location")
        );
        let r = browser
            .get("/authorize?client_id=nope&response_type=code")
            .await;
        assert!(r.header("location").starts_with("/interaction/error"));
        // Valid redirect URI, bad response type: the error goes to the client.
        let cb = authorize(
            &mut browser,
            &authorize_url("rp", &[("response_type", "token")]).replace("response_type=code&", ""),
        )
        .await;
        assert_eq!(
            param(&cb, "error").as_deref(),
            Some("unsupported_response_type")
        );
    }
);

/// Authorizes the client "legacy" (callbacks on plain http: a LAN host and loopback) to
/// `redirect_uri`; true when the code reached the callback, false for our error page.
async fn plain_http_callback_works(browser: &mut Client<'_>, redirect_uri: &str) -> bool {
    let url = authorize_url("legacy", &[]).replace(
        &format!("redirect_uri={}", urlencoding(CALLBACK)),
        &format!("redirect_uri={}", urlencoding(redirect_uri)),
    );
    let r = browser.get(&url).await;
    let location = r.header("location").to_owned();
    if location.starts_with("/interaction/error") {
        assert!(location.contains("loopback"), "{location}");
        return false;
    }
    let cb = authorize(browser, &url).await;
    assert!(cb.as_str().starts_with(redirect_uri), "{cb}");
    param(&cb, "code").is_some()
}

fn urlencoding(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

async fn legacy_client(app: &TestApp) -> Client<'_> {
    OidcClient {
        callbacks: vec![
            "http://nas.lan/callback".into(),
            "http://127.0.0.1:8080/callback".into(),
        ],
        ..OidcClient::confidential("legacy")
    }
    .insert(app)
    .await;
    passkey_admin(app).await
}

db_test!(
    plain_http_callbacks_only_on_loopback_by_default,
    |app: TestApp| async {
        let mut browser = legacy_client(&app).await;
        assert!(!plain_http_callback_works(&mut browser, "http://nas.lan/callback").await);
        assert!(plain_http_callback_works(&mut browser, "http://127.0.0.1:8080/callback").await);
    }
);

db_test!(
    plain_http_callbacks_when_allowed,
    env = [("ALLOW_INSECURE_CALLBACK_URLS", "true")],
    |app: TestApp| async {
        let mut browser = legacy_client(&app).await;
        assert!(plain_http_callback_works(&mut browser, "http://nas.lan/callback").await);
    }
);
