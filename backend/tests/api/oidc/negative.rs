//! The negative suite: every request a thief, a confused client or a downgrade attempt would
//! send is refused with the RFC error.

use super::*;
use crate::db_test;
use crate::fixtures::{User, admin_with_passkey, passkey_admin};
use crate::passkeys::login;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

db_test!(
    replayed_code_is_refused_and_revokes_its_tokens,
    |app: TestApp| async {
        OidcClient::confidential("rp").insert(&app).await;
        let mut browser = passkey_admin(&app).await;
        let (code, verifier) = code_for(&mut browser, "rp").await;
        let first = exchange(&app, "rp", &code, &verifier).await;
        assert_eq!(first.status, StatusCode::OK, "{}", first.text());
        let tokens: Value = first.json();
        assert_eq!(tokens["token_type"], "bearer");
        let again = exchange(&app, "rp", &code, &verifier).await;
        assert_eq!(
            (again.status, error(&again)),
            (StatusCode::BAD_REQUEST, "invalid_grant".into())
        );
        assert_eq!(again.header("cache-control"), "no-store");
        let at = tokens["access_token"].as_str().unwrap();
        assert_eq!(
            get_bearer(&app, "/api/oidc/userinfo", at).await.status,
            StatusCode::UNAUTHORIZED,
            "revoked by the replay"
        );
        let rt = tokens["refresh_token"].as_str().unwrap();
        let r = refresh(&app, "rp", rt).await;
        assert_eq!(error(&r), "invalid_grant");
    }
);

db_test!(
    code_is_bound_to_client_redirect_uri_and_verifier,
    |app: TestApp| async {
        OidcClient::confidential("rp").insert(&app).await;
        OidcClient::confidential("other").insert(&app).await;
        let mut browser = passkey_admin(&app).await;

        let (code, verifier) = code_for(&mut browser, "rp").await;
        assert_eq!(
            error(&exchange(&app, "other", &code, &verifier).await),
            "invalid_grant",
            "code for another client"
        );

        let (code, verifier) = code_for(&mut browser, "rp").await;
        let r = post_form(
            &app,
            "/api/oidc/token",
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", "https://rp.example/other"),
                ("code_verifier", &verifier),
            ],
            Some(("rp", SECRET)),
        )
        .await;
        assert_eq!(error(&r), "invalid_grant", "wrong redirect_uri");

        let (code, _) = code_for(&mut browser, "rp").await;
        let r = post_form(
            &app,
            "/api/oidc/token",
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", CALLBACK),
            ],
            Some(("rp", SECRET)),
        )
        .await;
        assert_eq!(error(&r), "invalid_grant", "missing verifier");

        let (code, _) = code_for(&mut browser, "rp").await;
        let (wrong, _) = pkce_pair();
        assert_eq!(
            error(&exchange(&app, "rp", &code, &wrong).await),
            "invalid_grant",
            "wrong verifier"
        );

        // Downgrade: no challenge at /authorize, a verifier at the token endpoint.
        let cb = authorize(&mut browser, &authorize_url("rp", &[])).await;
        let code = param(&cb, "code").unwrap();
        let (verifier, _) = pkce_pair();
        assert_eq!(
            error(&exchange(&app, "rp", &code, &verifier).await),
            "invalid_grant",
            "PKCE downgrade"
        );

        // Codes live one minute (RFC 6749 4.1.2: "a maximum lifetime of 10 minutes is
        // RECOMMENDED"; clients redeem at once).
        let (code, verifier) = code_for(&mut browser, "rp").await;
        app.clock.advance(chrono::Duration::seconds(55));
        let r = exchange(&app, "rp", &code, &verifier).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let (code, verifier) = code_for(&mut browser, "rp").await;
        app.clock.advance(chrono::Duration::seconds(61));
        assert_eq!(
            error(&exchange(&app, "rp", &code, &verifier).await),
            "invalid_grant",
            "expired code"
        );
    }
);

