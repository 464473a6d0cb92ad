//! Resource indicators (RFC 8707): an admin's API as the access token's audience, with the
//! permissions granted to the client (user-delegated for code and device flows, client for
//! client credentials), and every way a request for one is refused.

use super::*;
use crate::db_test;
use crate::fixtures::passkey_admin;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

const ORDERS: &str = "https://orders.example.com";

/// The claims of a JWT (its signature is checked by the endpoints under test).
fn claims(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).expect("a JWT");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

/// The signed-in admin (browser) with the API "Orders" (permissions `read:orders`,
/// `write:orders`, `admin:orders`) and the confidential client `rp` granted `read:orders` for
/// users and `write:orders` for itself. Returns the browser and the API id.
async fn setup(app: &TestApp) -> (Client<'_>, String) {
    OidcClient::confidential("rp").device().insert(app).await;
    let mut browser = passkey_admin(app).await;
    let api: Value = browser
        .post(
            "/api/apis",
            &json!({"name": "Orders", "resource": format!("{ORDERS}/")}),
        )
        .await
        .json();
    let id = api["id"].as_str().unwrap().to_owned();
    let perms: Value = browser
        .send(
            axum::http::Method::PUT,
            &format!("/api/apis/{id}/permissions"),
            Some(&json!({"permissions": [
                {"key": "read:orders", "name": "Read your orders", "description": "See what you bought"},
                {"key": "write:orders", "name": "Place orders"},
                {"key": "admin:orders", "name": "Manage all orders"},
            ]})),
        )
        .await
        .json();
    let perm = |key: &str| {
        perms["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["key"] == key)
            .unwrap()["id"]
            .clone()
    };
    let r = browser
        .send(
            axum::http::Method::PUT,
            &format!("/api/apis/{id}/clients/rp"),
            Some(&json!({
                "userDelegatedPermissionIds": [perm("read:orders")],
                "clientPermissionIds": [perm("write:orders")],
            })),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    (browser, id)
}

/// An authorization URL for `rp` with `scope`, PKCE and the extra parameters.
fn url(scope: &str, challenge: &str, extra: &[(&str, &str)]) -> String {
    let q: String = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("client_id", "rp")
        .append_pair("response_type", "code")
        .append_pair("redirect_uri", CALLBACK)
        .append_pair("scope", scope)
        .append_pair("state", "state-0123456789")
        .append_pair("code_challenge", challenge)
        .append_pair("code_challenge_method", "S256")
        .extend_pairs(extra.iter().copied())
        .finish();
    format!("/authorize?{q}")
}

/// Runs a code flow for `rp` and exchanges the code; returns the token response.
async fn tokens_for(c: &mut Client<'_>, scope: &str, extra: &[(&str, &str)]) -> Value {
    let (verifier, challenge) = pkce_pair();
    let cb = authorize(c, &url(scope, &challenge, extra)).await;
    let code = param(&cb, "code").unwrap_or_else(|| panic!("no code: {cb}"));
    let r = exchange(c.app, "rp", &code, &verifier).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json()
}

/// The error an authorization request is answered with at the client's redirect URI.
async fn refused(c: &mut Client<'_>, scope: &str, extra: &[(&str, &str)]) -> String {
    let (_, challenge) = pkce_pair();
    let r = c.get(&url(scope, &challenge, extra)).await;
    assert_eq!(r.status, StatusCode::FOUND, "{}", r.text());
    let to = url::Url::parse(r.header("location"))
        .unwrap_or_else(|_| panic!("not a client redirect: {}", r.header("location")));
    assert!(to.as_str().starts_with(CALLBACK), "{to}");
    param(&to, "error").expect("an error")
}

fn client_credentials<'a>(
    app: &'a TestApp,
    form: &'a [(&'a str, &'a str)],
) -> impl Future<Output = TestResponse> + 'a {
    let mut all = vec![("grant_type", "client_credentials")];
    all.extend_from_slice(form);
    async move { post_form(app, "/api/oidc/token", &all, Some(("rp", SECRET))).await }
}

