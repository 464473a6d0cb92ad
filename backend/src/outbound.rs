//! Outbound HTTP to URLs that users supply (client logo URLs; reusable by any feature that
//! fetches a caller-chosen URL), guarded against server-side request forgery:
//!
//! - only `http`/`https`;
//! - the host must resolve to public addresses only: loopback, private (RFC 1918), link-local
//!   (incl. the 169.254.169.254 metadata service), unique-local, multicast, unspecified,
//!   CGNAT (100.64/10) and other special-purpose ranges are refused, also when embedded in
//!   IPv6 (IPv4-mapped, NAT64, 6to4);
//! - the check runs inside the DNS resolver the HTTP client connects with, so a name cannot
//!   resolve to a public address for the check and a private one for the connection (DNS
//!   rebinding); IP-literal hosts, which skip the resolver, are checked before each request;
//! - no proxy from the environment (it would resolve the target itself, unchecked);
//! - redirects are not followed automatically: at most [`MAX_REDIRECTS`] are followed by hand,
//!   each new URL checked again;
//! - a total timeout and a body size limit enforced while streaming;
//! - an optional content-type check.
//!
//! Loopback can be allowed only by constructing [`Outbound::allowing_loopback`], which the
//! integration tests do to fetch from a local server; the server itself never does.

use reqwest::Url;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// Redirects followed at most (each one checked like the first URL).
pub const MAX_REDIRECTS: usize = 3;
/// Total time a fetch may take, redirects and body included, unless the caller says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Why an address must not be reached on a caller's behalf; `None` for a public address.
pub fn forbidden_reason(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => forbidden_v6(v6),
    }
}

fn forbidden_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    Some(match (a, b, c) {
        _ if ip.is_loopback() => "loopback",
        _ if ip.is_unspecified() || a == 0 => "unspecified",
        _ if ip.is_private() => "private",
        _ if ip.is_link_local() => "link-local",
        _ if ip.is_multicast() => "multicast",
        _ if ip.is_broadcast() => "broadcast",
        (100, 64..=127, _) => "shared address space (CGNAT)",
        (192, 0, 0) => "IETF protocol assignment",
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => "documentation",
        (198, 18..=19, _) => "benchmarking",
        (240..=255, _, _) => "reserved",
        _ => return None,
    })
}

fn forbidden_v6(ip: Ipv6Addr) -> Option<&'static str> {
    let s = ip.segments();
    // IPv6 forms that carry an IPv4 address are judged by that address.
    if let Some(v4) = ip.to_ipv4_mapped() {
        return forbidden_v4(v4);
    }
    let embedded = |hi: u16, lo: u16| Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo));
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        // NAT64 (RFC 6052).
        return forbidden_v4(embedded(s[6], s[7]));
    }
    if s[0] == 0x2002 {
        // 6to4 (RFC 3056).
        return forbidden_v4(embedded(s[1], s[2]));
    }
    Some(match s[0] {
        _ if ip.is_loopback() => "loopback",
        _ if ip.is_unspecified() => "unspecified",
        // Deprecated IPv4-compatible addresses (`::a.b.c.d`).
        _ if s[..6] == [0; 6] => "IPv4-compatible",
        0xfe80..=0xfebf => "link-local",
        0xfec0..=0xfeff => "site-local",
        0xfc00..=0xfdff => "unique-local",
        0xff00..=0xffff => "multicast",
        0x0100 if s[1..4] == [0, 0, 0] => "discard-only",
        0x2001 if s[1] == 0x0db8 => "documentation",
        // Teredo tunnels reach arbitrary IPv4 hosts.
        0x2001 if s[1] == 0 => "Teredo",
        _ => return None,
    })
}

/// Which addresses a fetch may reach.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Policy {
    /// Loopback addresses (127/8, ::1) are reachable: for tests against a local server only.
    pub allow_loopback: bool,
}

