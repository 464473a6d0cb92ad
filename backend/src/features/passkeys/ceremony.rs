//! The WebAuthn relying party (webauthn-rs) configured from `APP_URL` and the app settings, and
//! the adjustments Pocket ID's policy needs on top of webauthn-rs's passkey defaults.

use crate::error::AppError;
use crate::features::app_config::service::AppSettings;
use axum::http::StatusCode;
use pocket_shared::ErrorCode;
use serde_json::Value;
use std::time::Duration;
use webauthn_rs::prelude::{Url, Webauthn, WebauthnBuilder, WebauthnError};

/// How long a registration or sign-in ceremony may take.
pub const CEREMONY_TIMEOUT: Duration = Duration::from_secs(60);

/// The relying party: RP ID = host of `APP_URL`, origin = `APP_URL`, name = the app name.
pub fn relying_party(app_url: &str, app_name: &str) -> Result<Webauthn, AppError> {
    let origin = Url::parse(app_url).map_err(AppError::internal)?;
    let rp_id = origin.host_str().unwrap_or_default().to_owned();
    WebauthnBuilder::new(&rp_id, &origin)
        .and_then(|b| b.rp_name(app_name).timeout(CEREMONY_TIMEOUT).build())
        .map_err(|e| {
            // e.g. an IP-address APP_URL: browsers refuse passkeys for those.
            tracing::error!(error = %e, %app_url, "APP_URL cannot be a WebAuthn relying party (use a host name)");
            AppError::internal(e)
        })
}

fn uv(settings: &AppSettings) -> &'static str {
    if settings.webauthn_user_verification_required {
        "required"
    } else {
        "preferred"
    }
}

/// Registration options as Pocket ID sends them: discoverable credential required (usernameless
/// sign-in), the configured user verification and authenticator attachment, `credProps`.
pub fn adjust_creation_options(ccr: &mut Value, settings: &AppSettings) {
    let Some(pk) = ccr.get_mut("publicKey").and_then(Value::as_object_mut) else {
        return;
    };
    let sel = pk
        .entry("authenticatorSelection")
        .or_insert_with(|| Value::Object(Default::default()));
    if let Some(sel) = sel.as_object_mut() {
        sel.insert("residentKey".into(), "required".into());
        sel.insert("requireResidentKey".into(), true.into());
        sel.insert("userVerification".into(), uv(settings).into());
        match settings.webauthn_authenticator_attachment.as_str() {
            a @ ("platform" | "cross-platform") => {
                sel.insert("authenticatorAttachment".into(), a.into());
            }
            _ => {
                sel.remove("authenticatorAttachment");
            }
        }
    }
    if let Some(ext) = pk
        .entry("extensions")
        .or_insert_with(|| Value::Object(Default::default()))
        .as_object_mut()
    {
        ext.insert("credProps".into(), true.into());
    }
}

/// Sign-in options with the configured user verification.
pub fn adjust_request_options(rcr: &mut Value, settings: &AppSettings) {
    if let Some(pk) = rcr.get_mut("publicKey").and_then(Value::as_object_mut) {
        pk.insert("userVerification".into(), uv(settings).into());
    }
}

/// The ceremony state with the configured user-verification policy, so `finish` enforces what
/// `start` asked for (webauthn-rs's passkey API always starts with "required").
pub fn adjust_state_policy(state: &mut Value, settings: &AppSettings) {
    let policy = if settings.webauthn_user_verification_required {
        "required"
    } else {
        "preferred"
    };
    for pointer in ["/rs/policy", "/ast/policy"] {
        if let Some(p) = state.pointer_mut(pointer) {
            *p = policy.into();
        }
    }
}