db_test!(code_flow_for_an_api, |app: TestApp| async {
    let (mut browser, _) = setup(&app).await;
    // The consent screen names the permission.
    let (_, challenge) = pkce_pair();
    let r = browser
        .get(&url(
            "openid read:orders",
            &challenge,
            &[("resource", ORDERS)],
        ))
        .await;
    let interaction = r
        .header("location")
        .strip_prefix("/interaction?interaction=")
        .expect("consent needed")
        .to_owned();
    let i: Value = browser
        .get(&format!("/api/oidc/interactions/{interaction}"))
        .await
        .json();
    assert_eq!(i["scopes"], json!(["openid", "read:orders"]));
    assert_eq!(
        i["scopeInfo"],
        json!([{"key": "read:orders", "name": "Read your orders", "description": "See what you bought"}])
    );

    // The trailing slash of the resource is ignored.
    let t = tokens_for(
        &mut browser,
        "openid read:orders",
        &[("resource", &format!("{ORDERS}/"))],
    )
    .await;
    assert_eq!(t["scope"], "openid read:orders");
    let at = claims(t["access_token"].as_str().unwrap());
    assert_eq!(
        at["aud"],
        json!([ORDERS, ISSUER]),
        "the API, and us for userinfo"
    );
    assert_eq!(at["scope"], "openid read:orders");
    assert_eq!(at["client_id"], "rp");
    let id = claims(t["id_token"].as_str().unwrap());
    assert_eq!(id["aud"], json!(["rp"]), "the ID token stays the client's");
    let at_str = t["access_token"].as_str().unwrap();
    assert_eq!(
        get_bearer(&app, "/api/oidc/userinfo", at_str).await.status,
        StatusCode::OK,
        "identity scopes make it good at userinfo"
    );
    let intro: Value = post_form(
        &app,
        "/api/oidc/introspect",
        &[("token", at_str)],
        Some(("rp", SECRET)),
    )
    .await
    .json();
    assert_eq!(intro["aud"], json!([ORDERS, ISSUER]));

    // The refresh grant keeps the audience.
    let r = refresh(&app, "rp", t["refresh_token"].as_str().unwrap()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let t2: Value = r.json();
    assert_eq!(
        claims(t2["access_token"].as_str().unwrap())["aud"],
        json!([ORDERS, ISSUER])
    );
    assert_eq!(t2["scope"], "openid read:orders");
    // Another resource cannot be switched to on refresh.
    let r = post_form(
        &app,
        "/api/oidc/token",
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", t2["refresh_token"].as_str().unwrap()),
            ("resource", "https://other.example.com"),
        ],
        Some(("rp", SECRET)),
    )
    .await;
    assert_eq!(error(&r), "invalid_target");

    // Without resource, the audience is the client.
    let t = tokens_for(&mut browser, "openid", &[]).await;
    assert_eq!(
        claims(t["access_token"].as_str().unwrap())["aud"],
        json!(["rp", ISSUER])
    );
});

db_test!(refused_resource_requests, |app: TestApp| async {
    let (mut browser, _) = setup(&app).await;
    // A permission not granted to the client for users (only for itself, or not at all).
    assert_eq!(
        refused(&mut browser, "openid write:orders", &[("resource", ORDERS)]).await,
        "invalid_scope"
    );
    assert_eq!(
        refused(&mut browser, "admin:orders", &[("resource", ORDERS)]).await,
        "invalid_scope"
    );
    // An API permission without its resource.
    assert_eq!(
        refused(&mut browser, "openid read:orders", &[]).await,
        "invalid_scope"
    );
    // An unknown resource.
    assert_eq!(
        refused(
            &mut browser,
            "openid",
            &[("resource", "https://nope.example.com")]
        )
        .await,
        "invalid_target"
    );
    // An API the client has no access to.
    browser
        .post(
            "/api/apis",
            &json!({"name": "Billing", "resource": "https://billing.example.com"}),
        )
        .await;
    assert_eq!(
        refused(
            &mut browser,
            "openid",
            &[("resource", "https://billing.example.com")]
        )
        .await,
        "access_denied"
    );
    // Unknown scopes are still ignored.
    let t = tokens_for(
        &mut browser,
        "openid read:orders no-such-scope",
        &[("resource", ORDERS)],
    )
    .await;
    assert_eq!(t["scope"], "openid read:orders");
    // Pushed requests are checked when pushed.
    let r = post_form(
        &app,
        "/api/oidc/par",
        &[
            ("response_type", "code"),
            ("redirect_uri", CALLBACK),
            ("scope", "openid"),
            ("state", "state-0123456789"),
            ("resource", "https://nope.example.com"),
        ],
        Some(("rp", SECRET)),
    )
    .await;
    assert_eq!(
        (r.status, error(&r)),
        (StatusCode::BAD_REQUEST, "invalid_target".into())
    );
});

