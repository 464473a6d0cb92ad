//! Queries on `apis`, `api_permissions` and the client grants (`oidc_clients_allowed_apis`,
//! `oidc_clients_allowed_api_permissions`). Deleting an API or a permission cascades to its
//! grants (foreign keys on both engines).

use crate::db::entities::{
    api_permissions as permissions, apis, oidc_clients,
    oidc_clients_allowed_api_permissions as granted_permissions,
    oidc_clients_allowed_apis as granted_apis,
};
use crate::list::Slice;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, DbErr, EntityTrait, JoinType, Order,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, RelationTrait, Select, Set,
};
use uuid::Uuid;

/// Who a grant is for: the user-delegated flows or the client itself (`subject_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// Authorization-code and device flows: the token acts for a user.
    User,
    /// Client credentials: the client acts for itself.
    Client,
}

impl Subject {
    /// The `subject_type` column value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::Client => "client",
        }
    }

    fn parse(v: &str) -> Option<Self> {
        match v {
            "user" => Some(Self::User),
            "client" => Some(Self::Client),
            _ => None,
        }
    }
}

/// The API with this id.
pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<apis::Model>, DbErr> {
    apis::Entity::find_by_id(id).one(db).await
}

/// The API whose audience (resource) is exactly `audience`.
pub async fn find_by_audience(
    db: &impl ConnectionTrait,
    audience: &str,
) -> Result<Option<apis::Model>, DbErr> {
    apis::Entity::find()
        .filter(apis::Column::Audience.eq(audience))
        .one(db)
        .await
}

