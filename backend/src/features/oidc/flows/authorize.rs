//! The authorization-code flow between `/authorize` and the code: validates the request (query,
//! unsigned request object or PAR `request_uri`), then either answers the client with a code,
//! or stores an interaction (sign in, account choice, reauthentication, consent) for the SPA and
//! resumes it at `/authorize?interaction=<id>` once every step is done. The original parameters
//! come back from the database on resume, never through the front channel.

use crate::auth::SessionUser;
use crate::db::entities::{interaction_sessions as interactions, oidc_clients};
use crate::features::audit_log::service::{AuditEvent, Origin, record};
use crate::features::oidc::error::OAuthError;
use crate::features::oidc::protocol::client;
use crate::features::oidc::protocol::params::Params;
use crate::features::oidc::protocol::request::{self, AuthRequest, Failure, PAR_URN_PREFIX};
use crate::features::oidc::store::consents;
use crate::features::oidc::store::{self, Kind, NewRow, RequestData, Session, Use};
use crate::features::oidc::tokens;
use crate::state::AppState;
use axum::response::Response;
use chrono::{DateTime, Duration, Utc};
use sea_orm::Set;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

/// Authorization codes live one minute: a client redeems its code at once, and a code that
/// leaked (logs, history, a referrer) is worth little by the time anyone reads it. Pocket ID:
/// 15 minutes.
pub const CODE_LIFETIME: Duration = Duration::minutes(1);
/// Shown when a group-restricted client refuses the user.
pub const NOT_ALLOWED: &str = "You are not allowed to access this service.";
/// Shown when an interaction is unknown, used or expired.
pub const EXPIRED: &str = "This sign-in request has expired or was already used. Please start again from the application.";

/// What an interaction row's `parameters` hold.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InteractionParams {
    pub request: AuthRequest,
    /// The user approved new scopes during this interaction (for the audit event).
    #[serde(default)]
    pub new_consent: bool,
    /// The user refused: resuming answers the client with `access_denied`.
    #[serde(default)]
    pub denied: bool,
}

/// What still stands between a signed-in user and a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Needs {
    pub consent: bool,
    pub reauth: bool,
}

/// Consent and reauthentication requirements of `req` for `user`, whose session authenticated
/// at `auth_time` (Unix seconds).
pub async fn requirements(
    state: &AppState,
    c: &oidc_clients::Model,
    req: &AuthRequest,
    user: Uuid,
    auth_time: i64,
    now: DateTime<Utc>,
) -> Result<Needs, sea_orm::DbErr> {
    let keys = crate::features::oidc::protocol::resource::consent_keys(
        req.audience.as_deref(),
        &req.scopes,
    );
    let consent = !c.skip_consent
        && (req.has_prompt("consent") || !consents::covers(&state.db, user, &c.id, &keys).await?);
    let reauth = req.has_prompt("login")
        || c.requires_reauthentication
        || req
            .max_age
            .is_some_and(|m| max_age_passed(auth_time, m, now));
    Ok(Needs { consent, reauth })
}

/// Whether `max_age` seconds have passed since `auth_time` (Unix seconds) at `now`. A
/// `max_age` too large to add never passes (instead of overflowing).
fn max_age_passed(auth_time: i64, max_age: i64, now: DateTime<Utc>) -> bool {
    auth_time
        .checked_add(max_age)
        .is_some_and(|deadline| now.timestamp() >= deadline)
}

