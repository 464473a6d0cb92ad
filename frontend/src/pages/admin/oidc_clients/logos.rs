//! The client's light and dark logos: preview, upload a file, fetch from a URL (the server
//! downloads it), remove.

use super::form::{field_label, unchanged_request};
use crate::api::{self, ClientError};
use crate::components::card::Card;
use crate::components::file_button::FileButton;
use crate::components::form::FormError;
use crate::components::form::field_message;
use crate::state::use_session;
use leptos::{prelude::*, task::spawn_local};
use pocket_shared::oidc_client::{OidcClientWithGroupsDto, rules};

/// Largest logo the server accepts.
pub const MAX_LOGO_BYTES: f64 = 2.0 * 1024.0 * 1024.0;

/// The picker's types (the server checks the content again).
const LOGO_TYPES: &str = "image/png,image/jpeg,image/svg+xml,image/x-icon,image/vnd.microsoft.icon,image/gif,image/webp,image/avif,image/heic";

/// Checks a chosen logo's size before uploading.
pub fn check_logo_size(bytes: f64) -> Result<(), &'static str> {
    if bytes > MAX_LOGO_BYTES {
        Err("The logo must be at most 2 MiB.")
    } else {
        Ok(())
    }
}

/// The logos card.
#[component]
pub fn LogosCard(
    client: RwSignal<OidcClientWithGroupsDto>,
    /// Bumped after every change (cache busting for every view of the logo).
    version: RwSignal<u32>,
) -> impl IntoView {
    view! {
        <Card
            title="Logo"
            testid="client-logos"
            hint="Shown on the consent page and in My Apps. PNG, JPEG, SVG, ICO, GIF, WebP, AVIF or HEIC, at most 2 MiB. The dark logo is used with dark colour schemes."
        >
            <div class="logo-grid">
                <LogoPane client version light=true />
                <LogoPane client version light=false />
            </div>
        </Card>
    }
}

/// One variant: preview, upload, URL, remove.
#[component]
fn LogoPane(
    client: RwSignal<OidcClientWithGroupsDto>,
    version: RwSignal<u32>,
    light: bool,
) -> impl IntoView {
    let session = use_session();
    let id = client.with_untracked(|c| c.client.id.clone());
    let id = StoredValue::new(id);
    let slug = if light { "light" } else { "dark" };
    let title = if light { "Light logo" } else { "Dark logo" };
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let url = RwSignal::new(String::new());
    let has = move || {
        client.with(|c| {
            if light {
                c.client.has_logo
            } else {
                c.client.has_dark_logo
            }
        })
    };
    // After a change: reload the client (its logo flags) and the preview.
    let finish = move |result: Result<(), ClientError>| {
        busy.try_set(false);
        match result {
            Ok(()) => {
                version.try_update(|v| *v += 1);
                spawn_local(async move {
                    match api::oidc_clients::get(&id.get_value()).await {
                        Ok(updated) => {
                            client.try_set(updated);
                        }
                        Err(e) => {
                            error.try_set(Some(e.user_message()));
                        }
                    }
                });
            }
            Err(e) => {
                session.check_error(&e);
                let message = e
                    .field_errors()
                    .first()
                    .map(|f| field_message(&field_label(&f.field), &f.message))
                    .unwrap_or_else(|| e.user_message());
                error.try_set(Some(message));
            }
        }
    };
    let upload = move |file: web_sys::File| {
        if let Err(message) = check_logo_size(file.size()) {
            error.set(Some(message.to_owned()));
            return;
        }
        error.set(None);
        busy.set(true);
        spawn_local(async move {
            finish(api::oidc_clients::upload_logo(&id.get_value(), light, &file).await);
        });
    };
    let from_url = move |_| {
        let value = url.get_untracked().trim().to_owned();
        if let Err(v) = rules::http_url(&value) {
            error.set(Some(field_message("Logo URL", &v.message)));
            return;
        }
        error.set(None);
        busy.set(true);
        let mut request = client.with_untracked(|c| unchanged_request(&c.client));
        if light {
            request.logo_url = Some(value);
        } else {
            request.dark_logo_url = Some(value);
        }
        spawn_local(async move {
            let result = api::oidc_clients::update(&id.get_value(), &request)
                .await
                .map(|_| ());
            if result.is_ok() {
                url.try_set(String::new());
            }
            finish(result);
        });
    };
    let remove = move |_| {
        error.set(None);
        busy.set(true);
        spawn_local(async move {
            finish(api::oidc_clients::delete_logo(&id.get_value(), light).await);
        });
    };
    let url_id = format!("client-logo-{slug}-url");
    view! {
        <div class="logo-pane" data-testid=format!("client-logo-{slug}")>
            <h3 class="logo-pane__title">{title}</h3>
            <div class="logo-preview" class:logo-preview--dark=!light>
                {move || {
                    if has() {
                        let src = api::oidc_clients::logo_url(&id.get_value(), light, version.get());
                        view! {
                            <img
                                class="logo-preview__image"
                                src=src
                                alt=format!("{title} preview")
                                data-testid=format!("client-logo-{slug}-preview")
                            />
                        }
                            .into_any()
                    } else {
                        view! {
                            <span class="hint" data-testid=format!("client-logo-{slug}-none")>
                                "No logo"
                            </span>
                        }
                            .into_any()
                    }
                }}
            </div>
            <div class="actions">
                <FileButton
                    label="Upload file"
                    accept=LOGO_TYPES
                    testid=format!("client-logo-{slug}-file")
                    disabled=busy
                    on_file=upload
                />
                <Show when=has>
                    <button
                        type="button"
                        class="button button--small button--danger"
                        data-testid=format!("client-logo-{slug}-remove")
                        disabled=move || busy.get()
                        on:click=remove
                    >
                        "Remove"
                    </button>
                </Show>
            </div>
            <div class="field">
                <label class="field__label" for=url_id.clone()>
                    "Or fetch from a URL"
                </label>
                <div class="copy-field__row">
                    <input
                        class="field__input"
                        id=url_id.clone()
                        data-testid=url_id
                        type="url"
                        placeholder="https://app.example/logo.png"
                        bind:value=url
                    />
                    <button
                        type="button"
                        class="button button--small"
                        data-testid=format!("client-logo-{slug}-url-save")
                        disabled=move || busy.get()
                        on:click=from_url
                    >
                        "Fetch"
                    </button>
                </div>
            </div>
            <FormError error testid="client-logo-error" />
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logos_over_two_mebibytes_are_refused_before_upload() {
        assert!(check_logo_size(2.0 * 1024.0 * 1024.0).is_ok());
        assert!(check_logo_size(2.0 * 1024.0 * 1024.0 + 1.0).is_err());
    }
}
