//! Client secrets: the list (prefix, created, expiry, active), "Create secret" with an optional
//! expiry date whose value is shown once in a dialog with a copy button, and deletion.

use crate::api;
use crate::components::action::{on_settled, show_in};
use crate::components::card::Card;
use crate::components::form::{Button, FormError, PendingButton};
use crate::components::{
    copy::CopyField,
    datetime::{format_date, format_datetime},
    dialog::ConfirmDialog,
};
use crate::components::{
    dialog::Dialog,
    error_view::ErrorView,
    form::{Alert, Tone},
    loading::Loading,
};
use crate::state::use_session;
use leptos::prelude::*;
use pocket_shared::oidc_client::{
    OidcClientSecretCreateRequest, OidcClientSecretCreatedDto, OidcClientSecretDto,
};

/// The request for an expiry date typed as `YYYY-MM-DD` (the end of that day, UTC); empty
/// means it never expires. `Err` when the date is malformed.
pub fn secret_request(expiry_date: &str) -> Result<OidcClientSecretCreateRequest, &'static str> {
    let date = expiry_date.trim();
    if date.is_empty() {
        return Ok(OidcClientSecretCreateRequest::default());
    }
    let parts: Vec<&str> = date.split('-').collect();
    let ok = parts.len() == 3
        && parts[0].len() == 4
        && parts[1].len() == 2
        && parts[2].len() == 2
        && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()))
        && (1..=12).contains(&parts[1].parse::<u8>().unwrap_or(0))
        && (1..=31).contains(&parts[2].parse::<u8>().unwrap_or(0));
    if !ok {
        return Err("Expiry date must be a date such as 2030-12-31");
    }
    Ok(OidcClientSecretCreateRequest {
        secret: None,
        expires_at: Some(format!("{date}T23:59:59Z")),
    })
}

/// The secrets card.
#[component]
pub fn SecretsCard(client_id: String, #[prop(into)] is_public: Signal<bool>) -> impl IntoView {
    let session = use_session();
    let id = StoredValue::new(client_id);
    let secrets = LocalResource::new(move || {
        let id = id.get_value();
        async move { api::oidc_clients::list_secrets(&id).await }
    });
    let expiry = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let created = RwSignal::new(None::<OidcClientSecretCreatedDto>);
    let deleting = RwSignal::new(None::<OidcClientSecretDto>);
    let create = Action::new_local(move |request: &OidcClientSecretCreateRequest| {
        let request = request.clone();
        let id = id.get_value();
        async move { api::oidc_clients::create_secret(&id, &request).await }
    });
    on_settled(
        create,
        move |secret| {
            expiry.set(String::new());
            created.set(Some(secret));
            secrets.refetch();
        },
        move |e| {
            let message = e
                .field_errors()
                .first()
                .map(|f| format!("{} {}", expiry_label(&f.field), f.message))
                .unwrap_or_else(|| e.user_message());
            error.set(Some(message));
        },
    );
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match secret_request(&expiry.get_untracked()) {
            Ok(request) => {
                error.set(None);
                create.dispatch(request);
            }
            Err(message) => error.set(Some(message.to_owned())),
        }
    };
    let retry = Callback::new(move |()| secrets.refetch());
    let pending = create.pending();
    view! {
        <Card title="Client secrets" testid="client-secrets">
            <Show
                when=move || !is_public.get()
                fallback=|| {
                    view! {
                        <p class="hint" data-testid="client-secrets-public">
                            "Public clients do not authenticate with a secret."
                        </p>
                    }
                }
            >
                <p class="hint">
                    "A client may have several secrets, so one can be replaced without downtime. A secret's value is shown only once."
                </p>
                <form class="form form--inline" novalidate on:submit=submit>
                    <div class="field">
                        <label class="field__label" for="client-secret-expiry">
                            "Expires on"
                            <span class="field__optional">" (optional)"</span>
                        </label>
                        <input
                            class="field__input"
                            id="client-secret-expiry"
                            data-testid="client-secret-expiry"
                            type="date"
                            bind:value=expiry
                        />
                    </div>
                    <PendingButton
                        testid="client-secret-create"
                        label="Create secret"
                        busy="Creating…"
                        pending
                    />
                </form>
                <FormError error testid="client-secret-error" />
                <Transition fallback=|| view! { <Loading /> }>
                    {move || Suspend::new(async move {
                        match secrets.await {
                            Ok(list) => view! { <SecretList list deleting /> }.into_any(),
                            Err(error) => {
                                session.check_error(&error);
                                view! { <ErrorView error on_retry=retry /> }.into_any()
                            }
                        }
                    })}
                </Transition>
            </Show>
            {move || {
                created
                    .get()
                    .map(|secret| {
                        view! {
                            <CreatedSecretDialog
                                secret
                                on_close=Callback::new(move |()| created.set(None))
                            />
                        }
                    })
            }}
            {move || {
                deleting
                    .get()
                    .map(|secret| {
                        view! {
                            <DeleteSecretDialog
                                client_id=id.get_value()
                                secret
                                on_cancel=Callback::new(move |()| deleting.set(None))
                                on_done=Callback::new(move |()| {
                                    deleting.set(None);
                                    secrets.refetch();
                                })
                            />
                        }
                    })
            }}
        </Card>
    }
}

