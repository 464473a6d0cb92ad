//! `/authorize` (GET and POST): the parameters from the query or the form, handed to the
//! authorization flow (`flows::authorize`).

use crate::auth::MaybeUser;
use crate::features::audit_log::service::Origin;
use crate::features::oidc::flows::authorize::run;
use crate::features::oidc::protocol::params::Params;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;

/// Start or resume an authorization (OpenID Connect Core 3.1.2).
#[utoipa::path(get, path = "/authorize", tag = "OIDC",
    params(("client_id" = String, Query, description = "Client id"),
           ("response_type" = String, Query, description = "`code`"),
           ("redirect_uri" = Option<String>, Query, description = "A registered callback URL"),
           ("scope" = Option<String>, Query, description = "Space-separated scopes"),
           ("state" = Option<String>, Query), ("nonce" = Option<String>, Query),
           ("code_challenge" = Option<String>, Query), ("code_challenge_method" = Option<String>, Query),
           ("response_mode" = Option<String>, Query), ("prompt" = Option<String>, Query),
           ("max_age" = Option<i64>, Query), ("request" = Option<String>, Query),
           ("resource" = Option<String>, Query, description = "An API's resource URI (RFC 8707): the access token's audience"),
           ("request_uri" = Option<String>, Query), ("interaction" = Option<String>, Query)),
    responses((status = 302, description = "To the client's redirect URI, the interaction page or the error page"),
              (status = 200, description = "form_post response page")))]
pub async fn authorize_get(
    State(state): State<AppState>,
    MaybeUser(session): MaybeUser,
    origin: Origin,
    uri: Uri,
) -> Response {
    let params = Params::parse(uri.query().unwrap_or("").as_bytes());
    run(&state, session, params, origin).await
}

/// Start an authorization with form-encoded parameters.
#[utoipa::path(post, path = "/authorize", tag = "OIDC",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "The parameters of GET /authorize"),
    responses((status = 302, description = "As GET /authorize"), (status = 200, description = "form_post response page")))]
pub async fn authorize_post(
    State(state): State<AppState>,
    MaybeUser(session): MaybeUser,
    origin: Origin,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let params = Params::from_form(&headers, &body);
    run(&state, session, params, origin).await
}
