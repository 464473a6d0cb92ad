//! The profile-picture card: shows the current picture (uploaded or generated initials),
//! uploads a new one and resets to the generated one.

use crate::api;
use crate::components::avatar::Avatar;
use crate::components::card::Card;
use crate::components::form::FormError;
use crate::state::use_session;
use leptos::{prelude::*, task::spawn_local};
use wasm_bindgen::JsCast;

/// The image types the server accepts.
const ACCEPTED_TYPES: [&str; 4] = ["image/jpeg", "image/png", "image/gif", "image/webp"];

/// Checks a chosen file's MIME type before uploading (the server checks the content again).
pub fn check_type(mime: &str) -> Result<(), &'static str> {
    if ACCEPTED_TYPES.contains(&mime) {
        Ok(())
    } else {
        Err("Choose a JPEG, PNG, GIF or WebP image.")
    }
}

/// The picture card.
#[component]
pub fn PictureCard(user_id: String) -> impl IntoView {
    let session = use_session();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);

    // File handles are not `Send`, so these run as local tasks rather than actions.
    let upload = move |file: web_sys::File| {
        if let Err(message) = check_type(&file.type_()) {
            error.set(Some(message.to_owned()));
            return;
        }
        error.set(None);
        busy.set(true);
        spawn_local(async move {
            let result = api::users::upload_profile_picture(&file).await;
            busy.try_set(false);
            match result {
                Ok(()) => session.picture_changed(),
                Err(e) => {
                    session.check_error(&e);
                    error.try_set(Some(e.user_message()));
                }
            }
        });
    };
    let reset = move |_| {
        error.set(None);
        busy.set(true);
        spawn_local(async move {
            let result = api::users::reset_profile_picture().await;
            busy.try_set(false);
            match result {
                Ok(()) => session.picture_changed(),
                Err(e) => {
                    session.check_error(&e);
                    error.try_set(Some(e.user_message()));
                }
            }
        });
    };
    let on_change = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let file = input.files().and_then(|files| files.get(0));
        // Clear the input so choosing the same file again still fires `change`.
        input.set_value("");
        if let Some(file) = file {
            upload(file);
        }
    };

    view! {
        <Card title="Profile picture" testid="picture-card" title_id="picture-title">
            <div class="picture">
                <Avatar user_id=user_id size=80 testid="profile-picture" />
                <div class="picture__controls">
                    <p class="hint">
                        "JPEG, PNG, GIF or WebP. Without a picture, your initials are shown."
                    </p>
                    <div class="actions">
                        <label
                            class="button button--small"
                            class:button--disabled=move || busy.get()
                        >
                            "Upload picture"
                            <input
                                class="visually-hidden"
                                type="file"
                                accept=ACCEPTED_TYPES.join(",")
                                data-testid="profile-picture-input"
                                disabled=move || busy.get()
                                on:change=on_change
                            />
                        </label>
                        <button
                            type="button"
                            class="button button--small"
                            data-testid="profile-picture-reset"
                            disabled=move || busy.get()
                            on:click=reset
                        >
                            "Remove picture"
                        </button>
                    </div>
                </div>
            </div>
            <FormError error testid="profile-picture-error" />
        </Card>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_server_supported_types_are_uploaded() {
        for ok in ACCEPTED_TYPES {
            assert_eq!(check_type(ok), Ok(()));
        }
        assert!(check_type("image/svg+xml").is_err());
        assert!(check_type("").is_err());
    }
}