/// Maps a ceremony failure to Pocket ID's error codes.
pub fn ceremony_error(e: WebauthnError, signing_in: bool) -> AppError {
    let (status, code, message) = match e {
        WebauthnError::UserNotVerified => (
            StatusCode::BAD_REQUEST,
            ErrorCode::PasskeyUserVerificationRequired,
            "Your passkey couldn't verify you. If you're using a security key, configure a FIDO2 PIN and try again",
        ),
        _ if signing_in => (
            StatusCode::UNAUTHORIZED,
            ErrorCode::WebauthnAuthenticationFailed,
            "We couldn't verify your passkey",
        ),
        _ => (
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidWebauthnResponse,
            "We couldn't process the response from your passkey",
        ),
    };
    tracing::info!(error = %e, "passkey ceremony failed");
    AppError::coded(status, code, message)
}

/// What the authenticator said at registration that webauthn-rs does not keep: its AAGUID and
/// the credential's raw COSE public key (stored as Pocket ID does).
pub struct AttestedData {
    pub aaguid: [u8; 16],
    pub cose_key: Vec<u8>,
    pub fmt: String,
}

/// Reads the attestation object: `authData` = rpIdHash(32) flags(1) signCount(4) aaguid(16)
/// credIdLen(2) credId COSE_Key [extensions] (WebAuthn §6.5.1).
pub fn attested_data(attestation_object: &[u8]) -> Option<AttestedData> {
    use ciborium::Value as Cbor;
    let obj: Cbor = ciborium::from_reader(attestation_object).ok()?;
    let map = obj.as_map()?;
    let get = |k: &str| {
        map.iter()
            .find(|(key, _)| key.as_text() == Some(k))
            .map(|(_, v)| v)
    };
    let fmt = get("fmt")?.as_text()?.to_owned();
    let auth = get("authData")?.as_bytes()?;
    let aaguid: [u8; 16] = auth.get(37..53)?.try_into().ok()?;
    let id_len = u16::from_be_bytes(auth.get(53..55)?.try_into().ok()?) as usize;
    let key_start = 55 + id_len;
    let rest = auth.get(key_start..)?;
    // The COSE key is one CBOR item; measure it by decoding and re-encoding.
    let key: Cbor = ciborium::from_reader(rest).ok()?;
    let mut cose_key = Vec::new();
    ciborium::into_writer(&key, &mut cose_key).ok()?;
    Some(AttestedData {
        aaguid,
        cose_key,
        fmt,
    })
}

/// The authenticator's product name from the bundled AAGUID table, else "New Passkey".
pub fn passkey_name(aaguid: &[u8; 16]) -> String {
    let id = uuid::Uuid::from_bytes(*aaguid).to_string();
    let table: serde_json::Map<String, Value> =
        serde_json::from_str(include_str!("../../../assets/aaguids.json")).unwrap_or_default();
    table
        .get(&id)
        .and_then(Value::as_str)
        .unwrap_or("New Passkey")
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_aaguids_are_named() {
        let gpm = *uuid::Uuid::parse_str("ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4")
            .unwrap()
            .as_bytes();
        assert_eq!(passkey_name(&gpm), "Google Password Manager");
        assert_eq!(passkey_name(&[0; 16]), "New Passkey");
    }

    #[test]
    fn aaguid_table_is_valid_json_of_names() {
        let table: serde_json::Map<String, Value> =
            serde_json::from_str(include_str!("../../../assets/aaguids.json")).unwrap();
        assert!(table.len() >= 10);
        for (k, v) in table {
            uuid::Uuid::parse_str(&k).unwrap();
            assert!(v.as_str().is_some_and(|s| !s.is_empty()));
        }
    }

    #[test]
    fn creation_options_require_discoverable_credentials() {
        let settings = AppSettings::from_values(&Default::default());
        let mut ccr = serde_json::json!({"publicKey": {"authenticatorSelection": {"residentKey": "discouraged", "requireResidentKey": false, "userVerification": "required", "authenticatorAttachment": "platform"}}});
        adjust_creation_options(&mut ccr, &settings);
        let sel = &ccr["publicKey"]["authenticatorSelection"];
        assert_eq!(sel["residentKey"], "required");
        assert_eq!(sel["requireResidentKey"], true);
        assert!(
            sel.get("authenticatorAttachment").is_none(),
            "`any` means no attachment"
        );
        assert_eq!(ccr["publicKey"]["extensions"]["credProps"], true);
    }
}
