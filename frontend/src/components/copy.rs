//! Copy to the clipboard: the helper, a "Copy" button and a read-only field with one.

use leptos::{prelude::*, task::spawn_local};
use wasm_bindgen::JsCast;

/// Writes `text` to the clipboard; `false` when the browser refused.
pub async fn copy_to_clipboard(text: &str) -> bool {
    let promise = window().navigator().clipboard().write_text(text);
    wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
}

/// A "Copy" button for `value`; says "Copied" for a moment, or asks to copy by hand when the
/// browser refuses.
#[component]
pub fn CopyButton(
    /// What to copy.
    #[prop(into)]
    value: Signal<String>,
    /// `data-testid`.
    testid: String,
    /// The accessible name ("Copy Token URL").
    #[prop(into)]
    label: String,
) -> impl IntoView {
    // None: idle; Some(true): copied; Some(false): refused.
    let state = RwSignal::new(None::<bool>);
    let copy = move |_| {
        let text = value.get_untracked();
        spawn_local(async move {
            let ok = copy_to_clipboard(&text).await;
            state.try_set(Some(ok));
            set_timeout(
                move || {
                    state.try_set(None);
                },
                std::time::Duration::from_millis(2000),
            );
        });
    };
    view! {
        <button
            type="button"
            class="button button--small copy-button"
            data-testid=testid
            aria-label=label
            on:click=copy
        >
            {move || match state.get() {
                None => "Copy",
                Some(true) => "Copied",
                Some(false) => "Press Ctrl+C",
            }}
        </button>
    }
}

/// A labelled, read-only value with a copy button (the endpoint URLs block, new secrets).
#[component]
pub fn CopyField(
    /// Element id and `data-testid` of the input; the button is `{id}-copy`.
    id: &'static str,
    /// The visible label.
    label: &'static str,
    /// The value.
    #[prop(into)]
    value: Signal<String>,
) -> impl IntoView {
    let select_all = move |ev: leptos::ev::FocusEvent| {
        if let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        {
            input.select();
        }
    };
    view! {
        <div class="copy-field">
            <label class="field__label" for=id>
                {label}
            </label>
            <div class="copy-field__row">
                <input
                    class="field__input copy-field__input"
                    id=id
                    data-testid=id
                    type="text"
                    readonly=true
                    prop:value=move || value.get()
                    on:focus=select_all
                />
                <CopyButton value testid=format!("{id}-copy") label=format!("Copy {label}") />
            </div>
        </div>
    }
}