fn expiry_label(field: &str) -> &str {
    match field {
        "expiresAt" => "Expiry date",
        "secret" => "Secret",
        other => other,
    }
}

/// The secrets as a list.
#[component]
fn SecretList(
    list: Vec<OidcClientSecretDto>,
    deleting: RwSignal<Option<OidcClientSecretDto>>,
) -> impl IntoView {
    if list.is_empty() {
        return view! {
            <p class="hint" data-testid="client-secrets-empty">
                "No secret yet: the client cannot authenticate until you create one."
            </p>
        }
        .into_any();
    }
    view! {
        <ul class="passkeys" data-testid="client-secret-list">
            {list
                .into_iter()
                .map(|secret| {
                    let prefix = if secret.prefix.is_empty() {
                        "(legacy secret)".to_owned()
                    } else {
                        format!("{}…", secret.prefix)
                    };
                    let expiry = secret
                        .expires_at
                        .as_deref()
                        .map(|e| format!("Expires {}", format_datetime(e)))
                        .unwrap_or_else(|| "Never expires".to_owned());
                    let created = format!("Created {}", format_date(&secret.created_at));
                    let (badge, badge_class) = if secret.is_active {
                        ("Active", "badge badge--success")
                    } else {
                        ("Expired", "badge badge--danger")
                    };
                    let for_delete = secret.clone();
                    view! {
                        <li class="passkey" data-testid="client-secret" data-secret-id=secret.id.clone()>
                            <div class="passkey__main">
                                <code class="passkey__name" data-testid="client-secret-prefix">
                                    {prefix}
                                </code>
                                <span class=badge_class data-testid="client-secret-state">
                                    {badge}
                                </span>
                                <span class="passkey__meta">{created} " · " {expiry}</span>
                            </div>
                            <div class="passkey__actions">
                                <button
                                    type="button"
                                    class="button button--small button--danger"
                                    data-testid="client-secret-delete"
                                    on:click=move |_| deleting.set(Some(for_delete.clone()))
                                >
                                    "Delete"
                                </button>
                            </div>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}

/// The new secret, once, with a copy button.
#[component]
fn CreatedSecretDialog(
    secret: OidcClientSecretCreatedDto,
    on_close: Callback<()>,
) -> impl IntoView {
    let expiry = secret
        .expires_at
        .as_deref()
        .map(|e| format!("It expires {}.", format_datetime(e)))
        .unwrap_or_else(|| "It never expires.".to_owned());
    view! {
        <Dialog title="Client secret created" testid="client-secret-dialog" on_close>
            <Alert tone=Tone::Warning testid="client-secret-once">
                "Copy the secret now: it is not shown again. " {expiry}
            </Alert>
            <CopyField id="client-secret-value" label="Client Secret" value=Signal::stored(secret.secret) />
            <div class="actions actions--end dialog__actions">
                <Button
                    testid="client-secret-dialog-close"
                    label="Done"
                    on_click=on_close
                    class="button button--primary"
                />
            </div>
        </Dialog>
    }
}

/// Confirms and deletes one secret.
#[component]
fn DeleteSecretDialog(
    client_id: String,
    secret: OidcClientSecretDto,
    on_cancel: Callback<()>,
    on_done: Callback<()>,
) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let secret_id = secret.id.clone();
    let delete = Action::new_local(move |_: &()| {
        let (client_id, secret_id) = (client_id.clone(), secret_id.clone());
        async move { api::oidc_clients::delete_secret(&client_id, &secret_id).await }
    });
    on_settled(delete, move |()| on_done.run(()), show_in(error));
    let name = if secret.prefix.is_empty() {
        "this secret".to_owned()
    } else {
        format!("the secret {}…", secret.prefix)
    };
    view! {
        <ConfirmDialog
            title="Delete secret?"
            message=format!("Applications using {name} can no longer authenticate.")
            confirm_label="Delete"
            testid="client-secret-delete-dialog"
            pending=delete.pending()
            error
            on_confirm=Callback::new(move |()| {
                delete.dispatch(());
            })
            on_cancel
        />
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_dates_become_the_end_of_that_day() {
        assert_eq!(
            secret_request(" ").unwrap(),
            OidcClientSecretCreateRequest::default()
        );
        assert_eq!(
            secret_request("2030-12-31").unwrap().expires_at.as_deref(),
            Some("2030-12-31T23:59:59Z")
        );
        for bad in ["2030-13-01", "30-12-31", "tomorrow", "2030-12-3x"] {
            assert!(secret_request(bad).is_err(), "{bad}");
        }
    }
}
