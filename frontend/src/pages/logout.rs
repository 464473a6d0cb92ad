//! `/logout`: asks before ending the session. The server's end-session endpoint sends the
//! browser here when it cannot sign the user out on its own (no valid `id_token_hint`), so a
//! third-party link alone never signs anyone out.

use crate::api;
use crate::components::{
    form::{Alert, Tone},
    loading::Loading,
};
use crate::state::{use_app_config, use_session};
use leptos::prelude::*;

/// The confirmation, then "You have been signed out".
#[component]
pub fn LogoutPage() -> impl IntoView {
    let config = use_app_config();
    let session = use_session();
    let sign_out = Action::new_local(move |_: &()| async move {
        match api::webauthn::logout().await {
            // Already signed out elsewhere: the goal is reached all the same.
            Err(e) if !e.is_not_signed_in() => Err(e.user_message()),
            _ => {
                session.set_signed_out();
                Ok(())
            }
        }
    });
    let done = move || matches!(sign_out.value().get(), Some(Ok(())));
    let error = move || sign_out.value().get().and_then(Result::err);
    let pending = sign_out.pending();
    // The name is only decoration here: the page works while the configuration loads or fails.
    let app_name = move || config.app_name().unwrap_or_else(|| "Pocket ID".to_owned());
    move || {
        if done() {
            view! {
                <section class="card card--narrow" aria-labelledby="logout-title" data-testid="logout-done">
                    <h1 id="logout-title" data-testid="logout-title">
                        "You have been signed out"
                    </h1>
                    <p class="lead" role="status">
                        {move || format!("You are no longer signed in to {}.", app_name())}
                    </p>
                    <p>
                        <a href="/login" data-testid="logout-sign-in-link">
                            "Sign in again"
                        </a>
                    </p>
                </section>
            }
            .into_any()
        } else if config.app_name().is_none() && config.resource().get().is_none() {
            view! { <Loading /> }.into_any()
        } else {
            view! {
                <section class="card card--narrow" aria-labelledby="logout-title" data-testid="logout-confirm">
                    <h1 id="logout-title" data-testid="logout-title">
                        "Sign out"
                    </h1>
                    <p class="lead" data-testid="logout-question">
                        {move || format!("Do you want to sign out of {}?", app_name())}
                    </p>
                    {move || {
                        error()
                            .map(|message| {
                                view! {
                                    <Alert tone=Tone::Error testid="logout-error">
                                        {message}
                                    </Alert>
                                }
                            })
                    }}
                    <button
                        type="button"
                        class="button button--primary button--block"
                        data-testid="logout-button"
                        disabled=move || pending.get()
                        on:click=move |_| {
                            sign_out.dispatch(());
                        }
                    >
                        {move || if pending.get() { "Signing out…" } else { "Sign out" }}
                    </button>
                </section>
            }
            .into_any()
        }
    }
}
