//! `/settings/admin/users` (the user list with search, filters, sorting and pages, and "Add
//! user") and `/settings/admin/users/:id` (one user: details, picture, groups, custom claims,
//! passkeys, login code, delete).

mod detail;
pub mod form;
mod login_code;
mod passkeys;

pub use detail::UserPage;

use crate::api::{
    self,
    list::{ListQuery, Sort},
};
use crate::components::{
    action::on_settled,
    dialog::Dialog,
    form::{DialogButtons, FormError},
    layout::display_name,
    list::ListPage,
    table::{Column, FilterSelect},
};
use crate::state::use_app_config;
use form::{CREATE_IDS, UserFields, UserForm};
use leptos::prelude::*;
use leptos_router::{NavigateOptions, hooks::use_navigate};
use pocket_shared::UserDto;
use pocket_shared::user::UserCreateRequest;

/// The link to a user's page.
pub fn user_href(id: &str) -> String {
    format!(
        "/settings/admin/users/{}",
        crate::routes::guard::encode_uri_component(id)
    )
}

/// Whether new users need an email (app config `requireUserEmail`; true until known).
pub fn require_email() -> bool {
    use_app_config()
        .resource()
        .get_untracked()
        .and_then(Result::ok)
        .is_none_or(|c| c.require_user_email)
}

/// The user list page.
#[component]
pub fn UsersPage() -> impl IntoView {
    let creating = RwSignal::new(false);
    let columns: Vec<Column<UserDto>> = vec![
        Column::new("Name", |u: &UserDto| {
            view! {
                <span class="table__user">
                    <img
                        class="avatar"
                        src=api::users::profile_picture_url(&u.id, 0)
                        alt=""
                        width="32"
                        height="32"
                    />
                    <a href=user_href(&u.id) data-testid="user-link">
                        {display_name(u)}
                    </a>
                </span>
            }
            .into_any()
        })
        .sortable("firstName"),
        Column::new("Username", |u: &UserDto| {
            view! { <span data-testid="user-username">{u.username.clone()}</span> }.into_any()
        })
        .sortable("username"),
        Column::new("Email", |u: &UserDto| {
            let email = u.email.clone().unwrap_or_default();
            let unverified = u.email.is_some() && !u.email_verified;
            view! {
                {email}
                {unverified.then(|| view! { <span class="badge">"Unverified"</span> })}
            }
            .into_any()
        })
        .sortable("email"),
        Column::new("Role", |u: &UserDto| {
            let role = if u.is_admin { "Admin" } else { "User" };
            view! { <span class="badge" data-testid="user-role">{role}</span> }.into_any()
        })
        .sortable("isAdmin"),
        Column::new("Status", |u: &UserDto| {
            if u.disabled {
                view! { <span class="badge badge--danger" data-testid="user-status">"Disabled"</span> }
                    .into_any()
            } else {
                view! { <span class="badge" data-testid="user-status">"Enabled"</span> }.into_any()
            }
        })
        .sortable("disabled"),
        Column::new("Actions", |u: &UserDto| {
            view! {
                <a
                    class="button button--small"
                    href=user_href(&u.id)
                    data-testid="user-edit-link"
                    aria-label=format!("Edit {}", u.username)
                >
                    "Edit"
                </a>
            }
            .into_any()
        })
        .actions(),
    ];
    let filters = vec![
        FilterSelect::boolean("isAdmin", "Role", "Admins", "Users"),
        FilterSelect::boolean("disabled", "Status", "Disabled", "Enabled"),
        FilterSelect::boolean("emailVerified", "Email", "Verified", "Unverified"),
    ];
    view! {
        <ListPage
            testid="users"
            title="Users"
            add_testid="user-add"
            add_label="Add user"
            creating
            form=move || {
                view! { <CreateUserDialog on_close=Callback::new(move |()| creating.set(false)) /> }
            }
            list_title="All users"
            table_testid="users-table"
            label="Users"
            columns
            fetch=|q: ListQuery| async move { api::admin_users::list(&q).await }
            row_key=|u: &UserDto| u.id.clone()
            default_sort=Sort::asc("username")
            filters
            empty_text="No users yet."
            no_match_text="No user matches your search."
        />
    }
}

/// "Add user": the fields and "Create"; on success the new user's page opens.
#[component]
fn CreateUserDialog(on_close: Callback<()>) -> impl IntoView {
    let navigate = use_navigate();
    let form = UserForm::empty();
    let require_email = require_email();
    let form_error = RwSignal::new(None::<String>);
    let create = Action::new_local(|request: &UserCreateRequest| {
        let request = request.clone();
        async move { api::admin_users::create(&request).await }
    });
    on_settled(
        create,
        move |user| {
            on_close.run(());
            navigate(&user_href(&user.id), NavigateOptions::default());
        },
        move |e| {
            if !form.show_api_error(&e) {
                form_error.set(Some(e.user_message()));
            }
        },
    );
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        form_error.set(None);
        let mut user = form.request();
        // Absent: the server applies app config `emailsVerified` unless the admin ticked it.
        if user.email_verified == Some(false) {
            user.email_verified = None;
        }
        let request = UserCreateRequest {
            id: None,
            user,
            user_group_ids: None,
        };
        if form.check(&request, require_email) {
            create.dispatch(request);
        }
    };
    let pending = create.pending();
    view! {
        <Dialog title="Add user" testid="user-create-dialog" on_close>
            <form class="form form--grid user-create-form" novalidate on:submit=submit>
                <UserFields form ids=CREATE_IDS require_email show_disabled=false />
                <FormError error=form_error testid="user-create-error" />
                <DialogButtons
                    testid="user-create"
                    label="Create user"
                    busy="Creating…"
                    pending
                    on_cancel=on_close
                    class="actions actions--end form__full"
                />
            </form>
        </Dialog>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_links_encode_the_id() {
        assert_eq!(user_href("0b5c-1"), "/settings/admin/users/0b5c-1");
        assert_eq!(user_href("a/b"), "/settings/admin/users/a%2Fb");
    }
}
