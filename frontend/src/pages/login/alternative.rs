//! `/login/alternative`: other ways to sign in when no passkey is at hand. For now a login
//! code; emailed codes and "sign in with another device" join this list later.

use crate::routes::guard::with_redirect;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The chooser.
#[component]
pub fn AlternativeLoginPage() -> impl IntoView {
    let redirect = use_query_map().with_untracked(|q| q.get("redirect"));
    let code_href = with_redirect("/login/alternative/code", redirect.as_deref());
    let back_href = with_redirect("/login", redirect.as_deref());
    view! {
        <section class="card card--narrow" aria-labelledby="alternative-title">
            <h1 id="alternative-title" data-testid="alternative-title">
                "Other ways to sign in"
            </h1>
            <p class="lead">"Choose how you want to sign in without your passkey."</p>
            <ul class="choices">
                <li>
                    <a class="choice" href=code_href data-testid="alternative-login-code">
                        <span class="choice__title">"Use a login code"</span>
                        <span class="choice__text">
                            "Enter a code or open a link your administrator gave you."
                        </span>
                    </a>
                </li>
            </ul>
            <p>
                <a href=back_href data-testid="back-to-login">
                    "Back to passkey sign-in"
                </a>
            </p>
        </section>
    }
}
