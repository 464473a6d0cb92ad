//! Rules for browser sessions: one row per sign-in, found by the cookie's `sid` on every
//! request, `last_seen_at` written at most every few minutes, deleted to end the session.

use crate::auth::SessionUser;
use crate::db::entities::{user_sessions, users};
use crate::error::AppError;
use crate::features::audit_log::device;
use crate::features::audit_log::geo::Geo;
use crate::features::audit_log::service::Origin;
use chrono::{DateTime, Duration, Utc};
use pocket_shared::{ErrorCode, UserSessionDto};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

/// How stale `last_seen_at` may get before a request writes it again (a write per request
/// would cost every signed-in request a database write).
pub const LAST_SEEN_RESOLUTION: Duration = Duration::minutes(5);

/// A session this young counts as a fresh authentication for adding a passkey or an API key
/// (the first passkey right after signing up or redeeming a login code needs no other proof).
pub const RECENT_SIGN_IN: Duration = Duration::minutes(5);

/// Where a new session comes from.
pub struct SignIn<'a> {
    pub user: Uuid,
    pub amr: &'a [&'a str],
    pub origin: &'a Origin,
    pub lifetime: Duration,
}

/// Stores a new session; returns its id (the cookie's `sid`).
pub async fn start(
    db: &impl ConnectionTrait,
    geo: &Geo,
    sign_in: SignIn<'_>,
    now: DateTime<Utc>,
) -> Result<Uuid, AppError> {
    let location = geo.locate(sign_in.origin.ip, now).await;
    let id = Uuid::new_v4();
    let user_agent = Some(sign_in.origin.user_agent.clone()).filter(|ua| !ua.is_empty());
    user_sessions::ActiveModel {
        id: Set(id),
        user_id: Set(sign_in.user),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(now + sign_in.lifetime),
        amr: Set(sign_in.amr.join(",")),
        ip_address: Set(sign_in.origin.ip.map(|ip| ip.to_string())),
        country: Set(location.country),
        city: Set(location.city),
        user_agent: Set(user_agent),
    }
    .insert(db)
    .await?;
    Ok(id)
}

/// The live session `sid` of `user` with its user, or `None` when it was ended or expired.
/// Marks it seen when `last_seen_at` is older than [`LAST_SEEN_RESOLUTION`].
pub async fn resolve(
    db: &impl ConnectionTrait,
    sid: Uuid,
    user: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<users::Model>, AppError> {
    let found = user_sessions::Entity::find_by_id(sid)
        .find_also_related(users::Entity)
        .one(db)
        .await?;
    let Some((session, Some(account))) = found else {
        return Ok(None);
    };
    if session.user_id != user || session.expires_at <= now {
        return Ok(None);
    }
    if now - session.last_seen_at >= LAST_SEEN_RESOLUTION {
        user_sessions::Entity::update_many()
            .col_expr(user_sessions::Column::LastSeenAt, Expr::value(now))
            .filter(user_sessions::Column::Id.eq(sid))
            .exec(db)
            .await?;
    }
    Ok(Some(account))
}

/// `user`'s live sessions: the caller's own (`current`) first, then newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    user: Uuid,
    current: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<Vec<UserSessionDto>, AppError> {
    let rows = user_sessions::Entity::find()
        .filter(user_sessions::Column::UserId.eq(user))
        .filter(user_sessions::Column::ExpiresAt.gt(now))
        .order_by_desc(user_sessions::Column::CreatedAt)
        .order_by_desc(user_sessions::Column::Id)
        .all(db)
        .await?;
    let mut list: Vec<UserSessionDto> = rows
        .into_iter()
        .map(|s| UserSessionDto {
            current: Some(s.id) == current,
            id: s.id.to_string(),
            created_at: s.created_at.to_rfc3339(),
            last_seen_at: s.last_seen_at.to_rfc3339(),
            expires_at: s.expires_at.to_rfc3339(),
            sign_in_method: s.amr,
            ip_address: s.ip_address,
            country: s.country,
            city: s.city,
            device: device::describe(s.user_agent.as_deref().unwrap_or("")),
            user_agent: s.user_agent,
        })
        .collect();
    // This browser first, then the others newest first (the sort is stable).
    list.sort_by_key(|s| !s.current);
    Ok(list)
}

/// Ends `user`'s session `id`; false when there is no such session of theirs.
pub async fn end(db: &impl ConnectionTrait, user: Uuid, id: Uuid) -> Result<bool, sea_orm::DbErr> {
    let deleted = user_sessions::Entity::delete_many()
        .filter(user_sessions::Column::Id.eq(id))
        .filter(user_sessions::Column::UserId.eq(user))
        .exec(db)
        .await?
        .rows_affected;
    Ok(deleted == 1)
}

/// Ends every session of `user` except `keep`; returns how many ended.
pub async fn end_all(
    db: &impl ConnectionTrait,
    user: Uuid,
    keep: Option<Uuid>,
) -> Result<u64, sea_orm::DbErr> {
    let mut delete =
        user_sessions::Entity::delete_many().filter(user_sessions::Column::UserId.eq(user));
    if let Some(keep) = keep {
        delete = delete.filter(user_sessions::Column::Id.ne(keep));
    }
    Ok(delete.exec(db).await?.rows_affected)
}

/// Proof that the person at the keyboard is the account's owner right now: the session began
/// less than [`RECENT_SIGN_IN`] ago, or the request carries an unused reauthentication cookie
/// (a passkey assertion of the last three minutes, which this uses up). Otherwise
/// `reauthentication_required`, which the SPA answers with a passkey prompt.
pub async fn require_recent_authentication(
    db: &impl ConnectionTrait,
    session: &SessionUser,
    reauthentication: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let recent = session
        .claims
        .issued_at()
        .is_some_and(|t| now - t < RECENT_SIGN_IN);
    if recent
        || crate::features::passkeys::service::consume_reauthentication_token(
            db,
            reauthentication,
            session.user.id,
            now,
        )
        .await?
    {
        return Ok(());
    }
    Err(AppError::unauthorized(
        ErrorCode::ReauthenticationRequired,
        "Confirm it is you: sign in again with your passkey",
    ))
}
