//! Redirect and logout URL matching (Pocket ID's rules): exact match first, then patterns where
//! in host labels, port and query values `*` matches within one segment; in the path `*` is one
//! segment and `**` any number of segments; query keys must be the same set; fragments are
//! ignored. For loopback hosts (`localhost`, `127.x.x.x`, `[::1]`) the port is ignored, as RFC
//! 8252 7.3 asks for native apps. A pattern the client rules refuse
//! ([`callback_url_pattern`]: `*` alone, a wildcard scheme or registrable domain) matches
//! nothing, even when it is stored (a client imported from Pocket ID).

use pocket_shared::oidc_client::rules::callback_url_pattern;
use std::collections::BTreeMap;

/// The registered URL that `uri` matches, if any.
pub fn find_match<'a>(registered: &'a [String], uri: &str) -> Option<&'a str> {
    registered
        .iter()
        .find(|p| p.as_str() == uri)
        .or_else(|| registered.iter().find(|p| matches(p, uri)))
        .map(String::as_str)
}

/// True when `uri` matches `pattern`.
pub fn matches(pattern: &str, uri: &str) -> bool {
    if callback_url_pattern(pattern).is_err() {
        return false;
    }
    let (Some(p), Ok(u)) = (Pattern::parse(pattern), url::Url::parse(uri)) else {
        return false;
    };
    if !glob(&p.scheme, u.scheme()) {
        return false;
    }
    let host = u.host_str().unwrap_or("");
    match &p.host {
        None if !host.is_empty() => return false,
        None => {}
        Some(ph) => {
            let (pl, ul): (Vec<&str>, Vec<&str>) =
                (ph.split('.').collect(), host.split('.').collect());
            if pl.len() != ul.len()
                || !pl
                    .iter()
                    .zip(&ul)
                    .all(|(a, b)| glob(&a.to_ascii_lowercase(), b))
            {
                return false;
            }
            let loopback = is_loopback(host);
            if !loopback || u.scheme() != "http" {
                let default = default_port(u.scheme());
                let want = p.port.clone().or_else(|| default.map(|d| d.to_string()));
                let got = u.port_or_known_default().map(|x| x.to_string());
                match (want, got) {
                    (Some(w), Some(g)) if glob(&w, &g) => {}
                    (None, None) => {}
                    _ => return false,
                }
            }
        }
    }
    if !path_matches(&p.path, u.path()) {
        return false;
    }
    let got: BTreeMap<String, String> = u
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let want: BTreeMap<String, String> = url::form_urlencoded::parse(p.query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    want.len() == got.len()
        && want
            .iter()
            .all(|(k, pv)| got.get(k).is_some_and(|gv| glob(pv, gv)))
}

/// `localhost`, `127.0.0.0/8` or `[::1]`.
pub fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host == "[::1]"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" | "ws" => Some(80),
        "https" | "wss" => Some(443),
        _ => None,
    }
}

struct Pattern {
    scheme: String,
    host: Option<String>,
    port: Option<String>,
    path: String,
    query: String,
}

impl Pattern {
    fn parse(p: &str) -> Option<Self> {
        let p = p.split('#').next().unwrap_or(p);
        let (scheme, rest) = p.split_once(':')?;
        if scheme.is_empty() {
            return None;
        }
        let (before_query, query) = rest.split_once('?').unwrap_or((rest, ""));
        let (host, port, path) = match before_query.strip_prefix("//") {
            Some(after) => {
                let (authority, path) = match after.find('/') {
                    Some(i) => (&after[..i], &after[i..]),
                    None => (after, "/"),
                };
                let authority = authority.rsplit('@').next().unwrap_or(authority);
                let (host, port) = if authority.starts_with('[') {
                    let end = authority.find(']')?;
                    let port = authority[end + 1..].strip_prefix(':').map(str::to_owned);
                    (authority[..=end].to_owned(), port)
                } else {
                    match authority.rsplit_once(':') {
                        Some((h, port)) => (h.to_owned(), Some(port.to_owned())),
                        None => (authority.to_owned(), None),
                    }
                };
                (Some(host), port.filter(|p| !p.is_empty()), path.to_owned())
            }
            None => (None, None, before_query.to_owned()),
        };
        Some(Self {
            scheme: scheme.to_ascii_lowercase(),
            host,
            port,
            path,
            query: query.to_owned(),
        })
    }
}

