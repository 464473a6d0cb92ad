//! Queries on `audit_logs`: filtered pages, the admin filter values and the retention delete.

use crate::db::entities::{audit_logs, users};
use crate::list::Slice;
use chrono::{DateTime, Utc};
use pocket_shared::audit_log::INTERNAL_NETWORK_COUNTRY;
use sea_orm::sea_query::{Expr, ExprTrait, Query, SimpleExpr};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, DbErr, EntityTrait, Order, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Select,
};
use uuid::Uuid;

/// Columns the lists sort by (Pocket ID's sortable fields).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortColumn {
    CreatedAt,
    Event,
    IpAddress,
    Country,
    City,
    UserAgent,
}

/// Which rows a list shows. Empty vectors mean "no restriction".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only this user's rows (the own log).
    pub user: Option<Uuid>,
    pub events: Vec<String>,
    pub user_ids: Vec<Uuid>,
    pub client_names: Vec<String>,
    /// `Some(true)`: internal addresses only; `Some(false)`: everything else.
    pub internal: Option<bool>,
}

/// `data.clientName` on either engine (the same expression as the index on it).
fn client_name_sql(backend: DbBackend) -> &'static str {
    match backend {
        DbBackend::Postgres => r#"("audit_logs"."data" ->> 'clientName')"#,
        _ => r#"json_extract("audit_logs"."data", '$.clientName')"#,
    }
}

fn client_name_expr(backend: DbBackend) -> SimpleExpr {
    Expr::cust(client_name_sql(backend))
}

fn matching(backend: DbBackend, f: &Filter) -> Select<audit_logs::Entity> {
    let mut q = audit_logs::Entity::find();
    if let Some(user) = f.user {
        q = q.filter(audit_logs::Column::UserId.eq(user));
    }
    if !f.events.is_empty() {
        q = q.filter(audit_logs::Column::Event.is_in(f.events.clone()));
    }
    if !f.user_ids.is_empty() {
        q = q.filter(audit_logs::Column::UserId.is_in(f.user_ids.clone()));
    }
    if !f.client_names.is_empty() {
        q = q.filter(client_name_expr(backend).is_in(f.client_names.clone()));
    }
    match f.internal {
        Some(true) => q = q.filter(audit_logs::Column::Country.eq(INTERNAL_NETWORK_COUNTRY)),
        // Rows without a known location are external too.
        Some(false) => {
            q = q.filter(
                Condition::any()
                    .add(audit_logs::Column::Country.is_null())
                    .add(audit_logs::Column::Country.ne(INTERNAL_NETWORK_COUNTRY)),
            )
        }
        None => {}
    }
    q
}

/// How many rows match.
pub async fn count(db: &impl ConnectionTrait, f: &Filter) -> Result<u64, DbErr> {
    matching(db.get_database_backend(), f).count(db).await
}

/// One page of the matching rows with their users.
pub async fn find_page(
    db: &impl ConnectionTrait,
    f: &Filter,
    slice: Slice<SortColumn>,
) -> Result<Vec<(audit_logs::Model, Option<users::Model>)>, DbErr> {
    let column = match slice.sort {
        SortColumn::CreatedAt => audit_logs::Column::CreatedAt,
        SortColumn::Event => audit_logs::Column::Event,
        SortColumn::IpAddress => audit_logs::Column::IpAddress,
        SortColumn::Country => audit_logs::Column::Country,
        SortColumn::City => audit_logs::Column::City,
        SortColumn::UserAgent => audit_logs::Column::UserAgent,
    };
    matching(db.get_database_backend(), f)
        .order_by(column, slice.order.clone())
        // Ties broken the same way on both engines, so pages never overlap.
        .order_by(audit_logs::Column::CreatedAt, Order::Desc)
        .order_by(audit_logs::Column::Id, Order::Asc)
        .offset(slice.offset)
        .limit(slice.limit)
        .find_also_related(users::Entity)
        .all(db)
        .await
}

/// Usernames of these users (missing ones are absent).
pub async fn usernames(
    db: &impl ConnectionTrait,
    ids: Vec<Uuid>,
) -> Result<Vec<(Uuid, String)>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .column(users::Column::Username)
        .filter(users::Column::Id.is_in(ids))
        .into_tuple()
        .all(db)
        .await
}

/// Id and username of every user with at least one row.
pub async fn users_with_entries(db: &impl ConnectionTrait) -> Result<Vec<(Uuid, String)>, DbErr> {
    users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .column(users::Column::Username)
        .filter(
            users::Column::Id.in_subquery(
                Query::select()
                    .column(audit_logs::Column::UserId)
                    .from(audit_logs::Entity)
                    .and_where(audit_logs::Column::UserId.is_not_null())
                    .to_owned(),
            ),
        )
        .order_by(users::Column::Username, Order::Asc)
        .into_tuple()
        .all(db)
        .await
}

/// Every distinct `data.clientName`, sorted.
pub async fn client_names(db: &impl ConnectionTrait) -> Result<Vec<String>, DbErr> {
    let backend = db.get_database_backend();
    audit_logs::Entity::find()
        .select_only()
        .column_as(client_name_expr(backend), "client_name")
        .distinct()
        .filter(client_name_expr(backend).is_not_null())
        .order_by(client_name_expr(backend), Order::Asc)
        .into_tuple()
        .all(db)
        .await
}

/// Deletes the rows created before `cutoff`; the number removed.
pub async fn delete_before(db: &impl ConnectionTrait, cutoff: DateTime<Utc>) -> Result<u64, DbErr> {
    Ok(audit_logs::Entity::delete_many()
        .filter(audit_logs::Column::CreatedAt.lt(cutoff))
        .exec(db)
        .await?
        .rows_affected)
}
