//! Queries on `user_groups`, their members (`user_groups_users`) and the OIDC clients they may
//! use (`oidc_clients_allowed_user_groups`).

use crate::db::entities::{
    oidc_clients, oidc_clients_allowed_user_groups as allowed, user_groups, user_groups_users,
    users,
};
use crate::list::Slice;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, DbErr, EntityTrait, Order, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Select, Set,
};
use std::collections::{BTreeSet, HashMap};
use uuid::Uuid;

/// The group with this id.
pub async fn find(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<user_groups::Model>, DbErr> {
    user_groups::Entity::find_by_id(id).one(db).await
}

/// The group with this name (names are unique, case-sensitively).
pub async fn find_by_name(
    db: &impl ConnectionTrait,
    name: &str,
) -> Result<Option<user_groups::Model>, DbErr> {
    user_groups::Entity::find()
        .filter(user_groups::Column::Name.eq(name))
        .one(db)
        .await
}

/// Columns the group list sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortColumn {
    FriendlyName,
    Name,
    CreatedAt,
    UserCount,
}

const USER_COUNT_SQL: &str = r#"(SELECT COUNT(*) FROM "user_groups_users" AS "m" WHERE "m"."user_group_id" = "user_groups"."id")"#;

fn matching(backend: DbBackend, search: Option<&str>) -> Select<user_groups::Entity> {
    let q = user_groups::Entity::find();
    match search {
        Some(s) => q.filter(
            Condition::any()
                .add(crate::list::contains_ci(
                    backend,
                    r#""user_groups"."name""#,
                    s,
                ))
                .add(crate::list::contains_ci(
                    backend,
                    r#""user_groups"."friendly_name""#,
                    s,
                )),
        ),
        None => q,
    }
}

/// How many groups match `search`.
pub async fn count_matching(db: &impl ConnectionTrait, search: Option<&str>) -> Result<u64, DbErr> {
    matching(db.get_database_backend(), search).count(db).await
}

