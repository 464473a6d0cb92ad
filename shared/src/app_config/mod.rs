//! Application configuration keys (Pocket ID's names, types, defaults and visibility) and the
//! `{key, type, value}` variables the configuration endpoints return.

mod rules;

pub use rules::{ConfigViolation, is_css_color, normalize_value, validate_value};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How a configuration value (always sent as a string) is to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum ConfigValueType {
    String,
    Number,
    Boolean,
}

/// One configuration entry as returned by `GET /api/application-configuration`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppConfigVariable {
    pub key: String,
    #[serde(rename = "type")]
    pub value_type: ConfigValueType,
    pub value: String,
}

/// One configuration entry of the admin view (`GET /api/application-configuration/all`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AdminAppConfigVariable {
    pub key: String,
    #[serde(rename = "type")]
    pub value_type: ConfigValueType,
    pub value: String,
    /// Also returned by the unauthenticated endpoint.
    pub is_public: bool,
}

/// `PUT /api/application-configuration`: every key with its new value (a string; booleans
/// and numbers are taken too). The configuration is replaced as a whole: a key that is
/// missing, empty or `null` goes back to its default. Unknown keys are refused.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AppConfigUpdateRequest(pub BTreeMap<String, serde_json::Value>);

impl AppConfigUpdateRequest {
    /// A request setting `values` (all other keys back to their defaults).
    pub fn from_pairs<'a>(values: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        Self(
            values
                .into_iter()
                .map(|(k, v)| (k.to_owned(), serde_json::Value::String(v.to_owned())))
                .collect(),
        )
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for AppConfigUpdateRequest {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{AdditionalProperties, ObjectBuilder, Type};
        let mut object = ObjectBuilder::new()
            .schema_type(Type::Object)
            .description(Some(
                "Every configuration key with its new value; a missing or empty value resets \
                 the key to its default.",
            ))
            .additional_properties(Some(AdditionalProperties::FreeForm(false)));
        for spec in CONFIG_KEYS {
            let kind = match spec.value_type {
                ConfigValueType::Boolean => "true or false",
                ConfigValueType::Number => "a whole number",
                ConfigValueType::String => "text",
            };
            object = object.property(
                spec.key,
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .description(Some(format!("{kind}; default \"{}\"", spec.default))),
            );
        }
        utoipa::openapi::RefOr::T(utoipa::openapi::schema::Schema::Object(object.build()))
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for AppConfigUpdateRequest {}

/// The static description of one configuration key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConfigKeySpec {
    /// camelCase key used on the wire.
    pub key: &'static str,
    /// Environment variable read when `UI_CONFIG_DISABLED=true`.
    pub env: &'static str,
    pub default: &'static str,
    pub value_type: ConfigValueType,
    /// Returned by the unauthenticated endpoint.
    pub public: bool,
    /// Redacted in admin listings when the configuration comes from the environment.
    pub sensitive: bool,
    /// For secrets: the `*_FILE` variable whose file content may hold the value instead.
    pub file_env: Option<&'static str>,
}

const fn spec(
    key: &'static str,
    env: &'static str,
    default: &'static str,
    value_type: ConfigValueType,
    public: bool,
) -> ConfigKeySpec {
    ConfigKeySpec {
        key,
        env,
        default,
        value_type,
        public,
        sensitive: false,
        file_env: None,
    }
}

const fn secret(key: &'static str, env: &'static str, file_env: &'static str) -> ConfigKeySpec {
    ConfigKeySpec {
        key,
        env,
        file_env: Some(file_env),
        default: "",
        value_type: ConfigValueType::String,
        public: false,
        sensitive: true,
    }
}

use ConfigValueType::{Boolean as B, Number as N, String as S};

