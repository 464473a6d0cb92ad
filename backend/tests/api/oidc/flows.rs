//! Full flows with the `openidconnect` crate as the relying party, for RS256, ES256 and EdDSA
//! keys (the verifier's algorithm allow-list is set to the one key algorithm, so a token signed
//! any other way fails): code + PKCE + nonce, userinfo, refresh rotation, introspection,
//! revocation, client credentials, device flow and PAR.

use super::*;
use crate::db_test;
use crate::fixtures::{admin_with_passkey, passkey_admin};
use crate::passkeys::login;
use openidconnect::core::CoreRevocableToken;
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreDeviceAuthorizationResponse, CoreJwsSigningAlgorithm,
    CoreProviderMetadata, CoreUserInfoClaims,
};
use openidconnect::{
    AccessTokenHash, AuthorizationCode, ClientId, ClientSecret, CsrfToken, DeviceAuthorizationUrl,
    IntrospectionUrl, IssuerUrl, Nonce, OAuth2TokenResponse, PkceCodeChallenge, RedirectUrl,
    RevocationUrl, Scope, TokenIntrospectionResponse, TokenResponse,
};
use pocket_id::crypto::keys::Alg;

async fn rotate_to(app: &TestApp, alg: Alg) {
    if alg == Alg::RS256 {
        return;
    }
    pocket_id::crypto::keystore::rotate(
        &app.db,
        app.config.encryption_key.expose(),
        alg,
        None,
        app.clock_now(),
    )
    .await
    .unwrap();
    assert!(app.reload_keys().await);
    for state in app.states() {
        assert_eq!(state.keys.get().current.alg, alg);
    }
}

