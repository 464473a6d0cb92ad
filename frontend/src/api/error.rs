//! `ClientError`: every way an API call can fail, and the text the user sees for each.

use pocket_shared::{ApiError, ErrorCode, FieldError};
use std::fmt;

/// Why a request to the backend did not produce the expected value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientError {
    /// The server answered non-2xx with the `/api` error envelope.
    Api {
        /// The HTTP status code.
        status: u16,
        /// The decoded error body.
        error: ApiError,
    },
    /// The server answered non-2xx without the envelope (a proxy page, an empty body).
    Http {
        /// The HTTP status code.
        status: u16,
        /// The `X-Request-ID` response header, when the server sent one.
        request_id: Option<String>,
    },
    /// The request never got an answer (offline, DNS, connection refused, CORS).
    Network(String),
    /// A 2xx answer whose body is not the JSON this build expects.
    Decode(String),
}

impl ClientError {
    /// The server's error code, when the server sent the envelope.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            Self::Api { error, .. } => Some(error.code),
            _ => None,
        }
    }

    /// True when the request failed because there is no (valid) session.
    pub fn is_not_signed_in(&self) -> bool {
        matches!(self.code(), Some(ErrorCode::NotSignedIn))
            || matches!(self, Self::Http { status: 401, .. })
    }

    /// Per-field validation failures (`details.fields`); empty for other errors.
    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            Self::Api { error, .. } => error.details.as_ref().map_or(&[], |d| d.fields.as_slice()),
            _ => &[],
        }
    }

    /// A string detail such as `property` (`already_in_use`) or `max_size`.
    pub fn detail(&self, key: &str) -> Option<&str> {
        match self {
            Self::Api { error, .. } => error
                .details
                .as_ref()
                .and_then(|d| d.values.get(key))
                .map(String::as_str),
            _ => None,
        }
    }

    /// The request id to quote to an administrator, when the server sent one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Api { error, .. } => error.request_id.as_deref(),
            Self::Http { request_id, .. } => request_id.as_deref(),
            Self::Network(_) | Self::Decode(_) => None,
        }
    }

    /// A short label identifying the failure: the server's code, or a client-side kind.
    pub fn code_label(&self) -> String {
        match self {
            Self::Api { error, .. } => error.code.as_str().to_owned(),
            Self::Http { status, .. } => format!("http_{status}"),
            Self::Network(_) => "network_error".to_owned(),
            Self::Decode(_) => "unexpected_response".to_owned(),
        }
    }

    /// The sentence shown to the user. Server codes are mapped to our own wording; the server's
    /// `error` text is used only for codes without one (it is written to be user-safe).
    pub fn user_message(&self) -> String {
        match self {
            Self::Api { status, error } => code_message(error.code)
                .map(str::to_owned)
                .or_else(|| (!error.error.trim().is_empty()).then(|| error.error.clone()))
                .unwrap_or_else(|| status_message(*status)),
            Self::Http { status, .. } => status_message(*status),
            Self::Network(_) => {
                "Could not reach the server. Check your connection and try again.".to_owned()
            }
            Self::Decode(_) => "The server sent a response this page does not understand. \
                 Reloading the page may help."
                .to_owned(),
        }
    }

    /// Technical detail for the "details" disclosure (never needed to act on the error).
    pub fn technical_detail(&self) -> Option<String> {
        match self {
            Self::Api { status, error } => Some(format!("HTTP {status}: {}", error.error)),
            Self::Http { status, .. } => Some(format!("HTTP {status} without an error body")),
            Self::Network(detail) | Self::Decode(detail) => Some(detail.clone()),
        }
    }
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.user_message())
    }
}

impl std::error::Error for ClientError {}

/// Our wording for the codes where the server's generic text is not the best thing to show.
fn code_message(code: ErrorCode) -> Option<&'static str> {
    Some(match code {
        ErrorCode::InternalError => {
            "Something went wrong on the server. Try again, and contact your administrator if it \
             keeps happening."
        }
        ErrorCode::ServiceUnavailable => {
            "The server is not ready to handle requests right now. Try again in a moment."
        }
        ErrorCode::RequestTimeout => "The server took too long to answer. Try again.",
        ErrorCode::RateLimited => "Too many requests. Wait a moment, then try again.",
        ErrorCode::NotSignedIn | ErrorCode::InvalidToken => {
            "Your session has ended. Sign in again to continue."
        }
        ErrorCode::Forbidden => "You do not have permission to do this.",
        ErrorCode::UserDisabled => "This account is disabled. Contact your administrator.",
        ErrorCode::NotFound => "The requested item does not exist.",
        ErrorCode::WebauthnAuthenticationFailed => {
            "This passkey is not recognised here. Use a passkey you added to this account, or \
             sign in with a login code."
        }
        ErrorCode::InvalidWebauthnSession | ErrorCode::MissingSessionId => {
            "The passkey request expired. Try again."
        }
        ErrorCode::InvalidWebauthnResponse => {
            "Your passkey's answer could not be verified. Try again, or use another passkey."
        }
        ErrorCode::SyncedPasskeyNotAllowed => {
            "This server does not accept synced passkeys. Use a passkey that stays on one \
             device, such as a security key."
        }
        ErrorCode::PasskeyUserVerificationRequired => {
            "Your passkey must verify it is you (PIN, fingerprint or face). Use a passkey or \
             device that can."
        }
        ErrorCode::TokenInvalidOrExpired => {
            "This login code is invalid or has expired. Ask your administrator for a new one."
        }
        ErrorCode::SetupAlreadyCompleted | ErrorCode::SetupNotAvailable => {
            "Setup is already complete. Sign in instead."
        }
        ErrorCode::FileTypeNotSupported => "Choose a JPEG, PNG, GIF or WebP image.",
        ErrorCode::FileTooLarge => "This image is too large. Choose a smaller one.",
        ErrorCode::InvalidImage => "This file could not be read as an image.",
        ErrorCode::AccountEditNotAllowed => {
            "Your administrator does not allow changing your account details."
        }
        ErrorCode::ReauthenticationRequired => {
            "Confirm it is you with your passkey to continue (without a passkey, sign in again with a login code)."
        }
        ErrorCode::OidcAccessDenied => "You are not allowed to access this service.",
        ErrorCode::OidcParRequired => {
            "This application must send its sign-in request to the server first (pushed \
             authorization request). Contact the application's administrator."
        }
        ErrorCode::InteractionNotFound => {
            "This sign-in request has expired or was already used. Go back to the application \
             and start again."
        }
        ErrorCode::InteractionStepMismatch => {
            "This sign-in request moved on in another tab or window. The page now shows where \
             it stands; try again."
        }
        ErrorCode::DeviceCodeInvalid => {
            "This code is invalid or has expired. Check the code shown on your device, or start \
             again there."
        }
        _ => return None,
    })
}