/// One page of the groups matching `search` (ties broken by name, the same on both engines).
pub async fn find_page(
    db: &impl ConnectionTrait,
    search: Option<&str>,
    slice: Slice<SortColumn>,
) -> Result<Vec<user_groups::Model>, DbErr> {
    let lower = |col: &str| Expr::cust(format!(r#"LOWER("user_groups"."{col}")"#));
    let q = matching(db.get_database_backend(), search);
    let q = match slice.sort {
        SortColumn::FriendlyName => q.order_by(lower("friendly_name"), slice.order),
        SortColumn::Name => q.order_by(lower("name"), slice.order),
        SortColumn::CreatedAt => q.order_by(user_groups::Column::CreatedAt, slice.order),
        SortColumn::UserCount => q.order_by(Expr::cust(USER_COUNT_SQL), slice.order),
    };
    q.order_by(user_groups::Column::Name, Order::Asc)
        .order_by(user_groups::Column::Id, Order::Asc)
        .offset(slice.offset)
        .limit(slice.limit)
        .all(db)
        .await
}

/// How many members each of these groups has (groups without any are absent).
pub async fn count_users(
    db: &impl ConnectionTrait,
    groups: Vec<Uuid>,
) -> Result<HashMap<Uuid, u64>, DbErr> {
    if groups.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(Uuid, i64)> = user_groups_users::Entity::find()
        .select_only()
        .column(user_groups_users::Column::UserGroupId)
        .column_as(Expr::col(user_groups_users::Column::UserId).count(), "n")
        .filter(user_groups_users::Column::UserGroupId.is_in(groups))
        .group_by(user_groups_users::Column::UserGroupId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(g, n)| (g, u64::try_from(n).unwrap_or(0)))
        .collect())
}

/// The group's members, by username.
pub async fn find_members(
    db: &impl ConnectionTrait,
    group: Uuid,
) -> Result<Vec<users::Model>, DbErr> {
    let ids: Vec<Uuid> = user_groups_users::Entity::find()
        .select_only()
        .column(user_groups_users::Column::UserId)
        .filter(user_groups_users::Column::UserGroupId.eq(group))
        .into_tuple()
        .all(db)
        .await?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    users::Entity::find()
        .filter(users::Column::Id.is_in(ids))
        .order_by(Expr::cust(r#"LOWER("users"."username")"#), Order::Asc)
        .all(db)
        .await
}

/// The users with these ids that exist.
pub async fn find_existing_users(
    db: &impl ConnectionTrait,
    ids: Vec<Uuid>,
) -> Result<BTreeSet<Uuid>, DbErr> {
    if ids.is_empty() {
        return Ok(BTreeSet::new());
    }
    let found: Vec<Uuid> = users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .filter(users::Column::Id.is_in(ids))
        .into_tuple()
        .all(db)
        .await?;
    Ok(found.into_iter().collect())
}

/// Makes `members` exactly the group's members (call inside a transaction).
pub async fn replace_members(
    db: &impl ConnectionTrait,
    group: Uuid,
    members: &BTreeSet<Uuid>,
) -> Result<(), DbErr> {
    user_groups_users::Entity::delete_many()
        .filter(user_groups_users::Column::UserGroupId.eq(group))
        .exec(db)
        .await?;
    if members.is_empty() {
        return Ok(());
    }
    user_groups_users::Entity::insert_many(members.iter().map(|u| {
        user_groups_users::ActiveModel {
            user_id: Set(*u),
            user_group_id: Set(group),
        }
    }))
    .exec(db)
    .await?;
    Ok(())
}

/// The OIDC clients the group may use, by name.
pub async fn find_allowed_clients(
    db: &impl ConnectionTrait,
    group: Uuid,
) -> Result<Vec<oidc_clients::Model>, DbErr> {
    let ids: Vec<String> = allowed::Entity::find()
        .select_only()
        .column(allowed::Column::OidcClientId)
        .filter(allowed::Column::UserGroupId.eq(group))
        .into_tuple()
        .all(db)
        .await?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut clients = oidc_clients::Entity::find()
        .filter(oidc_clients::Column::Id.is_in(ids))
        .all(db)
        .await?;
    clients.sort_by_cached_key(|c| {
        (
            c.name.clone().unwrap_or_default().to_lowercase(),
            c.id.clone(),
        )
    });
    Ok(clients)
}

/// The OIDC clients with these ids that exist.
pub async fn find_existing_clients(
    db: &impl ConnectionTrait,
    ids: Vec<String>,
) -> Result<BTreeSet<String>, DbErr> {
    if ids.is_empty() {
        return Ok(BTreeSet::new());
    }
    let found: Vec<String> = oidc_clients::Entity::find()
        .select_only()
        .column(oidc_clients::Column::Id)
        .filter(oidc_clients::Column::Id.is_in(ids))
        .into_tuple()
        .all(db)
        .await?;
    Ok(found.into_iter().collect())
}

/// Makes `clients` exactly the clients the group may use (call inside a transaction).
pub async fn replace_allowed_clients(
    db: &impl ConnectionTrait,
    group: Uuid,
    clients: &BTreeSet<String>,
) -> Result<(), DbErr> {
    allowed::Entity::delete_many()
        .filter(allowed::Column::UserGroupId.eq(group))
        .exec(db)
        .await?;
    if clients.is_empty() {
        return Ok(());
    }
    allowed::Entity::insert_many(clients.iter().map(|c| allowed::ActiveModel {
        user_group_id: Set(group),
        oidc_client_id: Set(c.clone()),
    }))
    .exec(db)
    .await?;
    Ok(())
}

/// Sets the group's `updated_at`.
pub async fn touch(
    db: &impl ConnectionTrait,
    group: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    user_groups::Entity::update_many()
        .col_expr(user_groups::Column::UpdatedAt, Expr::value(now))
        .filter(user_groups::Column::Id.eq(group))
        .exec(db)
        .await?;
    Ok(())
}

/// Deletes the group (memberships, claims and client links cascade); the number of rows gone.
pub async fn delete(db: &impl ConnectionTrait, id: Uuid) -> Result<u64, DbErr> {
    Ok(user_groups::Entity::delete_by_id(id)
        .exec(db)
        .await?
        .rows_affected)
}
