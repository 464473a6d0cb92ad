//! Cross-site request forgery defence for the JSON API: a browser's state-changing request to
//! `/api` must come from our own origin. Browsers label every request (`Sec-Fetch-Site`,
//! `Origin`); scripts and API clients send neither and are unaffected. Without this, a page on
//! another site could post a login code of the attacker's and sign the victim into the
//! attacker's account (the session cookie of a top-level navigation is stored).

use crate::error::AppError;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// OAuth endpoints are called cross-origin by design (relying parties' back and front
/// channels); the browser-session parts of `/api/oidc` (interactions, device approval, client
/// administration) are not, and stay protected.
const CROSS_ORIGIN_PATHS: &[&str] = &[
    "/api/oidc/token",
    "/api/oidc/userinfo",
    "/api/oidc/introspect",
    "/api/oidc/revoke",
    "/api/oidc/end-session",
    "/api/oidc/par",
    "/api/oidc/device/authorize",
];

pub async fn refuse_cross_site(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path();
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if unsafe_method && path.starts_with("/api/") && !CROSS_ORIGIN_PATHS.contains(&path) {
        let headers = req.headers();
        let site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
        let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
        let cross_site = match (site, origin) {
            // "same-origin", or "none" (typed by the user / bookmarks) are fine.
            (Some("cross-site" | "same-site"), _) => true,
            (_, Some(origin)) => !origin.eq_ignore_ascii_case(&state.config.app_url),
            _ => false,
        };
        if cross_site {
            tracing::warn!(%path, origin = origin.unwrap_or(""), "cross-site request refused");
            return AppError::Forbidden.into_response();
        }
    }
    next.run(req).await
}
