//! Discovery and JWKS: field by field as reference 3.1 (plus the revocation endpoint), both
//! well-known documents identical, open CORS on protocol endpoints only.

use super::*;
use crate::db_test;

db_test!(
    discovery_matches_pocket_id_field_by_field,
    |app: TestApp| async {
        let r = app.get("/.well-known/openid-configuration").await;
        assert_eq!(r.status, StatusCode::OK);
        let doc: Value = r.json();
        let expected = json!({
            "issuer": "http://localhost:1411",
            "authorization_endpoint": "http://localhost:1411/authorize",
            "token_endpoint": "http://localhost:1411/api/oidc/token",
            "userinfo_endpoint": "http://localhost:1411/api/oidc/userinfo",
            "end_session_endpoint": "http://localhost:1411/api/oidc/end-session",
            "introspection_endpoint": "http://localhost:1411/api/oidc/introspect",
            "introspection_endpoint_auth_methods_supported": ["client_secret_basic", "Bearer"],
            "revocation_endpoint": "http://localhost:1411/api/oidc/revoke",
            "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
            "device_authorization_endpoint": "http://localhost:1411/api/oidc/device/authorize",
            "jwks_uri": "http://localhost:1411/.well-known/jwks.json",
            "pushed_authorization_request_endpoint": "http://localhost:1411/api/oidc/par",
            "require_pushed_authorization_requests": false,
            "grant_types_supported": ["authorization_code", "refresh_token", "urn:ietf:params:oauth:grant-type:device_code", "client_credentials"],
            "scopes_supported": ["openid", "profile", "email", "groups", "offline_access"],
            "claims_supported": ["sub", "given_name", "family_name", "name", "display_name", "email", "email_verified", "preferred_username", "picture", "groups", "auth_time", "amr"],
            "response_types_supported": ["code"],
            "response_modes_supported": ["query", "fragment", "form_post"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "authorization_response_iss_parameter_supported": true,
            "code_challenge_methods_supported": ["S256"],
            "request_parameter_supported": true,
            "request_uri_parameter_supported": false,
            "request_object_signing_alg_values_supported": ["none"],
            "prompt_values_supported": ["none", "login", "consent", "select_account"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
            "service_documentation": "https://pocket-id.org/docs",
        });
        let (got, want) = (doc.as_object().unwrap(), expected.as_object().unwrap());
        for (k, v) in want {
            assert_eq!(got.get(k), Some(v), "field {k}");
        }
        let extra: Vec<&String> = got.keys().filter(|k| !want.contains_key(*k)).collect();
        assert!(extra.is_empty(), "unexpected fields {extra:?}");
        assert_eq!(r.header("access-control-allow-origin"), "*");
        let rfc8414 = app.get("/.well-known/oauth-authorization-server").await;
        assert_eq!(rfc8414.body, r.body, "byte-identical");
    }
);

db_test!(
    internal_app_url_moves_back_channel_endpoints,
    |_app: TestApp| async {
        let app = TestApp::spawn(
            crate::helpers::Engine::Sqlite,
            &[("INTERNAL_APP_URL", "http://pocket-id.internal:1411")],
        )
        .await
        .unwrap();
        let doc: Value = app.get("/.well-known/openid-configuration").await.json();
        assert_eq!(
            doc["token_endpoint"],
            "http://pocket-id.internal:1411/api/oidc/token"
        );
        assert_eq!(
            doc["jwks_uri"],
            "http://pocket-id.internal:1411/.well-known/jwks.json"
        );
        assert_eq!(
            doc["authorization_endpoint"],
            "http://localhost:1411/authorize"
        );
        assert_eq!(doc["issuer"], "http://localhost:1411");
    }
);

db_test!(
    jwks_holds_the_rs256_key_and_cors_is_only_on_protocol_routes,
    |app: TestApp| async {
        let r = app.get("/.well-known/jwks.json").await;
        let jwks: Value = r.json();
        let keys = jwks["keys"].as_array().unwrap();
        assert_eq!(keys.len(), 1);
        assert_eq!(keys[0]["kty"], "RSA");
        assert_eq!(keys[0]["alg"], "RS256");
        assert_eq!(keys[0]["use"], "sig");
        assert!(keys[0].get("d").is_none(), "no private parts");
        // Preflight of the token endpoint from any origin.
        let pre = app
            .request(
                Request::options("/api/oidc/token")
                    .header("origin", "https://spa.example")
                    .header("access-control-request-method", "POST")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(pre.header("access-control-allow-origin"), "*");
        let admin = app
            .request(
                Request::get("/api/users/me")
                    .header("origin", "https://spa.example")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(
            admin.header("access-control-allow-origin"),
            "",
            "no CORS on the user API"
        );
    }
);
