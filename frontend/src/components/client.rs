//! An OIDC client as the consent and device pages show it: its logo (light and dark variants,
//! initials when it has none), the requested scopes in plain words, and the Deny / approve
//! buttons.

use crate::api::oidc::client_logo_url;
use leptos::prelude::*;
use pocket_shared::oidc::{OidcClientMetaDto, scope_description};

/// Up to two letters standing for a client without a logo: the first letters of its first two
/// words ("My Cloud" → "MC"), or the first letter of a single word.
pub fn client_initials(name: &str) -> String {
    let initials: String = name
        .split(|c: char| c.is_whitespace() || matches!(c, '-' | '_' | '.'))
        .filter_map(|word| word.chars().find(|c| c.is_alphanumeric()))
        .take(2)
        .flat_map(char::to_uppercase)
        .collect();
    if initials.is_empty() {
        "?".to_owned()
    } else {
        initials
    }
}

/// A requested scope in plain words: the title (the scope's own name when it is not a
/// standard one) and, for standard scopes, what it lets the client do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeLine {
    /// The scope as requested.
    pub scope: String,
    /// "Your email address", or the scope itself.
    pub title: String,
    /// "See your email address"; `None` for scopes we have no words for.
    pub text: Option<&'static str>,
}

/// Describes `scopes` in the order given, each once.
pub fn describe_scopes<'a>(scopes: impl IntoIterator<Item = &'a str>) -> Vec<ScopeLine> {
    let mut lines: Vec<ScopeLine> = Vec::new();
    for scope in scopes.into_iter().map(str::trim).filter(|s| !s.is_empty()) {
        if lines.iter().any(|l| l.scope == scope) {
            continue;
        }
        let (title, text) = match scope_description(scope) {
            Some((title, text)) => (title.to_owned(), Some(text)),
            None => (scope.to_owned(), None),
        };
        lines.push(ScopeLine {
            scope: scope.to_owned(),
            title,
            text,
        });
    }
    lines
}

/// The client's logo: the dark variant under a dark colour scheme when it has one; its
/// initials when it has no logo or the image fails to load. Decorative: the client's name is
/// always written next to it.
#[component]
pub fn ClientLogo(
    /// The client.
    client: OidcClientMetaDto,
    /// 64 instead of 56 CSS pixels (the consent cards).
    #[prop(optional)]
    large: bool,
) -> impl IntoView {
    let size: u32 = if large { 64 } else { 56 };
    let failed = RwSignal::new(false);
    let initials = client_initials(&client.name);
    let light = client.has_logo.then(|| client_logo_url(&client.id, true));
    let dark = client
        .has_dark_logo
        .then(|| client_logo_url(&client.id, false));
    let initials_class = if large {
        "client-logo client-logo--initials client-logo--large"
    } else {
        "client-logo client-logo--initials"
    };
    move || {
        // With only a dark logo, it serves both schemes.
        let src = light.clone().or_else(|| dark.clone());
        match src {
            Some(src) if !failed.get() => {
                let dark_source = light.is_some().then(|| dark.clone()).flatten();
                view! {
                    <picture class="client-logo" data-testid="client-logo" aria-hidden="true">
                        {dark_source
                            .map(|srcset| {
                                view! { <source srcset=srcset media="(prefers-color-scheme: dark)" /> }
                            })}
                        <img
                            class="client-logo__image"
                            src=src
                            alt=""
                            width=size
                            height=size
                            on:error=move |_| failed.set(true)
                        />
                    </picture>
                }
                    .into_any()
            }
            _ => view! {
                <span
                    class=initials_class
                    data-testid="client-logo-initials"
                    aria-hidden="true"
                >
                    {initials.clone()}
                </span>
            }
            .into_any(),
        }
    }
}

/// The requested scopes as a list of what the client may see; a line saying so when it asks
/// for nothing.
#[component]
pub fn ScopeList(
    /// The scopes, as requested.
    scopes: Vec<String>,
) -> impl IntoView {
    let lines = describe_scopes(scopes.iter().map(String::as_str));
    if lines.is_empty() {
        return view! {
            <p class="hint" data-testid="scopes-none">
                "It does not ask for any of your account details."
            </p>
        }
        .into_any();
    }
    view! {
        <ul class="scopes" data-testid="scopes">
            {lines
                .into_iter()
                .map(|line| {
                    view! {
                        <li class="scope" data-testid="scope" data-scope=line.scope>
                            <span class="scope__title">{line.title}</span>
                            {line.text.map(|text| view! { <span class="scope__text">{text}</span> })}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_take_the_first_letters_of_two_words() {
        assert_eq!(client_initials("My Cloud Drive"), "MC");
        assert_eq!(client_initials("nextcloud"), "N");
        assert_eq!(client_initials("home-assistant"), "HA");
        assert_eq!(client_initials("  (beta) tool"), "BT");
        assert_eq!(client_initials("élan vital"), "ÉV");
        assert_eq!(client_initials("   "), "?");
    }

    #[test]
    fn standard_scopes_get_words_and_others_keep_their_name() {
        let lines = describe_scopes(["openid", "email", "orders:read", "email", " "]);
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0].title, "Your identity");
        assert_eq!(lines[1].text, Some("See your email address"));
        assert_eq!(
            lines[2],
            ScopeLine {
                scope: "orders:read".into(),
                title: "orders:read".into(),
                text: None
            }
        );
    }
}

/// Deny and approve buttons of a request (consent, device): both disabled while anything runs,
/// the running one saying so.
#[component]
pub fn DecisionButtons(
    /// `data-testid` of the Deny button.
    deny_testid: &'static str,
    /// `data-testid` of the approve button.
    approve_testid: &'static str,
    /// "Allow", "Authorize".
    approve_label: &'static str,
    /// "Allowing…", "Authorizing…".
    approving_label: &'static str,
    /// Some decision is being sent.
    #[prop(into)]
    busy: Signal<bool>,
    #[prop(into)] denying: Signal<bool>,
    #[prop(into)] approving: Signal<bool>,
    on_deny: Callback<()>,
    on_approve: Callback<()>,
) -> impl IntoView {
    view! {
        <div class="consent__actions">
            <button
                type="button"
                class="button"
                data-testid=deny_testid
                disabled=move || busy.get()
                on:click=move |_| on_deny.run(())
            >
                {move || if denying.get() { "Denying…" } else { "Deny" }}
            </button>
            <button
                type="button"
                class="button button--primary"
                data-testid=approve_testid
                disabled=move || busy.get()
                on:click=move |_| on_approve.run(())
            >
                {move || if approving.get() { approving_label } else { approve_label }}
            </button>
        </div>
    }
}
