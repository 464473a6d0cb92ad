//! `SelectionCard`: a card with a checkbox list of everything that may be picked (loaded when
//! it mounts) and a save button that sends the picked ids (a user's groups, a group's members
//! and allowed clients).

use crate::api::ClientError;
use crate::components::action::{on_settled, show_in};
use crate::components::card::Card;
use crate::components::checklist::{CheckItem, CheckList};
use crate::components::form::{FormError, PendingButton, SavedAlert};
use crate::components::loader::Loaded;
use leptos::prelude::*;
use std::collections::BTreeSet;
use std::future::Future;

/// A card with a checkbox list loaded by `load` and a save button that sends the selection
/// through `save`.
#[component]
pub fn SelectionCard<L, LFut, S, SFut>(
    /// `data-testid` prefix: `{p}` card, `{p}-title`, `{p}-save`, `{p}-saved`, `{p}-error`.
    testid: &'static str,
    /// `data-testid` of the checkbox list (see `CheckList`).
    list_testid: &'static str,
    /// The heading, also the list's name.
    title: &'static str,
    /// The explanation under the heading.
    #[prop(optional)]
    hint: Option<&'static str>,
    /// Shown when there is nothing to pick.
    empty_text: &'static str,
    /// The save button's text.
    save_label: &'static str,
    /// Shown once saved.
    saved_text: &'static str,
    /// The ids picked now.
    selected: BTreeSet<String>,
    /// Loads the choices.
    load: L,
    /// Saves the picked ids.
    save: S,
) -> impl IntoView
where
    L: Fn() -> LFut + 'static,
    LFut: Future<Output = Result<Vec<CheckItem>, ClientError>> + 'static,
    S: Fn(Vec<String>) -> SFut + 'static,
    SFut: Future<Output = Result<(), ClientError>> + 'static,
{
    let selected = RwSignal::new(selected);
    let items = LocalResource::new(load);
    let error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);
    let action = Action::new_local(move |ids: &Vec<String>| save(ids.clone()));
    on_settled(action, move |()| saved.set(true), show_in(error));
    let on_click = Callback::new(move |()| {
        saved.set(false);
        error.set(None);
        action.dispatch(selected.get_untracked().into_iter().collect());
    });
    view! {
        <Card title testid hint>
            <Loaded resource=items let:items>
                <CheckList items selected testid=list_testid label=title empty_text />
            </Loaded>
            <FormError error testid=format!("{testid}-error") />
            <SavedAlert when=saved testid=format!("{testid}-saved") text=saved_text />
            <div class="actions">
                <PendingButton
                    testid=format!("{testid}-save")
                    label=save_label
                    busy="Saving…"
                    pending=action.pending()
                    class="button button--primary button--small"
                    on_click
                />
            </div>
        </Card>
    }
}
