//! `/api/application-configuration`: Pocket ID's public keys, defaults and overrides; the
//! admin list, full replacement with per-key validation, changes seen by the next request (on
//! another instance too), and `UI_CONFIG_DISABLED` (environment as the source, read-only,
//! secrets redacted).

use crate::db_test;
use crate::fixtures::{User, admin, sign_in_with};
use crate::helpers::{Client, Engine, TestApp, TestResponse};
use axum::http::{Method, StatusCode};
use pocket_id::db::entities::app_config_variables;
use pocket_shared::app_config::{AdminAppConfigVariable, CONFIG_KEYS};
use pocket_shared::{ApiError, AppConfigVariable, ConfigValueType, ErrorCode, PublicAppConfig};
use sea_orm::{ActiveModelTrait, Set};
use serde_json::{Value, json};
use std::sync::Arc;

const CONFIG: &str = "/api/application-configuration";

const PUBLIC_KEYS: &[&str] = &[
    "appName",
    "homePageUrl",
    "accentColor",
    "disableAnimations",
    "allowOwnAccountEdit",
    "allowUserSignups",
    "requireUserEmail",
    "emailOneTimeAccessAsUnauthenticatedEnabled",
    "emailOneTimeAccessAsAdminEnabled",
    "emailVerificationEnabled",
    "ldapEnabled",
    "uiConfigDisabled",
    "tracingEnabled",
];

db_test!(
    public_configuration_has_pocket_id_keys_and_defaults,
    |app: TestApp| async move {
        let r = app.get("/api/application-configuration").await;
        assert_eq!(r.status, StatusCode::OK);
        let vars: Vec<AppConfigVariable> = r.json();
        let keys: Vec<&str> = vars.iter().map(|v| v.key.as_str()).collect();
        assert_eq!(keys, PUBLIC_KEYS);
        let cfg = PublicAppConfig::from_variables(&vars);
        assert_eq!(cfg.app_name, "Pocket ID");
        assert_eq!(cfg.home_page_url, "/settings/account");
        assert_eq!(cfg.accent_color, "default");
        assert_eq!(cfg.allow_user_signups, "disabled");
        assert!(cfg.allow_own_account_edit && cfg.require_user_email);
        assert!(!cfg.ui_config_disabled && !cfg.tracing_enabled);
        let name = vars.iter().find(|v| v.key == "appName").unwrap();
        assert_eq!(name.value_type, ConfigValueType::String);
        let flag = vars.iter().find(|v| v.key == "ldapEnabled").unwrap();
        assert_eq!(flag.value_type, ConfigValueType::Boolean);
    }
);

db_test!(
    stored_values_override_defaults_and_private_keys_stay_hidden,
    |app: TestApp| async move {
        for (key, value) in [
            ("appName", "Acme ID"),
            ("smtpPassword", "hunter2"),
            ("accentColor", ""),
            ("someFutureKey", "x"),
        ] {
            app_config_variables::ActiveModel {
                key: Set(key.into()),
                value: Set(value.into()),
            }
            .insert(&app.db)
            .await
            .unwrap();
        }
        let r = app.get("/api/application-configuration").await;
        let vars: Vec<AppConfigVariable> = r.json();
        let cfg = PublicAppConfig::from_variables(&vars);
        assert_eq!(cfg.app_name, "Acme ID");
        assert_eq!(
            cfg.accent_color, "default",
            "an empty stored value means the default"
        );
        assert!(!r.text().contains("hunter2"));
        assert!(!r.text().contains("someFutureKey"));
    }
);

#[tokio::test]
async fn ui_config_disabled_serves_the_environment() {
    let env = [
        ("UI_CONFIG_DISABLED", "true"),
        ("APP_NAME", "Env Managed ID"),
        ("ALLOW_USER_SIGNUPS", "open"),
    ];
    let app = TestApp::spawn(Engine::Sqlite, &env).await.unwrap();
    // A stored value is ignored while the environment is the source.
    app_config_variables::ActiveModel {
        key: Set("appName".into()),
        value: Set("From DB".into()),
    }
    .insert(&app.db)
    .await
    .unwrap();
    let vars: Vec<AppConfigVariable> = app.get("/api/application-configuration").await.json();
    let cfg = PublicAppConfig::from_variables(&vars);
    assert_eq!(cfg.app_name, "Env Managed ID");
    assert_eq!(cfg.allow_user_signups, "open");
    assert!(cfg.ui_config_disabled);
}

async fn put(c: &mut Client<'_>, body: Value) -> TestResponse {
    c.send(Method::PUT, CONFIG, Some(&body)).await
}

fn value_of(vars: &[AdminAppConfigVariable], key: &str) -> String {
    vars.iter()
        .find(|v| v.key == key)
        .unwrap_or_else(|| panic!("{key} missing"))
        .value
        .clone()
}