db_test!(public_clients_must_use_pkce_s256, |app: TestApp| async {
    OidcClient::public("spa").insert(&app).await;
    let mut browser = passkey_admin(&app).await;
    let cb = authorize(&mut browser, &authorize_url("spa", &[])).await;
    assert_eq!(param(&cb, "error").as_deref(), Some("invalid_request"));
    assert_eq!(param(&cb, "state").as_deref(), Some("state-0123456789"));
    assert_eq!(param(&cb, "iss").as_deref(), Some(ISSUER));
    let (verifier, challenge) = pkce_pair();
    // `plain` (said, or implied by an absent method) is refused (RFC 9700 2.1.1).
    for method in [&[("code_challenge_method", "plain")][..], &[]] {
        let mut extra = vec![("code_challenge", verifier.as_str())];
        extra.extend_from_slice(method);
        let cb = authorize(&mut browser, &authorize_url("spa", &extra)).await;
        assert_eq!(
            param(&cb, "error").as_deref(),
            Some("invalid_request"),
            "{method:?}"
        );
        assert!(param(&cb, "code").is_none());
    }
    let cb = authorize(
        &mut browser,
        &authorize_url(
            "spa",
            &[
                ("code_challenge", &challenge),
                ("code_challenge_method", "S256"),
            ],
        ),
    )
    .await;
    let code = param(&cb, "code").unwrap();
    let r = post_form(
        &app,
        "/api/oidc/token",
        &[
            ("grant_type", "authorization_code"),
            ("client_id", "spa"),
            ("code", &code),
            ("redirect_uri", CALLBACK),
            ("code_verifier", &verifier),
        ],
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    // A public client cannot mint client-credential tokens.
    let r = post_form(
        &app,
        "/api/oidc/token",
        &[("grant_type", "client_credentials"), ("client_id", "spa")],
        None,
    )
    .await;
    assert_eq!(error(&r), "unauthorized_client");
});

db_test!(client_authentication_failures, |app: TestApp| async {
    OidcClient::confidential("rp").insert(&app).await;
    OidcClient::confidential("expiring")
        .secret_expires(app.clock_now() + chrono::Duration::minutes(5))
        .insert(&app)
        .await;
    let cc = [("grant_type", "client_credentials")];
    let r = post_form(
        &app,
        "/api/oidc/token",
        &cc,
        Some(("rp", "wrong-secret-0123456789")),
    )
    .await;
    assert_eq!(
        (r.status, error(&r)),
        (StatusCode::UNAUTHORIZED, "invalid_client".into())
    );
    assert!(r.header("www-authenticate").starts_with("Basic"));
    let r = post_form(
        &app,
        "/api/oidc/token",
        &[
            ("grant_type", "client_credentials"),
            ("client_id", "rp"),
            ("client_secret", SECRET),
        ],
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "client_secret_post: {}", r.text());
    let r = post_form(
        &app,
        "/api/oidc/token",
        &[("grant_type", "client_credentials"), ("client_id", "rp")],
        None,
    )
    .await;
    assert_eq!(
        error(&r),
        "invalid_client",
        "a confidential client must authenticate"
    );
    assert_eq!(
        post_form(&app, "/api/oidc/token", &cc, Some(("expiring", SECRET)))
            .await
            .status,
        StatusCode::OK
    );
    app.clock.advance(chrono::Duration::minutes(6));
    let r = post_form(&app, "/api/oidc/token", &cc, Some(("expiring", SECRET))).await;
    assert_eq!(error(&r), "invalid_client", "expired secret");
    let r = post_form(
        &app,
        "/api/oidc/token",
        &[("grant_type", "password")],
        Some(("rp", SECRET)),
    )
    .await;
    assert_eq!(error(&r), "unsupported_grant_type");
    let r = post_form(
        &app,
        "/api/oidc/token",
        &[
            ("grant_type", "client_credentials"),
            ("grant_type", "client_credentials"),
        ],
        Some(("rp", SECRET)),
    )
    .await;
    assert_eq!(error(&r), "invalid_request", "repeated parameter");
});

db_test!(
    reused_refresh_token_revokes_the_family,
    |app: TestApp| async {
        OidcClient::confidential("rp").insert(&app).await;
        let mut browser = passkey_admin(&app).await;
        let (code, verifier) = code_for(&mut browser, "rp").await;
        let t1: Value = exchange(&app, "rp", &code, &verifier).await.json();
        let t2: Value = refresh(&app, "rp", t1["refresh_token"].as_str().unwrap())
            .await
            .json();
        // The thief replays the first refresh token...
        let stolen = refresh(&app, "rp", t1["refresh_token"].as_str().unwrap()).await;
        assert_eq!(error(&stolen), "invalid_grant");
        // ...and the legitimate newest token dies with the family.
        let r = refresh(&app, "rp", t2["refresh_token"].as_str().unwrap()).await;
        assert_eq!(error(&r), "invalid_grant", "family revoked");
        assert_eq!(
            get_bearer(
                &app,
                "/api/oidc/userinfo",
                t2["access_token"].as_str().unwrap()
            )
            .await
            .status,
            StatusCode::UNAUTHORIZED
        );
        // Another client cannot redeem this client's refresh token either.
        OidcClient::confidential("other").insert(&app).await;
        let (code, verifier) = code_for(&mut browser, "rp").await;
        let t: Value = exchange(&app, "rp", &code, &verifier).await.json();
        let r = refresh(&app, "other", t["refresh_token"].as_str().unwrap()).await;
        assert_eq!(error(&r), "invalid_grant");
    }
);

db_test!(
    introspection_shows_a_client_only_its_own_tokens,
    |app: TestApp| async {
        OidcClient::confidential("rp").insert(&app).await;
        OidcClient::confidential("other").insert(&app).await;
        let mut browser = passkey_admin(&app).await;
        let (code, verifier) = code_for(&mut browser, "rp").await;
        let t: Value = exchange(&app, "rp", &code, &verifier).await.json();
        for token in [
            t["access_token"].as_str().unwrap(),
            t["refresh_token"].as_str().unwrap(),
        ] {
            let own: Value = post_form(
                &app,
                "/api/oidc/introspect",
                &[("token", token)],
                Some(("rp", SECRET)),
            )
            .await
            .json();
            assert_eq!(own["active"], true, "{own}");
            let foreign: Value = post_form(
                &app,
                "/api/oidc/introspect",
                &[("token", token)],
                Some(("other", SECRET)),
            )
            .await
            .json();
            assert_eq!(foreign, json!({"active": false}));
        }
        // An access token does not authenticate its own introspection (nor the client's other
        // tokens): a resource server holding it learns nothing more.
        let at = t["access_token"].as_str().unwrap();
        let rt = t["refresh_token"].as_str().unwrap();
        for token in [at, rt] {
            let req = Request::post("/api/oidc/introspect")
                .header("content-type", "application/x-www-form-urlencoded")
                .header("authorization", format!("Bearer {at}"))
                .body(Body::from(format!("token={token}")))
                .unwrap();
            let r = app.request(req).await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.text());
            assert_eq!(error(&r), "invalid_client");
        }
        let r = post_form(&app, "/api/oidc/introspect", &[("token", at)], None).await;
        assert_eq!(error(&r), "invalid_client", "anonymous callers are refused");
    }
);

