//! The passkeys card: the user's passkeys (name, date added, synced badge) with rename and
//! delete, "Add passkey", and a warning when fewer than two remain.

use super::passkey_dialogs::{DeleteDialog, RenameDialog};
use crate::api;
use crate::components::form::FormError;
use crate::components::{
    error_view::ErrorView,
    form::{Alert, Tone},
    loading::Loading,
};
use crate::state::use_session;
use crate::webauthn::{self, Ceremony};
use leptos::prelude::*;
use pocket_shared::WebauthnCredentialDto;

/// The warning shown for a number of passkeys, if any: (test id, text).
pub fn passkey_warning(count: usize) -> Option<(&'static str, &'static str)> {
    match count {
        0 => Some((
            "passkey-warning-none",
            "You have no passkey. Add one, or you can only sign in with a login code.",
        )),
        1 => Some((
            "passkey-warning-single",
            "You have only one passkey. Add a second one as a backup, in case you lose access to this one.",
        )),
        _ => None,
    }
}

/// The badge of a passkey: synced (backed up now) or able to sync; device-bound gets none.
pub fn passkey_badge(backup_eligible: bool, backup_state: bool) -> Option<&'static str> {
    match (backup_eligible, backup_state) {
        (_, true) => Some("Synced"),
        (true, false) => Some("Backup eligible"),
        (false, false) => None,
    }
}

/// "5 Jan 2025" from an RFC 3339 timestamp (its calendar date as written); the input as is
/// when it is not one.
pub fn format_date(rfc3339: &str) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let date = rfc3339.get(..10).unwrap_or_default();
    let mut parts = date.splitn(3, '-').map(str::parse::<usize>);
    match (parts.next(), parts.next(), parts.next()) {
        (Some(Ok(year)), Some(Ok(month @ 1..=12)), Some(Ok(day @ 1..=31))) => {
            format!("{day} {} {year}", MONTHS[month - 1])
        }
        _ => rfc3339.to_owned(),
    }
}

/// The passkeys card.
#[component]
pub fn PasskeysCard() -> impl IntoView {
    let session = use_session();
    let credentials = LocalResource::new(api::webauthn::list_credentials);
    let error = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let renaming = RwSignal::new(None::<WebauthnCredentialDto>);
    let deleting = RwSignal::new(None::<WebauthnCredentialDto>);

    let add = Action::new_local(|_: &()| webauthn::register_passkey());
    Effect::new(move || match add.value().get() {
        Some(Ok(added)) => {
            notice.set(Some(format!("Passkey “{}” added.", added.name)));
            credentials.refetch();
        }
        Some(Err(e)) if !e.is_aborted() => {
            if let webauthn::PasskeyError::Server(e) = &e {
                session.check_error(e);
            }
            error.set(Some(e.user_message(Ceremony::Register)));
        }
        _ => {}
    });
    let adding = add.pending();
    let changed = Callback::new(move |message: String| {
        renaming.set(None);
        deleting.set(None);
        error.set(None);
        notice.set(Some(message));
        credentials.refetch();
    });
    let retry = Callback::new(move |()| credentials.refetch());

    view! {
        <section class="card" aria-labelledby="passkeys-title" data-testid="passkeys-card">
            <div class="card__header">
                <h2 id="passkeys-title" class="card__title">
                    "Passkeys"
                </h2>
                <button
                    type="button"
                    class="button button--primary button--small"
                    data-testid="passkey-add-button"
                    disabled=move || adding.get()
                    on:click=move |_| {
                        error.set(None);
                        notice.set(None);
                        add.dispatch(());
                    }
                >
                    {move || if adding.get() { "Waiting for your passkey…" } else { "Add passkey" }}
                </button>
            </div>
            <p class="hint">"Passkeys let you sign in without a password. Keep at least two."</p>
            <FormError error testid="passkey-error" />
            <FormError error=notice testid="passkey-notice" tone=Tone::Success />
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match credentials.await {
                        Ok(list) => view! { <PasskeyList list renaming deleting /> }.into_any(),
                        Err(error) => {
                            session.check_error(&error);
                            view! { <ErrorView error on_retry=retry /> }.into_any()
                        }
                    }
                })}
            </Transition>
            {move || {
                renaming
                    .get()
                    .map(|credential| {
                        view! {
                            <RenameDialog
                                credential
                                on_cancel=Callback::new(move |()| renaming.set(None))
                                on_done=changed
                            />
                        }
                    })
            }}
            {move || {
                deleting
                    .get()
                    .map(|credential| {
                        let last = credentials
                            .get()
                            .and_then(Result::ok)
                            .is_some_and(|list| list.len() == 1);
                        view! {
                            <DeleteDialog
                                credential
                                last
                                on_cancel=Callback::new(move |()| deleting.set(None))
                                on_done=changed
                            />
                        }
                    })
            }}
        </section>
    }
}

