//! "Add OIDC client": the settings form with a custom id; opens the new client's page (where
//! secrets, logos and groups are added) once created.

use super::client_href;
use super::form::{ClientForm, ClientFormState, FormValues, build_create, field_label};
use crate::api;
use crate::components::{
    action::on_settled,
    card::Card,
    form::{FieldErrors, FormErrors, api_field_errors},
};
use leptos::prelude::*;
use leptos_router::{NavigateOptions, hooks::use_navigate};
use pocket_shared::oidc_client::OidcClientCreateRequest;

/// The create card.
#[component]
pub fn CreateClientCard() -> impl IntoView {
    let navigate = use_navigate();
    let state = ClientFormState::new(FormValues::default());
    let errors = FormErrors {
        fields: state.errors,
        form: RwSignal::new(None),
    };
    let create = Action::new_local(|request: &OidcClientCreateRequest| {
        let request = request.clone();
        async move { api::oidc_clients::create(&request).await }
    });
    on_settled(
        create,
        move |created| navigate(&client_href(&created.client.id), NavigateOptions::default()),
        move |e| {
            let mut fields = api_field_errors(&e, field_label);
            // The conflict names the client ID in words rather than by its field.
            if let Some(message) = fields.remove("client ID") {
                fields.insert(
                    "id".to_owned(),
                    message.replacen("client ID", "Client ID", 1),
                );
            }
            errors.show(fields, || e.user_message());
        },
    );
    let submit = Callback::new(move |()| match build_create(&state.values()) {
        Ok(request) => {
            errors.check(FieldErrors::new());
            create.dispatch(request);
        }
        Err(found) => {
            errors.check(found);
        }
    });
    view! {
        <Card
            title="Add OIDC client"
            testid="oidc-client-create"
            title_id="client-create-title"
            hint="Leave the client ID empty to get a random one. Secrets, logo files and allowed groups are set on the client's page afterwards."
        >
            <ClientForm
                state
                create=true
                submit_label="Create client"
                pending=create.pending()
                form_error=errors.form
                on_submit=submit
            />
        </Card>
    }
}
