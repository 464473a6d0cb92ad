//! "My Apps" and consents: listing (search, filters, sort, pages) and revoking a consent,
//! which also ends every token the user holds for that client.

use super::repo;
use crate::db::entities::{oidc_clients, user_authorized_oidc_clients as consents};
use crate::error::AppError;
use crate::features::oidc::clients::service::meta_dto;
use crate::features::oidc::store;
use crate::list::ListParams;
use chrono::{DateTime, Utc};
use pocket_shared::oidc_client::{
    AccessibleOidcClientDto, AccessibleOidcClientListResponse, AuthorizedOidcClientDto,
    AuthorizedOidcClientListResponse,
};
use sea_orm::{ConnectionTrait, Order, TransactionSession, TransactionTrait};
use std::cmp::Ordering;
use std::collections::HashMap;
use uuid::Uuid;

/// Sort columns of both lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortColumn {
    Name,
    LastUsedAt,
}

const SORT_COLUMNS: &[(&str, SortColumn)] = &[
    ("name", SortColumn::Name),
    ("lastUsedAt", SortColumn::LastUsedAt),
];

fn display_name(c: &oidc_clients::Model) -> String {
    c.name.clone().unwrap_or_else(|| c.id.clone())
}

fn matches_search(c: &oidc_clients::Model, search: Option<&str>) -> bool {
    search.is_none_or(|s| display_name(c).to_lowercase().contains(&s.to_lowercase()))
}

/// Orders by the column, missing `lastUsedAt` last in both directions (as Pocket ID's
/// `NULLS LAST`), ties by name then id so pages never overlap.
fn compare(
    column: SortColumn,
    order: &Order,
    a: (&oidc_clients::Model, Option<DateTime<Utc>>),
    b: (&oidc_clients::Model, Option<DateTime<Utc>>),
) -> Ordering {
    let directed = |o: Ordering| {
        if *order == Order::Desc {
            o.reverse()
        } else {
            o
        }
    };
    let by_name = || {
        display_name(a.0)
            .to_lowercase()
            .cmp(&display_name(b.0).to_lowercase())
            .then_with(|| a.0.id.cmp(&b.0.id))
    };
    match column {
        SortColumn::Name => directed(by_name()),
        SortColumn::LastUsedAt => match (a.1, b.1) {
            (Some(x), Some(y)) => directed(x.cmp(&y)).then_with(by_name),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => by_name(),
        },
    }
}

/// The list's order: as asked, else `default` (descending for `lastUsedAt`: recent first).
fn sort_of(params: &ListParams, default: SortColumn) -> Result<(SortColumn, Order), AppError> {
    if params.sort_column.is_none() && params.sort_direction.is_none() {
        let order = match default {
            SortColumn::LastUsedAt => Order::Desc,
            SortColumn::Name => Order::Asc,
        };
        return Ok((default, order));
    }
    params.sort(SORT_COLUMNS, default)
}

/// "My Apps": the clients `user` may use, with when they last used each. Filter
/// `filters[hasLaunchURL]`; sort `name` (default) or `lastUsedAt`. Sorted and paged in memory:
/// the list is bounded by the number of clients and needs the per-user consent time.
pub async fn list_accessible(
    db: &impl ConnectionTrait,
    user: Uuid,
    params: &ListParams,
) -> Result<AccessibleOidcClientListResponse, AppError> {
    let (column, order) = sort_of(params, SortColumn::Name)?;
    let has_launch_url = params.bool_filter("hasLaunchURL")?;
    let used: HashMap<String, DateTime<Utc>> = repo::find_consents(db, user)
        .await?
        .into_iter()
        .map(|(consent, c)| (c.id, consent.last_used_at))
        .collect();
    let mut rows: Vec<(oidc_clients::Model, Option<DateTime<Utc>>)> =
        repo::find_accessible(db, user)
            .await?
            .into_iter()
            .filter(|c| matches_search(c, params.search.as_deref()))
            .filter(|c| {
                let launchable = c
                    .launch_url
                    .as_deref()
                    .is_some_and(|u| !u.trim().is_empty());
                has_launch_url.is_none_or(|want| want == launchable)
            })
            .map(|c| {
                let at = used.get(&c.id).copied();
                (c, at)
            })
            .collect();
    rows.sort_by(|a, b| compare(column, &order, (&a.0, a.1), (&b.0, b.1)));
    let pagination = params.pagination(rows.len() as u64);
    let data = rows
        .iter()
        .skip(pagination.offset() as usize)
        .take(pagination.items_per_page as usize)
        .map(|(c, at)| AccessibleOidcClientDto {
            client: meta_dto(c),
            last_used_at: at.map(|t| t.to_rfc3339()),
        })
        .collect();
    Ok(AccessibleOidcClientListResponse { data, pagination })
}

