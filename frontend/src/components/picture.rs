//! The profile-picture card of the account page and of a user's page: the picture, "Upload
//! picture" (the file picker), the reset button and the error line.

use crate::api::ClientError;
use crate::components::{card::Card, file_button::FileButton, form::FormError};
use crate::state::use_session;
use leptos::{prelude::*, task::spawn_local};
use std::future::Future;

/// The image types the server accepts, as the picker's `accept`.
pub const ACCEPTED_TYPES: &str = "image/jpeg,image/png,image/gif,image/webp";

/// Checks a chosen file before it is sent: the reason it cannot be.
pub type FileCheck = fn(&web_sys::File) -> Result<(), &'static str>;

/// The card. `children` is the picture; `upload` and `reset` change it, then `on_changed` runs.
#[component]
pub fn PictureCard<U, UF, R, RF>(
    /// `data-testid` of the card.
    testid: &'static str,
    /// The heading's id (default `{testid}-title`).
    #[prop(optional)]
    title_id: Option<&'static str>,
    /// Prefix of the controls' test ids: `{p}-input`, `{p}-reset`, `{p}-error`.
    controls: &'static str,
    /// The explanation beside the picture.
    hint: &'static str,
    /// The reset button's text.
    reset_label: &'static str,
    /// Checks a chosen file before it is sent.
    #[prop(optional)]
    check: Option<FileCheck>,
    /// Uploads a file.
    upload: U,
    /// Goes back to the generated picture.
    reset: R,
    /// Runs after each change.
    on_changed: Callback<()>,
    children: Children,
) -> impl IntoView
where
    U: Fn(web_sys::File) -> UF + 'static,
    UF: Future<Output = Result<(), ClientError>> + 'static,
    R: Fn() -> RF + 'static,
    RF: Future<Output = Result<(), ClientError>> + 'static,
{
    let session = use_session();
    let (upload, reset) = (
        StoredValue::new_local(upload),
        StoredValue::new_local(reset),
    );
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    // File handles are not `Send`, so the changes run as local tasks rather than actions.
    let run = move |work: std::pin::Pin<Box<dyn Future<Output = Result<(), ClientError>>>>| {
        error.set(None);
        busy.set(true);
        spawn_local(async move {
            let result = work.await;
            busy.try_set(false);
            match result {
                Ok(()) => on_changed.run(()),
                Err(e) => {
                    session.check_error(&e);
                    error.try_set(Some(e.user_message()));
                }
            }
        });
    };
    let on_file = move |file: web_sys::File| {
        if let Some(Err(message)) = check.map(|check| check(&file)) {
            error.set(Some(message.to_owned()));
            return;
        }
        run(Box::pin(upload.with_value(|upload| upload(file))));
    };
    let title_id = title_id.map_or_else(|| format!("{testid}-title"), str::to_owned);
    view! {
        <Card title="Profile picture" testid title_id>
            <div class="picture">
                {children()}
                <div class="picture__controls">
                    <p class="hint">{hint}</p>
                    <div class="actions">
                        <FileButton
                            label="Upload picture"
                            accept=ACCEPTED_TYPES
                            testid=format!("{controls}-input")
                            disabled=busy
                            on_file
                        />
                        <button
                            type="button"
                            class="button button--small"
                            data-testid=format!("{controls}-reset")
                            disabled=move || busy.get()
                            on:click=move |_| run(Box::pin(reset.with_value(|reset| reset())))
                        >
                            {reset_label}
                        </button>
                    </div>
                </div>
            </div>
            <FormError error testid=format!("{controls}-error") />
        </Card>
    }
}
