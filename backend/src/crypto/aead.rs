//! Encryption at rest: AES-256-GCM with a random nonce, under a key derived from
//! `ENCRYPTION_KEY` for one purpose. Stored form: base64(nonce ‖ ciphertext ‖ tag).

use aws_lc_rs::aead::{AES_256_GCM, Aad, NONCE_LEN, Nonce, RandomizedNonceKey};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// Decryption failed: wrong key, or the value was altered.
#[derive(Debug, thiserror::Error)]
#[error("cannot decrypt the stored value (wrong ENCRYPTION_KEY or altered data)")]
pub struct DecryptError;

/// The cipher could not be set up (the crypto library refused the key).
#[derive(Debug, thiserror::Error)]
#[error("cannot set up encryption at rest")]
pub struct SetupError;

/// A purpose-bound encryption key.
pub struct Sealer {
    key: RandomizedNonceKey,
    aad: &'static [u8],
}

impl Sealer {
    /// The key for `purpose`, derived from the master key; `purpose` is also the AAD, so a
    /// value sealed for one purpose never opens for another.
    pub fn new(master: &str, purpose: &'static str) -> Result<Self, SetupError> {
        let bytes = super::derive_key(master, purpose);
        let key = RandomizedNonceKey::new(&AES_256_GCM, &bytes).map_err(|_| SetupError)?;
        Ok(Self {
            key,
            aad: purpose.as_bytes(),
        })
    }

    /// Encrypts `plain`.
    pub fn seal(&self, plain: &[u8]) -> String {
        let mut buf = plain.to_vec();
        match self
            .key
            .seal_in_place_append_tag(Aad::from(self.aad), &mut buf)
        {
            Ok(nonce) => {
                let mut out = nonce.as_ref().to_vec();
                out.extend_from_slice(&buf);
                STANDARD.encode(out)
            }
            // Only fails if the system RNG fails; an empty value then fails to open, loudly.
            Err(_) => String::new(),
        }
    }

    /// Decrypts a value from [`Sealer::seal`].
    pub fn open(&self, sealed: &str) -> Result<Vec<u8>, DecryptError> {
        let raw = STANDARD.decode(sealed).map_err(|_| DecryptError)?;
        if raw.len() < NONCE_LEN {
            return Err(DecryptError);
        }
        let (nonce, rest) = raw.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| DecryptError)?;
        let mut buf = rest.to_vec();
        let plain = self
            .key
            .open_in_place(nonce, Aad::from(self.aad), &mut buf)
            .map_err(|_| DecryptError)?;
        Ok(plain.to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_open_and_refusals() {
        let s = Sealer::new("master-key-0123456789", "test-purpose").unwrap();
        let sealed = s.seal(b"secret");
        assert_ne!(sealed, s.seal(b"secret"), "random nonce");
        assert_eq!(s.open(&sealed).unwrap(), b"secret");
        assert!(
            Sealer::new("another-master-key-01", "test-purpose")
                .unwrap()
                .open(&sealed)
                .is_err()
        );
        assert!(
            Sealer::new("master-key-0123456789", "other-purpose")
                .unwrap()
                .open(&sealed)
                .is_err()
        );
        assert!(s.open("AAAA").is_err());
    }
}
