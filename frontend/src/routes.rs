//! The route table: one `Route` per page, and the not-found page for everything else.

use crate::pages::{home::HomePage, not_found::NotFoundPage};
use leptos::prelude::*;
use leptos_router::{
    components::{Route, Routes},
    path,
};

/// All client-side routes; rendered inside the layout's `<main>`.
#[component]
pub fn AppRoutes() -> impl IntoView {
    view! {
        <Routes fallback=|| view! { <NotFoundPage /> }>
            <Route path=path!("/") view=HomePage />
        </Routes>
    }
}
