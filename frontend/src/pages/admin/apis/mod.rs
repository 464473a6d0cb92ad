//! `/settings/admin/apis` (the OAuth API list with search, sorting and pages, and "Add API")
//! and `/settings/admin/apis/:id` (one API: name, permissions, client grants).

mod clients;
mod detail;
mod permissions;

pub use detail::ApiPage;

use crate::api::{
    self, ClientError,
    list::{ListQuery, Sort},
};
use crate::components::datetime::format_date;
use crate::components::{
    form::{Alert, FieldErrors, TextField, Tone, api_field_errors, rule_errors},
    table::{Column, DataTable},
};
use crate::state::use_session;
use leptos::prelude::*;
use leptos_router::{NavigateOptions, hooks::use_navigate};
use pocket_shared::api_resource::{ApiCreateRequest, ApiDto, rules};

/// The link to an API's page.
pub fn api_href(id: &str) -> String {
    format!(
        "/settings/admin/apis/{}",
        crate::routes::guard::encode_uri_component(id)
    )
}

/// The label of each request field, for messages.
pub fn label(field: &str) -> String {
    match field {
        "name" => "Name",
        "resource" => "Resource",
        other => other,
    }
    .to_owned()
}

/// The create request from the form, and what the API's rules say about it.
pub fn build_create(name: &str, resource: &str) -> (ApiCreateRequest, FieldErrors) {
    let request = ApiCreateRequest {
        name: name.trim().to_owned(),
        resource: rules::normalize_resource(resource),
    };
    (
        request.clone(),
        rule_errors(rules::create_errors(&request), label),
    )
}

/// The API list page.
#[component]
pub fn ApisPage() -> impl IntoView {
    let session = use_session();
    let creating = RwSignal::new(false);
    let columns: Vec<Column<ApiDto>> = vec![
        Column::new("Name", |a: &ApiDto| {
            view! {
                <a href=api_href(&a.id) data-testid="api-link">
                    {a.name.clone()}
                </a>
            }
            .into_any()
        })
        .sortable("name"),
        Column::new("Resource", |a: &ApiDto| {
            view! { <code data-testid="api-resource">{a.resource.clone()}</code> }.into_any()
        })
        .sortable("resource"),
        Column::new("Permissions", |a: &ApiDto| {
            view! { <span data-testid="api-permission-count">{a.permissions.len()}</span> }
                .into_any()
        }),
        Column::new("Created", |a: &ApiDto| {
            format_date(&a.created_at).into_any()
        })
        .sortable("createdAt"),
    ];
    let on_error = Callback::new(move |e: ClientError| session.check_error(&e));
    view! {
        <div class="stack" data-testid="apis-page">
            <div class="page-header">
                <h1 data-testid="apis-title">"OAuth APIs"</h1>
                <button
                    type="button"
                    class="button button--primary"
                    data-testid="api-add"
                    aria-expanded=move || creating.get().to_string()
                    on:click=move |_| creating.update(|c| *c = !*c)
                >
                    {move || if creating.get() { "Cancel" } else { "Add API" }}
                </button>
            </div>
            <Show when=move || creating.get()>
                <CreateApiCard />
            </Show>
            <section class="card" aria-labelledby="apis-list-title">
                <h2 id="apis-list-title" class="card__title">
                    "APIs"
                </h2>
                <p class="hint">
                    "An API is a resource server. Clients ask for its token with resource=<its URI>; the token's audience is that URI and its scopes are the permissions the client was granted."
                </p>
                <DataTable
                    testid="apis-table"
                    label="OAuth APIs"
                    columns
                    fetch=|q: ListQuery| async move { api::apis::list(&q).await }
                    row_key=|a: &ApiDto| a.id.clone()
                    default_sort=Sort::asc("name")
                    empty_text="No API yet. Add one to issue access tokens for your own services."
                    on_error
                />
            </section>
        </div>
    }
}

/// "Add API": name and resource; opens the new API's page once created.
#[component]
fn CreateApiCard() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let name = RwSignal::new(String::new());
    let resource = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::new());
    let form_error = RwSignal::new(None::<String>);
    let create = Action::new_local(|request: &ApiCreateRequest| {
        let request = request.clone();
        async move { api::apis::create(&request).await }
    });
    Effect::new(move || match create.value().get() {
        Some(Ok(created)) => navigate(&api_href(&created.id), NavigateOptions::default()),
        Some(Err(e)) => {
            session.check_error(&e);
            let fields = api_field_errors(&e, label);
            if fields.is_empty() {
                form_error.set(Some(e.user_message()));
            } else {
                errors.set(fields);
            }
        }
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        form_error.set(None);
        let (request, found) = build_create(&name.get_untracked(), &resource.get_untracked());
        let ok = found.is_empty();
        errors.set(found);
        if ok {
            create.dispatch(request);
        }
    };
    let error_for =
        move |field: &'static str| Signal::derive(move || errors.with(|e| e.get(field).cloned()));
    let pending = create.pending();
    view! {
        <section class="card" aria-labelledby="api-create-title" data-testid="api-create">
            <h2 id="api-create-title" class="card__title">
                "Add API"
            </h2>
            <form class="form" novalidate on:submit=submit>
                <TextField id="api-create-name" label="Name" value=name error=error_for("name") />
                <TextField
                    id="api-create-resource"
                    label="Resource"
                    value=resource
                    error=error_for("resource")
                    input_type="url"
                />
                <p class="hint">
                    "An absolute URI such as https://api.example.com. It cannot be changed later: tokens name it as their audience."
                </p>
                {move || {
                    form_error
                        .get()
                        .map(|m| {
                            view! {
                                <Alert tone=Tone::Error testid="api-create-error">
                                    {m}
                                </Alert>
                            }
                        })
                }}
                <div class="actions">
                    <button
                        type="submit"
                        class="button button--primary"
                        data-testid="api-create-submit"
                        disabled=move || pending.get()
                    >
                        {move || if pending.get() { "Creating…" } else { "Create API" }}
                    </button>
                </div>
            </form>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_create_form_applies_the_api_rules() {
        let (request, errors) = build_create(" Orders ", " https://orders.example.com/ ");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(request.name, "Orders");
        assert_eq!(request.resource, "https://orders.example.com");
        let (_, errors) = build_create("", "orders");
        assert_eq!(errors["name"], "Name is required");
        assert!(errors["resource"].starts_with("Resource must be an absolute URI"));
    }

    #[test]
    fn api_links_encode_the_id() {
        assert_eq!(api_href("a b"), "/settings/admin/apis/a%20b");
    }
}
