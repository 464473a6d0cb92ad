//! Paginated lists: the query every list endpoint understands (`search`, `pagination[page]`,
//! `pagination[limit]`, `sort[column]`, `sort[direction]`, `filters[<field>]`, spelled as
//! Pocket ID does) and the `{data, pagination}` answer.

use super::{ClientError, get_json};
use crate::routes::guard::encode_uri_component;
use serde::{Deserialize, de::DeserializeOwned};

pub use pocket_shared::Pagination;
pub use pocket_shared::pagination::DEFAULT_PAGE_SIZE;

/// `sort[direction]`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SortDirection {
    /// `asc` (the server's default).
    #[default]
    Asc,
    /// `desc`.
    Desc,
}

impl SortDirection {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Asc => "asc",
            Self::Desc => "desc",
        }
    }

    /// The other direction.
    pub fn flipped(self) -> Self {
        match self {
            Self::Asc => Self::Desc,
            Self::Desc => Self::Asc,
        }
    }
}

/// `sort[column]` and `sort[direction]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sort {
    /// The API's column name (e.g. `username`, `createdAt`).
    pub column: String,
    /// Ascending or descending.
    pub direction: SortDirection,
}

impl Sort {
    /// Ascending by `column`.
    pub fn asc(column: &str) -> Self {
        Self {
            column: column.to_owned(),
            direction: SortDirection::Asc,
        }
    }

    /// Descending by `column`.
    pub fn desc(column: &str) -> Self {
        Self {
            column: column.to_owned(),
            direction: SortDirection::Desc,
        }
    }
}

/// What a list view asks the server for. Empty search and filter values are not sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    /// Free-text search (trimmed when sent).
    pub search: String,
    /// 1-based page.
    pub page: u64,
    /// Page size.
    pub limit: u64,
    /// Sort order; `None` leaves it to the server.
    pub sort: Option<Sort>,
    /// `filters[<field>]=<value>`, in order; a field may repeat.
    pub filters: Vec<(String, String)>,
}

impl Default for ListQuery {
    fn default() -> Self {
        Self {
            search: String::new(),
            page: 1,
            limit: DEFAULT_PAGE_SIZE,
            sort: None,
            filters: Vec::new(),
        }
    }
}

impl ListQuery {
    /// The first page of `limit` items, sorted by `sort`.
    pub fn new(limit: u64, sort: Option<Sort>) -> Self {
        Self {
            limit,
            sort,
            ..Self::default()
        }
    }

    /// The query string, starting with `?` (empty when there is nothing to send).
    pub fn to_query_string(&self) -> String {
        let mut params: Vec<(String, String)> = Vec::new();
        let search = self.search.trim();
        if !search.is_empty() {
            params.push(("search".into(), search.into()));
        }
        params.push(("pagination[page]".into(), self.page.max(1).to_string()));
        params.push(("pagination[limit]".into(), self.limit.max(1).to_string()));
        if let Some(sort) = &self.sort {
            params.push(("sort[column]".into(), sort.column.clone()));
            params.push(("sort[direction]".into(), sort.direction.as_str().into()));
        }
        for (field, value) in &self.filters {
            if !value.is_empty() {
                params.push((format!("filters[{field}]"), value.clone()));
            }
        }
        let joined: Vec<String> = params
            .iter()
            .map(|(k, v)| format!("{}={}", encode_key(k), encode_uri_component(v)))
            .collect();
        format!("?{}", joined.join("&"))
    }

    /// `base` with this query appended (`/api/users?search=…`).
    pub fn url(&self, base: &str) -> String {
        format!("{base}{}", self.to_query_string())
    }

    /// The value of `filters[field]` (the first one), if set.
    pub fn filter(&self, field: &str) -> Option<&str> {
        self.filters
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, v)| v.as_str())
    }

    /// Sets (or with an empty `value`, clears) `filters[field]`, back to page 1.
    pub fn set_filter(&mut self, field: &str, value: &str) {
        self.filters.retain(|(f, _)| f != field);
        if !value.is_empty() {
            self.filters.push((field.to_owned(), value.to_owned()));
        }
        self.page = 1;
    }

    /// Sorts by `column`: ascending first, the other direction when it already sorts by it;
    /// back to page 1.
    pub fn toggle_sort(&mut self, column: &str) {
        self.sort = Some(match &self.sort {
            Some(s) if s.column == column => Sort {
                column: column.to_owned(),
                direction: s.direction.flipped(),
            },
            _ => Sort::asc(column),
        });
        self.page = 1;
    }
}

