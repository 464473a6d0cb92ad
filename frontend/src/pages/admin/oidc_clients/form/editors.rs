//! The settings form's list editors: callback URL patterns and federated identities.

use super::state::ClientFormState;
use super::values::FederatedRow;
use leptos::prelude::*;

/// A list of URL patterns with add and remove buttons; the inputs are `{id}-{n}` (1-based).
#[component]
pub(super) fn UrlListEditor(
    id: &'static str,
    label: &'static str,
    /// The request field (`callbackURLs`), for the errors `field[i]`.
    field: &'static str,
    hint: &'static str,
    rows: RwSignal<Vec<(u32, String)>>,
    state: ClientFormState,
) -> impl IntoView {
    let add = move |_| {
        let key = state.key();
        rows.update(|r| r.push((key, String::new())));
    };
    view! {
        <fieldset class="form__full fieldset" data-testid=format!("{id}s")>
            <legend class="field__label">{label}</legend>
            <p class="hint">{hint}</p>
            <For
                each=move || rows.get()
                key=|(key, _)| *key
                children=move |(key, initial)| {
                    let index = Memo::new(move |_| {
                        rows.with(|r| r.iter().position(|(k, _)| *k == key).unwrap_or(0))
                    });
                    let error = Signal::derive(move || {
                        let name = format!("{field}[{}]", index.get());
                        state.errors.with(|e| e.get(&name).cloned())
                    });
                    view! {
                        <div class="list-row" class:field--invalid=move || error.with(Option::is_some)>
                            <div class="list-row__inputs">
                                <input
                                    class="field__input"
                                    type="text"
                                    aria-label=move || format!("{label} {}", index.get() + 1)
                                    data-testid=move || format!("{id}-{}", index.get() + 1)
                                    prop:value=initial
                                    on:input=move |ev| {
                                        let value = event_target_value(&ev);
                                        rows.update(|r| {
                                            if let Some(row) = r.iter_mut().find(|(k, _)| *k == key) {
                                                row.1 = value;
                                            }
                                        });
                                    }
                                />
                                <button
                                    type="button"
                                    class="button button--small button--danger"
                                    aria-label=move || format!("Remove {label} {}", index.get() + 1)
                                    data-testid=move || format!("{id}-{}-remove", index.get() + 1)
                                    on:click=move |_| rows.update(|r| r.retain(|(k, _)| *k != key))
                                >
                                    "Remove"
                                </button>
                            </div>
                            {move || {
                                error.get().map(|m| view! { <p class="field__error">{m}</p> })
                            }}
                        </div>
                    }
                }
            />
            {move || {
                state
                    .errors
                    .with(|e| e.get(field).cloned())
                    .map(|m| view! { <p class="field__error">{m}</p> })
            }}
            <div>
                <button
                    type="button"
                    class="button button--small"
                    data-testid=format!("{id}-add")
                    on:click=add
                >
                    "Add URL"
                </button>
            </div>
        </fieldset>
    }
}

/// The federated identities: external issuers whose signed JWTs authenticate the client.
#[component]
pub(super) fn FederatedEditor(state: ClientFormState) -> impl IntoView {
    let rows = state.federated;
    let add = move |_| {
        let key = state.key();
        rows.update(|r| r.push((key, FederatedRow::default())));
    };
    let update = move |key: u32, change: Box<dyn FnOnce(&mut FederatedRow)>| {
        rows.update(|r| {
            if let Some((_, row)) = r.iter_mut().find(|(k, _)| *k == key) {
                change(row);
            }
        });
    };
    view! {
        <fieldset class="form__full fieldset" data-testid="client-federated">
            <legend class="field__label">"Federated identities"</legend>
            <p class="hint">
                "Let the client authenticate with JWTs signed by another issuer (for example a CI system or a Kubernetes cluster) instead of a secret."
            </p>
            <For
                each=move || rows.get()
                key=|(key, _)| *key
                children=move |(key, initial)| {
                    let index = Memo::new(move |_| {
                        rows.with(|r| r.iter().position(|(k, _)| *k == key).unwrap_or(0))
                    });
                    let error = move |part: &'static str| {
                        Signal::derive(move || {
                            let name = format!(
                                "credentials.federatedIdentities[{}].{part}",
                                index.get(),
                            );
                            state.errors.with(|e| e.get(&name).cloned())
                        })
                    };
                    let input = move |
                        part: &'static str,
                        label: &'static str,
                        placeholder: &'static str,
                        initial: String,
                        set: fn(&mut FederatedRow, String),
                    | {
                        let err = error(part);
                        view! {
                            <div class="field" class:field--invalid=move || err.with(Option::is_some)>
                                <label class="field__label">
                                    {label}
                                    <input
                                        class="field__input"
                                        type="text"
                                        placeholder=placeholder
                                        data-testid=move || {
                                            format!("client-federated-{}-{part}", index.get() + 1)
                                        }
                                        prop:value=initial
                                        on:input=move |ev| {
                                            let value = event_target_value(&ev);
                                            update(key, Box::new(move |row| set(row, value)));
                                        }
                                    />
                                </label>
                                {move || err.get().map(|m| view! { <p class="field__error">{m}</p> })}
                            </div>
                        }
                    };
                    view! {
                        <div class="federated-row">
                            {input("issuer", "Issuer", "https://issuer.example", initial.issuer, |r, v| r.issuer = v)}
                            {input("subject", "Subject", "defaults to the client ID", initial.subject, |r, v| r.subject = v)}
                            {input("audience", "Audience", "defaults to this server's URL", initial.audience, |r, v| r.audience = v)}
                            {input("jwks", "JWKS URL", "defaults to <issuer>/.well-known/jwks.json", initial.jwks, |r, v| r.jwks = v)}
                            <label class="check-field">
                                <input
                                    type="checkbox"
                                    class="check-field__input"
                                    prop:checked=initial.replay_protection
                                    on:change=move |ev| {
                                        let checked = event_target_checked(&ev);
                                        update(key, Box::new(move |row| row.replay_protection = checked));
                                    }
                                />
                                <span class="check-field__title">"Replay protection (unique jti)"</span>
                            </label>
                            <div>
                                <button
                                    type="button"
                                    class="button button--small button--danger"
                                    on:click=move |_| rows.update(|r| r.retain(|(k, _)| *k != key))
                                >
                                    "Remove identity"
                                </button>
                            </div>
                        </div>
                    }
                }
            />
            <div>
                <button
                    type="button"
                    class="button button--small"
                    data-testid="client-federated-add"
                    on:click=add
                >
                    "Add federated identity"
                </button>
            </div>
        </fieldset>
    }
}
