//! The only module that talks HTTP: typed JSON calls to the backend's `/api`, with every failure
//! turned into a [`ClientError`] (never swallowed into an `Option`).

pub mod app_config;
mod error;

pub use error::ClientError;

use gloo_net::http::Request;
use pocket_shared::ApiError;
use serde::de::DeserializeOwned;

/// `GET path` (same origin, cookies included by the browser) and decode the JSON answer.
pub async fn get_json<T: DeserializeOwned>(path: &str) -> Result<T, ClientError> {
    let response = Request::get(path)
        .header("Accept", "application/json")
        .send()
        .await
        .map_err(|e| ClientError::Network(e.to_string()))?;
    let status = response.status();
    let request_id = response.headers().get("x-request-id");
    // Read the body as text first so a non-JSON error page still yields a typed error.
    let body = response
        .text()
        .await
        .map_err(|e| ClientError::Network(e.to_string()))?;
    decode_response(status, request_id, &body)
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
    match serde_json::from_str::<ApiError>(body) {
        Ok(mut error) => {
            if error.request_id.is_none() {
                error.request_id = request_id;
            }
            Err(ClientError::Api { status, error })
        }
        Err(_) => Err(ClientError::Http { status, request_id }),
    }
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
