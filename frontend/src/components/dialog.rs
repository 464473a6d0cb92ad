//! A modal dialog on the native `<dialog>` element (focus trap, Escape and backdrop handled by
//! the browser). Render it only while it is open; it opens itself when mounted and gives focus
//! back to what had it when it goes away. Also the "Are you sure?" dialog built on it.

use crate::components::form::Button;
use leptos::{html, prelude::*};
use wasm_bindgen::JsCast;

/// The modal. `on_close` runs when the browser closes it (Escape); the parent then stops
/// rendering it.
#[component]
pub fn Dialog(
    /// The heading, also the dialog's accessible name.
    #[prop(into)]
    title: String,
    /// `data-testid` of the `<dialog>`.
    testid: &'static str,
    /// Runs when the dialog is dismissed by the browser.
    on_close: Callback<()>,
    children: Children,
) -> impl IntoView {
    let dialog = NodeRef::<html::Dialog>::new();
    // The opener (e.g. the "Rename" button): removing an open <dialog> from the page, which is
    // how it closes here, does not restore focus by itself.
    let opener = StoredValue::new_local(
        document()
            .active_element()
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()),
    );
    on_cleanup(move || {
        if let Some(Some(opener)) = opener.try_get_value() {
            let _ = opener.focus();
        }
    });
    Effect::new(move || {
        if let Some(dialog) = dialog.get()
            && !dialog.open()
            && let Err(e) = dialog.show_modal()
        {
            leptos::logging::warn!("could not open the dialog: {e:?}");
        }
    });
    let title_id = format!("{testid}-title");
    let labelled_by = title_id.clone();
    view! {
        <dialog
            node_ref=dialog
            class="dialog"
            data-testid=testid
            aria-labelledby=labelled_by
            on:close=move |_| on_close.run(())
        >
            <h2 class="dialog__title" id=title_id>
                {title}
            </h2>
            {children()}
        </dialog>
    }
}

/// "Are you sure?" with a destructive confirm button; `on_confirm` does the work and the
/// parent closes the dialog when it is done.
#[component]
pub fn ConfirmDialog(
    /// The heading.
    #[prop(into)]
    title: String,
    /// What will happen.
    #[prop(into)]
    message: String,
    /// The confirm button's text ("Delete").
    confirm_label: &'static str,
    /// `data-testid` of the dialog; the buttons are `{testid}-confirm` and `{testid}-cancel`.
    testid: &'static str,
    /// True while the work runs.
    #[prop(into)]
    pending: Signal<bool>,
    /// Why the work failed, if it did.
    #[prop(into, default = Signal::from(None))]
    error: Signal<Option<String>>,
    on_confirm: Callback<()>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    view! {
        <Dialog title testid on_close=on_cancel>
            <p>{message}</p>
            {move || {
                error
                    .get()
                    .map(|message| {
                        view! {
                            <div class="alert alert--error" role="alert" data-testid=format!("{testid}-error")>
                                {message}
                            </div>
                        }
                    })
            }}
            <div class="actions actions--end">
                <Button testid=format!("{testid}-cancel") label="Cancel" on_click=on_cancel />
                <button
                    type="button"
                    class="button button--danger-solid"
                    data-testid=format!("{testid}-confirm")
                    disabled=move || pending.get()
                    on:click=move |_| on_confirm.run(())
                >
                    {move || if pending.get() { "Working…" } else { confirm_label }}
                </button>
            </div>
        </Dialog>
    }
}
