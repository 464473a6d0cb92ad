//! `DataTable`: a server-side paginated list. The table owns a [`ListQuery`] (search, sort,
//! page, page size, filters), asks `fetch` for the matching page whenever it changes and renders
//! the rows through the [`Column`]s it was given.
//!
//! What it shows:
//! - a search box (debounced by [`SEARCH_DEBOUNCE_MS`], resets to page 1; hide it with
//!   `searchable=false`),
//! - optional filter selects ([`FilterSelect`], sent as `filters[<key>]`; "All" sends nothing),
//! - sortable column headers (click toggles `sort[column]`/`sort[direction]`; the header carries
//!   `aria-sort`),
//! - the loading state (first load: "Loading…"; later loads keep the rows and mark the table
//!   busy), the empty state (`empty_text`), and the error state (the error and "Try again"),
//! - pagination controls: item count, previous/next, "Page x of y", page size select.
//!
//! Usage (see `pages/admin/users/list.rs`):
//! ```ignore
//! let reload = TableReload::new();
//! let columns = vec![
//!     Column::new("Username", |u: &UserDto| view! { <span>{u.username.clone()}</span> }.into_any())
//!         .sortable("username"),
//!     Column::new("Actions", move |u: &UserDto| { /* buttons */ }.into_any()).actions(),
//! ];
//! view! {
//!     <DataTable
//!         testid="users-table"
//!         label="Users"
//!         columns
//!         fetch=|q: ListQuery| async move { api::admin_users::list(&q).await }
//!         row_key=|u: &UserDto| u.id.clone()
//!         default_sort=Sort::asc("username")
//!         filters=vec![FilterSelect::boolean("isAdmin", "Role", "Admins", "Non-admins")]
//!         reload
//!     />
//! }
//! ```
//! Test ids (prefix = `testid`): `{p}` (the wrapper), `{p}-search`, `{p}-filter-<key>`,
//! `{p}-sort-<column>`, `{p}-row` (each `<tr>`, with `data-row-id`), `{p}-empty`, `{p}-error`,
//! `{p}-retry`, `{p}-count`, `{p}-page`, `{p}-prev`, `{p}-next`, `{p}-limit`.

use crate::api::ClientError;
use crate::api::list::{ListQuery, ListResponse, Sort, SortDirection};
use crate::components::loading::Loading;
use leptos::prelude::*;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

/// How long the search box waits after the last keystroke before asking the server.
pub const SEARCH_DEBOUNCE_MS: u64 = 300;

/// The page sizes offered.
pub const PAGE_SIZES: [u64; 4] = [10, 20, 50, 100];

/// Renders one cell of a row.
pub type CellRenderer<T> = Arc<dyn Fn(&T) -> AnyView + Send + Sync>;

/// One column: its header, whether (and by which API column) it sorts, and how a cell looks.
pub struct Column<T> {
    /// The header text.
    pub label: &'static str,
    /// The API's `sort[column]` value; `None` for a column that does not sort.
    pub sort_key: Option<&'static str>,
    /// Renders the cell of a row.
    pub render: CellRenderer<T>,
    /// Extra class of the header and cells (`table__actions` for row actions).
    pub class: &'static str,
    /// Hides the header text visually (still read by screen readers), e.g. for actions.
    pub hide_label: bool,
}

impl<T> Clone for Column<T> {
    fn clone(&self) -> Self {
        Self {
            label: self.label,
            sort_key: self.sort_key,
            render: Arc::clone(&self.render),
            class: self.class,
            hide_label: self.hide_label,
        }
    }
}

impl<T> Column<T> {
    /// A column headed `label` whose cells `render` draws.
    pub fn new(
        label: &'static str,
        render: impl Fn(&T) -> AnyView + Send + Sync + 'static,
    ) -> Self {
        Self {
            label,
            sort_key: None,
            render: Arc::new(render),
            class: "",
            hide_label: false,
        }
    }

    /// Makes the header a sort button for the API column `key`.
    pub fn sortable(mut self, key: &'static str) -> Self {
        self.sort_key = Some(key);
        self
    }

    /// The row-actions column: right-aligned, header text for screen readers only.
    pub fn actions(mut self) -> Self {
        self.class = "table__actions";
        self.hide_label = true;
        self
    }
}

/// A filter drop-down above the table: `filters[<key>]=<value>`; the first entry "All" sends
/// nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterSelect {
    /// The API field (`filters[<key>]`).
    pub key: &'static str,
    /// The visible label.
    pub label: &'static str,
    /// `(value, text)` pairs after "All".
    pub options: Vec<(&'static str, &'static str)>,
}

