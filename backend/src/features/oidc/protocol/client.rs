//! What the protocol endpoints decide about a stored client: token lifetimes and group
//! restriction (lookup and registered URLs live in `clients/`).

use crate::db::entities::{oidc_clients, user_groups_users};
use crate::features::oidc::error::OAuthError;
use chrono::Duration;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
};
use uuid::Uuid;

/// Longest configurable token lifetime (one year), in minutes.
pub const MAX_LIFETIME_MINUTES: i64 = 525_600;

/// Access token lifetime.
pub fn access_lifetime(c: &oidc_clients::Model) -> Duration {
    Duration::minutes(
        c.access_token_duration_minutes
            .clamp(1, MAX_LIFETIME_MINUTES),
    )
}

/// Refresh token lifetime (sliding: each refresh starts a new one).
pub fn refresh_lifetime(c: &oidc_clients::Model) -> Duration {
    Duration::minutes(
        c.refresh_token_duration_minutes
            .clamp(1, MAX_LIFETIME_MINUTES),
    )
}

/// Refuses the device authorization grant to a client it is not enabled for.
pub fn require_device_flow(c: &oidc_clients::Model) -> Result<(), OAuthError> {
    if c.device_code_enabled {
        Ok(())
    } else {
        Err(OAuthError::unauthorized_client(
            "The device flow is not enabled for this client (an administrator can enable it in the client's settings)",
        ))
    }
}

/// True when `user` may use `client`: the client is not group-restricted, or the user is in one
/// of its allowed groups.
pub async fn user_allowed(
    db: &impl ConnectionTrait,
    c: &oidc_clients::Model,
    user: Uuid,
) -> Result<bool, DbErr> {
    if !c.is_group_restricted {
        return Ok(true);
    }
    let groups = crate::features::oidc::clients::repo::find_allowed_group_ids(db, &c.id).await?;
    if groups.is_empty() {
        return Ok(false);
    }
    Ok(user_groups_users::Entity::find()
        .filter(user_groups_users::Column::UserId.eq(user))
        .filter(user_groups_users::Column::UserGroupId.is_in(groups))
        .count(db)
        .await?
        > 0)
}

/// Records that a confidential client without PKCE sent a code challenge anyway: it can take
/// PKCE, which the admin UI then suggests enabling (reference 3.4).
pub async fn note_pkce_support(
    db: &impl ConnectionTrait,
    c: &oidc_clients::Model,
) -> Result<(), DbErr> {
    let mut active: oidc_clients::ActiveModel = c.clone().into();
    active.pkce_supported = sea_orm::Set(true);
    active.update(db).await.map(|_| ())
}
