//! Router assembly (features + OpenAPI + SPA) and the cross-cutting layers: request id,
//! tracing, the access log, security headers, default caching and the `/api` error envelope. This is the top of
//! the module graph: it imports every feature's router, and no feature imports it.

use crate::error::{AppError, render_api_errors};
use crate::features;
use crate::headers::{REQUEST_ID_HEADER, content_security_policy};
use crate::state::AppState;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use std::time::Instant;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Pocket ID",
        description = "REST API of Pocket ID, a simple OpenID Connect provider with passkey sign-in. \
                       Every error response of `/api` carries `{error, code, details?, request_id}`.",
        license(name = "BSD-2-Clause", identifier = "BSD-2-Clause"),
    ),
    tags(
        (name = "Health", description = "Liveness"),
        (name = "Application Configuration", description = "Instance settings"),
        (name = "Setup", description = "Creating the first administrator"),
        (name = "Passkeys", description = "Passkey registration, sign-in, sign-out and management"),
        (name = "Login codes", description = "One-time codes for signing in without a passkey"),
        (name = "Users", description = "Users and their profiles"),
        (name = "User Groups", description = "User groups: members, custom claims, allowed OIDC clients"),
        (name = "Custom Claims", description = "Extra ID token and userinfo claims of users and groups"),
        (name = "OIDC Clients", description = "OpenID Connect clients: registration, secrets, allowed groups"),
        (name = "API Keys", description = "Your API keys (send one as `X-API-Key` to act as yourself)"),
        (name = "Signup", description = "Self-signup and signup tokens"),
        (name = "Audit Logs", description = "Sign-ins, authorizations and passkey changes"),
    )
)]
struct ApiDoc;

/// Every documented route, with its OpenAPI description.
fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(features::health::router())
        .merge(features::app_config::router())
        .merge(features::app_images::router())
        .merge(features::users::router())
        .merge(features::user_groups::router())
        .merge(features::custom_claims::router())
        .merge(features::passkeys::router())
        .merge(features::one_time_access::router())
        .merge(features::signup::router())
        .merge(features::api_keys::router())
        .merge(features::sessions::router())
        .merge(features::apis::router())
        .merge(features::oidc::router())
        .merge(features::audit_log::router())
        .merge(features::version::router())
}

/// The documented routes and their OpenAPI document (version set from the crate).
fn routes_and_document() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (routes, mut doc) = api_routes().split_for_parts();
    doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
    (routes, doc)
}

/// The OpenAPI document of this server (what `/api/openapi.json` serves).
pub fn openapi() -> utoipa::openapi::OpenApi {
    routes_and_document().1
}

/// The complete HTTP application for `state`.
pub fn router(state: AppState) -> Router {
    let (api, doc) = routes_and_document();
    let document = Bytes::from(doc.to_pretty_json().unwrap_or_default());
    let default_csp = HeaderValue::from_str(&content_security_policy(&[]))
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'"));
    // Over https browsers keep to https for a year; never over plain http (a local instance).
    let hsts = state
        .config
        .is_https()
        .then(|| HeaderValue::from_static("max-age=31536000; includeSubDomains"));

    api.merge(features::api_docs::router(document))
        .fallback(fallback)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::csrf::refuse_cross_site,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::ratelimit::limit_api,
        ))
        .with_state(state)
        .layer(middleware::from_fn(render_api_errors))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            default_csp,
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            move |_: &Response| hsts.clone(),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            // Not `no-referrer`: browsers then send `Origin: null` on form_post callbacks, which
            // relying parties checking Origin reject.
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ))
        // Inside the span below, so each line carries the request id.
        .layer(middleware::from_fn(access_log))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request| {
                    let id = req
                        .headers()
                        .get(REQUEST_ID_HEADER)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("");
                    let path = loggable_path(req.uri().path());
                    tracing::info_span!("request", method = %req.method(), %path, request_id = %id)
                })
                // The server's access log reports outcomes; this layer only provides the span.
                .on_response(())
                .on_failure(()),
        )
        .layer(middleware::from_fn(assign_request_id))
}

/// One log line per request (not for health probes), inside the request's span.
async fn access_log(req: Request, next: Next) -> Response {
    let quiet = req.uri().path() == "/healthz";
    let method = req.method().clone();
    let path = loggable_path(req.uri().path()).into_owned();
    let start = Instant::now();
    let res = next.run(req).await;
    let status = res.status().as_u16();
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    match status {
        500.. => tracing::error!(%method, %path, status, ms, "request"),
        429 => tracing::warn!(%method, %path, status, ms, "request"),
        _ if quiet => tracing::debug!(%method, %path, status, ms, "request"),
        _ => tracing::info!(%method, %path, status, ms, "request"),
    }
    res
}

/// Paths whose last segment is a secret: a login code (`/lc/<code>`, the redeem endpoint) or a
/// signup token (`/st/<token>`).
const SECRET_PATHS: &[&str] = &["/lc/", "/st/", "/api/one-time-access-token/"];

/// The request path as the logs show it: the secret of a login-code or signup-token path is
/// replaced by `[redacted]`, so reading the logs (or shipping them elsewhere) gives no one a
/// way in.
pub fn loggable_path(path: &str) -> std::borrow::Cow<'_, str> {
    for prefix in SECRET_PATHS {
        if let Some(rest) = path.strip_prefix(prefix)
            && !rest.is_empty()
        {
            return format!("{prefix}[redacted]").into();
        }
    }
    path.into()
}

/// Unknown `/api/*` and `/.well-known/*` paths are JSON 404s; everything else is the SPA.
async fn fallback(State(state): State<AppState>, req: Request) -> Response {
    let path = req.uri().path();
    if path == "/api" || path.starts_with("/api/") || path.starts_with("/.well-known/") {
        return AppError::no_such_path().into_response();
    }
    state.spa.respond(req.method(), req.uri(), req.headers())
}

/// Gives every request a fresh id (a client-sent one is ignored: ids are ours, for our logs)
/// and echoes it on the response.
async fn assign_request_id(mut req: Request, next: Next) -> Response {
    let id = uuid::Uuid::new_v4().to_string();
    let value = HeaderValue::from_str(&id).unwrap_or_else(|_| HeaderValue::from_static("-"));
    req.headers_mut()
        .insert(HeaderName::from_static(REQUEST_ID_HEADER), value.clone());
    let mut res = next.run(req).await;
    res.headers_mut()
        .insert(HeaderName::from_static(REQUEST_ID_HEADER), value);
    res
}

#[cfg(test)]
mod tests {
    use super::loggable_path;

    #[test]
    fn secrets_in_paths_are_redacted() {
        assert_eq!(loggable_path("/lc/ABC123"), "/lc/[redacted]");
        assert_eq!(loggable_path("/st/tok_en"), "/st/[redacted]");
        assert_eq!(
            loggable_path("/api/one-time-access-token/ABC123"),
            "/api/one-time-access-token/[redacted]"
        );
        assert_eq!(loggable_path("/lc/"), "/lc/");
        assert_eq!(loggable_path("/api/users/me"), "/api/users/me");
        assert_eq!(loggable_path("/login"), "/login");
    }
}
