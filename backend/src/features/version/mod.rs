//! `/api/version/*`: the running version, and the latest release (for the admins' update
//! banner), fetched from the releases API at most every 15 minutes. The fetched value is kept in
//! the `kv` table, so every instance behind a load balancer answers the same and only one fetch
//! per interval is needed.

use crate::db::entities::kv;
use crate::error::AppError;
use crate::extract::Json;
use crate::state::AppState;
use axum::extract::State;
use chrono::{DateTime, Duration, Utc};
use pocket_shared::ApiError;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, Set};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// How long a fetched latest version is reused.
const CACHE_FOR: Duration = Duration::minutes(15);
/// The `kv` row holding the last fetch.
const KV_KEY: &str = "version.latest";

/// Routes of this feature.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_current_version))
        .routes(routes!(get_latest_version))
}

/// `GET /api/version/current`.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CurrentVersionResponse {
    pub current_version: String,
}

/// `GET /api/version/latest`: empty when the check is disabled or the releases API failed.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LatestVersionResponse {
    pub latest_version: String,
}

/// The version of this server.
#[utoipa::path(get, path = "/api/version/current", tag = "Version",
    responses((status = 200, body = CurrentVersionResponse), (status = 401, body = ApiError)))]
pub async fn get_current_version(
    _caller: crate::auth::CurrentUser,
) -> Json<CurrentVersionResponse> {
    Json(CurrentVersionResponse {
        current_version: env!("CARGO_PKG_VERSION").to_owned(),
    })
}

/// The latest released version (cached 15 minutes; empty when `VERSION_CHECK_DISABLED` or no
/// `VERSION_CHECK_URL`).
#[utoipa::path(get, path = "/api/version/latest", tag = "Version",
    responses((status = 200, body = LatestVersionResponse), (status = 500, body = ApiError)))]
pub async fn get_latest_version(
    State(state): State<AppState>,
) -> Result<Json<LatestVersionResponse>, AppError> {
    let latest_version =
        if state.config.version_check_disabled || state.config.version_check_url.is_empty() {
            String::new()
        } else {
            latest(&state).await?
        };
    Ok(Json(LatestVersionResponse { latest_version }))
}

#[derive(Debug, Serialize, Deserialize)]
struct Cached {
    version: String,
    fetched_at: DateTime<Utc>,
}

async fn latest(state: &AppState) -> Result<String, AppError> {
    let now = state.clock.now();
    if let Some(c) = cached(&state.db).await?
        && now - c.fetched_at < CACHE_FOR
        && c.fetched_at <= now
    {
        return Ok(c.version);
    }
    // A failed fetch is remembered too (as empty), so an unreachable releases API costs one
    // timeout per interval, not one per page view.
    let version = fetch(state).await.unwrap_or_else(|e| {
        tracing::warn!(error = %e, "version check failed");
        String::new()
    });
    store(
        &state.db,
        &Cached {
            version: version.clone(),
            fetched_at: now,
        },
    )
    .await?;
    Ok(version)
}

async fn cached(db: &impl ConnectionTrait) -> Result<Option<Cached>, DbErr> {
    Ok(kv::Entity::find_by_id(KV_KEY)
        .one(db)
        .await?
        .and_then(|row| serde_json::from_str(&row.value).ok()))
}

async fn store(db: &impl ConnectionTrait, c: &Cached) -> Result<(), DbErr> {
    let value = serde_json::to_string(c).map_err(|e| DbErr::Custom(e.to_string()))?;
    kv::Entity::insert(kv::ActiveModel {
        key: Set(KV_KEY.into()),
        value: Set(value),
    })
    .on_conflict(
        OnConflict::column(kv::Column::Key)
            .update_column(kv::Column::Value)
            .to_owned(),
    )
    .exec(db)
    .await
    .map(|_| ())
}

/// `tag_name` of the releases API's latest release, without a leading `v`.
async fn fetch(state: &AppState) -> Result<String, String> {
    #[derive(Deserialize)]
    struct Release {
        tag_name: String,
    }
    let release: Release = state
        .http
        .get(&state.config.version_check_url)
        .header("accept", "application/vnd.github+json")
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .map_err(|e| e.to_string())?
        .json()
        .await
        .map_err(|e| e.to_string())?;
    Ok(release.tag_name.trim_start_matches('v').to_owned())
}
