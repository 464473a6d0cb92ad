//! `/interaction?interaction=<id>`: where the server sends the browser during an OIDC
//! authorization request. It walks the remaining steps (sign in, choose the account, confirm
//! with a passkey, consent) one at a time, and when the server answers with a `redirectUrl`
//! (back to `/authorize`, or to the client after a refusal) leaves with a full page load.

mod consent;
pub mod error;
mod flow;
mod steps;

use crate::api;
use crate::components::{
    error_view::ErrorView,
    form::{Alert, Tone},
    loading::Loading,
};
use crate::state::{SessionState, use_session};
use consent::ConsentStep;
use error::Problem;
use flow::Flow;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use pocket_shared::ErrorCode;
use pocket_shared::oidc::{InteractionDto, InteractionStep};
use steps::{AccountStep, ReauthenticateStep, SignInStep};

/// Shown when `?interaction=` is missing or is not an interaction id at all.
const NOT_AN_INTERACTION: &str =
    "This address does not name a sign-in request. Go back to the application and start again.";

/// Whether `id` has the shape of an interaction id (a hyphenated UUID).
fn is_interaction_id(id: &str) -> bool {
    id.len() == 36
        && id.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// Loads the interaction named by `?interaction=` and shows its current step.
#[component]
pub fn InteractionPage() -> impl IntoView {
    let query = use_query_map();
    let id = Memo::new(move |_| {
        query
            .with(|q| q.get("interaction"))
            .map(|id| id.trim().to_owned())
            // A mangled link is answered here, without asking the server about it.
            .filter(|id| is_interaction_id(id))
    });
    let interaction = LocalResource::new(move || {
        let id = id.get();
        async move {
            match id {
                Some(id) => Some(api::oidc::interaction(&id).await),
                None => None,
            }
        }
    });
    let retry = Callback::new(move |()| interaction.refetch());
    view! {
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match interaction.await {
                    Some(Ok(interaction)) => view! { <InteractionFlow interaction /> }.into_any(),
                    Some(Err(error)) if error.code() == Some(ErrorCode::InteractionNotFound) => {
                        view! {
                            <Problem title="Sign-in request not found" message=error.user_message() />
                        }
                            .into_any()
                    }
                    Some(Err(error)) => view! { <ErrorView error on_retry=retry /> }.into_any(),
                    None => {
                        view! {
                            <Problem title="Sign-in request not found" message=NOT_AN_INTERACTION />
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// Which view the page shows; views are rebuilt only when this changes, so a pending passkey
/// request is not torn down by unrelated updates.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Screen {
    Ended(String),
    Leaving,
    WaitForSession,
    SessionFailed,
    SignIn(InteractionStep),
    Account(InteractionStep),
    Reauthenticate,
    Consent,
}

/// The current step of one interaction.
#[component]
fn InteractionFlow(interaction: InteractionDto) -> impl IntoView {
    let session = use_session();
    let flow = Flow::new(interaction, session);
    let screen = Memo::new(move |_| {
        if let Some(message) = flow.ended.get() {
            return Screen::Ended(message);
        }
        let step = flow.interaction.with(|i| i.current_step);
        let Some(step) = step.filter(|_| !flow.redirecting.get()) else {
            return Screen::Leaving;
        };
        let signed_in = match session.state() {
            SessionState::Loading => return Screen::WaitForSession,
            SessionState::Failed(_) => return Screen::SessionFailed,
            SessionState::SignedIn(_) => true,
            SessionState::SignedOut => false,
        };
        match step {
            // Every step acts for a signed-in user; without a session (never signed in, or it
            // ended meanwhile) the user signs in here and the step then continues.
            _ if !signed_in => Screen::SignIn(step),
            InteractionStep::Authenticate | InteractionStep::SelectAccount => Screen::Account(step),
            InteractionStep::Reauthenticate => Screen::Reauthenticate,
            InteractionStep::Consent => Screen::Consent,
        }
    });
    let retry_session = Callback::new(move |()| session.retry());
    let body = move || match screen.get() {
        Screen::Ended(message) => {
            view! { <Problem title="Sign-in request not found" message /> }.into_any()
        }
        Screen::Leaving => {
            let label = format!("Returning to {}…", flow.client_name());
            view! { <Loading label /> }.into_any()
        }
        Screen::WaitForSession => view! { <Loading /> }.into_any(),
        Screen::SessionFailed => match session.state() {
            SessionState::Failed(error) => {
                view! { <ErrorView error on_retry=retry_session /> }.into_any()
            }
            _ => view! { <Loading /> }.into_any(),
        },
        Screen::SignIn(step) => view! { <SignInStep flow step /> }.into_any(),
        Screen::Account(step) => view! { <AccountStep flow step /> }.into_any(),
        Screen::Reauthenticate => view! { <ReauthenticateStep flow /> }.into_any(),
        Screen::Consent => view! { <ConsentStep flow /> }.into_any(),
    };
    view! {
        <div class="interaction" data-testid="interaction">
            {move || {
                flow.error
                    .get()
                    .map(|message| {
                        view! {
                            <Alert tone=Tone::Error testid="interaction-error">
                                {message}
                            </Alert>
                        }
                    })
            }}
            {body}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::is_interaction_id;

    #[test]
    fn interaction_ids_are_hyphenated_uuids() {
        assert!(is_interaction_id("00000000-0000-0000-0000-000000000000"));
        assert!(is_interaction_id("3F2504E0-4F89-41D3-9A0C-0305E82C3301"));
        assert!(!is_interaction_id("not-an-id"));
        assert!(!is_interaction_id("3f2504e0-4f89-41d3-9a0c-0305e82c330"));
        assert!(!is_interaction_id("3f2504e0x4f89-41d3-9a0c-0305e82c3301"));
        assert!(!is_interaction_id("3f2504e0-4f89-41d3-9a0c-0305e82c330g"));
    }
}
