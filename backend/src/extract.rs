//! Request extractors whose rejections become [`AppError`]s, so malformed input always gets the
//! `/api` error envelope with a useful message.

use crate::config::TrustProxy;
use crate::error::AppError;
use crate::state::AppState;
use axum::extract::FromRequest;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize};
use std::net::{IpAddr, SocketAddr};

/// JSON body (requires `Content-Type: application/json`) or JSON response.
#[derive(Debug, Clone, Copy, Default, FromRequest)]
#[from_request(via(axum::Json), rejection(AppError))]
pub struct Json<T>(pub T);

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// Query string parameters.
#[derive(Debug, Clone, Copy, Default, axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(AppError))]
pub struct Query<T>(pub T);

/// Path parameters.
#[derive(Debug, Clone, Copy, axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(AppError))]
pub struct Path<T>(pub T);

impl From<JsonRejection> for AppError {
    fn from(r: JsonRejection) -> Self {
        AppError::InvalidBody(r.body_text())
    }
}

impl From<QueryRejection> for AppError {
    fn from(r: QueryRejection) -> Self {
        AppError::Validation(vec![pocket_shared::FieldError {
            field: "query".into(),
            code: "invalid_format".into(),
            message: r.body_text(),
        }])
    }
}

/// A path parameter that does not parse (a malformed UUID, a bad `~` encoding) names nothing,
/// so it answers 404 like an unknown id: one rule for every path id.
impl From<PathRejection> for AppError {
    fn from(r: PathRejection) -> Self {
        match r {
            PathRejection::FailedToDeserializePathParams(_) => AppError::no_such_path(),
            // A route without the parameters its handler takes: a bug of ours.
            other => AppError::internal(std::io::Error::other(other.body_text())),
        }
    }
}

/// base64url with or without padding (the part of a client id after `~`).
const TILDE_IDS: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// An OIDC client id taken from a path, e.g. `Path(ClientId(id))`. As in Pocket ID, `~` +
/// base64url carries ids that do not fit in a path segment (metadata-document clients are
/// identified by URLs); a bad encoding is a 404, as for any path id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientId(pub String);

impl ClientId {
    /// Decodes a raw path segment.
    pub fn parse(raw: &str) -> Option<Self> {
        let Some(encoded) = raw.strip_prefix('~') else {
            return Some(Self(raw.to_owned()));
        };
        let bytes = TILDE_IDS.decode(encoded).ok()?;
        String::from_utf8(bytes).ok().map(Self)
    }
}

impl std::ops::Deref for ClientId {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for ClientId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for ClientId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Self::parse(&raw).ok_or_else(|| D::Error::custom("must be base64url-encoded after ~"))
    }
}

/// The client's IP address as seen through trusted proxies (`TRUST_PROXY`, `TRUSTED_PLATFORM`);
/// `None` when unknown (e.g. on a Unix socket without trusted proxy headers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        Ok(Self(client_ip(
            &parts.headers,
            peer,
            &state.config.trust_proxy,
            state.config.trusted_platform.as_deref(),
        )))
    }
}

/// Resolves the client address. Headers count only when the direct peer is a trusted proxy
/// (`TRUST_PROXY`): then the platform header (`TRUSTED_PLATFORM`) is believed as is, and
/// `X-Forwarded-For` is read from the right, since every proxy appends and only the leftmost
/// entries are the client's to write. With a list of proxy networks the trusted hops are
/// skipped; with `TRUST_PROXY=true` the nearest proxy's entry (the rightmost) is the client.
pub fn client_ip(
    headers: &axum::http::HeaderMap,
    peer: Option<IpAddr>,
    trust: &TrustProxy,
    platform_header: Option<&str>,
) -> Option<IpAddr> {
    let header_ip = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse().ok())
    };
    let trusted = |ip: &IpAddr| match trust {
        TrustProxy::None => false,
        TrustProxy::All => true,
        TrustProxy::Networks(nets) => nets.iter().any(|n| n.contains(ip)),
    };
    // Without a peer address (Unix socket) only an explicit `TRUST_PROXY=true` trusts headers.
    let peer_trusted = match peer {
        Some(p) => trusted(&p),
        None => matches!(trust, TrustProxy::All),
    };
    if !peer_trusted {
        return peer;
    }
    if let Some(name) = platform_header
        && let Some(ip) = header_ip(name)
    {
        return Some(ip);
    }
    if let Some(xff) = headers.get("x-forwarded-for").and_then(|v| v.to_str().ok()) {
        let hops: Vec<IpAddr> = xff
            .split(',')
            .filter_map(|h| h.trim().parse().ok())
            .collect();
        let client = match trust {
            TrustProxy::Networks(_) => hops.iter().rev().find(|ip| !trusted(ip)).or(hops.first()),
            _ => hops.last(),
        };
        if let Some(ip) = client {
            return Some(*ip);
        }
    }
    header_ip("x-real-ip").or(peer)
}

