//! Queries on `users` and what hangs off a user (groups, custom claims).

use crate::db::entities::{custom_claims, user_groups, user_groups_users, users};
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

/// The user whose username matches `username` case-insensitively (ASCII, as the unique index).
pub async fn find_by_username(
    db: &impl ConnectionTrait,
    username: &str,
) -> Result<Option<users::Model>, DbErr> {
    users::Entity::find()
        .filter(Func::lower(Expr::col(users::Column::Username)).eq(username.to_ascii_lowercase()))
        .one(db)
        .await
}

/// The user with this email.
pub async fn find_by_email(
    db: &impl ConnectionTrait,
    email: &str,
) -> Result<Option<users::Model>, DbErr> {
    users::Entity::find()
        .filter(users::Column::Email.eq(email))
        .one(db)
        .await
}

/// The user's groups, by name.
pub async fn find_groups(
    db: &impl ConnectionTrait,
    user: Uuid,
) -> Result<Vec<user_groups::Model>, DbErr> {
    let ids: Vec<Uuid> = user_groups_users::Entity::find()
        .select_only()
        .column(user_groups_users::Column::UserGroupId)
        .filter(user_groups_users::Column::UserId.eq(user))
        .into_tuple()
        .all(db)
        .await?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    user_groups::Entity::find()
        .filter(user_groups::Column::Id.is_in(ids))
        .order_by_asc(user_groups::Column::Name)
        .all(db)
        .await
}

/// The user's own custom claims, by key.
pub async fn find_claims(
    db: &impl ConnectionTrait,
    user: Uuid,
) -> Result<Vec<custom_claims::Model>, DbErr> {
    custom_claims::Entity::find()
        .filter(custom_claims::Column::UserId.eq(user))
        .order_by_asc(custom_claims::Column::Key)
        .all(db)
        .await
}
