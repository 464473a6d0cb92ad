//! The query of every paginated list, as Pocket ID spells it: `search`, `pagination[page]`,
//! `pagination[limit]`, `sort[column]`, `sort[direction]` and `filters[<field>]` (repeatable),
//! plus the helpers list queries share (sort parsing, case-insensitive LIKE on both engines).

use crate::error::AppError;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use pocket_shared::Pagination;
use sea_orm::sea_query::{Expr, SimpleExpr};
use sea_orm::{DbBackend, Order};
use std::collections::BTreeMap;

/// The part of a sorted list one request asks for: what a repository's `find_page` takes.
#[derive(Debug, Clone)]
pub struct Slice<C> {
    pub sort: C,
    pub order: Order,
    pub offset: u64,
    pub limit: u64,
}

/// A parsed list query. Unknown parameters are ignored, as Pocket ID does.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListParams {
    /// Trimmed; `None` when absent or blank.
    pub search: Option<String>,
    pub page: Option<i64>,
    pub limit: Option<i64>,
    pub sort_column: Option<String>,
    pub sort_direction: Option<String>,
    /// `filters[<field>]=<value>`, every value of a repeated field in order.
    pub filters: BTreeMap<String, Vec<String>>,
}

/// The documented parameters of [`ListParams`] (for OpenAPI; filters are listed per route).
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct ListQueryDoc {
    /// Free-text search (case-insensitive substring).
    pub search: Option<String>,
    /// 1-based page (default 1; past the end gives the last page).
    #[serde(rename = "pagination[page]")]
    #[param(rename = "pagination[page]")]
    pub page: Option<i64>,
    /// Page size (default 20, at most 100).
    #[serde(rename = "pagination[limit]")]
    #[param(rename = "pagination[limit]")]
    pub limit: Option<i64>,
    /// Column to sort by (see the route's description).
    #[serde(rename = "sort[column]")]
    #[param(rename = "sort[column]")]
    pub sort_column: Option<String>,
    /// `asc` (default) or `desc`.
    #[serde(rename = "sort[direction]")]
    #[param(rename = "sort[direction]")]
    pub sort_direction: Option<String>,
}

fn integer(field: &str, v: &str) -> Result<i64, AppError> {
    v.trim()
        .parse()
        .map_err(|_| AppError::field(field, "invalid_format", "must be an integer"))
}

impl ListParams {
    /// Parses a raw query string.
    pub fn parse(query: &str) -> Result<Self, AppError> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).map_err(|e| {
            AppError::field("query", "invalid_format", &format!("malformed query: {e}"))
        })?;
        let mut p = Self::default();
        for (k, v) in pairs {
            match k.as_str() {
                "search" => {
                    let s = v.trim();
                    p.search = (!s.is_empty()).then(|| s.to_owned());
                }
                "pagination[page]" => p.page = Some(integer(&k, &v)?),
                "pagination[limit]" => p.limit = Some(integer(&k, &v)?),
                "sort[column]" => {
                    p.sort_column = Some(v.trim().to_owned()).filter(|s| !s.is_empty())
                }
                "sort[direction]" => {
                    p.sort_direction = Some(v.trim().to_owned()).filter(|s| !s.is_empty())
                }
                _ => {
                    if let Some(field) =
                        k.strip_prefix("filters[").and_then(|r| r.strip_suffix(']'))
                    {
                        // `filters[x][]` (array style) counts as `filters[x]`.
                        let field = field.trim_end_matches("][");
                        p.filters.entry(field.to_owned()).or_default().push(v);
                    }
                }
            }
        }
        Ok(p)
    }

    /// The sort order: `asc` unless `desc` was asked for.
    pub fn order(&self) -> Result<Order, AppError> {
        match self
            .sort_direction
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            None | Some("asc") => Ok(Order::Asc),
            Some("desc") => Ok(Order::Desc),
            Some(_) => Err(AppError::field(
                "sort[direction]",
                "invalid_format",
                "must be asc or desc",
            )),
        }
    }

    /// The sort column among `allowed` (`(name, column)` pairs), `default` when none was given.
    pub fn sort<C: Copy>(&self, allowed: &[(&str, C)], default: C) -> Result<(C, Order), AppError> {
        let order = self.order()?;
        let Some(asked) = self.sort_column.as_deref() else {
            return Ok((default, order));
        };
        allowed
            .iter()
            .find(|(name, _)| *name == asked)
            .map(|(_, c)| (*c, order))
            .ok_or_else(|| {
                let names: Vec<&str> = allowed.iter().map(|(n, _)| *n).collect();
                AppError::field(
                    "sort[column]",
                    "invalid_format",
                    &format!("must be one of {}", names.join(", ")),
                )
            })
    }

    /// The single value of `filters[field]` (the last one when repeated).
    pub fn filter(&self, field: &str) -> Option<&str> {
        self.filters
            .get(field)
            .and_then(|v| v.last())
            .map(String::as_str)
            .filter(|v| !v.trim().is_empty())
    }

    /// `filters[field]` as a boolean (`true`/`false`); a clear error for anything else.
    pub fn bool_filter(&self, field: &str) -> Result<Option<bool>, AppError> {
        match self.filter(field).map(str::trim) {
            None => Ok(None),
            Some("true" | "1") => Ok(Some(true)),
            Some("false" | "0") => Ok(Some(false)),
            Some(_) => Err(AppError::field(
                &format!("filters[{field}]"),
                "invalid_format",
                "must be true or false",
            )),
        }
    }

    /// The page to serve of `total` items.
    pub fn pagination(&self, total: u64) -> Pagination {
        Pagination::resolve(self.page, self.limit, total)
    }

    /// The page to serve of `total` items, and the slice to fetch for it sorted by `sort`
    /// (from [`ListParams::sort`]).
    pub fn slice<C>(&self, total: u64, (sort, order): (C, Order)) -> (Pagination, Slice<C>) {
        let pagination = self.pagination(total);
        let slice = Slice {
            sort,
            order,
            offset: pagination.offset(),
            limit: pagination.items_per_page,
        };
        (pagination, slice)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ListParams {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        Self::parse(parts.uri.query().unwrap_or(""))
    }
}

