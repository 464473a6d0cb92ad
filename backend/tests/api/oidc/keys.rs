//! Signing keys: stored encrypted, shared by instances on one database, and rotated without
//! signing anybody out (the old key stays published until its tokens have expired).

use super::*;
use crate::db_test;
use crate::fixtures::admin_with_passkey;
use crate::passkeys::login;
use pocket_id::crypto::keys::Alg;
use pocket_id::db::entities::kv;
use sea_orm::EntityTrait;

db_test!(
    keys_are_encrypted_at_rest_and_shared,
    |app: TestApp| async {
        let rows = kv::Entity::find().all(&app.db).await.unwrap();
        let row = rows
            .iter()
            .find(|r| r.key.starts_with("signing_key/"))
            .expect("stored key");
        assert!(
            !row.value.contains("pkcs8") && !row.value.contains("RS256"),
            "sealed, not plain JSON"
        );
        // A second instance on the same database signs with the same key.
        let other = pocket_id::crypto::keystore::KeyStore::open(
            &app.db,
            app.config.encryption_key.expose(),
            app.clock_now(),
        )
        .await
        .unwrap();
        assert_eq!(other.get().current.kid, app.state.keys.get().current.kid);
        // The wrong master key cannot open it.
        assert!(
            pocket_id::crypto::keystore::KeyStore::open(
                &app.db,
                "another-master-key-0123456789",
                app.clock_now()
            )
            .await
            .is_err()
        );
    }
);

db_test!(
    rotation_keeps_old_tokens_valid_until_they_expire,
    |app: TestApp| async {
        OidcClient::confidential("rp").insert(&app).await;
        let (mut browser, mut auth) = admin_with_passkey(&app).await;
        login(&mut browser, &mut auth).await;
        let (code, verifier) = code_for(&mut browser, "rp").await;
        let old: Value = exchange(&app, "rp", &code, &verifier).await.json();
        let old_kid = app.state.keys.get().current.kid.clone();

        let new_kid = pocket_id::crypto::keystore::rotate(
            &app.db,
            app.config.encryption_key.expose(),
            Alg::ES256,
            None,
            app.clock_now(),
        )
        .await
        .unwrap();
        // Not yet reloaded: this instance still signs with the old key.
        assert_eq!(app.state.keys.get().current.kid, old_kid);
        // Every instance picks it up within its reload interval, without a restart.
        assert!(app.reload_keys().await, "picked up without restart");
        assert_eq!(app.state.keys.get().current.kid, new_kid);
        let jwks: Value = app.get("/.well-known/jwks.json").await.json();
        let kids: Vec<&str> = jwks["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["kid"].as_str().unwrap())
            .collect();
        assert_eq!(
            kids,
            vec![new_kid.as_str(), old_kid.as_str()],
            "new key first, old key still published"
        );
        let doc: Value = app.get("/.well-known/openid-configuration").await.json();
        assert_eq!(
            doc["id_token_signing_alg_values_supported"],
            json!(["ES256"])
        );

        // The token signed before the rotation still works; new ones use the new key.
        let at = old["access_token"].as_str().unwrap();
        assert_eq!(
            get_bearer(&app, "/api/oidc/userinfo", at).await.status,
            StatusCode::OK
        );
        let refreshed: Value = refresh(&app, "rp", old["refresh_token"].as_str().unwrap())
            .await
            .json();
        let header = pocket_id::crypto::jws::peek(refreshed["id_token"].as_str().unwrap())
            .unwrap()
            .header;
        assert_eq!(
            (header["kid"].as_str(), header["alg"].as_str()),
            (Some(new_kid.as_str()), Some("ES256"))
        );

        // Once the longest token lifetime (60 min here) plus grace has passed, the old key goes.
        app.clock.advance(chrono::Duration::minutes(66));
        app.state
            .keys
            .refresh(&app.db, app.clock_now())
            .await
            .unwrap();
        let jwks: Value = app.get("/.well-known/jwks.json").await.json();
        assert_eq!(jwks["keys"].as_array().unwrap().len(), 1);
    }
);
