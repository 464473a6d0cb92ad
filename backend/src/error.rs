//! `AppError` and the `/api` error envelope `{error, code, details?, request_id}`; a middleware
//! renders every `/api` error (ours or the framework's) in that one shape.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use pocket_shared::error::ErrorDetails;
use pocket_shared::{ApiError, ErrorCode, FieldError};
use std::borrow::Cow;

/// An error a handler returns; becomes an `/api` error response.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0} is already in use")]
    AlreadyInUse(&'static str),
    #[error("request validation failed")]
    Validation(Vec<FieldError>),
    #[error("request body is invalid: {0}")]
    InvalidBody(String),
    #[error("not signed in")]
    NotSignedIn,
    #[error("missing permission")]
    Forbidden,
    #[error("too many requests")]
    RateLimited { retry_after_secs: u64 },
    /// Any other client error with its own code and message.
    #[error("{message}")]
    Coded {
        status: StatusCode,
        code: ErrorCode,
        message: Cow<'static, str>,
    },
    /// A server fault: logged in full, answered with a generic message.
    #[error("internal error: {0}")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl AppError {
    /// A server fault from any error type.
    pub fn internal(e: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::Internal(Box::new(e))
    }

    /// One invalid field.
    pub fn field(field: &str, code: &str, message: &str) -> Self {
        Self::Validation(vec![FieldError {
            field: field.into(),
            code: code.into(),
            message: message.into(),
        }])
    }

    /// A client error with its own status, code and message; prefer the named constructors.
    pub fn coded(
        status: StatusCode,
        code: ErrorCode,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self::Coded {
            status,
            code,
            message: message.into(),
        }
    }

    /// 400: the request can't be carried out as asked.
    pub fn bad_request(code: ErrorCode, message: impl Into<Cow<'static, str>>) -> Self {
        Self::coded(StatusCode::BAD_REQUEST, code, message)
    }

    /// 401: the credentials (or the proof of presence) are missing, invalid or expired.
    pub fn unauthorized(code: ErrorCode, message: impl Into<Cow<'static, str>>) -> Self {
        Self::coded(StatusCode::UNAUTHORIZED, code, message)
    }

    /// 403 with a code saying why (plain [`AppError::Forbidden`] is "missing permission").
    pub fn refused(code: ErrorCode, message: impl Into<Cow<'static, str>>) -> Self {
        Self::coded(StatusCode::FORBIDDEN, code, message)
    }

    /// 404 with a code of its own (plain [`AppError::NotFound`] names the resource).
    pub fn gone(code: ErrorCode, message: impl Into<Cow<'static, str>>) -> Self {
        Self::coded(StatusCode::NOT_FOUND, code, message)
    }

    /// 404 `not_found` for a path that names nothing: unknown routes and path ids that cannot
    /// be ids at all (a malformed UUID answers like an unknown one).
    pub fn no_such_path() -> Self {
        Self::gone(ErrorCode::NotFound, "Not found")
    }

    /// 409: the request conflicts with the current state.
    pub fn conflict(code: ErrorCode, message: impl Into<Cow<'static, str>>) -> Self {
        Self::coded(StatusCode::CONFLICT, code, message)
    }

    /// 503: a server-side prerequisite (e.g. email) is not configured.
    pub fn unavailable(code: ErrorCode, message: impl Into<Cow<'static, str>>) -> Self {
        Self::coded(StatusCode::SERVICE_UNAVAILABLE, code, message)
    }

    /// Maps a unique-constraint violation to 409 `already_in_use` on `field`; any other
    /// database error stays a server fault. For `.map_err(AppError::in_use("name"))`.
    pub fn in_use(field: &'static str) -> impl FnOnce(sea_orm::DbErr) -> Self {
        move |e| Self::in_use_by(e, |_| field)
    }

    /// As [`AppError::in_use`], with the field picked from the violation's message (for tables
    /// with several unique columns).
    pub fn in_use_by(e: sea_orm::DbErr, field: impl FnOnce(&str) -> &'static str) -> Self {
        match e.sql_err() {
            Some(sea_orm::SqlErr::UniqueConstraintViolation(msg)) => {
                Self::AlreadyInUse(field(&msg))
            }
            _ => Self::internal(e),
        }
    }

    fn status_code_message(&self) -> (StatusCode, ErrorCode, Cow<'static, str>) {
        match self {
            Self::NotFound(what) => (
                StatusCode::NOT_FOUND,
                ErrorCode::NotFound,
                format!("{what} not found").into(),
            ),
            Self::AlreadyInUse(what) => (
                StatusCode::CONFLICT,
                ErrorCode::AlreadyInUse,
                format!("{what} is already in use").into(),
            ),
            Self::Validation(fields) => {
                let msg = match fields.as_slice() {
                    [one] => format!("{} {}", one.field, one.message).into(),
                    _ => "Request validation failed".into(),
                };
                (StatusCode::BAD_REQUEST, ErrorCode::ValidationFailed, msg)
            }
            Self::InvalidBody(why) => (
                StatusCode::BAD_REQUEST,
                ErrorCode::InvalidRequestBody,
                format!("Request body is invalid: {why}").into(),
            ),
            Self::NotSignedIn => (
                StatusCode::UNAUTHORIZED,
                ErrorCode::NotSignedIn,
                "You are not signed in".into(),
            ),
            Self::Forbidden => (
                StatusCode::FORBIDDEN,
                ErrorCode::Forbidden,
                "You don't have permission to perform this action".into(),
            ),
            Self::RateLimited { .. } => (
                StatusCode::TOO_MANY_REQUESTS,
                ErrorCode::RateLimited,
                "Too many requests".into(),
            ),
            Self::Coded {
                status,
                code,
                message,
            } => (*status, *code, message.clone()),
            Self::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                ErrorCode::InternalError,
                "Something went wrong".into(),
            ),
        }
    }

    fn details(&self) -> Option<ErrorDetails> {
        let mut d = ErrorDetails::default();
        match self {
            Self::NotFound(what) => {
                d.values.insert("resource".into(), (*what).into());
            }
            Self::AlreadyInUse(what) => {
                d.values.insert("property".into(), (*what).into());
            }
            Self::Validation(fields) => d.fields = fields.clone(),
            _ => {}
        }
        (!d.is_empty()).then_some(d)
    }
}

