//! The authorization table: every operation of the OpenAPI document, called by each kind of
//! caller (anonymous, user and admin by session cookie, user and admin by API key), must answer
//! as the route's rule in Pocket ID's reference says. A route missing from [`rule`] fails the
//! test, so a new route cannot ship without deciding who may call it.

use crate::db_test;
use crate::fixtures::{User, admin, api_key};
use crate::helpers::{TestApp, TestResponse};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use pocket_shared::{ApiError, ErrorCode};
use serde_json::Value;

/// Who may call a route (the "Auth" column of the reference, section 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in caller, by session or API key.
    User,
    /// A signed-in caller by session only: API keys are refused (`api_key_auth_not_allowed`).
    Browser,
    /// An administrator, by session or by an admin's API key.
    Admin,
    /// OAuth endpoints that authenticate the client or a bearer token themselves; they are
    /// checked for "no server error" only (their own suites cover the rules).
    Protocol,
}

/// The rule of each operation. Paths are the OpenAPI templates.
fn rule(method: &str, path: &str) -> Option<Rule> {
    use Rule::*;
    let admin_prefixes = [
        "/api/users/{id}",
        "/api/user-groups",
        "/api/custom-claims",
        "/api/signup-tokens",
        "/api/oidc/clients",
        "/api/oidc/users/{id}",
        "/api/application-configuration/all",
        "/api/audit-logs/all",
        "/api/audit-logs/filters",
        "/api/apis",
        "/api/api-access",
    ];
    Some(match (method, path) {
        // Public reads and the sign-in ceremonies.
        ("get", "/healthz" | "/api/openapi.json" | "/api/docs") => Public,
        ("get", "/api/application-configuration") => Public,
        ("get", p)
            if p.starts_with("/api/application-images/")
                && p != "/api/application-images/default-profile-picture" =>
        {
            Public
        }
        (_, p) if p.starts_with("/api/application-images/") => Admin,
        ("put", "/api/application-configuration") => Admin,
        ("get", "/api/users/{id}/profile-picture.png") => Public,
        ("get", "/api/oidc/clients/{id}/meta" | "/api/oidc/clients/{id}/logo") => Public,
        ("get" | "post", "/api/signup/setup") => Public,
        ("post", "/api/signup") => Public,
        ("get", "/api/webauthn/login/start") => Public,
        ("post", "/api/webauthn/login/finish") => Public,
        ("post", "/api/one-time-access-token/{token}" | "/api/one-time-access-email") => Public,
        ("get", "/api/oidc/interactions/{id}") => Public,
        ("post", "/api/oidc/interactions/{id}/cancel") => Public,
        ("get" | "post", "/api/oidc/end-session") => Public,
        ("get", "/api/version/latest") => Public,
        // OAuth protocol endpoints.
        (_, "/authorize") => Protocol,
        (_, p) if p.starts_with("/.well-known/") => Protocol,
        (
            _,
            "/api/oidc/token"
            | "/api/oidc/userinfo"
            | "/api/oidc/introspect"
            | "/api/oidc/revoke"
            | "/api/oidc/par"
            | "/api/oidc/device/authorize",
        ) => Protocol,
        // Browser-only: passkey ceremonies, interaction and device decisions, key creation.
        ("get", "/api/webauthn/register/start") => Browser,
        ("post", "/api/webauthn/register/finish" | "/api/webauthn/reauthenticate") => Browser,
        ("post", "/api/oidc/interactions/{id}/complete") => Browser,
        ("get", "/api/oidc/device/info") => Browser,
        ("post", "/api/oidc/device/verify" | "/api/oidc/device/deny") => Browser,
        ("post", "/api/api-keys" | "/api/api-keys/{id}/renew") => Browser,
        (_, "/api/users/me/sessions" | "/api/users/me/sessions/{id}") => Browser,
        // Admin areas.
        (_, p)
            if admin_prefixes
                .iter()
                .any(|a| p == *a || p.starts_with(&format!("{a}/"))) =>
        {
            Admin
        }
        ("get" | "post", "/api/users") => Admin,
        // Everything a signed-in user does to their own account.
        (_, p) if p.starts_with("/api/users/me") => User,
        (_, p) if p.starts_with("/api/oidc/users/me/") => User,
        (_, p) if p.starts_with("/api/webauthn/") => User,
        (_, p) if p.starts_with("/api/api-keys") => User,
        ("get", "/api/audit-logs") => User,
        ("get", "/api/version/current") => User,
        _ => return None,
    })
}

/// A concrete path for an OpenAPI template: every parameter becomes a fresh UUID (so no
/// resource exists, and a permitted caller gets 404 or a validation error, never 401/403).
fn concrete(template: &str) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find('}')
            .map_or(rest.len(), |e| start + e + 1);
        out.push_str(&uuid::Uuid::new_v4().to_string());
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caller {
    Anonymous,
    UserSession,
    UserKey,
    AdminSession,
    AdminKey,
}

/// The credentials of each caller: a `Cookie` header or an `X-API-Key` header.
struct Callers {
    user_cookie: String,
    admin_cookie: String,
    user_key: String,
    admin_key: String,
}

