//! `GET /api/application-configuration`: Pocket ID's public keys, defaults and overrides.

use crate::db_test;
use crate::helpers::{Engine, TestApp};
use axum::http::StatusCode;
use pocket_id::db::entities::app_config_variables;
use pocket_shared::{AppConfigVariable, ConfigValueType, PublicAppConfig};
use sea_orm::{ActiveModelTrait, Set};

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
