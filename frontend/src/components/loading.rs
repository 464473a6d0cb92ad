//! The placeholder shown while data loads.

use leptos::prelude::*;

/// A polite, screen-reader-announced "Loading…" line; the `Suspense` fallback of every page.
#[component]
pub fn Loading() -> impl IntoView {
    view! {
        <p class="loading" data-testid="loading" role="status">
            "Loading…"
        </p>
    }
}
