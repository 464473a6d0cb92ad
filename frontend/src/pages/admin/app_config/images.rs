//! The application images: light and dark logo, email logo, sign-in background, favicon and
//! default profile picture, each with a preview, "Upload" and (where allowed) "Remove".

use crate::api::{self, ClientError, app_images::AppImage};
use crate::components::card::Card;
use crate::components::file_button::FileButton;
use crate::components::form::FormError;
use crate::state::use_session;
use leptos::{prelude::*, task::spawn_local};

/// The images card.
#[component]
pub fn ImagesCard(readonly: bool) -> impl IntoView {
    view! {
        <Card
            title="Images"
            testid="config-images"
            hint="Images are saved as soon as you upload them."
        >
            <div class="image-grid">
                {AppImage::ALL.map(|image| view! { <ImageSlot image readonly /> }).collect_view()}
            </div>
        </Card>
    }
}

/// One image.
#[component]
fn ImageSlot(image: AppImage, readonly: bool) -> impl IntoView {
    let session = use_session();
    let version = RwSignal::new(0u32);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    // False after the preview failed to load (no such image).
    let present = RwSignal::new(true);
    let finish = move |result: Result<(), ClientError>| {
        busy.try_set(false);
        match result {
            Ok(()) => {
                present.try_set(true);
                version.try_update(|v| *v += 1);
            }
            Err(e) => {
                session.check_error(&e);
                error.try_set(Some(e.user_message()));
            }
        }
    };
    let upload = move |file: web_sys::File| {
        error.set(None);
        busy.set(true);
        spawn_local(async move { finish(api::app_images::upload(image, &file).await) });
    };
    let remove = move |_| {
        error.set(None);
        busy.set(true);
        spawn_local(async move { finish(api::app_images::remove(image).await) });
    };
    let slug = image.slug();
    view! {
        <div class="image-slot" data-testid=format!("app-image-{slug}")>
            <span class="field__label">{image.label()}</span>
            <div
                class="logo-preview"
                class:logo-preview--dark=matches!(image, AppImage::LogoDark)
            >
                <Show
                    when=move || present.get()
                    fallback=move || {
                        view! {
                            <span class="hint" data-testid=format!("app-image-{slug}-none")>
                                "None"
                            </span>
                        }
                    }
                >
                    <img
                        class="logo-preview__image"
                        src=move || image.url(version.get())
                        alt=format!("{} preview", image.label())
                        data-testid=format!("app-image-{slug}-preview")
                        on:error=move |_| present.set(false)
                    />
                </Show>
            </div>
            {(!readonly)
                .then(|| {
                    view! {
                        <div class="actions">
                            <FileButton
                                label="Upload"
                                accept=image.accept()
                                testid=format!("app-image-{slug}-file")
                                disabled=busy
                                on_file=upload
                            />
                            {image
                                .removable()
                                .then(|| {
                                    view! {
                                        <button
                                            type="button"
                                            class="button button--small button--danger"
                                            data-testid=format!("app-image-{slug}-remove")
                                            disabled=move || busy.get() || !present.get()
                                            on:click=remove
                                        >
                                            "Remove"
                                        </button>
                                    }
                                })}
                        </div>
                    }
                })}
            <FormError error testid="app-image-error" />
        </div>
    }
}
