//! The root component: provides the configuration and session contexts, the router and the page
//! shell.

use crate::{
    components::layout::Layout,
    routes::AppRoutes,
    state::{AppConfig, Session},
};
use leptos::prelude::*;
use leptos_router::components::Router;

/// The whole application.
#[component]
pub fn App() -> impl IntoView {
    let config = AppConfig::provide();
    Session::provide();
    // The tab shows the instance's own name once it is known (index.html carries a default).
    Effect::new(move || {
        if let Some(name) = config.app_name().filter(|name| !name.trim().is_empty()) {
            document().set_title(&name);
        }
    });
    view! {
        <Router>
            <Layout>
                <AppRoutes />
            </Layout>
        </Router>
    }
}
