//! Queries on `users` and what hangs off a user (groups, custom claims): lookups, the admin
//! list, membership changes and deletion.

use crate::db::entities::{custom_claims, user_groups, user_groups_users, users};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Func, NullOrdering};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, DbErr, EntityTrait, Order, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Select, Set,
};
use std::collections::{BTreeSet, HashMap};
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

/// The user with this id.
pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<users::Model>, DbErr> {
    users::Entity::find_by_id(id).one(db).await
}

/// Columns the user list sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortColumn {
    Username,
    Email,
    FirstName,
    LastName,
    DisplayName,
    IsAdmin,
    EmailVerified,
    Disabled,
    Locale,
    CreatedAt,
}

/// Which users a list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListFilter {
    /// Part of the email, first name, last name or username (case-insensitive).
    pub search: Option<String>,
    pub email_verified: Option<bool>,
    pub is_admin: Option<bool>,
    pub disabled: Option<bool>,
}

/// A case-insensitive substring match on email, first name, last name or username. On SQLite a
/// search of three characters or more goes through the FTS5 trigram index (see migration
/// `m20261202_000001_user_search`); shorter ones, and PostgreSQL (trigram GIN indexes on the
/// same `lower(...)` expressions), use `LOWER(column) LIKE`.
fn search_condition(backend: DbBackend, s: &str) -> Condition {
    if backend == DbBackend::Sqlite && s.chars().count() >= 3 {
        // An FTS5 string: one phrase, its double quotes doubled, matched in any column.
        let phrase = format!("\"{}\"", s.replace('"', "\"\""));
        return Condition::all().add(Expr::cust_with_values(
            r#""users"."rowid" IN (SELECT rowid FROM "users_search" WHERE "users_search" MATCH ?)"#,
            [phrase],
        ));
    }
    [
        r#""users"."email""#,
        r#""users"."first_name""#,
        r#""users"."last_name""#,
        r#""users"."username""#,
    ]
    .into_iter()
    .fold(Condition::any(), |c, col| {
        c.add(crate::list::contains_ci(backend, col, s))
    })
}

fn matching(backend: DbBackend, f: &ListFilter) -> Select<users::Entity> {
    let mut q = users::Entity::find();
    if let Some(s) = f.search.as_deref() {
        q = q.filter(search_condition(backend, s));
    }
    for (col, v) in [
        (users::Column::EmailVerified, f.email_verified),
        (users::Column::IsAdmin, f.is_admin),
        (users::Column::Disabled, f.disabled),
    ] {
        if let Some(v) = v {
            q = q.filter(col.eq(v));
        }
    }
    q
}

/// How many users match `f`.
pub async fn count_matching(db: &impl ConnectionTrait, f: &ListFilter) -> Result<u64, DbErr> {
    matching(db.get_database_backend(), f).count(db).await
}