impl FilterSelect {
    /// A yes/no filter: `true` shows `yes`, `false` shows `no`.
    pub fn boolean(
        key: &'static str,
        label: &'static str,
        yes: &'static str,
        no: &'static str,
    ) -> Self {
        Self {
            key,
            label,
            options: vec![("true", yes), ("false", no)],
        }
    }
}

/// Lets the page that owns a table load the current page again (after a create or delete).
#[derive(Debug, Clone, Copy)]
pub struct TableReload(RwSignal<u64>);

impl TableReload {
    /// A new handle; pass it to the table's `reload` prop.
    pub fn new() -> Self {
        Self(RwSignal::new(0))
    }

    /// Loads the table's current page again.
    pub fn reload(&self) {
        self.0.update(|v| *v = v.wrapping_add(1));
    }

    fn track(&self) {
        self.0.track();
    }
}

impl Default for TableReload {
    fn default() -> Self {
        Self::new()
    }
}

/// `aria-sort` of a header: how the current query sorts by `key`.
pub fn aria_sort(sort: Option<&Sort>, key: &str) -> &'static str {
    match sort {
        Some(s) if s.column == key => match s.direction {
            SortDirection::Asc => "ascending",
            SortDirection::Desc => "descending",
        },
        _ => "none",
    }
}

/// "1–20 of 45", "No items", "1 item".
pub fn range_text(page: u64, per_page: u64, total: u64) -> String {
    match total {
        0 => "No items".to_owned(),
        1 => "1 item".to_owned(),
        _ => {
            let first = (page.max(1) - 1) * per_page + 1;
            let last = (page.max(1) * per_page).min(total);
            format!("{first}–{last} of {total}")
        }
    }
}

