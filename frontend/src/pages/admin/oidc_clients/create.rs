//! "Add OIDC client": the settings form with a custom id; opens the new client's page (where
//! secrets, logos and groups are added) once created.

use super::client_href;
use super::form::{ClientForm, ClientFormState, FormValues, build_create, field_label};
use crate::api;
use crate::components::form::{FieldErrors, api_field_errors};
use crate::state::use_session;
use leptos::prelude::*;
use leptos_router::{NavigateOptions, hooks::use_navigate};
use pocket_shared::oidc_client::OidcClientCreateRequest;

/// The create card.
#[component]
pub fn CreateClientCard() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let state = ClientFormState::new(FormValues::default());
    let form_error = RwSignal::new(None::<String>);
    let create = Action::new_local(|request: &OidcClientCreateRequest| {
        let request = request.clone();
        async move { api::oidc_clients::create(&request).await }
    });
    Effect::new(move || match create.value().get() {
        Some(Ok(created)) => navigate(&client_href(&created.client.id), NavigateOptions::default()),
        Some(Err(e)) => {
            session.check_error(&e);
            let mut fields = api_field_errors(&e, field_label);
            // The conflict names the client ID in words rather than by its field.
            if let Some(message) = fields.remove("client ID") {
                fields.insert(
                    "id".to_owned(),
                    message.replacen("client ID", "Client ID", 1),
                );
            }
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
        match build_create(&state.values()) {
            Ok(request) => {
                state.errors.set(FieldErrors::new());
                create.dispatch(request);
            }
            Err(errors) => state.errors.set(errors),
        }
    });
    view! {
        <section class="card" aria-labelledby="client-create-title" data-testid="oidc-client-create">
            <h2 id="client-create-title" class="card__title">
                "Add OIDC client"
            </h2>
            <p class="hint">
                "Leave the client ID empty to get a random one. Secrets, logo files and allowed groups are set on the client's page afterwards."
            </p>
            <ClientForm
                state
                create=true
                submit_label="Create client"
                pending=create.pending()
                form_error
                on_submit=submit
            />
        </section>
    }
}
