//! Device authorization (RFC 8628): the device asks for a code pair, the user approves the user
//! code on `/device` (signed in, with consent and reauthentication as the client needs), and
//! the device polls the token endpoint.

use crate::auth::BrowserUser;
use crate::db::entities::oidc_clients;
use crate::error::AppError;
use crate::extract::{ClientIp, Json, Query};
use crate::features::audit_log::service::{AuditEvent, Origin, record};
use crate::features::oidc::error::OAuthError;
use crate::features::oidc::protocol::client;
use crate::features::oidc::protocol::client_auth;
use crate::features::oidc::protocol::params::Params;
use crate::features::oidc::store::consents;
use crate::features::oidc::store::{self, DeviceState, Kind, NewRow, RequestData, Session, Use};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::Duration;
use pocket_shared::oidc::{DeviceCodeInfoDto, normalize_user_code};
use pocket_shared::{ApiError, ErrorCode};
use serde::Deserialize;
use std::collections::BTreeMap;

/// Device codes live 15 minutes.
pub const LIFETIME: Duration = Duration::minutes(15);
/// Seconds between polls.
pub const INTERVAL: i64 = 5;
/// User-code alphabet (no I, L, O: they read like digits).
const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ0123456789";

/// Start a device authorization.
#[utoipa::path(post, path = "/api/oidc/device/authorize", tag = "OIDC",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "client_id (and credentials), scope, resource (an API, RFC 8707)"),
    responses((status = 200, description = "device_code, user_code, verification_uri(_complete), expires_in, interval", body = serde_json::Value),
              (status = 400, body = serde_json::Value), (status = 401, body = serde_json::Value)))]
pub async fn authorize_device(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    crate::features::oidc::error::respond(StatusCode::OK, start(&state, &headers, &body).await)
}

async fn start(
    state: &AppState,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<serde_json::Value, OAuthError> {
    let params = Params::from_form(headers, body)?;
    let caller = client_auth::authenticate(state, headers, &params).await?;
    client::require_device_flow(&caller.client)?;
    let now = state.clock.now();
    let resolved = crate::features::oidc::protocol::resource::resolve(
        &state.db,
        &caller.client.id,
        params.get("resource"),
        &params.scopes(),
        crate::features::apis::repo::Subject::User,
    )
    .await?;
    let scopes = resolved.scopes;
    let device_code = crate::crypto::random_token(32);
    let user_code = format!("E{}", crate::crypto::random_from(ALPHABET, 7));
    let family = uuid::Uuid::new_v4().to_string();
    let data = RequestData {
        client_id: caller.client.id.clone(),
        scopes: scopes.clone(),
        audience: resolved.audience,
        extra: serde_json::to_value(DeviceState {
            status: "pending".into(),
            interval: INTERVAL,
            last_poll: 0,
        })
        .unwrap_or_default(),
        ..Default::default()
    };
    let row = |kind, key| NewRow {
        kind,
        key,
        request_id: &family,
        data: &data,
        expires_at: now + LIFETIME,
        access_token_id: None,
    };
    store::insert(
        &state.db,
        &state.writes,
        &[
            row(Kind::DeviceCode, store::secret_key(&device_code)),
            row(Kind::UserCode, store::secret_key(&user_code)),
        ],
        now,
    )
    .await?;
    let base = state.config.app_url.trim_end_matches('/');
    Ok(serde_json::json!({
        "device_code": device_code,
        "user_code": user_code,
        "verification_uri": format!("{base}/device"),
        "verification_uri_complete": format!("{base}/device?user_code={user_code}"),
        "expires_in": LIFETIME.num_seconds(),
        "interval": INTERVAL,
    }))
}

/// `?code=` of the device page's calls.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct CodeQuery {
    /// The user code as typed (normalized by the server).
    pub code: String,
}

fn invalid_code() -> AppError {
    AppError::bad_request(
        ErrorCode::DeviceCodeInvalid,
        "This code is invalid, expired or was already used",
    )
}

/// The pending device request behind a typed user code: (user-code row, device-code row, client).
/// Rate-limited per client address, so user codes cannot be guessed.
async fn pending(
    state: &AppState,
    code: &str,
    ip: Option<std::net::IpAddr>,
) -> Result<(store::Stored, store::Stored, oidc_clients::Model), AppError> {
    let now = state.clock.now();
    let enabled = state.rate_limits_enabled();
    let policy = crate::ratelimit::DEVICE_CODE_VERIFICATION;
    crate::ratelimit::check(&state.db, enabled, policy, ip, now).await?;
    let key = store::secret_key(&normalize_user_code(code));
    let user_row = store::find(&state.db, Kind::UserCode, &key)
        .await?
        .filter(|s| s.row.active && !s.expired(now))
        .ok_or_else(invalid_code)?;
    let device_row = store::find_in_family(&state.db, Kind::DeviceCode, &user_row.row.request_id)
        .await?
        .filter(|s| DeviceState::from(&s.data).status == "pending")
        .ok_or_else(invalid_code)?;
    let c = crate::features::oidc::clients::repo::find(&state.db, &device_row.data.client_id)
        .await?
        .ok_or_else(invalid_code)?;
    Ok((user_row, device_row, c))
}

