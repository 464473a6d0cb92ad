//! Which app runs in this document (the full app or the small public one) and navigation that
//! stays in it when it can: a path only the other app renders, or one the backend serves, gets
//! a full page load, so the server answers it (with the right app).

use super::guard::served_by_backend;
use leptos::prelude::*;
use leptos_router::{NavigateOptions, hooks::use_navigate};
use std::sync::Arc;
use wasm_bindgen::{JsCast, closure::Closure};
use web_sys::{HtmlAnchorElement, MouseEvent};

/// The app running in this document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppKind {
    /// Every page (`index.html`).
    Full,
    /// The pages a visitor needs before signing in (`public.html`, see [`is_public_page`]).
    Public,
}

impl AppKind {
    /// Makes `self` the app of the components below.
    pub fn provide(self) {
        provide_context(self);
    }

    /// The app of this document (the full app when none was provided).
    pub fn current() -> Self {
        use_context().unwrap_or(Self::Full)
    }

    /// True when this app renders `target` (a path, maybe with query and fragment) itself.
    pub fn renders(self, target: &str) -> bool {
        let path = target.split(['?', '#']).next().unwrap_or(target);
        !served_by_backend(target)
            && match self {
                Self::Full => true,
                Self::Public => is_public_page(path),
            }
    }
}

pub use pocket_shared::spa::is_public_page;

/// The router's `navigate` function.
type NavigateFn = Arc<dyn Fn(&str, NavigateOptions) + Send + Sync>;

/// The router's `navigate`, except that targets this app does not render get a full page load.
#[derive(Clone)]
pub struct AppNavigate {
    app: AppKind,
    navigate: NavigateFn,
}

/// [`AppNavigate`] for the current app; call it where `use_navigate` would be called.
pub fn use_app_navigate() -> AppNavigate {
    AppNavigate {
        app: AppKind::current(),
        navigate: Arc::new(use_navigate()),
    }
}

impl AppNavigate {
    /// Goes to `to`. True when that stays in this document (a client-side navigation); false
    /// when the page is being replaced, so the caller's state no longer matters.
    pub fn go(&self, to: &str, options: NavigateOptions) -> bool {
        if self.app.renders(to) {
            (self.navigate)(to, options);
            true
        } else {
            load_page(to, options.replace);
            false
        }
    }
}

/// A full page load of `to`, replacing the current history entry when `replace`.
pub fn load_page(to: &str, replace: bool) {
    let location = window().location();
    let result = if replace {
        location.replace(to)
    } else {
        location.assign(to)
    };
    if let Err(e) = result {
        leptos::logging::error!("could not open {to}: {e:?}");
    }
}

/// In the public app: a plain click on a same-origin link to a page of the full app loads that
/// page from the server. The router (whose click listener runs later, in the bubbling phase)
/// would otherwise take it as an in-app navigation to a page this app lacks.
pub fn load_other_app_links() {
    let on_click = Closure::<dyn Fn(MouseEvent)>::new(|ev: MouseEvent| {
        // The cases the router leaves to the browser too (new tab, download, target, external).
        if ev.default_prevented()
            || ev.button() != 0
            || ev.meta_key()
            || ev.alt_key()
            || ev.ctrl_key()
            || ev.shift_key()
        {
            return;
        }
        // The outermost link around the click target, like the router.
        let path = ev.composed_path();
        let Some(a) = (0..path.length())
            .rev()
            .find_map(|i| path.get(i).dyn_into::<HtmlAnchorElement>().ok())
        else {
            return;
        };
        let external = a
            .get_attribute("rel")
            .is_some_and(|rel| rel.split_ascii_whitespace().any(|r| r == "external"));
        if !a.target().is_empty() || a.has_attribute("download") || external {
            return;
        }
        let same_origin = window()
            .location()
            .origin()
            .is_ok_and(|origin| origin == a.origin());
        if a.href().is_empty() || !same_origin || AppKind::Public.renders(&a.pathname()) {
            return;
        }
        ev.prevent_default();
        load_page(&a.href(), false);
    });
    let added = window().add_event_listener_with_callback_and_bool(
        "click",
        on_click.as_ref().unchecked_ref(),
        true,
    );
    if let Err(e) = added {
        leptos::logging::error!("could not watch link clicks: {e:?}");
    }
    // Lives as long as the page.
    on_click.forget();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_public_app_renders_its_pages_only() {
        for target in [
            "/login",
            "/login?redirect=%2Fsettings",
            "/login/alternative/code#x",
            "/lc/ABCDEF",
            "/st/token",
            "/signup/add-passkey",
            "/interaction?id=1",
            "/device",
            "/logout",
        ] {
            assert!(AppKind::Public.renders(target), "{target}");
            assert!(AppKind::Full.renders(target), "{target}");
        }
        for target in [
            "/",
            "/settings",
            "/settings/account",
            "/settings/admin/users",
            "/lc/a/b",
            "/st/",
            "/nope",
        ] {
            assert!(!AppKind::Public.renders(target), "{target}");
            assert!(AppKind::Full.renders(target), "{target}");
        }
        for target in [
            "/api/users/me",
            "/authorize?client_id=x",
            "/.well-known/jwks.json",
        ] {
            assert!(!AppKind::Public.renders(target), "{target}");
            assert!(!AppKind::Full.renders(target), "{target}");
        }
    }
}