db_test!(
    api_only_tokens_are_refused_at_userinfo,
    |app: TestApp| async {
        let (mut browser, id) = setup(&app).await;
        let t = tokens_for(&mut browser, "read:orders", &[("resource", ORDERS)]).await;
        let at = t["access_token"].as_str().unwrap();
        assert_eq!(
            claims(at)["aud"],
            json!([ORDERS]),
            "no identity scope, no issuer"
        );
        let r = get_bearer(&app, "/api/oidc/userinfo", at).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.text());
        assert_eq!(error(&r), "invalid_token");

        // Revoking the client's access ends the grant at the next refresh.
        let r = browser
            .send(
                axum::http::Method::DELETE,
                &format!("/api/apis/{id}/clients/rp"),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        let r = refresh(&app, "rp", t["refresh_token"].as_str().unwrap()).await;
        assert_eq!(error(&r), "invalid_grant");
    }
);

db_test!(client_credentials_for_an_api, |app: TestApp| async {
    setup(&app).await;
    // No scope: every permission granted to the client itself.
    let r = client_credentials(&app, &[("resource", ORDERS)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let t: Value = r.json();
    assert_eq!(t["scope"], "write:orders");
    let at = claims(t["access_token"].as_str().unwrap());
    assert_eq!(at["aud"], json!([ORDERS]));
    assert_eq!(at["sub"], "client-rp");
    // Identity scopes are stripped.
    let t: Value = client_credentials(
        &app,
        &[("resource", ORDERS), ("scope", "openid write:orders")],
    )
    .await
    .json();
    assert_eq!(t["scope"], "write:orders");
    // A user-delegated permission cannot be minted machine to machine.
    let r = client_credentials(&app, &[("resource", ORDERS), ("scope", "read:orders")]).await;
    assert_eq!(error(&r), "invalid_scope");
    let r = client_credentials(&app, &[("scope", "write:orders")]).await;
    assert_eq!(
        error(&r),
        "invalid_scope",
        "a permission needs its resource"
    );
    let r = client_credentials(&app, &[("resource", "urn:unknown")]).await;
    assert_eq!(error(&r), "invalid_target");
    // Without resource the token is for the client itself.
    let t: Value = client_credentials(&app, &[]).await.json();
    assert_eq!(
        claims(t["access_token"].as_str().unwrap())["aud"],
        json!(["rp"])
    );
});

db_test!(device_flow_for_an_api, |app: TestApp| async {
    let (mut browser, _) = setup(&app).await;
    let d: Value = post_form(
        &app,
        "/api/oidc/device/authorize",
        &[("scope", "openid read:orders"), ("resource", ORDERS)],
        Some(("rp", SECRET)),
    )
    .await
    .json();
    let code = d["user_code"].as_str().expect("a user code").to_owned();
    let info: Value = browser
        .get(&format!("/api/oidc/device/info?code={code}"))
        .await
        .json();
    assert_eq!(info["scope"], "openid read:orders");
    assert_eq!(info["scopeInfo"][0]["name"], "Read your orders");
    assert_eq!(info["authorizationRequired"], true);
    let r = browser
        .send(
            axum::http::Method::POST,
            &format!("/api/oidc/device/verify?code={code}"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
    let r = post_form(
        &app,
        "/api/oidc/token",
        &[
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("device_code", d["device_code"].as_str().unwrap()),
        ],
        Some(("rp", SECRET)),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let t: Value = r.json();
    assert_eq!(
        claims(t["access_token"].as_str().unwrap())["aud"],
        json!([ORDERS, ISSUER])
    );
    let r = post_form(
        &app,
        "/api/oidc/device/authorize",
        &[("scope", "write:orders"), ("resource", ORDERS)],
        Some(("rp", SECRET)),
    )
    .await;
    assert_eq!(error(&r), "invalid_scope");
});
