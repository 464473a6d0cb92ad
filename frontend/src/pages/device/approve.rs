//! What the device asks for, with Authorize / Deny, and the end of the request.

use super::{Device, DeviceOp, Done};
use crate::components::client::{ClientLogo, DecisionButtons, ScopeList};
use leptos::prelude::*;

/// The review card for the looked-up code.
#[component]
pub fn ApproveCard(device: Device) -> impl IntoView {
    let Some((code, info)) = device.info.get_untracked() else {
        return ().into_any();
    };
    let client = info.client.clone();
    let title = format!("Authorize {}?", client.name);
    let description = Some(client.description.trim().to_owned()).filter(|d| !d.is_empty());
    let scopes: Vec<String> = info.scope.split_whitespace().map(str::to_owned).collect();
    let subtitle = (!scopes.is_empty()).then(|| format!("{} will be able to:", client.name));
    let authorizing = move || matches!(device.running(), Some(DeviceOp::Authorize { .. }));
    let denying = move || matches!(device.running(), Some(DeviceOp::Deny(_)));
    view! {
        <section
            class="card card--narrow interaction-card consent"
            aria-labelledby="device-approve-title"
            data-testid="device-approve"
        >
            <div class="interaction__logo">
                <ClientLogo client large=true />
            </div>
            <h1 id="device-approve-title" data-testid="device-approve-title">
                {title}
            </h1>
            {description.map(|text| view! { <p class="lead">{text}</p> })}
            <p class="hint">
                "A device showing the code " <code data-testid="device-approve-code">{code}</code>
                " wants to sign in with your account. Continue only if you started this on your own device."
            </p>
            {subtitle.map(|text| view! { <h2 class="consent__subtitle">{text}</h2> })}
            <ScopeList scopes />
            {(!info.authorization_required)
                .then(|| {
                    view! {
                        <p class="hint" data-testid="device-already-allowed">
                            "You have allowed this before."
                        </p>
                    }
                })}
            {info
                .reauthentication_required
                .then(|| {
                    view! {
                        <p class="hint" data-testid="device-reauth-note">
                            "You will confirm with your passkey."
                        </p>
                    }
                })}
            <DecisionButtons
                deny_testid="device-deny"
                approve_testid="device-authorize"
                approve_label="Authorize"
                approving_label="Authorizing…"
                busy=Signal::derive(move || device.busy())
                denying=Signal::derive(denying)
                approving=Signal::derive(authorizing)
                on_deny=Callback::new(move |()| device.deny())
                on_approve=Callback::new(move |()| device.authorize())
            />
            <p class="interaction__other">
                <button
                    type="button"
                    class="link-button"
                    data-testid="device-other-code"
                    disabled=move || device.busy()
                    on:click=move |_| device.start_over()
                >
                    "Enter a different code"
                </button>
            </p>
        </section>
    }
    .into_any()
}

/// The end: authorized or denied.
#[component]
pub fn DoneCard(done: Done) -> impl IntoView {
    let (title, text) = match done {
        Done::Authorized => (
            "Device connected",
            "You can return to your device. It will continue on its own.",
        ),
        Done::Denied => (
            "Request denied",
            "The device was not given access. You can close this page.",
        ),
    };
    view! {
        <section
            class="card card--narrow interaction-card"
            aria-labelledby="device-done-title"
            data-testid="device-done"
            data-outcome=match done {
                Done::Authorized => "authorized",
                Done::Denied => "denied",
            }
        >
            <h1 id="device-done-title" data-testid="device-done-title">
                {title}
            </h1>
            <p class="lead" role="status" data-testid="device-done-message">
                {text}
            </p>
        </section>
    }
}
