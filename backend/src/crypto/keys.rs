//! Asymmetric signing keys for ID tokens and access tokens (aws-lc-rs, constant time): key
//! generation, PKCS#8 import/export, signing, verification and the public JWK. A key is parsed
//! once and kept parsed, so signing never re-reads DER.

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{self, EcdsaKeyPair, Ed25519KeyPair, KeyPair, UnparsedPublicKey};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use sha2::Digest;
use std::fmt;
use std::str::FromStr;

/// A JWS signing algorithm we can hold keys for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Alg {
    RS256,
    RS384,
    RS512,
    ES256,
    ES384,
    ES512,
    EdDSA,
}

impl Alg {
    /// Every supported algorithm.
    pub const ALL: [Alg; 7] = [
        Alg::RS256,
        Alg::RS384,
        Alg::RS512,
        Alg::ES256,
        Alg::ES384,
        Alg::ES512,
        Alg::EdDSA,
    ];

    /// The JOSE name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::RS256 => "RS256",
            Self::RS384 => "RS384",
            Self::RS512 => "RS512",
            Self::ES256 => "ES256",
            Self::ES384 => "ES384",
            Self::ES512 => "ES512",
            Self::EdDSA => "EdDSA",
        }
    }

    /// The left half of the alg's hash of `data`, base64url: `at_hash` / `c_hash` (OIDC Core
    /// 3.1.3.6). EdDSA with Ed25519 uses SHA-512, as the OpenID Foundation's registry says.
    pub fn half_hash(self, data: &[u8]) -> String {
        let full: Vec<u8> = match self {
            Self::RS256 | Self::ES256 => sha2::Sha256::digest(data).to_vec(),
            Self::RS384 | Self::ES384 => sha2::Sha384::digest(data).to_vec(),
            Self::RS512 | Self::ES512 | Self::EdDSA => sha2::Sha512::digest(data).to_vec(),
        };
        URL_SAFE_NO_PAD.encode(&full[..full.len() / 2])
    }
}

impl fmt::Display for Alg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Alg {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Alg::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| {
                format!("unsupported algorithm {s:?} (RS256, RS384, RS512, ES256, ES384, ES512 or EdDSA)")
            })
    }
}

/// Why a key could not be made or read.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("key generation failed")]
    Generate,
    #[error("stored key is not a valid {0} PKCS#8 key")]
    Parse(Alg),
    #[error("RSA keys must be 2048, 3072 or 4096 bits")]
    RsaSize,
}

enum Pair {
    Rsa(aws_lc_rs::rsa::KeyPair),
    Ec(EcdsaKeyPair),
    Ed(Ed25519KeyPair),
}

/// A parsed private signing key with its id.
pub struct SigningKey {
    pub kid: String,
    pub alg: Alg,
    pair: Pair,
    /// The public key in the form aws-lc-rs verifies with.
    public: Vec<u8>,
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the private key.
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .field("alg", &self.alg)
            .finish()
    }
}

fn ec_signing(alg: Alg) -> &'static signature::EcdsaSigningAlgorithm {
    match alg {
        Alg::ES384 => &signature::ECDSA_P384_SHA384_FIXED_SIGNING,
        Alg::ES512 => &signature::ECDSA_P521_SHA512_FIXED_SIGNING,
        _ => &signature::ECDSA_P256_SHA256_FIXED_SIGNING,
    }
}

fn rsa_encoding(alg: Alg) -> &'static signature::RsaSignatureEncoding {
    match alg {
        Alg::RS384 => &signature::RSA_PKCS1_SHA384,
        Alg::RS512 => &signature::RSA_PKCS1_SHA512,
        _ => &signature::RSA_PKCS1_SHA256,
    }
}

fn verification(alg: Alg) -> &'static dyn signature::VerificationAlgorithm {
    match alg {
        Alg::RS256 => &signature::RSA_PKCS1_2048_8192_SHA256,
        Alg::RS384 => &signature::RSA_PKCS1_2048_8192_SHA384,
        Alg::RS512 => &signature::RSA_PKCS1_2048_8192_SHA512,
        Alg::ES256 => &signature::ECDSA_P256_SHA256_FIXED,
        Alg::ES384 => &signature::ECDSA_P384_SHA384_FIXED,
        Alg::ES512 => &signature::ECDSA_P521_SHA512_FIXED,
        Alg::EdDSA => &signature::ED25519,
    }
}

