//! `/settings/admin/apis/:id`: one API. The page loads it once and keeps it in a signal that
//! the cards (name, permissions, client grants) update with the server's answers.

use super::clients::ClientsCard;
use super::label;
use super::permissions::PermissionsCard;
use crate::api;
use crate::components::card::Card;
use crate::components::copy::CopyField;
use crate::components::form::{FormError, PendingButton, SavedAlert};
use crate::components::{
    delete::DeleteButton,
    form::{FieldErrors, FormErrors, TextField, field_message},
    loader::DetailPage,
};
use leptos::prelude::*;
use pocket_shared::api_resource::{ApiDto, rules};

/// The API page.
#[component]
pub fn ApiPage() -> impl IntoView {
    view! {
        <DetailPage
            testid="api-page"
            back_href="/settings/admin/apis"
            back_testid="api-back"
            back_label="← OAuth APIs"
            back_class="breadcrumb"
            load=|id: String| async move { api::apis::get(&id).await }
            let:api
        >
            <ApiDetails api />
        </DetailPage>
    }
}

/// Every card of a loaded API.
#[component]
fn ApiDetails(api: ApiDto) -> impl IntoView {
    let id = api.id.clone();
    let resource = api.resource.clone();
    let api = RwSignal::new(api);
    let name = move || api.with(|a| a.name.clone());
    view! {
        <div class="page-header">
            <div>
                <h1 data-testid="api-name">{name}</h1>
                <p class="hint">
                    <code data-testid="api-resource">{resource.clone()}</code>
                </p>
            </div>
            <DeleteButton
                label="Delete API"
                testid="api-delete"
                dialog_testid="api-delete-dialog"
                title="Delete this API?"
                message="Its permissions and every client grant on it are deleted. Tokens already issued stay valid until they expire."
                back_to="/settings/admin/apis"
                delete=move || {
                    let id = id.clone();
                    async move { api::apis::delete(&id).await }
                }
            />
        </div>
        <Card title="Resource" testid="api-usage">
            <CopyField id="api-resource-copy" label="Resource (token audience)" value=resource />
            <p class="hint">
                "Clients send resource=<this URI> in the authorization, device or client credentials request. Your API checks that the access token's aud contains it and that scope holds the permission it needs."
            </p>
        </Card>
        <RenameCard api />
        <PermissionsCard api />
        <ClientsCard api />
    }
}

/// The API's name.
#[component]
fn RenameCard(api: RwSignal<ApiDto>) -> impl IntoView {
    let name = RwSignal::new(api.with_untracked(|a| a.name.clone()));
    let errors = FormErrors::new();
    let saved = RwSignal::new(false);
    let id = api.with_untracked(|a| a.id.clone());
    let save = Action::new_local(move |name: &String| {
        let (id, name) = (id.clone(), name.clone());
        async move { api::apis::rename(&id, &name).await }
    });
    errors.settle(save, label, move |updated| {
        name.set(updated.name.clone());
        api.set(updated);
        saved.set(true);
    });
    let submit = errors.submit(save, move || {
        saved.set(false);
        let value = name.get_untracked().trim().to_owned();
        let mut found = FieldErrors::new();
        if let Err(v) = rules::name(&value) {
            found.insert("name".into(), field_message("Name", &v.message));
        }
        (value, found)
    });
    let pending = save.pending();
    view! {
        <Card title="Name" testid="api-settings" title_id="api-rename-title">
            <form class="form" novalidate on:submit=submit>
                <TextField
                    id="api-name-input"
                    label="Name"
                    value=name
                    error=errors.field("name")
                />
                <FormError error=errors.form testid="api-rename-error" />
                <SavedAlert when=saved testid="api-rename-saved" text="Name saved." />
                <div class="actions">
                    <PendingButton testid="api-rename-save" label="Save" busy="Saving…" pending />
                </div>
            </form>
        </Card>
    }
}
