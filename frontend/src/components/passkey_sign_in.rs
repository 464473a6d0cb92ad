//! The passkey sign-in card: a button (modal request) and, where the browser supports it,
//! passkey autofill (conditional mediation) in a dedicated field. Used by `/login` and inline by
//! the pages that must keep their own URL while the user signs in (`/interaction`, `/device`).

use crate::components::form::FormError;
use crate::components::form::{Alert, Tone};
use crate::webauthn::{self, Ceremony};
use leptos::{prelude::*, task::spawn_local};
use pocket_shared::UserDto;
use web_sys::AbortController;

/// The pending autofill request: a number identifying it, and its abort controller.
type AutofillRequest = StoredValue<Option<(u64, AbortController)>, LocalStorage>;

/// Aborts the pending autofill request, if any.
fn abort_autofill(request: AutofillRequest) {
    if let Some((_, c)) = request.try_update_value(Option::take).flatten() {
        c.abort();
    }
}

/// Forgets the autofill request `id` once it ended (not a newer one that replaced it).
fn autofill_ended(request: AutofillRequest, id: u64) {
    request.try_update_value(|r| {
        if r.as_ref().is_some_and(|(current, _)| *current == id) {
            *r = None;
        }
    });
}

/// The sign-in card. `on_signed_in` gets the user once the server accepted the passkey (the
/// session cookie is set by then); what happens next is the caller's business.
#[component]
pub fn PasskeySignIn(
    /// The card's `<h1>`.
    #[prop(into)]
    title: String,
    /// Where "Don't have access to your passkey?" leads.
    #[prop(into)]
    alternative_href: String,
    /// Runs with the signed-in user.
    on_signed_in: Callback<UserDto>,
    /// Shown above the heading instead of the passkey mark (e.g. the client's logo).
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let supported = webauthn::is_supported();
    let error = RwSignal::new(None::<String>);
    let autofill = RwSignal::new(false);
    let controller: AutofillRequest = StoredValue::new_local(None);
    let next_id = StoredValue::new(0_u64);

    // Passkey autofill: one conditional request at a time, aborted when the button is used
    // or the card is left (a pending request would block the next ceremony).
    let start_autofill = move || {
        if !autofill.get_untracked() || controller.with_value(Option::is_some) {
            return;
        }
        let Ok(c) = AbortController::new() else {
            return;
        };
        let signal = c.signal();
        next_id.update_value(|n| *n += 1);
        let id = next_id.get_value();
        controller.set_value(Some((id, c)));
        spawn_local(async move {
            let result = webauthn::sign_in(Some(signal)).await;
            match result {
                Ok(user) => {
                    autofill_ended(controller, id);
                    on_signed_in.try_run(user);
                }
                // Replaced by the button's request, or the card was left.
                Err(e) if e.is_aborted() => {}
                Err(e) => {
                    // Not restarted here (a browser that refuses at once would loop);
                    // focusing the field starts a new request.
                    autofill_ended(controller, id);
                    error.try_set(Some(e.user_message(Ceremony::SignIn)));
                }
            }
        });
    };
    on_cleanup(move || abort_autofill(controller));
    if supported {
        spawn_local(async move {
            if webauthn::conditional_mediation_available().await && autofill.try_set(true).is_none()
            {
                start_autofill();
            }
        });
    }

    let sign_in = Action::new_local(move |_: &()| {
        abort_autofill(controller);
        webauthn::sign_in(None)
    });
    Effect::new(move || match sign_in.value().get() {
        Some(Ok(user)) => on_signed_in.run(user),
        Some(Err(e)) => {
            if !e.is_aborted() {
                error.set(Some(e.user_message(Ceremony::SignIn)));
            }
            start_autofill();
        }
        None => {}
    });
    let pending = sign_in.pending();
    let start = move || {
        error.set(None);
        sign_in.dispatch(());
    };
    let icon = match children {
        Some(children) => children().into_any(),
        None => view! {
            <div class="login__icon" aria-hidden="true">
                <PasskeyIcon />
            </div>
        }
        .into_any(),
    };

    view! {
        <section class="card card--narrow login" aria-labelledby="login-title">
            {icon}
            <h1 id="login-title" data-testid="login-title">
                {title}
            </h1>
            <p class="lead">
                "Use your passkey: your device's fingerprint, face or PIN unlock, or a security key."
            </p>
            <FormError error testid="login-error" />
            {(!supported)
                .then(|| {
                    view! {
                        <Alert tone=Tone::Warning testid="passkeys-unsupported">
                            "This browser does not support passkeys. Use another browser, or sign in with a login code."
                        </Alert>
                    }
                })}
            <button
                type="button"
                class="button button--primary button--block"
                data-testid="passkey-login-button"
                disabled=move || pending.get() || !supported
                on:click=move |_| start()
            >
                {move || {
                    if pending.get() { "Waiting for your passkey…" } else { "Sign in with passkey" }
                }}
            </button>
            <Show when=move || autofill.get()>
                <form
                    class="passkey-autofill"
                    on:submit=move |ev| {
                        ev.prevent_default();
                        start();
                    }
                >
                    <label class="field__label" for="passkey-autofill">
                        "Or choose a passkey suggested by your browser"
                    </label>
                    <input
                        id="passkey-autofill"
                        class="field__input passkey-autofill__input"
                        data-testid="passkey-autofill"
                        type="text"
                        name="passkey"
                        autocomplete="username webauthn"
                        placeholder="Select a passkey"
                        on:focus=move |_| start_autofill()
                    />
                </form>
            </Show>
            <p class="login__alternative">
                <a href=alternative_href data-testid="alternative-login-link">
                    "Don't have access to your passkey?"
                </a>
            </p>
        </section>
    }
}

/// A key-and-person mark for the sign-in card (decorative).
#[component]
fn PasskeyIcon() -> impl IntoView {
    view! {
        <svg
            viewBox="0 0 24 24"
            width="28"
            height="28"
            fill="none"
            stroke="currentColor"
            stroke-width="1.8"
            stroke-linecap="round"
            stroke-linejoin="round"
            focusable="false"
        >
            <circle cx="9" cy="7.5" r="3.5" />
            <path d="M2.5 20c0-3.6 2.9-6.5 6.5-6.5 1.4 0 2.7.4 3.7 1.2" />
            <circle cx="17.5" cy="13.5" r="2.5" />
            <path d="M17.5 16v5M17.5 18.5h2M17.5 20.5h1.5" />
        </svg>
    }
}
