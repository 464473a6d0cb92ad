//! The admin list pages (users, groups, OIDC clients, APIs, API keys): the page header with
//! its "Add …" button, the create form it opens, and the card holding the [`DataTable`].

use crate::api::{
    ClientError,
    list::{ListQuery, ListResponse, Sort},
};
use crate::components::table::{Column, DataTable, FilterSelect, TableReload};
use crate::state::use_session;
use leptos::prelude::*;
use std::future::Future;

/// A page's `<h1>` and its "Add …" button, which opens `creating`: a dialog (the button sets
/// it), or with `toggles` an inline form (the button says "Cancel" while it is open).
#[component]
pub fn PageHeader(
    /// `data-testid` of the `<h1>`.
    title_testid: String,
    /// The heading.
    title: &'static str,
    /// `data-testid` of the button.
    add_testid: &'static str,
    /// The button's text.
    add_label: &'static str,
    /// Whether the create form is open.
    creating: RwSignal<bool>,
    /// The button opens and closes an inline form rather than a dialog.
    #[prop(optional)]
    toggles: bool,
) -> impl IntoView {
    let button = if toggles {
        view! {
            <button
                type="button"
                class="button button--primary"
                data-testid=add_testid
                aria-expanded=move || creating.get().to_string()
                on:click=move |_| creating.update(|c| *c = !*c)
            >
                {move || if creating.get() { "Cancel" } else { add_label }}
            </button>
        }
        .into_any()
    } else {
        view! {
            <button
                type="button"
                class="button button--primary"
                data-testid=add_testid
                on:click=move |_| creating.set(true)
            >
                {add_label}
            </button>
        }
        .into_any()
    };
    view! {
        <div class="page-header">
            <h1 data-testid=title_testid>{title}</h1>
            {button}
        </div>
    }
}

/// A list page: `{testid}-page` with the [`PageHeader`] (`{testid}-title`), the create form
/// (`form`, shown while `creating`; above the list when it `toggles`, else a dialog after it),
/// the card titled `list_title` with the table, then `children` (more dialogs).
#[component]
pub fn ListPage<T, F, Fut>(
    /// Prefix of the page's test ids.
    testid: &'static str,
    /// The page's heading.
    title: &'static str,
    /// `data-testid` of the "Add …" button.
    add_testid: &'static str,
    /// Its text.
    add_label: &'static str,
    /// Whether the create form is open.
    creating: RwSignal<bool>,
    /// The create form is inline (see [`PageHeader`]).
    #[prop(optional)]
    toggles: bool,
    /// The create form.
    #[prop(into)]
    form: ViewFn,
    /// The list card's heading.
    list_title: &'static str,
    /// The explanation under it.
    #[prop(optional)]
    hint: Option<&'static str>,
    /// `data-testid` prefix of the table.
    table_testid: &'static str,
    /// The table's accessible name.
    label: &'static str,
    /// The columns.
    columns: Vec<Column<T>>,
    /// Loads a page.
    fetch: F,
    /// A stable id per row.
    row_key: fn(&T) -> String,
    /// The first sort.
    default_sort: Sort,
    /// Filter drop-downs.
    #[prop(optional)]
    filters: Vec<FilterSelect>,
    /// Shows the search box (default true).
    #[prop(default = true)]
    searchable: bool,
    /// Shown when there is nothing yet.
    empty_text: &'static str,
    /// Shown when a search matches nothing.
    #[prop(default = "Nothing matches your search.")]
    no_match_text: &'static str,
    /// Lets the page reload the table.
    #[prop(optional)]
    reload: Option<TableReload>,
    /// More content (dialogs).
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    F: Fn(ListQuery) -> Fut + 'static,
    Fut: Future<Output = Result<ListResponse<T>, ClientError>> + 'static,
{
    let session = use_session();
    let on_error = Callback::new(move |e: ClientError| session.check_error(&e));
    let form = StoredValue::new(form);
    let create =
        move || view! { <Show when=move || creating.get()>{form.get_value().run()}</Show> };
    let reload = reload.unwrap_or_default();
    view! {
        <div class="stack" data-testid=format!("{testid}-page")>
            <PageHeader
                title_testid=format!("{testid}-title")
                title
                add_testid
                add_label
                creating
                toggles
            />
            {toggles.then(create)}
            <section class="card" aria-labelledby=format!("{testid}-list-title")>
                <h2 id=format!("{testid}-list-title") class="card__title">
                    {list_title}
                </h2>
                {hint.map(|hint| view! { <p class="hint">{hint}</p> })}
                <DataTable
                    testid=table_testid
                    label
                    columns
                    fetch
                    row_key
                    default_sort
                    filters
                    searchable
                    empty_text
                    no_match_text
                    reload
                    on_error
                />
            </section>
            {(!toggles).then(create)}
            {children.map(|children| children())}
        </div>
    }
}
