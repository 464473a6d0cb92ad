//! Resolving configuration values: environment (when the UI is disabled) or stored values over
//! Pocket ID's defaults.

use super::repo;
use pocket_shared::app_config::{
    AppConfigVariable, CONFIG_KEYS, ConfigValueType, TRACING_ENABLED_KEY, UI_CONFIG_DISABLED_KEY,
    config_key,
};
use sea_orm::{ConnectionTrait, DbErr};
use std::collections::BTreeMap;

/// Every key's current value. From the environment when `env` is given (`UI_CONFIG_DISABLED`),
/// else stored values over the defaults. Read from the database on each call, so every instance
/// sees a change at once.
pub async fn current_values(
    db: &impl ConnectionTrait,
    env: Option<&BTreeMap<&'static str, String>>,
) -> Result<BTreeMap<&'static str, String>, DbErr> {
    if let Some(env) = env {
        return Ok(env.clone());
    }
    let mut values: BTreeMap<&'static str, String> = CONFIG_KEYS
        .iter()
        .map(|s| (s.key, s.default.to_owned()))
        .collect();
    for row in repo::find_all(db).await? {
        // Unknown keys (from a newer version) are ignored; empty means "default".
        if let Some(spec) = config_key(&row.key)
            && !row.value.is_empty()
        {
            values.insert(spec.key, row.value);
        }
    }
    Ok(values)
}

/// The settings the server itself acts on, typed (invalid stored values fall back to defaults).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppSettings {
    pub app_name: String,
    /// Browser session length in minutes.
    pub session_duration_minutes: i64,
    pub emails_verified: bool,
    pub allow_own_account_edit: bool,
    pub require_user_email: bool,
    /// `required` (default) or `preferred`.
    pub webauthn_user_verification_required: bool,
    pub webauthn_allow_synced_passkeys: bool,
    /// `any`, `platform` or `cross-platform`.
    pub webauthn_authenticator_attachment: String,
}

impl AppSettings {
    pub fn from_values(values: &BTreeMap<&'static str, String>) -> Self {
        let get = |k: &str| values.get(k).map(String::as_str).unwrap_or("");
        let flag = |k: &str, default: bool| match get(k) {
            "true" => true,
            "false" => false,
            _ => default,
        };
        Self {
            app_name: Some(get("appName"))
                .filter(|v| !v.is_empty())
                .unwrap_or("Pocket ID")
                .to_owned(),
            session_duration_minutes: get("sessionDuration")
                .parse()
                .ok()
                .filter(|m| *m >= 1)
                .unwrap_or(60),
            emails_verified: flag("emailsVerified", false),
            allow_own_account_edit: flag("allowOwnAccountEdit", true),
            require_user_email: flag("requireUserEmail", true),
            webauthn_user_verification_required: get("webauthnUserVerification") != "preferred",
            webauthn_allow_synced_passkeys: flag("webauthnAllowSyncedPasskeys", true),
            webauthn_authenticator_attachment: get("webauthnAuthenticatorAttachment").to_owned(),
        }
    }
}

/// The current typed settings.
pub async fn settings(
    db: &impl ConnectionTrait,
    env: Option<&BTreeMap<&'static str, String>>,
) -> Result<AppSettings, DbErr> {
    current_values(db, env)
        .await
        .map(|v| AppSettings::from_values(&v))
}

/// The public variables in Pocket ID's order, plus the synthetic `uiConfigDisabled` and
/// `tracingEnabled` (always false: this server exports no browser traces).
pub fn public_variables(
    values: &BTreeMap<&'static str, String>,
    ui_config_disabled: bool,
) -> Vec<AppConfigVariable> {
    let mut out: Vec<AppConfigVariable> = CONFIG_KEYS
        .iter()
        .filter(|s| s.public)
        .map(|s| AppConfigVariable {
            key: s.key.to_owned(),
            value_type: s.value_type,
            value: values
                .get(s.key)
                .cloned()
                .unwrap_or_else(|| s.default.to_owned()),
        })
        .collect();
    for (key, on) in [
        (UI_CONFIG_DISABLED_KEY, ui_config_disabled),
        (TRACING_ENABLED_KEY, false),
    ] {
        out.push(AppConfigVariable {
            key: key.to_owned(),
            value_type: ConfigValueType::Boolean,
            value: on.to_string(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_view_has_only_public_keys_and_synthetics() {
        let values: BTreeMap<_, _> = CONFIG_KEYS
            .iter()
            .map(|s| (s.key, s.default.to_owned()))
            .collect();
        let vars = public_variables(&values, true);
        let keys: Vec<_> = vars.iter().map(|v| v.key.as_str()).collect();
        assert!(keys.contains(&"appName"));
        assert!(!keys.contains(&"smtpPassword"));
        assert!(!keys.contains(&"sessionDuration"));
        let ui = vars.iter().find(|v| v.key == "uiConfigDisabled").unwrap();
        assert_eq!(ui.value, "true");
        assert_eq!(ui.value_type, ConfigValueType::Boolean);
    }
}