async fn public_app_name(app: &TestApp) -> String {
    let vars: Vec<AppConfigVariable> = app.get(CONFIG).await.json();
    PublicAppConfig::from_variables(&vars).app_name
}

db_test!(
    admin_list_has_every_key_with_type_default_and_visibility,
    |app: TestApp| async move {
        let mut c = admin(&app).await;
        let r = c.get(&format!("{CONFIG}/all")).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let vars: Vec<AdminAppConfigVariable> = r.json();
        assert_eq!(vars.len(), CONFIG_KEYS.len());
        for (v, spec) in vars.iter().zip(CONFIG_KEYS) {
            assert_eq!(v.key, spec.key);
            assert_eq!(v.value, spec.default, "{}", spec.key);
            assert_eq!(v.value_type, spec.value_type, "{}", spec.key);
            assert_eq!(v.is_public, spec.public, "{}", spec.key);
        }
        // Pocket ID's defaults, spelled out for the keys the server acts on.
        for (key, default) in [
            ("appName", "Pocket ID"),
            ("sessionDuration", "60"),
            ("homePageUrl", "/settings/account"),
            ("accentColor", "default"),
            ("allowUserSignups", "disabled"),
            ("signupDefaultUserGroupIDs", "[]"),
            ("signupDefaultCustomClaims", "[]"),
            ("smtpTls", "none"),
            ("smtpPort", ""),
            ("ldapUserSearchFilter", "(objectClass=person)"),
            ("ldapUserGroupSearchFilter", "(objectClass=groupOfNames)"),
            ("ldapAttributeUserDisplayName", "cn"),
            ("ldapAttributeGroupMember", "member"),
            ("ldapSoftDeleteUsers", "true"),
            ("webauthnUserVerification", "required"),
            ("webauthnAllowSyncedPasskeys", "true"),
            ("webauthnAuthenticatorAttachment", "any"),
            ("cimdUrlAllowlist", "[]"),
        ] {
            assert_eq!(value_of(&vars, key), default, "{key}");
        }
        let raw: Vec<Value> = r.json();
        assert_eq!(
            raw[0],
            json!({"key": "appName", "type": "string", "value": "Pocket ID", "isPublic": true})
        );
        assert!(
            !r.text().contains("uiConfigDisabled"),
            "synthetic keys are public-only"
        );
    }
);

db_test!(
    admin_routes_refuse_anonymous_and_non_admins,
    |app: TestApp| async move {
        let _admin_client = admin(&app).await;
        let mut user = User::new("bob").signed_in(&app).await;
        let mut anonymous = app.client();
        let body = json!({"appName": "Hijacked"});
        for (method, path) in [
            (Method::GET, format!("{CONFIG}/all")),
            (Method::PUT, CONFIG.to_owned()),
        ] {
            let r = anonymous.send(method.clone(), &path, Some(&body)).await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{method} {path}");
            assert_eq!(r.json::<ApiError>().code, ErrorCode::NotSignedIn);
            let r = user.send(method.clone(), &path, Some(&body)).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{method} {path}");
            assert_eq!(r.json::<ApiError>().code, ErrorCode::Forbidden);
        }
        assert_eq!(public_app_name(&app).await, "Pocket ID");
    }
);

