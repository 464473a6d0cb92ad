//! The rename and delete dialogs of the passkeys card.

use crate::api;
use crate::components::action::{on_settled, show_in};
use crate::components::form::Button;
use crate::components::form::FormError;
use crate::components::form::first_field_error;
use crate::components::{
    dialog::Dialog,
    form::{Alert, Tone, field_message},
};
use leptos::prelude::*;
use pocket_shared::{WebauthnCredentialDto, user::rules};

/// Renames a passkey; `on_done` gets the confirmation text.
#[component]
pub fn RenameDialog(
    credential: WebauthnCredentialDto,
    on_cancel: Callback<()>,
    on_done: Callback<String>,
) -> impl IntoView {
    let name = RwSignal::new(credential.name.clone());
    let error = RwSignal::new(None::<String>);
    let id = credential.id.clone();
    let rename = Action::new_local(move |name: &String| {
        let (id, name) = (id.clone(), name.clone());
        async move { api::webauthn::rename_credential(&id, &name).await }
    });
    on_settled(
        rename,
        move |renamed| on_done.run(format!("Passkey renamed to “{}”.", renamed.name)),
        move |e| error.set(Some(first_field_error(&e, |_| "Name".to_owned()))),
    );
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let value = name.get_untracked().trim().to_owned();
        match rules::passkey_name(&value) {
            Ok(()) => {
                error.set(None);
                rename.dispatch(value);
            }
            Err(message) => error.set(Some(field_message("Name", message))),
        }
    };
    let pending = rename.pending();
    view! {
        <Dialog title="Rename passkey" testid="passkey-rename-dialog" on_close=on_cancel>
            <form class="form" novalidate on:submit=submit>
                <div class="field" class:field--invalid=move || error.with(Option::is_some)>
                    <label class="field__label" for="passkey-rename-input">
                        "Name"
                    </label>
                    <input
                        class="field__input"
                        id="passkey-rename-input"
                        data-testid="passkey-rename-input"
                        type="text"
                        maxlength="50"
                        autocomplete="off"
                        aria-describedby="passkey-rename-error"
                        bind:value=name
                    />
                    {move || {
                        error
                            .get()
                            .map(|message| {
                                view! {
                                    <p
                                        class="field__error"
                                        id="passkey-rename-error"
                                        data-testid="passkey-rename-error"
                                    >
                                        {message}
                                    </p>
                                }
                            })
                    }}
                </div>
                <div class="actions actions--end">
                    <Button testid="passkey-rename-cancel" label="Cancel" on_click=on_cancel />
                    <button
                        type="submit"
                        class="button button--primary"
                        data-testid="passkey-rename-save"
                        disabled=move || pending.get()
                    >
                        "Save"
                    </button>
                </div>
            </form>
        </Dialog>
    }
}

/// Confirms and deletes a passkey; `last` adds the "only a login code remains" warning.
#[component]
pub fn DeleteDialog(
    credential: WebauthnCredentialDto,
    last: bool,
    on_cancel: Callback<()>,
    on_done: Callback<String>,
) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let id = credential.id.clone();
    let name = credential.name.clone();
    let remove = Action::new_local(move |_: &()| {
        let id = id.clone();
        async move { api::webauthn::delete_credential(&id).await }
    });
    {
        let name = name.clone();
        on_settled(
            remove,
            move |()| on_done.run(format!("Passkey “{name}” deleted.")),
            show_in(error),
        );
    }
    let pending = remove.pending();
    view! {
        <Dialog title="Delete passkey" testid="passkey-delete-dialog" on_close=on_cancel>
            <p>
                "Delete the passkey “" {name}
                "”? You will no longer be able to sign in with it."
            </p>
            {last
                .then(|| {
                    view! {
                        <Alert tone=Tone::Warning testid="passkey-delete-last">
                            "This is your only passkey. Afterwards you can sign in only with a login code."
                        </Alert>
                    }
                })}
            <FormError error testid="passkey-delete-error" />
            <div class="actions actions--end">
                <Button testid="passkey-delete-cancel" label="Cancel" on_click=on_cancel />
                <button
                    type="button"
                    class="button button--danger-solid"
                    data-testid="passkey-delete-confirm"
                    disabled=move || pending.get()
                    on:click=move |_| {
                        remove.dispatch(());
                    }
                >
                    "Delete"
                </button>
            </div>
        </Dialog>
    }
}
