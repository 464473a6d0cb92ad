//! Compact JWS for our own tokens: signing with the current key and verifying against the
//! published keys. Verification looks the key up by `kid` and requires the header `alg` to be
//! that key's algorithm, so `alg: none`, HMAC or any algorithm confusion is refused by design.

use super::keys::SigningKey;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

/// A verified token's header and claims.
#[derive(Debug, Clone)]
pub struct Verified {
    pub header: Value,
    pub claims: Value,
}

/// Signs `claims` with `key`; `typ` goes into the header when given (e.g. `at+jwt`).
pub fn encode(
    key: &SigningKey,
    typ: Option<&str>,
    claims: &Value,
) -> Result<String, super::keys::KeyError> {
    let mut header = json!({ "alg": key.alg.as_str(), "kid": key.kid });
    if let Some(t) = typ {
        header["typ"] = json!(t);
    }
    let mut out = URL_SAFE_NO_PAD.encode(header.to_string());
    out.push('.');
    out.push_str(&URL_SAFE_NO_PAD.encode(claims.to_string()));
    let sig = key.sign(out.as_bytes())?;
    out.push('.');
    out.push_str(&URL_SAFE_NO_PAD.encode(sig));
    Ok(out)
}

fn decode_part(part: &str) -> Option<Value> {
    let bytes = URL_SAFE_NO_PAD.decode(part).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Header and claims without checking the signature: only to pick a key or an issuer before
/// real verification, never to trust anything.
pub fn peek(token: &str) -> Option<Verified> {
    let mut parts = token.split('.');
    let (h, c) = (parts.next()?, parts.next()?);
    parts.next()?;
    Some(Verified {
        header: decode_part(h)?,
        claims: decode_part(c)?,
    })
}

/// Verifies `token` against `keys`; `None` when it is malformed, unsigned, signed by another
/// key or with another algorithm than the key's. Claims (exp, iss, ...) are the caller's job.
pub fn verify<'a>(token: &str, keys: impl IntoIterator<Item = &'a SigningKey>) -> Option<Verified> {
    let (signed, sig) = token.rsplit_once('.')?;
    let (h, c) = signed.split_once('.')?;
    let header = decode_part(h)?;
    let kid = header.get("kid")?.as_str()?;
    let alg = header.get("alg")?.as_str()?;
    let key = keys.into_iter().find(|k| k.kid == kid)?;
    if key.alg.as_str() != alg {
        return None;
    }
    let sig = URL_SAFE_NO_PAD.decode(sig).ok()?;
    if !key.verify(signed.as_bytes(), &sig) {
        return None;
    }
    Some(Verified {
        header,
        claims: decode_part(c)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::keys::Alg;

    #[test]
    fn round_trip_and_refusals() {
        let key = SigningKey::generate(Alg::ES256, None).unwrap();
        let other = SigningKey::generate(Alg::ES256, None).unwrap();
        let t = encode(&key, Some("at+jwt"), &json!({"sub": "u"})).unwrap();
        let v = verify(&t, [&key]).unwrap();
        assert_eq!(v.claims["sub"], "u");
        assert_eq!(v.header["typ"], "at+jwt");
        assert!(verify(&t, [&other]).is_none(), "unknown kid");

        // alg: none with our kid.
        let h = URL_SAFE_NO_PAD.encode(json!({"alg": "none", "kid": key.kid}).to_string());
        let c = URL_SAFE_NO_PAD.encode(json!({"sub": "u"}).to_string());
        assert!(verify(&format!("{h}.{c}."), [&key]).is_none());
        // HS256 "signed" with the public key bytes (algorithm confusion).
        let h = URL_SAFE_NO_PAD.encode(json!({"alg": "HS256", "kid": key.kid}).to_string());
        assert!(verify(&format!("{h}.{c}.AAAA"), [&key]).is_none());
        // Payload swapped under a valid signature.
        let forged = URL_SAFE_NO_PAD.encode(json!({"sub": "admin"}).to_string());
        let mut parts: Vec<&str> = t.split('.').collect();
        parts[1] = &forged;
        assert!(verify(&parts.join("."), [&key]).is_none());
        assert_eq!(peek(&t).unwrap().claims["sub"], "u");
    }
}
