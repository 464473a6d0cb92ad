//! RP-initiated logout (`/api/oidc/end-session`, OIDC RP-Initiated Logout 1.0, Pocket ID's
//! rules): with a valid `id_token_hint` the session ends, the grant behind that ID token is
//! revoked and the browser returns to a registered logout URL; otherwise nothing happens and
//! the user is asked on `/logout`.

use crate::auth::MaybeUser;
use crate::auth::cookies::{self, ACCESS_TOKEN};
use crate::features::oidc::protocol::params::Params;
use crate::features::oidc::protocol::redirect;
use crate::features::oidc::protocol::request;
use crate::features::oidc::store::consents;
use crate::features::oidc::store::{self, Kind};
use crate::features::oidc::tokens::ID_TOKEN_TYPE;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Uri, header};
use axum::response::Response;
use serde_json::Value;

/// Clock skew allowed on the hint's `iat`.
const SKEW_SECS: i64 = 60;

async fn end(
    state: &AppState,
    signed_in: Option<(uuid::Uuid, uuid::Uuid)>,
    params: Params,
) -> Result<Response, sea_orm::DbErr> {
    let confirm = || request::redirect_to("/logout");
    let Some(hint) = params.get("id_token_hint") else {
        return Ok(confirm());
    };
    let keys = state.keys.get();
    // Expired ID tokens are fine as hints; forged ones are not.
    let Some(v) = crate::crypto::jws::verify(hint, keys.verifying()) else {
        return Ok(confirm());
    };
    let c = &v.claims;
    let now = state.clock.now().timestamp();
    let aud = match c.get("aud") {
        Some(Value::Array(a)) => a.first().and_then(Value::as_str).map(str::to_owned),
        Some(Value::String(s)) => Some(s.clone()),
        _ => None,
    };
    let sub = c
        .get("sub")
        .and_then(Value::as_str)
        .and_then(|s| uuid::Uuid::parse_str(s).ok());
    let valid = c.get("type").and_then(Value::as_str) == Some(ID_TOKEN_TYPE)
        && c.get("iss").and_then(Value::as_str) == Some(state.config.app_url.as_str())
        && c.get("iat")
            .and_then(Value::as_i64)
            .is_some_and(|t| t <= now + SKEW_SECS)
        && aud.is_some()
        && params
            .get("client_id")
            .is_none_or(|id| Some(id) == aud.as_deref())
        && sub.is_some()
        && signed_in.is_none_or(|(u, _)| Some(u) == sub);
    let (Some(aud), Some(sub), true) = (aud, sub, valid) else {
        return Ok(confirm());
    };
    if consents::find(&state.db, sub, &aud).await?.is_none() {
        return Ok(confirm());
    }
    let Some(cl) = crate::features::oidc::clients::repo::find(&state.db, &aud).await? else {
        return Ok(confirm());
    };
    let registered = crate::features::oidc::clients::service::logout_callback_urls(&cl);
    let target = match params.get("post_logout_redirect_uri") {
        // Without a URI: the first registered one that is an address, never a pattern.
        None => registered.iter().find(|u| !u.contains('*')).cloned(),
        // An unregistered URI makes the whole request invalid: nothing is ended.
        Some(uri) => match redirect::find_match(&registered, uri) {
            Some(_) => Some(uri.to_owned()),
            None => return Ok(confirm()),
        },
    };
    if let Some(jti) = c.get("jti").and_then(Value::as_str)
        && let Some(row) = store::find(&state.db, Kind::IdToken, jti).await?
    {
        store::revoke_family(&state.db, &state.writes, &row.row.request_id).await?;
    }
    // Never a script or data URL, even where a `*` pattern would match one.
    let target = target
        .and_then(|t| url::Url::parse(&t).ok())
        .filter(|u| !matches!(u.scheme(), "javascript" | "data" | "vbscript" | "file"));
    let mut res = match target {
        Some(mut url) => {
            if let Some(s) = params.get("state") {
                url.query_pairs_mut().append_pair("state", s);
            }
            request::redirect_to(url.as_str())
        }
        None => confirm(),
    };
    if let Some((user, sid)) = signed_in {
        crate::features::sessions::service::end(&state.db, user, sid).await?;
    }
    let clear = cookies::set(ACCESS_TOKEN, "", 0, state.config.is_https());
    res.headers_mut().append(header::SET_COOKIE, clear);
    Ok(res)
}

fn done(r: Result<Response, sea_orm::DbErr>) -> Response {
    r.unwrap_or_else(|e| {
        tracing::error!(error = %e, "end-session failed");
        request::redirect_to("/logout")
    })
}

/// End the session at the relying party's request.
#[utoipa::path(get, path = "/api/oidc/end-session", tag = "OIDC",
    params(("id_token_hint" = Option<String>, Query), ("client_id" = Option<String>, Query),
           ("post_logout_redirect_uri" = Option<String>, Query), ("state" = Option<String>, Query)),
    responses((status = 302, description = "To the logout URL, or /logout to confirm")))]
pub async fn end_session_get(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    uri: Uri,
) -> Response {
    let Ok(params) = Params::parse(uri.query().unwrap_or("").as_bytes()) else {
        return request::redirect_to("/logout");
    };
    done(end(&state, user.map(|u| (u.user.id, u.claims.sid)), params).await)
}

/// As GET, with form parameters.
#[utoipa::path(post, path = "/api/oidc/end-session", tag = "OIDC",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "The parameters of GET"),
    responses((status = 302, description = "To the logout URL, or /logout to confirm")))]
pub async fn end_session_post(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Ok(params) = Params::from_form(&headers, &body) else {
        return request::redirect_to("/logout");
    };
    done(end(&state, user.map(|u| (u.user.id, u.claims.sid)), params).await)
}
