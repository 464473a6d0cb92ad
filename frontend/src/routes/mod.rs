//! The route tables (Pocket ID's paths) of the full and the public app, the guard that applies
//! the session rules to every route, and the alias routes that only redirect.

pub mod guard;
pub mod navigation;
mod redirects;

use crate::components::{error_view::ErrorView, loading::Loading, settings_nav::SettingsLayout};
use crate::pages::{
    device::DevicePage,
    interaction::{InteractionPage, error::InteractionErrorPage},
    login::{LoginPage, alternative::AlternativeLoginPage, code::LoginCodePage},
    logout::LogoutPage,
    not_found::NotFoundPage,
    settings::account::AccountPage,
    signup::{add_passkey::AddPasskeyPage, setup::SetupPage},
};
use crate::state::{SessionState, use_session};
use guard::{Access, Viewer, access_for, guard_redirect};
use leptos::prelude::*;
use leptos_router::{
    NavigateOptions,
    components::{ParentRoute, Route, Routes},
    hooks::use_location,
    path,
};
use navigation::{load_page, use_app_navigate};
pub use redirects::Navigate;
use redirects::{LoginCodeAlias, RootRedirect, SettingsRedirect, SetupAlias};

/// The full app's routes (every page), behind the session guard; rendered inside the layout's
/// `<main>`.
#[component]
pub fn AppRoutes() -> impl IntoView {
    view! {
        <RouteGuard>
            <Routes fallback=|| view! { <NotFoundPage /> }>
                <Route path=path!("/") view=RootRedirect />
                <Route path=path!("/login") view=LoginPage />
                <Route path=path!("/login/alternative") view=AlternativeLoginPage />
                <Route path=path!("/login/alternative/code") view=LoginCodePage />
                <Route path=path!("/lc") view=LoginCodeAlias />
                <Route path=path!("/lc/:code") view=LoginCodeAlias />
                <Route path=path!("/setup") view=SetupAlias />
                <Route path=path!("/signup/setup") view=SetupPage />
                <Route path=path!("/signup/add-passkey") view=AddPasskeyPage />
                <Route path=path!("/signup") view=crate::pages::signup::sign_up::SignupPage />
                <Route path=path!("/st/:token") view=crate::pages::signup::sign_up::SignupTokenAlias />
                // Every `/settings/*` page inside the settings layout (sidebar navigation).
                <ParentRoute path=path!("/settings") view=SettingsLayout>
                    <Route path=path!("") view=SettingsRedirect />
                    <Route path=path!("account") view=AccountPage />
                    <Route path=path!("apps") view=crate::pages::apps::MyAppsPage />
                    <Route path=path!("audit-log") view=crate::pages::audit_log::AuditLogPage />
                    <Route path=path!("audit-log/global") view=crate::pages::audit_log::GlobalAuditLogPage />
                    <Route path=path!("admin/users") view=crate::pages::admin::users::UsersPage />
                    <Route path=path!("admin/users/:id") view=crate::pages::admin::users::UserPage />
                    <Route path=path!("admin/user-groups") view=crate::pages::admin::user_groups::UserGroupsPage />
                    <Route path=path!("admin/user-groups/:id") view=crate::pages::admin::user_groups::UserGroupPage />
                    <Route path=path!("admin/api-keys") view=crate::pages::admin::api_keys::ApiKeysPage />
                    <Route path=path!("admin/oidc-clients") view=crate::pages::admin::oidc_clients::OidcClientsPage />
                    <Route path=path!("admin/oidc-clients/:id") view=crate::pages::admin::oidc_clients::OidcClientPage />
                    <Route path=path!("admin/apis") view=crate::pages::admin::apis::ApisPage />
                    <Route path=path!("admin/apis/:id") view=crate::pages::admin::apis::ApiPage />
                    <Route path=path!("admin/application-configuration") view=crate::pages::admin::app_config::AppConfigPage />
                </ParentRoute>
                <Route path=path!("/interaction") view=InteractionPage />
                <Route path=path!("/interaction/error") view=InteractionErrorPage />
                <Route path=path!("/device") view=DevicePage />
                <Route path=path!("/logout") view=LogoutPage />
            </Routes>
        </RouteGuard>
    }
}

