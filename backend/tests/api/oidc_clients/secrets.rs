//! Client secrets: generated or supplied, shown once, listed by prefix, expiring with the app
//! clock, deleted, refused for public clients and past the limit, safe under concurrency.

use super::{CLIENTS, code, create, delete, error_fields, stored};
use crate::db_test;
use crate::fixtures::admin;
use crate::helpers::{Client, TestApp, test_now};
use axum::http::{Method, StatusCode};
use chrono::Duration;
use pocket_id::features::oidc::clients::credentials::{Credentials, MAX_SECRETS};
use pocket_shared::ErrorCode;
use pocket_shared::oidc_client::{OidcClientSecretCreatedDto, OidcClientSecretDto};
use serde_json::{Value, json};

db_test!(
    secrets_are_shown_once_and_listed_by_prefix,
    |app: TestApp| async move {
        let mut c = admin(&app).await;
        let id = create(&mut c, json!({"name": "Confidential"}))
            .await
            .client
            .id;
        let path = format!("{CLIENTS}/{id}/secrets");

        let r = c.send(Method::POST, &path, None).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let generated: OidcClientSecretCreatedDto = r.json();
        assert_eq!(generated.secret.len(), 32);
        assert!(
            generated
                .secret
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric())
        );
        assert_eq!(generated.prefix, generated.secret[..4]);
        assert_eq!(generated.expires_at, None);
        assert_eq!(generated.created_at, test_now().to_rfc3339());

        let own = "my-own secret value ~ 0123";
        let expires = test_now() + Duration::minutes(30);
        let r = c
            .post(
                &path,
                &json!({"secret": own, "expiresAt": expires.to_rfc3339()}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let supplied: OidcClientSecretCreatedDto = r.json();
        assert_eq!(supplied.secret, own);
        assert_eq!(supplied.prefix, "my-o");
        assert_eq!(supplied.expires_at, Some(expires.to_rfc3339()));

        // Only hashes are stored; both verify.
        let row = stored(&app, &id).await;
        let raw = serde_json::to_string(&row.credentials).unwrap();
        assert!(!raw.contains(&generated.secret) && !raw.contains(own));
        let creds = Credentials::of(&row);
        assert!(creds.verify_secret(&generated.secret, test_now()));
        assert!(creds.verify_secret(own, test_now()));

        // The list shows metadata only.
        let r = c.get(&path).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert!(!r.text().contains(&generated.secret) && !r.text().contains(own));
        let listed: Vec<OidcClientSecretDto> = r.json();
        assert_eq!(listed.len(), 2);
        assert_eq!(listed[0].id, generated.id);
        assert_eq!(listed[1].prefix, "my-o");
        assert!(listed.iter().all(|s| s.is_active));
        let raw: Value = r.json();
        assert!(raw[0].get("secret").is_none());
        let client: Value = c.get(&format!("{CLIENTS}/{id}")).await.json();
        assert!(!client.to_string().contains(&generated.secret));

        // Expiry follows the app clock (still inside the admin's session).
        app.clock.advance(Duration::minutes(31));
        let listed: Vec<OidcClientSecretDto> = c.get(&path).await.json();
        assert!(listed[0].is_active && !listed[1].is_active);

        let past = (test_now() + Duration::minutes(10)).to_rfc3339();
        let r = c.post(&path, &json!({"expiresAt": past})).await;
        assert_eq!(error_fields(&r), ["expiresAt"]);
        let r = c.post(&path, &json!({"expiresAt": "next week"})).await;
        assert_eq!(error_fields(&r), ["expiresAt"]);
        let r = c.post(&path, &json!({"secret": "too-short"})).await;
        assert_eq!(error_fields(&r), ["secret"]);
        let r = c
            .post(&path, &json!({"secret": "non-ascii-sécret-0123456"}))
            .await;
        assert_eq!(error_fields(&r), ["secret"]);
        assert_eq!(c.get(&path).await.json::<Vec<Value>>().len(), 2);

        let r = delete(&mut c, &format!("{path}/{}", generated.id)).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
        let r = delete(&mut c, &format!("{path}/{}", generated.id)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let creds = Credentials::of(&stored(&app, &id).await);
        assert!(
            !creds.verify_secret(&generated.secret, test_now()),
            "deleted secrets stop working"
        );
        let listed: Vec<OidcClientSecretDto> = c.get(&path).await.json();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].id, supplied.id);

        let r = c.get(&format!("{CLIENTS}/nope/secrets")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = c
            .send(Method::POST, &format!("{CLIENTS}/nope/secrets"), None)
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
);

db_test!(
    secrets_refused_for_public_clients_and_past_the_limit,
    |app: TestApp| async move {
        let mut c = admin(&app).await;
        let public = create(&mut c, json!({"name": "SPA", "isPublic": true}))
            .await
            .client
            .id;
        let r = c
            .send(Method::POST, &format!("{CLIENTS}/{public}/secrets"), None)
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
        assert_eq!(code(&r), ErrorCode::PublicClientSecretNotAllowed);

        let id = create(&mut c, json!({"name": "Busy"})).await.client.id;
        let path = format!("{CLIENTS}/{id}/secrets");
        for _ in 0..MAX_SECRETS {
            let r = c.send(Method::POST, &path, None).await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        }
        let r = c.send(Method::POST, &path, None).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
        assert_eq!(code(&r), ErrorCode::TooManyClientSecrets);
        assert_eq!(c.get(&path).await.json::<Vec<Value>>().len(), MAX_SECRETS);
    }
);

db_test!(
    concurrent_secret_creations_all_land,
    |app: TestApp| async move {
        let mut c = admin(&app).await;
        let id = create(&mut c, json!({"name": "Busy"})).await.client.id;
        let path = format!("{CLIENTS}/{id}/secrets");
        // Read-modify-write of the credentials JSON: without row locking, writers would lose
        // each other's secrets (PostgreSQL) or fail on a stale snapshot (SQLite).
        let mut clients: Vec<Client<'_>> = (0..8)
            .map(|_| Client {
                cookies: c.cookies.clone(),
                ..app.client()
            })
            .collect();
        let results = futures_util::future::join_all(
            clients
                .iter_mut()
                .map(|cl| cl.send(Method::POST, &path, None)),
        )
        .await;
        for r in &results {
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        }
        let listed: Vec<OidcClientSecretDto> = c.get(&path).await.json();
        assert_eq!(listed.len(), 8);
    }
);