async fn full_flow(app: &TestApp, alg: Alg, jws: CoreJwsSigningAlgorithm) {
    rotate_to(app, alg).await;
    OidcClient::confidential("rp").device().insert(app).await;
    let mut browser = passkey_admin(app).await;

    let http = rp_http(app);
    let meta = CoreProviderMetadata::discover_async(IssuerUrl::new(ISSUER.into()).unwrap(), &http)
        .await
        .expect("discovery");
    assert_eq!(
        meta.id_token_signing_alg_values_supported(),
        &vec![jws.clone()]
    );
    let client = CoreClient::from_provider_metadata(
        meta,
        ClientId::new("rp".into()),
        Some(ClientSecret::new(SECRET.into())),
    )
    .set_redirect_uri(RedirectUrl::new(CALLBACK.into()).unwrap());

    // Authorization code + PKCE + nonce through the interaction (consent).
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, csrf, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("profile".into()))
        .add_scope(Scope::new("email".into()))
        .add_scope(Scope::new("groups".into()))
        .set_pkce_challenge(challenge)
        .url();
    let cb = authorize(&mut browser, url.as_str()).await;
    assert_eq!(cb.as_str().split('?').next(), Some(CALLBACK));
    assert_eq!(param(&cb, "state").as_deref(), Some(csrf.secret().as_str()));
    assert_eq!(param(&cb, "iss").as_deref(), Some(ISSUER), "RFC 9207");
    let code = param(&cb, "code").unwrap();
    let tokens = client
        .exchange_code(AuthorizationCode::new(code))
        .unwrap()
        .set_pkce_verifier(verifier)
        .request_async(&http)
        .await
        .expect("code exchange");
    let id_token = tokens.id_token().expect("id token");
    let subject = {
        let verifier = client
            .id_token_verifier()
            .set_allowed_algs(vec![jws.clone()]);
        let claims = id_token.claims(&verifier, &nonce).expect("valid ID token");
        assert_eq!(claims.issuer().as_str(), ISSUER);
        assert_eq!(claims.preferred_username().unwrap().as_str(), "admin");
        assert_eq!(claims.email().unwrap().as_str(), "admin@example.com");
        assert!(claims.auth_time().is_some());
        assert_eq!(claims.auth_method_refs().unwrap()[0].as_str(), "phr");
        let at_hash = AccessTokenHash::from_token(
            tokens.access_token(),
            id_token.signing_alg().unwrap(),
            id_token.signing_key(&verifier).unwrap(),
        )
        .unwrap();
        assert_eq!(claims.access_token_hash(), Some(&at_hash));
        // A verifier that only allows another algorithm refuses the token.
        let other = if jws == CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256 {
            CoreJwsSigningAlgorithm::EcdsaP256Sha256
        } else {
            CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256
        };
        assert!(
            id_token
                .claims(
                    &client.id_token_verifier().set_allowed_algs(vec![other]),
                    &nonce
                )
                .is_err()
        );
        assert_eq!(tokens.expires_in().unwrap().as_secs(), 3600);
        claims.subject().clone()
    };

    // Userinfo.
    let info: CoreUserInfoClaims = client
        .user_info(tokens.access_token().clone(), Some(subject.clone()))
        .unwrap()
        .request_async(&http)
        .await
        .expect("userinfo");
    assert_eq!(info.preferred_username().unwrap().as_str(), "admin");
    assert_eq!(
        info.given_name().unwrap().get(None).unwrap().as_str(),
        "Ada"
    );

    // Refresh: rotated, the old one is refused afterwards and that reuse revokes the family.
    let rt = tokens.refresh_token().expect("refresh token").clone();
    let refreshed = client
        .exchange_refresh_token(&rt)
        .unwrap()
        .request_async(&http)
        .await
        .expect("refresh");
    let rt2 = refreshed.refresh_token().unwrap().clone();
    assert_ne!(rt2.secret(), rt.secret());
    assert!(
        refreshed.extra_fields().id_token().is_some(),
        "openid grants get a new ID token"
    );
    let old_at = get_bearer(app, "/api/oidc/userinfo", tokens.access_token().secret()).await;
    assert_eq!(
        old_at.status,
        StatusCode::UNAUTHORIZED,
        "the rotated-out access token ends"
    );
    let new_at = get_bearer(app, "/api/oidc/userinfo", refreshed.access_token().secret()).await;
    assert_eq!(new_at.status, StatusCode::OK);

    // Introspection of our own tokens.
    let client = client.set_introspection_url(
        IntrospectionUrl::new(format!("{ISSUER}/api/oidc/introspect")).unwrap(),
    );
    let intro = client
        .introspect(refreshed.access_token())
        .request_async(&http)
        .await
        .expect("introspect");
    assert!(intro.active());
    assert_eq!(intro.client_id().unwrap().as_str(), "rp");
    assert_eq!(intro.sub(), Some(subject.as_str()));

    // Revocation of the refresh token ends its access token too.
    // openidconnect insists on an https revocation URL; the test transport ignores the scheme.
    let client = client.set_revocation_url(
        RevocationUrl::new("https://localhost:1411/api/oidc/revoke".into()).unwrap(),
    );
    client
        .revoke_token(CoreRevocableToken::RefreshToken(rt2.clone()))
        .unwrap()
        .request_async(&http)
        .await
        .expect("revoke");
    let intro = client
        .introspect(refreshed.access_token())
        .request_async(&http)
        .await
        .unwrap();
    assert!(
        !intro.active(),
        "revoking the refresh token revoked its grant"
    );
    assert!(
        client
            .exchange_refresh_token(&rt2)
            .unwrap()
            .request_async(&http)
            .await
            .is_err()
    );

    // Client credentials.
    let cc = client
        .exchange_client_credentials()
        .unwrap()
        .request_async(&http)
        .await
        .expect("client credentials");
    assert!(cc.refresh_token().is_none());
    let intro = client
        .introspect(cc.access_token())
        .request_async(&http)
        .await
        .unwrap();
    assert_eq!(intro.sub(), Some("client-rp"));
    assert_eq!(
        get_bearer(app, "/api/oidc/userinfo", cc.access_token().secret())
            .await
            .status,
        StatusCode::FORBIDDEN,
        "no openid scope, no userinfo"
    );

    // Device flow: the device asks, the signed-in user approves, the device's poll succeeds.
    let client = client.set_device_authorization_url(
        DeviceAuthorizationUrl::new(format!("{ISSUER}/api/oidc/device/authorize")).unwrap(),
    );
    let details: CoreDeviceAuthorizationResponse = client
        .exchange_device_code()
        .add_scope(Scope::new("openid".into()))
        .add_scope(Scope::new("profile".into()))
        .request_async(&http)
        .await
        .expect("device authorization");
    assert_eq!(
        details.verification_uri().as_str(),
        format!("{ISSUER}/device")
    );
    let code = details.user_code().secret().to_lowercase();
    let info = browser
        .get(&format!("/api/oidc/device/info?code={code}"))
        .await;
    assert_eq!(info.status, StatusCode::OK, "{}", info.text());
    let v = browser
        .send(
            axum::http::Method::POST,
            &format!("/api/oidc/device/verify?code={code}"),
            None,
        )
        .await;
    assert_eq!(v.status, StatusCode::NO_CONTENT, "{}", v.text());
    let clock = app.clock.clone();
    let device_tokens = client
        .exchange_device_access_token(&details)
        .unwrap()
        .request_async(
            &http,
            move |d| {
                // Polling "waits" on the test clock.
                clock.advance(chrono::Duration::from_std(d).unwrap());
                std::future::ready(())
            },
            None,
        )
        .await
        .expect("device token");
    let id = device_tokens
        .extra_fields()
        .id_token()
        .expect("device ID token");
    assert!(
        id.claims(
            &client
                .id_token_verifier()
                .set_allowed_algs(vec![jws.clone()]),
            |_: Option<&Nonce>| Ok(())
        )
        .is_ok()
    );
}