db_test!(public_clients_cannot_introspect, |app: TestApp| async {
    OidcClient::public("spa").insert(&app).await;
    let mut browser = passkey_admin(&app).await;
    let (code, verifier) = code_for(&mut browser, "spa").await;
    let r = post_form(
        &app,
        "/api/oidc/token",
        &[
            ("grant_type", "authorization_code"),
            ("client_id", "spa"),
            ("code", &code),
            ("redirect_uri", CALLBACK),
            ("code_verifier", &verifier),
        ],
        None,
    )
    .await;
    let t: Value = r.json();
    let at = t["access_token"].as_str().unwrap();
    let r = post_form(
        &app,
        "/api/oidc/introspect",
        &[("token", at), ("client_id", "spa")],
        None,
    )
    .await;
    assert_eq!(error(&r), "invalid_client", "{}", r.text());
});

db_test!(
    unsigned_and_hmac_tokens_are_refused_at_userinfo,
    |app: TestApp| async {
        OidcClient::confidential("rp").insert(&app).await;
        let mut browser = passkey_admin(&app).await;
        let (code, verifier) = code_for(&mut browser, "rp").await;
        let t: Value = exchange(&app, "rp", &code, &verifier).await.json();
        let real = t["access_token"].as_str().unwrap();
        let parts: Vec<&str> = real.split('.').collect();
        let header: Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap();
        let kid = header["kid"].as_str().unwrap();
        let none = format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(json!({"alg": "none", "typ": "at+jwt", "kid": kid}).to_string()),
            parts[1]
        );
        let jwks = app.get("/.well-known/jwks.json").await.body;
        // HS256 keyed with the public JWKS bytes: the classic algorithm-confusion forgery.
        let hs_header = URL_SAFE_NO_PAD
            .encode(json!({"alg": "HS256", "typ": "at+jwt", "kid": kid}).to_string());
        let signing_input = format!("{hs_header}.{}", parts[1]);
        let mac = aws_lc_rs::hmac::sign(
            &aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, &jwks),
            signing_input.as_bytes(),
        );
        let hs = format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(mac.as_ref()));
        for forged in [none, hs] {
            let r = get_bearer(&app, "/api/oidc/userinfo", &forged).await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED);
            assert!(
                r.header("www-authenticate").contains("invalid_token"),
                "{}",
                r.header("www-authenticate")
            );
        }
        assert_eq!(
            get_bearer(&app, "/api/oidc/userinfo", real).await.status,
            StatusCode::OK
        );
        let r = app.get("/api/oidc/userinfo").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert!(r.header("www-authenticate").starts_with("Bearer"));
    }
);