/// The request's `User-Agent` (empty when absent), capped at 512 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserAgent(pub String);

impl<S: Send + Sync> FromRequestParts<S> for UserAgent {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let ua = parts
            .headers
            .get(axum::http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        Ok(Self(ua.chars().take(512).collect()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{HeaderMap, HeaderValue};

    fn xff(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", HeaderValue::from_str(v).unwrap());
        h
    }

    #[test]
    fn tilde_client_ids_are_base64url() {
        assert_eq!(
            ClientId::parse("plain-id"),
            Some(ClientId("plain-id".into()))
        );
        let enc = TILDE_IDS.encode("https://app.example/client.json");
        assert_eq!(
            ClientId::parse(&format!("~{enc}")).map(|c| c.0).as_deref(),
            Some("https://app.example/client.json")
        );
        assert_eq!(ClientId::parse("~***"), None);
    }

    #[test]
    fn untrusted_peers_cannot_spoof_their_address() {
        let peer: IpAddr = "203.0.113.9".parse().unwrap();
        assert_eq!(
            client_ip(&xff("1.2.3.4"), Some(peer), &TrustProxy::None, None),
            Some(peer)
        );
    }

    #[test]
    fn trusted_proxies_are_skipped_from_the_right() {
        let nets = TrustProxy::Networks(vec!["10.0.0.0/8".parse().unwrap()]);
        let peer: IpAddr = "10.0.0.2".parse().unwrap();
        // A client-supplied first hop is ignored: the rightmost untrusted hop is the client.
        let got = client_ip(
            &xff("6.6.6.6, 198.51.100.7, 10.0.0.5"),
            Some(peer),
            &nets,
            None,
        );
        assert_eq!(got, "198.51.100.7".parse().ok());
        let got = client_ip(
            &xff("198.51.100.7"),
            Some("192.0.2.1".parse().unwrap()),
            &nets,
            None,
        );
        assert_eq!(
            got,
            "192.0.2.1".parse().ok(),
            "peer outside the trusted range"
        );
    }

    #[test]
    fn trust_all_takes_the_nearest_proxys_entry() {
        // The client wrote "6.6.6.6"; the proxy appended the address it saw.
        let got = client_ip(
            &xff("6.6.6.6, 198.51.100.7"),
            Some("10.0.0.2".parse().unwrap()),
            &TrustProxy::All,
            None,
        );
        assert_eq!(got, "198.51.100.7".parse().ok());
        // Rotating the fake entry changes nothing.
        let again = client_ip(
            &xff("7.7.7.7, 198.51.100.7"),
            Some("10.0.0.2".parse().unwrap()),
            &TrustProxy::All,
            None,
        );
        assert_eq!(again, got);
    }

    #[test]
    fn platform_header_only_from_a_trusted_peer() {
        let mut h = HeaderMap::new();
        h.insert("cf-connecting-ip", HeaderValue::from_static("198.51.100.1"));
        let nets = TrustProxy::Networks(vec!["10.0.0.0/8".parse().unwrap()]);
        let got = client_ip(
            &h,
            Some("10.0.0.1".parse().unwrap()),
            &nets,
            Some("CF-Connecting-IP"),
        );
        assert_eq!(got, "198.51.100.1".parse().ok());
        // Anyone else connecting directly cannot pick their address.
        let direct: IpAddr = "203.0.113.9".parse().unwrap();
        for trust in [&nets, &TrustProxy::None] {
            let got = client_ip(&h, Some(direct), trust, Some("CF-Connecting-IP"));
            assert_eq!(got, Some(direct));
        }
    }
}
