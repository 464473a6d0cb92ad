//! `/settings/admin/oidc-clients/:id`: one client. The page loads the client once and keeps it
//! in a signal that every card updates with the server's answer.

use super::endpoints::EndpointsCard;
use super::form::{ClientForm, ClientFormState, build_update, field_label, values_of};
use super::groups::GroupsCard;
use super::logos::LogosCard;
use super::meta_of;
use super::preview::PreviewCard;
use super::secrets::SecretsCard;
use crate::api::{self, oidc_clients::id_from_path};
use crate::components::dialog::ConfirmDialog;
use crate::components::{
    client::ClientLogo,
    error_view::ErrorView,
    form::{FieldErrors, api_field_errors},
    loading::Loading,
};
use crate::state::use_session;
use leptos::prelude::*;
use leptos_router::{
    NavigateOptions,
    hooks::{use_navigate, use_params_map},
};
use pocket_shared::oidc_client::{OidcClientUpdateRequest, OidcClientWithGroupsDto};

/// The client page.
#[component]
pub fn OidcClientPage() -> impl IntoView {
    let session = use_session();
    let params = use_params_map();
    let id = Memo::new(move |_| id_from_path(&params.with(|p| p.get("id")).unwrap_or_default()));
    let client = LocalResource::new(move || {
        let id = id.get();
        async move { api::oidc_clients::get(&id).await }
    });
    let retry = Callback::new(move |()| client.refetch());
    view! {
        <div class="stack" data-testid="oidc-client-page">
            <p class="breadcrumb">
                <a href="/settings/admin/oidc-clients" data-testid="oidc-client-back">
                    "← OIDC Clients"
                </a>
            </p>
            <Suspense fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match client.await {
                        Ok(loaded) => view! { <ClientDetails loaded /> }.into_any(),
                        Err(error) => {
                            session.check_error(&error);
                            view! { <ErrorView error on_retry=retry /> }.into_any()
                        }
                    }
                })}
            </Suspense>
        </div>
    }
}

/// Every card of a loaded client.
#[component]
fn ClientDetails(loaded: OidcClientWithGroupsDto) -> impl IntoView {
    let client_id = loaded.client.id.clone();
    let client = RwSignal::new(loaded);
    let name = move || client.with(|c| c.client.name.clone());
    // Bumped by every logo change, so the header and previews load the new image.
    let logo_version = RwSignal::new(0u32);
    let logo = move || {
        let meta = client.with(|c| meta_of(&c.client));
        let version = logo_version.get();
        if version > 0 && (meta.has_logo || meta.has_dark_logo) {
            let src = api::oidc_clients::logo_url(&meta.id, meta.has_logo, version);
            view! {
                <img class="client-logo__image" src=src alt="" width="64" height="64" aria-hidden="true" />
            }
            .into_any()
        } else {
            view! { <ClientLogo client=meta large=true /> }.into_any()
        }
    };
    let is_public = Signal::derive(move || client.with(|c| c.client.is_public));
    let cimd = client.with_untracked(|c| c.client.client_type == "cimd");
    view! {
        <div class="page-header">
            <div class="page-header__title">
                {logo}
                <div>
                    <h1 data-testid="oidc-client-name">{name}</h1>
                    <p class="hint">
                        <code data-testid="oidc-client-id">{client_id.clone()}</code>
                        {cimd.then(|| view! { " " <span class="badge">"Metadata document"</span> })}
                    </p>
                </div>
            </div>
            <DeleteClientButton client_id=client_id.clone() />
        </div>
        <EndpointsCard client_id=client_id.clone() is_public />
        <SettingsCard client cimd />
        <SecretsCard client_id=client_id.clone() is_public />
        <LogosCard client version=logo_version />
        <GroupsCard client />
        <PreviewCard client_id />
    }
}

/// The settings form of a saved client.
#[component]
fn SettingsCard(client: RwSignal<OidcClientWithGroupsDto>, cimd: bool) -> impl IntoView {
    let session = use_session();
    let state = ClientFormState::new(client.with_untracked(|c| values_of(&c.client)));
    let form_error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);
    let id = client.with_untracked(|c| c.client.id.clone());
    let save = Action::new_local(move |request: &OidcClientUpdateRequest| {
        let (id, request) = (id.clone(), request.clone());
        async move { api::oidc_clients::update(&id, &request).await }
    });
    Effect::new(move || match save.value().get() {
        Some(Ok(updated)) => {
            state.reset(values_of(&updated.client));
            client.set(updated);
            saved.set(true);
        }
        Some(Err(e)) => {
            session.check_error(&e);
            let fields = api_field_errors(&e, field_label);
            if fields.is_empty() {
                form_error.set(Some(e.user_message()));
            } else {
                state.errors.set(fields);
            }
        }
        None => {}
    });
    let submit = Callback::new(move |()| {
        form_error.set(None);
        saved.set(false);
        let restricted = client.with_untracked(|c| c.client.is_group_restricted);
        match build_update(&state.values(), restricted) {
            Ok(request) => {
                state.errors.set(FieldErrors::new());
                save.dispatch(request);
            }
            Err(errors) => state.errors.set(errors),
        }
    });
    view! {
        <section class="card" aria-labelledby="client-settings-title" data-testid="client-settings">
            <h2 id="client-settings-title" class="card__title">
                "Settings"
            </h2>
            {cimd
                .then(|| {
                    view! {
                        <p class="hint">
                            "This client describes itself in a metadata document: only the settings kept here (flags, lifetimes, launch URL) are saved."
                        </p>
                    }
                })}
            <ClientForm
                state
                create=false
                submit_label="Save"
                pending=save.pending()
                form_error
                saved
                on_submit=submit
            />
        </section>
    }
}

/// "Delete client" with a confirmation; goes back to the list when done.
#[component]
fn DeleteClientButton(client_id: String) -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let confirming = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let delete = Action::new_local(move |id: &String| {
        let id = id.clone();
        async move { api::oidc_clients::delete(&id).await }
    });
    Effect::new(move || match delete.value().get() {
        Some(Ok(())) => navigate("/settings/admin/oidc-clients", NavigateOptions::default()),
        Some(Err(e)) => {
            session.check_error(&e);
            error.set(Some(e.user_message()));
        }
        None => {}
    });
    let id = StoredValue::new(client_id);
    view! {
        <button
            type="button"
            class="button button--danger"
            data-testid="oidc-client-delete"
            on:click=move |_| {
                error.set(None);
                confirming.set(true);
            }
        >
            "Delete client"
        </button>
        <Show when=move || confirming.get()>
            <ConfirmDialog
                title="Delete this client?"
                message="Applications using it can no longer sign users in. Its secrets, logos, consents and tokens are deleted too."
                confirm_label="Delete"
                testid="oidc-client-delete-dialog"
                pending=delete.pending()
                error
                on_confirm=Callback::new(move |()| {
                    delete.dispatch(id.get_value());
                })
                on_cancel=Callback::new(move |()| confirming.set(false))
            />
        </Show>
    }
}