/// What the device asks for, for the approval page.
#[utoipa::path(get, path = "/api/oidc/device/info", tag = "OIDC", params(CodeQuery),
    responses((status = 200, body = DeviceCodeInfoDto), (status = 400, body = ApiError), (status = 401, body = ApiError)))]
pub async fn get_device_info(
    State(state): State<AppState>,
    BrowserUser(s): BrowserUser,
    ClientIp(ip): ClientIp,
    Query(q): Query<CodeQuery>,
) -> Result<Json<DeviceCodeInfoDto>, AppError> {
    let (_, device, c) = pending(&state, &q.code, ip).await?;
    let d = &device.data;
    let keys =
        crate::features::oidc::protocol::resource::consent_keys(d.audience.as_deref(), &d.scopes);
    let consented = consents::covers(&state.db, s.user.id, &c.id, &keys).await?;
    Ok(Json(DeviceCodeInfoDto {
        scope: d.scopes.join(" "),
        scope_info: crate::features::oidc::protocol::resource::scope_info(
            &state.db,
            d.audience.as_deref(),
            &d.scopes,
        )
        .await?,
        authorization_required: !c.skip_consent && !consented,
        reauthentication_required: c.requires_reauthentication,
        client: crate::features::oidc::clients::service::meta_dto(&c),
    }))
}

/// Approve a device as the signed-in user.
#[utoipa::path(post, path = "/api/oidc/device/verify", tag = "OIDC", params(CodeQuery),
    responses((status = 204), (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError)))]
pub async fn verify_device(
    State(state): State<AppState>,
    BrowserUser(s): BrowserUser,
    origin: Origin,
    headers: HeaderMap,
    Query(q): Query<CodeQuery>,
) -> Result<StatusCode, AppError> {
    let now = state.clock.now();
    let (user_row, device, c) = pending(&state, &q.code, origin.ip).await?;
    if !client::user_allowed(&state.db, &c, s.user.id).await? {
        return Err(AppError::refused(
            ErrorCode::OidcAccessDenied,
            crate::features::oidc::flows::authorize::NOT_ALLOWED,
        ));
    }
    let mut auth_time = s.claims.iat;
    if c.requires_reauthentication {
        if !crate::features::oidc::endpoints::interactions::consume_reauthentication(
            &state, &headers, s.user.id, now,
        )
        .await?
        {
            return Err(
                crate::features::oidc::endpoints::interactions::reauthentication_required(),
            );
        }
        auth_time = now.timestamp();
    }
    let data = settle(
        &state,
        &user_row,
        &device,
        "approved",
        Some(Session {
            subject: Some(s.user.id),
            auth_time,
            amr: s.claims.amr.clone(),
            requested_at: device.row.created_at.timestamp(),
        }),
    )
    .await?;
    // Recorded for clients that skip the consent screen too: the user can see and revoke it.
    let keys = crate::features::oidc::protocol::resource::consent_keys(
        data.audience.as_deref(),
        &data.scopes,
    );
    let new = consents::grant(&state.db, s.user.id, &c.id, &keys, now).await?;
    let event = if new {
        AuditEvent::NewDeviceCodeAuthorization
    } else {
        AuditEvent::DeviceCodeAuthorization
    };
    let audit = BTreeMap::from([("clientName", c.name.clone().unwrap_or_else(|| c.id.clone()))]);
    record(&state.db, &state.geo, event, s.user.id, &origin, audit, now).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Refuse a device: its polls end with `access_denied`.
#[utoipa::path(post, path = "/api/oidc/device/deny", tag = "OIDC", params(CodeQuery),
    responses((status = 204), (status = 400, body = ApiError), (status = 401, body = ApiError)))]
pub async fn deny_device(
    State(state): State<AppState>,
    BrowserUser(_user): BrowserUser,
    ClientIp(ip): ClientIp,
    Query(q): Query<CodeQuery>,
) -> Result<StatusCode, AppError> {
    let (user_row, device, _) = pending(&state, &q.code, ip).await?;
    settle(&state, &user_row, &device, "denied", None).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Decides a pending device request once: uses up its user code (a second decision cannot
/// re-bind the device to another user) and records `status` with the approving `session`.
async fn settle(
    state: &AppState,
    user_row: &store::Stored,
    device: &store::Stored,
    status: &str,
    session: Option<Session>,
) -> Result<RequestData, AppError> {
    if !matches!(
        store::use_once(&state.db, &state.writes, Kind::UserCode, &user_row.row.key).await?,
        Use::First(_)
    ) {
        return Err(invalid_code());
    }
    let mut data = device.data.clone();
    let mut st = DeviceState::from(&data);
    st.status = status.to_owned();
    data.extra = serde_json::to_value(&st).unwrap_or_default();
    if let Some(session) = session {
        data.session = session;
    }
    store::update_data(&state.db, &state.writes, device.row.id, &data).await?;
    Ok(data)
}
