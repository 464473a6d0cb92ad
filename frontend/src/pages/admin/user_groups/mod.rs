//! `/settings/admin/user-groups` (the group list and "Add group") and
//! `/settings/admin/user-groups/:id` (names, members, custom claims, allowed OIDC clients).

mod detail;

pub use detail::UserGroupPage;

use crate::api::{
    self,
    list::{ListQuery, Sort},
};
use crate::components::datetime::format_date;
use crate::components::{
    dialog::Dialog,
    form::{DialogButtons, FieldErrors, FormError, FormErrors, TextField, rule_errors},
    list::ListPage,
    table::Column,
};
use leptos::prelude::*;
use leptos_router::{NavigateOptions, hooks::use_navigate};
use pocket_shared::user_group::{UserGroupCreateRequest, UserGroupWithUserCountDto, rules};

/// The link to a group's page.
pub fn group_href(id: &str) -> String {
    format!(
        "/settings/admin/user-groups/{}",
        crate::routes::guard::encode_uri_component(id)
    )
}

/// The label of each request field, for messages.
pub fn label(field: &str) -> String {
    match field {
        "friendlyName" => "Friendly name",
        "name" => "Name",
        other => other,
    }
    .to_owned()
}

/// The group body from the form (normalized) and its rule failures.
pub fn check(friendly_name: &str, name: &str) -> (UserGroupCreateRequest, FieldErrors) {
    let request = UserGroupCreateRequest {
        friendly_name: friendly_name.to_owned(),
        name: name.to_owned(),
    }
    .normalized();
    let errors = rule_errors(rules::group_errors(&request), label);
    (request, errors)
}

/// The group list page.
#[component]
pub fn UserGroupsPage() -> impl IntoView {
    let creating = RwSignal::new(false);
    let columns: Vec<Column<UserGroupWithUserCountDto>> = vec![
        Column::new("Friendly name", |g: &UserGroupWithUserCountDto| {
            view! {
                <a href=group_href(&g.group.id) data-testid="group-link">
                    {g.group.friendly_name.clone()}
                </a>
            }
            .into_any()
        })
        .sortable("friendlyName"),
        Column::new("Name", |g: &UserGroupWithUserCountDto| {
            view! { <code data-testid="group-name">{g.group.name.clone()}</code> }.into_any()
        })
        .sortable("name"),
        Column::new("Members", |g: &UserGroupWithUserCountDto| {
            view! { <span data-testid="group-user-count">{g.user_count.to_string()}</span> }
                .into_any()
        })
        .sortable("userCount"),
        Column::new("Created", |g: &UserGroupWithUserCountDto| {
            format_date(&g.group.created_at).into_any()
        })
        .sortable("createdAt"),
        Column::new("Actions", |g: &UserGroupWithUserCountDto| {
            view! {
                <a
                    class="button button--small"
                    href=group_href(&g.group.id)
                    data-testid="group-edit-link"
                    aria-label=format!("Edit {}", g.group.friendly_name)
                >
                    "Edit"
                </a>
            }
            .into_any()
        })
        .actions(),
    ];
    view! {
        <ListPage
            testid="user-groups"
            title="User Groups"
            add_testid="group-add"
            add_label="Add group"
            creating
            form=move || {
                view! { <CreateGroupDialog on_close=Callback::new(move |()| creating.set(false)) /> }
            }
            list_title="All groups"
            table_testid="groups-table"
            label="User groups"
            columns
            fetch=|q: ListQuery| async move { api::user_groups::list(&q).await }
            row_key=|g: &UserGroupWithUserCountDto| g.group.id.clone()
            default_sort=Sort::asc("friendlyName")
            empty_text="No groups yet. Groups bundle users for client access and claims."
            no_match_text="No group matches your search."
        />
    }
}

/// "Add group": friendly name and name (suggested from the friendly name until edited).
#[component]
fn CreateGroupDialog(on_close: Callback<()>) -> impl IntoView {
    let navigate = use_navigate();
    let friendly_name = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let name_edited = StoredValue::new(false);
    let errors = FormErrors::new();
    // The name follows the friendly name until the user types into it.
    Effect::new(move || {
        let friendly = friendly_name.get();
        if !name_edited.get_value() {
            name.set(rules::name_from_friendly_name(&friendly));
        }
    });
    Effect::new(move |previous: Option<String>| {
        let current = name.get();
        if let Some(previous) = previous
            && previous != current
            && current != rules::name_from_friendly_name(&friendly_name.get_untracked())
        {
            name_edited.set_value(true);
        }
        current
    });
    let create = Action::new_local(|request: &UserGroupCreateRequest| {
        let request = request.clone();
        async move { api::user_groups::create(&request).await }
    });
    errors.settle(create, label, move |group| {
        on_close.run(());
        navigate(&group_href(&group.id), NavigateOptions::default());
    });
    let submit = errors.submit(create, move || {
        check(&friendly_name.get_untracked(), &name.get_untracked())
    });
    let pending = create.pending();
    view! {
        <Dialog title="Add group" testid="group-create-dialog" on_close>
            <form class="form" novalidate on:submit=submit>
                <TextField
                    id="group-create-friendly-name"
                    label="Friendly name"
                    value=friendly_name
                    error=errors.field("friendlyName")
                />
                <TextField
                    id="group-create-name"
                    label="Name"
                    value=name
                    error=errors.field("name")
                />
                <p class="hint">"The name is the value of the groups claim; it must be unique."</p>
                <FormError error=errors.form testid="group-create-error" />
                <DialogButtons
                    testid="group-create"
                    label="Create group"
                    busy="Creating…"
                    pending
                    on_cancel=on_close
                />
            </form>
        </Dialog>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_bodies_are_trimmed_and_checked() {
        let (request, errors) = check(" Developers ", "d");
        assert_eq!(request.friendly_name, "Developers");
        assert_eq!(errors["name"], "Name must be at least 2 characters long");
        assert!(!errors.contains_key("friendlyName"));
        let (_, errors) = check("", "");
        assert_eq!(errors["friendlyName"], "Friendly name is required");
        assert!(check("Developers", "developers").1.is_empty());
    }

    #[test]
    fn group_links_encode_the_id() {
        assert_eq!(group_href("g1"), "/settings/admin/user-groups/g1");
    }
}