impl Policy {
    /// Why `ip` is refused under this policy, if it is.
    pub fn refusal(&self, ip: IpAddr) -> Option<&'static str> {
        let reason = forbidden_reason(ip)?;
        let loopback = match ip {
            IpAddr::V4(v4) => v4.is_loopback(),
            IpAddr::V6(v6) => {
                v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v| v.is_loopback())
            }
        };
        if self.allow_loopback && loopback {
            None
        } else {
            Some(reason)
        }
    }
}

/// What a fetch accepts.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest body, in bytes.
    pub max_bytes: usize,
    /// Total time (all redirects and the body).
    pub timeout: Duration,
    /// The `Accept` header sent.
    pub accept: &'static str,
    /// Allowed `Content-Type` values (essence, e.g. `image/png`); an entry ending in `/` allows
    /// a whole top-level type (`image/`). Empty: any.
    pub content_types: &'static [&'static str],
}

/// A fetched body.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub bytes: Vec<u8>,
    /// The `Content-Type` essence, lower-cased (`image/png`), when sent.
    pub content_type: Option<String>,
    /// The URL finally served (after redirects).
    pub url: Url,
}

/// Why a fetch failed (safe to show to the administrator who supplied the URL).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    #[error("is not a valid URL")]
    InvalidUrl,
    #[error("must use http or https")]
    Scheme,
    #[error("points to a {reason} address, which is not allowed")]
    ForbiddenAddress { reason: &'static str },
    #[error("could not be resolved")]
    Resolve,
    #[error("redirects more than {MAX_REDIRECTS} times")]
    TooManyRedirects,
    #[error("answered with HTTP status {0}")]
    Status(u16),
    #[error("is larger than {max_bytes} bytes")]
    TooLarge { max_bytes: usize },
    #[error("has an unexpected content type ({0})")]
    ContentType(String),
    #[error("did not answer in time")]
    Timeout,
    #[error("could not be fetched")]
    Connect,
}