fn scope_text(consent: &consents::Model) -> String {
    serde_json::from_value::<Vec<String>>(consent.scope.clone())
        .unwrap_or_default()
        .join(" ")
}

/// The consents `user` gave, searchable by client name; sort `lastUsedAt` (default, most
/// recent first) or `name`.
pub async fn list_authorized(
    db: &impl ConnectionTrait,
    user: Uuid,
    params: &ListParams,
) -> Result<AuthorizedOidcClientListResponse, AppError> {
    let (column, order) = sort_of(params, SortColumn::LastUsedAt)?;
    let mut rows: Vec<(consents::Model, oidc_clients::Model)> = repo::find_consents(db, user)
        .await?
        .into_iter()
        .filter(|(_, c)| matches_search(c, params.search.as_deref()))
        .collect();
    rows.sort_by(|a, b| {
        compare(
            column,
            &order,
            (&a.1, Some(a.0.last_used_at)),
            (&b.1, Some(b.0.last_used_at)),
        )
    });
    let pagination = params.pagination(rows.len() as u64);
    let data = rows
        .iter()
        .skip(pagination.offset() as usize)
        .take(pagination.items_per_page as usize)
        .map(|(consent, c)| AuthorizedOidcClientDto {
            scope: scope_text(consent),
            client: meta_dto(c),
            last_used_at: consent.last_used_at.to_rfc3339(),
        })
        .collect();
    Ok(AuthorizedOidcClientListResponse { data, pagination })
}

/// Revokes `user`'s consent for `client` and, in the same transaction, every grant family
/// with a live token of theirs at that client: refresh tokens are deactivated (a later use is
/// refused) and access and ID token records deleted (userinfo and introspection refuse them;
/// resource servers checking the JWT offline accept it until it expires).
pub async fn revoke(db: &impl TransactionTrait, user: Uuid, client: &str) -> Result<u64, AppError> {
    let txn = db.begin().await?;
    if !repo::delete_consent(&txn, user, client).await? {
        return Err(AppError::NotFound("Authorized client"));
    }
    let mut revoked = 0;
    for family in repo::find_live_families(&txn, user, client).await? {
        revoked += store::revoke_family(&txn, &crate::db::WriteGate::open(), &family).await?;
    }
    txn.commit().await?;
    Ok(revoked)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(id: &str, name: &str) -> oidc_clients::Model {
        oidc_clients::Model {
            name: Some(name.into()),
            ..oidc_clients::Model::example(id)
        }
    }

    #[test]
    fn never_used_clients_sort_last_either_way() {
        let t = |s| DateTime::from_timestamp(s, 0);
        let (a, b, c, d) = (
            client("a", "Alpha"),
            client("b", "beta"),
            client("c", "Gamma"),
            client("d", "delta"),
        );
        let mut rows = vec![(&a, None), (&b, t(20)), (&c, t(10)), (&d, None)];
        let names = |rows: &[(&oidc_clients::Model, Option<DateTime<Utc>>)]| {
            rows.iter().map(|r| r.0.id.as_str()).collect::<String>()
        };
        rows.sort_by(|x, y| compare(SortColumn::LastUsedAt, &Order::Desc, *x, *y));
        assert_eq!(names(&rows), "bcad");
        rows.sort_by(|x, y| compare(SortColumn::LastUsedAt, &Order::Asc, *x, *y));
        assert_eq!(names(&rows), "cbad");
        rows.sort_by(|x, y| compare(SortColumn::Name, &Order::Desc, *x, *y));
        assert_eq!(names(&rows), "cdba");
    }

    #[test]
    fn default_orders() {
        let p = ListParams::default();
        assert_eq!(
            sort_of(&p, SortColumn::LastUsedAt).unwrap(),
            (SortColumn::LastUsedAt, Order::Desc)
        );
        assert_eq!(
            sort_of(&p, SortColumn::Name).unwrap(),
            (SortColumn::Name, Order::Asc)
        );
        let p = ListParams::parse("sort[column]=lastUsedAt").unwrap();
        assert_eq!(
            sort_of(&p, SortColumn::Name).unwrap(),
            (SortColumn::LastUsedAt, Order::Asc)
        );
        let p = ListParams::parse("sort[column]=secret").unwrap();
        assert!(sort_of(&p, SortColumn::Name).is_err());
    }
}
