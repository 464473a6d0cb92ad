//! Routes that only send the browser elsewhere: `/`, `/setup`, `/lc[/:code]`, `/settings`.

use super::guard::{login_code_url, settings_home};
use super::navigation::use_app_navigate;
use crate::components::{loader::Loaded, loading::Loading};
use crate::state::use_app_config;
use leptos::prelude::*;
use leptos_router::{
    NavigateOptions,
    hooks::{use_params_map, use_query_map},
};

/// Navigates to `to` (replacing the history entry) once mounted, showing "Loading…" meanwhile.
#[component]
pub fn Navigate(#[prop(into)] to: String) -> impl IntoView {
    let navigate = use_app_navigate();
    // In an effect, not during render: the router must finish the current navigation first.
    Effect::new(move || {
        navigate.go(
            &to,
            NavigateOptions {
                replace: true,
                ..Default::default()
            },
        );
    });
    view! { <Loading /> }
}

/// `/`: visitors go to `/login` (the guard sends signed-in users to `/settings`).
#[component]
pub fn RootRedirect() -> impl IntoView {
    view! { <Navigate to="/login" /> }
}

/// `/setup`: alias of `/signup/setup`.
#[component]
pub fn SetupAlias() -> impl IntoView {
    view! { <Navigate to="/signup/setup" /> }
}

/// `/lc` and `/lc/:code`: aliases of `/login/alternative/code[?code=…]`, keeping `redirect`.
#[component]
pub fn LoginCodeAlias() -> impl IntoView {
    let code = use_params_map().with_untracked(|p| p.get("code"));
    let redirect = use_query_map().with_untracked(|q| q.get("redirect"));
    view! { <Navigate to=login_code_url(code.as_deref(), redirect.as_deref()) /> }
}

/// `/settings`: opens the configured home page (`homePageUrl`, default `/settings/account`).
#[component]
pub fn SettingsRedirect() -> impl IntoView {
    let config = use_app_config();
    view! {
        <Loaded resource=config.resource() let:public>
            <Navigate to=settings_home(&public.home_page_url) />
        </Loaded>
    }
}