/// Every application configuration key of Pocket ID 2.14, in Pocket ID's order.
pub const CONFIG_KEYS: &[ConfigKeySpec] = &[
    spec("appName", "APP_NAME", "Pocket ID", S, true),
    spec("sessionDuration", "SESSION_DURATION", "60", N, false),
    spec("homePageUrl", "HOME_PAGE_URL", "/settings/account", S, true),
    spec("emailsVerified", "EMAILS_VERIFIED", "false", B, false),
    spec("accentColor", "ACCENT_COLOR", "default", S, true),
    spec("disableAnimations", "DISABLE_ANIMATIONS", "false", B, true),
    spec(
        "allowOwnAccountEdit",
        "ALLOW_OWN_ACCOUNT_EDIT",
        "true",
        B,
        true,
    ),
    spec(
        "allowUserSignups",
        "ALLOW_USER_SIGNUPS",
        "disabled",
        S,
        true,
    ),
    spec(
        "signupDefaultUserGroupIDs",
        "SIGNUP_DEFAULT_USER_GROUP_IDS",
        "[]",
        S,
        false,
    ),
    spec(
        "signupDefaultCustomClaims",
        "SIGNUP_DEFAULT_CUSTOM_CLAIMS",
        "[]",
        S,
        false,
    ),
    spec("requireUserEmail", "REQUIRE_USER_EMAIL", "true", B, true),
    spec("smtpHost", "SMTP_HOST", "", S, false),
    spec("smtpPort", "SMTP_PORT", "", N, false),
    spec("smtpFrom", "SMTP_FROM", "", S, false),
    spec("smtpUser", "SMTP_USER", "", S, false),
    secret("smtpPassword", "SMTP_PASSWORD", "SMTP_PASSWORD_FILE"),
    spec("smtpTls", "SMTP_TLS", "none", S, false),
    spec(
        "smtpSkipCertVerify",
        "SMTP_SKIP_CERT_VERIFY",
        "false",
        B,
        false,
    ),
    spec(
        "emailLoginNotificationEnabled",
        "EMAIL_LOGIN_NOTIFICATION_ENABLED",
        "false",
        B,
        false,
    ),
    spec(
        "emailOneTimeAccessAsUnauthenticatedEnabled",
        "EMAIL_ONE_TIME_ACCESS_AS_UNAUTHENTICATED_ENABLED",
        "false",
        B,
        true,
    ),
    spec(
        "emailOneTimeAccessAsAdminEnabled",
        "EMAIL_ONE_TIME_ACCESS_AS_ADMIN_ENABLED",
        "false",
        B,
        true,
    ),
    spec(
        "emailApiKeyExpirationEnabled",
        "EMAIL_API_KEY_EXPIRATION_ENABLED",
        "false",
        B,
        false,
    ),
    spec(
        "emailVerificationEnabled",
        "EMAIL_VERIFICATION_ENABLED",
        "false",
        B,
        true,
    ),
    spec("ldapEnabled", "LDAP_ENABLED", "false", B, true),
    spec("ldapUrl", "LDAP_URL", "", S, false),
    spec("ldapBindDn", "LDAP_BIND_DN", "", S, false),
    secret(
        "ldapBindPassword",
        "LDAP_BIND_PASSWORD",
        "LDAP_BIND_PASSWORD_FILE",
    ),
    spec("ldapBase", "LDAP_BASE", "", S, false),
    spec(
        "ldapUserSearchFilter",
        "LDAP_USER_SEARCH_FILTER",
        "(objectClass=person)",
        S,
        false,
    ),
    spec(
        "ldapUserGroupSearchFilter",
        "LDAP_USER_GROUP_SEARCH_FILTER",
        "(objectClass=groupOfNames)",
        S,
        false,
    ),
    spec(
        "ldapSkipCertVerify",
        "LDAP_SKIP_CERT_VERIFY",
        "false",
        B,
        false,
    ),
    spec(
        "ldapAttributeUserUniqueIdentifier",
        "LDAP_ATTRIBUTE_USER_UNIQUE_IDENTIFIER",
        "",
        S,
        false,
    ),
    spec(
        "ldapAttributeUserUsername",
        "LDAP_ATTRIBUTE_USER_USERNAME",
        "",
        S,
        false,
    ),
    spec(
        "ldapAttributeUserEmail",
        "LDAP_ATTRIBUTE_USER_EMAIL",
        "",
        S,
        false,
    ),
    spec(
        "ldapAttributeUserFirstName",
        "LDAP_ATTRIBUTE_USER_FIRST_NAME",
        "",
        S,
        false,
    ),
    spec(
        "ldapAttributeUserLastName",
        "LDAP_ATTRIBUTE_USER_LAST_NAME",
        "",
        S,
        false,
    ),
    spec(
        "ldapAttributeUserDisplayName",
        "LDAP_ATTRIBUTE_USER_DISPLAY_NAME",
        "cn",
        S,
        false,
    ),
    spec(
        "ldapAttributeUserProfilePicture",
        "LDAP_ATTRIBUTE_USER_PROFILE_PICTURE",
        "",
        S,
        false,
    ),
    spec(
        "ldapAttributeGroupMember",
        "LDAP_ATTRIBUTE_GROUP_MEMBER",
        "member",
        S,
        false,
    ),
    spec(
        "ldapAttributeGroupUniqueIdentifier",
        "LDAP_ATTRIBUTE_GROUP_UNIQUE_IDENTIFIER",
        "",
        S,
        false,
    ),
    spec(
        "ldapAttributeGroupName",
        "LDAP_ATTRIBUTE_GROUP_NAME",
        "",
        S,
        false,
    ),
    spec("ldapAdminGroupName", "LDAP_ADMIN_GROUP_NAME", "", S, false),
    spec(
        "ldapSoftDeleteUsers",
        "LDAP_SOFT_DELETE_USERS",
        "true",
        B,
        false,
    ),
    spec(
        "webauthnUserVerification",
        "WEBAUTHN_USER_VERIFICATION",
        "required",
        S,
        false,
    ),
    spec(
        "webauthnAllowSyncedPasskeys",
        "WEBAUTHN_ALLOW_SYNCED_PASSKEYS",
        "true",
        B,
        false,
    ),
    spec(
        "webauthnAuthenticatorAttachment",
        "WEBAUTHN_AUTHENTICATOR_ATTACHMENT",
        "any",
        S,
        false,
    ),
    spec("cimdUrlAllowlist", "CIMD_URL_ALLOWLIST", "[]", S, false),
];

