//! RFC 7523 client assertions from a federated identity: the external issuer's JWKS is served
//! over real HTTP by the test and fetched by the server; replayed `jti`s, wrong audiences,
//! expired and HMAC-signed assertions are refused.

use super::*;
use crate::db_test;
use pocket_id::crypto::jws;
use pocket_id::crypto::keys::{Alg, SigningKey};
use pocket_id::features::oidc::protocol::client_auth::JWT_BEARER;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

const IDP: &str = "https://idp.example";

/// Serves `jwks` at `http://127.0.0.1:<port>/jwks`; returns the URL and the number of fetches.
async fn serve_jwks(jwks: Value) -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let app = axum::Router::new().route(
        "/jwks",
        axum::routing::get(move || {
            let j = jwks.clone();
            counter.fetch_add(1, Ordering::SeqCst);
            async move { axum::Json(j) }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await.ok() });
    (format!("http://127.0.0.1:{port}/jwks"), hits)
}

/// The client "workload" with one federated identity whose key set is served at `jwks`.
async fn workload(app: &TestApp, jwks: String) {
    let identity = FederatedIdentity {
        issuer: IDP.into(),
        jwks: Some(jwks),
        replay_protection: true,
        ..Default::default()
    };
    OidcClient::public("workload")
        .federated(identity)
        .insert(app)
        .await;
}

db_test!(
    key_sets_are_fetched_through_the_ssrf_guard,
    |app: TestApp| async move {
        // Without the test switch a key set on loopback (or any private address) is refused.
        let idp_key = SigningKey::generate(Alg::ES256, None).unwrap();
        let (url, hits) = serve_jwks(json!({ "keys": [idp_key.public_jwk()] })).await;
        workload(&app, url).await;
        let r = token_with(&app, &assertion(&idp_key, &app, ISSUER, 300, "jti-1")).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.text());
        assert_eq!(hits.load(Ordering::SeqCst), 0, "nothing was fetched");
    }
);

db_test!(
    unknown_key_ids_refetch_the_key_set_at_most_once_a_minute,
    |app: TestApp| async move {
        let mut app = app;
        app.allow_loopback();
        let idp_key = SigningKey::generate(Alg::ES256, None).unwrap();
        let (url, hits) = serve_jwks(json!({ "keys": [idp_key.public_jwk()] })).await;
        workload(&app, url).await;
        let r = token_with(&app, &assertion(&idp_key, &app, ISSUER, 300, "jti-1")).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(hits.load(Ordering::SeqCst), 1);
        // A stream of assertions naming keys the issuer does not have.
        let stranger = SigningKey::generate(Alg::ES256, None).unwrap();
        for i in 0..20 {
            let a = assertion(&stranger, &app, ISSUER, 300, &format!("jti-x{i}"));
            assert_eq!(token_with(&app, &a).await.status, StatusCode::UNAUTHORIZED);
        }
        // Each instance fetched the set once (a cache is per instance), never again.
        let instances = 1 + app.peers.len();
        assert!(
            hits.load(Ordering::SeqCst) <= instances,
            "the cached set answered"
        );
    }
);

fn assertion(key: &SigningKey, app: &TestApp, aud: &str, exp_in: i64, jti: &str) -> String {
    let now = app.clock_now().timestamp();
    jws::encode(key, None, &json!({"iss": IDP, "sub": "workload", "aud": aud, "iat": now, "exp": now + exp_in, "jti": jti})).unwrap()
}

async fn token_with(app: &TestApp, assertion: &str) -> TestResponse {
    post_form(
        app,
        "/api/oidc/token",
        &[
            ("grant_type", "client_credentials"),
            ("client_assertion_type", JWT_BEARER),
            ("client_assertion", assertion),
        ],
        None,
    )
    .await
}

db_test!(federated_client_assertions, |app: TestApp| async move {
    let mut app = app;
    app.allow_loopback();
    let idp_key = SigningKey::generate(Alg::ES256, None).unwrap();
    let (url, _) = serve_jwks(json!({ "keys": [idp_key.public_jwk()] })).await;
    workload(&app, url).await;

    // client_id omitted: the assertion's subject names the client.
    let a = assertion(&idp_key, &app, ISSUER, 300, "jti-1");
    let r = token_with(&app, &a).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let at = r.json::<Value>()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = token_with(&app, &a).await;
    assert_eq!(
        (r.status, r.json::<Value>()["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_client")),
        "replayed jti"
    );

    // The token endpoint URL is an accepted audience too (RFC 7523 3).
    let r = token_with(
        &app,
        &assertion(
            &idp_key,
            &app,
            &format!("{ISSUER}/api/oidc/token"),
            300,
            "jti-2",
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    for (why, bad) in [
        (
            "wrong audience",
            assertion(&idp_key, &app, "https://someone.else", 300, "jti-3"),
        ),
        ("expired", assertion(&idp_key, &app, ISSUER, -120, "jti-4")),
        (
            "unknown signer",
            assertion(
                &SigningKey::generate(Alg::ES256, None).unwrap(),
                &app,
                ISSUER,
                300,
                "jti-5",
            ),
        ),
    ] {
        let r = token_with(&app, &bad).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{why}: {}", r.text());
    }
    let hs = {
        let parts: Vec<String> = assertion(&idp_key, &app, ISSUER, 300, "jti-6")
            .split('.')
            .map(str::to_owned)
            .collect();
        let h = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(json!({"alg": "HS256", "kid": idp_key.kid}).to_string());
        format!("{h}.{}.AAAA", parts[1])
    };
    assert_eq!(
        token_with(&app, &hs).await.status,
        StatusCode::UNAUTHORIZED,
        "HMAC assertion"
    );

    // An assertion valid for more than a day is refused; one for a day passes.
    let far = assertion(&idp_key, &app, ISSUER, 2 * 86_400, "jti-far");
    assert_eq!(
        token_with(&app, &far).await.status,
        StatusCode::UNAUTHORIZED,
        "exp two days ahead"
    );
    let day = assertion(&idp_key, &app, ISSUER, 86_400, "jti-day");
    assert_eq!(
        token_with(&app, &day).await.status,
        StatusCode::OK,
        "exp a day ahead"
    );

    // Introspection with the assertion as a bearer token (Pocket ID) sees the client's token.
    let a = assertion(&idp_key, &app, ISSUER, 300, "jti-7");
    let req = Request::post("/api/oidc/introspect")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("authorization", format!("Bearer {a}"))
        .body(Body::from(format!("client_id=workload&token={at}")))
        .unwrap();
    let v: Value = app.request(req).await.json();
    assert_eq!(v["active"], true, "{v}");
    assert_eq!(v["sub"], "client-workload");
});
