//! `OAuthError`: the RFC 6749 error envelope `{error, error_description}` of the protocol
//! endpoints (never the `/api` envelope), with the right status and `WWW-Authenticate`.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::borrow::Cow;

/// A protocol error as the client receives it.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{error}: {description}")]
pub struct OAuthError {
    pub status: StatusCode,
    /// The RFC error code (`invalid_request`, `invalid_grant`, ...).
    pub error: &'static str,
    pub description: Cow<'static, str>,
    /// `WWW-Authenticate` value (client authentication with Basic, bearer-token errors).
    pub www_authenticate: Option<String>,
}

macro_rules! constructors {
    ($($name:ident => $status:ident, $code:literal;)*) => {
        impl OAuthError {
            $(
                #[doc = concat!("`", $code, "`.")]
                pub fn $name(description: impl Into<Cow<'static, str>>) -> Self {
                    Self {
                        status: StatusCode::$status,
                        error: $code,
                        description: description.into(),
                        www_authenticate: None,
                    }
                }
            )*
        }
    };
}

constructors! {
    invalid_request => BAD_REQUEST, "invalid_request";
    invalid_client => UNAUTHORIZED, "invalid_client";
    invalid_grant => BAD_REQUEST, "invalid_grant";
    unauthorized_client => BAD_REQUEST, "unauthorized_client";
    unsupported_grant_type => BAD_REQUEST, "unsupported_grant_type";
    unsupported_token_type => BAD_REQUEST, "unsupported_token_type";
    invalid_scope => BAD_REQUEST, "invalid_scope";
    invalid_target => BAD_REQUEST, "invalid_target";
    access_denied => BAD_REQUEST, "access_denied";
    authorization_pending => BAD_REQUEST, "authorization_pending";
    slow_down => BAD_REQUEST, "slow_down";
    expired_token => BAD_REQUEST, "expired_token";
    invalid_token => UNAUTHORIZED, "invalid_token";
    insufficient_scope => FORBIDDEN, "insufficient_scope";
    invalid_request_uri => BAD_REQUEST, "invalid_request_uri";
    invalid_request_object => BAD_REQUEST, "invalid_request_object";
    login_required => BAD_REQUEST, "login_required";
    consent_required => BAD_REQUEST, "consent_required";
    unsupported_response_type => BAD_REQUEST, "unsupported_response_type";
    server_error => INTERNAL_SERVER_ERROR, "server_error";
}

impl OAuthError {
    /// Adds `WWW-Authenticate: Basic` (client authentication attempted with Basic, RFC 6749 5.2).
    pub fn with_basic_challenge(mut self) -> Self {
        self.www_authenticate = Some("Basic realm=\"pocket-id\"".into());
        self
    }

    /// Adds a bearer challenge carrying the error (RFC 6750 3).
    pub fn with_bearer_challenge(mut self) -> Self {
        let desc = self.description.replace('"', "'");
        self.www_authenticate = Some(format!(
            "Bearer realm=\"pocket-id\", error=\"{}\", error_description=\"{desc}\"",
            self.error
        ));
        self
    }
}

/// A protocol endpoint's answer: `result` as JSON with `status`, never cached (RFC 6749 5.1:
/// `Cache-Control: no-store`, `Pragma: no-cache`), or its RFC 6749 error.
pub fn respond<T: serde::Serialize>(status: StatusCode, result: Result<T, OAuthError>) -> Response {
    match result {
        Ok(body) => {
            let mut res = (status, axum::Json(body)).into_response();
            let h = res.headers_mut();
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
            res
        }
        Err(e) => e.into_response(),
    }
}

impl From<sea_orm::DbErr> for OAuthError {
    fn from(e: sea_orm::DbErr) -> Self {
        tracing::error!(error = %e, "database error on a protocol endpoint");
        Self::server_error("The server could not complete the request")
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        if self.status.is_server_error() {
            tracing::error!(error = self.error, description = %self.description, "oauth server error");
        }
        let body = serde_json::json!({
            "error": self.error,
            "error_description": self.description,
        });
        let mut res = (self.status, axum::Json(body)).into_response();
        let h = res.headers_mut();
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
        if let Some(v) = self
            .www_authenticate
            .and_then(|v| HeaderValue::from_str(&v).ok())
        {
            h.insert(header::WWW_AUTHENTICATE, v);
        }
        res
    }
}
