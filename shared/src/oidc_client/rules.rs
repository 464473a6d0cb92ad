//! Field rules shared by the API and the SPA. Each returns the failure's code and message.

use super::{OidcClientCreateRequest, OidcClientSecretCreateRequest, OidcClientUpdateRequest};
use crate::FieldError;

/// Longest client name.
pub const NAME_MAX: usize = 50;
/// Longest description.
pub const DESCRIPTION_MAX: usize = 150;
/// Custom client id length range.
pub const CLIENT_ID_LEN: std::ops::RangeInclusive<usize> = 2..=128;
/// Token lifetime range in minutes (up to a year).
pub const TOKEN_DURATION_MINUTES: std::ops::RangeInclusive<i64> = 1..=525_600;
/// Access token lifetime when none is given.
pub const DEFAULT_ACCESS_TOKEN_MINUTES: i64 = 60;
/// Refresh token lifetime when none is given (30 days).
pub const DEFAULT_REFRESH_TOKEN_MINUTES: i64 = 43_200;
/// Caller-supplied secret length range.
pub const SECRET_LEN: std::ops::RangeInclusive<usize> = 16..=256;

/// Why a value was refused: a machine code (`required`, `too_long`, `too_short`,
/// `invalid_format`, `out_of_range`) and a message to show after the field name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub code: &'static str,
    pub message: String,
}

fn violation(code: &'static str, message: impl Into<String>) -> Violation {
    Violation {
        code,
        message: message.into(),
    }
}

/// A custom client id: 2 to 128 of `A-Z a-z 0-9 . _ -`.
pub fn client_id(v: &str) -> Result<(), Violation> {
    let n = v.chars().count();
    if n < *CLIENT_ID_LEN.start() {
        return Err(violation("too_short", "must be at least 2 characters long"));
    }
    if n > *CLIENT_ID_LEN.end() {
        return Err(violation("too_long", "must be at most 128 characters long"));
    }
    if !v
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return Err(violation(
            "invalid_format",
            "may only contain letters, digits, dots, underscores and hyphens",
        ));
    }
    Ok(())
}

/// Client name: required, at most 50 characters.
pub fn name(v: &str) -> Result<(), Violation> {
    match v.trim().chars().count() {
        0 => Err(violation("required", "is required")),
        n if n > NAME_MAX => Err(violation("too_long", "must be at most 50 characters long")),
        _ => Ok(()),
    }
}

/// Description: at most 150 characters.
pub fn description(v: &str) -> Result<(), Violation> {
    if v.chars().count() > DESCRIPTION_MAX {
        Err(violation("too_long", "must be at most 150 characters long"))
    } else {
        Ok(())
    }
}

/// A token lifetime in minutes: 1 to 525600 (0 stands for the default and is accepted).
pub fn token_duration_minutes(v: i64) -> Result<(), Violation> {
    if v == 0 || TOKEN_DURATION_MINUTES.contains(&v) {
        Ok(())
    } else {
        Err(violation(
            "out_of_range",
            "must be between 1 and 525600 minutes",
        ))
    }
}

/// A caller-supplied client secret: 16 to 256 printable ASCII characters.
pub fn client_secret(v: &str) -> Result<(), Violation> {
    if !v.chars().all(|c| c.is_ascii() && !c.is_ascii_control()) {
        return Err(violation(
            "invalid_format",
            "may only contain printable ASCII characters",
        ));
    }
    if v.len() < *SECRET_LEN.start() {
        return Err(violation(
            "too_short",
            "must be at least 16 characters long",
        ));
    }
    if v.len() > *SECRET_LEN.end() {
        return Err(violation("too_long", "must be at most 256 characters long"));
    }
    Ok(())
}

/// An absolute `http`/`https` URL with a host (launch URLs, JWKS URLs). Other schemes are
/// refused: launch URLs become links, and a `javascript:` link would run in our origin.
pub fn http_url(v: &str) -> Result<(), Violation> {
    let bad = || violation("invalid_format", "must be a valid http or https URL");
    if v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad());
    }
    let (scheme, rest) = v.split_once("://").ok_or_else(bad)?;
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return Err(bad());
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit('@').next().unwrap_or_default();
    let (host, port) = split_host_port(host_port).map_err(|_| bad())?;
    if host.is_empty() || host.contains('*') || port.is_some_and(|p| !is_digits(p)) {
        return Err(bad());
    }
    Ok(())
}