/// Looks up a key's description.
pub fn config_key(key: &str) -> Option<&'static ConfigKeySpec> {
    CONFIG_KEYS.iter().find(|s| s.key == key)
}

/// Synthetic public key: true when the configuration comes from the environment.
pub const UI_CONFIG_DISABLED_KEY: &str = "uiConfigDisabled";
/// Synthetic public key: true when browser trace export is configured.
pub const TRACING_ENABLED_KEY: &str = "tracingEnabled";

/// The public configuration, typed, as the SPA uses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicAppConfig {
    pub app_name: String,
    pub home_page_url: String,
    pub accent_color: String,
    pub disable_animations: bool,
    pub allow_own_account_edit: bool,
    pub allow_user_signups: String,
    pub require_user_email: bool,
    pub email_one_time_access_as_unauthenticated_enabled: bool,
    pub email_one_time_access_as_admin_enabled: bool,
    pub email_verification_enabled: bool,
    pub ldap_enabled: bool,
    pub ui_config_disabled: bool,
    pub tracing_enabled: bool,
}

impl PublicAppConfig {
    /// Reads the typed view from the variables; absent or unreadable entries take the defaults,
    /// so an older or newer server never breaks the SPA.
    pub fn from_variables(vars: &[AppConfigVariable]) -> Self {
        let get = |key: &str| -> String {
            vars.iter()
                .find(|v| v.key == key)
                .map(|v| v.value.clone())
                .or_else(|| config_key(key).map(|s| s.default.to_owned()))
                .unwrap_or_default()
        };
        let flag = |key: &str| get(key) == "true";
        Self {
            app_name: get("appName"),
            home_page_url: get("homePageUrl"),
            accent_color: get("accentColor"),
            disable_animations: flag("disableAnimations"),
            allow_own_account_edit: flag("allowOwnAccountEdit"),
            allow_user_signups: get("allowUserSignups"),
            require_user_email: flag("requireUserEmail"),
            email_one_time_access_as_unauthenticated_enabled: flag(
                "emailOneTimeAccessAsUnauthenticatedEnabled",
            ),
            email_one_time_access_as_admin_enabled: flag("emailOneTimeAccessAsAdminEnabled"),
            email_verification_enabled: flag("emailVerificationEnabled"),
            ldap_enabled: flag("ldapEnabled"),
            ui_config_disabled: flag(UI_CONFIG_DISABLED_KEY),
            tracing_enabled: flag(TRACING_ENABLED_KEY),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn keys_and_env_names_are_unique() {
        let keys: HashSet<_> = CONFIG_KEYS.iter().map(|s| s.key).collect();
        let envs: HashSet<_> = CONFIG_KEYS.iter().map(|s| s.env).collect();
        assert_eq!(keys.len(), CONFIG_KEYS.len());
        assert_eq!(envs.len(), CONFIG_KEYS.len());
    }

    #[test]
    fn boolean_and_number_defaults_parse() {
        for s in CONFIG_KEYS {
            match s.value_type {
                ConfigValueType::Boolean => {
                    assert!(matches!(s.default, "true" | "false"), "{}", s.key)
                }
                ConfigValueType::Number if !s.default.is_empty() => {
                    assert!(s.default.parse::<i64>().is_ok(), "{}", s.key)
                }
                _ => {}
            }
        }
    }

    #[test]
    fn public_view_falls_back_to_defaults() {
        let vars = vec![AppConfigVariable {
            key: "appName".into(),
            value_type: ConfigValueType::String,
            value: "Acme SSO".into(),
        }];
        let cfg = PublicAppConfig::from_variables(&vars);
        assert_eq!(cfg.app_name, "Acme SSO");
        assert_eq!(cfg.home_page_url, "/settings/account");
        assert!(cfg.allow_own_account_edit);
        assert!(!cfg.ui_config_disabled);
    }

    #[test]
    fn wire_shape_uses_type_field() {
        let v = AppConfigVariable {
            key: "appName".into(),
            value_type: ConfigValueType::String,
            value: "Pocket ID".into(),
        };
        assert_eq!(
            serde_json::to_string(&v).unwrap(),
            r#"{"key":"appName","type":"string","value":"Pocket ID"}"#
        );
    }
}
