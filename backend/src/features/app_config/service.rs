//! Resolving configuration values: environment (when the UI is disabled) or stored values over
//! Pocket ID's defaults.

use super::repo;
use crate::error::AppError;
use pocket_shared::app_config::{
    AdminAppConfigVariable, AppConfigUpdateRequest, AppConfigVariable, CONFIG_KEYS,
    ConfigValueType, TRACING_ENABLED_KEY, UI_CONFIG_DISABLED_KEY, config_key, normalize_value,
    validate_value,
};
use pocket_shared::{ErrorCode, FieldError};
use sea_orm::{ConnectionTrait, DbErr, TransactionSession, TransactionTrait};
use std::collections::BTreeMap;

/// What sensitive values look like in the admin list while the environment is the source.
pub const REDACTED: &str = "XXXXXXXXXX";

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

/// Every key with its type and visibility, in Pocket ID's order. With `redact`, non-empty
/// sensitive values (SMTP and LDAP passwords) are shown as [`REDACTED`].
pub fn admin_variables(
    values: &BTreeMap<&'static str, String>,
    redact: bool,
) -> Vec<AdminAppConfigVariable> {
    CONFIG_KEYS
        .iter()
        .map(|s| {
            let value = values
                .get(s.key)
                .cloned()
                .unwrap_or_else(|| s.default.to_owned());
            AdminAppConfigVariable {
                key: s.key.to_owned(),
                value_type: s.value_type,
                value: if redact && s.sensitive && !value.is_empty() {
                    REDACTED.to_owned()
                } else {
                    value
                },
                is_public: s.public,
            }
        })
        .collect()
}

/// The refusal while `UI_CONFIG_DISABLED=true` (403, as in Pocket ID).
pub fn ui_config_disabled() -> AppError {
    AppError::refused(
        ErrorCode::UiConfigDisabled,
        "The configuration can't be changed since the UI configuration is disabled",
    )
}

/// The value of every key after a full replacement by `req`: missing, empty and `null` values
/// become the default (stored as empty), booleans take Go's spellings. All problems are
/// reported at once, each under its key; unknown keys are refused.
pub fn parse_update(
    req: &AppConfigUpdateRequest,
) -> Result<BTreeMap<&'static str, String>, AppError> {
    let mut errors = Vec::new();
    let mut field = |key: &str, code: &str, message: &str| {
        errors.push(FieldError {
            field: key.to_owned(),
            code: code.to_owned(),
            message: message.to_owned(),
        });
    };
    for key in req.0.keys() {
        if config_key(key).is_none() {
            field(key, "unknown_key", "is not a configuration key");
        }
    }
    let mut out = BTreeMap::new();
    for spec in CONFIG_KEYS {
        let raw = match req.0.get(spec.key) {
            None | Some(serde_json::Value::Null) => String::new(),
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(serde_json::Value::Bool(b)) => b.to_string(),
            Some(serde_json::Value::Number(n)) => n.to_string(),
            Some(_) => {
                field(spec.key, "invalid_type", "must be a string");
                continue;
            }
        };
        let value = normalize_value(spec, &raw);
        if !value.is_empty()
            && let Err(v) = validate_value(spec, &value)
        {
            field(spec.key, v.code, v.message);
        }
        out.insert(spec.key, value);
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(AppError::Validation(errors))
    }
}

/// Replaces the whole stored configuration (one transaction) and returns the new values.
/// Other instances on the same database read it on their next request.
pub async fn replace(
    db: &impl TransactionTrait,
    env: Option<&BTreeMap<&'static str, String>>,
    req: &AppConfigUpdateRequest,
) -> Result<BTreeMap<&'static str, String>, AppError> {
    if env.is_some() {
        return Err(ui_config_disabled());
    }
    let new = parse_update(req)?;
    let txn = db.begin().await?;
    repo::upsert_all(&txn, new.iter().map(|(k, v)| ((*k).to_owned(), v.clone()))).await?;
    let values = current_values(&txn, None).await?;
    txn.commit().await?;
    Ok(values)
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

    #[test]
    fn admin_view_redacts_only_set_secrets() {
        let mut values: BTreeMap<_, _> = CONFIG_KEYS
            .iter()
            .map(|s| (s.key, s.default.to_owned()))
            .collect();
        values.insert("smtpPassword", "hunter2".into());
        let vars = admin_variables(&values, true);
        assert_eq!(vars.len(), CONFIG_KEYS.len());
        let get = |k: &str| vars.iter().find(|v| v.key == k).unwrap().value.clone();
        assert_eq!(get("smtpPassword"), REDACTED);
        assert_eq!(get("ldapBindPassword"), "");
        let plain = admin_variables(&values, false);
        let secret = plain.iter().find(|v| v.key == "smtpPassword").unwrap();
        assert_eq!(secret.value, "hunter2");
        assert!(!secret.is_public);
    }

    #[test]
    fn update_collects_every_problem_under_its_key() {
        let req: AppConfigUpdateRequest = serde_json::from_value(serde_json::json!({
            "appName": "x".repeat(31), "sessionDuration": 0, "nope": "1",
            "ldapEnabled": true, "smtpHost": ["a"],
        }))
        .unwrap();
        let AppError::Validation(errors) = parse_update(&req).unwrap_err() else {
            panic!("validation expected");
        };
        let keys: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(keys, ["nope", "appName", "sessionDuration", "smtpHost"]);
        let ok = parse_update(&AppConfigUpdateRequest::from_pairs([("ldapEnabled", "1")])).unwrap();
        assert_eq!(ok["ldapEnabled"], "true");
        assert_eq!(ok["appName"], "");
    }
}
