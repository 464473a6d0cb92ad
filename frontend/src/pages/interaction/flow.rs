//! The state of one interaction on the page and the operations its steps trigger: complete a
//! step, reauthenticate, sign out to switch account, deny. One action runs them all, so the
//! page has one "busy" state and one place that reads the server's answers.

use crate::api::{self, ClientError};
use crate::state::Session;
use crate::webauthn::{self, Ceremony, PasskeyError};
use leptos::prelude::*;
use pocket_shared::ErrorCode;
use pocket_shared::UserDto;
use pocket_shared::oidc::{CompleteInteractionResponse, InteractionDto, InteractionStep};

/// What a step asks the server for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// Complete this step (it must be the current one).
    Complete(InteractionStep),
    /// Prove presence again, then complete `reauthenticate`. With `fresh_session` only the
    /// just-opened session is offered (no passkey prompt); the server may want a passkey anyway.
    Reauthenticate { fresh_session: bool },
    /// Sign out, to sign in with another account.
    SignOut,
    /// Refuse the request (back to the client with `access_denied`).
    Deny,
    /// Load the interaction again (after it moved on elsewhere).
    Refresh,
}

/// What an operation produced.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Next {
    /// The answer to complete/cancel: the next state or where to go.
    Answer(CompleteInteractionResponse),
    /// The reloaded interaction.
    Reloaded(InteractionDto),
    /// Signed out.
    SignedOut,
    /// Nothing changed (the server wants a passkey for reauthentication).
    Stay,
}

/// Why an operation failed.
#[derive(Debug, Clone, PartialEq, Eq)]
enum StepError {
    Api(ClientError),
    Passkey(PasskeyError),
}

/// A redirect target we navigate to: the server sends `/authorize?…` or the client's registered
/// redirect URI (any scheme, native apps use their own). Script-bearing schemes are refused as
/// a second line of defence; the server already refuses them when clients are saved.
pub fn followable(url: &str) -> bool {
    let url = url.trim_start().to_ascii_lowercase();
    !url.is_empty()
        && !["javascript:", "data:", "vbscript:"]
            .iter()
            .any(|scheme| url.starts_with(scheme))
}

/// The interaction page's state; `Copy`, so views capture it freely.
#[derive(Clone, Copy)]
pub struct Flow {
    /// The interaction as the server last described it.
    pub interaction: RwSignal<InteractionDto>,
    /// The last failure, shown above the step.
    pub error: RwSignal<Option<String>>,
    /// Set when the request can no longer continue (expired, used): the page shows only this.
    pub ended: RwSignal<Option<String>>,
    /// Set once a full-page navigation has started.
    pub redirecting: RwSignal<bool>,
    /// The user signed in with a passkey on this page moments ago (so a following
    /// reauthentication step can go without a second prompt). Taken once.
    fresh_sign_in: StoredValue<bool>,
    action: Action<Op, Result<Next, StepError>>,
    session: Session,
}

impl Flow {
    /// Creates the state for `interaction` and wires the action's answers to it.
    pub fn new(interaction: InteractionDto, session: Session) -> Self {
        let id = interaction.id.clone();
        let action = Action::new_local(move |op: &Op| run(id.clone(), *op));
        let flow = Self {
            interaction: RwSignal::new(interaction),
            error: RwSignal::new(None),
            ended: RwSignal::new(None),
            redirecting: RwSignal::new(false),
            fresh_sign_in: StoredValue::new(false),
            action,
            session,
        };
        Effect::new(move || match action.value().get() {
            Some(Ok(next)) => flow.apply(next),
            Some(Err(e)) => flow.fail(e),
            None => {}
        });
        // Nothing left to do (a reload after the last step): the server's /authorize finishes.
        Effect::new(move || {
            let done = flow.interaction.with(|i| i.current_step.is_none());
            if done && !flow.redirecting.get_untracked() {
                let url = api::oidc::resume_url(&flow.interaction.with_untracked(|i| i.id.clone()));
                flow.follow(&url);
            }
        });
        flow
    }

    /// Starts `op` (clearing the last error).
    pub fn dispatch(&self, op: Op) {
        self.error.set(None);
        self.action.dispatch(op);
    }

    /// True while an operation runs or the browser is leaving. Reactive.
    pub fn busy(&self) -> bool {
        self.action.pending().get() || self.redirecting.get()
    }

    /// Reactive: the operation that is running, if any.
    pub fn running(&self) -> Option<Op> {
        if self.action.pending().get() {
            self.action.input().get()
        } else {
            None
        }
    }

