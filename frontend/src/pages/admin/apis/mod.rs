//! `/settings/admin/apis` (the OAuth API list with search, sorting and pages, and "Add API")
//! and `/settings/admin/apis/:id` (one API: name, permissions, client grants).

mod clients;
mod detail;
mod permissions;

pub use detail::ApiPage;

use crate::api::{
    self,
    list::{ListQuery, Sort},
};
use crate::components::datetime::format_date;
use crate::components::{
    card::Card,
    form::{FieldErrors, FormError, FormErrors, PendingButton, TextField, rule_errors},
    list::ListPage,
    table::Column,
};
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
    view! {
        <ListPage
            testid="apis"
            title="OAuth APIs"
            add_testid="api-add"
            add_label="Add API"
            creating
            toggles=true
            form=|| view! { <CreateApiCard /> }
            list_title="APIs"
            hint="An API is a resource server. Clients ask for its token with resource=<its URI>; the token's audience is that URI and its scopes are the permissions the client was granted."
            table_testid="apis-table"
            label="OAuth APIs"
            columns
            fetch=|q: ListQuery| async move { api::apis::list(&q).await }
            row_key=|a: &ApiDto| a.id.clone()
            default_sort=Sort::asc("name")
            empty_text="No API yet. Add one to issue access tokens for your own services."
        />
    }
}

/// "Add API": name and resource; opens the new API's page once created.
#[component]
fn CreateApiCard() -> impl IntoView {
    let navigate = use_navigate();
    let name = RwSignal::new(String::new());
    let resource = RwSignal::new(String::new());
    let errors = FormErrors::new();
    let create = Action::new_local(|request: &ApiCreateRequest| {
        let request = request.clone();
        async move { api::apis::create(&request).await }
    });
    errors.settle(create, label, move |created| {
        navigate(&api_href(&created.id), NavigateOptions::default())
    });
    let submit = errors.submit(create, move || {
        build_create(&name.get_untracked(), &resource.get_untracked())
    });
    let pending = create.pending();
    view! {
        <Card title="Add API" testid="api-create" title_id="api-create-title">
            <form class="form" novalidate on:submit=submit>
                <TextField id="api-create-name" label="Name" value=name error=errors.field("name") />
                <TextField
                    id="api-create-resource"
                    label="Resource"
                    value=resource
                    error=errors.field("resource")
                    input_type="url"
                />
                <p class="hint">
                    "An absolute URI such as https://api.example.com. It cannot be changed later: tokens name it as their audience."
                </p>
                <FormError error=errors.form testid="api-create-error" />
                <div class="actions">
                    <PendingButton
                        testid="api-create-submit"
                        label="Create API"
                        busy="Creating…"
                        pending
                    />
                </div>
            </form>
        </Card>
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
