//! The claims preview: what the ID token, access token and userinfo would carry for a chosen
//! user and scopes (`GET /api/oidc/clients/:id/preview/:userId?scopes=`).

use crate::api;
use crate::components::card::Card;
use crate::components::form::{FormError, PendingButton};
use crate::components::layout::display_name;
use crate::state::use_session;
use leptos::prelude::*;
use pocket_shared::oidc_client::OidcClientPreviewDto;
use serde_json::{Map, Value};

/// The scopes the preview starts with.
pub const DEFAULT_SCOPES: &str = "openid profile email groups";

/// A claim set as indented JSON.
pub fn pretty(claims: &Map<String, Value>) -> String {
    serde_json::to_string_pretty(claims).unwrap_or_default()
}

/// The preview card.
#[component]
pub fn PreviewCard(client_id: String) -> impl IntoView {
    let session = use_session();
    let id = StoredValue::new(client_id);
    let search = RwSignal::new(String::new());
    let user_id = RwSignal::new(String::new());
    let scopes = RwSignal::new(DEFAULT_SCOPES.to_owned());
    let users = LocalResource::new(move || {
        let search = search.get();
        async move { api::oidc_clients::users(&search).await }
    });
    let error = RwSignal::new(None::<String>);
    let preview = Action::new_local(move |(user, scopes): &(String, String)| {
        let (user, scopes) = (user.clone(), scopes.clone());
        let id = id.get_value();
        async move { api::oidc_clients::preview(&id, &user, &scopes).await }
    });
    Effect::new(move || {
        if let Some(Err(e)) = preview.value().get() {
            session.check_error(&e);
            error.set(Some(e.user_message()));
        }
    });
    // The first matching user is chosen when nothing (or a user no longer listed) is.
    Effect::new(move || {
        if let Some(Ok(list)) = users.get() {
            let listed = list.data.iter().any(|u| u.id == user_id.get_untracked());
            if !listed && let Some(first) = list.data.first() {
                user_id.set(first.id.clone());
            }
        }
    });
    let run = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        let user = user_id.get_untracked();
        if user.is_empty() {
            error.set(Some("Choose a user first.".to_owned()));
            return;
        }
        preview.dispatch((user, scopes.get_untracked()));
    };
    let options = move || {
        users
            .get()
            .and_then(Result::ok)
            .map(|list| list.data)
            .unwrap_or_default()
            .into_iter()
            .map(|user| {
                let uid = user.id.clone();
                let label = format!("{} ({})", display_name(&user), user.username);
                view! {
                    <option value=user.id.clone() selected=move || user_id.with(|v| *v == uid)>
                        {label}
                    </option>
                }
            })
            .collect_view()
    };
    let pending = preview.pending();
    view! {
        <Card
            title="Claims preview"
            testid="client-preview"
            hint="See what the client would receive when this user signs in with these scopes. Nothing is issued."
        >
            <form class="form form--grid" novalidate on:submit=run>
                <div class="field">
                    <label class="field__label" for="client-preview-search">
                        "Find user"
                    </label>
                    <input
                        class="field__input"
                        id="client-preview-search"
                        data-testid="client-preview-search"
                        type="search"
                        placeholder="Username, name or email"
                        prop:value=move || search.get()
                        on:input=move |ev| search.set(event_target_value(&ev))
                    />
                </div>
                <div class="field">
                    <label class="field__label" for="client-preview-user">
                        "User"
                    </label>
                    <select
                        class="field__input"
                        id="client-preview-user"
                        data-testid="client-preview-user"
                        on:change=move |ev| user_id.set(event_target_value(&ev))
                    >
                        {options}
                    </select>
                </div>
                <div class="field form__full">
                    <label class="field__label" for="client-preview-scopes">
                        "Scopes"
                    </label>
                    <input
                        class="field__input"
                        id="client-preview-scopes"
                        data-testid="client-preview-scopes"
                        type="text"
                        bind:value=scopes
                    />
                </div>
                <div class="actions form__full">
                    <PendingButton
                        testid="client-preview-run"
                        label="Show claims"
                        busy="Loading…"
                        pending
                    />
                </div>
            </form>
            <FormError error testid="client-preview-error" />
            {move || {
                preview
                    .value()
                    .get()
                    .and_then(Result::ok)
                    .map(|claims| view! { <ClaimSets claims /> })
            }}
        </Card>
    }
}

/// The three claim sets side by side.
#[component]
fn ClaimSets(claims: OidcClientPreviewDto) -> impl IntoView {
    let block = |title: &'static str, testid: &'static str, set: &Map<String, Value>| {
        let body = if set.is_empty() {
            "(none: requires the openid scope)".to_owned()
        } else {
            pretty(set)
        };
        view! {
            <div class="claim-set">
                <h3 class="claim-set__title">{title}</h3>
                <pre class="claim-set__body" data-testid=testid>
                    {body}
                </pre>
            </div>
        }
    };
    view! {
        <div class="claim-sets" data-testid="client-preview-result">
            {block("ID token", "client-preview-id-token", &claims.id_token)}
            {block("Access token", "client-preview-access-token", &claims.access_token)}
            {block("Userinfo", "client-preview-userinfo", &claims.user_info)}
        </div>
    }
}
