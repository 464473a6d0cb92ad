//! Queries behind "My Apps" and the consent lists: clients a user may use, their consents, and
//! the stored tokens a revoked consent ends.

use crate::db::entities::{
    oauth2_sessions as rows, oidc_clients, oidc_clients_allowed_user_groups as allowed,
    user_authorized_oidc_clients as consents, user_groups_users,
};
use crate::features::oidc::store::{Kind, Stored};
use sea_orm::sea_query::Query;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect,
};
use std::collections::BTreeSet;
use uuid::Uuid;

/// The clients `user` may sign in to: not group-restricted, or restricted to a group of theirs
/// (the rule the authorization endpoint applies, `client::user_allowed`).
pub async fn find_accessible(
    db: &impl ConnectionTrait,
    user: Uuid,
) -> Result<Vec<oidc_clients::Model>, DbErr> {
    let groups: Vec<Uuid> = user_groups_users::Entity::find()
        .select_only()
        .column(user_groups_users::Column::UserGroupId)
        .filter(user_groups_users::Column::UserId.eq(user))
        .into_tuple()
        .all(db)
        .await?;
    let mut access = Condition::any().add(oidc_clients::Column::IsGroupRestricted.eq(false));
    if !groups.is_empty() {
        access = access.add(
            oidc_clients::Column::Id.in_subquery(
                Query::select()
                    .column(allowed::Column::OidcClientId)
                    .from(allowed::Entity)
                    .and_where(allowed::Column::UserGroupId.is_in(groups))
                    .to_owned(),
            ),
        );
    }
    oidc_clients::Entity::find().filter(access).all(db).await
}

/// Every consent of `user`, with its client.
pub async fn find_consents(
    db: &impl ConnectionTrait,
    user: Uuid,
) -> Result<Vec<(consents::Model, oidc_clients::Model)>, DbErr> {
    Ok(consents::Entity::find()
        .filter(consents::Column::UserId.eq(user))
        .find_also_related(oidc_clients::Entity)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(consent, client)| client.map(|c| (consent, c)))
        .collect())
}

/// Deletes the consent of `user` for `client`; false when there was none.
pub async fn delete_consent(
    db: &impl ConnectionTrait,
    user: Uuid,
    client: &str,
) -> Result<bool, DbErr> {
    Ok(consents::Entity::delete_by_id((user, client.to_owned()))
        .exec(db)
        .await?
        .rows_affected
        > 0)
}

/// The grant families (`request_id`) with a live refresh or access token of `user` at `client`.
pub async fn find_live_families(
    db: &impl ConnectionTrait,
    user: Uuid,
    client: &str,
) -> Result<BTreeSet<String>, DbErr> {
    let live = rows::Entity::find()
        .filter(rows::Column::ClientId.eq(client))
        .filter(rows::Column::Active.eq(true))
        .filter(rows::Column::Kind.is_in([Kind::RefreshToken.as_str(), Kind::AccessToken.as_str()]))
        .all(db)
        .await?;
    // The subject lives in the row's JSON: filtered here, portably across both engines.
    Ok(live
        .into_iter()
        .map(Stored::from_row)
        .filter(|s| s.data.session.subject == Some(user))
        .map(|s| s.row.request_id)
        .collect())
}