db_test!(prompt_none_and_group_restrictions, |app: TestApp| async {
    OidcClient::confidential("rp").insert(&app).await;
    let mut anonymous = app.client();
    let r = anonymous
        .get(&authorize_url("rp", &[("prompt", "none")]))
        .await;
    let cb = url::Url::parse(r.header("location")).unwrap();
    assert_eq!(param(&cb, "error").as_deref(), Some("login_required"));
    // Not signed in, no prompt: the interaction page.
    let r = anonymous.get(&authorize_url("rp", &[])).await;
    assert!(
        r.header("location")
            .starts_with("/interaction?interaction=")
    );

    let mut browser = passkey_admin(&app).await;
    let r = browser
        .get(&authorize_url("rp", &[("prompt", "none")]))
        .await;
    let cb = url::Url::parse(r.header("location")).unwrap();
    assert_eq!(
        param(&cb, "error").as_deref(),
        Some("consent_required"),
        "never approved"
    );
    code_for(&mut browser, "rp").await;
    let r = browser
        .get(&authorize_url("rp", &[("prompt", "none")]))
        .await;
    let cb = url::Url::parse(r.header("location")).unwrap();
    assert!(
        param(&cb, "code").is_some(),
        "consent remembered: silent authorization works"
    );

    restrict_to_new_group(&app, "rp").await;
    let r = browser.get(&authorize_url("rp", &[])).await;
    assert!(
        r.header("location")
            .starts_with("/interaction/error?error=You+are+not+allowed"),
        "{}",
        r.header("location")
    );
});

db_test!(
    form_post_response_mode_passes_its_own_csp,
    |app: TestApp| async {
        OidcClient::confidential("rp")
            .skip_consent()
            .insert(&app)
            .await;
        let mut browser = passkey_admin(&app).await;
        let r = browser
            .get(&authorize_url("rp", &[("response_mode", "form_post")]))
            .await;
        assert_eq!(
            r.status,
            StatusCode::OK,
            "skip consent: straight to the response"
        );
        let html = r.text();
        assert!(html.contains("action=\"https://rp.example/callback\""));
        assert!(html.contains("name=\"code\""));
        let csp = r.header("content-security-policy");
        assert!(csp.contains("form-action https://rp.example"), "{csp}");
        let hash = pocket_id::crypto::sha256_base64(b"document.forms[0].submit()");
        assert!(csp.contains(&format!("'sha256-{hash}'")));
        assert!(!csp.contains("unsafe-inline"));
    }
);

