//! Queries on `oidc_clients` and `oidc_clients_allowed_user_groups`.

use crate::db::entities::{oidc_clients, oidc_clients_allowed_user_groups as allowed, user_groups};
use crate::list::Slice;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, Order, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Select, Set,
};
use std::collections::HashMap;
use uuid::Uuid;

/// The client with this id.
pub async fn find(
    db: &impl ConnectionTrait,
    id: &str,
) -> Result<Option<oidc_clients::Model>, DbErr> {
    oidc_clients::Entity::find_by_id(id).one(db).await
}

/// The client with this id, locked until the transaction ends, for read-modify-write of the
/// credentials JSON. PostgreSQL locks the row (`FOR UPDATE`). SQLite has no row locks, and a
/// transaction that reads first fails outright (`SQLITE_BUSY`, no waiting) when it later
/// tries to write after another writer committed; a no-op write first takes the database
/// write lock up front, waiting up to the busy timeout.
pub async fn find_for_update(
    db: &impl ConnectionTrait,
    id: &str,
) -> Result<Option<oidc_clients::Model>, DbErr> {
    if db.get_database_backend() == DbBackend::Sqlite {
        oidc_clients::Entity::update_many()
            .col_expr(
                oidc_clients::Column::PkceSupported,
                Expr::col(oidc_clients::Column::PkceSupported),
            )
            .filter(oidc_clients::Column::Id.eq(id))
            .exec(db)
            .await?;
    }
    oidc_clients::Entity::find_by_id(id)
        .lock_exclusive()
        .one(db)
        .await
}

/// Deletes the client (sessions, consents and group links cascade); the number of rows gone.
pub async fn delete(db: &impl ConnectionTrait, id: &str) -> Result<u64, DbErr> {
    Ok(oidc_clients::Entity::delete_by_id(id)
        .exec(db)
        .await?
        .rows_affected)
}

/// Columns the client list sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortColumn {
    Name,
    Description,
    CreatedAt,
    ClientType,
    AllowedUserGroupsCount,
}

/// What the client list is narrowed to: `search` on the name, flags, client types.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Part of the name (case-insensitive, LIKE wildcards literal).
    pub search: Option<String>,
    /// Boolean columns that must have the given value.
    pub flags: Vec<(oidc_clients::Column, bool)>,
    /// Any of these `client_type` values (none: every type).
    pub client_types: Vec<String>,
}

fn matching(backend: DbBackend, f: &ListFilter) -> Select<oidc_clients::Entity> {
    let mut query = oidc_clients::Entity::find();
    if let Some(search) = &f.search {
        query = query.filter(crate::list::contains_ci(
            backend,
            r#""oidc_clients"."name""#,
            search,
        ));
    }
    for (column, value) in &f.flags {
        query = query.filter(column.eq(*value));
    }
    if !f.client_types.is_empty() {
        query = query.filter(oidc_clients::Column::ClientType.is_in(f.client_types.clone()));
    }
    query
}

/// How many clients match `f`.
pub async fn count_matching(db: &impl ConnectionTrait, f: &ListFilter) -> Result<u64, DbErr> {
    matching(db.get_database_backend(), f).count(db).await
}

/// One page of the clients matching `f`.
pub async fn find_page(
    db: &impl ConnectionTrait,
    f: &ListFilter,
    slice: Slice<SortColumn>,
) -> Result<Vec<oidc_clients::Model>, DbErr> {
    let name_ci = || Expr::cust(r#"LOWER("oidc_clients"."name")"#);
    let query = matching(db.get_database_backend(), f);
    let query = match slice.sort {
        SortColumn::Name => query.order_by(name_ci(), slice.order),
        SortColumn::Description => query.order_by(oidc_clients::Column::Description, slice.order),
        SortColumn::CreatedAt => query.order_by(oidc_clients::Column::CreatedAt, slice.order),
        SortColumn::ClientType => query.order_by(oidc_clients::Column::ClientType, slice.order),
        SortColumn::AllowedUserGroupsCount => query.order_by(
            Expr::cust(
                r#"(SELECT COUNT(*) FROM "oidc_clients_allowed_user_groups" AS "g" WHERE "g"."oidc_client_id" = "oidc_clients"."id")"#,
            ),
            slice.order,
        ),
    };
    // Ties broken the same way on both engines, so pages never overlap.
    query
        .order_by(name_ci(), Order::Asc)
        .order_by(oidc_clients::Column::Id, Order::Asc)
        .offset(slice.offset)
        .limit(slice.limit)
        .all(db)
        .await
}

/// How many user groups each of these clients allows (clients without any are absent).
pub async fn count_allowed_groups(
    db: &impl ConnectionTrait,
    client_ids: Vec<String>,
) -> Result<HashMap<String, u64>, DbErr> {
    if client_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(String, i64)> = allowed::Entity::find()
        .select_only()
        .column(allowed::Column::OidcClientId)
        .column_as(Expr::col(allowed::Column::UserGroupId).count(), "n")
        .filter(allowed::Column::OidcClientId.is_in(client_ids))
        .group_by(allowed::Column::OidcClientId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, n)| (id, u64::try_from(n).unwrap_or(0)))
        .collect())
}

/// The ids of the user groups whose members may use the client.
pub async fn find_allowed_group_ids(
    db: &impl ConnectionTrait,
    client_id: &str,
) -> Result<Vec<Uuid>, DbErr> {
    allowed::Entity::find()
        .select_only()
        .column(allowed::Column::UserGroupId)
        .filter(allowed::Column::OidcClientId.eq(client_id))
        .into_tuple()
        .all(db)
        .await
}

/// The user groups whose members may use the client, by name.
pub async fn find_allowed_groups(
    db: &impl ConnectionTrait,
    client_id: &str,
) -> Result<Vec<user_groups::Model>, DbErr> {
    let ids = find_allowed_group_ids(db, client_id).await?;
    find_groups(db, ids).await
}

/// The user groups with these ids (unknown ids are skipped), by name.
pub async fn find_groups(
    db: &impl ConnectionTrait,
    ids: Vec<Uuid>,
) -> Result<Vec<user_groups::Model>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    user_groups::Entity::find()
        .filter(user_groups::Column::Id.is_in(ids))
        .order_by_asc(user_groups::Column::Name)
        .all(db)
        .await
}

/// Removes every allowed group of the client.
pub async fn clear_allowed_groups(db: &impl ConnectionTrait, client_id: &str) -> Result<(), DbErr> {
    allowed::Entity::delete_many()
        .filter(allowed::Column::OidcClientId.eq(client_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Makes `group_ids` the client's allowed groups (call inside a transaction).
pub async fn replace_allowed_groups(
    db: &impl ConnectionTrait,
    client_id: &str,
    group_ids: &[Uuid],
) -> Result<(), DbErr> {
    clear_allowed_groups(db, client_id).await?;
    if group_ids.is_empty() {
        return Ok(());
    }
    allowed::Entity::insert_many(group_ids.iter().map(|g| allowed::ActiveModel {
        user_group_id: Set(*g),
        oidc_client_id: Set(client_id.to_owned()),
    }))
    .exec(db)
    .await?;
    Ok(())
}
