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
use crate::components::{
    card::Card,
    client::ClientLogo,
    delete::DeleteButton,
    form::{FieldErrors, FormErrors},
    loader::DetailPage,
};
use leptos::prelude::*;
use pocket_shared::oidc_client::{OidcClientUpdateRequest, OidcClientWithGroupsDto};

/// The client page.
#[component]
pub fn OidcClientPage() -> impl IntoView {
    view! {
        <DetailPage
            testid="oidc-client-page"
            back_href="/settings/admin/oidc-clients"
            back_testid="oidc-client-back"
            back_label="← OIDC Clients"
            back_class="breadcrumb"
            load=|id: String| async move { api::oidc_clients::get(&id_from_path(&id)).await }
            let:loaded
        >
            <ClientDetails loaded />
        </DetailPage>
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
            <DeleteButton
                label="Delete client"
                testid="oidc-client-delete"
                dialog_testid="oidc-client-delete-dialog"
                title="Delete this client?"
                message="Applications using it can no longer sign users in. Its secrets, logos, consents and tokens are deleted too."
                back_to="/settings/admin/oidc-clients"
                delete={
                    let id = client_id.clone();
                    move || {
                        let id = id.clone();
                        async move { api::oidc_clients::delete(&id).await }
                    }
                }
            />
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
    let state = ClientFormState::new(client.with_untracked(|c| values_of(&c.client)));
    let errors = FormErrors {
        fields: state.errors,
        form: RwSignal::new(None),
    };
    let saved = RwSignal::new(false);
    let id = client.with_untracked(|c| c.client.id.clone());
    let save = Action::new_local(move |request: &OidcClientUpdateRequest| {
        let (id, request) = (id.clone(), request.clone());
        async move { api::oidc_clients::update(&id, &request).await }
    });
    errors.settle(save, field_label, move |updated| {
        state.reset(values_of(&updated.client));
        client.set(updated);
        saved.set(true);
    });
    let submit = Callback::new(move |()| {
        saved.set(false);
        let restricted = client.with_untracked(|c| c.client.is_group_restricted);
        match build_update(&state.values(), restricted) {
            Ok(request) => {
                errors.check(FieldErrors::new());
                save.dispatch(request);
            }
            Err(found) => {
                errors.check(found);
            }
        }
    });
    view! {
        <Card title="Settings" testid="client-settings">
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
                form_error=errors.form
                saved
                on_submit=submit
            />
        </Card>
    }
}
