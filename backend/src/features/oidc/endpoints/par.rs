//! Pushed authorization requests (RFC 9126): the client posts the authorization parameters and
//! gets a single-use `request_uri` valid for 90 seconds.

use crate::features::oidc::error::OAuthError;
use crate::features::oidc::protocol::client_auth;
use crate::features::oidc::protocol::params::Params;
use crate::features::oidc::protocol::request;
use crate::features::oidc::store::{self, Kind, NewRow, RequestData};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::Duration;

/// Lifetime of a pushed request.
pub const LIFETIME: Duration = Duration::seconds(90);
/// Parameters that authenticate the client, never stored with the request.
const CREDENTIAL_PARAMS: &[&str] = &["client_secret", "client_assertion", "client_assertion_type"];

async fn push(
    state: &AppState,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<serde_json::Value, OAuthError> {
    let mut params = Params::from_form(headers, body)?;
    let caller = client_auth::authenticate(state, headers, &params).await?;
    if params.get("request_uri").is_some() {
        return Err(OAuthError::invalid_request(
            "request_uri is not allowed in a pushed request",
        ));
    }
    request::merge_request_object(&mut params).map_err(OAuthError::invalid_request_object)?;
    for p in CREDENTIAL_PARAMS {
        params.0.remove(*p);
    }
    params
        .0
        .insert("client_id".into(), caller.client.id.clone());
    let mut req =
        request::validate(state, &caller.client, &params, true).map_err(|f| f.into_oauth())?;
    // Resource and scope errors surface now; /authorize resolves them again on use.
    crate::features::oidc::protocol::resource::apply(&state.db, &mut req, &params).await?;
    let now = state.clock.now();
    let (uri, key) = request::new_request_uri();
    let data = RequestData {
        client_id: caller.client.id.clone(),
        extra: serde_json::to_value(&params.0).unwrap_or_default(),
        ..Default::default()
    };
    let family = uuid::Uuid::new_v4().to_string();
    store::insert(
        &state.db,
        &state.writes,
        &[NewRow {
            kind: Kind::Par,
            key,
            request_id: &family,
            data: &data,
            expires_at: now + LIFETIME,
            access_token_id: None,
        }],
        now,
    )
    .await?;
    Ok(serde_json::json!({ "request_uri": uri, "expires_in": LIFETIME.num_seconds() }))
}

/// Push an authorization request.
#[utoipa::path(post, path = "/api/oidc/par", tag = "OIDC",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "The parameters of /authorize plus client credentials"),
    responses((status = 201, description = "request_uri and expires_in", body = serde_json::Value),
              (status = 400, body = serde_json::Value), (status = 401, body = serde_json::Value)))]
pub async fn push_authorization_request(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    crate::features::oidc::error::respond(StatusCode::CREATED, push(&state, &headers, &body).await)
}
