//! `consent`: who asks (logo, name, description), what for (the scopes in plain words), and
//! Allow / Deny.

use super::flow::{Flow, Op};
use crate::components::client::{ClientLogo, DecisionButtons, ScopeList};
use leptos::prelude::*;
use pocket_shared::oidc::InteractionStep;

/// The consent card.
#[component]
pub fn ConsentStep(flow: Flow) -> impl IntoView {
    let (client, scopes, user) = flow.interaction.with_untracked(|i| {
        (
            i.client.clone(),
            i.scopes.clone(),
            i.user.as_ref().map(|u| {
                let display = u.display_name.trim();
                if display.is_empty() {
                    u.username.clone()
                } else {
                    display.to_owned()
                }
            }),
        )
    });
    let title = format!("Allow {} to access your account?", client.name);
    let description = Some(client.description.trim().to_owned()).filter(|d| !d.is_empty());
    let subtitle = (!scopes.is_empty()).then(|| format!("{} will be able to:", client.name));
    let allowing = move || flow.running() == Some(Op::Complete(InteractionStep::Consent));
    let denying = move || flow.running() == Some(Op::Deny);
    view! {
        <section
            class="card card--narrow interaction-card consent"
            aria-labelledby="consent-title"
            data-testid="consent-card"
        >
            <div class="interaction__logo">
                <ClientLogo client large=true />
            </div>
            <h1 id="consent-title" data-testid="consent-title">
                {title}
            </h1>
            {description
                .map(|text| {
                    view! {
                        <p class="lead" data-testid="consent-client-description">
                            {text}
                        </p>
                    }
                })}
            {user
                .map(|name| {
                    view! {
                        <p class="hint" data-testid="consent-user">
                            "Signed in as "
                            <strong>{name}</strong>
                        </p>
                    }
                })}
            {subtitle.map(|text| view! { <h2 class="consent__subtitle">{text}</h2> })}
            <ScopeList scopes />
            <DecisionButtons
                deny_testid="consent-deny"
                approve_testid="consent-allow"
                approve_label="Allow"
                approving_label="Allowing…"
                busy=Signal::derive(move || flow.busy())
                denying=Signal::derive(denying)
                approving=Signal::derive(allowing)
                on_deny=Callback::new(move |()| flow.dispatch(Op::Deny))
                on_approve=Callback::new(move |()| flow.dispatch(Op::Complete(InteractionStep::Consent)))
            />
        </section>
    }
}
