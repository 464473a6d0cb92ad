//! The browser session: an HS256 JWT in an HttpOnly cookie, signed with a key derived from
//! `ENCRYPTION_KEY` (so every instance verifies every other's sessions), carrying `amr` and the
//! `sid` of its `user_sessions` row (`crate::features::sessions`), without which it is not
//! accepted: a genuine token of an ended session is refused.

use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// `amr` value for a passkey sign-in (RFC 8176 "phishing-resistant hardware").
pub const AMR_PASSKEY: &str = "phr";
/// `amr` value for a login-code sign-in (one-time password).
pub const AMR_OTP: &str = "otp";

const AUDIENCE: &str = "pocket-id-session";

/// What a session token says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionClaims {
    pub sub: Uuid,
    /// The session row; ending the session deletes it.
    pub sid: Uuid,
    pub iat: i64,
    pub exp: i64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub amr: Vec<String>,
    pub iss: String,
    pub aud: String,
}

impl SessionClaims {
    /// When the session began.
    pub fn issued_at(&self) -> Option<DateTime<Utc>> {
        DateTime::from_timestamp(self.iat, 0)
    }
}

/// Signs and verifies session tokens.
pub struct SessionKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    issuer: String,
}

impl SessionKeys {
    pub fn new(encryption_key: &str, issuer: &str) -> Self {
        let key = crate::crypto::derive_key(encryption_key, "session-jwt-hs256-v1");
        Self {
            encoding: EncodingKey::from_secret(&key),
            decoding: DecodingKey::from_secret(&key),
            issuer: issuer.to_owned(),
        }
    }

    /// A token for `user`, valid for `lifetime` from `now`.
    pub fn issue(
        &self,
        user: Uuid,
        sid: Uuid,
        amr: &[&str],
        now: DateTime<Utc>,
        lifetime: Duration,
    ) -> String {
        let claims = SessionClaims {
            sub: user,
            sid,
            iat: now.timestamp(),
            exp: (now + lifetime).timestamp(),
            amr: amr.iter().map(|s| (*s).to_owned()).collect(),
            iss: self.issuer.clone(),
            aud: AUDIENCE.to_owned(),
        };
        // HS256 signing of a serializable struct cannot fail.
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .unwrap_or_default()
    }

    /// The claims of a genuine, unexpired token; `None` otherwise. Expiry is checked against
    /// `now` (the app clock), not the library's own clock.
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Option<SessionClaims> {
        let mut v = Validation::new(Algorithm::HS256);
        v.validate_exp = false;
        v.set_audience(&[AUDIENCE]);
        v.set_issuer(&[&self.issuer]);
        v.set_required_spec_claims(&["exp", "iat", "sub", "aud", "iss"]);
        // A token without `sid` (from before sessions were rows) fails to decode.
        let claims = jsonwebtoken::decode::<SessionClaims>(token, &self.decoding, &v)
            .ok()?
            .claims;
        (claims.exp > now.timestamp() && claims.iat <= now.timestamp() + 60).then_some(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap()
    }

    #[test]
    fn round_trip_and_expiry() {
        let keys = SessionKeys::new("k-0123456789abcdef", "http://localhost:1411");
        let user = Uuid::new_v4();
        let sid = Uuid::new_v4();
        let t = keys.issue(user, sid, &[AMR_PASSKEY], now(), Duration::minutes(60));
        let c = keys.verify(&t, now()).unwrap();
        assert_eq!((c.sub, c.sid), (user, sid));
        assert_eq!(c.amr, vec!["phr"]);
        assert!(keys.verify(&t, now() + Duration::minutes(59)).is_some());
        assert!(
            keys.verify(&t, now() + Duration::minutes(60)).is_none(),
            "expired"
        );
    }

    #[test]
    fn other_keys_and_tampering_are_rejected() {
        let keys = SessionKeys::new("k-0123456789abcdef", "http://localhost:1411");
        let t = keys.issue(
            Uuid::new_v4(),
            Uuid::new_v4(),
            &[],
            now(),
            Duration::minutes(60),
        );
        assert!(
            SessionKeys::new("another-key-0123456", "http://localhost:1411")
                .verify(&t, now())
                .is_none()
        );
        assert!(
            SessionKeys::new("k-0123456789abcdef", "https://other.example")
                .verify(&t, now())
                .is_none()
        );
        let mut tampered = t.clone();
        tampered.insert(t.len() / 2, 'x');
        assert!(keys.verify(&tampered, now()).is_none());
    }
}
