//! Measures the authorization-code exchange (`POST /api/oidc/token`, code + PKCE, RS256 ID and
//! access tokens, refresh token) in-process, each code minted through the real `/authorize`:
//! `cargo run --release -p backend --example code_exchange_latency [iterations]`.
//! SQLite in a temporary folder, or PostgreSQL at `BENCH_DATABASE_URL` (an empty database).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::body::Body;
use axum::http::Request;
use base64::Engine;
use pocket_id::clock::SystemClock;
use pocket_id::db::entities::oidc_clients;
use pocket_id::features::oidc::clients::credentials::{Credentials, StoredSecret};
use sea_orm::{ActiveModelTrait, Set};
use std::collections::HashMap;
use std::time::Instant;
use tower::ServiceExt;

const SECRET: &str = "bench-secret-0123456789abcdefghij";
const CALLBACK: &str = "http://rp.example/cb";

async fn call(
    router: &axum::Router,
    req: Request<Body>,
) -> (u16, HashMap<String, String>, Vec<u8>) {
    let res = router.clone().oneshot(req).await.unwrap();
    let headers = res
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_owned()))
        .collect();
    let status = res.status().as_u16();
    let body = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap()
        .to_vec();
    (status, headers, body)
}

#[tokio::main]
async fn main() {
    let iterations = common::iterations();
    let bench = common::app().await;
    let (router, db) = (bench.router.clone(), bench.db.clone());

    // The first admin (setup signs them in) and a client that skips consent.
    let setup = serde_json::json!({"username": "bench", "email": "bench@example.com", "firstName": "B", "lastName": "B"});
    let (status, headers, _) = call(
        &router,
        Request::post("/api/signup/setup")
            .header("content-type", "application/json")
            .body(Body::from(setup.to_string()))
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    let cookie = headers["set-cookie"].split(';').next().unwrap().to_owned();
    let now = pocket_id::clock::Clock::now(&SystemClock);
    oidc_clients::ActiveModel {
        id: Set("bench".into()),
        created_at: Set(now),
        name: Set(Some("Bench".into())),
        callback_urls: Set(Some(serde_json::json!([CALLBACK]))),
        is_public: Set(false),
        pkce_enabled: Set(true),
        skip_consent: Set(true),
        credentials: Set(Some(
            Credentials {
                secrets: vec![StoredSecret::new(SECRET, now, None)],
                ..Default::default()
            }
            .to_column(),
        )),
        description: Set(String::new()),
        client_type: Set("standard".into()),
        access_token_duration_minutes: Set(60),
        refresh_token_duration_minutes: Set(43_200),
        ..Default::default()
    }
    .insert(&db)
    .await
    .unwrap();
    let basic = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("bench:{SECRET}"))
    );

    let mut samples = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        let verifier = pocket_id::crypto::random_token(32);
        let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(<sha2::Sha256 as sha2::Digest>::digest(verifier.as_bytes()));
        let q: String = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs([
                ("client_id", "bench"),
                ("response_type", "code"),
                ("redirect_uri", CALLBACK),
                ("scope", "openid profile email"),
                ("code_challenge", challenge.as_str()),
                ("code_challenge_method", "S256"),
                ("state", "bench-state-01"),
            ])
            .finish();
        let (status, headers, _) = call(
            &router,
            Request::get(format!("/authorize?{q}"))
                .header("cookie", &cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(status, 302);
        let location = url::Url::parse(&headers["location"]).unwrap();
        let code = location
            .query_pairs()
            .find(|(k, _)| k == "code")
            .unwrap()
            .1
            .into_owned();
        let form: String = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs([
                ("grant_type", "authorization_code"),
                ("code", code.as_str()),
                ("redirect_uri", CALLBACK),
                ("code_verifier", verifier.as_str()),
            ])
            .finish();
        let req = Request::post("/api/oidc/token")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("authorization", &basic)
            .body(Body::from(form))
            .unwrap();
        let t = Instant::now();
        let (status, _, body) = call(&router, req).await;
        samples.push(t.elapsed());
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    }
    common::report("code exchange", samples);
}