/// Keeps the brackets of `pagination[page]` readable; the rest as `encodeURIComponent`.
fn encode_key(key: &str) -> String {
    encode_uri_component(key)
        .replace("%5B", "[")
        .replace("%5D", "]")
}

/// A page of a list: `{ data: [...], pagination: {...} }`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(bound(deserialize = "T: DeserializeOwned"))]
pub struct ListResponse<T> {
    /// The items of this page.
    pub data: Vec<T>,
    /// Where the page sits.
    pub pagination: Pagination,
}

/// `GET base?<query>`, decoded as a page of `T`.
pub async fn fetch_list<T: DeserializeOwned>(
    base: &str,
    query: &ListQuery,
) -> Result<ListResponse<T>, ClientError> {
    get_json(&query.url(base)).await
}

/// Every item of a list (page after page of 100), for pickers such as "all groups". Stops
/// after `max_pages` pages.
pub async fn fetch_all<T: DeserializeOwned>(
    base: &str,
    sort: Option<Sort>,
    max_pages: u64,
) -> Result<Vec<T>, ClientError> {
    let mut query = ListQuery::new(pocket_shared::pagination::MAX_PAGE_SIZE, sort);
    let mut items = Vec::new();
    loop {
        let page: ListResponse<T> = fetch_list(base, &query).await?;
        items.extend(page.data);
        if query.page >= page.pagination.total_pages || query.page >= max_pages {
            return Ok(items);
        }
        query.page += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_query_sends_only_the_page() {
        assert_eq!(
            ListQuery::default().to_query_string(),
            "?pagination[page]=1&pagination[limit]=20"
        );
    }

    #[test]
    fn every_part_is_spelled_like_pocket_id_and_encoded() {
        let mut q = ListQuery::new(50, Some(Sort::desc("createdAt")));
        q.search = "  ada l&x=1 ".into();
        q.page = 3;
        q.set_filter("isAdmin", "true");
        q.set_filter("disabled", "");
        q.page = 3;
        assert_eq!(
            q.url("/api/users"),
            "/api/users?search=ada%20l%26x%3D1&pagination[page]=3&pagination[limit]=50\
             &sort[column]=createdAt&sort[direction]=desc&filters[isAdmin]=true"
        );
    }

    #[test]
    fn filters_are_replaced_cleared_and_reset_the_page() {
        let mut q = ListQuery {
            page: 4,
            ..ListQuery::default()
        };
        q.set_filter("isAdmin", "true");
        assert_eq!(q.page, 1);
        q.set_filter("isAdmin", "false");
        assert_eq!(q.filter("isAdmin"), Some("false"));
        assert_eq!(q.filters.len(), 1);
        q.set_filter("isAdmin", "");
        assert_eq!(q.filter("isAdmin"), None);
    }

    #[test]
    fn sorting_toggles_direction_on_the_same_column() {
        let mut q = ListQuery {
            page: 2,
            ..ListQuery::default()
        };
        q.toggle_sort("username");
        assert_eq!(q.sort, Some(Sort::asc("username")));
        assert_eq!(q.page, 1);
        q.toggle_sort("username");
        assert_eq!(q.sort, Some(Sort::desc("username")));
        q.toggle_sort("email");
        assert_eq!(q.sort, Some(Sort::asc("email")));
    }

    #[test]
    fn list_answers_decode() {
        let body = r#"{"data":[{"key":"a","value":"1"}],
            "pagination":{"totalPages":1,"totalItems":1,"currentPage":1,"itemsPerPage":20}}"#;
        let page: ListResponse<pocket_shared::user::CustomClaimDto> =
            serde_json::from_str(body).unwrap();
        assert_eq!(page.data[0].key, "a");
        assert_eq!(page.pagination.total_items, 1);
    }
}
