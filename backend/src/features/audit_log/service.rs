//! Writing audit events (with their location) and reading them back as the API shows them.

use super::device;
use super::geo::{Geo, Location};
use super::repo::{self, Filter, SortColumn};
use crate::db::entities::{audit_logs, users};
use crate::error::AppError;
use crate::extract::{ClientIp, UserAgent};
use crate::list::ListParams;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use chrono::{DateTime, Duration, Utc};
use pocket_shared::audit_log::{AuditLogDto, AuditLogListResponse, AuditLogUsers};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Order, Set};
use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;
use uuid::Uuid;

/// Audit event types (Pocket ID's names); shared with the SPA.
pub use pocket_shared::audit_log::AuditEvent;

/// Who did it, from where. As an extractor: the request's client address (through trusted
/// proxies) and `User-Agent`.
#[derive(Debug, Clone)]
pub struct Origin {
    pub ip: Option<IpAddr>,
    pub user_agent: String,
}

impl FromRequestParts<AppState> for Origin {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let ClientIp(ip) = ClientIp::from_request_parts(parts, state).await?;
        let UserAgent(user_agent) = UserAgent::from_request_parts(parts, state).await?;
        Ok(Self { ip, user_agent })
    }
}

/// Appends one event for `user_id`, its address located by `geo` (see [`super::geo`]). Every
/// writer passes the geolocation service, so events written outside a request (jobs, CLI) are
/// located like the others.
pub async fn record(
    db: &impl ConnectionTrait,
    geo: &Geo,
    event: AuditEvent,
    user_id: Uuid,
    origin: &Origin,
    data: BTreeMap<&str, String>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let location = geo.locate(origin.ip, now).await;
    record_at(db, event, user_id, origin, data, location, now).await
}

/// Appends one event with an already known location.
pub async fn record_at(
    db: &impl ConnectionTrait,
    event: AuditEvent,
    user_id: Uuid,
    origin: &Origin,
    data: BTreeMap<&str, String>,
    location: Location,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let data: serde_json::Map<String, serde_json::Value> = data
        .into_iter()
        .map(|(k, v)| (k.to_owned(), serde_json::Value::String(v)))
        .collect();
    audit_logs::ActiveModel {
        id: Set(Uuid::new_v4()),
        created_at: Set(now),
        event: Set(event.as_str().to_owned()),
        ip_address: Set(origin.ip.map(|i| i.to_string())),
        user_agent: Set(Some(origin.user_agent.clone())),
        data: Set(serde_json::Value::Object(data)),
        user_id: Set(Some(user_id)),
        country: Set(location.country),
        city: Set(location.city),
    }
    .insert(db)
    .await
    .map(|_| ())
}

/// Deletes entries older than `retention_days` before `now` (idempotent, so several instances
/// may run it at once); the number removed.
pub async fn delete_expired(
    db: &impl ConnectionTrait,
    retention_days: u32,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    repo::delete_before(db, now - Duration::days(i64::from(retention_days))).await
}

const SORT_COLUMNS: &[(&str, SortColumn)] = &[
    ("createdAt", SortColumn::CreatedAt),
    ("event", SortColumn::Event),
    ("ipAddress", SortColumn::IpAddress),
    ("country", SortColumn::Country),
    ("city", SortColumn::City),
    ("userAgent", SortColumn::UserAgent),
    // The device column of the SPA is derived from the user agent.
    ("device", SortColumn::UserAgent),
];

/// The signed-in user's own entries (`filters[event]`).
pub async fn list_own(
    db: &impl ConnectionTrait,
    user: Uuid,
    params: &ListParams,
) -> Result<AuditLogListResponse, AppError> {
    let filter = Filter {
        user: Some(user),
        events: values(params, "event"),
        ..Filter::default()
    };
    list(db, &filter, params, false).await
}

