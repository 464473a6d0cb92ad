//! The router fallback: any path without a page.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// "Page not found", with the requested path and a way home.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    let pathname = use_location().pathname;
    view! {
        <section class="card" data-testid="not-found">
            <h1>"Page not found"</h1>
            <p>"There is no page at " <code>{move || pathname.get()}</code> "."</p>
            <p>
                <a class="button button--primary" href="/" data-testid="home-link">
                    "Go to the home page"
                </a>
            </p>
        </section>
    }
}