/// `Ok` when `errors` is empty, else 400 `validation_failed` with every one of them.
pub fn validated(errors: Vec<FieldError>) -> Result<(), AppError> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

/// Field errors `<field>[i]` (code `not_found`, "is not an existing <what>") for the entries of
/// `ids` that are not in `known`.
pub fn unknown_entries<T: Ord>(
    field: &str,
    ids: &[T],
    known: &std::collections::BTreeSet<T>,
    what: &str,
) -> Vec<FieldError> {
    ids.iter()
        .enumerate()
        .filter(|(_, id)| !known.contains(id))
        .map(|(i, _)| FieldError {
            field: format!("{field}[{i}]"),
            code: "not_found".into(),
            message: format!("is not an existing {what}"),
        })
        .collect()
}

impl From<sea_orm::DbErr> for AppError {
    fn from(e: sea_orm::DbErr) -> Self {
        Self::internal(e)
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, code, message) = self.status_code_message();
        if let Self::Internal(cause) = &self {
            // Logged inside the request span, which carries the request id.
            tracing::error!(error = %cause, "internal error");
        }
        let body = ApiError {
            error: message.into_owned(),
            code,
            details: self.details(),
            request_id: None,
        };
        let mut res = status.into_response();
        if let Self::RateLimited { retry_after_secs } = self {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
        // The envelope middleware renders the body once it knows the request id.
        res.extensions_mut().insert(body);
        res
    }
}

/// Renders `/api` error bodies: an [`AppError`]'s envelope gets the request id, and framework
/// errors (unknown route, wrong method, body too large, ...) are given the same envelope.
pub async fn render_api_errors(req: Request, next: Next) -> Response {
    let request_id = req
        .headers()
        .get(crate::headers::REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let is_api = req.uri().path() == "/api" || req.uri().path().starts_with("/api/");
    let mut res = next.run(req).await;

    let body = match res.extensions_mut().remove::<ApiError>() {
        Some(body) => body,
        None if is_api && (res.status().is_client_error() || res.status().is_server_error()) => {
            let is_json = res
                .headers()
                .get(header::CONTENT_TYPE)
                .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
            if is_json {
                // Already an envelope (e.g. OAuth endpoints' RFC 6749 errors): leave it alone.
                return res;
            }
            let text = body_text(res.body_mut()).await;
            framework_error(res.status(), text)
        }
        None => return res,
    };
    let body = ApiError { request_id, ..body };
    let bytes = serde_json::to_vec(&body).unwrap_or_default();
    let (mut parts, _) = res.into_parts();
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(bytes))
}

/// Reads a (small) framework error body, e.g. axum's rejection text.
async fn body_text(body: &mut Body) -> String {
    let taken = std::mem::take(body);
    match axum::body::to_bytes(taken, 4096).await {
        Ok(b) => String::from_utf8_lossy(&b).trim().to_owned(),
        Err(_) => String::new(),
    }
}

fn framework_error(status: StatusCode, text: String) -> ApiError {
    let (code, error) = match status {
        StatusCode::NOT_FOUND => (ErrorCode::NotFound, "Not found".to_owned()),
        StatusCode::METHOD_NOT_ALLOWED => {
            (ErrorCode::MethodNotAllowed, "Method not allowed".to_owned())
        }
        StatusCode::PAYLOAD_TOO_LARGE => (
            ErrorCode::FileTooLarge,
            "Request body is too large".to_owned(),
        ),
        StatusCode::REQUEST_TIMEOUT => (ErrorCode::RequestTimeout, "Request timed out".to_owned()),
        StatusCode::TOO_MANY_REQUESTS => (ErrorCode::RateLimited, "Too many requests".to_owned()),
        s if s.is_server_error() => (ErrorCode::InternalError, "Something went wrong".to_owned()),
        // 400/415/422 from extractors: their text explains what was wrong with the request.
        _ if !text.is_empty() => (ErrorCode::InvalidRequestBody, text),
        _ => (
            ErrorCode::InvalidRequestBody,
            "Request is invalid".to_owned(),
        ),
    };
    ApiError {
        error,
        code,
        details: None,
        request_id: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_with_one_field_names_it() {
        let e = AppError::field("appName", "too_long", "must be at most 30 characters");
        let (status, code, msg) = e.status_code_message();
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(code, ErrorCode::ValidationFailed);
        assert_eq!(msg, "appName must be at most 30 characters");
        assert_eq!(e.details().unwrap().fields[0].field, "appName");
    }

    #[test]
    fn internal_errors_say_nothing_internal() {
        let e = AppError::internal(std::io::Error::other("disk /var/secret on fire"));
        let (status, _, msg) = e.status_code_message();
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!msg.contains("secret"));
        assert!(e.details().is_none());
    }
}
