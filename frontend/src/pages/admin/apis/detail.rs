//! `/settings/admin/apis/:id`: one API. The page loads it once and keeps it in a signal that
//! the cards (name, permissions, client grants) update with the server's answers.

use super::clients::ClientsCard;
use super::label;
use super::permissions::PermissionsCard;
use crate::api;
use crate::components::{copy::CopyField, dialog::ConfirmDialog};
use crate::components::{
    error_view::ErrorView,
    form::{Alert, FieldErrors, TextField, Tone, api_field_errors, field_message},
    loading::Loading,
};
use crate::state::use_session;
use leptos::prelude::*;
use leptos_router::{
    NavigateOptions,
    hooks::{use_navigate, use_params_map},
};
use pocket_shared::api_resource::{ApiDto, rules};

/// The API page.
#[component]
pub fn ApiPage() -> impl IntoView {
    let session = use_session();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id")).unwrap_or_default());
    let loaded = LocalResource::new(move || {
        let id = id.get();
        async move { api::apis::get(&id).await }
    });
    let retry = Callback::new(move |()| loaded.refetch());
    view! {
        <div class="stack" data-testid="api-page">
            <p class="breadcrumb">
                <a href="/settings/admin/apis" data-testid="api-back">
                    "← OAuth APIs"
                </a>
            </p>
            <Suspense fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match loaded.await {
                        Ok(api) => view! { <ApiDetails api /> }.into_any(),
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
            <DeleteApiButton id=id.clone() />
        </div>
        <section class="card" aria-labelledby="api-usage-title" data-testid="api-usage">
            <h2 id="api-usage-title" class="card__title">
                "Resource"
            </h2>
            <CopyField id="api-resource-copy" label="Resource (token audience)" value=resource />
            <p class="hint">
                "Clients send resource=<this URI> in the authorization, device or client credentials request. Your API checks that the access token's aud contains it and that scope holds the permission it needs."
            </p>
        </section>
        <RenameCard api />
        <PermissionsCard api />
        <ClientsCard api />
    }
}

/// The API's name.
#[component]
fn RenameCard(api: RwSignal<ApiDto>) -> impl IntoView {
    let session = use_session();
    let name = RwSignal::new(api.with_untracked(|a| a.name.clone()));
    let errors = RwSignal::new(FieldErrors::new());
    let form_error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);
    let id = api.with_untracked(|a| a.id.clone());
    let save = Action::new_local(move |name: &String| {
        let (id, name) = (id.clone(), name.clone());
        async move { api::apis::rename(&id, &name).await }
    });
    Effect::new(move || match save.value().get() {
        Some(Ok(updated)) => {
            name.set(updated.name.clone());
            api.set(updated);
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
        form_error.set(None);
        saved.set(false);
        let value = name.get_untracked().trim().to_owned();
        let mut found = FieldErrors::new();
        if let Err(v) = rules::name(&value) {
            found.insert("name".into(), field_message("Name", &v.message));
        }
        let ok = found.is_empty();
        errors.set(found);
        if ok {
            save.dispatch(value);
        }
    };
    let pending = save.pending();
    view! {
        <section class="card" aria-labelledby="api-rename-title" data-testid="api-settings">
            <h2 id="api-rename-title" class="card__title">
                "Name"
            </h2>
            <form class="form" novalidate on:submit=submit>
                <TextField
                    id="api-name-input"
                    label="Name"
                    value=name
                    error=Signal::derive(move || errors.with(|e| e.get("name").cloned()))
                />
                {move || {
                    form_error
                        .get()
                        .map(|m| {
                            view! {
                                <Alert tone=Tone::Error testid="api-rename-error">
                                    {m}
                                </Alert>
                            }
                        })
                }}
                <Show when=move || saved.get()>
                    <Alert tone=Tone::Success testid="api-rename-saved">
                        "Name saved."
                    </Alert>
                </Show>
                <div class="actions">
                    <button
                        type="submit"
                        class="button button--primary"
                        data-testid="api-rename-save"
                        disabled=move || pending.get()
                    >
                        {move || if pending.get() { "Saving…" } else { "Save" }}
                    </button>
                </div>
            </form>
        </section>
    }
}

/// "Delete API" with a confirmation; goes back to the list when done.
#[component]
fn DeleteApiButton(id: String) -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let confirming = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let delete = Action::new_local(move |id: &String| {
        let id = id.clone();
        async move { api::apis::delete(&id).await }
    });
    Effect::new(move || match delete.value().get() {
        Some(Ok(())) => navigate("/settings/admin/apis", NavigateOptions::default()),
        Some(Err(e)) => {
            session.check_error(&e);
            error.set(Some(e.user_message()));
        }
        None => {}
    });
    let id = StoredValue::new(id);
    view! {
        <button
            type="button"
            class="button button--danger"
            data-testid="api-delete"
            on:click=move |_| {
                error.set(None);
                confirming.set(true);
            }
        >
            "Delete API"
        </button>
        <Show when=move || confirming.get()>
            <ConfirmDialog
                title="Delete this API?"
                message="Its permissions and every client grant on it are deleted. Tokens already issued stay valid until they expire."
                confirm_label="Delete"
                testid="api-delete-dialog"
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
