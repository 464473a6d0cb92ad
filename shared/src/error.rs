//! The `/api` error envelope `{error, code, details?, request_id}` and Pocket ID's error codes.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Stable, machine-readable error codes (Pocket ID's vocabulary). Clients branch on these,
/// never on the human-readable `error` text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    InternalError,
    ValidationFailed,
    InvalidRequestBody,
    RequestTimeout,
    NotFound,
    MethodNotAllowed,
    AlreadyInUse,
    Forbidden,
    InvalidToken,
    RateLimited,
    FileTooLarge,
    InvalidImage,
    NotSignedIn,
    UserNotFound,
    UserDisabled,
    ApiKeyAuthNotAllowed,
    SetupNotAvailable,
    SetupAlreadyCompleted,
    UiConfigDisabled,
    ServiceUnavailable,
    InvalidWebauthnResponse,
    WebauthnAuthenticationFailed,
    PasskeyUserVerificationRequired,
    SyncedPasskeyNotAllowed,
    InvalidWebauthnSession,
    MissingSessionId,
    TokenInvalidOrExpired,
    DeviceCodeInvalid,
    ReauthenticationRequired,
    FileTypeNotSupported,
    AccountEditNotAllowed,
    OidcParRequired,
    OidcAccessDenied,
    InteractionNotFound,
    InteractionStepMismatch,
    InvalidCallbackUrl,
    TooManyClientSecrets,
    PublicClientSecretNotAllowed,
    OidcMissingConsent,
    InvalidApiKey,
    ApiKeyExpired,
    ApiKeyNotExpired,
    OpenSignupDisabled,
    SignupDisabled,
    OneTimeAccessDisabled,
    EmailNotConfigured,
    LdapUserUpdate,
    LdapUserGroupUpdate,
    /// The change would leave no enabled administrator.
    LastAdmin,
    /// A code this build does not know yet (newer server); treat by HTTP status.
    #[serde(other)]
    Unknown,
}

impl ErrorCode {
    /// The snake_case wire name of this code.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InternalError => "internal_error",
            Self::ValidationFailed => "validation_failed",
            Self::InvalidRequestBody => "invalid_request_body",
            Self::RequestTimeout => "request_timeout",
            Self::NotFound => "not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::AlreadyInUse => "already_in_use",
            Self::Forbidden => "forbidden",
            Self::InvalidToken => "invalid_token",
            Self::RateLimited => "rate_limited",
            Self::FileTooLarge => "file_too_large",
            Self::InvalidImage => "invalid_image",
            Self::NotSignedIn => "not_signed_in",
            Self::UserNotFound => "user_not_found",
            Self::UserDisabled => "user_disabled",
            Self::ApiKeyAuthNotAllowed => "api_key_auth_not_allowed",
            Self::SetupNotAvailable => "setup_not_available",
            Self::SetupAlreadyCompleted => "setup_already_completed",
            Self::UiConfigDisabled => "ui_config_disabled",
            Self::ServiceUnavailable => "service_unavailable",
            Self::InvalidWebauthnResponse => "invalid_webauthn_response",
            Self::WebauthnAuthenticationFailed => "webauthn_authentication_failed",
            Self::PasskeyUserVerificationRequired => "passkey_user_verification_required",
            Self::SyncedPasskeyNotAllowed => "synced_passkey_not_allowed",
            Self::InvalidWebauthnSession => "invalid_webauthn_session",
            Self::MissingSessionId => "missing_session_id",
            Self::TokenInvalidOrExpired => "token_invalid_or_expired",
            Self::DeviceCodeInvalid => "device_code_invalid",
            Self::ReauthenticationRequired => "reauthentication_required",
            Self::FileTypeNotSupported => "file_type_not_supported",
            Self::AccountEditNotAllowed => "account_edit_not_allowed",
            Self::OidcParRequired => "oidc_par_required",
            Self::OidcAccessDenied => "oidc_access_denied",
            Self::InteractionNotFound => "interaction_not_found",
            Self::InteractionStepMismatch => "interaction_step_mismatch",
            Self::InvalidCallbackUrl => "invalid_callback_url",
            Self::TooManyClientSecrets => "too_many_client_secrets",
            Self::PublicClientSecretNotAllowed => "public_client_secret_not_allowed",
            Self::OidcMissingConsent => "oidc_missing_consent",
            Self::InvalidApiKey => "invalid_api_key",
            Self::ApiKeyExpired => "api_key_expired",
            Self::ApiKeyNotExpired => "api_key_not_expired",
            Self::OpenSignupDisabled => "open_signup_disabled",
            Self::SignupDisabled => "signup_disabled",
            Self::OneTimeAccessDisabled => "one_time_access_disabled",
            Self::EmailNotConfigured => "email_not_configured",
            Self::LdapUserUpdate => "ldap_user_update",
            Self::LdapUserGroupUpdate => "ldap_user_group_update",
            Self::LastAdmin => "last_admin",
            Self::Unknown => "unknown",
        }
    }
}

/// One client-actionable validation failure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// The request field, in its JSON (camelCase) spelling.
    pub field: String,
    /// Machine-readable reason, e.g. `required`, `too_long`, `invalid_format`.
    pub code: String,
    /// Human-readable reason, e.g. "must be at most 30 characters".
    pub message: String,
}

/// Extra, client-safe facts about an error.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorDetails {
    /// Per-field validation failures.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
    /// Other string details (`resource`, `property`, `max_size`, ...).
    #[serde(flatten)]
    pub values: BTreeMap<String, String>,
}

impl ErrorDetails {
    /// True when there is nothing to send.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.values.is_empty()
    }
}

/// The body of every non-2xx `/api/*` response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiError {
    /// Human-readable message, safe to show to the user.
    pub error: String,
    /// Stable machine-readable code.
    pub code: ErrorCode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<ErrorDetails>,
    /// The `X-Request-ID` of the failed request, for support and logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialize_as_their_wire_names() {
        for code in [
            ErrorCode::InternalError,
            ErrorCode::NotFound,
            ErrorCode::ApiKeyAuthNotAllowed,
            ErrorCode::UiConfigDisabled,
        ] {
            let json = serde_json::to_value(code).unwrap();
            assert_eq!(json, serde_json::Value::String(code.as_str().into()));
        }
    }

    #[test]
    fn unknown_codes_deserialize_without_failing() {
        let e: ApiError = serde_json::from_str(r#"{"error":"x","code":"brand_new_code"}"#).unwrap();
        assert_eq!(e.code, ErrorCode::Unknown);
    }

    #[test]
    fn details_round_trip_fields_and_values() {
        let body = r#"{"error":"bad","code":"validation_failed","details":{"fields":[{"field":"appName","code":"too_long","message":"too long"}],"resource":"user"},"request_id":"r1"}"#;
        let e: ApiError = serde_json::from_str(body).unwrap();
        let d = e.details.clone().unwrap();
        assert_eq!(d.fields[0].field, "appName");
        assert_eq!(d.values["resource"], "user");
        let again: ApiError = serde_json::from_str(&serde_json::to_string(&e).unwrap()).unwrap();
        assert_eq!(again, e);
    }
}