/// The public app's routes: the pages a visitor needs before signing in
/// ([`navigation::is_public_page`]; keep the two lists equal). The server sends the full app for
/// every other path, which this app reaches by loading it from the server ([`LoadFullApp`]).
#[component]
pub fn PublicRoutes() -> impl IntoView {
    // Read before the router first navigates (e.g. a guard redirect).
    let loaded_at = window().location().pathname().unwrap_or_default();
    let fallback = move || view! { <LoadFullApp loaded_at=loaded_at.clone() /> };
    view! {
        <RouteGuard>
            <Routes fallback=fallback.clone()>
                <Route path=path!("/login") view=LoginPage />
                <Route path=path!("/login/alternative") view=AlternativeLoginPage />
                <Route path=path!("/login/alternative/code") view=LoginCodePage />
                <Route path=path!("/lc") view=LoginCodeAlias />
                <Route path=path!("/lc/:code") view=LoginCodeAlias />
                <Route path=path!("/setup") view=SetupAlias />
                <Route path=path!("/signup/setup") view=SetupPage />
                <Route path=path!("/signup/add-passkey") view=AddPasskeyPage />
                <Route path=path!("/signup") view=crate::pages::signup::sign_up::SignupPage />
                <Route path=path!("/st/:token") view=crate::pages::signup::sign_up::SignupTokenAlias />
                <Route path=path!("/interaction") view=InteractionPage />
                <Route path=path!("/interaction/error") view=InteractionErrorPage />
                <Route path=path!("/device") view=DevicePage />
                <Route path=path!("/logout") view=LogoutPage />
            </Routes>
        </RouteGuard>
    }
}

/// The public app's fallback: a path of the full app that reached the router in this document
/// (links and [`navigation::AppNavigate`] load those pages directly; this catches the rest).
/// Loads it from the server (replacing the history entry the router made), which answers with
/// the full app. The path this document was loaded for is not the full app's, or the server
/// would have sent that one: it gets "Page not found" rather than a reload loop.
#[component]
fn LoadFullApp(loaded_at: String) -> impl IntoView {
    let location = use_location();
    let path = location.pathname.get_untracked();
    if path == loaded_at {
        return view! { <NotFoundPage /> }.into_any();
    }
    let mut url = path;
    let search = location.search.get_untracked();
    let search = search.trim_start_matches('?');
    if !search.is_empty() {
        url.push('?');
        url.push_str(search);
    }
    let hash = location.hash.get_untracked();
    let hash = hash.trim_start_matches('#');
    if !hash.is_empty() {
        url.push('#');
        url.push_str(hash);
    }
    // After the router has finished this navigation (its history entry is the one replaced).
    Effect::new(move || load_page(&url, true));
    view! { <Loading /> }.into_any()
}

/// What the guard does for the current path and session.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Verdict {
    /// The session is not known yet.
    Wait,
    /// Show the page.
    Render,
    /// Go elsewhere (replacing the history entry).
    Redirect(String),
    /// The session could not be loaded.
    Failed,
}

/// Renders its children only when the session rules allow the current path; otherwise waits
/// for the session, redirects, or shows why the session could not be loaded.
#[component]
fn RouteGuard(children: ChildrenFn) -> impl IntoView {
    let session = use_session();
    let location = use_location();
    let navigate = use_app_navigate();
    let verdict = Memo::new(move |_| {
        let path = location.pathname.get();
        let search = location.search.get();
        let search = search.trim_start_matches('?');
        let search = if search.is_empty() {
            String::new()
        } else {
            format!("?{search}")
        };
        let redirect = location.query.with(|q| q.get("redirect"));
        let viewer = match session.state() {
            // Public pages do not depend on the session, so they never wait for it.
            _ if access_for(&path) == Access::Public => return Verdict::Render,
            SessionState::Loading => return Verdict::Wait,
            SessionState::Failed(_) => return Verdict::Failed,
            SessionState::SignedIn(user) => Viewer::from_session(Some(user.is_admin)),
            SessionState::SignedOut => Viewer::from_session(None),
        };
        match guard_redirect(&path, &search, redirect.as_deref(), viewer) {
            Some(to) => Verdict::Redirect(to),
            None => Verdict::Render,
        }
    });
    Effect::new(move || {
        if let Verdict::Redirect(to) = verdict.get() {
            // A page load for targets the server answers (e.g. back to an OIDC authorize
            // request) or the other app renders.
            navigate.go(
                &to,
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        }
    });
    // Keyed on the kind only, so moving between allowed pages does not rebuild the router.
    let show_page = Memo::new(move |_| verdict.get() == Verdict::Render);
    let failed = Memo::new(move |_| verdict.get() == Verdict::Failed);
    move || {
        if show_page.get() {
            children().into_any()
        } else if failed.get() {
            let error = match session.state() {
                SessionState::Failed(error) => Some(error),
                _ => None,
            };
            let retry = Callback::new(move |()| session.retry());
            error
                .map(|error| view! { <ErrorView error on_retry=retry /> })
                .into_any()
        } else {
            view! { <Loading /> }.into_any()
        }
    }
}
