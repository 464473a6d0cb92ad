//! Queries on `custom_claims`: the claims of users and groups, replacing them, and the keys in
//! use for suggestions.

use crate::db::entities::custom_claims;
use chrono::{DateTime, Utc};
use pocket_shared::custom_claim::CustomClaimDto;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, Order, QueryFilter, QueryOrder, QuerySelect,
    Set,
};
use std::collections::HashMap;
use uuid::Uuid;

/// Whose claims.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    User(Uuid),
    Group(Uuid),
}

impl Owner {
    fn column(self) -> (custom_claims::Column, Uuid) {
        match self {
            Self::User(id) => (custom_claims::Column::UserId, id),
            Self::Group(id) => (custom_claims::Column::UserGroupId, id),
        }
    }
}

/// The owner's claims, by key.
pub async fn find(
    db: &impl ConnectionTrait,
    owner: Owner,
) -> Result<Vec<custom_claims::Model>, DbErr> {
    let (col, id) = owner.column();
    custom_claims::Entity::find()
        .filter(col.eq(id))
        .order_by_asc(custom_claims::Column::Key)
        .all(db)
        .await
}

/// The claims of each of these groups, by key (groups without claims are absent).
pub async fn find_for_groups(
    db: &impl ConnectionTrait,
    groups: Vec<Uuid>,
) -> Result<HashMap<Uuid, Vec<custom_claims::Model>>, DbErr> {
    if groups.is_empty() {
        return Ok(HashMap::new());
    }
    let mut out: HashMap<Uuid, Vec<custom_claims::Model>> = HashMap::new();
    for c in custom_claims::Entity::find()
        .filter(custom_claims::Column::UserGroupId.is_in(groups))
        .order_by_asc(custom_claims::Column::Key)
        .all(db)
        .await?
    {
        if let Some(g) = c.user_group_id {
            out.entry(g).or_default().push(c);
        }
    }
    Ok(out)
}

/// Makes `claims` exactly the owner's claims (call inside a transaction).
pub async fn replace(
    db: &impl ConnectionTrait,
    owner: Owner,
    claims: &[CustomClaimDto],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let (col, id) = owner.column();
    custom_claims::Entity::delete_many()
        .filter(col.eq(id))
        .exec(db)
        .await?;
    if claims.is_empty() {
        return Ok(());
    }
    let (user_id, user_group_id) = match owner {
        Owner::User(u) => (Some(u), None),
        Owner::Group(g) => (None, Some(g)),
    };
    custom_claims::Entity::insert_many(claims.iter().map(|c| custom_claims::ActiveModel {
        id: Set(Uuid::new_v4()),
        created_at: Set(now),
        key: Set(c.key.clone()),
        value: Set(c.value.clone()),
        user_id: Set(user_id),
        user_group_id: Set(user_group_id),
    }))
    .exec(db)
    .await?;
    Ok(())
}

/// Every key in use, the most used first (ties by key).
pub async fn find_keys_by_use(db: &impl ConnectionTrait) -> Result<Vec<String>, DbErr> {
    let rows: Vec<(String, i64)> = custom_claims::Entity::find()
        .select_only()
        .column(custom_claims::Column::Key)
        .column_as(Expr::col(custom_claims::Column::Id).count(), "n")
        .group_by(custom_claims::Column::Key)
        .order_by(Expr::col(custom_claims::Column::Id).count(), Order::Desc)
        .order_by(custom_claims::Column::Key, Order::Asc)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(k, _)| k).collect())
}