/// A fresh key id: 8 random bytes, base64url (Pocket ID's format).
pub fn new_kid() -> String {
    super::random_token(8)
}

impl SigningKey {
    /// A new key for `alg` (RSA: `rsa_bits`, 2048 by default).
    pub fn generate(alg: Alg, rsa_bits: Option<u32>) -> Result<Self, KeyError> {
        let pkcs8 = match alg {
            Alg::RS256 | Alg::RS384 | Alg::RS512 => {
                let size = match rsa_bits.unwrap_or(2048) {
                    2048 => aws_lc_rs::rsa::KeySize::Rsa2048,
                    3072 => aws_lc_rs::rsa::KeySize::Rsa3072,
                    4096 => aws_lc_rs::rsa::KeySize::Rsa4096,
                    _ => return Err(KeyError::RsaSize),
                };
                let pair =
                    aws_lc_rs::rsa::KeyPair::generate(size).map_err(|_| KeyError::Generate)?;
                pair.as_der()
                    .map_err(|_| KeyError::Generate)?
                    .as_ref()
                    .to_vec()
            }
            Alg::ES256 | Alg::ES384 | Alg::ES512 => EcdsaKeyPair::generate(ec_signing(alg))
                .and_then(|p| p.to_pkcs8v1())
                .map_err(|_| KeyError::Generate)?
                .as_ref()
                .to_vec(),
            Alg::EdDSA => Ed25519KeyPair::generate()
                .and_then(|p| p.to_pkcs8v1())
                .map_err(|_| KeyError::Generate)?
                .as_ref()
                .to_vec(),
        };
        Self::from_pkcs8(new_kid(), alg, &pkcs8)
    }

    /// Reads a PKCS#8 DER private key.
    pub fn from_pkcs8(kid: String, alg: Alg, der: &[u8]) -> Result<Self, KeyError> {
        let err = |_| KeyError::Parse(alg);
        let (pair, public) = match alg {
            Alg::RS256 | Alg::RS384 | Alg::RS512 => {
                let p = aws_lc_rs::rsa::KeyPair::from_pkcs8(der).map_err(err)?;
                let public = p.public_key().as_ref().to_vec();
                (Pair::Rsa(p), public)
            }
            Alg::ES256 | Alg::ES384 | Alg::ES512 => {
                let p = EcdsaKeyPair::from_pkcs8(ec_signing(alg), der).map_err(err)?;
                let public = p.public_key().as_ref().to_vec();
                (Pair::Ec(p), public)
            }
            Alg::EdDSA => {
                let p = Ed25519KeyPair::from_pkcs8(der).map_err(err)?;
                let public = p.public_key().as_ref().to_vec();
                (Pair::Ed(p), public)
            }
        };
        Ok(Self {
            kid,
            alg,
            pair,
            public,
        })
    }

    /// The private key as PKCS#8 DER (for encrypted storage only).
    pub fn to_pkcs8(&self) -> Result<Vec<u8>, KeyError> {
        let der = match &self.pair {
            Pair::Rsa(p) => p.as_der().map(|d| d.as_ref().to_vec()),
            Pair::Ec(p) => p.to_pkcs8v1().map(|d| d.as_ref().to_vec()),
            Pair::Ed(p) => p.to_pkcs8v1().map(|d| d.as_ref().to_vec()),
        };
        der.map_err(|_| KeyError::Generate)
    }

    /// The JWS signature of `message`.
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>, KeyError> {
        match &self.pair {
            Pair::Rsa(p) => {
                let mut sig = vec![0u8; p.public_modulus_len()];
                p.sign(
                    rsa_encoding(self.alg),
                    &SystemRandom::new(),
                    message,
                    &mut sig,
                )
                .map_err(|_| KeyError::Generate)?;
                Ok(sig)
            }
            Pair::Ec(p) => p
                .sign(&SystemRandom::new(), message)
                .map(|s| s.as_ref().to_vec())
                .map_err(|_| KeyError::Generate),
            Pair::Ed(p) => Ok(p.sign(message).as_ref().to_vec()),
        }
    }

