//! The page shell: a header with the logo and the instance name, and the `<main>` region that
//! holds the routed page.

use crate::state::use_app_config;
use leptos::prelude::*;

/// Header plus `<main>`; `children` is the routed page.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let config = use_app_config();
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
            </div>
        </header>
        <main id="main" class="site-main">
            {children()}
        </main>
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
