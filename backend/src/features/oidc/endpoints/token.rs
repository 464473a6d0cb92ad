//! `POST /api/oidc/token`: the token endpoint. The grants themselves are in `grants/`.

use crate::features::oidc::error;
use crate::features::oidc::grants;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

/// Exchange a grant for tokens (RFC 6749 3.2).
#[utoipa::path(post, path = "/api/oidc/token", tag = "OIDC",
    request_body(content = String, content_type = "application/x-www-form-urlencoded",
                 description = "grant_type and the grant's parameters; client credentials in Basic or the form"),
    responses((status = 200, description = "access_token, token_type, expires_in, refresh_token?, id_token?, scope", body = serde_json::Value),
              (status = 400, description = "RFC 6749 error", body = serde_json::Value),
              (status = 401, description = "invalid_client", body = serde_json::Value)))]
pub async fn create_tokens(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    error::respond(
        StatusCode::OK,
        grants::exchange(&state, &headers, &body).await,
    )
}
