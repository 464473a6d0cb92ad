//! The settings shell: a sidebar with the signed-in user's pages (My Account, My Apps, Audit
//! Log) and, for administrators only, the admin section; the routed settings page beside it.
//! `SettingsLayout` is the view of the `/settings` parent route (pages render in its `<Outlet/>`).

use crate::state::use_session;
use leptos::prelude::*;
use leptos_router::{components::Outlet, hooks::use_location};

/// One link of the sidebar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NavItem {
    /// The path the link opens.
    pub href: &'static str,
    /// The visible text.
    pub label: &'static str,
    /// `data-testid` of the link.
    pub testid: &'static str,
}

/// The pages every signed-in user has.
pub const USER_ITEMS: &[NavItem] = &[
    NavItem {
        href: "/settings/account",
        label: "My Account",
        testid: "nav-account",
    },
    NavItem {
        href: "/settings/apps",
        label: "My Apps",
        testid: "nav-apps",
    },
    NavItem {
        href: "/settings/audit-log",
        label: "Audit Log",
        testid: "nav-audit-log",
    },
];

/// The administration pages (shown to administrators only; the route guard enforces it).
pub const ADMIN_ITEMS: &[NavItem] = &[
    NavItem {
        href: "/settings/admin/users",
        label: "Users",
        testid: "nav-admin-users",
    },
    NavItem {
        href: "/settings/admin/user-groups",
        label: "User Groups",
        testid: "nav-admin-user-groups",
    },
    NavItem {
        href: "/settings/admin/oidc-clients",
        label: "OIDC Clients",
        testid: "nav-admin-oidc-clients",
    },
    NavItem {
        href: "/settings/admin/apis",
        label: "OAuth APIs",
        testid: "nav-admin-apis",
    },
    NavItem {
        href: "/settings/admin/api-keys",
        label: "API Keys",
        testid: "nav-admin-api-keys",
    },
    NavItem {
        href: "/settings/admin/application-configuration",
        label: "Application Configuration",
        testid: "nav-admin-application-configuration",
    },
    NavItem {
        href: "/settings/audit-log/global",
        label: "Global Audit Log",
        testid: "nav-admin-audit-log",
    },
];

/// The link that stands for `path`: the item whose `href` is the longest prefix of it at a
/// segment boundary (so `/settings/admin/users/<id>` marks "Users", and
/// `/settings/audit-log/global` marks "Global Audit Log", not "Audit Log").
pub fn active_href(path: &str, is_admin: bool) -> Option<&'static str> {
    let path = path.trim_end_matches('/');
    let admin: &[NavItem] = if is_admin { ADMIN_ITEMS } else { &[] };
    USER_ITEMS
        .iter()
        .chain(admin)
        .filter(|item| {
            path == item.href
                || path
                    .strip_prefix(item.href)
                    .is_some_and(|rest| rest.starts_with('/'))
        })
        .max_by_key(|item| item.href.len())
        .map(|item| item.href)
}

/// The `/settings` layout: sidebar navigation and the routed page.
#[component]
pub fn SettingsLayout() -> impl IntoView {
    view! {
        <div class="settings-shell" data-testid="settings-shell">
            <SettingsNav />
            <div class="settings-shell__content">
                <Outlet />
            </div>
        </div>
    }
}

/// The sidebar. The link of the current page carries `aria-current="page"`.
#[component]
pub fn SettingsNav() -> impl IntoView {
    let session = use_session();
    let location = use_location();
    let is_admin = Memo::new(move |_| session.user().is_some_and(|u| u.is_admin));
    let active = Memo::new(move |_| active_href(&location.pathname.get(), is_admin.get()));
    let link = move |item: &'static NavItem| {
        view! {
            <li>
                <a
                    class="settings-nav__link"
                    href=item.href
                    data-testid=item.testid
                    aria-current=move || (active.get() == Some(item.href)).then_some("page")
                >
                    {item.label}
                </a>
            </li>
        }
    };
    view! {
        <nav class="settings-nav" aria-label="Settings" data-testid="settings-nav">
            <ul class="settings-nav__list">{USER_ITEMS.iter().map(link).collect_view()}</ul>
            <Show when=move || is_admin.get()>
                <h2 class="settings-nav__heading" id="settings-nav-admin">
                    "Administration"
                </h2>
                <ul
                    class="settings-nav__list"
                    aria-labelledby="settings-nav-admin"
                    data-testid="settings-nav-admin"
                >
                    {ADMIN_ITEMS.iter().map(link).collect_view()}
                </ul>
            </Show>
        </nav>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_matching_item_is_active() {
        assert_eq!(
            active_href("/settings/account", false),
            Some("/settings/account")
        );
        assert_eq!(
            active_href("/settings/account/", false),
            Some("/settings/account")
        );
        assert_eq!(
            active_href("/settings/audit-log/global", true),
            Some("/settings/audit-log/global")
        );
        assert_eq!(
            active_href("/settings/audit-log", true),
            Some("/settings/audit-log")
        );
        assert_eq!(
            active_href("/settings/admin/users/0b5c", true),
            Some("/settings/admin/users")
        );
        assert_eq!(
            active_href("/settings/admin/user-groups/1", true),
            Some("/settings/admin/user-groups")
        );
        assert_eq!(active_href("/settings/accountx", false), None);
        assert_eq!(active_href("/settings", false), None);
    }

    #[test]
    fn admin_items_are_active_only_for_administrators() {
        assert_eq!(active_href("/settings/admin/users", false), None);
        // The global log would otherwise mark the user's own log.
        assert_eq!(
            active_href("/settings/audit-log/global", false),
            Some("/settings/audit-log")
        );
    }

    #[test]
    fn every_item_lives_under_settings_with_a_unique_test_id() {
        let all: Vec<&NavItem> = USER_ITEMS.iter().chain(ADMIN_ITEMS).collect();
        for item in &all {
            assert!(item.href.starts_with("/settings/"), "{}", item.href);
        }
        let mut ids: Vec<&str> = all.iter().map(|i| i.testid).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), all.len());
    }
}
