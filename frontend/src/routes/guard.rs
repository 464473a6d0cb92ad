//! Who may see which path (Pocket ID's root-layout rules), as pure functions, plus the
//! `redirect` parameter handling shared by the sign-in pages.

/// How a path relates to the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Reachable signed in or not (login-code links, the OIDC interaction, error, device and
    /// logout pages, which sign the user in inline or do not need a session).
    Public,
    /// Only for visitors: signed-in users are sent on (`/login`, `/setup`, ...).
    GuestOnly,
    /// Needs a session: visitors are sent to `/login?redirect=<path>`.
    Protected,
    /// Needs an administrator's session (`/settings/admin/*` and the global audit log):
    /// visitors go to the sign-in page, other users to `/settings`.
    Admin,
}

/// Who is looking at a page, as far as the guard cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    /// Not signed in.
    Visitor,
    /// Signed in without administrator rights.
    User,
    /// Signed in as an administrator.
    Admin,
}

impl Viewer {
    /// The viewer for a session: `None` when signed out, else the user's admin flag.
    pub fn from_session(is_admin: Option<bool>) -> Self {
        match is_admin {
            None => Self::Visitor,
            Some(false) => Self::User,
            Some(true) => Self::Admin,
        }
    }
}

/// Classifies a path (without query string).
pub fn access_for(path: &str) -> Access {
    let path = normalize(path);
    const PUBLIC: &[&str] = &[
        "/login/alternative/code",
        "/device",
        "/interaction",
        "/interaction/error",
        "/logout",
        "/health",
        "/healthz",
    ];
    const GUEST_ONLY: &[&str] = &["/", "/login", "/lc", "/signup", "/signup/setup", "/setup"];
    if PUBLIC.contains(&path) || path.starts_with("/lc/") {
        Access::Public
    } else if path == "/settings/admin"
        || path.starts_with("/settings/admin/")
        || path == "/settings/audit-log/global"
    {
        Access::Admin
    } else if GUEST_ONLY.contains(&path) || path.starts_with("/login/") || path.starts_with("/st/")
    {
        Access::GuestOnly
    } else {
        Access::Protected
    }
}

/// Where the guard sends the user instead of rendering `path`, if anywhere. `search` is the
/// query string including its `?` (or empty); `redirect` the current `redirect` parameter.
pub fn guard_redirect(
    path: &str,
    search: &str,
    redirect: Option<&str>,
    viewer: Viewer,
) -> Option<String> {
    match (access_for(path), viewer) {
        (Access::Protected | Access::Admin, Viewer::Visitor) => {
            Some(login_url(&format!("{path}{search}")))
        }
        // Pocket ID sends non-administrators from the admin pages to `/settings`.
        (Access::Admin, Viewer::User) => Some("/settings".to_owned()),
        // A signed-in user who opens a sign-in page (e.g. a stale tab) continues where the
        // sign-in would have taken them.
        (Access::GuestOnly, Viewer::User | Viewer::Admin) => Some(after_sign_in(redirect)),
        _ => None,
    }
}

/// `/login?redirect=<target>` (the target percent-encoded like `encodeURIComponent`).
pub fn login_url(target: &str) -> String {
    format!("/login?redirect={}", encode_uri_component(target))
}

/// Where to go after signing in: the `redirect` parameter when it is safe, else `/settings`.
pub fn after_sign_in(redirect: Option<&str>) -> String {
    redirect
        .and_then(safe_redirect)
        .unwrap_or("/settings")
        .to_owned()
}

/// A `redirect` value we follow: a same-origin path. It must start with `/` but not `//` or
/// `/\` (browsers read both as another host), and contain no control characters.
pub fn safe_redirect(raw: &str) -> Option<&str> {
    let ok = raw.starts_with('/')
        && !raw.starts_with("//")
        && !raw.starts_with("/\\")
        && !raw.chars().any(char::is_control);
    ok.then_some(raw)
}

/// True for paths the backend answers itself (API, OIDC endpoints), which the SPA's router must
/// not handle: going there needs a full page load.
pub fn served_by_backend(target: &str) -> bool {
    let path = target.split(['?', '#']).next().unwrap_or(target);
    ["/api/", "/.well-known/", "/authorize", "/healthz"]
        .iter()
        .any(|prefix| path.starts_with(prefix))
}