/// The refusal the resolver raises, found again in reqwest's error chain.
#[derive(Debug, thiserror::Error)]
#[error("address refused: {0}")]
struct Refused(&'static str);

/// The name did not resolve (found again in reqwest's error chain).
#[derive(Debug, thiserror::Error)]
#[error("name not resolved")]
struct Unresolved;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Resolves names like the system does, refusing any name with a forbidden address.
struct GuardedResolver {
    policy: Policy,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        let policy = self.policy;
        Box::pin(async move {
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await
                .map_err(|_| Box::new(Unresolved) as BoxError)?
                .collect();
            if addrs.is_empty() {
                return Err(Box::new(Unresolved) as BoxError);
            }
            // One bad address refuses the name: a rebinding name often mixes both kinds.
            if let Some(reason) = addrs.iter().find_map(|a| policy.refusal(a.ip())) {
                return Err(Box::new(Refused(reason)) as BoxError);
            }
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

/// The SSRF-guarded fetcher (cheap to clone; the HTTP client is built on first use).
#[derive(Clone, Default)]
pub struct Outbound {
    policy: Policy,
    client: Arc<OnceLock<reqwest::Client>>,
}

impl std::fmt::Debug for Outbound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outbound")
            .field("policy", &self.policy)
            .finish()
    }
}

impl Outbound {
    /// A fetcher that may also reach loopback addresses. Only for tests that serve from a
    /// local port: never constructed by the server.
    pub fn allowing_loopback() -> Self {
        Self {
            policy: Policy {
                allow_loopback: true,
            },
            client: Default::default(),
        }
    }

    /// The policy in force.
    pub fn policy(&self) -> Policy {
        self.policy
    }

    fn client(&self) -> Result<&reqwest::Client, FetchError> {
        if let Some(c) = self.client.get() {
            return Ok(c);
        }
        let built = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .dns_resolver(GuardedResolver {
                policy: self.policy,
            })
            .connect_timeout(Duration::from_secs(5))
            .timeout(DEFAULT_TIMEOUT)
            .user_agent(concat!("pocket-id/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| {
                tracing::error!(error = %e, "outbound HTTP client could not be built");
                FetchError::Connect
            })?;
        // A concurrent first use may have won; either client is equivalent.
        Ok(self.client.get_or_init(|| built))
    }

    /// Refuses URLs that are not http(s) or whose literal IP host is forbidden.
    fn check_url(&self, url: &Url) -> Result<(), FetchError> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(FetchError::Scheme);
        }
        let ip = match url.host() {
            None => return Err(FetchError::InvalidUrl),
            Some(url::Host::Domain(_)) => return Ok(()),
            Some(url::Host::Ipv4(v4)) => IpAddr::V4(v4),
            Some(url::Host::Ipv6(v6)) => IpAddr::V6(v6),
        };
        match self.policy.refusal(ip) {
            Some(reason) => Err(FetchError::ForbiddenAddress { reason }),
            None => Ok(()),
        }
    }

    /// GETs `raw` within `limits`, following up to [`MAX_REDIRECTS`] checked redirects.
    pub async fn fetch(&self, raw: &str, limits: &Limits) -> Result<Fetched, FetchError> {
        let url = Url::parse(raw.trim()).map_err(|_| FetchError::InvalidUrl)?;
        match tokio::time::timeout(limits.timeout, self.fetch_inner(url, limits)).await {
            Ok(r) => r,
            Err(_) => Err(FetchError::Timeout),
        }
    }

    async fn fetch_inner(&self, mut url: Url, limits: &Limits) -> Result<Fetched, FetchError> {
        let client = self.client()?;
        for _ in 0..=MAX_REDIRECTS {
            self.check_url(&url)?;
            let mut res = client
                .get(url.clone())
                .header(reqwest::header::ACCEPT, limits.accept)
                .send()
                .await
                .map_err(request_error)?;
            let status = res.status();
            if status.is_redirection() {
                let next = res
                    .headers()
                    .get(reqwest::header::LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|l| url.join(l).ok())
                    .ok_or(FetchError::Status(status.as_u16()))?;
                url = next;
                continue;
            }
            if !status.is_success() {
                return Err(FetchError::Status(status.as_u16()));
            }
            let content_type = res
                .headers()
                .get(reqwest::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(|v| {
                    v.split(';')
                        .next()
                        .unwrap_or("")
                        .trim()
                        .to_ascii_lowercase()
                });
            if !limits.content_types.is_empty() {
                let ct = content_type.as_deref().unwrap_or("");
                let ok = limits.content_types.iter().any(|allowed| {
                    if allowed.ends_with('/') {
                        ct.starts_with(allowed)
                    } else {
                        ct == *allowed
                    }
                });
                if !ok {
                    return Err(FetchError::ContentType(if ct.is_empty() {
                        "none".into()
                    } else {
                        ct.to_owned()
                    }));
                }
            }
            let too_large = FetchError::TooLarge {
                max_bytes: limits.max_bytes,
            };
            if res
                .content_length()
                .is_some_and(|n| n > limits.max_bytes as u64)
            {
                return Err(too_large);
            }
            // The declared length may lie (or be absent): count while streaming.
            let mut bytes = Vec::new();
            while let Some(chunk) = res.chunk().await.map_err(request_error)? {
                if bytes.len() + chunk.len() > limits.max_bytes {
                    return Err(too_large);
                }
                bytes.extend_from_slice(&chunk);
            }
            return Ok(Fetched {
                bytes,
                content_type,
                url,
            });
        }
        Err(FetchError::TooManyRedirects)
    }
}

/// Maps a transport error, recognising the resolver's refusal in its source chain.
fn request_error(e: reqwest::Error) -> FetchError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&e);
    while let Some(s) = source {
        if let Some(Refused(reason)) = s.downcast_ref::<Refused>() {
            return FetchError::ForbiddenAddress { reason };
        }
        if s.downcast_ref::<Unresolved>().is_some() {
            return FetchError::Resolve;
        }
        source = s.source();
    }
    if e.is_timeout() {
        FetchError::Timeout
    } else {
        FetchError::Connect
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn special_purpose_addresses_are_refused() {
        for (addr, reason) in [
            ("127.0.0.1", "loopback"),
            ("127.255.0.9", "loopback"),
            ("0.0.0.0", "unspecified"),
            ("0.1.2.3", "unspecified"),
            ("10.1.2.3", "private"),
            ("172.16.0.1", "private"),
            ("172.31.255.255", "private"),
            ("192.168.1.1", "private"),
            ("169.254.169.254", "link-local"),
            ("100.64.0.1", "shared address space (CGNAT)"),
            ("100.127.255.254", "shared address space (CGNAT)"),
            ("224.0.0.1", "multicast"),
            ("255.255.255.255", "broadcast"),
            ("240.0.0.1", "reserved"),
            ("192.0.0.8", "IETF protocol assignment"),
            ("198.18.0.1", "benchmarking"),
            ("192.0.2.1", "documentation"),
            ("::1", "loopback"),
            ("::", "unspecified"),
            ("fe80::1", "link-local"),
            ("fc00::1", "unique-local"),
            ("fd12:3456::1", "unique-local"),
            ("ff02::1", "multicast"),
            ("fec0::1", "site-local"),
            ("2001:db8::1", "documentation"),
            ("2001:0:4136:e378::1", "Teredo"),
            ("100::1", "discard-only"),
            ("::7f00:1", "IPv4-compatible"),
            // IPv4 inside IPv6 is judged as IPv4.
            ("::ffff:127.0.0.1", "loopback"),
            ("::ffff:10.0.0.1", "private"),
            ("::ffff:169.254.169.254", "link-local"),
            ("64:ff9b::a9fe:a9fe", "link-local"),
            ("2002:c0a8:0101::1", "private"),
        ] {
            assert_eq!(forbidden_reason(ip(addr)), Some(reason), "{addr}");
        }
    }

    #[test]
    fn public_addresses_pass() {
        for addr in [
            "8.8.8.8",
            "1.1.1.1",
            "93.184.216.34",
            "100.63.255.255",
            "100.128.0.1",
            "172.32.0.1",
            "169.253.0.1",
            "2606:4700:4700::1111",
            "2a00:1450:4001:82a::200e",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
            "2002:0808:0808::1",
        ] {
            assert_eq!(forbidden_reason(ip(addr)), None, "{addr}");
        }
    }

    #[test]
    fn loopback_only_with_the_test_switch() {
        let strict = Policy::default();
        let tests = Policy {
            allow_loopback: true,
        };
        assert_eq!(strict.refusal(ip("127.0.0.1")), Some("loopback"));
        assert_eq!(tests.refusal(ip("127.0.0.1")), None);
        assert_eq!(tests.refusal(ip("::1")), None);
        assert_eq!(tests.refusal(ip("::ffff:127.0.0.1")), None);
        // The switch opens loopback only.
        assert_eq!(tests.refusal(ip("10.0.0.1")), Some("private"));
        assert_eq!(tests.refusal(ip("169.254.169.254")), Some("link-local"));
        assert!(!Outbound::default().policy().allow_loopback);
    }

    #[test]
    fn urls_are_checked_before_any_request() {
        let o = Outbound::default();
        let check = |u: &str| o.check_url(&Url::parse(u).unwrap());
        assert_eq!(check("ftp://example.com/x"), Err(FetchError::Scheme));
        assert_eq!(check("file:///etc/passwd"), Err(FetchError::Scheme));
        assert_eq!(
            check("http://127.0.0.1/x"),
            Err(FetchError::ForbiddenAddress { reason: "loopback" })
        );
        // Numeric spellings are normalised by the URL parser before the check.
        assert_eq!(
            check("http://2130706433/"),
            Err(FetchError::ForbiddenAddress { reason: "loopback" })
        );
        assert_eq!(
            check("http://0x7f.1/"),
            Err(FetchError::ForbiddenAddress { reason: "loopback" })
        );
        assert_eq!(
            check("http://[::ffff:a00:1]/"),
            Err(FetchError::ForbiddenAddress { reason: "private" })
        );
        assert_eq!(check("https://example.com/logo.png"), Ok(()));
    }
}
