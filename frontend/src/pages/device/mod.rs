//! `/device[?user_code=E1234567]`: approve a device (TV, command-line tool) that started the
//! OAuth device authorization flow (RFC 8628). The user signs in here if needed (inline, so
//! `verification_uri_complete` keeps its code), enters or confirms the code, reviews what the
//! device asks for and authorizes or denies it; clients that require it get a fresh passkey
//! confirmation first.

mod approve;

use crate::api::{self, ClientError};
use crate::components::{
    error_view::ErrorView,
    form::{Alert, Tone},
    loading::Loading,
    passkey_sign_in::PasskeySignIn,
};
use crate::routes::guard::{encode_uri_component, with_redirect};
use crate::state::{Session, SessionState, use_session};
use crate::webauthn::{self, PasskeyError};
use approve::{ApproveCard, DoneCard};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use pocket_shared::oidc::{DeviceCodeInfoDto, normalize_user_code};

/// The longest code the field accepts (codes are 8 characters; dashes and spaces are dropped).
const CODE_INPUT_MAX: usize = 24;

/// What the device page asks the server for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviceOp {
    /// Look the code up.
    Lookup(String),
    /// Approve; `reauthenticate` when the client requires a fresh passkey confirmation, which
    /// the just-opened session may satisfy (`fresh_session`).
    Authorize {
        code: String,
        reauthenticate: bool,
        fresh_session: bool,
    },
    /// Refuse.
    Deny(String),
}

/// How the request ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Done {
    Authorized,
    Denied,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum DeviceNext {
    Info(String, Box<DeviceCodeInfoDto>),
    Finished(Done),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum DeviceError {
    Api(ClientError),
    Passkey(PasskeyError),
}

/// The page's state; `Copy`, so views capture it freely.
#[derive(Clone, Copy)]
pub struct Device {
    /// The code field.
    pub code: RwSignal<String>,
    /// The looked-up code and what its device asks for.
    pub info: RwSignal<Option<(String, DeviceCodeInfoDto)>>,
    /// Set once the request was authorized or denied.
    pub done: RwSignal<Option<Done>>,
    /// The last failure.
    pub error: RwSignal<Option<String>>,
    fresh_sign_in: StoredValue<bool>,
    action: Action<DeviceOp, Result<DeviceNext, DeviceError>>,
    session: Session,
}

impl Device {
    fn new(session: Session, code: String) -> Self {
        let action = Action::new_local(|op: &DeviceOp| run(op.clone()));
        let device = Self {
            code: RwSignal::new(code),
            info: RwSignal::new(None),
            done: RwSignal::new(None),
            error: RwSignal::new(None),
            fresh_sign_in: StoredValue::new(false),
            action,
            session,
        };
        Effect::new(move || match action.value().get() {
            Some(Ok(DeviceNext::Info(code, info))) => device.info.set(Some((code, *info))),
            Some(Ok(DeviceNext::Finished(done))) => device.done.set(Some(done)),
            Some(Err(e)) => device.fail(e),
            None => {}
        });
        device
    }

    /// Starts `op` (clearing the last error).
    pub fn dispatch(&self, op: DeviceOp) {
        self.error.set(None);
        self.action.dispatch(op);
    }

    /// Looks up what the field holds, after checking it is not empty.
    pub fn look_up(&self) {
        let code = normalize_user_code(&self.code.get_untracked());
        if code.is_empty() {
            self.error
                .set(Some("Enter the code shown on your device.".to_owned()));
            return;
        }
        self.code.set(code.clone());
        self.dispatch(DeviceOp::Lookup(code));
    }

    /// Approves the looked-up code.
    pub fn authorize(&self) {
        let Some((code, info)) = self.info.get_untracked() else {
            return;
        };
        let fresh_session = self.fresh_sign_in.get_value();
        self.fresh_sign_in.set_value(false);
        self.dispatch(DeviceOp::Authorize {
            code,
            reauthenticate: info.reauthentication_required,
            fresh_session,
        });
    }

    /// Refuses the looked-up code.
    pub fn deny(&self) {
        if let Some((code, _)) = self.info.get_untracked() {
            self.dispatch(DeviceOp::Deny(code));
        }
    }

    /// Back to the code field (e.g. to type another code).
    pub fn start_over(&self) {
        self.info.set(None);
        self.error.set(None);
    }

    /// True while a request runs. Reactive.
    pub fn busy(&self) -> bool {
        self.action.pending().get()
    }

    /// The operation that is running, if any. Reactive.
    pub fn running(&self) -> Option<DeviceOp> {
        if self.action.pending().get() {
            self.action.input().get()
        } else {
            None
        }
    }

    fn fail(&self, error: DeviceError) {
        let message = match error {
            DeviceError::Passkey(e) if e.is_aborted() => return,
            DeviceError::Passkey(PasskeyError::Server(e)) | DeviceError::Api(e) => {
                self.session.check_error(&e);
                e.user_message()
            }
            DeviceError::Passkey(e) => e.user_message(webauthn::Ceremony::Reauthenticate),
        };
        self.error.set(Some(message));
    }
}

async fn run(op: DeviceOp) -> Result<DeviceNext, DeviceError> {
    match op {
        DeviceOp::Lookup(code) => api::oidc::device_info(&code)
            .await
            .map(|info| DeviceNext::Info(code, Box::new(info)))
            .map_err(DeviceError::Api),
        DeviceOp::Authorize {
            code,
            reauthenticate,
            fresh_session,
        } => {
            if reauthenticate {
                let accepted = fresh_session
                    && webauthn::reauthenticate_with_fresh_session()
                        .await
                        .map_err(DeviceError::Api)?;
                if !accepted {
                    // Runs from the "Authorize" click, so the passkey prompt may follow at once.
                    webauthn::reauthenticate()
                        .await
                        .map_err(DeviceError::Passkey)?;
                }
            }
            api::oidc::verify_device_code(&code)
                .await
                .map(|()| DeviceNext::Finished(Done::Authorized))
                .map_err(DeviceError::Api)
        }
        DeviceOp::Deny(code) => api::oidc::deny_device_code(&code)
            .await
            .map(|()| DeviceNext::Finished(Done::Denied))
            .map_err(DeviceError::Api),
    }
}

/// Which view the page shows (views are rebuilt only when this changes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Screen {
    Done(Done),
    WaitForSession,
    SessionFailed,
    SignIn,
    Approve,
    EnterCode,
}