/// A callback (redirect or post-logout) URL pattern: `scheme://host[:port][/path][?query]`
/// where `*` may stand for one segment of the host, port and query values and `**` for any
/// number of path segments. Stricter than Pocket ID, which also takes `*` alone and wildcard
/// schemes: those make `/authorize` an open redirector that hands codes to any site, so they are
/// refused, as is a wildcard in the last two labels of a host (`https://*.com/cb`,
/// `https://app.*/cb`: anyone can register a matching domain). `javascript:` and `data:` are
/// refused: these URLs end up in browsers' location bars. The server applies the same rule
/// when matching, so a pattern stored before (an imported client) never matches.
pub fn callback_url_pattern(v: &str) -> Result<(), Violation> {
    if v == "*" {
        return Err(violation(
            "wildcard_not_allowed",
            "must name a site: * alone would send sign-ins anywhere",
        ));
    }
    if v.is_empty() {
        return Err(violation("required", "is required"));
    }
    let invalid = |m: &str| Err(violation("invalid_format", m));
    if v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return invalid("must not contain spaces or control characters");
    }
    let scheme_end = v.find(':').unwrap_or(v.len());
    if matches!(
        v[..scheme_end].to_ascii_lowercase().as_str(),
        "javascript" | "data"
    ) {
        return invalid("must not use the javascript: or data: scheme");
    }
    // Fragments never take part in matching (RFC 6749 §3.1.2 forbids them).
    let v = v.split('#').next().unwrap_or_default();
    let (base, query) = match v.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (v, None),
    };
    let Some((scheme, rest)) = base.split_once("://") else {
        return invalid("must include a scheme, like https://");
    };
    if scheme.contains('*') {
        return Err(violation(
            "wildcard_not_allowed",
            "must spell out its scheme (no * in the scheme)",
        ));
    }
    if !valid_scheme(scheme) {
        return invalid("must include a valid scheme, like https://");
    }
    let authority = rest.split('/').next().unwrap_or_default();
    let (userinfo, host_port) = match authority.rsplit_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, authority),
    };
    let Ok((host, port)) = split_host_port(host_port) else {
        return invalid("must have a valid host and port");
    };
    if host.is_empty() {
        return invalid("must include a host");
    }
    let host_ok = host.starts_with('[')
        || host.split('.').all(|label| {
            label
                .chars()
                .all(|c| c.is_alphanumeric() || "-_~*?!$&'()+,;=%".contains(c) || !c.is_ascii())
                && valid_glob(label)
        });
    let port_ok = port.is_none_or(|p| is_digits(p) || (p.contains('*') && valid_glob(p)));
    if !host_ok || !port_ok {
        return invalid("must have a valid host and port");
    }
    if !host.starts_with('[') && host.rsplit('.').take(2).any(|label| label.contains('*')) {
        return Err(violation(
            "wildcard_not_allowed",
            "must name its domain: * only in subdomains, like https://*.example.com",
        ));
    }
    if userinfo.is_some_and(|u| u.split(':').any(|part| !valid_glob(part))) {
        return invalid("has an invalid wildcard in the user info");
    }
    if let Some(query) = query
        && !valid_query(query)
    {
        return invalid("has an invalid query string");
    }
    Ok(())
}

fn is_digits(v: &str) -> bool {
    !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit())
}

/// RFC 3986 scheme.
fn valid_scheme(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
}

/// Splits `host[:port]` (IPv6 literals in brackets, kept with their brackets).
fn split_host_port(hp: &str) -> Result<(&str, Option<&str>), ()> {
    if hp.starts_with('[') {
        let end = hp.find(']').ok_or(())?;
        let (host, rest) = hp.split_at(end + 1);
        if host.len() < 3
            || !host[1..end]
                .chars()
                .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
        {
            return Err(());
        }
        return match rest {
            "" => Ok((host, None)),
            _ => match rest.strip_prefix(':') {
                Some(p) if !p.is_empty() => Ok((host, Some(p))),
                _ => Err(()),
            },
        };
    }
    match hp.split_once(':') {
        None => Ok((hp, None)),
        // More than one colon: an IPv6 literal without brackets.
        Some((_, p)) if p.contains(':') => Err(()),
        Some((h, p)) if h.is_empty() || p.is_empty() => Err(()),
        Some((h, p)) => Ok((h, Some(p))),
    }
}

