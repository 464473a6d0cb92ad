//! `/signup/add-passkey`: after setup or sign-up, explains passkeys and registers the first one
//! (skippable); continues to `/settings/account`.

use crate::components::form::FormError;
use crate::routes::navigation::use_app_navigate;
use crate::state::use_app_config;
use crate::webauthn::{self, Ceremony};
use leptos::prelude::*;
use leptos_router::NavigateOptions;

/// Where both buttons lead.
const NEXT: &str = "/settings/account";

/// The "add your first passkey" step.
#[component]
pub fn AddPasskeyPage() -> impl IntoView {
    let config = use_app_config();
    let navigate = use_app_navigate();
    let error = RwSignal::new(None::<String>);
    let add = Action::new_local(|_: &()| webauthn::register_passkey());
    Effect::new(move || match add.value().get() {
        Some(Ok(_)) => {
            navigate.go(NEXT, NavigateOptions::default());
        }
        Some(Err(e)) if !e.is_aborted() => error.set(Some(e.user_message(Ceremony::Register))),
        _ => {}
    });
    let pending = add.pending();
    let app_name = move || {
        config
            .app_name()
            .unwrap_or_else(|| "this service".to_owned())
    };
    view! {
        <section class="card card--narrow" aria-labelledby="add-passkey-title">
            <h1 id="add-passkey-title" data-testid="add-passkey-title">
                "Add a passkey"
            </h1>
            <p class="lead">
                "You sign in to " {app_name}
                " with a passkey instead of a password. Your device keeps it and unlocks it with your fingerprint, face or PIN; a security key works too."
            </p>
            <ul class="points">
                <li>"Nothing to remember, nothing that can be phished."</li>
                <li>"Add a second passkey later, on another device, as a backup."</li>
                <li>"Without a passkey you can only sign in with a login code from an administrator."</li>
            </ul>
            <FormError error testid="add-passkey-error" />
            <div class="actions">
                <button
                    type="button"
                    class="button button--primary"
                    data-testid="add-passkey-button"
                    disabled=move || pending.get()
                    on:click=move |_| {
                        error.set(None);
                        add.dispatch(());
                    }
                >
                    {move || if pending.get() { "Waiting for your passkey…" } else { "Add passkey" }}
                </button>
                <a class="button" href=NEXT data-testid="skip-passkey-button">
                    "Skip for now"
                </a>
            </div>
        </section>
    }
}