db_test!(
    update_replaces_the_whole_configuration,
    |app: TestApp| async move {
        let mut c = admin(&app).await;
        let r = put(
            &mut c,
            json!({
                "appName": "Acme SSO", "accentColor": "oklch(0.62 0.19 259.8)",
                "allowUserSignups": "withToken", "ldapEnabled": true, "smtpPort": 587,
                "smtpPassword": "hunter2", "smtpFrom": "id@acme.test",
                "signupDefaultCustomClaims": "[{\"key\":\"dept\",\"value\":\"it\"}]",
                "emailsVerified": "TRUE", "homePageUrl": "",
            }),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let vars: Vec<AdminAppConfigVariable> = r.json();
        assert_eq!(vars.len(), CONFIG_KEYS.len());
        assert_eq!(value_of(&vars, "appName"), "Acme SSO");
        assert_eq!(value_of(&vars, "ldapEnabled"), "true");
        assert_eq!(value_of(&vars, "emailsVerified"), "true");
        assert_eq!(value_of(&vars, "smtpPort"), "587");
        assert_eq!(
            value_of(&vars, "homePageUrl"),
            "/settings/account",
            "empty means default"
        );
        // The UI is the source: the admin sees the password it set.
        assert_eq!(value_of(&vars, "smtpPassword"), "hunter2");
        let all: Vec<AdminAppConfigVariable> = c.get(&format!("{CONFIG}/all")).await.json();
        assert_eq!(all, vars);

        // The next request, anonymous, sees the public part.
        let public: Vec<AppConfigVariable> = app.get(CONFIG).await.json();
        let cfg = PublicAppConfig::from_variables(&public);
        assert_eq!(cfg.app_name, "Acme SSO");
        assert_eq!(cfg.accent_color, "oklch(0.62 0.19 259.8)");
        assert_eq!(cfg.allow_user_signups, "withToken");
        assert!(cfg.ldap_enabled);
        assert!(!app.get(CONFIG).await.text().contains("hunter2"));

        // A replacement with only one key resets all others.
        let r = put(&mut c, json!({"sessionDuration": "15"})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let vars: Vec<AdminAppConfigVariable> = r.json();
        assert_eq!(value_of(&vars, "sessionDuration"), "15");
        assert_eq!(value_of(&vars, "appName"), "Pocket ID");
        assert_eq!(value_of(&vars, "smtpPassword"), "");
        assert_eq!(value_of(&vars, "ldapEnabled"), "false");
        assert_eq!(public_app_name(&app).await, "Pocket ID");
    }
);

db_test!(
    every_rule_is_checked_and_reported_under_its_key,
    |app: TestApp| async move {
        let mut c = admin(&app).await;
        let cases: &[(&str, Value, &str)] = &[
            ("appName", json!("x".repeat(31)), "too_long"),
            ("sessionDuration", json!("0"), "out_of_range"),
            ("sessionDuration", json!("ten"), "invalid_format"),
            (
                "homePageUrl",
                json!("javascript:alert(1)"),
                "invalid_format",
            ),
            ("emailsVerified", json!("yes"), "invalid_format"),
            ("accentColor", json!("url(x)"), "invalid_format"),
            (
                "accentColor",
                json!("red; background: url(x)"),
                "invalid_format",
            ),
            ("disableAnimations", json!("maybe"), "invalid_format"),
            ("allowOwnAccountEdit", json!(2), "invalid_format"),
            ("allowUserSignups", json!("always"), "invalid_format"),
            (
                "signupDefaultUserGroupIDs",
                json!("not json"),
                "invalid_format",
            ),
            (
                "signupDefaultUserGroupIDs",
                json!("[1, 2]"),
                "invalid_format",
            ),
            (
                "signupDefaultCustomClaims",
                json!("[{\"key\": \"a\"}]"),
                "invalid_format",
            ),
            ("requireUserEmail", json!("nope"), "invalid_format"),
            ("smtpPort", json!("70000"), "out_of_range"),
            ("smtpPort", json!("smtp"), "invalid_format"),
            ("smtpFrom", json!("not an email"), "invalid_format"),
            ("smtpTls", json!("ssl"), "invalid_format"),
            ("smtpSkipCertVerify", json!("x"), "invalid_format"),
            ("ldapEnabled", json!("on"), "invalid_format"),
            (
                "webauthnUserVerification",
                json!("discouraged"),
                "invalid_format",
            ),
            ("webauthnAllowSyncedPasskeys", json!("x"), "invalid_format"),
            (
                "webauthnAuthenticatorAttachment",
                json!("usb"),
                "invalid_format",
            ),
            (
                "cimdUrlAllowlist",
                json!("[\"javascript:x\"]"),
                "invalid_format",
            ),
            ("cimdUrlAllowlist", json!("{}"), "invalid_format"),
            ("smtpHost", json!(["a"]), "invalid_type"),
            ("unknownKey", json!("x"), "unknown_key"),
        ];
        for (key, value, want) in cases {
            let r = put(&mut c, json!({ *key: value })).await;
            assert_eq!(
                r.status,
                StatusCode::BAD_REQUEST,
                "{key}={value}: {}",
                r.text()
            );
            let e: ApiError = r.json();
            assert_eq!(e.code, ErrorCode::ValidationFailed);
            let fields = e.details.unwrap().fields;
            assert_eq!(fields.len(), 1, "{key}: {fields:?}");
            assert_eq!(fields[0].field, *key);
            assert_eq!(fields[0].code, *want, "{key}={value}");
        }
        // Several at once are all reported; nothing was stored.
        let r = put(
            &mut c,
            json!({"appName": "", "smtpTls": "x", "smtpPort": "0", "bogus": 1}),
        )
        .await;
        let fields: Vec<String> = r
            .json::<ApiError>()
            .details
            .unwrap()
            .fields
            .into_iter()
            .map(|f| f.field)
            .collect();
        assert_eq!(fields, ["bogus", "smtpPort", "smtpTls"]);
        let all: Vec<AdminAppConfigVariable> = c.get(&format!("{CONFIG}/all")).await.json();
        assert!(
            all.iter()
                .zip(CONFIG_KEYS)
                .all(|(v, s)| v.value == s.default)
        );
        // Not JSON at all.
        let r = c.send(Method::PUT, CONFIG, Some(&json!(["appName"]))).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert_eq!(r.json::<ApiError>().code, ErrorCode::InvalidRequestBody);
    }
);

db_test!(
    session_duration_applies_to_the_next_sign_in,
    |app: TestApp| async move {
        let mut c = admin(&app).await;
        let r = put(&mut c, json!({"sessionDuration": "120"})).await;
        assert_eq!(r.status, StatusCode::OK);
        let cookies = sign_in_cookie(&app).await;
        assert!(cookies.contains("Max-Age=7200"), "{cookies}");
        let r = put(&mut c, json!({"sessionDuration": "5"})).await;
        assert_eq!(r.status, StatusCode::OK);
        let cookies = sign_in_cookie(&app).await;
        assert!(cookies.contains("Max-Age=300"), "{cookies}");
    }
);

/// Signs a fresh user in with a login code and returns the `Set-Cookie` of that response.
async fn sign_in_cookie(app: &TestApp) -> String {
    let user = User::random().insert(app).await;
    let (_, r) = sign_in_with(app, user.id, &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

db_test!(
    another_instance_on_the_same_database_sees_the_change,
    |app: TestApp| async move {
        // A second server process: its own state and router over the same database.
        let spa =
            pocket_id::spa::Spa::new(Box::new(pocket_id::spa::MemoryAssets(Default::default())));
        let other_state = pocket_id::state::AppState::open(
            app.db.clone(),
            app.config.clone(),
            app.clock.clone(),
            Arc::new(spa),
        )
        .await
        .unwrap();
        let other = pocket_id::router(other_state);
        let other_name = || async {
            use tower::ServiceExt;
            let res = other
                .clone()
                .oneshot(
                    axum::http::Request::get(CONFIG)
                        .body(axum::body::Body::empty())
                        .unwrap(),
                )
                .await
                .unwrap();
            let body = axum::body::to_bytes(res.into_body(), usize::MAX)
                .await
                .unwrap();
            let vars: Vec<AppConfigVariable> = serde_json::from_slice(&body).unwrap();
            PublicAppConfig::from_variables(&vars).app_name
        };
        assert_eq!(other_name().await, "Pocket ID");
        let mut c = admin(&app).await;
        let r = put(&mut c, json!({"appName": "Shared ID"})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(other_name().await, "Shared ID");
        let r = put(&mut c, json!({"appName": "Renamed"})).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(other_name().await, "Renamed");
    }
);

#[tokio::test]
async fn ui_config_disabled_makes_the_environment_the_read_only_source() {
    let dir = tempfile::tempdir().unwrap();
    let secret_file = dir.path().join("ldap-password");
    std::fs::write(&secret_file, "s3cret-from-file\n").unwrap();
    let secret_path = secret_file.display().to_string();
    let env = [
        ("UI_CONFIG_DISABLED", "true"),
        ("APP_NAME", "Env ID"),
        ("SESSION_DURATION", "30"),
        ("SMTP_PASSWORD", "hunter2"),
        ("LDAP_BIND_PASSWORD_FILE", secret_path.as_str()),
        ("LDAP_ENABLED", "TRUE"),
    ];
    for engine in [Engine::Sqlite, Engine::Postgres] {
        let Some(app) = TestApp::spawn(engine, &env).await else {
            continue;
        };
        let mut c = admin(&app).await;
        let all: Vec<AdminAppConfigVariable> = c.get(&format!("{CONFIG}/all")).await.json();
        assert_eq!(value_of(&all, "appName"), "Env ID");
        assert_eq!(value_of(&all, "sessionDuration"), "30");
        assert_eq!(value_of(&all, "ldapEnabled"), "true");
        assert_eq!(value_of(&all, "smtpPassword"), "XXXXXXXXXX");
        assert_eq!(value_of(&all, "ldapBindPassword"), "XXXXXXXXXX");
        assert_eq!(
            value_of(&all, "smtpUser"),
            "",
            "unset values stay visible as empty"
        );
        assert_eq!(value_of(&all, "accentColor"), "default");

        let r = put(&mut c, json!({"appName": "From the UI"})).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
        assert_eq!(r.json::<ApiError>().code, ErrorCode::UiConfigDisabled);
        let vars: Vec<AppConfigVariable> = app.get(CONFIG).await.json();
        let cfg = PublicAppConfig::from_variables(&vars);
        assert_eq!(cfg.app_name, "Env ID");
        assert!(cfg.ui_config_disabled && cfg.ldap_enabled);
        // The session length comes from the environment too.
        let cookies = sign_in_cookie(&app).await;
        assert!(cookies.contains("Max-Age=1800"), "{cookies}");
        // The non-admin view never shows passwords, redacted or not.
        assert!(!app.get(CONFIG).await.text().contains("XXXXXXXXXX"));
    }
}
