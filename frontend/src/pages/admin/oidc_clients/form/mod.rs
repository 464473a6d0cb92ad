//! The client settings form, shared by "Add OIDC client" and the client page: every editable
//! field (custom id on create), the callback URL lists, flags, launch URL, token lifetimes and
//! the federated identities editor. It checks with `pocket_shared::oidc_client::rules` before
//! sending and shows the API's field errors under the fields they name.

mod editors;
mod state;
mod values;

pub use state::ClientFormState;
pub use values::{
    FederatedRow, FormValues, build_create, build_update, field_label, labelled, unchanged_request,
    values_of,
};

use crate::components::form::{CheckboxField, FormError, PendingButton, SavedAlert, TextField};
use editors::{FederatedEditor, UrlListEditor};
use leptos::prelude::*;

/// The settings form. `create` adds the custom id and logo URL fields; `on_submit` runs after
/// the parent's checks pass (the parent reads [`ClientFormState::values`]).
#[component]
pub fn ClientForm(
    state: ClientFormState,
    /// "Add OIDC client" instead of editing.
    create: bool,
    /// The submit button's text.
    submit_label: &'static str,
    #[prop(into)] pending: Signal<bool>,
    /// A failure that names no field.
    #[prop(into)]
    form_error: Signal<Option<String>>,
    /// Shows "Saved." under the form.
    #[prop(into, default = Signal::from(false))]
    saved: Signal<bool>,
    on_submit: Callback<()>,
) -> impl IntoView {
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        on_submit.run(());
    };
    let error = move |field: &str| state.error(field.to_owned());
    let is_public = state.is_public;
    view! {
        <form class="form form--grid" novalidate on:submit=submit data-testid="client-form">
            {create
                .then(|| {
                    view! {
                        <TextField
                            id="client-id"
                            label="Client ID"
                            value=state.id
                            error=error("id")
                            optional=true
                        />
                    }
                })}
            <TextField id="client-name" label="Name" value=state.name error=error("name") />
            <TextField
                id="client-description"
                label="Description"
                value=state.description
                error=error("description")
                optional=true
            />
            <TextField
                id="client-launch-url"
                label="Launch URL"
                value=state.launch_url
                error=error("launchURL")
                input_type="url"
                optional=true
            />
            <UrlListEditor
                id="client-callback-url"
                label="Callback URLs"
                field="callbackURLs"
                hint="Where the client may receive sign-in answers. * matches one segment, ** in paths any number."
                rows=state.callback_urls
                state
            />
            <UrlListEditor
                id="client-logout-callback-url"
                label="Logout callback URLs"
                field="logoutCallbackURLs"
                hint="Where the client may send users after signing out."
                rows=state.logout_callback_urls
                state
            />
            <fieldset class="form__full fieldset">
                <legend class="field__label">"Options"</legend>
                <div class="check-grid">
                    <CheckboxField
                        id="client-is-public"
                        label="Public client"
                        description="No client secret (browser and mobile apps); PKCE is then required."
                        checked=state.is_public
                    />
                    <CheckboxField
                        id="client-pkce"
                        label="PKCE"
                        description="Require a code challenge with every authorization request."
                        checked=state.pkce_enabled
                        disabled=Signal::derive(move || is_public.get())
                    />
                    <CheckboxField
                        id="client-reauth"
                        label="Requires reauthentication"
                        description="Users confirm with a passkey on every sign-in."
                        checked=state.requires_reauthentication
                    />
                    <CheckboxField
                        id="client-par"
                        label="Requires pushed authorization requests"
                        description="Authorization requests must be pushed to the server first (PAR)."
                        checked=state.requires_par
                    />
                    <CheckboxField
                        id="client-skip-consent"
                        label="Skip consent"
                        description="Do not ask users to allow access."
                        checked=state.skip_consent
                    />
                    <CheckboxField
                        id="client-device-code"
                        label="Device code flow"
                        description="Devices without a browser (TVs, command-line tools) may ask users to approve a code on /device. Leave off unless the client needs it: anyone who knows the client ID could send users a code."
                        checked=state.device_code_enabled
                    />
                </div>
            </fieldset>
            <TextField
                id="client-access-token-minutes"
                label="Access token lifetime (minutes)"
                value=state.access_minutes
                error=error("accessTokenDurationMinutes")
                input_type="number"
                optional=true
            />
            <TextField
                id="client-refresh-token-minutes"
                label="Refresh token lifetime (minutes)"
                value=state.refresh_minutes
                error=error("refreshTokenDurationMinutes")
                input_type="number"
                optional=true
            />
            {create
                .then(|| {
                    view! {
                        <TextField
                            id="client-logo-url"
                            label="Logo URL"
                            value=state.logo_url
                            error=error("logoUrl")
                            input_type="url"
                            optional=true
                        />
                        <TextField
                            id="client-dark-logo-url"
                            label="Dark logo URL"
                            value=state.dark_logo_url
                            error=error("darkLogoUrl")
                            input_type="url"
                            optional=true
                        />
                    }
                })}
            <FederatedEditor state />
            <FormError error=form_error testid="client-form-error" />
            <SavedAlert when=saved testid="client-saved" text="The client was saved." />
            <div class="actions form__full">
                <PendingButton testid="client-submit" label=submit_label busy="Saving…" pending />
            </div>
        </form>
    }
}