/// The login-code page URL for the `/lc` aliases, carrying the code and the redirect.
pub fn login_code_url(code: Option<&str>, redirect: Option<&str>) -> String {
    let mut params = Vec::new();
    if let Some(code) = code.map(str::trim).filter(|c| !c.is_empty()) {
        params.push(format!("code={}", encode_uri_component(code)));
    }
    if let Some(redirect) = redirect.and_then(safe_redirect) {
        params.push(format!("redirect={}", encode_uri_component(redirect)));
    }
    if params.is_empty() {
        "/login/alternative/code".to_owned()
    } else {
        format!("/login/alternative/code?{}", params.join("&"))
    }
}

/// Appends `?redirect=<target>` to `path` when a safe redirect is present (links between the
/// sign-in pages keep it).
pub fn with_redirect(path: &str, redirect: Option<&str>) -> String {
    match redirect.and_then(safe_redirect) {
        Some(target) => format!("{path}?redirect={}", encode_uri_component(target)),
        None => path.to_owned(),
    }
}

/// The page `/settings` opens: app config `homePageUrl` when it is a safe in-app path other
/// than `/settings` itself, else `/settings/account`.
pub fn settings_home(home_page_url: &str) -> String {
    match safe_redirect(home_page_url.trim()) {
        Some(path) if normalize(path.split(['?', '#']).next().unwrap_or(path)) != "/settings" => {
            path.to_owned()
        }
        _ => "/settings/account".to_owned(),
    }
}

