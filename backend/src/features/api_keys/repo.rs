//! Queries on `api_keys`, always scoped to the owning user.

use crate::db::entities::api_keys;
use crate::list::Slice;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, Order, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Select,
};
use uuid::Uuid;

/// Columns the key list sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortColumn {
    Name,
    Description,
    ExpiresAt,
    LastUsedAt,
    CreatedAt,
}

/// `user`'s keys whose name contains `search` (case-insensitive).
fn owned(db: &impl ConnectionTrait, user: Uuid, search: Option<&str>) -> Select<api_keys::Entity> {
    let query = api_keys::Entity::find().filter(api_keys::Column::UserId.eq(user));
    match search {
        Some(s) => query.filter(crate::list::contains_ci(
            db.get_database_backend(),
            r#""api_keys"."name""#,
            s,
        )),
        None => query,
    }
}

/// How many of `user`'s keys match `search`.
pub async fn count(
    db: &impl ConnectionTrait,
    user: Uuid,
    search: Option<&str>,
) -> Result<u64, DbErr> {
    owned(db, user, search).count(db).await
}

/// One page of `user`'s keys.
pub async fn find_page(
    db: &impl ConnectionTrait,
    user: Uuid,
    search: Option<&str>,
    slice: Slice<SortColumn>,
) -> Result<Vec<api_keys::Model>, DbErr> {
    let column = match slice.sort {
        SortColumn::Name => api_keys::Column::Name,
        SortColumn::Description => api_keys::Column::Description,
        SortColumn::ExpiresAt => api_keys::Column::ExpiresAt,
        SortColumn::LastUsedAt => api_keys::Column::LastUsedAt,
        SortColumn::CreatedAt => api_keys::Column::CreatedAt,
    };
    // Ties broken by id, so pages never overlap.
    owned(db, user, search)
        .order_by(column, slice.order)
        .order_by(api_keys::Column::Id, Order::Asc)
        .offset(slice.offset)
        .limit(slice.limit)
        .all(db)
        .await
}

/// `user`'s key with this id.
pub async fn find_owned(
    db: &impl ConnectionTrait,
    user: Uuid,
    id: Uuid,
) -> Result<Option<api_keys::Model>, DbErr> {
    owned(db, user, None)
        .filter(api_keys::Column::Id.eq(id))
        .one(db)
        .await
}

/// Gives an expired key of `user` a new token hash and expiry; `false` when the key is not
/// expired at `now` (or not theirs). The expiry check is part of the update, so two renewals
/// racing each other cannot both succeed.
pub async fn renew(
    db: &impl ConnectionTrait,
    user: Uuid,
    id: Uuid,
    key_hash: String,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let res = api_keys::Entity::update_many()
        .col_expr(api_keys::Column::Key, Expr::value(key_hash))
        .col_expr(api_keys::Column::ExpiresAt, Expr::value(expires_at))
        .col_expr(api_keys::Column::ExpirationEmailSent, Expr::value(false))
        .filter(api_keys::Column::UserId.eq(user))
        .filter(api_keys::Column::Id.eq(id))
        .filter(api_keys::Column::ExpiresAt.lte(now))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Deletes `user`'s key; whether it existed.
pub async fn delete_owned(db: &impl ConnectionTrait, user: Uuid, id: Uuid) -> Result<bool, DbErr> {
    let res = api_keys::Entity::delete_many()
        .filter(api_keys::Column::UserId.eq(user))
        .filter(api_keys::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(res.rows_affected > 0)
}