/// Runs an authorization request (or resumes the interaction it names) to its response.
pub async fn run(
    state: &AppState,
    session: Option<SessionUser>,
    params: Result<Params, OAuthError>,
    origin: Origin,
) -> Response {
    let issuer = state.config.app_url.clone();
    let mut params = match params {
        Ok(p) => p,
        Err(e) => return request::error_page(&e.description),
    };
    let now = state.clock.now();
    if let Some(id) = params.get("interaction") {
        let id = id.to_owned();
        return match resume(state, session, &id, &origin, now).await {
            Ok(r) => r,
            Err(e) => request::error_page(&e.description),
        };
    }
    let mut via_par = false;
    if let Some(uri) = params.get("request_uri") {
        if !uri.starts_with(PAR_URN_PREFIX) {
            return request::error_page(
                "request_uri is only supported for pushed authorization requests",
            );
        }
        let pushed =
            match store::use_once(&state.db, &state.writes, Kind::Par, &store::secret_key(uri))
                .await
            {
                Ok(Use::First(s)) if !s.expired(now) => s,
                Ok(_) => {
                    return request::error_page(
                        "The pushed authorization request is unknown, used or expired",
                    );
                }
                Err(e) => return request::error_page(&OAuthError::from(e).description),
            };
        if params
            .get("client_id")
            .is_some_and(|c| c != pushed.data.client_id)
        {
            return request::error_page(
                "client_id does not match the pushed authorization request",
            );
        }
        params = Params(serde_json::from_value(pushed.data.extra).unwrap_or_default());
        via_par = true;
    } else if let Err(msg) = request::merge_request_object(&mut params) {
        return request::error_page(&msg);
    }
    let Some(client_id) = params.get("client_id") else {
        return request::error_page("The parameter client_id is missing");
    };
    let c = match crate::features::oidc::clients::repo::find(&state.db, client_id).await {
        Ok(Some(c)) => c,
        Ok(None) => return request::error_page("The client is unknown"),
        Err(e) => return request::error_page(&OAuthError::from(e).description),
    };
    let mut req = match request::validate(state, &c, &params, via_par) {
        Ok(r) => r,
        Err(Failure::Page(msg)) => return request::error_page(&msg),
        Err(Failure::Redirect(target, e)) => return request::respond_error(&target, &issuer, &e),
    };
    let target = req.target.clone();
    if let Err(e) =
        crate::features::oidc::protocol::resource::apply(&state.db, &mut req, &params).await
    {
        return request::respond_error(&target, &issuer, &e);
    }
    match decide(state, &c, req, session, &origin, now).await {
        Ok(r) => r,
        Err(e) => request::respond_error(&target, &issuer, &e),
    }
}

async fn decide(
    state: &AppState,
    c: &oidc_clients::Model,
    req: AuthRequest,
    session: Option<SessionUser>,
    origin: &Origin,
    now: DateTime<Utc>,
) -> Result<Response, OAuthError> {
    let Some(s) = session else {
        if req.has_prompt("none") {
            return Err(OAuthError::login_required("The user is not signed in"));
        }
        let id = create_interaction(
            state,
            c,
            &req,
            None,
            true,
            Needs {
                consent: false,
                reauth: false,
            },
            now,
        )
        .await?;
        return Ok(request::redirect_to(&format!(
            "/interaction?interaction={id}"
        )));
    };
    if !client::user_allowed(&state.db, c, s.user.id).await? {
        return Ok(request::error_page(NOT_ALLOWED));
    }
    let needs = requirements(state, c, &req, s.user.id, s.claims.iat, now).await?;
    if req.has_prompt("none") {
        if needs.reauth {
            return Err(OAuthError::login_required("The user must sign in again"));
        }
        if needs.consent {
            return Err(OAuthError::consent_required(
                "The user has not approved this client",
            ));
        }
    }
    if needs.consent || needs.reauth || req.has_prompt("select_account") {
        let id = create_interaction(state, c, &req, Some(s.user.id), false, needs, now).await?;
        return Ok(request::redirect_to(&format!(
            "/interaction?interaction={id}"
        )));
    }
    let session = Session {
        subject: Some(s.user.id),
        auth_time: s.claims.iat,
        amr: s.claims.amr.clone(),
        requested_at: now.timestamp(),
    };
    issue_code(state, c, &req, &session, false, origin, now).await
}

async fn create_interaction(
    state: &AppState,
    c: &oidc_clients::Model,
    req: &AuthRequest,
    user: Option<Uuid>,
    authenticate: bool,
    needs: Needs,
    now: DateTime<Utc>,
) -> Result<Uuid, OAuthError> {
    let id = Uuid::new_v4();
    let params = InteractionParams {
        request: req.clone(),
        new_consent: false,
        denied: false,
    };
    let row = interactions::ActiveModel {
        id: Set(id),
        created_at: Set(now),
        consent_required: Set(needs.consent),
        reauthentication_required: Set(needs.reauth),
        authentication_required: Set(authenticate),
        account_selection_required: Set(!authenticate && req.has_prompt("select_account")),
        scopes: Set(serde_json::json!(req.scopes)),
        client_id: Set(c.id.clone()),
        user_id: Set(user),
        requested_at: Set(now),
        reauthenticated_at: Set(None),
        parameters: Set(serde_json::to_value(&params).unwrap_or_default()),
    };
    store::interactions::insert(&state.db, row).await?;
    Ok(id)
}