    /// True when `sig` is this key's signature of `message`.
    pub fn verify(&self, message: &[u8], sig: &[u8]) -> bool {
        UnparsedPublicKey::new(verification(self.alg), &self.public)
            .verify(message, sig)
            .is_ok()
    }

    /// The public key as a JWK (`kid`, `use: sig`, `alg`).
    pub fn public_jwk(&self) -> Value {
        let b64 = |b: &[u8]| URL_SAFE_NO_PAD.encode(b);
        let mut jwk = match &self.pair {
            Pair::Rsa(p) => {
                let pk = p.public_key();
                json!({
                    "kty": "RSA",
                    "n": b64(pk.modulus().big_endian_without_leading_zero()),
                    "e": b64(pk.exponent().big_endian_without_leading_zero()),
                })
            }
            Pair::Ec(_) => {
                // Uncompressed point: 0x04 || X || Y.
                let coords = &self.public[1..];
                let (x, y) = coords.split_at(coords.len() / 2);
                let crv = match self.alg {
                    Alg::ES384 => "P-384",
                    Alg::ES512 => "P-521",
                    _ => "P-256",
                };
                json!({ "kty": "EC", "crv": crv, "x": b64(x), "y": b64(y) })
            }
            Pair::Ed(_) => json!({ "kty": "OKP", "crv": "Ed25519", "x": b64(&self.public) }),
        };
        jwk["kid"] = json!(self.kid);
        jwk["use"] = json!("sig");
        jwk["alg"] = json!(self.alg.as_str());
        jwk
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_algorithm_signs_verifies_and_survives_pkcs8() {
        for alg in Alg::ALL {
            let key = SigningKey::generate(alg, None).unwrap();
            let sig = key.sign(b"header.payload").unwrap();
            assert!(key.verify(b"header.payload", &sig), "{alg}");
            assert!(!key.verify(b"header.payloaX", &sig), "{alg} tampered");
            let again =
                SigningKey::from_pkcs8(key.kid.clone(), alg, &key.to_pkcs8().unwrap()).unwrap();
            assert!(again.verify(b"header.payload", &sig), "{alg} reloaded");
            assert_eq!(again.public_jwk(), key.public_jwk());
            let jwk = key.public_jwk();
            assert_eq!(jwk["alg"], alg.as_str());
            assert_eq!(jwk["use"], "sig");
        }
    }

    #[test]
    fn jwk_shapes() {
        let rsa = SigningKey::generate(Alg::RS256, None).unwrap().public_jwk();
        assert_eq!(rsa["kty"], "RSA");
        assert_eq!(rsa["e"], "AQAB");
        // 2048-bit modulus: 256 bytes → 342 base64url characters.
        assert_eq!(rsa["n"].as_str().unwrap().len(), 342);
        let ec = SigningKey::generate(Alg::ES256, None).unwrap().public_jwk();
        assert_eq!(
            (ec["crv"].as_str(), ec["x"].as_str().unwrap().len()),
            (Some("P-256"), 43)
        );
        let ed = SigningKey::generate(Alg::EdDSA, None).unwrap().public_jwk();
        assert_eq!(
            (ed["kty"].as_str(), ed["crv"].as_str()),
            (Some("OKP"), Some("Ed25519"))
        );
    }

    #[test]
    fn wrong_algorithm_for_stored_key_is_refused() {
        let ec = SigningKey::generate(Alg::ES256, None).unwrap();
        assert!(SigningKey::from_pkcs8("k".into(), Alg::RS256, &ec.to_pkcs8().unwrap()).is_err());
        assert!(SigningKey::generate(Alg::RS256, Some(1024)).is_err());
        assert!("HS256".parse::<Alg>().is_err());
        assert_eq!("EdDSA".parse::<Alg>().unwrap(), Alg::EdDSA);
    }

    #[test]
    fn half_hash_matches_oidc_example() {
        // OIDC Core A.3: at_hash of "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y" is
        // "77QmUPtjPfzWtF2AnpK9RQ" (RS256).
        assert_eq!(
            Alg::RS256.half_hash(b"jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y"),
            "77QmUPtjPfzWtF2AnpK9RQ"
        );
    }
}
