//! A button that opens the browser's file picker (logo and image uploads, profile pictures).

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// A button that opens the file picker; `on_file` gets the chosen file.
#[component]
pub fn FileButton(
    /// The button text.
    label: &'static str,
    /// `accept` of the picker.
    accept: &'static str,
    /// `data-testid` of the `<input type=file>`.
    testid: String,
    /// Not usable (e.g. while uploading).
    #[prop(into, default = Signal::from(false))]
    disabled: Signal<bool>,
    /// Runs with the chosen file.
    on_file: impl Fn(web_sys::File) + 'static,
) -> impl IntoView {
    let on_change = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let file = input.files().and_then(|files| files.get(0));
        // Cleared so choosing the same file again still fires `change`.
        input.set_value("");
        if let Some(file) = file {
            on_file(file);
        }
    };
    view! {
        <label class="button button--small" class:button--disabled=move || disabled.get()>
            {label}
            <input
                class="visually-hidden"
                type="file"
                accept=accept
                data-testid=testid
                disabled=move || disabled.get()
                on:change=on_change
            />
        </label>
    }
}