/// JavaScript's `encodeURIComponent`: everything but `A-Z a-z 0-9 - _ . ! ~ * ' ( )` is
/// percent-encoded as UTF-8.
pub fn encode_uri_component(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Drops one trailing slash (except for `/`), so `/login/` is `/login`.
fn normalize(path: &str) -> &str {
    match path.strip_suffix('/') {
        Some(rest) if !rest.is_empty() => rest,
        _ => path,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_classified_like_pocket_id() {
        for p in [
            "/",
            "/login",
            "/login/",
            "/login/alternative",
            "/lc",
            "/setup",
            "/signup/setup",
            "/signup",
            "/st/abc",
        ] {
            assert_eq!(access_for(p), Access::GuestOnly, "{p}");
        }
        for p in [
            "/lc/abc123",
            "/login/alternative/code",
            "/device",
            "/device/",
            "/interaction",
            "/interaction/error",
            "/logout",
        ] {
            assert_eq!(access_for(p), Access::Public, "{p}");
        }
        for p in [
            "/settings",
            "/settings/account",
            "/signup/add-passkey",
            "/nope",
            "/loginx",
            "/logoutx",
            "/interaction/other",
        ] {
            assert_eq!(access_for(p), Access::Protected, "{p}");
        }
    }

    #[test]
    fn visitors_on_protected_pages_go_to_login_with_the_full_path() {
        assert_eq!(
            guard_redirect("/settings/account", "", None, Viewer::Visitor).as_deref(),
            Some("/login?redirect=%2Fsettings%2Faccount")
        );
        assert_eq!(
            guard_redirect("/authorize", "?client_id=a&x=1", None, Viewer::Visitor).as_deref(),
            Some("/login?redirect=%2Fauthorize%3Fclient_id%3Da%26x%3D1")
        );
        assert_eq!(
            guard_redirect("/settings/account", "", None, Viewer::User),
            None
        );
    }

    #[test]
    fn signed_in_users_leave_guest_pages_for_the_redirect_or_settings() {
        assert_eq!(
            guard_redirect("/login", "", None, Viewer::User).as_deref(),
            Some("/settings")
        );
        assert_eq!(
            guard_redirect("/login", "?redirect=%2Fx", Some("/x"), Viewer::Admin).as_deref(),
            Some("/x")
        );
        assert_eq!(
            guard_redirect("/login", "", Some("https://evil.example"), Viewer::User).as_deref(),
            Some("/settings")
        );
        assert_eq!(guard_redirect("/login", "", None, Viewer::Visitor), None);
        assert_eq!(guard_redirect("/lc/abc", "", None, Viewer::User), None);
    }

    #[test]
    fn admin_pages_need_an_administrator() {
        for p in [
            "/settings/admin",
            "/settings/admin/",
            "/settings/admin/users",
            "/settings/admin/users/0b5c",
            "/settings/audit-log/global",
        ] {
            assert_eq!(access_for(p), Access::Admin, "{p}");
        }
        for p in [
            "/settings/administrator",
            "/settings/audit-log",
            "/settings/adminx/users",
        ] {
            assert_eq!(access_for(p), Access::Protected, "{p}");
        }
        assert_eq!(
            guard_redirect("/settings/admin/users", "?x=1", None, Viewer::Visitor).as_deref(),
            Some("/login?redirect=%2Fsettings%2Fadmin%2Fusers%3Fx%3D1")
        );
        assert_eq!(
            guard_redirect("/settings/admin/users", "", None, Viewer::User).as_deref(),
            Some("/settings")
        );
        assert_eq!(
            guard_redirect("/settings/audit-log/global", "", None, Viewer::User).as_deref(),
            Some("/settings")
        );
        assert_eq!(
            guard_redirect("/settings/admin/users", "", None, Viewer::Admin),
            None
        );
        assert_eq!(Viewer::from_session(None), Viewer::Visitor);
        assert_eq!(Viewer::from_session(Some(false)), Viewer::User);
        assert_eq!(Viewer::from_session(Some(true)), Viewer::Admin);
    }

    #[test]
    fn oidc_pages_are_never_redirected() {
        for viewer in [Viewer::Visitor, Viewer::User, Viewer::Admin] {
            for (path, search) in [
                ("/interaction", "?interaction=abc"),
                ("/interaction/error", "?error=denied"),
                ("/device", "?user_code=E1234567"),
                ("/logout", ""),
            ] {
                assert_eq!(
                    guard_redirect(path, search, Some("/settings"), viewer),
                    None,
                    "{path} {viewer:?}"
                );
            }
        }
    }

    #[test]
    fn only_same_origin_paths_are_followed() {
        assert_eq!(
            safe_redirect("/settings/account"),
            Some("/settings/account")
        );
        assert_eq!(safe_redirect("/authorize?x=1"), Some("/authorize?x=1"));
        for bad in [
            "",
            "settings",
            "//evil.example",
            "/\\evil.example",
            "https://evil.example",
            "/a\nb",
        ] {
            assert_eq!(safe_redirect(bad), None, "{bad:?}");
        }
        assert_eq!(after_sign_in(Some("//evil")), "/settings");
        assert_eq!(after_sign_in(None), "/settings");
    }

    #[test]
    fn backend_paths_are_recognised() {
        assert!(served_by_backend("/authorize?client_id=x"));
        assert!(served_by_backend("/api/oidc/end-session"));
        assert!(served_by_backend("/.well-known/openid-configuration"));
        assert!(!served_by_backend("/settings/account"));
        assert!(!served_by_backend("/interaction?x=/api/"));
    }

    #[test]
    fn login_code_links_carry_code_and_redirect() {
        assert_eq!(login_code_url(None, None), "/login/alternative/code");
        assert_eq!(
            login_code_url(Some(" AbC123 "), None),
            "/login/alternative/code?code=AbC123"
        );
        assert_eq!(
            login_code_url(Some("abc"), Some("/settings/account")),
            "/login/alternative/code?code=abc&redirect=%2Fsettings%2Faccount"
        );
        assert_eq!(
            login_code_url(None, Some("//evil")),
            "/login/alternative/code"
        );
        assert_eq!(
            with_redirect("/login/alternative", Some("/a")),
            "/login/alternative?redirect=%2Fa"
        );
        assert_eq!(
            with_redirect("/login/alternative", None),
            "/login/alternative"
        );
    }

    #[test]
    fn settings_home_avoids_loops_and_foreign_urls() {
        assert_eq!(settings_home("/settings/account"), "/settings/account");
        assert_eq!(settings_home("/settings/apps"), "/settings/apps");
        assert_eq!(settings_home("/settings"), "/settings/account");
        assert_eq!(settings_home("/settings/"), "/settings/account");
        assert_eq!(settings_home(""), "/settings/account");
        assert_eq!(settings_home("https://example.com"), "/settings/account");
    }

    #[test]
    fn encoding_matches_encode_uri_component() {
        assert_eq!(encode_uri_component("/a b?c=d&e"), "%2Fa%20b%3Fc%3Dd%26e");
        assert_eq!(encode_uri_component("AZaz09-_.!~*'()"), "AZaz09-_.!~*'()");
        assert_eq!(encode_uri_component("é"), "%C3%A9");
    }
}