/// The warning banner and the list.
#[component]
fn PasskeyList(
    list: Vec<WebauthnCredentialDto>,
    renaming: RwSignal<Option<WebauthnCredentialDto>>,
    deleting: RwSignal<Option<WebauthnCredentialDto>>,
) -> impl IntoView {
    let warning = passkey_warning(list.len()).map(|(testid, text)| {
        view! {
            <Alert tone=Tone::Warning testid=testid>
                {text}
            </Alert>
        }
    });
    let items = list
        .into_iter()
        .map(|credential| {
            let badge = passkey_badge(credential.backup_eligible, credential.backup_state);
            let added = format_date(&credential.created_at);
            let for_rename = credential.clone();
            let for_delete = credential.clone();
            view! {
                <li class="passkey" data-testid="passkey-item" data-passkey-id=credential.id.clone()>
                    <div class="passkey__main">
                        <span class="passkey__name" data-testid="passkey-name">
                            {credential.name.clone()}
                        </span>
                        {badge
                            .map(|text| {
                                view! {
                                    <span class="badge" data-testid="passkey-badge">
                                        {text}
                                    </span>
                                }
                            })}
                        <span class="passkey__meta" data-testid="passkey-created">
                            "Added " {added}
                        </span>
                    </div>
                    <div class="passkey__actions">
                        <button
                            type="button"
                            class="button button--small"
                            data-testid="passkey-rename"
                            aria-label=format!("Rename {}", credential.name)
                            on:click=move |_| renaming.set(Some(for_rename.clone()))
                        >
                            "Rename"
                        </button>
                        <button
                            type="button"
                            class="button button--small button--danger"
                            data-testid="passkey-delete"
                            aria-label=format!("Delete {}", credential.name)
                            on:click=move |_| deleting.set(Some(for_delete.clone()))
                        >
                            "Delete"
                        </button>
                    </div>
                </li>
            }
        })
        .collect_view();
    view! {
        {warning}
        <ul class="passkeys" data-testid="passkey-list">
            {items}
        </ul>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_for_zero_and_one_passkey_only() {
        assert_eq!(
            passkey_warning(0).map(|w| w.0),
            Some("passkey-warning-none")
        );
        assert_eq!(
            passkey_warning(1).map(|w| w.0),
            Some("passkey-warning-single")
        );
        assert_eq!(passkey_warning(2), None);
    }

    #[test]
    fn badges_follow_the_backup_flags() {
        assert_eq!(passkey_badge(true, true), Some("Synced"));
        assert_eq!(passkey_badge(true, false), Some("Backup eligible"));
        assert_eq!(passkey_badge(false, false), None);
    }

    #[test]
    fn dates_are_shown_as_day_month_year() {
        assert_eq!(format_date("2025-01-05T10:00:00Z"), "5 Jan 2025");
        assert_eq!(format_date("2024-12-31T23:59:59.123+02:00"), "31 Dec 2024");
        assert_eq!(format_date("yesterday"), "yesterday");
        assert_eq!(format_date("2024-13-01T00:00:00Z"), "2024-13-01T00:00:00Z");
    }
}
