//! Cookie names (Pocket ID's, with `__Host-`/`__Secure-` prefixes only on https) and
//! `Set-Cookie` values: HttpOnly, SameSite=Lax, Secure on https.

use axum::http::{HeaderMap, HeaderValue, header};

/// The session JWT.
pub const ACCESS_TOKEN: &str = "access_token";
/// The WebAuthn challenge-session id.
pub const SESSION: &str = "session";
/// The reauthentication token.
pub const REAUTHENTICATION_TOKEN: &str = "reauthentication_token";

/// The cookie name as sent to the browser for this deployment.
pub fn name(base: &str, https: bool) -> String {
    match (https, base) {
        (false, _) => base.to_owned(),
        (true, ACCESS_TOKEN | SESSION) => format!("__Host-{base}"),
        (true, _) => format!("__Secure-{base}"),
    }
}

/// A `Set-Cookie` value; `max_age` 0 deletes the cookie.
pub fn set(base: &str, value: &str, max_age_secs: i64, https: bool) -> HeaderValue {
    let mut s = format!(
        "{}={value}; Path=/; Max-Age={}; HttpOnly; SameSite=Lax",
        name(base, https),
        max_age_secs.max(0)
    );
    if https {
        s.push_str("; Secure");
    }
    HeaderValue::from_str(&s).unwrap_or_else(|_| HeaderValue::from_static("invalid=; Max-Age=0"))
}

/// The value of cookie `base` in the request, if any.
pub fn get(headers: &HeaderMap, base: &str, https: bool) -> Option<String> {
    let wanted = name(base, https);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == wanted)
        .map(|(_, v)| v.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_pocket_id() {
        assert_eq!(name(ACCESS_TOKEN, true), "__Host-access_token");
        assert_eq!(name(SESSION, true), "__Host-session");
        assert_eq!(
            name(REAUTHENTICATION_TOKEN, true),
            "__Secure-reauthentication_token"
        );
        assert_eq!(name(ACCESS_TOKEN, false), "access_token");
    }

    #[test]
    fn set_cookie_attributes() {
        let v = set(ACCESS_TOKEN, "abc", 3600, true);
        assert_eq!(
            v,
            "__Host-access_token=abc; Path=/; Max-Age=3600; HttpOnly; SameSite=Lax; Secure"
        );
        let v = set(ACCESS_TOKEN, "", 0, false);
        assert_eq!(
            v,
            "access_token=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax"
        );
    }

    #[test]
    fn reads_the_named_cookie_among_others() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; __Host-access_token=tok; b=2"),
        );
        assert_eq!(get(&h, ACCESS_TOKEN, true).as_deref(), Some("tok"));
        assert_eq!(get(&h, ACCESS_TOKEN, false), None);
    }
}