async fn resume(
    state: &AppState,
    session: Option<SessionUser>,
    id: &str,
    origin: &Origin,
    now: DateTime<Utc>,
) -> Result<Response, OAuthError> {
    let expired = || OAuthError::invalid_request(EXPIRED);
    let id = Uuid::parse_str(id).map_err(|_| expired())?;
    let i = store::interactions::find_live(&state.db, id, now)
        .await?
        .ok_or_else(expired)?;
    let p: InteractionParams =
        serde_json::from_value(i.parameters.clone()).map_err(|_| expired())?;
    let issuer = &state.config.app_url;
    if p.denied {
        store::interactions::delete(&state.db, id).await?;
        let e = OAuthError::access_denied("The user denied the request");
        return Ok(request::respond_error(&p.request.target, issuer, &e));
    }
    if i.authentication_required
        || i.account_selection_required
        || i.reauthentication_required
        || i.consent_required
    {
        return Ok(request::redirect_to(&format!(
            "/interaction?interaction={id}"
        )));
    }
    let Some(s) = session.filter(|s| Some(s.user.id) == i.user_id) else {
        return Err(OAuthError::invalid_request(
            "You were signed out. Please start again from the application.",
        ));
    };
    // Single use: only the request that deletes the row goes on.
    let deleted = store::interactions::delete(&state.db, id).await?;
    if deleted != 1 {
        return Err(expired());
    }
    let c = crate::features::oidc::clients::repo::find(&state.db, &i.client_id)
        .await?
        .ok_or_else(expired)?;
    if !client::user_allowed(&state.db, &c, s.user.id).await? {
        return Ok(request::error_page(NOT_ALLOWED));
    }
    let session = Session {
        subject: Some(s.user.id),
        auth_time: i
            .reauthenticated_at
            .map(|t| t.timestamp())
            .unwrap_or(s.claims.iat)
            .max(s.claims.iat),
        amr: s.claims.amr.clone(),
        requested_at: i.requested_at.timestamp(),
    };
    issue_code(state, &c, &p.request, &session, p.new_consent, origin, now).await
}

/// Mints a code for `req` and sends it to the client.
pub async fn issue_code(
    state: &AppState,
    c: &oidc_clients::Model,
    req: &AuthRequest,
    session: &Session,
    new_consent: bool,
    origin: &Origin,
    now: DateTime<Utc>,
) -> Result<Response, OAuthError> {
    let code = format!("{}{}", tokens::CODE_PREFIX, crate::crypto::random_token(32));
    let family = Uuid::new_v4().to_string();
    let data = RequestData {
        client_id: c.id.clone(),
        scopes: req.scopes.clone(),
        session: session.clone(),
        redirect_uri: Some(req.target.redirect_uri.clone()),
        nonce: req.nonce.clone(),
        code_challenge: req.code_challenge.clone(),
        code_challenge_method: req.code_challenge_method.clone(),
        audience: req.audience.clone(),
        extra: serde_json::json!({ "redirect_uri_sent": req.redirect_uri_sent }),
    };
    store::insert(
        &state.db,
        &state.writes,
        &[NewRow {
            kind: Kind::AuthorizeCode,
            key: store::secret_key(&code),
            request_id: &family,
            data: &data,
            expires_at: now + CODE_LIFETIME,
            access_token_id: None,
        }],
        now,
    )
    .await?;
    if let Some(user) = session.subject {
        // A client that skips the consent screen still gets its grant recorded, so the user
        // sees and can revoke it, and logout finds it.
        let new_consent = if c.skip_consent {
            let keys = crate::features::oidc::protocol::resource::consent_keys(
                req.audience.as_deref(),
                &req.scopes,
            );
            consents::grant(&state.db, user, &c.id, &keys, now).await? || new_consent
        } else {
            consents::touch(&state.db, user, &c.id, now).await?;
            new_consent
        };
        let event = if new_consent {
            AuditEvent::NewClientAuthorization
        } else {
            AuditEvent::ClientAuthorization
        };
        let data = BTreeMap::from([("clientName", c.name.clone().unwrap_or_else(|| c.id.clone()))]);
        record(&state.db, &state.geo, event, user, origin, data, now).await?;
    }
    Ok(request::respond(
        &req.target,
        &state.config.app_url,
        vec![("code", code)],
    ))
}
