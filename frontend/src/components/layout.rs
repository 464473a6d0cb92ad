//! The page shell: a header with the logo, the instance name and (when signed in) the user with
//! a sign-out button; the `<main>` region that holds the routed page; a footer with links for
//! developers.

use crate::api;
use crate::components::avatar::Avatar;
use crate::routes::navigation::use_app_navigate;
use crate::state::{use_app_config, use_session};
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use pocket_shared::UserDto;

/// Header, `<main>` and footer; `children` is the routed page.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let config = use_app_config();
    let session = use_session();
    let navigate = use_app_navigate();
    // Lives here, not in the user menu, because the menu disappears as soon as it succeeds.
    let sign_out = Action::new_local(move |_: &()| {
        let navigate = navigate.clone();
        async move {
            match api::webauthn::logout().await {
                // Already signed out elsewhere: the goal is reached all the same.
                Err(e) if !e.is_not_signed_in() => Err(e.user_message()),
                _ => {
                    // Navigate first, then clear the session, so the guard sees the sign-in
                    // page (not the protected page we left) when it reacts.
                    if navigate.go("/login", NavigateOptions::default()) {
                        session.set_signed_out();
                    }
                    Ok(())
                }
            }
        }
    });
    let user_menu = move || {
        session
            .user()
            .map(|user| view! { <UserMenu user sign_out /> })
    };
    let app_name = move || match config.app_name() {
        Some(name) => view! {
            <span class="brand__name" data-testid="app-name">
                {name}
            </span>
        }
        .into_any(),
        // Neutral while loading (and after an error, which the page itself reports): showing a
        // default name first would flash the wrong brand on renamed instances.
        None => view! {
            <span
                class="brand__name brand__name--placeholder"
                data-testid="app-name-placeholder"
                aria-hidden="true"
            ></span>
        }
        .into_any(),
    };
    view! {
        <header class="site-header">
            <div class="site-header__inner">
                <a class="brand" href="/">
                    <Logo />
                    {app_name}
                </a>
                {user_menu}
            </div>
        </header>
        <main id="main" class="site-main">
            {children()}
        </main>
        <footer class="site-footer">
            // rel="external": these are served by the backend, so the router must not handle
            // the click as an in-app navigation.
            <a href="/api/docs" rel="external" data-testid="api-docs-link">
                "API reference"
            </a>
            <a
                href="/.well-known/openid-configuration"
                rel="external"
                data-testid="oidc-discovery-link"
            >
                "OpenID Connect discovery"
            </a>
        </footer>
    }
}

/// The signed-in user's avatar and name, and the sign-out button.
#[component]
fn UserMenu(user: UserDto, sign_out: Action<(), Result<(), String>>) -> impl IntoView {
    let name = display_name(&user);
    let error = move || sign_out.value().get().and_then(Result::err);
    view! {
        <div class="user-menu">
            <Avatar user_id=user.id.clone() size=32 testid="header-avatar" />
            <span class="user-menu__name" data-testid="header-user-name">
                {name}
            </span>
            <button
                type="button"
                class="button button--small"
                data-testid="sign-out-button"
                disabled=move || sign_out.pending().get()
                on:click=move |_| {
                    sign_out.dispatch(());
                }
            >
                "Sign out"
            </button>
            {move || {
                error()
                    .map(|message| {
                        view! {
                            <p class="user-menu__error" role="alert" data-testid="sign-out-error">
                                {message}
                            </p>
                        }
                    })
            }}
        </div>
    }
}

/// The name to greet a user with: display name, else first and last name, else username.
pub fn display_name(user: &UserDto) -> String {
    let display = user.display_name.trim();
    if !display.is_empty() {
        return display.to_owned();
    }
    let full = format!("{} {}", user.first_name.trim(), user.last_name.trim());
    let full = full.trim();
    if full.is_empty() {
        user.username.clone()
    } else {
        full.to_owned()
    }
}

/// The key mark (same drawing as `favicon.svg`), decorative: the name next to it is the label.
#[component]
fn Logo() -> impl IntoView {
    view! {
        <svg
            class="brand__logo"
            xmlns="http://www.w3.org/2000/svg"
            viewBox="0 0 32 32"
            width="32"
            height="32"
            aria-hidden="true"
            focusable="false"
        >
            <rect class="brand__logo-bg" width="32" height="32" rx="8" />
            <g class="brand__logo-key" fill="none" stroke-width="2.5" stroke-linecap="round">
                <circle cx="11.5" cy="16" r="4.75" />
                <path d="M16.25 16H26M22 16v4M26 16v3" />
            </g>
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(display: &str, first: &str, last: &str) -> UserDto {
        UserDto {
            id: "u1".into(),
            username: "alice".into(),
            email: None,
            email_verified: false,
            first_name: first.into(),
            last_name: last.into(),
            display_name: display.into(),
            is_admin: false,
            locale: None,
            disabled: false,
            ldap_id: None,
            custom_claims: vec![],
            user_groups: vec![],
        }
    }

    #[test]
    fn display_name_falls_back_to_full_name_then_username() {
        assert_eq!(display_name(&user("Al", "Alice", "Liddell")), "Al");
        assert_eq!(
            display_name(&user(" ", "Alice", "Liddell")),
            "Alice Liddell"
        );
        assert_eq!(display_name(&user("", "Alice", "")), "Alice");
        assert_eq!(display_name(&user("", "", "")), "alice");
    }
}
