//! Queries on `users` and what hangs off a user (groups, custom claims): lookups, the admin
//! list, membership changes and deletion.

use crate::db::entities::{custom_claims, user_groups, user_groups_users, users};
use crate::list::Slice;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Func, NullOrdering};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, DbErr, EntityTrait, Order, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Select, Set, Statement,
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

/// The user's groups, by name (one statement: the memberships are a subquery).
pub async fn find_groups(
    db: &impl ConnectionTrait,
    user: Uuid,
) -> Result<Vec<user_groups::Model>, DbErr> {
    user_groups::Entity::find()
        .filter(user_groups::Column::Id.in_subquery(group_ids_of(user)))
        .order_by_asc(user_groups::Column::Name)
        .all(db)
        .await
}

/// `SELECT user_group_id FROM user_groups_users WHERE user_id = <user>`.
fn group_ids_of(user: Uuid) -> sea_orm::sea_query::SelectStatement {
    sea_orm::sea_query::Query::select()
        .column(user_groups_users::Column::UserGroupId)
        .from(user_groups_users::Entity)
        .and_where(user_groups_users::Column::UserId.eq(user))
        .to_owned()
}

/// The user's custom claims.
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

/// The user's own custom claims and those of the user's groups, by key, in one statement.
pub async fn find_claims_with_groups(
    db: &impl ConnectionTrait,
    user: Uuid,
) -> Result<Vec<custom_claims::Model>, DbErr> {
    custom_claims::Entity::find()
        .filter(
            Condition::any()
                .add(custom_claims::Column::UserId.eq(user))
                .add(custom_claims::Column::UserGroupId.in_subquery(group_ids_of(user))),
        )
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
///
/// `dense`: many users match. SQLite then walks the sort index and keeps the matches (the
/// unary `+` stops it from looking each match up by rowid and sorting them all), which finds
/// a page of a 25 000-user match in a few milliseconds instead of ~70.
fn search_condition(backend: DbBackend, s: &str, dense: bool) -> Condition {
    if let Some(phrase) = fts_phrase(backend, s) {
        let sql = if dense {
            r#"+"users"."rowid" IN (SELECT rowid FROM "users_search" WHERE "users_search" MATCH ?)"#
        } else {
            r#""users"."rowid" IN (SELECT rowid FROM "users_search" WHERE "users_search" MATCH ?)"#
        };
        return Condition::all().add(Expr::cust_with_values(sql, [phrase]));
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

/// The FTS5 query for a search the SQLite trigram index can answer (three characters or
/// more): one phrase, its double quotes doubled, matched in any column.
fn fts_phrase(backend: DbBackend, s: &str) -> Option<String> {
    (backend == DbBackend::Sqlite && s.chars().count() >= 3)
        .then(|| format!("\"{}\"", s.replace('"', "\"\"")))
}

/// Matches above this many make a search "dense" (see [`search_condition`]).
const DENSE_MATCHES: u64 = 2_000;

fn matching(backend: DbBackend, f: &ListFilter, dense: bool) -> Select<users::Entity> {
    let mut q = users::Entity::find();
    if let Some(s) = f.search.as_deref() {
        q = q.filter(search_condition(backend, s, dense));
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
    let backend = db.get_database_backend();
    let only_search = f.email_verified.is_none() && f.is_admin.is_none() && f.disabled.is_none();
    if let (true, Some(phrase)) = (
        only_search,
        f.search.as_deref().and_then(|s| fts_phrase(backend, s)),
    ) {
        // Counted in the index alone, without visiting each matching user.
        let row = db
            .query_one_raw(Statement::from_sql_and_values(
                backend,
                r#"SELECT COUNT(*) AS "n" FROM "users_search" WHERE "users_search" MATCH ?"#,
                [phrase.into()],
            ))
            .await?;
        let n: i64 = match row {
            Some(r) => r.try_get("", "n")?,
            None => 0,
        };
        return Ok(u64::try_from(n).unwrap_or(0));
    }
    matching(backend, f, false).count(db).await
}

/// One page of the users matching `f` (`total` of them). Text columns sort case-insensitively;
/// ties are broken by username and id, the same way on both engines, so pages never overlap;
/// the default sort (first name) and the username sort are the `(lower(first_name),
/// lower(username), id)` and `(lower(username), id)` indexes read forwards or backwards.
pub async fn find_page(
    db: &impl ConnectionTrait,
    f: &ListFilter,
    total: u64,
    slice: Slice<SortColumn>,
) -> Result<Vec<users::Model>, DbErr> {
    // PostgreSQL misjudges how many users a trigram search keeps and would walk a sort index
    // past most of the table to fill a page (1.4 s for "Priya" at 1 000 000 users); with a
    // search it sorts the matches instead (`|| ''` makes the key an unindexed expression).
    let unindexed = db.get_database_backend() == DbBackend::Postgres && f.search.is_some();
    let lower = |col: &str| {
        if unindexed {
            Expr::cust(format!(r#"(LOWER("users"."{col}") || '')"#))
        } else {
            Expr::cust(format!(r#"LOWER("users"."{col}")"#))
        }
    };
    let q = matching(db.get_database_backend(), f, total > DENSE_MATCHES);
    let q = match slice.sort {
        // Usernames are unique (case-insensitively): the id alone breaks ties.
        SortColumn::Username => {
            return q
                .order_by(lower("username"), slice.order.clone())
                .order_by(users::Column::Id, slice.order)
                .offset(slice.offset)
                .limit(slice.limit)
                .all(db)
                .await;
        }
        // Users without one last on both engines (their defaults differ).
        SortColumn::Email => {
            q.order_by_with_nulls(lower("email"), slice.order.clone(), NullOrdering::Last)
        }
        SortColumn::FirstName => q.order_by(lower("first_name"), slice.order.clone()),
        SortColumn::LastName => q.order_by(lower("last_name"), slice.order.clone()),
        SortColumn::DisplayName => q.order_by(lower("display_name"), slice.order.clone()),
        SortColumn::Locale => q.order_by_with_nulls(
            users::Column::Locale,
            slice.order.clone(),
            NullOrdering::Last,
        ),
        SortColumn::IsAdmin => q.order_by(users::Column::IsAdmin, slice.order.clone()),
        SortColumn::EmailVerified => q.order_by(users::Column::EmailVerified, slice.order.clone()),
        SortColumn::Disabled => q.order_by(users::Column::Disabled, slice.order.clone()),
        SortColumn::CreatedAt => q.order_by(users::Column::CreatedAt, slice.order.clone()),
    };
    // The default sort (first name) breaks ties in its own direction, so its index serves
    // both directions; the others break ties alphabetically.
    let ties = if slice.sort == SortColumn::FirstName {
        slice.order
    } else {
        Order::Asc
    };
    q.order_by(lower("username"), ties.clone())
        .order_by(users::Column::Id, ties)
        .offset(slice.offset)
        .limit(slice.limit)
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
