//! The browser side of passkeys: `navigator.credentials.create/get` fed by WebAuthn's JSON
//! helpers (`PublicKeyCredential.parse*OptionsFromJSON`, `credential.toJSON()`), DOMException
//! names mapped to [`WebauthnError`], and the two ceremonies wired to the API.
//!
//! The JSON helpers are reached through `js_sys::Reflect`: web-sys only binds them behind
//! `web_sys_unstable_apis`, and looking them up at run time lets us report old browsers as
//! [`WebauthnError::NotSupported`] instead of throwing.

use crate::api::{self, ClientError};
use js_sys::{Function, JSON, Object, Promise, Reflect};
use pocket_shared::{ErrorCode, UserDto, WebauthnCredentialDto};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Why the browser did not produce a credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebauthnError {
    /// `NotAllowedError`: the user cancelled, or the request timed out (browsers deliberately do
    /// not say which).
    Cancelled,
    /// `InvalidStateError` on create: this authenticator already holds a passkey for the account
    /// (it matched `excludeCredentials`).
    AlreadyRegistered,
    /// No WebAuthn (old browser, insecure context) or `NotSupportedError`.
    NotSupported,
    /// `AbortError`: we aborted the request ourselves (the autofill request, when the button is
    /// used or the page is left). Never shown to the user.
    Aborted,
    /// `SecurityError`: this page's address is not the relying party (`APP_URL`).
    Security,
    /// Anything else: the browser's error name and message.
    Other(String),
}

/// Which ceremony failed, to word the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ceremony {
    /// Signing in (`navigator.credentials.get`).
    SignIn,
    /// Adding a passkey (`navigator.credentials.create`).
    Register,
    /// Proving presence again before an authorization (`navigator.credentials.get`).
    Reauthenticate,
}

impl WebauthnError {
    /// Maps a DOMException (name, message) to the error kinds the pages distinguish.
    pub fn from_dom_exception(name: &str, message: &str) -> Self {
        match name {
            "NotAllowedError" => Self::Cancelled,
            "InvalidStateError" => Self::AlreadyRegistered,
            "NotSupportedError" => Self::NotSupported,
            "AbortError" => Self::Aborted,
            "SecurityError" => Self::Security,
            _ if message.is_empty() => Self::Other(name.to_owned()),
            _ => Self::Other(format!("{name}: {message}")),
        }
    }

    /// The sentence shown to the user.
    pub fn user_message(&self, ceremony: Ceremony) -> String {
        match (self, ceremony) {
            (Self::Cancelled, Ceremony::SignIn) => {
                "Sign-in was cancelled or timed out. Try again when you are ready.".to_owned()
            }
            (Self::Cancelled, Ceremony::Register) => {
                "Adding the passkey was cancelled or timed out. Try again when you are ready."
                    .to_owned()
            }
            (Self::AlreadyRegistered, Ceremony::Register) => {
                "This device or security key already holds a passkey for your account. Use \
                 another one."
                    .to_owned()
            }
            (Self::Cancelled, Ceremony::Reauthenticate) => {
                "Verification was cancelled or timed out. Try again when you are ready.".to_owned()
            }
            (Self::AlreadyRegistered, Ceremony::SignIn | Ceremony::Reauthenticate) => {
                "Your passkey could not be used. Try again.".to_owned()
            }
            (Self::NotSupported, _) => {
                "This browser or device does not support passkeys. Try another browser, or sign \
                 in with a login code."
                    .to_owned()
            }
            (Self::Aborted, _) => "The passkey request was stopped.".to_owned(),
            (Self::Security, _) => {
                "Passkeys cannot be used at this address. Open the site at the address your \
                 administrator configured (APP_URL)."
                    .to_owned()
            }
            (Self::Other(detail), _) => format!("The passkey request failed ({detail})."),
        }
    }
}

/// A passkey ceremony failed in the browser or at the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasskeyError {
    /// The browser refused or the user cancelled.
    Browser(WebauthnError),
    /// The server refused (unknown passkey, expired ceremony, disabled user, ...).
    Server(ClientError),
}

impl PasskeyError {
    /// The sentence shown to the user.
    pub fn user_message(&self, ceremony: Ceremony) -> String {
        match self {
            Self::Browser(e) => e.user_message(ceremony),
            Self::Server(e) => e.user_message(),
        }
    }

    /// True when we aborted the request ourselves; such failures are not reported.
    pub fn is_aborted(&self) -> bool {
        matches!(self, Self::Browser(WebauthnError::Aborted))
    }
}

/// Runs `call`; when the server first wants proof of presence (`reauthentication_required`:
/// adding a passkey or an API key long after signing in), asks for a passkey and runs it once
/// more. A cancelled prompt gives back the server's error, whose message says what is needed.
pub async fn with_reauthentication<T, F, Fut>(call: F) -> Result<T, ClientError>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<T, ClientError>>,
{
    match call().await {
        Err(e) if e.code() == Some(ErrorCode::ReauthenticationRequired) => {
            match reauthenticate().await {
                Ok(()) => call().await,
                Err(PasskeyError::Server(refused)) => Err(refused),
                Err(PasskeyError::Browser(_)) => Err(e),
            }
        }
        other => other,
    }
}