/// One page of the users matching `f`. Text columns sort case-insensitively; ties are broken
/// by username and id, the same way on both engines, so pages never overlap.
pub async fn find_page(
    db: &impl ConnectionTrait,
    f: &ListFilter,
    sort: SortColumn,
    order: Order,
    offset: u64,
    limit: u64,
) -> Result<Vec<users::Model>, DbErr> {
    let lower = |col: &str| Expr::cust(format!(r#"LOWER("users"."{col}")"#));
    let q = matching(db.get_database_backend(), f);
    let q = match sort {
        SortColumn::Username => q.order_by(lower("username"), order),
        // Users without one last on both engines (their defaults differ).
        SortColumn::Email => q.order_by_with_nulls(lower("email"), order, NullOrdering::Last),
        SortColumn::FirstName => q.order_by(lower("first_name"), order),
        SortColumn::LastName => q.order_by(lower("last_name"), order),
        SortColumn::DisplayName => q.order_by(lower("display_name"), order),
        SortColumn::Locale => {
            q.order_by_with_nulls(users::Column::Locale, order, NullOrdering::Last)
        }
        SortColumn::IsAdmin => q.order_by(users::Column::IsAdmin, order),
        SortColumn::EmailVerified => q.order_by(users::Column::EmailVerified, order),
        SortColumn::Disabled => q.order_by(users::Column::Disabled, order),
        SortColumn::CreatedAt => q.order_by(users::Column::CreatedAt, order),
    };
    q.order_by(lower("username"), Order::Asc)
        .order_by(users::Column::Id, Order::Asc)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await
}

/// The groups of each of these users, by name (users without groups are absent).
pub async fn find_groups_of(
    db: &impl ConnectionTrait,
    users: &[Uuid],
) -> Result<HashMap<Uuid, Vec<user_groups::Model>>, DbErr> {
    if users.is_empty() {
        return Ok(HashMap::new());
    }
    let links = user_groups_users::Entity::find()
        .filter(user_groups_users::Column::UserId.is_in(users.iter().copied()))
        .all(db)
        .await?;
    let ids: BTreeSet<Uuid> = links.iter().map(|l| l.user_group_id).collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let groups: HashMap<Uuid, user_groups::Model> = user_groups::Entity::find()
        .filter(user_groups::Column::Id.is_in(ids))
        .order_by_asc(user_groups::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|g| (g.id, g))
        .collect();
    let mut out: HashMap<Uuid, Vec<user_groups::Model>> = HashMap::new();
    for l in links {
        if let Some(g) = groups.get(&l.user_group_id) {
            out.entry(l.user_id).or_default().push(g.clone());
        }
    }
    for v in out.values_mut() {
        v.sort_by(|a, b| a.name.cmp(&b.name));
    }
    Ok(out)
}

/// The own custom claims of each of these users, by key.
pub async fn find_claims_of(
    db: &impl ConnectionTrait,
    users: &[Uuid],
) -> Result<HashMap<Uuid, Vec<custom_claims::Model>>, DbErr> {
    if users.is_empty() {
        return Ok(HashMap::new());
    }
    let mut out: HashMap<Uuid, Vec<custom_claims::Model>> = HashMap::new();
    for c in custom_claims::Entity::find()
        .filter(custom_claims::Column::UserId.is_in(users.iter().copied()))
        .order_by_asc(custom_claims::Column::Key)
        .all(db)
        .await?
    {
        if let Some(u) = c.user_id {
            out.entry(u).or_default().push(c);
        }
    }
    Ok(out)
}

/// The ids of the user's groups.
pub async fn find_group_ids(db: &impl ConnectionTrait, user: Uuid) -> Result<Vec<Uuid>, DbErr> {
    user_groups_users::Entity::find()
        .select_only()
        .column(user_groups_users::Column::UserGroupId)
        .filter(user_groups_users::Column::UserId.eq(user))
        .into_tuple()
        .all(db)
        .await
}

/// The groups with these ids that exist.
pub async fn find_existing_groups(
    db: &impl ConnectionTrait,
    ids: Vec<Uuid>,
) -> Result<BTreeSet<Uuid>, DbErr> {
    if ids.is_empty() {
        return Ok(BTreeSet::new());
    }
    let found: Vec<Uuid> = user_groups::Entity::find()
        .select_only()
        .column(user_groups::Column::Id)
        .filter(user_groups::Column::Id.is_in(ids))
        .into_tuple()
        .all(db)
        .await?;
    Ok(found.into_iter().collect())
}

/// Sets `updated_at` of these groups (their membership changed; SCIM detects changes by it).
pub async fn touch_groups(
    db: &impl ConnectionTrait,
    ids: Vec<Uuid>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    if ids.is_empty() {
        return Ok(());
    }
    user_groups::Entity::update_many()
        .col_expr(user_groups::Column::UpdatedAt, Expr::value(now))
        .filter(user_groups::Column::Id.is_in(ids))
        .exec(db)
        .await?;
    Ok(())
}

/// Makes `groups` exactly the user's groups (call inside a transaction); touches the groups
/// that gained or lost the user.
pub async fn replace_groups(
    db: &impl ConnectionTrait,
    user: Uuid,
    groups: &BTreeSet<Uuid>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let before: BTreeSet<Uuid> = find_group_ids(db, user).await?.into_iter().collect();
    let removed: Vec<Uuid> = before.difference(groups).copied().collect();
    let added: Vec<Uuid> = groups.difference(&before).copied().collect();
    if !removed.is_empty() {
        user_groups_users::Entity::delete_many()
            .filter(user_groups_users::Column::UserId.eq(user))
            .filter(user_groups_users::Column::UserGroupId.is_in(removed.clone()))
            .exec(db)
            .await?;
    }
    if !added.is_empty() {
        user_groups_users::Entity::insert_many(added.iter().map(|g| {
            user_groups_users::ActiveModel {
                user_id: Set(user),
                user_group_id: Set(*g),
            }
        }))
        .exec(db)
        .await?;
    }
    touch_groups(db, removed.into_iter().chain(added).collect(), now).await
}

/// Deletes the user (passkeys, API keys, consents, claims and memberships cascade); the number
/// of rows gone.
pub async fn delete(db: &impl ConnectionTrait, id: Uuid) -> Result<u64, DbErr> {
    Ok(users::Entity::delete_by_id(id)
        .exec(db)
        .await?
        .rows_affected)
}
