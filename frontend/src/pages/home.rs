//! `/`: welcomes the visitor and describes this instance from its public configuration.

use crate::components::{error_view::ErrorView, loading::Loading};
use crate::state::use_app_config;
use leptos::prelude::*;
use pocket_shared::PublicAppConfig;

/// The home page: loading, then the welcome card or the error view.
#[component]
pub fn HomePage() -> impl IntoView {
    let config = use_app_config();
    let retry = Callback::new(move |()| config.refetch());
    view! {
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match config.resource().await {
                    Ok(public) => view! { <Welcome config=public /> }.into_any(),
                    Err(error) => view! { <ErrorView error on_retry=retry /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The welcome card for a loaded configuration.
#[component]
fn Welcome(config: PublicAppConfig) -> impl IntoView {
    let signup = signup_sentence(&config.allow_user_signups);
    let source = config_source_sentence(config.ui_config_disabled);
    view! {
        <section class="card">
            <h1 data-testid="welcome-title">"Welcome to " {config.app_name}</h1>
            <p class="lead">
                "This is a single sign-on service. Applications send you here to sign in, and you \
                 sign in with a passkey: no password to remember or leak."
            </p>
            <dl class="facts">
                <div>
                    <dt>"Sign-up"</dt>
                    <dd data-testid="signup-mode">{signup}</dd>
                </div>
                <div>
                    <dt>"Configuration"</dt>
                    <dd data-testid="config-source">{source}</dd>
                </div>
            </dl>
            <h2>"For developers"</h2>
            <ul class="links">
                // rel="external": these are served by the backend, so the router must not
                // handle the click as an in-app navigation.
                <li>
                    <a href="/api/docs" rel="external" data-testid="api-docs-link">
                        "API reference"
                    </a>
                </li>
                <li>
                    <a
                        href="/.well-known/openid-configuration"
                        rel="external"
                        data-testid="oidc-discovery-link"
                    >
                        "OpenID Connect discovery document"
                    </a>
                </li>
            </ul>
        </section>
    }
}

/// Describes the `allowUserSignups` setting (`disabled`, `withToken`, `open`).
fn signup_sentence(mode: &str) -> &'static str {
    match mode {
        "open" => "Open: anyone can create an account with a passkey.",
        "withToken" => "By invitation: an administrator sends you a sign-up link.",
        // `disabled`, and any value this build does not know: describe the closed case rather
        // than promise a sign-up that may not exist.
        _ => "Closed: accounts are created by an administrator.",
    }
}

/// Describes where the settings come from (`uiConfigDisabled`).
fn config_source_sentence(ui_config_disabled: bool) -> &'static str {
    if ui_config_disabled {
        "Managed through environment variables; it cannot be changed from the admin pages."
    } else {
        "Managed by administrators from the admin pages."
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signup_modes_have_distinct_sentences() {
        let open = signup_sentence("open");
        let token = signup_sentence("withToken");
        let disabled = signup_sentence("disabled");
        assert!(open.starts_with("Open"));
        assert!(token.starts_with("By invitation"));
        assert!(disabled.starts_with("Closed"));
    }

    #[test]
    fn unknown_signup_modes_read_as_closed() {
        assert_eq!(signup_sentence("sometimes"), signup_sentence("disabled"));
        assert_eq!(signup_sentence(""), signup_sentence("disabled"));
    }

    #[test]
    fn config_source_follows_ui_config_disabled() {
        assert!(config_source_sentence(true).contains("environment variables"));
        assert!(!config_source_sentence(false).contains("environment variables"));
    }
}
