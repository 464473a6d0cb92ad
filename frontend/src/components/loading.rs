//! The placeholder shown while data loads.

use leptos::prelude::*;

/// A polite, screen-reader-announced "Loading…" line; the `Suspense` fallback of every page.
#[component]
pub fn Loading(
    /// Replaces "Loading…" (e.g. "Returning to the application…").
    #[prop(optional, into)]
    label: Option<String>,
) -> impl IntoView {
    view! {
        <p class="loading" data-testid="loading" role="status">
            {label.unwrap_or_else(|| "Loading…".to_owned())}
        </p>
    }
}