/// Sets `updated_at` (also the first write of a transaction, so SQLite takes its write lock
/// before anything is read); false when the API does not exist.
pub async fn touch(
    db: &impl ConnectionTrait,
    id: Uuid,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<bool, DbErr> {
    Ok(apis::Entity::update_many()
        .col_expr(apis::Column::UpdatedAt, Expr::value(now))
        .filter(apis::Column::Id.eq(id))
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

/// Deletes the API (its permissions and every grant cascade); the number of rows gone.
pub async fn delete(db: &impl ConnectionTrait, id: Uuid) -> Result<u64, DbErr> {
    Ok(apis::Entity::delete_by_id(id).exec(db).await?.rows_affected)
}

/// The permissions of these APIs, by key.
pub async fn find_permissions(
    db: &impl ConnectionTrait,
    api_ids: Vec<Uuid>,
) -> Result<Vec<permissions::Model>, DbErr> {
    if api_ids.is_empty() {
        return Ok(Vec::new());
    }
    permissions::Entity::find()
        .filter(permissions::Column::ApiId.is_in(api_ids))
        .order_by_asc(permissions::Column::Key)
        .all(db)
        .await
}

/// Deletes these permissions (their grants cascade).
pub async fn delete_permissions(db: &impl ConnectionTrait, ids: Vec<Uuid>) -> Result<(), DbErr> {
    if ids.is_empty() {
        return Ok(());
    }
    permissions::Entity::delete_many()
        .filter(permissions::Column::Id.is_in(ids))
        .exec(db)
        .await?;
    Ok(())
}

/// Sets the name and description of a permission.
pub async fn update_permission(
    db: &impl ConnectionTrait,
    id: Uuid,
    name: &str,
    description: Option<&str>,
) -> Result<(), DbErr> {
    permissions::Entity::update_many()
        .col_expr(permissions::Column::Name, Expr::value(name))
        .col_expr(
            permissions::Column::Description,
            Expr::value(description.map(str::to_owned)),
        )
        .filter(permissions::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Inserts permissions.
pub async fn insert_permissions(
    db: &impl ConnectionTrait,
    rows: Vec<permissions::ActiveModel>,
) -> Result<(), DbErr> {
    if rows.is_empty() {
        return Ok(());
    }
    permissions::Entity::insert_many(rows).exec(db).await?;
    Ok(())
}

/// Marks exactly `selected` of the API's permissions as offered to metadata-document clients.
pub async fn set_cimd_permissions(
    db: &impl ConnectionTrait,
    api_id: Uuid,
    selected: Vec<Uuid>,
) -> Result<(), DbErr> {
    permissions::Entity::update_many()
        .col_expr(
            permissions::Column::AllowedForCimdClients,
            Expr::col(permissions::Column::Id).is_in(selected),
        )
        .filter(permissions::Column::ApiId.eq(api_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Sets the API's `allow_cimd_clients` flag.
pub async fn set_allow_cimd(
    db: &impl ConnectionTrait,
    api_id: Uuid,
    on: bool,
) -> Result<(), DbErr> {
    apis::Entity::update_many()
        .col_expr(apis::Column::AllowCimdClients, Expr::value(on))
        .filter(apis::Column::Id.eq(api_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Columns the API lists sort by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortColumn {
    Name,
    Resource,
    CreatedAt,
}

/// A list of APIs: `search` in the name or resource, optionally only those a client has no
/// grant on.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub search: Option<String>,
    /// Only APIs this client cannot reach yet.
    pub assignable_to: Option<String>,
}

fn matching(backend: DbBackend, f: &ListFilter) -> Select<apis::Entity> {
    let mut query = apis::Entity::find();
    if let Some(s) = &f.search {
        query = query.filter(
            Condition::any()
                .add(crate::list::contains_ci(backend, r#""apis"."name""#, s))
                .add(crate::list::contains_ci(backend, r#""apis"."audience""#, s)),
        );
    }
    if let Some(client) = &f.assignable_to {
        query = query.filter(
            apis::Column::Id.not_in_subquery(
                Query::select()
                    .column(granted_apis::Column::ApiId)
                    .from(granted_apis::Entity)
                    .and_where(granted_apis::Column::OidcClientId.eq(client.clone()))
                    .to_owned(),
            ),
        );
    }
    query
}

/// How many APIs match `f`.
pub async fn count(db: &impl ConnectionTrait, f: &ListFilter) -> Result<u64, DbErr> {
    matching(db.get_database_backend(), f).count(db).await
}

/// One page of the APIs matching `f`.
pub async fn find_page(
    db: &impl ConnectionTrait,
    f: &ListFilter,
    slice: Slice<SortColumn>,
) -> Result<Vec<apis::Model>, DbErr> {
    let name_ci = || Expr::cust(r#"LOWER("apis"."name")"#);
    let query = matching(db.get_database_backend(), f);
    let query = match slice.sort {
        SortColumn::Name => query.order_by(name_ci(), slice.order),
        SortColumn::Resource => query.order_by(apis::Column::Audience, slice.order),
        SortColumn::CreatedAt => query.order_by(apis::Column::CreatedAt, slice.order),
    };
    // Ties broken the same way on both engines, so pages never overlap.
    query
        .order_by(name_ci(), Order::Asc)
        .order_by(apis::Column::Id, Order::Asc)
        .offset(slice.offset)
        .limit(slice.limit)
        .all(db)
        .await
}

/// The APIs with these ids, by name.
pub async fn find_many(
    db: &impl ConnectionTrait,
    ids: Vec<Uuid>,
) -> Result<Vec<apis::Model>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    apis::Entity::find()
        .filter(apis::Column::Id.is_in(ids))
        .order_by(Expr::cust(r#"LOWER("apis"."name")"#), Order::Asc)
        .order_by(apis::Column::Id, Order::Asc)
        .all(db)
        .await
}

/// An access row: (client id, api id, subject).
pub type AccessRow = (String, Uuid, Subject);
/// A permission grant: (client id, api id, permission id, subject).
pub type PermissionRow = (String, Uuid, Uuid, Subject);

fn access_rows(rows: Vec<(String, Uuid, String)>) -> Vec<AccessRow> {
    rows.into_iter()
        .filter_map(|(c, a, s)| Subject::parse(&s).map(|s| (c, a, s)))
        .collect()
}

fn permission_rows(rows: Vec<(String, Uuid, Uuid, String)>) -> Vec<PermissionRow> {
    rows.into_iter()
        .filter_map(|(c, a, p, s)| Subject::parse(&s).map(|s| (c, a, p, s)))
        .collect()
}

/// Access rows of one API (`api`) or of one client (`client`).
pub async fn find_access(
    db: &impl ConnectionTrait,
    api: Option<Uuid>,
    client: Option<&str>,
) -> Result<Vec<AccessRow>, DbErr> {
    let mut q = granted_apis::Entity::find()
        .select_only()
        .column(granted_apis::Column::OidcClientId)
        .column(granted_apis::Column::ApiId)
        .column(granted_apis::Column::SubjectType);
    if let Some(a) = api {
        q = q.filter(granted_apis::Column::ApiId.eq(a));
    }
    if let Some(c) = client {
        q = q.filter(granted_apis::Column::OidcClientId.eq(c));
    }
    Ok(access_rows(q.into_tuple().all(db).await?))
}

/// Permission grants of one API (`api`) or of one client (`client`), with the API of each
/// permission.
pub async fn find_granted_permissions(
    db: &impl ConnectionTrait,
    api: Option<Uuid>,
    client: Option<&str>,
) -> Result<Vec<PermissionRow>, DbErr> {
    let mut q = granted_permissions::Entity::find()
        .select_only()
        .column(granted_permissions::Column::OidcClientId)
        .column(permissions::Column::ApiId)
        .column(granted_permissions::Column::ApiPermissionId)
        .column(granted_permissions::Column::SubjectType)
        .inner_join(permissions::Entity);
    if let Some(a) = api {
        q = q.filter(permissions::Column::ApiId.eq(a));
    }
    if let Some(c) = client {
        q = q.filter(granted_permissions::Column::OidcClientId.eq(c));
    }
    Ok(permission_rows(q.into_tuple().all(db).await?))
}

/// Removes every grant `client` holds on the API (access rows and the API's permissions).
pub async fn delete_grants(
    db: &impl ConnectionTrait,
    api: Uuid,
    client: &str,
) -> Result<(), DbErr> {
    granted_apis::Entity::delete_many()
        .filter(granted_apis::Column::ApiId.eq(api))
        .filter(granted_apis::Column::OidcClientId.eq(client))
        .exec(db)
        .await?;
    granted_permissions::Entity::delete_many()
        .filter(granted_permissions::Column::OidcClientId.eq(client))
        .filter(
            granted_permissions::Column::ApiPermissionId.in_subquery(
                Query::select()
                    .column(permissions::Column::Id)
                    .from(permissions::Entity)
                    .and_where(permissions::Column::ApiId.eq(api))
                    .to_owned(),
            ),
        )
        .exec(db)
        .await?;
    Ok(())
}

/// Inserts a client's grants on one API.
pub async fn insert_grants(
    db: &impl ConnectionTrait,
    api: Uuid,
    client: &str,
    access: &[Subject],
    permissions: &[(Uuid, Subject)],
) -> Result<(), DbErr> {
    if !access.is_empty() {
        granted_apis::Entity::insert_many(access.iter().map(|s| granted_apis::ActiveModel {
            oidc_client_id: Set(client.to_owned()),
            api_id: Set(api),
            subject_type: Set(s.as_str().to_owned()),
        }))
        .exec(db)
        .await?;
    }
    if !permissions.is_empty() {
        granted_permissions::Entity::insert_many(permissions.iter().map(|(p, s)| {
            granted_permissions::ActiveModel {
                oidc_client_id: Set(client.to_owned()),
                api_permission_id: Set(*p),
                subject_type: Set(s.as_str().to_owned()),
            }
        }))
        .exec(db)
        .await?;
    }
    Ok(())
}

/// A list of clients: those in `ids` (or, with `exclude_granted_on`, those without a grant on
/// that API), searched by name.
#[derive(Debug, Clone, Default)]
pub struct ClientFilter {
    pub search: Option<String>,
    pub ids: Option<Vec<String>>,
    pub exclude_granted_on: Option<Uuid>,
}

fn matching_clients(backend: DbBackend, f: &ClientFilter) -> Select<oidc_clients::Entity> {
    let mut q = oidc_clients::Entity::find();
    if let Some(s) = &f.search {
        q = q.filter(crate::list::contains_ci(
            backend,
            r#""oidc_clients"."name""#,
            s,
        ));
    }
    if let Some(ids) = &f.ids {
        q = q.filter(oidc_clients::Column::Id.is_in(ids.clone()));
    }
    if let Some(api) = f.exclude_granted_on {
        q = q.filter(
            oidc_clients::Column::Id.not_in_subquery(
                Query::select()
                    .column(granted_apis::Column::OidcClientId)
                    .from(granted_apis::Entity)
                    .and_where(granted_apis::Column::ApiId.eq(api))
                    .to_owned(),
            ),
        );
    }
    q
}

/// How many clients match `f`.
pub async fn count_clients(db: &impl ConnectionTrait, f: &ClientFilter) -> Result<u64, DbErr> {
    if f.ids.as_ref().is_some_and(Vec::is_empty) {
        return Ok(0);
    }
    matching_clients(db.get_database_backend(), f)
        .count(db)
        .await
}

/// One page of the clients matching `f`, by name.
pub async fn find_clients_page(
    db: &impl ConnectionTrait,
    f: &ClientFilter,
    slice: Slice<()>,
) -> Result<Vec<oidc_clients::Model>, DbErr> {
    if f.ids.as_ref().is_some_and(Vec::is_empty) {
        return Ok(Vec::new());
    }
    let name_ci = || Expr::cust(r#"LOWER(COALESCE("oidc_clients"."name", "oidc_clients"."id"))"#);
    matching_clients(db.get_database_backend(), f)
        .order_by(name_ci(), slice.order)
        .order_by(oidc_clients::Column::Id, Order::Asc)
        .offset(slice.offset)
        .limit(slice.limit)
        .all(db)
        .await
}

/// The keys of the API's permissions granted to `client` for `subject`.
pub async fn granted_keys(
    db: &impl ConnectionTrait,
    client: &str,
    api: Uuid,
    subject: Subject,
) -> Result<Vec<String>, DbErr> {
    permissions::Entity::find()
        .select_only()
        .column(permissions::Column::Key)
        .join(
            JoinType::InnerJoin,
            granted_permissions::Relation::ApiPermission.def().rev(),
        )
        .filter(permissions::Column::ApiId.eq(api))
        .filter(granted_permissions::Column::OidcClientId.eq(client))
        .filter(granted_permissions::Column::SubjectType.eq(subject.as_str()))
        .order_by_asc(permissions::Column::Key)
        .into_tuple()
        .all(db)
        .await
}

/// True when `client` may target the API for `subject` at all.
pub async fn has_access(
    db: &impl ConnectionTrait,
    client: &str,
    api: Uuid,
    subject: Subject,
) -> Result<bool, DbErr> {
    Ok(granted_apis::Entity::find()
        .filter(granted_apis::Column::ApiId.eq(api))
        .filter(granted_apis::Column::OidcClientId.eq(client))
        .filter(granted_apis::Column::SubjectType.eq(subject.as_str()))
        .count(db)
        .await?
        > 0)
}

/// Those of `keys` that are the key of a permission of some API.
pub async fn permission_keys_among(
    db: &impl ConnectionTrait,
    keys: Vec<String>,
) -> Result<Vec<String>, DbErr> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    permissions::Entity::find()
        .select_only()
        .column(permissions::Column::Key)
        .distinct()
        .filter(permissions::Column::Key.is_in(keys))
        .into_tuple()
        .all(db)
        .await
}

/// The permissions of the API with audience `audience` whose key is among `keys`.
pub async fn describe(
    db: &impl ConnectionTrait,
    audience: &str,
    keys: Vec<String>,
) -> Result<Vec<permissions::Model>, DbErr> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    permissions::Entity::find()
        .inner_join(apis::Entity)
        .filter(apis::Column::Audience.eq(audience))
        .filter(permissions::Column::Key.is_in(keys))
        .all(db)
        .await
}
