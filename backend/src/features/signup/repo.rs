//! Queries on `signup_tokens` and `signup_tokens_user_groups`.

use crate::db::entities::{signup_tokens, signup_tokens_user_groups as token_groups, user_groups};
use crate::list::Slice;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, Order, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Select,
};
use std::collections::HashMap;
use uuid::Uuid;

/// Columns the token list sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortColumn {
    CreatedAt,
    ExpiresAt,
    UsageLimit,
    UsageCount,
}

/// Tokens still valid at `now` (expired ones no longer exist as far as the API is concerned).
fn live(now: DateTime<Utc>) -> Select<signup_tokens::Entity> {
    signup_tokens::Entity::find().filter(signup_tokens::Column::ExpiresAt.gt(now))
}

/// How many tokens are live at `now`.
pub async fn count_live(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, DbErr> {
    live(now).count(db).await
}

/// One page of the tokens live at `now`.
pub async fn find_page(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    slice: Slice<SortColumn>,
) -> Result<Vec<signup_tokens::Model>, DbErr> {
    let column = match slice.sort {
        SortColumn::CreatedAt => signup_tokens::Column::CreatedAt,
        SortColumn::ExpiresAt => signup_tokens::Column::ExpiresAt,
        SortColumn::UsageLimit => signup_tokens::Column::UsageLimit,
        SortColumn::UsageCount => signup_tokens::Column::UsageCount,
    };
    // Ties broken by id, so pages never overlap.
    live(now)
        .order_by(column, slice.order)
        .order_by(signup_tokens::Column::Id, Order::Asc)
        .offset(slice.offset)
        .limit(slice.limit)
        .all(db)
        .await
}

/// The groups of each of `tokens`, by name.
pub async fn find_groups(
    db: &impl ConnectionTrait,
    tokens: Vec<Uuid>,
) -> Result<HashMap<Uuid, Vec<user_groups::Model>>, DbErr> {
    let mut out: HashMap<Uuid, Vec<user_groups::Model>> = HashMap::new();
    if tokens.is_empty() {
        return Ok(out);
    }
    let rows = token_groups::Entity::find()
        .filter(token_groups::Column::SignupTokenId.is_in(tokens))
        .find_also_related(user_groups::Entity)
        .order_by_asc(user_groups::Column::Name)
        .all(db)
        .await?;
    for (link, group) in rows {
        if let Some(group) = group {
            out.entry(link.signup_token_id).or_default().push(group);
        }
    }
    Ok(out)
}

/// The ids among `ids` that name existing groups.
pub async fn existing_groups(
    db: &impl ConnectionTrait,
    ids: Vec<Uuid>,
) -> Result<Vec<Uuid>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    user_groups::Entity::find()
        .select_only()
        .column(user_groups::Column::Id)
        .filter(user_groups::Column::Id.is_in(ids))
        .into_tuple()
        .all(db)
        .await
}

/// Records one use of the token with this hash if it is live at `now` and has uses left;
/// returns the token when it did. The checks are the update's own conditions, so concurrent
/// signups (on any instance) can never use a token more often than its limit.
pub async fn consume(
    db: &impl ConnectionTrait,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<signup_tokens::Model>, DbErr> {
    let res = signup_tokens::Entity::update_many()
        .col_expr(
            signup_tokens::Column::UsageCount,
            Expr::col(signup_tokens::Column::UsageCount).add(1),
        )
        .filter(signup_tokens::Column::TokenHash.eq(token_hash))
        .filter(signup_tokens::Column::ExpiresAt.gt(now))
        .filter(
            Expr::col(signup_tokens::Column::UsageCount)
                .lt(Expr::col(signup_tokens::Column::UsageLimit)),
        )
        .exec(db)
        .await?;
    if res.rows_affected == 0 {
        return Ok(None);
    }
    signup_tokens::Entity::find()
        .filter(signup_tokens::Column::TokenHash.eq(token_hash))
        .one(db)
        .await
}

/// The group ids of one token.
pub async fn group_ids(db: &impl ConnectionTrait, token: Uuid) -> Result<Vec<Uuid>, DbErr> {
    token_groups::Entity::find()
        .select_only()
        .column(token_groups::Column::UserGroupId)
        .filter(token_groups::Column::SignupTokenId.eq(token))
        .into_tuple()
        .all(db)
        .await
}

/// Removes tokens expired at `now` (they can never be used again); the number removed.
pub async fn delete_expired(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, DbErr> {
    Ok(signup_tokens::Entity::delete_many()
        .filter(signup_tokens::Column::ExpiresAt.lte(now))
        .exec(db)
        .await?
        .rows_affected)
}

/// Deletes the token (its group links cascade).
pub async fn delete(db: &impl ConnectionTrait, id: Uuid) -> Result<(), DbErr> {
    signup_tokens::Entity::delete_by_id(id)
        .exec(db)
        .await
        .map(|_| ())
}