/// Adds a passkey to the signed-in account: start (confirming with an existing passkey first
/// when the server asks), `credentials.create`, finish.
pub async fn register_passkey() -> Result<WebauthnCredentialDto, PasskeyError> {
    let options = with_reauthentication(api::webauthn::register_start)
        .await
        .map_err(PasskeyError::Server)?;
    let credential = create_credential(&options.public_key)
        .await
        .map_err(PasskeyError::Browser)?;
    api::webauthn::register_finish(&credential)
        .await
        .map_err(PasskeyError::Server)
}

/// Signs in with a discoverable passkey: start, `credentials.get`, finish. With `autofill` the
/// request uses conditional mediation (the browser offers passkeys in the autofill field) and
/// ends when the signal aborts.
pub async fn sign_in(autofill: Option<web_sys::AbortSignal>) -> Result<UserDto, PasskeyError> {
    let options = api::webauthn::login_start()
        .await
        .map_err(PasskeyError::Server)?;
    let assertion = get_credential(&options.public_key, autofill.as_ref())
        .await
        .map_err(PasskeyError::Browser)?;
    api::webauthn::login_finish(&assertion)
        .await
        .map_err(PasskeyError::Server)
}

/// Proves presence again with a passkey (any of the user's): a `login/start` challenge,
/// `credentials.get`, then `/api/webauthn/reauthenticate`, which sets the short-lived cookie an
/// OIDC authorization or device approval consumes.
pub async fn reauthenticate() -> Result<(), PasskeyError> {
    let options = api::webauthn::login_start()
        .await
        .map_err(PasskeyError::Server)?;
    let assertion = get_credential(&options.public_key, None)
        .await
        .map_err(PasskeyError::Browser)?;
    api::webauthn::reauthenticate(Some(&assertion))
        .await
        .map_err(PasskeyError::Server)
}

/// Right after a passkey sign-in the server accepts the fresh session as proof of presence, so
/// the user is not asked twice in a row. `Ok(false)` when it wants a passkey after all.
pub async fn reauthenticate_with_fresh_session() -> Result<bool, ClientError> {
    match api::webauthn::reauthenticate(None).await {
        Ok(()) => Ok(true),
        Err(e) if e.code() == Some(ErrorCode::ReauthenticationRequired) => Ok(false),
        Err(e) => Err(e),
    }
}

/// True when this browser has WebAuthn with the JSON helpers this app relies on.
pub fn is_supported() -> bool {
    credential_class()
        .and_then(|class| static_method(&class, "parseRequestOptionsFromJSON"))
        .is_ok()
        && credentials().is_ok()
}

/// Whether the browser can offer passkeys in an autofill field (conditional mediation).
pub async fn conditional_mediation_available() -> bool {
    let Ok(class) = credential_class() else {
        return false;
    };
    let Ok(check) = static_method(&class, "isConditionalMediationAvailable") else {
        return false;
    };
    let Ok(promise) = check.call0(&class).and_then(JsCast::dyn_into::<Promise>) else {
        return false;
    };
    JsFuture::from(promise)
        .await
        .is_ok_and(|available| available.as_bool() == Some(true))
}

/// `navigator.credentials.create({publicKey})` from the server's JSON options; returns
/// `credential.toJSON()`.
async fn create_credential(
    public_key: &serde_json::Value,
) -> Result<serde_json::Value, WebauthnError> {
    let class = credential_class()?;
    let parse = static_method(&class, "parseCreationOptionsFromJSON")?;
    let options = parse.call1(&class, &to_js(public_key)?).map_err(js_error)?;
    let request = Object::new();
    set(&request, "publicKey", &options)?;
    let promise = credentials()?
        .create_with_options(request.unchecked_ref())
        .map_err(js_error)?;
    credential_json(JsFuture::from(promise).await.map_err(js_error)?)
}

/// `navigator.credentials.get({publicKey})`, or with `mediation: "conditional"` and the abort
/// signal for autofill; returns `credential.toJSON()`.
async fn get_credential(
    public_key: &serde_json::Value,
    autofill: Option<&web_sys::AbortSignal>,
) -> Result<serde_json::Value, WebauthnError> {
    let class = credential_class()?;
    let parse = static_method(&class, "parseRequestOptionsFromJSON")?;
    let options = parse.call1(&class, &to_js(public_key)?).map_err(js_error)?;
    let request = Object::new();
    set(&request, "publicKey", &options)?;
    if let Some(signal) = autofill {
        set(&request, "mediation", &JsValue::from_str("conditional"))?;
        set(&request, "signal", signal)?;
    }
    let promise = credentials()?
        .get_with_options(request.unchecked_ref())
        .map_err(js_error)?;
    credential_json(JsFuture::from(promise).await.map_err(js_error)?)
}

