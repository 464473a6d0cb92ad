//! The root components of the two apps: both provide the configuration and session contexts,
//! the router and the page shell; they differ in their route tables.

use crate::{
    components::layout::Layout,
    routes::{
        AppRoutes, PublicRoutes,
        navigation::{AppKind, load_other_app_links},
    },
    state::{AppConfig, Session},
};
use leptos::prelude::*;
use leptos_router::components::Router;

/// The full application: every page.
#[component]
pub fn App() -> impl IntoView {
    AppKind::Full.provide();
    view! {
        <Shell>
            <AppRoutes />
        </Shell>
    }
}

/// The public application: the pages reachable before signing in. Any other path is the full
/// app's, which the server sends when the browser loads it.
#[component]
pub fn PublicApp() -> impl IntoView {
    AppKind::Public.provide();
    load_other_app_links();
    view! {
        <Shell>
            <PublicRoutes />
        </Shell>
    }
}

/// Contexts, router and layout around a route table (`children`).
#[component]
fn Shell(children: Children) -> impl IntoView {
    let config = AppConfig::provide();
    Session::provide();
    // The tab shows the instance's own name once it is known (the HTML carries a default).
    Effect::new(move || {
        if let Some(name) = config.app_name().filter(|name| !name.trim().is_empty()) {
            document().set_title(&name);
        }
    });
    view! {
        <Router>
            <Layout>{children()}</Layout>
        </Router>
    }
}