async fn send(
    app: &TestApp,
    callers: &Callers,
    who: Caller,
    method: &str,
    path: &str,
) -> TestResponse {
    let method = Method::from_bytes(method.to_ascii_uppercase().as_bytes()).expect("method");
    let mut req = Request::builder().method(method.clone()).uri(path);
    req = match who {
        Caller::Anonymous => req,
        Caller::UserSession => req.header("cookie", &callers.user_cookie),
        Caller::AdminSession => req.header("cookie", &callers.admin_cookie),
        Caller::UserKey => req.header("x-api-key", &callers.user_key),
        Caller::AdminKey => req.header("x-api-key", &callers.admin_key),
    };
    let body = if matches!(method, Method::POST | Method::PUT | Method::PATCH) {
        req = req.header("content-type", "application/json");
        Body::from("{}")
    } else {
        Body::empty()
    };
    app.request(req.body(body).expect("request")).await
}

async fn callers(app: &TestApp) -> Callers {
    let mut admin = admin(app).await;
    let mut user = User::new("bob")
        .email("bob@example.com")
        .names("Bob", "Builder")
        .signed_in(app)
        .await;
    Callers {
        user_key: api_key(&mut user, "user key", 30).await.token,
        admin_key: api_key(&mut admin, "admin key", 30).await.token,
        user_cookie: user.cookie_header(),
        admin_cookie: admin.cookie_header(),
    }
}

/// What went wrong for one call, if anything.
fn verdict(rule: Rule, who: Caller, r: &TestResponse) -> Result<(), String> {
    use Caller::*;
    let status = r.status;
    if status.is_server_error() {
        return Err(format!("server error {status}: {}", r.text()));
    }
    let code = || r.json::<ApiError>().code;
    let refused = status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN;
    let expect_refusal = |want: StatusCode, want_code: Option<ErrorCode>| {
        if status != want {
            return Err(format!("expected {want}, got {status}: {}", r.text()));
        }
        match want_code {
            Some(c) if code() != c => Err(format!("expected code {c:?}: {}", r.text())),
            _ => Ok(()),
        }
    };
    let allowed = || {
        if refused {
            Err(format!("refused with {status}: {}", r.text()))
        } else {
            Ok(())
        }
    };
    match (rule, who) {
        (Rule::Protocol, _) => Ok(()),
        // A public route may still refuse the credential it is about (an unknown login code
        // answers 401 token_invalid_or_expired), but never for want of a signed-in caller.
        (Rule::Public, _) => match status {
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN
                if matches!(
                    code(),
                    ErrorCode::NotSignedIn | ErrorCode::Forbidden | ErrorCode::ApiKeyAuthNotAllowed
                ) =>
            {
                Err(format!("refused with {status}: {}", r.text()))
            }
            _ => Ok(()),
        },
        (_, Anonymous) => expect_refusal(StatusCode::UNAUTHORIZED, None),
        (Rule::User, _) => allowed(),
        (Rule::Browser, UserKey | AdminKey) => {
            expect_refusal(StatusCode::FORBIDDEN, Some(ErrorCode::ApiKeyAuthNotAllowed))
        }
        (Rule::Browser, _) => allowed(),
        (Rule::Admin, UserSession | UserKey) => expect_refusal(StatusCode::FORBIDDEN, None),
        (Rule::Admin, AdminSession | AdminKey) => allowed(),
    }
}

db_test!(
    every_route_answers_each_caller_by_its_rule,
    |app: TestApp| async move {
        let doc: Value = app.get("/api/openapi.json").await.json();
        let callers = callers(&app).await;
        let mut unclassified = Vec::new();
        let mut failures = Vec::new();
        let mut checked = 0;
        let paths = doc["paths"].as_object().expect("paths");
        for (template, ops) in paths {
            for method in ops.as_object().expect("operations").keys() {
                if !matches!(method.as_str(), "get" | "post" | "put" | "patch" | "delete") {
                    continue;
                }
                let Some(rule) = rule(method, template) else {
                    unclassified.push(format!("{method} {template}"));
                    continue;
                };
                // Logging out would end the session the next calls use; it is covered elsewhere.
                if template == "/api/webauthn/logout" {
                    continue;
                }
                for who in [
                    Caller::Anonymous,
                    Caller::UserSession,
                    Caller::UserKey,
                    Caller::AdminSession,
                    Caller::AdminKey,
                ] {
                    let path = concrete(template);
                    let r = send(&app, &callers, who, method, &path).await;
                    checked += 1;
                    if let Err(why) = verdict(rule, who, &r) {
                        failures.push(format!("{method} {template} as {who:?} ({rule:?}): {why}"));
                    }
                }
            }
        }
        assert!(
            unclassified.is_empty(),
            "routes without a rule: {unclassified:#?}"
        );
        assert!(
            failures.is_empty(),
            "{} of {checked} calls broke their rule:\n{}",
            failures.len(),
            failures.join("\n")
        );
        assert!(
            checked > 100,
            "only {checked} calls: is the document empty?"
        );
    }
);
