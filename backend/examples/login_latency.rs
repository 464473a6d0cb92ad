//! Measures `POST /api/webauthn/login/finish` in-process (the full router and database, no
//! network): `cargo run --release -p backend --example login_latency [iterations]`.
//! Uses SQLite in a temporary folder, or PostgreSQL at `BENCH_DATABASE_URL` (an empty database).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

#[allow(dead_code)] // the example uses only part of the test authenticator
#[path = "../tests/api/authenticator.rs"]
mod authenticator;

use axum::body::Body;
use axum::http::Request;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::time::Instant;
use tower::ServiceExt;

struct Client {
    router: axum::Router,
    cookies: HashMap<String, String>,
}

impl Client {
    async fn send(&mut self, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
        let mut req = Request::builder().method(method).uri(path);
        let cookie = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        req = req
            .header("cookie", cookie)
            .header("content-type", "application/json");
        let req = req
            .body(body.map(|b| Body::from(b.to_string())).unwrap_or_default())
            .unwrap();
        let res = self.router.clone().oneshot(req).await.unwrap();
        for v in res.headers().get_all("set-cookie") {
            let (pair, _) = v.to_str().unwrap().split_once(';').unwrap();
            let (k, v) = pair.split_once('=').unwrap();
            self.cookies.insert(k.to_owned(), v.to_owned());
        }
        let status = res.status().as_u16();
        let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }
}

#[tokio::main]
async fn main() {
    let iterations = common::iterations();
    let bench = common::app().await;
    let mut c = Client {
        router: bench.router.clone(),
        cookies: HashMap::new(),
    };
    let mut auth = authenticator::SoftAuthenticator::new("http://localhost:1411");

    let setup = json!({"username": "bench", "email": "bench@example.com", "firstName": "B", "lastName": "B"});
    assert_eq!(
        c.send("POST", "/api/signup/setup", Some(&setup)).await.0,
        200
    );
    let (_, options) = c.send("GET", "/api/webauthn/register/start", None).await;
    let cred = auth.create(&options).unwrap();
    assert_eq!(
        c.send("POST", "/api/webauthn/register/finish", Some(&cred))
            .await
            .0,
        200
    );

    let mut samples = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        let (_, options) = c.send("GET", "/api/webauthn/login/start", None).await;
        let assertion = auth.get(&options).unwrap();
        let t = Instant::now();
        let (status, _) = c
            .send("POST", "/api/webauthn/login/finish", Some(&assertion))
            .await;
        samples.push(t.elapsed());
        assert_eq!(status, 200);
    }
    common::report("login/finish", samples);
}
