//! Remembered consent (`user_authorized_oidc_clients`): scopes a user approved for a client are
//! merged, never replaced, and `last_used_at` tracks every authorization.

use crate::db::entities::user_authorized_oidc_clients as consents;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set,
};
use uuid::Uuid;

/// The scopes `user` approved for `client`, if they ever did.
pub async fn find(
    db: &impl ConnectionTrait,
    user: Uuid,
    client: &str,
) -> Result<Option<Vec<String>>, DbErr> {
    Ok(consents::Entity::find_by_id((user, client.to_owned()))
        .one(db)
        .await?
        .map(|c| serde_json::from_value(c.scope).unwrap_or_default()))
}

/// True when every scope of `scopes` was approved before.
pub async fn covers(
    db: &impl ConnectionTrait,
    user: Uuid,
    client: &str,
    scopes: &[String],
) -> Result<bool, DbErr> {
    Ok(find(db, user, client)
        .await?
        .is_some_and(|granted| scopes.iter().all(|s| granted.contains(s))))
}

/// Records approval of `scopes` (merged with earlier ones); true when something new was granted.
pub async fn grant(
    db: &impl ConnectionTrait,
    user: Uuid,
    client: &str,
    scopes: &[String],
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    match consents::Entity::find_by_id((user, client.to_owned()))
        .one(db)
        .await?
    {
        Some(existing) => {
            let mut granted: Vec<String> =
                serde_json::from_value(existing.scope.clone()).unwrap_or_default();
            let before = granted.len();
            for s in scopes {
                if !granted.contains(s) {
                    granted.push(s.clone());
                }
            }
            let mut active: consents::ActiveModel = existing.into();
            active.scope = Set(serde_json::json!(granted));
            active.last_used_at = Set(now);
            active.update(db).await?;
            Ok(granted.len() > before)
        }
        None => {
            consents::ActiveModel {
                scope: Set(serde_json::json!(scopes)),
                user_id: Set(user),
                client_id: Set(client.to_owned()),
                last_used_at: Set(now),
            }
            .insert(db)
            .await?;
            Ok(true)
        }
    }
}

/// Marks the consent as used now (no-op without one).
pub async fn touch(
    db: &impl ConnectionTrait,
    user: Uuid,
    client: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    consents::Entity::update_many()
        .col_expr(consents::Column::LastUsedAt, Expr::value(now))
        .filter(consents::Column::UserId.eq(user))
        .filter(consents::Column::ClientId.eq(client))
        .exec(db)
        .await
        .map(|_| ())
}