db_test!(rs256_relying_party_flows, |app: TestApp| async {
    full_flow(
        &app,
        Alg::RS256,
        CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
    )
    .await;
});

db_test!(es256_relying_party_flows, |app: TestApp| async {
    full_flow(&app, Alg::ES256, CoreJwsSigningAlgorithm::EcdsaP256Sha256).await;
});

db_test!(eddsa_relying_party_flows, |app: TestApp| async {
    full_flow(&app, Alg::EdDSA, CoreJwsSigningAlgorithm::EdDsa).await;
});

db_test!(par_request_uri_is_single_use, |app: TestApp| async {
    OidcClient::confidential("par").par().insert(&app).await;
    let (mut browser, mut auth) = admin_with_passkey(&app).await;
    login(&mut browser, &mut auth).await;
    let (verifier, challenge) = pkce_pair();
    // Without PAR the client is refused (to its redirect URI).
    let direct = authorize(
        &mut browser,
        &authorize_url(
            "par",
            &[
                ("code_challenge", &challenge),
                ("code_challenge_method", "S256"),
            ],
        ),
    )
    .await;
    assert_eq!(param(&direct, "error").as_deref(), Some("invalid_request"));
    let pushed = post_form(
        &app,
        "/api/oidc/par",
        &[
            ("response_type", "code"),
            ("redirect_uri", CALLBACK),
            ("scope", "openid email"),
            ("state", "state-0123456789"),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
        ],
        Some(("par", SECRET)),
    )
    .await;
    assert_eq!(pushed.status, StatusCode::CREATED, "{}", pushed.text());
    let v: Value = pushed.json();
    assert_eq!(v["expires_in"], 90);
    let uri = v["request_uri"].as_str().unwrap();
    assert!(uri.starts_with("urn:ietf:params:oauth:request_uri:"));
    let q: String = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("client_id", "par")
        .append_pair("request_uri", uri)
        .finish();
    let cb = authorize(&mut browser, &format!("/authorize?{q}")).await;
    let code = param(&cb, "code").expect("code via PAR");
    assert_eq!(
        exchange(&app, "par", &code, &verifier).await.status,
        StatusCode::OK
    );
    // Used once: the same request_uri is gone.
    let again = browser.get(&format!("/authorize?{q}")).await;
    assert!(
        again.header("location").starts_with("/interaction/error"),
        "{}",
        again.header("location")
    );
});

db_test!(
    pushed_requests_expire_after_90_seconds,
    |app: TestApp| async {
        OidcClient::confidential("rp").insert(&app).await;
        let (mut browser, _) = admin_with_passkey(&app).await;
        let pushed = post_form(
            &app,
            "/api/oidc/par",
            &[
                ("response_type", "code"),
                ("redirect_uri", CALLBACK),
                ("scope", "openid"),
            ],
            Some(("rp", SECRET)),
        )
        .await;
        let uri = pushed.json::<Value>()["request_uri"]
            .as_str()
            .unwrap()
            .to_owned();
        app.clock.advance(chrono::Duration::seconds(91));
        let q: String = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("client_id", "rp")
            .append_pair("request_uri", &uri)
            .finish();
        let r = browser.get(&format!("/authorize?{q}")).await;
        assert!(r.header("location").starts_with("/interaction/error"));
    }
);