/// `*` matches any run of characters (within the text given: one segment).
fn glob(pattern: &str, text: &str) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && p[pi] == b'*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if pi < p.len() && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

fn path_matches(pattern: &str, path: &str) -> bool {
    let p: Vec<&str> = pattern.split('/').collect();
    let t: Vec<&str> = path.split('/').collect();
    segments(&p, &t)
}

fn segments(p: &[&str], t: &[&str]) -> bool {
    match p.split_first() {
        None => t.is_empty(),
        Some((&"**", rest)) => (0..=t.len()).any(|skip| segments(rest, &t[skip..])),
        Some((seg, rest)) => t
            .split_first()
            .is_some_and(|(first, trest)| glob(seg, first) && segments(rest, trest)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, u: &str) -> bool {
        find_match(&[p.to_owned()], u).is_some()
    }

    #[test]
    fn exact_and_star_alone() {
        assert!(m("https://app.example/cb", "https://app.example/cb"));
        assert!(!m("https://app.example/cb", "https://app.example/cb2"));
        assert!(!m("https://app.example/cb", "https://evil.example/cb"));
        // Open patterns (refused by the client rules) match nothing, even when stored.
        assert!(!m("*", "https://anything.example/x?y=1"));
        assert!(!m("*://app.example/cb", "https://app.example/cb"));
        assert!(!m("https://*.com/cb", "https://evil.com/cb"));
        assert!(!m(
            "https://app.example/cb",
            "https://app.example/cb/../cb2"
        ));
    }

    #[test]
    fn host_and_port_wildcards_stay_within_one_segment() {
        assert!(m("https://*.example.com/cb", "https://a.example.com/cb"));
        assert!(!m("https://*.example.com/cb", "https://a.b.example.com/cb"));
        assert!(!m("https://*.example.com/cb", "https://example.com/cb"));
        assert!(!m(
            "https://*.example.com/cb",
            "https://a.example.com.evil.io/cb"
        ));
        assert!(m("https://app.example:*/cb", "https://app.example:8443/cb"));
        assert!(!m("https://app.example/cb", "https://app.example:8443/cb"));
        assert!(m("https://app.example/cb", "https://app.example:443/cb"));
        assert!(
            !m("*://app.example/cb", "myapp://app.example/cb"),
            "scheme wildcard"
        );
    }

    #[test]
    fn path_wildcards() {
        assert!(m("https://a.example/*/cb", "https://a.example/x/cb"));
        assert!(!m("https://a.example/*/cb", "https://a.example/x/y/cb"));
        assert!(m("https://a.example/**/cb", "https://a.example/x/y/cb"));
        assert!(m("https://a.example/**/cb", "https://a.example/cb"));
        assert!(m("https://a.example/cb/**", "https://a.example/cb/deep/er"));
        assert!(m("https://a.example/cb-*", "https://a.example/cb-1"));
        assert!(!m("https://a.example/cb-*", "https://a.example/cb-1/x"));
    }

    #[test]
    fn query_keys_must_match_and_values_glob() {
        assert!(m("https://a.example/cb?x=1", "https://a.example/cb?x=1"));
        assert!(m("https://a.example/cb?x=*", "https://a.example/cb?x=42"));
        assert!(!m(
            "https://a.example/cb?x=*",
            "https://a.example/cb?x=42&y=1"
        ));
        assert!(!m("https://a.example/cb?x=*", "https://a.example/cb"));
        assert!(!m("https://a.example/cb", "https://a.example/cb?x=1"));
        assert!(m("https://a.example/cb#frag", "https://a.example/cb"));
    }

    #[test]
    fn loopback_ignores_the_port() {
        assert!(m(
            "http://127.0.0.1/callback",
            "http://127.0.0.1:51234/callback"
        ));
        assert!(m("http://localhost:3000/cb", "http://localhost:4000/cb"));
        assert!(m("http://[::1]/cb", "http://[::1]:8080/cb"));
        assert!(!m(
            "http://127.0.0.1/callback",
            "http://127.0.0.1:51234/other"
        ));
        assert!(!m("http://example.com/cb", "http://example.com:8080/cb"));
    }

    #[test]
    fn custom_schemes() {
        assert!(m(
            "com.example.app:/oauth2redirect",
            "com.example.app:/oauth2redirect"
        ));
        assert!(!m(
            "com.example.app:/oauth2redirect",
            "com.example.app:/other"
        ));
        assert!(!m("javascript:alert(1)", "https://a.example/"));
    }
}
