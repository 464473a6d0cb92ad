//! `/settings/admin/user-groups/:id`: the group's names, members, custom claims, allowed OIDC
//! clients and deletion.

use super::{check, label};
use crate::api::{self, ClientError};
use crate::components::{
    checklist::{CheckItem, CheckList},
    custom_claims::CustomClaimsCard,
    delete::DeleteCard,
    form::{Alert, FieldErrors, TextField, Tone, api_field_errors},
    layout::display_name,
    loader::{DetailPage, Loaded},
};
use crate::state::use_session;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use pocket_shared::user_group::{UserGroupCreateRequest, UserGroupWithUsersDto};
use std::collections::BTreeSet;
use std::future::Future;

/// The group page: loads the group, then shows the cards.
#[component]
pub fn UserGroupPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let load = move || {
        let id = id.get();
        async move { api::user_groups::get(&id).await }
    };
    view! {
        <DetailPage
            testid="user-group-page"
            back_href="/settings/admin/user-groups"
            back_testid="groups-back"
            back_label="← All groups"
            load
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
    let session = use_session();
    let friendly_name = RwSignal::new(friendly_name);
    let name = RwSignal::new(name);
    let errors = RwSignal::new(FieldErrors::new());
    let form_error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);
    let save = Action::new_local(move |request: &UserGroupCreateRequest| {
        let (id, request) = (id.clone(), request.clone());
        async move {
            api::user_groups::update(&id, &request)
                .await
                .map(|()| request)
        }
    });
    Effect::new(move || match save.value().get() {
        Some(Ok(request)) => {
            friendly_name.set(request.friendly_name.clone());
            name.set(request.name);
            title.set(request.friendly_name);
            saved.set(true);
        }
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
        saved.set(false);
        form_error.set(None);
        let (request, found) = check(&friendly_name.get_untracked(), &name.get_untracked());
        let ok = found.is_empty();
        errors.set(found);
        if ok {
            save.dispatch(request);
        }
    };
    let error_for =
        move |field: &'static str| Signal::derive(move || errors.with(|e| e.get(field).cloned()));
    let pending = save.pending();
    view! {
        <section class="card" aria-labelledby="group-details-title" data-testid="group-details">
            <h2 id="group-details-title" class="card__title">
                "Details"
            </h2>
            <form class="form form--grid" novalidate on:submit=submit>
                <TextField
                    id="group-edit-friendly-name"
                    label="Friendly name"
                    value=friendly_name
                    error=error_for("friendlyName")
                />
                <TextField id="group-edit-name" label="Name" value=name error=error_for("name") />
                {move || {
                    form_error
                        .get()
                        .map(|m| {
                            view! {
                                <Alert tone=Tone::Error testid="group-edit-error">
                                    {m}
                                </Alert>
                            }
                        })
                }}
                <Show when=move || saved.get()>
                    <Alert tone=Tone::Success testid="group-edit-saved">
                        "The group was saved."
                    </Alert>
                </Show>
                <div class="actions form__full">
                    <button
                        type="submit"
                        class="button button--primary"
                        data-testid="group-edit-save"
                        disabled=move || pending.get()
                    >
                        {move || if pending.get() { "Saving…" } else { "Save" }}
                    </button>
                </div>
            </form>
        </section>
    }
}

/// A card with a checkbox list loaded by `load` and a save button that sends the selection
/// through `save`.
#[component]
fn SelectionCard<L, LFut, S, SFut>(
    /// `data-testid` prefix: `{p}` card, `{p}-list`, `{p}-save`, `{p}-saved`, `{p}-error`.
    testid: &'static str,
    /// `data-testid` of the checkbox list (see `CheckList`).
    list_testid: &'static str,
    title: &'static str,
    hint: &'static str,
    empty_text: &'static str,
    save_label: &'static str,
    saved_text: &'static str,
    selected: BTreeSet<String>,
    load: L,
    save: S,
) -> impl IntoView
where
    L: Fn() -> LFut + 'static,
    LFut: Future<Output = Result<Vec<CheckItem>, ClientError>> + 'static,
    S: Fn(Vec<String>) -> SFut + 'static,
    SFut: Future<Output = Result<(), ClientError>> + 'static,
{
    let session = use_session();
    let selected = RwSignal::new(selected);
    let items = LocalResource::new(load);
    let error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);
    let action = Action::new_local(move |ids: &Vec<String>| save(ids.clone()));
    Effect::new(move || match action.value().get() {
        Some(Ok(())) => saved.set(true),
        Some(Err(e)) => {
            session.check_error(&e);
            error.set(Some(e.user_message()));
        }
        None => {}
    });
    let pending = action.pending();
    view! {
        <section class="card" aria-labelledby=format!("{testid}-title") data-testid=testid>
            <h2 id=format!("{testid}-title") class="card__title">
                {title}
            </h2>
            <p class="hint">{hint}</p>
            <Loaded resource=items let:items>
                <CheckList items selected testid=list_testid label=title empty_text />
            </Loaded>
            {move || {
                error
                    .get()
                    .map(|m| {
                        view! {
                            <div class="alert alert--error" role="alert" data-testid=format!("{testid}-error")>
                                {m}
                            </div>
                        }
                    })
            }}
            <Show when=move || saved.get()>
                <div class="alert alert--success" role="status" data-testid=format!("{testid}-saved")>
                    {saved_text}
                </div>
            </Show>
            <div class="actions">
                <button
                    type="button"
                    class="button button--primary button--small"
                    data-testid=format!("{testid}-save")
                    disabled=move || pending.get()
                    on:click=move |_| {
                        saved.set(false);
                        error.set(None);
                        action.dispatch(selected.get_untracked().into_iter().collect());
                    }
                >
                    {move || if pending.get() { "Saving…" } else { save_label }}
                </button>
            </div>
        </section>
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
