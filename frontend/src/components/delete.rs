//! Deleting a record from its page: the danger button, its "Are you sure?" dialog, and the way
//! back to the list once it is gone; alone (in the page header) or in a "Delete …" card.

use crate::api::ClientError;
use crate::components::action::{on_settled, show_in};
use crate::components::dialog::ConfirmDialog;
use leptos::prelude::*;
use leptos_router::{NavigateOptions, hooks::use_navigate};

/// A danger button that asks first, runs `delete`, then goes to `back_to`; a failure is shown
/// in the dialog.
#[component]
pub fn DeleteButton<Fut, D>(
    /// The button's text ("Delete API").
    label: &'static str,
    /// `data-testid` of the button.
    testid: &'static str,
    /// `data-testid` of the dialog.
    dialog_testid: &'static str,
    /// The dialog's heading.
    #[prop(into)]
    title: String,
    /// The dialog's text: what will happen.
    #[prop(into)]
    message: String,
    /// The list to go back to.
    back_to: &'static str,
    /// Deletes the record.
    delete: D,
) -> impl IntoView
where
    Fut: Future<Output = Result<(), ClientError>> + 'static,
    D: Fn() -> Fut + 'static,
{
    let navigate = use_navigate();
    let confirming = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let remove = Action::new_local(move |_: &()| delete());
    on_settled(
        remove,
        move |()| {
            confirming.set(false);
            navigate(back_to, NavigateOptions::default());
        },
        show_in(error),
    );
    let (title, message) = (StoredValue::new(title), StoredValue::new(message));
    view! {
        <button
            type="button"
            class="button button--danger"
            data-testid=testid
            on:click=move |_| {
                error.set(None);
                confirming.set(true);
            }
        >
            {label}
        </button>
        <Show when=move || confirming.get()>
            <ConfirmDialog
                title=title.get_value()
                message=message.get_value()
                confirm_label="Delete"
                testid=dialog_testid
                pending=remove.pending()
                error
                on_confirm=Callback::new(move |()| {
                    remove.dispatch(());
                })
                on_cancel=Callback::new(move |()| confirming.set(false))
            />
        </Show>
    }
}

/// The "Delete …" card at the bottom of a record's page: heading, what deleting removes, and
/// a [`DeleteButton`] labelled like the heading whose dialog asks "Delete “{name}”?".
#[component]
pub fn DeleteCard<Fut, D>(
    /// `data-testid` of the card; its heading's id is `{testid}-title`.
    testid: &'static str,
    /// `data-testid` of the button.
    button_testid: &'static str,
    /// `data-testid` of the dialog.
    dialog_testid: &'static str,
    /// The heading, button text and dialog title ("Delete user").
    title: &'static str,
    /// What deleting removes.
    hint: &'static str,
    /// The record's name, quoted in the dialog.
    name: String,
    /// The list to go back to.
    back_to: &'static str,
    /// Deletes the record.
    delete: D,
) -> impl IntoView
where
    Fut: Future<Output = Result<(), ClientError>> + 'static,
    D: Fn() -> Fut + 'static,
{
    let title_id = format!("{testid}-title");
    let labelled_by = title_id.clone();
    view! {
        <section class="card card--danger" aria-labelledby=labelled_by data-testid=testid>
            <h2 id=title_id class="card__title">
                {title}
            </h2>
            <p class="hint">{hint}</p>
            <DeleteButton
                label=title
                testid=button_testid
                dialog_testid
                title
                message=format!("Delete “{name}”? This cannot be undone.")
                back_to
                delete
            />
        </section>
    }
}
