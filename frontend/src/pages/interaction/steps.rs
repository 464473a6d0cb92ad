//! The steps about the account: sign in (inline, keeping this page's address), continue as or
//! switch the signed-in account, and confirm presence with a passkey.

use super::flow::{Flow, Op};
use crate::components::{
    avatar::Avatar, client::ClientLogo, layout::display_name, passkey_sign_in::PasskeySignIn,
};
use crate::routes::guard::{encode_uri_component, with_redirect};
use crate::state::use_session;
use leptos::prelude::*;
use pocket_shared::oidc::{InteractionStep, InteractionUserDto};

/// The account a step is about, as shown on the page.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Shown {
    id: String,
    name: String,
    detail: String,
}

/// The name and second line for the bound account: display name (else username), and email
/// (else username).
fn shown_interaction_user(user: &InteractionUserDto) -> Shown {
    let display = user.display_name.trim();
    let name = if display.is_empty() {
        user.username.clone()
    } else {
        display.to_owned()
    };
    let detail = user
        .email
        .clone()
        .filter(|e| !e.trim().is_empty())
        .unwrap_or_else(|| user.username.clone());
    Shown {
        id: user.id.clone(),
        name,
        detail,
    }
}

/// Signing in without leaving the page; the alternative sign-in methods come back here.
#[component]
pub fn SignInStep(flow: Flow, step: InteractionStep) -> impl IntoView {
    let client = flow.interaction.with_untracked(|i| i.client.clone());
    let here = format!(
        "/interaction?interaction={}",
        encode_uri_component(&flow.interaction.with_untracked(|i| i.id.clone()))
    );
    let title = match step {
        InteractionStep::SelectAccount => format!("Choose an account for {}", client.name),
        _ => format!("Sign in to continue to {}", client.name),
    };
    let on_signed_in = Callback::new(move |user| flow.signed_in(user));
    view! {
        <PasskeySignIn
            title
            alternative_href=with_redirect("/login/alternative", Some(&here))
            on_signed_in
        >
            <div class="interaction__logo">
                <ClientLogo client />
            </div>
        </PasskeySignIn>
    }
}

/// `authenticate` with a session already open, and `select_account`: continue with the
/// account, or sign out to use another one.
#[component]
pub fn AccountStep(flow: Flow, step: InteractionStep) -> impl IntoView {
    let session = use_session();
    let client = flow.interaction.with_untracked(|i| i.client.clone());
    let account = move || {
        let bound = flow
            .interaction
            .with(|i| i.user.as_ref().map(shown_interaction_user));
        let signed_in = session.user().map(|user| Shown {
            id: user.id.clone(),
            name: display_name(&user),
            detail: user.email.clone().unwrap_or_else(|| user.username.clone()),
        });
        // Choosing concerns the account the request is bound to; signing in, the session's.
        match step {
            InteractionStep::SelectAccount => bound.or(signed_in),
            _ => signed_in.or(bound),
        }
    };
    let (title, lead) = match step {
        InteractionStep::SelectAccount => (
            "Choose an account".to_owned(),
            format!("Which account do you want to use with {}?", client.name),
        ),
        _ => (
            format!("Continue to {}", client.name),
            "You are already signed in.".to_owned(),
        ),
    };
    let continuing = move || flow.running() == Some(Op::Complete(step));
    let switching = move || flow.running() == Some(Op::SignOut);
    view! {
        <section class="card card--narrow interaction-card" aria-labelledby="account-step-title">
            <div class="interaction__logo">
                <ClientLogo client />
            </div>
            <h1 id="account-step-title" data-testid="account-step-title">
                {title}
            </h1>
            <p class="lead">{lead}</p>
            {move || {
                account()
                    .map(|shown| {
                        view! {
                            <div class="account-choice" data-testid="bound-account">
                                <Avatar user_id=shown.id size=48 testid="bound-account-avatar" />
                                <div class="account-choice__text">
                                    <span class="account-choice__name" data-testid="bound-account-name">
                                        {shown.name}
                                    </span>
                                    <span class="account-choice__detail">{shown.detail}</span>
                                </div>
                            </div>
                        }
                    })
            }}
            <div class="interaction__buttons">
                <button
                    type="button"
                    class="button button--primary button--block"
                    data-testid="continue-button"
                    disabled=move || flow.busy()
                    on:click=move |_| flow.dispatch(Op::Complete(step))
                >
                    {move || {
                        if continuing() {
                            "Continuing…".to_owned()
                        } else {
                            match (step, account()) {
                                (InteractionStep::Authenticate, Some(shown)) => {
                                    format!("Continue as {}", shown.name)
                                }
                                _ => "Continue".to_owned(),
                            }
                        }
                    }}
                </button>
                <button
                    type="button"
                    class="button button--block"
                    data-testid="use-another-account"
                    disabled=move || flow.busy()
                    on:click=move |_| flow.dispatch(Op::SignOut)
                >
                    {move || if switching() { "Signing out…" } else { "Use another account" }}
                </button>
            </div>
        </section>
    }
}

/// `reauthenticate`: confirm with a passkey. Right after signing in on this page the fresh
/// session is offered first, so the user is not asked twice in a row.
#[component]
pub fn ReauthenticateStep(flow: Flow) -> impl IntoView {
    let client = flow.interaction.with_untracked(|i| i.client.clone());
    let lead = format!(
        "{} asks you to confirm with your passkey before you continue.",
        client.name
    );
    if flow.take_fresh_sign_in() {
        flow.dispatch(Op::Reauthenticate {
            fresh_session: true,
        });
    }
    let waiting = move || {
        matches!(
            flow.running(),
            Some(Op::Reauthenticate { .. } | Op::Complete(_))
        )
    };
    view! {
        <section class="card card--narrow interaction-card" aria-labelledby="reauth-title">
            <div class="interaction__logo">
                <ClientLogo client />
            </div>
            <h1 id="reauth-title" data-testid="reauth-title">
                "Confirm it's you"
            </h1>
            <p class="lead">{lead}</p>
            <button
                type="button"
                class="button button--primary button--block"
                data-testid="reauth-button"
                disabled=move || flow.busy()
                on:click=move |_| {
                    flow.dispatch(Op::Reauthenticate {
                        fresh_session: false,
                    })
                }
            >
                {move || if waiting() { "Waiting for your passkey…" } else { "Confirm with passkey" }}
            </button>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bound_account_shows_display_name_and_email_or_username() {
        let mut user = InteractionUserDto {
            id: "u1".into(),
            username: "tim".into(),
            display_name: "Tim Cook".into(),
            email: Some("tim@example.com".into()),
        };
        assert_eq!(
            shown_interaction_user(&user),
            Shown {
                id: "u1".into(),
                name: "Tim Cook".into(),
                detail: "tim@example.com".into()
            }
        );
        user.display_name = " ".into();
        user.email = None;
        let shown = shown_interaction_user(&user);
        assert_eq!((shown.name.as_str(), shown.detail.as_str()), ("tim", "tim"));
    }
}
