//! The only module that talks HTTP: typed JSON calls to the backend's `/api`, with every failure
//! turned into a [`ClientError`] (never swallowed into an `Option`).

pub mod admin_users;
pub mod api_keys;
pub mod apis;
pub mod app_config;
pub mod app_config_admin;
pub mod app_images;
pub mod audit_log;
pub mod custom_claims;
mod error;
pub mod list;
pub mod my_apps;
pub mod oidc;
pub mod oidc_clients;
pub mod one_time_access;
pub mod sessions;
pub mod signup;
pub mod signup_tokens;
pub mod user_groups;
pub mod users;
pub mod webauthn;

pub use error::ClientError;

use gloo_net::http::{Request, RequestBuilder};
use pocket_shared::ApiError;
use serde::{Serialize, de::DeserializeOwned};

/// `GET path` (same origin, cookies included by the browser) and decode the JSON answer.
pub async fn get_json<T: DeserializeOwned>(path: &str) -> Result<T, ClientError> {
    send_for_json(Request::get(path)).await
}

/// `POST`/`PUT`/`PATCH` a JSON body and decode the JSON answer.
pub async fn send_json<B: Serialize + ?Sized, T: DeserializeOwned>(
    builder: RequestBuilder,
    body: &B,
) -> Result<T, ClientError> {
    let (status, request_id, body) = send(accept(builder).json(body)).await?;
    decode_response(status, request_id, &body)
}

/// Sends a request without a body (e.g. a bare `POST`) and decode the JSON answer.
pub async fn send_for_json<T: DeserializeOwned>(request: RequestBuilder) -> Result<T, ClientError> {
    let (status, request_id, body) = send(accept(request).build()).await?;
    decode_response(status, request_id, &body)
}

/// Sends a request whose success answer has no body we need (204 No Content, or a body we
/// ignore); errors are decoded as usual.
pub async fn send_without_answer(request: RequestBuilder) -> Result<(), ClientError> {
    let (status, request_id, body) = send(accept(request).build()).await?;
    decode_no_content(status, request_id, &body)
}

/// Sends a JSON body whose success answer has no body we need (204 No Content).
pub async fn send_json_without_answer<B: Serialize + ?Sized>(
    builder: RequestBuilder,
    body: &B,
) -> Result<(), ClientError> {
    let (status, request_id, body) = send(accept(builder).json(body)).await?;
    decode_no_content(status, request_id, &body)
}

/// Sends a multipart form (the browser sets the boundary) and expects no answer body.
pub async fn send_form(
    request: RequestBuilder,
    form: web_sys::FormData,
) -> Result<(), ClientError> {
    let (status, request_id, body) = send(accept(request).body(form)).await?;
    decode_no_content(status, request_id, &body)
}

/// Asks for JSON: the error envelope is JSON either way.
fn accept(builder: RequestBuilder) -> RequestBuilder {
    builder.header("Accept", "application/json")
}

/// Sends a built request and reads status, request id and body text. Bodies are read as text
/// first so a non-JSON error page still yields a typed error.
async fn send(
    request: Result<Request, gloo_net::Error>,
) -> Result<(u16, Option<String>, String), ClientError> {
    let request = request.map_err(|e| ClientError::Network(format!("invalid request: {e}")))?;
    let response = request
        .send()
        .await
        .map_err(|e| ClientError::Network(e.to_string()))?;
    let status = response.status();
    let request_id = response.headers().get("x-request-id");
    let body = response
        .text()
        .await
        .map_err(|e| ClientError::Network(e.to_string()))?;
    Ok((status, request_id, body))
}

/// Turns a status and body into the expected value or a [`ClientError`]; pure, so it is tested
/// on the host.
fn decode_response<T: DeserializeOwned>(
    status: u16,
    request_id: Option<String>,
    body: &str,
) -> Result<T, ClientError> {
    if (200..300).contains(&status) {
        return serde_json::from_str(body).map_err(|e| ClientError::Decode(e.to_string()));
    }
    Err(decode_error(status, request_id, body))
}

/// Like [`decode_response`] for answers whose success body is ignored.
fn decode_no_content(
    status: u16,
    request_id: Option<String>,
    body: &str,
) -> Result<(), ClientError> {
    if (200..300).contains(&status) {
        Ok(())
    } else {
        Err(decode_error(status, request_id, body))
    }
}

/// A non-2xx answer: the `/api` envelope when the body is one, else the bare status.
fn decode_error(status: u16, request_id: Option<String>, body: &str) -> ClientError {
    match serde_json::from_str::<ApiError>(body) {
        Ok(mut error) => {
            if error.request_id.is_none() {
                error.request_id = request_id;
            }
            ClientError::Api { status, error }
        }
        Err(_) => ClientError::Http { status, request_id },
    }
}

/// Percent-encodes one path segment (ids and codes come from the server or the user).
fn segment(value: &str) -> String {
    crate::routes::guard::encode_uri_component(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use pocket_shared::{AppConfigVariable, ErrorCode};

    #[test]
    fn success_bodies_are_decoded() {
        let vars: Vec<AppConfigVariable> = decode_response(
            200,
            None,
            r#"[{"key":"appName","type":"string","value":"Acme"}]"#,
        )
        .unwrap();
        assert_eq!(vars[0].value, "Acme");
    }

    #[test]
    fn malformed_success_bodies_are_decode_errors() {
        let r: Result<Vec<AppConfigVariable>, _> = decode_response(200, None, "<html>");
        assert!(matches!(r, Err(ClientError::Decode(_))));
    }

    #[test]
    fn error_envelopes_become_api_errors_with_the_header_request_id_as_fallback() {
        let body = r#"{"error":"Not found","code":"not_found"}"#;
        let r: Result<(), _> = decode_response(404, Some("hdr-7".into()), body);
        let Err(ClientError::Api { status, error }) = r else {
            panic!("expected an Api error, got {r:?}");
        };
        assert_eq!(status, 404);
        assert_eq!(error.code, ErrorCode::NotFound);
        assert_eq!(error.request_id.as_deref(), Some("hdr-7"));
    }

    #[test]
    fn body_request_id_wins_over_the_header() {
        let body = r#"{"error":"x","code":"internal_error","request_id":"body-1"}"#;
        let r: Result<(), _> = decode_response(500, Some("hdr-7".into()), body);
        assert_eq!(r.unwrap_err().request_id(), Some("body-1"));
    }

    #[test]
    fn no_content_answers_ignore_the_body_but_not_errors() {
        assert_eq!(decode_no_content(204, None, ""), Ok(()));
        assert_eq!(decode_no_content(200, None, "{\"ignored\":1}"), Ok(()));
        let body = r#"{"error":"x","code":"setup_not_available"}"#;
        let Err(ClientError::Api { status, error }) = decode_no_content(404, None, body) else {
            panic!("expected an Api error");
        };
        assert_eq!((status, error.code), (404, ErrorCode::SetupNotAvailable));
    }

    #[test]
    fn path_segments_are_encoded() {
        assert_eq!(segment("abc-123"), "abc-123");
        assert_eq!(segment("a/b?c"), "a%2Fb%3Fc");
    }

    #[test]
    fn non_envelope_errors_keep_the_status() {
        let r: Result<(), _> = decode_response(502, Some("hdr-1".into()), "Bad Gateway");
        assert_eq!(
            r,
            Err(ClientError::Http {
                status: 502,
                request_id: Some("hdr-1".into())
            })
        );
    }
}
