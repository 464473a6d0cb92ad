//! Passkey endpoints: the two ceremonies (start/finish), sign-out and the user's own passkeys.
//! The browser side of the ceremonies lives in `crate::webauthn`.

use super::{
    ClientError, get_json, segment, send_json, send_json_without_answer, send_without_answer,
};
use gloo_net::http::Request;
use pocket_shared::{UserDto, WebauthnCredentialDto, WebauthnCredentialUpdateRequest};
use serde::Deserialize;

/// The `start` answer of both ceremonies: WebAuthn options in their JSON form, to be handed to
/// `PublicKeyCredential.parse{Creation,Request}OptionsFromJSON`. The backend also sends
/// `mediation` on login; the page decides the mediation itself, so it is not read here.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CeremonyOptions {
    /// `publicKey` as WebAuthn's JSON encoding (base64url binary fields).
    pub public_key: serde_json::Value,
}

/// Starts adding a passkey to the signed-in account.
pub async fn register_start() -> Result<CeremonyOptions, ClientError> {
    get_json("/api/webauthn/register/start").await
}

/// Sends the new credential (`PublicKeyCredential.toJSON()`) and returns the stored passkey.
pub async fn register_finish(
    credential: &serde_json::Value,
) -> Result<WebauthnCredentialDto, ClientError> {
    send_json(Request::post("/api/webauthn/register/finish"), credential).await
}

/// Starts a usernameless sign-in (no `allowCredentials`).
pub async fn login_start() -> Result<CeremonyOptions, ClientError> {
    get_json("/api/webauthn/login/start").await
}

/// Sends the assertion (`PublicKeyCredential.toJSON()`); the answer sets the session cookie.
pub async fn login_finish(assertion: &serde_json::Value) -> Result<UserDto, ClientError> {
    send_json(Request::post("/api/webauthn/login/finish"), assertion).await
}

/// Ends the session (clears the cookie).
pub async fn logout() -> Result<(), ClientError> {
    send_without_answer(Request::post("/api/webauthn/logout")).await
}

/// Proves presence again and sets the short-lived reauthentication cookie that an OIDC
/// interaction or device approval consumes. With an assertion (for a `login_start` challenge)
/// any of the user's passkeys will do; without one the server accepts only a session that a
/// passkey sign-in opened less than a minute ago (`reauthentication_required` otherwise).
pub async fn reauthenticate(assertion: Option<&serde_json::Value>) -> Result<(), ClientError> {
    let request = Request::post("/api/webauthn/reauthenticate");
    match assertion {
        Some(assertion) => send_json_without_answer(request, assertion).await,
        None => send_without_answer(request).await,
    }
}

/// The signed-in user's passkeys.
pub async fn list_credentials() -> Result<Vec<WebauthnCredentialDto>, ClientError> {
    get_json("/api/webauthn/credentials").await
}

/// Renames one of the user's passkeys.
pub async fn rename_credential(id: &str, name: &str) -> Result<WebauthnCredentialDto, ClientError> {
    let path = format!("/api/webauthn/credentials/{}", segment(id));
    let body = WebauthnCredentialUpdateRequest {
        name: name.to_owned(),
    };
    send_json(Request::patch(&path), &body).await
}

/// Deletes one of the user's passkeys.
pub async fn delete_credential(id: &str) -> Result<(), ClientError> {
    let path = format!("/api/webauthn/credentials/{}", segment(id));
    send_without_answer(Request::delete(&path)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ceremony_options_keep_public_key_and_ignore_the_rest() {
        let json = r#"{"publicKey":{"challenge":"abc","timeout":60000},"mediation":"conditional"}"#;
        let options: CeremonyOptions = serde_json::from_str(json).unwrap();
        assert_eq!(options.public_key["challenge"], "abc");
    }
}
