//! `/settings/admin/user-groups/:id`: the group's names, members, custom claims, allowed OIDC
//! clients and deletion.

use super::{check, label};
use crate::api;
use crate::components::{
    card::Card,
    checklist::CheckItem,
    custom_claims::CustomClaimsCard,
    delete::DeleteCard,
    form::{FormError, FormErrors, PendingButton, SavedAlert, TextField},
    layout::display_name,
    loader::DetailPage,
    selection::SelectionCard,
};
use leptos::prelude::*;
use pocket_shared::user_group::{UserGroupCreateRequest, UserGroupWithUsersDto};
use std::collections::BTreeSet;

/// The group page: loads the group, then shows the cards.
#[component]
pub fn UserGroupPage() -> impl IntoView {
    view! {
        <DetailPage
            testid="user-group-page"
            back_href="/settings/admin/user-groups"
            back_testid="groups-back"
            back_label="← All groups"
            load=|id: String| async move { api::user_groups::get(&id).await }
            let:group
        >
            <GroupCards group />
        </DetailPage>
    }
}

/// Every card of a loaded group.
#[component]
fn GroupCards(group: UserGroupWithUsersDto) -> impl IntoView {
    let title = RwSignal::new(group.group.friendly_name.clone());
    let id = group.group.id.clone();
    let members: BTreeSet<String> = group.users.iter().map(|u| u.id.clone()).collect();
    let clients: BTreeSet<String> = group
        .allowed_oidc_clients
        .iter()
        .map(|c| c.id.clone())
        .collect();
    let ldap = group.group.ldap_id.is_some();
    view! {
        <div class="page-header">
            <h1 data-testid="user-group-title">{move || title.get()}</h1>
            {ldap.then(|| view! { <span class="badge">"LDAP"</span> })}
        </div>
        <GroupDetailsCard
            id=id.clone()
            friendly_name=group.group.friendly_name.clone()
            name=group.group.name.clone()
            title
        />
        <MembersCard id=id.clone() members />
        <CustomClaimsCard
            owner=api::custom_claims::ClaimOwner::UserGroup
            owner_id=id.clone()
            claims=group.group.custom_claims.clone()
            testid="group-claims"
            hint="Every member gets these claims, unless the member has a claim with the same key."
        />
        <AllowedClientsCard id=id.clone() clients />
        <DeleteCard
            testid="group-delete"
            button_testid="group-delete-button"
            dialog_testid="group-delete-dialog"
            title="Delete group"
            hint="Members lose the group's claims and access to clients allowed through it."
            name=group.group.friendly_name.clone()
            back_to="/settings/admin/user-groups"
            delete=move || {
                let id = id.clone();
                async move { api::user_groups::delete(&id).await }
            }
        />
    }
}

/// Friendly name and name.
#[component]
fn GroupDetailsCard(
    id: String,
    friendly_name: String,
    name: String,
    title: RwSignal<String>,
) -> impl IntoView {
    let friendly_name = RwSignal::new(friendly_name);
    let name = RwSignal::new(name);
    let errors = FormErrors::new();
    let saved = RwSignal::new(false);
    let save = Action::new_local(move |request: &UserGroupCreateRequest| {
        let (id, request) = (id.clone(), request.clone());
        async move {
            api::user_groups::update(&id, &request)
                .await
                .map(|()| request)
        }
    });
    errors.settle(save, label, move |request: UserGroupCreateRequest| {
        friendly_name.set(request.friendly_name.clone());
        name.set(request.name);
        title.set(request.friendly_name);
        saved.set(true);
    });
    let submit = errors.submit(save, move || {
        saved.set(false);
        check(&friendly_name.get_untracked(), &name.get_untracked())
    });
    let pending = save.pending();
    view! {
        <Card title="Details" testid="group-details">
            <form class="form form--grid" novalidate on:submit=submit>
                <TextField
                    id="group-edit-friendly-name"
                    label="Friendly name"
                    value=friendly_name
                    error=errors.field("friendlyName")
                />
                <TextField id="group-edit-name" label="Name" value=name error=errors.field("name") />
                <FormError error=errors.form testid="group-edit-error" />
                <SavedAlert when=saved testid="group-edit-saved" text="The group was saved." />
                <div class="actions form__full">
                    <PendingButton testid="group-edit-save" label="Save" busy="Saving…" pending />
                </div>
            </form>
        </Card>
    }
}

/// The group's members, chosen from every user.
#[component]
fn MembersCard(id: String, members: BTreeSet<String>) -> impl IntoView {
    let load = || async {
        let users = api::admin_users::all().await?;
        Ok(users
            .into_iter()
            .map(|u| CheckItem {
                title: display_name(&u),
                detail: match &u.email {
                    Some(email) => format!("{} · {email}", u.username),
                    None => u.username.clone(),
                },
                id: u.id,
            })
            .collect())
    };
    let save = move |ids: Vec<String>| {
        let id = id.clone();
        async move { api::user_groups::set_users(&id, ids).await }
    };
    view! {
        <SelectionCard
            testid="group-members"
            list_testid="group-members-list"
            title="Members"
            hint="Members get the group's claims and may use the clients allowed to this group."
            empty_text="No users yet."
            save_label="Save members"
            saved_text="Members saved."
            selected=members
            load
            save
        />
    }
}

/// The OIDC clients this group may use (only clients restricted to groups check it).
#[component]
fn AllowedClientsCard(id: String, clients: BTreeSet<String>) -> impl IntoView {
    let load = || async {
        let clients = api::user_groups::all_oidc_clients().await?;
        Ok(clients
            .into_iter()
            .map(|c| CheckItem {
                detail: if c.client.is_group_restricted {
                    "Restricted to groups".to_owned()
                } else {
                    "Open to everyone (restrict it to groups for this to matter)".to_owned()
                },
                title: c.client.name,
                id: c.client.id,
            })
            .collect())
    };
    let save = move |ids: Vec<String>| {
        let id = id.clone();
        async move { api::user_groups::set_allowed_clients(&id, ids).await }
    };
    view! {
        <SelectionCard
            testid="group-clients"
            list_testid="group-clients-list"
            title="Allowed OIDC clients"
            hint="Members of this group may sign in to the selected clients when a client is restricted to groups."
            empty_text="No OIDC clients yet."
            save_label="Save clients"
            saved_text="Allowed clients saved."
            selected=clients
            load
            save
        />
    }
}