    /// The client's name. Reactive.
    pub fn client_name(&self) -> String {
        self.interaction.with(|i| i.client.name.clone())
    }

    /// A passkey sign-in on this page succeeded: record the session, and complete the step
    /// that signing in answers (choosing the account is signing in with it).
    pub fn signed_in(&self, user: UserDto) {
        self.fresh_sign_in.set_value(true);
        self.session.set_signed_in(user);
        if let Some(step @ (InteractionStep::Authenticate | InteractionStep::SelectAccount)) =
            self.interaction.with_untracked(|i| i.current_step)
        {
            self.dispatch(Op::Complete(step));
        }
    }

    /// True once after a sign-in on this page.
    pub fn take_fresh_sign_in(&self) -> bool {
        let fresh = self.fresh_sign_in.get_value();
        self.fresh_sign_in.set_value(false);
        fresh
    }

    fn apply(&self, next: Next) {
        match next {
            Next::Answer(CompleteInteractionResponse {
                redirect_url: Some(url),
                ..
            }) => self.follow(&url),
            Next::Answer(CompleteInteractionResponse {
                interaction: Some(interaction),
                ..
            })
            | Next::Reloaded(interaction) => self.interaction.set(interaction),
            // Neither field: ask where the request stands.
            Next::Answer(_) => {
                self.action.dispatch(Op::Refresh);
            }
            Next::SignedOut => {
                self.fresh_sign_in.set_value(false);
                self.session.set_signed_out();
            }
            Next::Stay => {}
        }
    }

    fn fail(&self, error: StepError) {
        let error = match error {
            StepError::Passkey(e) if e.is_aborted() => return,
            StepError::Passkey(PasskeyError::Server(e)) | StepError::Api(e) => e,
            StepError::Passkey(e) => {
                self.error
                    .set(Some(e.user_message(Ceremony::Reauthenticate)));
                return;
            }
        };
        match error.code() {
            Some(ErrorCode::InteractionNotFound) => {
                self.ended.set(Some(error.user_message()));
                return;
            }
            Some(ErrorCode::InteractionStepMismatch) => {
                self.action.dispatch(Op::Refresh);
            }
            _ => self.session.check_error(&error),
        }
        self.error.set(Some(error.user_message()));
    }

    /// A full-page navigation (back to `/authorize` or to the client).
    fn follow(&self, url: &str) {
        if !followable(url) {
            self.error.set(Some(
                "The server sent an address this page does not open. Contact your administrator."
                    .to_owned(),
            ));
            return;
        }
        self.redirecting.set(true);
        if let Err(e) = window().location().assign(url) {
            leptos::logging::error!("could not open {url}: {e:?}");
            self.redirecting.set(false);
            self.error
                .set(Some("Could not leave this page. Try again.".to_owned()));
        }
    }
}

async fn complete(id: &str, step: InteractionStep) -> Result<Next, StepError> {
    api::oidc::complete_interaction(id, step)
        .await
        .map(Next::Answer)
        .map_err(StepError::Api)
}

async fn run(id: String, op: Op) -> Result<Next, StepError> {
    match op {
        Op::Complete(step) => complete(&id, step).await,
        Op::Reauthenticate { fresh_session } => {
            if fresh_session {
                let accepted = webauthn::reauthenticate_with_fresh_session()
                    .await
                    .map_err(StepError::Api)?;
                if !accepted {
                    return Ok(Next::Stay);
                }
            } else {
                webauthn::reauthenticate()
                    .await
                    .map_err(StepError::Passkey)?;
            }
            complete(&id, InteractionStep::Reauthenticate).await
        }
        Op::SignOut => match api::webauthn::logout().await {
            // Already signed out elsewhere: the goal is reached all the same.
            Err(e) if !e.is_not_signed_in() => Err(StepError::Api(e)),
            _ => Ok(Next::SignedOut),
        },
        Op::Deny => api::oidc::cancel_interaction(&id)
            .await
            .map(Next::Answer)
            .map_err(StepError::Api),
        Op::Refresh => api::oidc::interaction(&id)
            .await
            .map(Next::Reloaded)
            .map_err(StepError::Api),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_schemes_are_not_followed() {
        assert!(followable("/authorize?interaction=abc"));
        assert!(followable("https://app.example/cb?code=x"));
        assert!(followable("com.example.app:/callback?code=x"));
        for bad in [
            "",
            "javascript:alert(1)",
            " JavaScript:x",
            "data:text/html,x",
            "vbscript:x",
        ] {
            assert!(!followable(bad), "{bad}");
        }
    }
}
