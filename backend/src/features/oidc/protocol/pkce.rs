//! PKCE (RFC 7636), `S256` only: a `plain` challenge is the verifier itself, so anyone who sees
//! the authorization request (logs, history, a malicious app on the device) can redeem the code
//! (RFC 9700 2.1.1 and OAuth 2.1 allow `S256` alone).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// The challenge method this server accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    S256,
}

impl Method {
    /// `S256`; anything else, an absent method (which means `plain`, RFC 7636 4.3) included, is
    /// refused.
    pub fn parse(s: Option<&str>) -> Option<Self> {
        match s {
            Some("S256") => Some(Self::S256),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::S256 => "S256",
        }
    }
}

/// 43–128 characters of `[A-Za-z0-9-._~]` (RFC 7636 4.1; an S256 challenge has 43).
pub fn well_formed(v: &str) -> bool {
    (43..=128).contains(&v.len())
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// True when `verifier` answers `challenge` under `method`.
pub fn verify(method: Method, challenge: &str, verifier: &str) -> bool {
    if !well_formed(verifier) {
        return false;
    }
    let expected = match method {
        Method::S256 => URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())),
    };
    expected.len() == challenge.len()
        && expected
            .bytes()
            .zip(challenge.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 7636 Appendix B.
    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    #[test]
    fn s256_matches_the_rfc_example() {
        assert!(verify(Method::S256, CHALLENGE, VERIFIER));
        assert!(!verify(
            Method::S256,
            CHALLENGE,
            &VERIFIER.replace('d', "e")
        ));
        // The challenge itself is not a valid S256 verifier for itself.
        assert!(!verify(Method::S256, CHALLENGE, CHALLENGE));
    }

    #[test]
    fn only_s256_is_accepted_and_verifiers_are_checked() {
        assert!(!well_formed(&"a".repeat(129)));
        assert!(!well_formed(&format!("{}!", "a".repeat(43))));
        assert!(!verify(Method::S256, CHALLENGE, "short"), "too short");
        assert_eq!(Method::parse(Some("S256")), Some(Method::S256));
        for refused in [None, Some("plain"), Some("s256"), Some("S512")] {
            assert_eq!(Method::parse(refused), None, "{refused:?}");
        }
    }
}