/// `LOWER(<column_sql>) LIKE '%<search>%'` with LIKE wildcards in `search` taken literally:
/// case-insensitive on both engines (PostgreSQL's LIKE is case-sensitive). `column_sql` is a
/// trusted, quoted column reference such as `"users"."email"`.
pub fn contains_ci(backend: DbBackend, column_sql: &str, search: &str) -> SimpleExpr {
    let escaped = search
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    let placeholder = match backend {
        DbBackend::Postgres => "$1",
        _ => "?",
    };
    // The cast picks lower(text) among PostgreSQL's overloads.
    Expr::cust_with_values(
        format!(r#"LOWER({column_sql}) LIKE LOWER(CAST({placeholder} AS TEXT)) ESCAPE '\'"#),
        [format!("%{escaped}%")],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_pocket_id_list_queries() {
        let p = ListParams::parse(
            "search=%20Ann%20&pagination[page]=2&pagination%5Blimit%5D=5&sort[column]=email\
             &sort[direction]=DESC&filters[isAdmin]=true&filters[event]=SIGN_IN&filters[event]=TOKEN_SIGN_IN",
        )
        .unwrap();
        assert_eq!(p.search.as_deref(), Some("Ann"));
        assert_eq!((p.page, p.limit), (Some(2), Some(5)));
        assert_eq!(p.order().unwrap(), Order::Desc);
        assert_eq!(p.bool_filter("isAdmin").unwrap(), Some(true));
        assert_eq!(p.filters["event"], ["SIGN_IN", "TOKEN_SIGN_IN"]);
        assert_eq!(p.sort(&[("email", 1), ("username", 2)], 0).unwrap().0, 1);
    }

    #[test]
    fn refuses_bad_values_with_the_field_name() {
        let field = |e: AppError| match e {
            AppError::Validation(v) => v[0].field.clone(),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            field(ListParams::parse("pagination[page]=x").unwrap_err()),
            "pagination[page]"
        );
        let p = ListParams::parse("sort[column]=nope&filters[disabled]=maybe").unwrap();
        assert_eq!(
            field(p.sort(&[("email", 1)], 0).unwrap_err()),
            "sort[column]"
        );
        assert_eq!(
            field(p.bool_filter("disabled").unwrap_err()),
            "filters[disabled]"
        );
        let p = ListParams::parse("sort[direction]=up").unwrap();
        assert_eq!(field(p.order().unwrap_err()), "sort[direction]");
    }
}
