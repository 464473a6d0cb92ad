//! `/interaction/error?error=<message>`: where the server sends the browser when an
//! authorization request fails in a way the client must not learn about (e.g. the user is not
//! in one of the client's groups). The message is shown as text, never as HTML.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The text shown for `?error=`: trimmed, a generic sentence when missing, and bounded so a
/// crafted link cannot fill the page.
pub fn error_text(raw: Option<&str>) -> String {
    const MAX_CHARS: usize = 500;
    match raw.map(str::trim).filter(|m| !m.is_empty()) {
        Some(message) if message.chars().count() > MAX_CHARS => {
            let cut: String = message.chars().take(MAX_CHARS).collect();
            format!("{cut}…")
        }
        Some(message) => message.to_owned(),
        None => "The authorization request could not be completed.".to_owned(),
    }
}

/// The error page.
#[component]
pub fn InteractionErrorPage() -> impl IntoView {
    let query = use_query_map();
    let message = Signal::derive(move || query.with(|q| error_text(q.get("error").as_deref())));
    view! { <Problem title="Authorization failed" message /> }
}

/// A dead end of an authorization: what happened and a way home.
#[component]
pub fn Problem(
    /// The heading.
    #[prop(into)]
    title: String,
    /// What went wrong (plain text).
    #[prop(into)]
    message: Signal<String>,
) -> impl IntoView {
    view! {
        <section
            class="card card--narrow error-view"
            aria-labelledby="problem-title"
            data-testid="interaction-problem"
        >
            <h1 class="error-view__title" id="problem-title" data-testid="problem-title">
                {title}
            </h1>
            <p class="error-view__message" data-testid="problem-message">
                {move || message.get()}
            </p>
            <p>
                <a href="/" data-testid="problem-home-link">
                    "Go to the home page"
                </a>
            </p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_trimmed_defaulted_and_bounded() {
        assert_eq!(
            error_text(Some("  You are not allowed to access this service. ")),
            "You are not allowed to access this service."
        );
        assert_eq!(
            error_text(None),
            "The authorization request could not be completed."
        );
        assert_eq!(error_text(Some("  ")), error_text(None));
        let long = "x".repeat(600);
        let shown = error_text(Some(&long));
        assert_eq!(shown.chars().count(), 501);
        assert!(shown.ends_with('…'));
    }
}
