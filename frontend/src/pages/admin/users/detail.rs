//! `/settings/admin/users/:id`: one user's details form, profile picture, groups, custom
//! claims, passkeys, login code and deletion.

use super::form::{EDIT_IDS, UserFields, UserForm};
use super::login_code::LoginCodeCard;
use super::passkeys::UserPasskeysCard;
use super::require_email;
use crate::api;
use crate::components::{
    action::on_settled,
    card::Card,
    checklist::CheckItem,
    custom_claims::CustomClaimsCard,
    delete::DeleteCard,
    form::{FormError, PendingButton, SavedAlert},
    layout::display_name,
    loader::DetailPage,
    picture,
    selection::SelectionCard,
};
use crate::pages::settings::account::sessions::{Sessions, SessionsCard};
use crate::state::use_session;
use leptos::prelude::*;
use pocket_shared::UserDto;
use pocket_shared::user::AdminUserUpdateRequest;
use std::collections::BTreeSet;

/// The user page: loads the user, then shows the cards.
#[component]
pub fn UserPage() -> impl IntoView {
    view! {
        <DetailPage
            testid="user-page"
            back_href="/settings/admin/users"
            back_testid="users-back"
            back_label="← All users"
            load=|id: String| async move { api::admin_users::get(&id).await }
            let:user
        >
            <UserCards user />
        </DetailPage>
    }
}

/// Every card of a loaded user.
#[component]
fn UserCards(user: UserDto) -> impl IntoView {
    let current = RwSignal::new(user.clone());
    let title = move || current.with(display_name);
    let user_id = user.id.clone();
    view! {
        <div class="page-header">
            <h1 data-testid="user-title">{title}</h1>
            <span class="badge" data-testid="user-title-username">
                {move || current.with(|u| u.username.clone())}
            </span>
        </div>
        <DetailsCard current />
        <PictureCard user_id=user_id.clone() />
        <GroupsCard
            user_id=user_id.clone()
            groups=user.user_groups.iter().map(|g| g.id.clone()).collect()
        />
        <CustomClaimsCard
            owner=api::custom_claims::ClaimOwner::User
            owner_id=user_id.clone()
            claims=user.custom_claims.clone()
            testid="user-claims"
            hint="Claims of this user; they override a group's claim with the same key."
        />
        <UserPasskeysCard user_id=user_id.clone() />
        <SessionsCard whose=Sessions::OfUser(user_id.clone()) />
        <LoginCodeCard user_id=user_id.clone() />
        <DeleteCard
            testid="user-delete"
            button_testid="user-delete-button"
            dialog_testid="user-delete-dialog"
            title="Delete user"
            hint="Deleting removes the user with their passkeys, API keys, consents, claims and audit log."
            name=user.username.clone()
            back_to="/settings/admin/users"
            delete=move || {
                let id = user_id.clone();
                async move { api::admin_users::delete(&id).await }
            }
        />
    }
}

/// The details form: names, username, email, locale and the flags.
#[component]
fn DetailsCard(current: RwSignal<UserDto>) -> impl IntoView {
    let session = use_session();
    let form = UserForm::of(&current.get_untracked());
    let require_email = require_email();
    let form_error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);
    let save = Action::new_local(move |request: &AdminUserUpdateRequest| {
        let request = request.clone();
        let id = current.with_untracked(|u| u.id.clone());
        async move { api::admin_users::update(&id, &request).await }
    });
    on_settled(
        save,
        move |updated: UserDto| {
            form.load(&updated);
            saved.set(true);
            // Editing oneself (e.g. the admin flag) changes what the shell shows.
            if session.user().is_some_and(|me| me.id == updated.id) {
                session.set_signed_in(updated.clone());
            }
            current.set(updated);
        },
        move |e| {
            if !form.show_api_error(&e) {
                form_error.set(Some(e.user_message()));
            }
        },
    );
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        form_error.set(None);
        let user = form.request();
        let check = pocket_shared::user::UserCreateRequest {
            id: None,
            user: user.clone(),
            user_group_ids: None,
        };
        if form.check(&check, require_email) {
            save.dispatch(user);
        }
    };
    let pending = save.pending();
    let ldap = current.with_untracked(|u| u.ldap_id.is_some());
    view! {
        <Card title="Details" testid="user-details">
            {ldap
                .then(|| {
                    view! {
                        <p class="hint" data-testid="user-ldap">
                            "This user is synchronised from LDAP: while LDAP is enabled only the locale can change."
                        </p>
                    }
                })}
            <form class="form form--grid" novalidate on:submit=submit>
                <UserFields form ids=EDIT_IDS require_email />
                <FormError error=form_error testid="user-edit-error" />
                <SavedAlert when=saved testid="user-edit-saved" text="The user was saved." />
                <div class="actions form__full">
                    <PendingButton testid="user-edit-save" label="Save" busy="Saving…" pending />
                </div>
            </form>
        </Card>
    }
}

/// The profile picture: upload or reset to the generated one.
#[component]
fn PictureCard(user_id: String) -> impl IntoView {
    let session = use_session();
    let version = RwSignal::new(0_u32);
    let id = StoredValue::new(user_id);
    let src = move || api::users::profile_picture_url(&id.read_value(), version.get());
    let on_changed = Callback::new(move |()| {
        version.try_update(|v| *v += 1);
        if session
            .user()
            .is_some_and(|u| id.with_value(|id| u.id == *id))
        {
            session.picture_changed();
        }
    });
    view! {
        <picture::PictureCard
            testid="user-picture"
            controls="user-picture"
            hint="JPEG, PNG, GIF or WebP. Without a picture, the initials are shown."
            reset_label="Reset picture"
            upload=move |file: web_sys::File| async move {
                api::admin_users::upload_picture(&id.get_value(), &file).await
            }
            reset=move || async move { api::admin_users::reset_picture(&id.get_value()).await }
            on_changed
        >
            <img
                class="avatar"
                src=src
                alt=""
                width="80"
                height="80"
                data-testid="user-picture-image"
            />
        </picture::PictureCard>
    }
}

/// The groups the user belongs to (a checkbox per group).
#[component]
fn GroupsCard(user_id: String, groups: BTreeSet<String>) -> impl IntoView {
    let load = || async {
        let groups = api::user_groups::all().await?;
        Ok(groups
            .into_iter()
            .map(|g| CheckItem {
                id: g.group.id,
                title: g.group.friendly_name,
                detail: g.group.name,
            })
            .collect())
    };
    let save = move |ids: Vec<String>| {
        let id = user_id.clone();
        async move { api::admin_users::set_groups(&id, ids).await }
    };
    view! {
        <SelectionCard
            testid="user-groups"
            list_testid="user-groups-list"
            title="Groups"
            empty_text="No groups yet. Create one under User Groups."
            save_label="Save groups"
            saved_text="Group memberships saved."
            selected=groups
            load
            save
        />
    }
}