/// Fallback wording by HTTP status, for answers without a usable code or text.
fn status_message(status: u16) -> String {
    match status {
        401 => "Your session has ended. Sign in again to continue.".to_owned(),
        403 => "You do not have permission to do this.".to_owned(),
        404 => "The requested item does not exist.".to_owned(),
        429 => "Too many requests. Wait a moment, then try again.".to_owned(),
        502..=504 => "The server is unavailable right now. Try again in a moment.".to_owned(),
        500..=599 => "Something went wrong on the server. Try again, and contact your \
             administrator if it keeps happening."
            .to_owned(),
        _ => format!("The request failed (HTTP {status})."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16, code: ErrorCode, text: &str) -> ClientError {
        ClientError::Api {
            status,
            error: ApiError {
                error: text.into(),
                code,
                details: None,
                request_id: Some("req-1".into()),
            },
        }
    }

    #[test]
    fn known_codes_use_our_wording_not_the_server_text() {
        let e = api(500, ErrorCode::InternalError, "db exploded");
        assert!(
            e.user_message()
                .starts_with("Something went wrong on the server")
        );
        assert!(!e.user_message().contains("db exploded"));
        assert_eq!(e.code_label(), "internal_error");
        assert_eq!(e.request_id(), Some("req-1"));
    }

    #[test]
    fn other_codes_show_the_server_text() {
        let e = api(409, ErrorCode::AlreadyInUse, "Username is already in use");
        assert_eq!(e.user_message(), "Username is already in use");
    }

    #[test]
    fn unknown_code_without_text_falls_back_to_status() {
        let e = api(503, ErrorCode::Unknown, "  ");
        assert_eq!(
            e.user_message(),
            "The server is unavailable right now. Try again in a moment."
        );
        assert_eq!(e.code_label(), "unknown");
    }

    #[test]
    fn accessors_read_code_fields_and_details() {
        let body = r#"{"error":"bad","code":"validation_failed","details":{"fields":[{"field":"email","code":"invalid_format","message":"must be a valid email address"}],"property":"email"}}"#;
        let e = ClientError::Api {
            status: 400,
            error: serde_json::from_str(body).unwrap(),
        };
        assert_eq!(e.code(), Some(ErrorCode::ValidationFailed));
        assert_eq!(e.field_errors()[0].field, "email");
        assert_eq!(e.detail("property"), Some("email"));
        assert!(!e.is_not_signed_in());
        assert!(api(401, ErrorCode::NotSignedIn, "x").is_not_signed_in());
        assert!(ClientError::Network("x".into()).field_errors().is_empty());
    }

    #[test]
    fn passkey_and_login_code_codes_have_our_wording() {
        let e = api(401, ErrorCode::WebauthnAuthenticationFailed, "no");
        assert!(e.user_message().contains("not recognised"));
        let e = api(401, ErrorCode::TokenInvalidOrExpired, "no");
        assert!(e.user_message().contains("invalid or has expired"));
    }

    #[test]
    fn oidc_codes_have_our_wording() {
        let e = api(403, ErrorCode::OidcAccessDenied, "denied");
        assert_eq!(
            e.user_message(),
            "You are not allowed to access this service."
        );
        for code in [
            ErrorCode::OidcParRequired,
            ErrorCode::InteractionNotFound,
            ErrorCode::InteractionStepMismatch,
            ErrorCode::DeviceCodeInvalid,
        ] {
            assert!(code_message(code).is_some(), "{code:?}");
        }
        assert!(
            api(404, ErrorCode::DeviceCodeInvalid, "x")
                .user_message()
                .contains("invalid or has expired")
        );
    }

    #[test]
    fn http_errors_without_envelope_are_described_by_status() {
        let e = ClientError::Http {
            status: 418,
            request_id: None,
        };
        assert_eq!(e.user_message(), "The request failed (HTTP 418).");
        assert_eq!(e.code_label(), "http_418");
        assert_eq!(e.request_id(), None);
    }

    #[test]
    fn network_and_decode_errors_have_fixed_messages_and_keep_the_detail() {
        let n = ClientError::Network("TypeError: Failed to fetch".into());
        assert!(n.user_message().starts_with("Could not reach the server"));
        assert_eq!(n.code_label(), "network_error");
        assert_eq!(
            n.technical_detail().as_deref(),
            Some("TypeError: Failed to fetch")
        );

        let d = ClientError::Decode("expected value at line 1".into());
        assert!(d.user_message().contains("does not understand"));
        assert_eq!(d.to_string(), d.user_message());
    }
}