/// The query of a pattern: `&`-separated pairs with valid percent escapes and glob values.
fn valid_query(q: &str) -> bool {
    q.split('&').filter(|p| !p.is_empty()).all(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        !key.contains(';')
            && percent_decode(key).is_some()
            && percent_decode(value).is_some_and(|v| valid_glob(&v))
    })
}

fn percent_decode(v: &str) -> Option<String> {
    let mut out = Vec::with_capacity(v.len());
    let mut bytes = v.bytes();
    while let Some(b) = bytes.next() {
        match b {
            b'%' => {
                let hex = [bytes.next()?, bytes.next()?];
                let hex = std::str::from_utf8(&hex).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
            }
            b'+' => out.push(b' '),
            b => out.push(b),
        }
    }
    Some(String::from_utf8_lossy(&out).into_owned())
}

/// A well-formed glob (Go's `path.Match` syntax): `*`, `?`, `[class]`, `\` escapes.
fn valid_glob(p: &str) -> bool {
    let c: Vec<char> = p.chars().collect();
    let mut i = 0;
    // One class member: a character (possibly escaped), not `-` or `]` unescaped.
    let member = |i: &mut usize| -> bool {
        match c.get(*i) {
            None | Some(']' | '-') => false,
            Some('\\') => {
                *i += 2;
                *i <= c.len()
            }
            Some(_) => {
                *i += 1;
                true
            }
        }
    };
    while i < c.len() {
        match c[i] {
            '\\' => {
                if i + 1 >= c.len() {
                    return false;
                }
                i += 2;
            }
            '[' => {
                i += 1;
                if c.get(i) == Some(&'^') {
                    i += 1;
                }
                let mut ranges = 0;
                loop {
                    if c.get(i) == Some(&']') && ranges > 0 {
                        i += 1;
                        break;
                    }
                    if !member(&mut i) {
                        return false;
                    }
                    if c.get(i) == Some(&'-') {
                        i += 1;
                        if !member(&mut i) {
                            return false;
                        }
                    }
                    ranges += 1;
                }
            }
            _ => i += 1,
        }
    }
    true
}

/// A federated identity's issuer: required, and an http(s) URL unless `jwks` is given (the
/// keys are then fetched from `<issuer>/.well-known/jwks.json`).
pub fn federated_issuer(fi: &super::OidcClientFederatedIdentityDto) -> Result<(), Violation> {
    if fi.issuer.trim().is_empty() {
        return Err(violation("required", "is required"));
    }
    if fi.jwks.is_none() && http_url(&fi.issuer).is_err() {
        return Err(violation(
            "invalid_format",
            "must be an http or https URL unless jwks is given",
        ));
    }
    Ok(())
}

fn push(errors: &mut Vec<FieldError>, field: impl Into<String>, r: Result<(), Violation>) {
    if let Err(v) = r {
        errors.push(FieldError {
            field: field.into(),
            code: v.code.into(),
            message: v.message,
        });
    }
}

/// Every failing rule of a (normalized) client, by JSON field name (`callbackURLs[2]`,
/// `credentials.federatedIdentities[0].issuer`, ...), in field order.
pub fn client_errors(req: &OidcClientUpdateRequest) -> Vec<FieldError> {
    let mut errors = Vec::new();
    push(&mut errors, "name", name(&req.name));
    push(&mut errors, "description", description(&req.description));
    for (list, urls) in [
        ("callbackURLs", &req.callback_urls),
        ("logoutCallbackURLs", &req.logout_callback_urls),
    ] {
        for (i, url) in urls.iter().enumerate() {
            push(
                &mut errors,
                format!("{list}[{i}]"),
                callback_url_pattern(url),
            );
        }
    }
    if let Some(url) = &req.launch_url {
        push(&mut errors, "launchURL", http_url(url));
    }
    for (field, url) in [
        ("logoUrl", &req.logo_url),
        ("darkLogoUrl", &req.dark_logo_url),
    ] {
        if let Some(url) = url {
            push(&mut errors, field, http_url(url));
        }
    }
    let identities = &req.credentials.federated_identities;
    for (i, fi) in identities.iter().enumerate() {
        let field = |f: &str| format!("credentials.federatedIdentities[{i}].{f}");
        push(&mut errors, field("issuer"), federated_issuer(fi));
        // Assertions are matched to an identity by `iss`: two with one issuer are ambiguous.
        if !fi.issuer.trim().is_empty() && identities[..i].iter().any(|o| o.issuer == fi.issuer) {
            push(
                &mut errors,
                field("issuer"),
                Err(violation(
                    "duplicate",
                    "is already used by another federated identity",
                )),
            );
        }
        if let Some(jwks) = &fi.jwks {
            push(&mut errors, field("jwks"), http_url(jwks));
        }
    }
    for (field, minutes) in [
        (
            "accessTokenDurationMinutes",
            req.access_token_duration_minutes,
        ),
        (
            "refreshTokenDurationMinutes",
            req.refresh_token_duration_minutes,
        ),
    ] {
        if let Some(m) = minutes {
            push(&mut errors, field, token_duration_minutes(m));
        }
    }
    errors
}

