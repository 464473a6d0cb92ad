//! Cryptographic helpers: random tokens and digests, encryption at rest (`aead`), signing keys
//! (`keys`, `keystore`) and compact JWS (`jws`).

pub mod aead;
pub mod jws;
pub mod keys;
pub mod keystore;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// `bytes` bytes from the OS-seeded CSPRNG, base64url-encoded without padding.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

/// SHA-256 of a secret token, hex: what is stored in place of login codes and similar tokens.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A 32-byte key for `purpose`, derived from the master `ENCRYPTION_KEY` with HKDF-SHA256, so
/// every instance sharing the master key derives the same keys and no key is stored.
pub fn derive_key(master: &str, purpose: &str) -> [u8; 32] {
    let hk = hkdf::Hkdf::<Sha256>::new(Some(b"pocket-id"), master.as_bytes());
    let mut okm = [0u8; 32];
    // 32 bytes is far below HKDF-SHA256's 8160-byte limit, so expand cannot fail.
    let _ = hk.expand(purpose.as_bytes(), &mut okm);
    okm
}

/// `len` characters drawn uniformly from `alphabet` with the CSPRNG.
pub fn random_from(alphabet: &[u8], len: usize) -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    (0..len)
        .map(|_| char::from(alphabet[rng.random_range(0..alphabet.len())]))
        .collect()
}

/// SHA-256 of `data`, standard base64 (the form CSP hashes use).
pub fn sha256_base64(data: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(data))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_url_safe() {
        let a = random_token(32);
        let b = random_token(32);
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
    }

    #[test]
    fn derived_keys_depend_on_master_and_purpose() {
        let a = derive_key("master-key-0123456789", "session");
        assert_eq!(a, derive_key("master-key-0123456789", "session"));
        assert_ne!(a, derive_key("master-key-0123456789", "other"));
        assert_ne!(a, derive_key("another-master-key-01", "session"));
    }

    #[test]
    fn random_from_uses_only_the_alphabet() {
        let s = random_from(b"abc", 64);
        assert_eq!(s.len(), 64);
        assert!(s.chars().all(|c| "abc".contains(c)));
    }

    #[test]
    fn sha256_matches_known_vector() {
        // echo -n abc | openssl dgst -sha256 -binary | base64
        assert_eq!(
            sha256_base64(b"abc"),
            "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="
        );
    }
}
