//! The stored client as the protocol endpoints read it: lookup, registered URLs, group
//! restriction and token lifetimes.

use crate::db::entities::{
    oidc_clients, oidc_clients_allowed_user_groups as allowed, user_groups_users,
};
use chrono::Duration;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
};
use uuid::Uuid;

/// Longest configurable token lifetime (one year), in minutes.
pub const MAX_LIFETIME_MINUTES: i64 = 525_600;

/// The client with this id.
pub async fn find(
    db: &impl ConnectionTrait,
    id: &str,
) -> Result<Option<oidc_clients::Model>, DbErr> {
    oidc_clients::Entity::find_by_id(id.to_owned())
        .one(db)
        .await
}

fn urls(v: Option<&serde_json::Value>) -> Vec<String> {
    v.and_then(|v| serde_json::from_value(v.clone()).ok())
        .unwrap_or_default()
}

/// Registered redirect URIs (patterns).
pub fn callback_urls(c: &oidc_clients::Model) -> Vec<String> {
    urls(c.callback_urls.as_ref())
}

/// Registered post-logout redirect URIs (patterns).
pub fn logout_urls(c: &oidc_clients::Model) -> Vec<String> {
    urls(c.logout_callback_urls.as_ref())
}

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
    let groups: Vec<Uuid> = allowed::Entity::find()
        .select_only()
        .column(allowed::Column::UserGroupId)
        .filter(allowed::Column::OidcClientId.eq(c.id.clone()))
        .into_tuple()
        .all(db)
        .await?;
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

/// Public metadata of a client (consent and device pages).
pub fn meta(c: &oidc_clients::Model) -> pocket_shared::oidc::OidcClientMetaDto {
    pocket_shared::oidc::OidcClientMetaDto {
        id: c.id.clone(),
        name: c.name.clone().unwrap_or_else(|| c.id.clone()),
        description: c.description.clone(),
        has_logo: c.image_type.is_some(),
        has_dark_logo: c.dark_image_type.is_some(),
        launch_url: c.launch_url.clone(),
        requires_reauthentication: c.requires_reauthentication,
        client_type: c.client_type.clone(),
    }
}