/// [`client_errors`] plus the custom id.
pub fn create_errors(req: &OidcClientCreateRequest) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if let Some(id) = &req.id {
        push(&mut errors, "id", client_id(id));
    }
    errors.extend(client_errors(&req.client));
    errors
}

/// The supplied secret, if any (whether `expiresAt` lies in the future is the server's
/// call: its clock decides).
pub fn secret_errors(req: &OidcClientSecretCreateRequest) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if let Some(secret) = &req.secret {
        push(&mut errors, "secret", client_secret(secret));
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callback_patterns_pocket_id_accepts() {
        for ok in [
            "https://app.example.com/callback",
            "http://localhost:8080/auth/callback",
            "http://localhost:*/cb",
            "http://127.0.0.1/cb",
            "http://[::1]:3000/cb",
            "https://*.example.com/**",
            "https://example.com/a/*/c?x=1&y=*",
            "https://user:pass@example.com/cb",
            "myapp://callback",
            "com.example.app://oauth/redirect",
            "https://app.*.example.com/cb",
            "https://example.com/cb#ignored",
            "https://example.com",
        ] {
            assert_eq!(callback_url_pattern(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn callback_patterns_pocket_id_refuses() {
        for bad in [
            "",
            "javascript:alert(1)",
            "JavaScript://example.com/%0aalert(1)",
            "data:text/html,<script>alert(1)</script>",
            "example.com/callback",
            "/relative/path",
            "https://",
            "https:///path",
            "https://host:/cb",
            "https://:8080/cb",
            "https://host:abc/cb",
            "https://::1/cb",
            "https://[::1/cb",
            "https://exa mple.com/cb",
            " https://example.com/cb",
            "https://example.com/cb\n",
            "1https://example.com",
            "https://ex[ample.com/cb",
            "https://example.com/cb?x=[",
            "https://example.com/cb?x=%zz",
        ] {
            assert!(callback_url_pattern(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            callback_url_pattern("javascript:alert(1)")
                .unwrap_err()
                .code,
            "invalid_format"
        );
        assert_eq!(callback_url_pattern("").unwrap_err().code, "required");
    }

    #[test]
    fn patterns_that_match_any_site_are_refused() {
        // Pocket ID accepts these; each one lets /authorize send a code to a site anyone can own.
        for open in [
            "*",
            "*://example.com/cb",
            "http*://example.com/cb",
            "https://*/cb",
            "https://*.com/cb",
            "https://example.*/cb",
            "https://app.example*/cb",
            "https://*.*/cb",
        ] {
            assert_eq!(
                callback_url_pattern(open).map_err(|v| v.code),
                Err("wildcard_not_allowed"),
                "{open}"
            );
        }
    }

    #[test]
    fn globs() {
        for ok in ["", "*", "a?c", "[abc]", "[^a-z]", "x\\*", "[\\]]"] {
            assert!(valid_glob(ok), "{ok}");
        }
        for bad in ["[", "[]", "[a", "a\\", "[-a]", "[a-]", "[z-"] {
            assert!(!valid_glob(bad), "{bad}");
        }
    }

    #[test]
    fn client_ids() {
        assert_eq!(client_id("my-app_1.0"), Ok(()));
        assert_eq!(client_id("ab"), Ok(()));
        assert_eq!(client_id("a").unwrap_err().code, "too_short");
        assert_eq!(client_id(&"a".repeat(129)).unwrap_err().code, "too_long");
        assert_eq!(client_id(&"a".repeat(128)), Ok(()));
        for bad in ["has space", "slash/x", "ünï", "colon:x", "~tilde"] {
            assert_eq!(client_id(bad).unwrap_err().code, "invalid_format", "{bad}");
        }
    }

    #[test]
    fn names_descriptions_and_durations() {
        assert_eq!(name("   ").unwrap_err().code, "required");
        assert_eq!(name(&"é".repeat(50)), Ok(()));
        assert_eq!(name(&"x".repeat(51)).unwrap_err().code, "too_long");
        assert_eq!(description(&"x".repeat(150)), Ok(()));
        assert!(description(&"x".repeat(151)).is_err());
        for ok in [0, 1, 60, 525_600] {
            assert_eq!(token_duration_minutes(ok), Ok(()), "{ok}");
        }
        for bad in [-1, 525_601, i64::MAX] {
            assert_eq!(
                token_duration_minutes(bad).unwrap_err().code,
                "out_of_range"
            );
        }
    }

    #[test]
    fn secrets_and_http_urls() {
        assert_eq!(client_secret("0123456789abcdef"), Ok(()));
        assert_eq!(client_secret("with spaces and ~!@#$%"), Ok(()));
        assert_eq!(client_secret("short").unwrap_err().code, "too_short");
        assert_eq!(
            client_secret(&"x".repeat(257)).unwrap_err().code,
            "too_long"
        );
        assert_eq!(
            client_secret("0123456789abcdéf").unwrap_err().code,
            "invalid_format"
        );
        assert!(client_secret("0123456789abcdef\t").is_err());
        for ok in [
            "https://app.example.com",
            "http://localhost:3000/x?y#z",
            "HTTPS://A.B",
        ] {
            assert_eq!(http_url(ok), Ok(()), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "javascript://x/%0aalert(1)",
            "ftp://example.com",
            "https://",
            "https://*.example.com",
            "https://host:x/",
            "example.com",
        ] {
            assert!(http_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn federated_identities() {
        use super::super::{OidcClientCredentialsDto, OidcClientFederatedIdentityDto as Fi};
        let fi = |issuer: &str, jwks: Option<&str>| Fi {
            issuer: issuer.into(),
            jwks: jwks.map(str::to_owned),
            ..Default::default()
        };
        let req = OidcClientUpdateRequest {
            name: "App".into(),
            credentials: OidcClientCredentialsDto {
                federated_identities: vec![
                    fi("https://token.actions.example", None),
                    fi("kubernetes", Some("https://k8s.example/openid/v1/jwks")),
                    fi("not a url", None),
                    fi("https://token.actions.example", None),
                ],
                secrets: Vec::new(),
            },
            ..Default::default()
        };
        let errors: Vec<(String, String)> = client_errors(&req)
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect();
        assert_eq!(
            errors,
            [
                (
                    "credentials.federatedIdentities[2].issuer".to_owned(),
                    "invalid_format".to_owned()
                ),
                (
                    "credentials.federatedIdentities[3].issuer".to_owned(),
                    "duplicate".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn client_errors_name_every_failing_field() {
        let req = OidcClientUpdateRequest {
            name: "x".repeat(51),
            callback_urls: vec!["https://ok.example/cb".into(), "javascript:alert(1)".into()],
            logout_callback_urls: vec!["nope".into()],
            launch_url: Some("javascript:alert(1)".into()),
            dark_logo_url: Some("file:///etc/passwd".into()),
            access_token_duration_minutes: Some(525_601),
            refresh_token_duration_minutes: Some(-5),
            credentials: super::super::OidcClientCredentialsDto {
                federated_identities: vec![super::super::OidcClientFederatedIdentityDto {
                    issuer: " ".into(),
                    jwks: Some("file:///etc/passwd".into()),
                    ..Default::default()
                }],
                secrets: Vec::new(),
            },
            ..Default::default()
        };
        let create = OidcClientCreateRequest {
            id: Some("bad id".into()),
            client: req,
        };
        let fields: Vec<String> = create_errors(&create)
            .into_iter()
            .map(|f| f.field)
            .collect();
        assert_eq!(
            fields,
            [
                "id",
                "name",
                "callbackURLs[1]",
                "logoutCallbackURLs[0]",
                "launchURL",
                "darkLogoUrl",
                "credentials.federatedIdentities[0].issuer",
                "credentials.federatedIdentities[0].jwks",
                "accessTokenDurationMinutes",
                "refreshTokenDurationMinutes",
            ]
        );
        let ok = OidcClientUpdateRequest {
            name: "App".into(),
            ..Default::default()
        };
        assert!(client_errors(&ok).is_empty());
    }
}
