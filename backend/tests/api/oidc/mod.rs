//! The OpenID Connect provider driven by a real relying party (the `openidconnect` crate) and by
//! raw protocol requests for everything a well-behaved library never sends (the negative suite).

mod device;
mod discovery;
mod federated;
mod flows;
mod keys;
mod logout;
mod negative;
mod redirects;
mod resources;

use crate::helpers::{Client, TestApp, TestResponse};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use base64::Engine;
use pocket_id::db::entities::{oidc_clients, oidc_clients_allowed_user_groups};
use pocket_id::features::oidc::clients::credentials::FederatedIdentity;
use sea_orm::{ActiveModelTrait, Set};
use serde_json::{Value, json};
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;

pub use crate::fixtures::{CALLBACK, Group, LOGOUT, OidcClient, SECRET};

pub const ISSUER: &str = "http://localhost:1411";

/// Restricts `client` to a new group (that the admin is not in).
pub async fn restrict_to_new_group(app: &TestApp, client: &str) {
    let g = Group::new("staff").friendly("Staff").insert(app).await;
    oidc_clients_allowed_user_groups::ActiveModel {
        user_group_id: Set(g),
        oidc_client_id: Set(client.to_owned()),
    }
    .insert(&app.db)
    .await
    .unwrap();
    let mut c: oidc_clients::ActiveModel =
        pocket_id::features::oidc::clients::repo::find(&app.db, client)
            .await
            .unwrap()
            .unwrap()
            .into();
    c.is_group_restricted = Set(true);
    c.update(&app.db).await.unwrap();
}

type Fut = Pin<Box<dyn Future<Output = Result<openidconnect::HttpResponse, Infallible>>>>;

/// The relying party's back channel: requests go straight into the router.
pub fn rp_http(app: &TestApp) -> impl Fn(openidconnect::HttpRequest) -> Fut + '_ {
    move |req: openidconnect::HttpRequest| {
        let router = app.next_router();
        Box::pin(async move {
            use tower::ServiceExt;
            let (parts, body) = req.into_parts();
            let req = Request::from_parts(parts, Body::from(body));
            let res = router.oneshot(req).await.expect("router");
            let (parts, body) = res.into_parts();
            let bytes = axum::body::to_bytes(body, usize::MAX).await.expect("body");
            Ok(openidconnect::HttpResponse::from_parts(
                parts,
                bytes.to_vec(),
            ))
        }) as Fut
    }
}

/// The `error` of an OAuth error answer (empty when there is none).
pub fn error(r: &TestResponse) -> String {
    r.json::<Value>()["error"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// The path and query of an absolute URL of ours.
pub fn local(url: &str) -> String {
    url.strip_prefix(ISSUER).unwrap_or(url).to_owned()
}

/// Follows an authorization through the interaction steps as the SPA would (the browser is
/// signed in), approving consent; returns the final redirect to the client.
pub async fn authorize(c: &mut Client<'_>, url: &str) -> url::Url {
    let mut r = c.get(&local(url)).await;
    for _ in 0..8 {
        assert_eq!(r.status, StatusCode::FOUND, "{}", r.text());
        let location = r.header("location").to_owned();
        if let Some(id) = location.strip_prefix("/interaction?interaction=") {
            let i: Value = c.get(&format!("/api/oidc/interactions/{id}")).await.json();
            let step = i["currentStep"].as_str().expect("a step").to_owned();
            let done = c
                .post(
                    &format!("/api/oidc/interactions/{id}/complete"),
                    &json!({ "step": step }),
                )
                .await;
            assert_eq!(done.status, StatusCode::OK, "{}", done.text());
            let v: Value = done.json();
            if let Some(next) = v["redirectUrl"].as_str() {
                r = c.get(next).await;
            } else {
                // Another step: loop through the interaction again.
                r = TestResponse {
                    status: StatusCode::FOUND,
                    headers: {
                        let mut h = axum::http::HeaderMap::new();
                        h.insert(
                            "location",
                            format!("/interaction?interaction={id}").parse().unwrap(),
                        );
                        h
                    },
                    body: Default::default(),
                };
            }
            continue;
        }
        return url::Url::parse(&location)
            .unwrap_or_else(|_| panic!("not a client redirect: {location}"));
    }
    panic!("too many redirects")
}

/// A query parameter of `url`.
pub fn param(url: &url::Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// POSTs a form to a protocol endpoint, with Basic client credentials when given.
pub async fn post_form(
    app: &TestApp,
    path: &str,
    form: &[(&str, &str)],
    basic: Option<(&str, &str)>,
) -> TestResponse {
    let body: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form.iter().copied())
        .finish();
    let mut req = Request::post(path).header("content-type", "application/x-www-form-urlencoded");
    if let Some((id, secret)) = basic {
        let b = base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"));
        req = req.header("authorization", format!("Basic {b}"));
    }
    app.request(req.body(Body::from(body)).unwrap()).await
}

/// GET with a bearer token.
pub async fn get_bearer(app: &TestApp, path: &str, token: &str) -> TestResponse {
    app.request(
        Request::get(path)
            .header("authorization", format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

/// A PKCE pair (S256).
pub fn pkce_pair() -> (String, String) {
    let verifier = pocket_id::crypto::random_token(32);
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(<sha2::Sha256 as sha2::Digest>::digest(verifier.as_bytes()));
    (verifier, challenge)
}

/// An authorization URL for `client` with the given extra parameters.
pub fn authorize_url(client: &str, extra: &[(&str, &str)]) -> String {
    let q: String = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("client_id", client)
        .append_pair("response_type", "code")
        .append_pair("redirect_uri", CALLBACK)
        .append_pair("scope", "openid profile email")
        .append_pair("state", "state-0123456789")
        .extend_pairs(extra.iter().copied())
        .finish();
    format!("/authorize?{q}")
}

/// Signs in (passkey) and runs a code flow for a confidential client with PKCE; returns the
/// code and the PKCE verifier.
pub async fn code_for(c: &mut Client<'_>, client: &str) -> (String, String) {
    let (verifier, challenge) = pkce_pair();
    let url = authorize_url(
        client,
        &[
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
            ("nonce", "nonce-0123456789"),
        ],
    );
    let cb = authorize(c, &url).await;
    (param(&cb, "code").expect("code"), verifier)
}

/// Exchanges a code with raw parameters.
pub async fn exchange(app: &TestApp, client: &str, code: &str, verifier: &str) -> TestResponse {
    post_form(
        app,
        "/api/oidc/token",
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", CALLBACK),
            ("code_verifier", verifier),
        ],
        Some((client, SECRET)),
    )
    .await
}

/// Redeems a refresh token with raw parameters.
pub async fn refresh(app: &TestApp, client: &str, refresh_token: &str) -> TestResponse {
    post_form(
        app,
        "/api/oidc/token",
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
        ],
        Some((client, SECRET)),
    )
    .await
}
