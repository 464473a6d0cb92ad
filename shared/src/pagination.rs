//! Paginated lists: the `pagination` object every list endpoint returns, as in Pocket ID.

use serde::{Deserialize, Serialize};

/// Default page size of every list.
pub const DEFAULT_PAGE_SIZE: u64 = 20;
/// Largest page size a caller may ask for.
pub const MAX_PAGE_SIZE: u64 = 100;

/// Where a page sits in a paginated list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Pagination {
    /// At least 1 (an empty list has one empty page).
    pub total_pages: u64,
    pub total_items: u64,
    /// 1-based.
    pub current_page: u64,
    pub items_per_page: u64,
}

impl Pagination {
    /// The page actually served for `requested` (1-based; below 1 is page 1, past the end the
    /// last page) of `total` items in pages of `limit`.
    pub fn resolve(requested: Option<i64>, limit: Option<i64>, total: u64) -> Self {
        let limit = match limit {
            Some(l) if l >= 1 => (l as u64).min(MAX_PAGE_SIZE),
            _ => DEFAULT_PAGE_SIZE,
        };
        let total_pages = total.div_ceil(limit).max(1);
        let page = requested.filter(|p| *p >= 1).map_or(1, |p| p as u64);
        Self {
            total_pages,
            total_items: total,
            current_page: page.min(total_pages),
            items_per_page: limit,
        }
    }

    /// Rows to skip for this page.
    pub fn offset(&self) -> u64 {
        (self.current_page - 1) * self.items_per_page
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_clamped_and_sized() {
        let p = Pagination::resolve(Some(9), Some(10), 25);
        assert_eq!((p.current_page, p.total_pages, p.offset()), (3, 3, 20));
        let p = Pagination::resolve(Some(0), None, 0);
        assert_eq!(
            (p.current_page, p.total_pages, p.items_per_page),
            (1, 1, 20)
        );
        assert_eq!(Pagination::resolve(None, Some(1000), 5).items_per_page, 100);
        assert_eq!(Pagination::resolve(None, Some(-3), 5).items_per_page, 20);
    }
}