/// The table. See the module documentation for what it shows and its test ids.
#[component]
pub fn DataTable<T, F, Fut>(
    /// Prefix of every `data-testid` inside (see the module documentation).
    testid: &'static str,
    /// The table's accessible name (also the search box's label: "Search <label>").
    label: &'static str,
    /// The columns, in order.
    columns: Vec<Column<T>>,
    /// Loads a page: called with the current query whenever it changes (or on reload).
    fetch: F,
    /// A stable id per row (`data-row-id` of the `<tr>`).
    row_key: fn(&T) -> String,
    /// The sort of the first load (e.g. `Sort::asc("username")`); `None` leaves it to the server.
    #[prop(optional, into)]
    default_sort: Option<Sort>,
    /// Filter drop-downs shown next to the search box.
    #[prop(optional)]
    filters: Vec<FilterSelect>,
    /// Filters applied from the start (`(key, value)`), e.g. a preset drop-down value.
    #[prop(optional)]
    initial_filters: Vec<(String, String)>,
    /// Shows the search box (default true).
    #[prop(default = true)]
    searchable: bool,
    /// The first page size (default 20; one of [`PAGE_SIZES`] is best).
    #[prop(default = crate::api::list::DEFAULT_PAGE_SIZE)]
    page_size: u64,
    /// Shown instead of rows when the page is empty.
    #[prop(default = "Nothing to show yet.")]
    empty_text: &'static str,
    /// Shown instead of rows when a search or filter matches nothing.
    #[prop(default = "Nothing matches your search.")]
    no_match_text: &'static str,
    /// Lets the owner reload the current page.
    #[prop(optional)]
    reload: Option<TableReload>,
    /// Called with every failed load (e.g. `session.check_error`).
    #[prop(optional)]
    on_error: Option<Callback<ClientError>>,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    F: Fn(ListQuery) -> Fut + 'static,
    Fut: Future<Output = Result<ListResponse<T>, ClientError>> + 'static,
{
    let mut initial = ListQuery::new(page_size, default_sort);
    for (key, value) in &initial_filters {
        initial.set_filter(key, value);
    }
    let query = RwSignal::new(initial);
    let reload = reload.unwrap_or_default();
    let page = LocalResource::new(move || {
        reload.track();
        fetch(query.get())
    });
    let busy = RwSignal::new(false);
    let columns = Arc::new(columns);
    let search_text = RwSignal::new(String::new());
    let pending_search = StoredValue::new(None::<TimeoutHandle>);

    let on_search = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        search_text.set(value.clone());
        if let Some(handle) = pending_search.get_value() {
            handle.clear();
        }
        let run = move || {
            query.update(|q| {
                if q.search != value {
                    q.search = value;
                    q.page = 1;
                }
            });
        };
        match set_timeout_with_handle(run, Duration::from_millis(SEARCH_DEBOUNCE_MS)) {
            Ok(handle) => pending_search.set_value(Some(handle)),
            Err(e) => leptos::logging::warn!("could not schedule the search: {e:?}"),
        }
    };
    on_cleanup(move || {
        if let Some(Some(handle)) = pending_search.try_get_value() {
            handle.clear();
        }
    });

    let filter_views = filters
        .into_iter()
        .map(|filter| {
            let key = filter.key;
            let id = format!("{testid}-filter-{key}");
            let options = filter
                .options
                .iter()
                .map(|(value, text)| {
                    let value = *value;
                    view! {
                        <option value=value selected=move || query.with(|q| q.filter(key) == Some(value))>
                            {*text}
                        </option>
                    }
                })
                .collect_view();
            view! {
                <div class="table-toolbar__filter">
                    <label class="field__label" for=id.clone()>
                        {filter.label}
                    </label>
                    <select
                        class="field__input"
                        id=id.clone()
                        data-testid=id
                        on:change=move |ev| {
                            let value = event_target_value(&ev);
                            query.update(|q| q.set_filter(key, &value));
                        }
                    >
                        <option value="" selected=move || query.with(|q| q.filter(key).is_none())>
                            "All"
                        </option>
                        {options}
                    </select>
                </div>
            }
        })
        .collect_view();

    let search_id = format!("{testid}-search");
    let header_columns = Arc::clone(&columns);
    let headers = move || {
        header_columns
            .iter()
            .map(|column| header_cell(testid, column, query))
            .collect_view()
    };
    let column_count = columns.len();
    let retry = move |_| page.refetch();

    let body = move || {
        let columns = Arc::clone(&columns);
        Suspend::new(async move {
            match page.await {
                Ok(list) => {
                    let filtered = query.with_untracked(|q| {
                        !q.search.trim().is_empty() || q.filters.iter().any(|(_, v)| !v.is_empty())
                    });
                    if list.data.is_empty() {
                        let text = if filtered { no_match_text } else { empty_text };
                        return view! {
                            <tr>
                                <td class="table__empty" colspan=column_count data-testid=format!("{testid}-empty")>
                                    {text}
                                </td>
                            </tr>
                        }
                        .into_any();
                    }
                    list.data
                        .iter()
                        .map(|row| {
                            let cells = columns
                                .iter()
                                .map(|column| {
                                    view! { <td class=column.class>{(column.render)(row)}</td> }
                                })
                                .collect_view();
                            view! {
                                <tr data-testid=format!("{testid}-row") data-row-id=row_key(row)>
                                    {cells}
                                </tr>
                            }
                        })
                        .collect_view()
                        .into_any()
                }
                Err(error) => {
                    if let Some(on_error) = on_error {
                        on_error.run(error.clone());
                    }
                    view! {
                        <tr>
                            <td class="table__error" colspan=column_count>
                                <div class="alert alert--error" role="alert" data-testid=format!("{testid}-error")>
                                    <p>{error.user_message()}</p>
                                    <button
                                        type="button"
                                        class="button button--small"
                                        data-testid=format!("{testid}-retry")
                                        on:click=retry
                                    >
                                        "Try again"
                                    </button>
                                </div>
                            </td>
                        </tr>
                    }
                    .into_any()
                }
            }
        })
    };

    // The last answer's pagination (kept while the next page loads).
    let pagination = Memo::new(
        move |previous: Option<&Option<crate::api::list::Pagination>>| match page.get() {
            Some(Ok(list)) => Some(list.pagination),
            _ => previous.copied().flatten(),
        },
    );
    let total_pages = move || pagination.get().map_or(1, |p| p.total_pages.max(1));
    let current_page = move || pagination.get().map_or(1, |p| p.current_page.max(1));
    // Named: a bare `>=` inside a view attribute would end the tag.
    let at_first = move || current_page() <= 1;
    let at_last = move || current_page() >= total_pages();

    view! {
        <div class="data-table" data-testid=testid>
            <div class="table-toolbar">
                {searchable
                    .then(|| {
                        view! {
                            <div class="table-toolbar__search">
                                <label class="visually-hidden" for=search_id.clone()>
                                    {format!("Search {label}")}
                                </label>
                                <input
                                    class="field__input"
                                    type="search"
                                    id=search_id.clone()
                                    data-testid=search_id.clone()
                                    placeholder="Search…"
                                    autocomplete="off"
                                    prop:value=move || search_text.get()
                                    on:input=on_search
                                />
                            </div>
                        }
                    })}
                {filter_views}
            </div>
            <div class="table-scroll">
                <table class="table" aria-label=label aria-busy=move || busy.get().to_string()>
                    <thead>
                        <tr>{headers}</tr>
                    </thead>
                    <tbody>
                        <Transition
                            fallback=move || {
                                view! {
                                    <tr>
                                        <td colspan=column_count>
                                            <Loading />
                                        </td>
                                    </tr>
                                }
                            }
                            set_pending=busy.write_only()
                        >
                            {body.clone()}
                        </Transition>
                    </tbody>
                </table>
            </div>
            <div class="table-pagination">
                <span class="table-pagination__count" data-testid=format!("{testid}-count")>
                    {move || {
                        pagination
                            .get()
                            .map(|p| range_text(p.current_page, p.items_per_page, p.total_items))
                    }}
                </span>
                <label class="table-pagination__limit">
                    "Per page "
                    <select
                        class="field__input"
                        data-testid=format!("{testid}-limit")
                        on:change=move |ev| {
                            if let Ok(limit) = event_target_value(&ev).parse::<u64>() {
                                query.update(|q| {
                                    q.limit = limit;
                                    q.page = 1;
                                });
                            }
                        }
                    >
                        {PAGE_SIZES
                            .iter()
                            .map(|size| {
                                let size = *size;
                                view! {
                                    <option value=size.to_string() selected=move || query.with(|q| q.limit == size)>
                                        {size.to_string()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
                <div class="table-pagination__pages">
                    <button
                        type="button"
                        class="button button--small"
                        data-testid=format!("{testid}-prev")
                        disabled=at_first
                        on:click=move |_| {
                            let to = current_page().saturating_sub(1).max(1);
                            query.update(|q| q.page = to);
                        }
                    >
                        "Previous"
                    </button>
                    <span data-testid=format!("{testid}-page")>
                        {move || format!("Page {} of {}", current_page(), total_pages())}
                    </span>
                    <button
                        type="button"
                        class="button button--small"
                        data-testid=format!("{testid}-next")
                        disabled=at_last
                        on:click=move |_| {
                            let to = (current_page() + 1).min(total_pages());
                            query.update(|q| q.page = to);
                        }
                    >
                        "Next"
                    </button>
                </div>
            </div>
        </div>
    }
}

/// A header cell: plain text, or a sort button with `aria-sort`.
fn header_cell<T>(testid: &'static str, column: &Column<T>, query: RwSignal<ListQuery>) -> AnyView {
    let class = column.class;
    let label = column.label;
    match column.sort_key {
        Some(key) => {
            let indicator = move || {
                query.with(|q| match &q.sort {
                    Some(s) if s.column == key => match s.direction {
                        SortDirection::Asc => " ▲",
                        SortDirection::Desc => " ▼",
                    },
                    _ => "",
                })
            };
            view! {
                <th class=class scope="col" aria-sort=move || query.with(|q| aria_sort(q.sort.as_ref(), key))>
                    <button
                        type="button"
                        class="table__sort"
                        data-testid=format!("{testid}-sort-{key}")
                        on:click=move |_| query.update(|q| q.toggle_sort(key))
                    >
                        {label}
                        <span aria-hidden="true">{indicator}</span>
                    </button>
                </th>
            }
            .into_any()
        }
        None if column.hide_label => view! {
            <th class=class scope="col">
                <span class="visually-hidden">{label}</span>
            </th>
        }
        .into_any(),
        None => view! {
            <th class=class scope="col">
                {label}
            </th>
        }
        .into_any(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aria_sort_follows_the_query() {
        assert_eq!(aria_sort(None, "username"), "none");
        assert_eq!(
            aria_sort(Some(&Sort::asc("username")), "username"),
            "ascending"
        );
        assert_eq!(
            aria_sort(Some(&Sort::desc("username")), "username"),
            "descending"
        );
        assert_eq!(aria_sort(Some(&Sort::desc("email")), "username"), "none");
    }

    #[test]
    fn the_range_names_the_items_on_the_page() {
        assert_eq!(range_text(1, 20, 0), "No items");
        assert_eq!(range_text(1, 20, 1), "1 item");
        assert_eq!(range_text(1, 20, 45), "1–20 of 45");
        assert_eq!(range_text(3, 20, 45), "41–45 of 45");
    }

    #[test]
    fn filters_and_columns_are_built_as_documented() {
        let f = FilterSelect::boolean("isAdmin", "Role", "Admins", "Users");
        assert_eq!(f.options, vec![("true", "Admins"), ("false", "Users")]);
        let c: Column<u32> = Column::new("Id", |n: &u32| n.to_string().into_any()).sortable("id");
        assert_eq!(c.sort_key, Some("id"));
        let a: Column<u32> = Column::new("Actions", |_: &u32| ().into_any()).actions();
        assert!(a.hide_label);
        assert_eq!(a.class, "table__actions");
    }
}