/// Every user's entries (`filters[event]`, `filters[userId]`, `filters[clientName]`,
/// `filters[location]`), with usernames.
pub async fn list_all(
    db: &impl ConnectionTrait,
    params: &ListParams,
) -> Result<AuditLogListResponse, AppError> {
    let user_ids = values(params, "userId")
        .iter()
        .map(|v| {
            Uuid::parse_str(v.trim()).map_err(|_| {
                AppError::field(
                    "filters[userId]",
                    "invalid_format",
                    "must be a user id (UUID)",
                )
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let (mut internal, mut external) = (false, false);
    for v in values(params, "location") {
        match v.trim() {
            "internal" => internal = true,
            "external" => external = true,
            _ => {
                return Err(AppError::field(
                    "filters[location]",
                    "invalid_format",
                    "must be internal or external",
                ));
            }
        }
    }
    // Asking for both is asking for everything.
    let internal = match (internal, external) {
        (true, false) => Some(true),
        (false, true) => Some(false),
        _ => None,
    };
    let filter = Filter {
        events: values(params, "event"),
        user_ids,
        client_names: values(params, "clientName"),
        internal,
        ..Filter::default()
    };
    list(db, &filter, params, true).await
}

/// Non-blank values of `filters[field]` (repeatable).
fn values(params: &ListParams, field: &str) -> Vec<String> {
    params
        .filters
        .get(field)
        .map(|vs| {
            vs.iter()
                .filter(|v| !v.trim().is_empty())
                .cloned()
                .collect()
        })
        .unwrap_or_default()
}

async fn list(
    db: &impl ConnectionTrait,
    filter: &Filter,
    params: &ListParams,
    admin: bool,
) -> Result<AuditLogListResponse, AppError> {
    // Newest first unless asked otherwise.
    let sort = if params.sort_column.is_none() && params.sort_direction.is_none() {
        (SortColumn::CreatedAt, Order::Desc)
    } else {
        params.sort(SORT_COLUMNS, SortColumn::CreatedAt)?
    };
    let total = repo::count(db, filter).await?;
    let (pagination, slice) = params.slice(total, sort);
    let rows = repo::find_page(db, filter, slice).await?;
    let actors = if admin {
        actor_usernames(db, &rows).await?
    } else {
        HashMap::new()
    };
    let data = rows
        .into_iter()
        .map(|(row, user)| to_dto(row, if admin { user } else { None }, &actors))
        .collect();
    Ok(AuditLogListResponse { data, pagination })
}

/// Usernames of the actors (`data.actorUserID`) named on these rows.
async fn actor_usernames(
    db: &impl ConnectionTrait,
    rows: &[(audit_logs::Model, Option<users::Model>)],
) -> Result<HashMap<Uuid, String>, DbErr> {
    let mut ids: Vec<Uuid> = rows
        .iter()
        .filter_map(|(r, _)| r.data.get("actorUserID")?.as_str()?.parse().ok())
        .collect();
    ids.sort();
    ids.dedup();
    Ok(repo::usernames(db, ids).await?.into_iter().collect())
}

fn to_dto(
    row: audit_logs::Model,
    user: Option<users::Model>,
    actors: &HashMap<Uuid, String>,
) -> AuditLogDto {
    // `data` is a string map; anything else stored there (hand-edited rows) is shown as JSON.
    let data: BTreeMap<String, String> = match row.data {
        serde_json::Value::Object(map) => map
            .into_iter()
            .map(|(k, v)| match v {
                serde_json::Value::String(s) => (k, s),
                other => (k, other.to_string()),
            })
            .collect(),
        _ => BTreeMap::new(),
    };
    let actor_username = data
        .get("actorUserID")
        .and_then(|id| Uuid::parse_str(id).ok())
        .and_then(|id| actors.get(&id))
        .cloned();
    AuditLogDto {
        id: row.id.to_string(),
        created_at: row.created_at.to_rfc3339(),
        event: row.event,
        device: device::describe(row.user_agent.as_deref().unwrap_or("")),
        ip_address: row.ip_address,
        country: row.country,
        city: row.city,
        user_agent: row.user_agent,
        data,
        user_id: row.user_id.map(|u| u.to_string()),
        username: user.map(|u| u.username),
        actor_username,
    }
}

/// `GET /api/audit-logs/filters/users`.
pub async fn users_with_entries(db: &impl ConnectionTrait) -> Result<AuditLogUsers, DbErr> {
    Ok(repo::users_with_entries(db)
        .await?
        .into_iter()
        .map(|(id, name)| (id.to_string(), name))
        .collect())
}

/// `GET /api/audit-logs/filters/client-names`.
pub async fn client_names(db: &impl ConnectionTrait) -> Result<Vec<String>, DbErr> {
    repo::client_names(db).await
}
