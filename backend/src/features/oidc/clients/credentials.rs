//! The `oidc_clients.credentials` JSON: hashed client secrets (several, with expiry, for
//! rotation without downtime) and federated identities (external issuers whose signed JWTs
//! authenticate the client, RFC 7523).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Most secrets one client may hold (expired ones count, as in Pocket ID).
pub const MAX_SECRETS: usize = 20;

/// Everything that authenticates a client, as stored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Credentials {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub federated_identities: Vec<FederatedIdentity>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secrets: Vec<StoredSecret>,
}

/// An external issuer allowed to vouch for the client with a signed JWT.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FederatedIdentity {
    pub issuer: String,
    /// Expected `sub`; defaults to the client id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// Expected `aud`; defaults to this server's issuer URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<String>,
    /// JWKS URL; defaults to `<issuer>/.well-known/jwks.json`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jwks: Option<String>,
    /// Require a unique `jti` per assertion (remembered until the assertion expires).
    #[serde(default)]
    pub replay_protection: bool,
}

/// One client secret: only its SHA-256 is kept, with the first characters for recognition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredSecret {
    pub id: String,
    /// `sha256` (hex digest, no salt: secrets carry ≥ 128 bits of entropy).
    pub alg: String,
    pub hash: String,
    #[serde(default)]
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<DateTime<Utc>>,
}

impl StoredSecret {
    /// A record for `secret`, created `now`.
    pub fn new(secret: &str, now: DateTime<Utc>, expires_at: Option<DateTime<Utc>>) -> Self {
        Self {
            id: uuid::Uuid::new_v4().to_string(),
            alg: "sha256".into(),
            hash: hex::encode(Sha256::digest(secret.as_bytes())),
            prefix: secret.chars().take(4).collect(),
            created_at: now,
            expires_at,
        }
    }

    /// Not expired at `now`.
    pub fn is_active(&self, now: DateTime<Utc>) -> bool {
        self.expires_at.is_none_or(|e| e > now)
    }
}

impl Credentials {
    /// Parses the stored column (absent or malformed means no credentials: fail closed).
    pub fn from_column(value: Option<&serde_json::Value>) -> Self {
        value
            .and_then(|v| serde_json::from_value(v.clone()).ok())
            .unwrap_or_default()
    }

    /// The column value.
    pub fn to_column(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_else(|_| serde_json::json!({}))
    }

    /// The credentials of a stored client.
    pub fn of(client: &crate::db::entities::oidc_clients::Model) -> Self {
        Self::from_column(client.credentials.as_ref())
    }

    /// Removes the secret with this id; false when the client has none by that id.
    pub fn remove_secret(&mut self, id: &str) -> bool {
        let before = self.secrets.len();
        self.secrets.retain(|s| s.id != id);
        self.secrets.len() != before
    }

    /// True when one more secret may be added ([`MAX_SECRETS`], expired ones included).
    pub fn has_room_for_secret(&self) -> bool {
        self.secrets.len() < MAX_SECRETS
    }

    /// True when `secret` matches an active secret. Every active secret is compared (newest
    /// first) in constant time, so timing reveals neither which nor whether one matched early.
    pub fn verify_secret(&self, secret: &str, now: DateTime<Utc>) -> bool {
        let digest = hex::encode(Sha256::digest(secret.as_bytes()));
        let mut active: Vec<&StoredSecret> = self
            .secrets
            .iter()
            .filter(|s| s.alg == "sha256" && s.is_active(now))
            .collect();
        active.sort_by_key(|s| std::cmp::Reverse(s.created_at));
        active.iter().fold(false, |found, s| {
            found | constant_time_eq(s.hash.as_bytes(), digest.as_bytes())
        })
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap()
    }

    #[test]
    fn secrets_verify_until_they_expire() {
        let c = Credentials {
            secrets: vec![
                StoredSecret::new(
                    "old-secret-0123456789",
                    now(),
                    Some(now() + Duration::days(1)),
                ),
                StoredSecret::new("new-secret-0123456789", now(), None),
            ],
            ..Default::default()
        };
        assert!(c.verify_secret("old-secret-0123456789", now()));
        assert!(c.verify_secret("new-secret-0123456789", now() + Duration::days(2)));
        assert!(!c.verify_secret("old-secret-0123456789", now() + Duration::days(2)));
        assert!(!c.verify_secret("wrong", now()));
        assert_eq!(c.secrets[0].prefix, "old-");
    }

    #[test]
    fn secrets_are_removed_by_id_and_capped() {
        let mut c = Credentials::default();
        for i in 0..MAX_SECRETS {
            assert!(c.has_room_for_secret());
            c.secrets.push(StoredSecret::new(
                &format!("secret-{i:02}-0123456789"),
                now(),
                None,
            ));
        }
        assert!(!c.has_room_for_secret());
        let id = c.secrets[3].id.clone();
        assert!(c.remove_secret(&id));
        assert!(!c.remove_secret(&id));
        assert_eq!(c.secrets.len(), MAX_SECRETS - 1);
        assert!(!c.verify_secret("secret-03-0123456789", now()));
        assert!(c.verify_secret("secret-04-0123456789", now()));
    }

    #[test]
    fn stored_shape_matches_pocket_id() {
        let c = Credentials {
            federated_identities: vec![FederatedIdentity {
                issuer: "https://idp.example".into(),
                replay_protection: true,
                ..Default::default()
            }],
            secrets: vec![StoredSecret::new("s", now(), None)],
        };
        let v = c.to_column();
        assert_eq!(v["federatedIdentities"][0]["issuer"], "https://idp.example");
        assert_eq!(v["federatedIdentities"][0]["replayProtection"], true);
        assert_eq!(v["secrets"][0]["alg"], "sha256");
        assert!(v["secrets"][0]["createdAt"].is_string());
        assert_eq!(Credentials::from_column(Some(&v)), c);
        assert_eq!(
            Credentials::from_column(Some(&serde_json::json!("junk"))),
            Credentials::default()
        );
    }
}