/// The device page.
#[component]
pub fn DevicePage() -> impl IntoView {
    let session = use_session();
    let linked = use_query_map()
        .with_untracked(|q| q.get("user_code"))
        .map(|c| normalize_user_code(&c))
        .filter(|c| !c.is_empty());
    let device = Device::new(session, linked.clone().unwrap_or_default());
    // A code from the link is looked up as soon as the user is signed in.
    let pending_link = StoredValue::new(linked);
    Effect::new(move || {
        if session.user().is_some()
            && let Some(code) = pending_link.try_update_value(Option::take).flatten()
        {
            device.dispatch(DeviceOp::Lookup(code));
        }
    });
    let screen = Memo::new(move |_| {
        if let Some(done) = device.done.get() {
            return Screen::Done(done);
        }
        match session.state() {
            SessionState::Loading => Screen::WaitForSession,
            SessionState::Failed(_) => Screen::SessionFailed,
            SessionState::SignedOut => Screen::SignIn,
            SessionState::SignedIn(_) if device.info.with(Option::is_some) => Screen::Approve,
            SessionState::SignedIn(_) => Screen::EnterCode,
        }
    });
    let retry_session = Callback::new(move |()| session.retry());
    let body = move || match screen.get() {
        Screen::Done(done) => view! { <DoneCard done /> }.into_any(),
        Screen::WaitForSession => view! { <Loading /> }.into_any(),
        Screen::SessionFailed => match session.state() {
            SessionState::Failed(error) => {
                view! { <ErrorView error on_retry=retry_session /> }.into_any()
            }
            _ => view! { <Loading /> }.into_any(),
        },
        Screen::SignIn => view! { <DeviceSignIn device /> }.into_any(),
        Screen::Approve => view! { <ApproveCard device /> }.into_any(),
        Screen::EnterCode => view! { <CodeForm device /> }.into_any(),
    };
    view! {
        <div class="interaction" data-testid="device-page">
            {move || {
                // The code form shows its own error under the field.
                (screen.get() != Screen::EnterCode)
                    .then(|| device.error.get())
                    .flatten()
                    .map(|message| {
                        view! {
                            <Alert tone=Tone::Error testid="device-error">
                                {message}
                            </Alert>
                        }
                    })
            }}
            {body}
        </div>
    }
}

/// Signing in without leaving `/device` (the alternative methods come back with the code).
#[component]
fn DeviceSignIn(device: Device) -> impl IntoView {
    let code = normalize_user_code(&device.code.get_untracked());
    let here = if code.is_empty() {
        "/device".to_owned()
    } else {
        format!("/device?user_code={}", encode_uri_component(&code))
    };
    let on_signed_in = Callback::new(move |user| {
        device.fresh_sign_in.set_value(true);
        device.session.set_signed_in(user);
    });
    view! {
        <PasskeySignIn
            title="Sign in to connect your device"
            alternative_href=with_redirect("/login/alternative", Some(&here))
            on_signed_in
        />
    }
}

/// The code field.
#[component]
fn CodeForm(device: Device) -> impl IntoView {
    let invalid = move || device.error.with(Option::is_some);
    let checking = move || matches!(device.running(), Some(DeviceOp::Lookup(_)));
    view! {
        <section class="card card--narrow" aria-labelledby="device-title">
            <h1 id="device-title" data-testid="device-title">
                "Connect a device"
            </h1>
            <p class="lead">"Enter the code shown on the device you want to sign in on."</p>
            <form
                class="form"
                novalidate
                on:submit=move |ev| {
                    ev.prevent_default();
                    device.look_up();
                }
            >
                <div class="field" class:field--invalid=invalid>
                    <label class="field__label" for="device-code">
                        "Code"
                    </label>
                    <input
                        class="field__input field__input--code"
                        id="device-code"
                        name="user_code"
                        data-testid="device-code-input"
                        type="text"
                        autocomplete="one-time-code"
                        autocapitalize="characters"
                        spellcheck="false"
                        maxlength=CODE_INPUT_MAX
                        aria-invalid=move || if invalid() { "true" } else { "false" }
                        aria-describedby=move || invalid().then_some("device-code-error")
                        bind:value=device.code
                    />
                </div>
                {move || {
                    device
                        .error
                        .get()
                        .map(|message| {
                            view! {
                                <div id="device-code-error">
                                    <Alert tone=Tone::Error testid="device-code-error">
                                        {message}
                                    </Alert>
                                </div>
                            }
                        })
                }}
                <button
                    type="submit"
                    class="button button--primary button--block"
                    data-testid="device-code-submit"
                    disabled=move || device.busy()
                >
                    {move || if checking() { "Checking…" } else { "Continue" }}
                </button>
            </form>
        </section>
    }
}
