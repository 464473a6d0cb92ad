//! Which SPA app renders a path: one list for the server (which HTML it sends) and the SPA
//! (which navigations must leave the public app).

/// The public app's pages: the paths of its route table (`PublicRoutes` in
/// `frontend/src/routes/mod.rs`; keep the two equal), for which the server sends `public.html`.
pub fn is_public_page(path: &str) -> bool {
    const PAGES: &[&str] = &[
        "/login",
        "/login/alternative",
        "/login/alternative/code",
        "/lc",
        "/setup",
        "/signup",
        "/signup/setup",
        "/signup/add-passkey",
        "/interaction",
        "/interaction/error",
        "/device",
        "/logout",
    ];
    // `/lc/:code` and `/st/:token`: exactly one segment.
    let one_segment_under = |prefix: &str| {
        path.strip_prefix(prefix)
            .is_some_and(|rest| !rest.is_empty() && !rest.contains('/'))
    };
    PAGES.contains(&path) || one_segment_under("/lc/") || one_segment_under("/st/")
}