db_test!(reauthentication_and_max_age, |app: TestApp| async {
    OidcClient::confidential("rp").reauth().insert(&app).await;
    let (mut browser, mut auth) = admin_with_passkey(&app).await;
    assert_eq!(login(&mut browser, &mut auth).await.status, StatusCode::OK);
    app.clock.advance(chrono::Duration::minutes(5));
    let r = browser.get(&authorize_url("rp", &[])).await;
    let id = r
        .header("location")
        .strip_prefix("/interaction?interaction=")
        .unwrap()
        .to_owned();
    let i: Value = browser
        .get(&format!("/api/oidc/interactions/{id}"))
        .await
        .json();
    assert_eq!(i["requiredSteps"], json!(["reauthenticate", "consent"]));
    // Completing consent out of order is refused.
    let r = browser
        .post(
            &format!("/api/oidc/interactions/{id}/complete"),
            &json!({"step": "consent"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let r = browser
        .post(
            &format!("/api/oidc/interactions/{id}/complete"),
            &json!({"step": "reauthenticate"}),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNAUTHORIZED,
        "needs a fresh passkey assertion first"
    );
    let a = crate::passkeys::assertion(&mut browser, &mut auth).await;
    assert_eq!(
        browser
            .post("/api/webauthn/reauthenticate", &a)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    let r = browser
        .post(
            &format!("/api/oidc/interactions/{id}/complete"),
            &json!({"step": "reauthenticate"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json::<Value>()["interaction"]["currentStep"], "consent");
});

db_test!(denied_consent_sends_access_denied, |app: TestApp| async {
    OidcClient::confidential("rp").insert(&app).await;
    let mut browser = passkey_admin(&app).await;
    let r = browser.get(&authorize_url("rp", &[])).await;
    let id = r
        .header("location")
        .strip_prefix("/interaction?interaction=")
        .unwrap()
        .to_owned();
    let v: Value = browser
        .post(&format!("/api/oidc/interactions/{id}/cancel"), &json!({}))
        .await
        .json();
    let r = browser.get(v["redirectUrl"].as_str().unwrap()).await;
    let cb = url::Url::parse(r.header("location")).unwrap();
    assert_eq!(param(&cb, "error").as_deref(), Some("access_denied"));
    assert_eq!(
        browser
            .get(&format!("/api/oidc/interactions/{id}"))
            .await
            .status,
        StatusCode::NOT_FOUND,
        "single use"
    );
});

db_test!(
    a_malformed_interaction_id_is_not_found,
    |app: TestApp| async {
        for (method, path) in [
            (axum::http::Method::GET, "/api/oidc/interactions/not-a-uuid"),
            (
                axum::http::Method::POST,
                "/api/oidc/interactions/not-a-uuid/cancel",
            ),
        ] {
            let r = app.call(method, path).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}: {}", r.text());
            assert_eq!(r.json::<Value>()["code"], "interaction_not_found", "{path}");
        }
    }
);

db_test!(
    an_interaction_shows_its_user_only_to_that_user,
    |app: TestApp| async {
        OidcClient::confidential("rp").insert(&app).await;
        let mut browser = passkey_admin(&app).await;
        // Signed in, the first authorization waits for consent: the interaction is the admin's.
        let r = browser.get(&authorize_url("rp", &[])).await;
        let id = r
            .header("location")
            .strip_prefix("/interaction?interaction=")
            .expect("interaction")
            .to_owned();
        let path = format!("/api/oidc/interactions/{id}");
        let mine: Value = browser.get(&path).await.json();
        assert_eq!(mine["user"]["username"], "admin", "{mine}");
        // Anyone else holding the id learns nothing about who it is for.
        let anonymous: Value = app.get(&path).await.json();
        assert!(anonymous["user"].is_null(), "{anonymous}");
        let mut eve = User::new("eve").signed_in(&app).await;
        let theirs: Value = eve.get(&path).await.json();
        assert!(theirs["user"].is_null(), "{theirs}");
        assert!(!theirs.to_string().contains("admin@"), "{theirs}");
    }
);

db_test!(a_huge_max_age_never_runs_out, |app: TestApp| async {
    OidcClient::confidential("rp").insert(&app).await;
    let mut browser = passkey_admin(&app).await;
    code_for(&mut browser, "rp").await; // consent remembered
    // auth_time + max_age does not fit in an i64: it must not overflow (a panic in debug
    // builds, a wrapped deadline in the past in release builds).
    let huge = i64::MAX.to_string();
    let r = browser
        .get(&authorize_url("rp", &[("max_age", huge.as_str())]))
        .await;
    let cb = url::Url::parse(r.header("location")).expect("straight back to the client");
    assert!(param(&cb, "code").is_some(), "{cb}");
});

db_test!(
    max_age_asks_for_a_fresh_sign_in_once_exceeded,
    |app: TestApp| async {
        OidcClient::confidential("rp").insert(&app).await;
        let mut browser = passkey_admin(&app).await;
        code_for(&mut browser, "rp").await; // consent remembered
        app.clock.advance(chrono::Duration::minutes(10));
        let r = browser
            .get(&authorize_url("rp", &[("max_age", "3600")]))
            .await;
        let cb = url::Url::parse(r.header("location")).expect("straight back to the client");
        assert!(
            param(&cb, "code").is_some(),
            "signed in 10 minutes ago: within max_age"
        );
        let r = browser
            .get(&authorize_url("rp", &[("max_age", "300")]))
            .await;
        let id = r
            .header("location")
            .strip_prefix("/interaction?interaction=")
            .expect("interaction")
            .to_owned();
        let i: Value = browser
            .get(&format!("/api/oidc/interactions/{id}"))
            .await
            .json();
        assert_eq!(i["requiredSteps"], json!(["reauthenticate"]));
        let r = browser
            .get(&authorize_url("rp", &[("max_age", "-1")]))
            .await;
        let cb = url::Url::parse(r.header("location")).unwrap();
        assert_eq!(param(&cb, "error").as_deref(), Some("invalid_request"));
    }
);

db_test!(
    require_pkce_makes_confidential_clients_send_a_challenge,
    env = [("REQUIRE_PKCE", "true")],
    |app: TestApp| async {
        OidcClient::confidential("rp").insert(&app).await;
        let mut browser = passkey_admin(&app).await;
        let cb = authorize(&mut browser, &authorize_url("rp", &[])).await;
        assert_eq!(param(&cb, "error").as_deref(), Some("invalid_request"));
        assert!(param(&cb, "code").is_none());
        let (code, verifier) = code_for(&mut browser, "rp").await;
        let r = exchange(&app, "rp", &code, &verifier).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    }
);

db_test!(
    refreshing_never_outlives_a_year_after_the_authorization,
    |app: TestApp| async {
        OidcClient::confidential("rp").insert(&app).await;
        // The longest sliding lifetime a client may have: a year per refresh.
        oidc_clients::ActiveModel {
            id: Set("rp".into()),
            refresh_token_duration_minutes: Set(525_600),
            ..Default::default()
        }
        .update(&app.db)
        .await
        .unwrap();
        let mut browser = passkey_admin(&app).await;
        let (code, verifier) = code_for(&mut browser, "rp").await;
        let t: Value = exchange(&app, "rp", &code, &verifier).await.json();
        app.clock.advance(chrono::Duration::days(200));
        let r = refresh(&app, "rp", t["refresh_token"].as_str().unwrap()).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let t: Value = r.json();
        // Day 366: the new token's sliding year has not run out, the grant's has.
        app.clock.advance(chrono::Duration::days(166));
        let r = refresh(&app, "rp", t["refresh_token"].as_str().unwrap()).await;
        assert_eq!(error(&r), "invalid_grant", "{}", r.text());
    }
);

db_test!(
    only_a_completed_pkce_exchange_marks_a_client_pkce_capable,
    |app: TestApp| async {
        OidcClient::confidential("rp").insert(&app).await;
        let pkce_supported = || async {
            use sea_orm::EntityTrait;
            oidc_clients::Entity::find_by_id("rp")
                .one(&app.db)
                .await
                .unwrap()
                .unwrap()
                .pkce_supported
        };
        // Anyone can send this; it must not change the client.
        let (verifier, challenge) = pkce_pair();
        let url = authorize_url(
            "rp",
            &[
                ("code_challenge", &challenge),
                ("code_challenge_method", "S256"),
            ],
        );
        let r = app.client().get(&url).await;
        assert_eq!(r.status, StatusCode::FOUND);
        assert!(
            !pkce_supported().await,
            "an anonymous /authorize changed the client"
        );
        let mut browser = passkey_admin(&app).await;
        let cb = authorize(&mut browser, &url).await;
        assert!(!pkce_supported().await);
        let code = param(&cb, "code").unwrap();
        let r = exchange(&app, "rp", &code, &verifier).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert!(pkce_supported().await, "the client proved it does PKCE");
    }
);