/// The `PublicKeyCredential` constructor, or `NotSupported`.
fn credential_class() -> Result<JsValue, WebauthnError> {
    let class = Reflect::get(&js_sys::global(), &JsValue::from_str("PublicKeyCredential"))
        .map_err(js_error)?;
    if class.is_undefined() || class.is_null() {
        Err(WebauthnError::NotSupported)
    } else {
        Ok(class)
    }
}

/// A static method of `PublicKeyCredential`, or `NotSupported` when this browser lacks it.
fn static_method(class: &JsValue, name: &str) -> Result<Function, WebauthnError> {
    Reflect::get(class, &JsValue::from_str(name))
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
        .ok_or(WebauthnError::NotSupported)
}

/// `navigator.credentials`; absent outside secure contexts.
fn credentials() -> Result<web_sys::CredentialsContainer, WebauthnError> {
    let navigator = web_sys::window()
        .ok_or(WebauthnError::NotSupported)?
        .navigator();
    let container =
        Reflect::get(&navigator, &JsValue::from_str("credentials")).map_err(js_error)?;
    if container.is_undefined() || container.is_null() {
        return Err(WebauthnError::NotSupported);
    }
    Ok(container.unchecked_into())
}

/// `credential.toJSON()` as a serde value (what the finish endpoints take as is).
fn credential_json(credential: JsValue) -> Result<serde_json::Value, WebauthnError> {
    // `get()` may resolve with null when the user dismisses the chooser.
    if credential.is_null() || credential.is_undefined() {
        return Err(WebauthnError::Cancelled);
    }
    let to_json = Reflect::get(&credential, &JsValue::from_str("toJSON"))
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
        .ok_or(WebauthnError::NotSupported)?;
    let json = to_json.call0(&credential).map_err(js_error)?;
    let text = JSON::stringify(&json)
        .map_err(js_error)?
        .as_string()
        .unwrap_or_default();
    serde_json::from_str(&text).map_err(|e| WebauthnError::Other(e.to_string()))
}

fn to_js(value: &serde_json::Value) -> Result<JsValue, WebauthnError> {
    let text = serde_json::to_string(value).map_err(|e| WebauthnError::Other(e.to_string()))?;
    JSON::parse(&text).map_err(js_error)
}

fn set(target: &Object, key: &str, value: &JsValue) -> Result<(), WebauthnError> {
    Reflect::set(target, &JsValue::from_str(key), value)
        .map(|_| ())
        .map_err(js_error)
}

/// Reads a thrown value: a DOMException by name, another Error by name and message.
fn js_error(error: JsValue) -> WebauthnError {
    // DOMException is also an Error in current browsers, so check it first.
    if let Some(dom) = error.dyn_ref::<web_sys::DomException>() {
        return WebauthnError::from_dom_exception(&dom.name(), &dom.message());
    }
    if let Some(e) = error.dyn_ref::<js_sys::Error>() {
        return WebauthnError::Other(format!(
            "{}: {}",
            String::from(e.name()),
            String::from(e.message())
        ));
    }
    WebauthnError::Other(format!("{error:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use pocket_shared::ApiError;

    #[test]
    fn dom_exception_names_map_to_kinds() {
        let map = |name| WebauthnError::from_dom_exception(name, "");
        assert_eq!(map("NotAllowedError"), WebauthnError::Cancelled);
        assert_eq!(map("InvalidStateError"), WebauthnError::AlreadyRegistered);
        assert_eq!(map("NotSupportedError"), WebauthnError::NotSupported);
        assert_eq!(map("AbortError"), WebauthnError::Aborted);
        assert_eq!(map("SecurityError"), WebauthnError::Security);
        assert_eq!(
            WebauthnError::from_dom_exception("UnknownError", "boom"),
            WebauthnError::Other("UnknownError: boom".into())
        );
    }

    #[test]
    fn messages_depend_on_the_ceremony() {
        let signin = WebauthnError::Cancelled.user_message(Ceremony::SignIn);
        let register = WebauthnError::Cancelled.user_message(Ceremony::Register);
        assert!(signin.starts_with("Sign-in was cancelled"));
        assert!(register.starts_with("Adding the passkey was cancelled"));
        assert!(
            WebauthnError::AlreadyRegistered
                .user_message(Ceremony::Register)
                .contains("already holds a passkey")
        );
    }

    #[test]
    fn only_our_own_aborts_are_silent() {
        assert!(PasskeyError::Browser(WebauthnError::Aborted).is_aborted());
        assert!(!PasskeyError::Browser(WebauthnError::Cancelled).is_aborted());
        let server = PasskeyError::Server(ClientError::Api {
            status: 403,
            error: ApiError {
                error: "disabled".into(),
                code: ErrorCode::UserDisabled,
                details: None,
                request_id: None,
            },
        });
        assert!(!server.is_aborted());
        assert!(server.user_message(Ceremony::SignIn).contains("disabled"));
    }
}
