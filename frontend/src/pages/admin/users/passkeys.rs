//! The user's passkeys as an administrator sees them: name, date added, synced badge, and
//! delete (with confirmation).

use crate::api;
use crate::components::action::{on_settled, show_in};
use crate::components::card::Card;
use crate::components::form::FormError;
use crate::components::{datetime::format_date, dialog::ConfirmDialog};
use crate::components::{error_view::ErrorView, form::Tone, loading::Loading};
use crate::state::use_session;
use leptos::prelude::*;
use pocket_shared::WebauthnCredentialDto;

/// The passkeys card.
#[component]
pub fn UserPasskeysCard(user_id: String) -> impl IntoView {
    let session = use_session();
    let list_id = user_id.clone();
    let passkeys = LocalResource::new(move || {
        let id = list_id.clone();
        async move { api::admin_users::passkeys(&id).await }
    });
    let deleting = RwSignal::new(None::<WebauthnCredentialDto>);
    let error = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let remove = Action::new_local(move |credential: &WebauthnCredentialDto| {
        let (id, credential) = (user_id.clone(), credential.clone());
        async move {
            api::admin_users::delete_passkey(&id, &credential.id)
                .await
                .map(|()| credential.name)
        }
    });
    on_settled(
        remove,
        move |name| {
            deleting.set(None);
            notice.set(Some(format!("Passkey “{name}” deleted.")));
            passkeys.refetch();
        },
        show_in(error),
    );
    let retry = Callback::new(move |()| passkeys.refetch());
    let pending = remove.pending();
    view! {
        <Card title="Passkeys" testid="user-passkeys">
            <FormError error=notice testid="user-passkey-notice" tone=Tone::Success />
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match passkeys.await {
                        Ok(list) if list.is_empty() => {
                            view! {
                                <p class="hint" data-testid="user-passkeys-none">
                                    "This user has no passkey yet. A login code lets them sign in and add one."
                                </p>
                            }
                                .into_any()
                        }
                        Ok(list) => {
                            view! {
                                <ul class="passkeys" data-testid="user-passkey-list">
                                    {list
                                        .into_iter()
                                        .map(|credential| {
                                            let synced = credential.backup_state;
                                            let for_delete = credential.clone();
                                            view! {
                                                <li class="passkey" data-testid="user-passkey-item">
                                                    <div class="passkey__main">
                                                        <span class="passkey__name" data-testid="user-passkey-name">
                                                            {credential.name.clone()}
                                                        </span>
                                                        {synced.then(|| view! { <span class="badge">"Synced"</span> })}
                                                        <span class="passkey__meta">
                                                            "Added " {format_date(&credential.created_at)}
                                                        </span>
                                                    </div>
                                                    <div class="passkey__actions">
                                                        <button
                                                            type="button"
                                                            class="button button--small button--danger"
                                                            data-testid="user-passkey-delete"
                                                            aria-label=format!("Delete {}", credential.name)
                                                            on:click=move |_| {
                                                                error.set(None);
                                                                deleting.set(Some(for_delete.clone()));
                                                            }
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
                        Err(error) => {
                            session.check_error(&error);
                            view! { <ErrorView error on_retry=retry /> }.into_any()
                        }
                    }
                })}
            </Transition>
            {move || {
                deleting
                    .get()
                    .map(|credential| {
                        let name = credential.name.clone();
                        view! {
                            <ConfirmDialog
                                title="Delete passkey"
                                message=format!("Delete the passkey “{name}”? The user can no longer sign in with it.")
                                confirm_label="Delete"
                                testid="user-passkey-delete-dialog"
                                pending=pending
                                error=error
                                on_confirm=Callback::new(move |()| {
                                    remove.dispatch(credential.clone());
                                })
                                on_cancel=Callback::new(move |()| deleting.set(None))
                            />
                        }
                    })
            }}
        </Card>
    }
}
