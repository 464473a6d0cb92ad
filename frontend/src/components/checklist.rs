//! `CheckList`: a multi-select as a list of checkboxes with an optional filter box (group
//! memberships, group members, allowed clients, signup-token groups).

use leptos::prelude::*;
use std::collections::BTreeSet;

/// One choice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckItem {
    /// What goes into the selection (an id).
    pub id: String,
    /// The main text.
    pub title: String,
    /// A second line (e.g. the technical name or an email), may be empty.
    pub detail: String,
}

/// True when `filter` (case-insensitive, trimmed) occurs in the title or detail.
pub fn matches(item: &CheckItem, filter: &str) -> bool {
    let filter = filter.trim().to_lowercase();
    filter.is_empty()
        || item.title.to_lowercase().contains(&filter)
        || item.detail.to_lowercase().contains(&filter)
}

/// The checkbox list. Test ids: `{testid}` (the list), `{testid}-filter`, `{testid}-option`
/// (each checkbox, with `data-id` and `data-title`), `{testid}-empty`.
#[component]
pub fn CheckList(
    /// The choices, in display order.
    items: Vec<CheckItem>,
    /// The chosen ids.
    selected: RwSignal<BTreeSet<String>>,
    /// `data-testid` prefix.
    testid: &'static str,
    /// The accessible name of the list.
    label: &'static str,
    /// Shown when there is nothing to choose from.
    #[prop(default = "Nothing to choose from yet.")]
    empty_text: &'static str,
    /// Shows the filter box from this many items on (default 6).
    #[prop(default = 6)]
    filter_from: usize,
) -> impl IntoView {
    if items.is_empty() {
        return view! {
            <p class="hint" data-testid=format!("{testid}-empty")>
                {empty_text}
            </p>
        }
        .into_any();
    }
    let filter = RwSignal::new(String::new());
    let show_filter = items.len() >= filter_from;
    let filter_id = format!("{testid}-filter");
    let rows = items
        .into_iter()
        .map(|item| {
            let input_id = format!("{testid}-{}", item.id);
            let visible_item = item.clone();
            let visible = move || filter.with(|f| matches(&visible_item, f));
            let id = item.id.clone();
            let toggle_id = item.id.clone();
            view! {
                <li class="check-field" class:check-list__hidden=move || !visible()>
                    <input
                        class="check-field__input"
                        type="checkbox"
                        id=input_id.clone()
                        data-testid=format!("{testid}-option")
                        data-id=item.id.clone()
                        data-title=item.title.clone()
                        prop:checked=move || selected.with(|s| s.contains(&id))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            let id = toggle_id.clone();
                            selected.update(|s| {
                                if on {
                                    s.insert(id);
                                } else {
                                    s.remove(&id);
                                }
                            });
                        }
                    />
                    <label class="check-field__label" for=input_id>
                        <span class="check-field__title">{item.title.clone()}</span>
                        {(!item.detail.is_empty())
                            .then(|| view! { <span class="check-field__text">{item.detail.clone()}</span> })}
                    </label>
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="check-list">
            {show_filter
                .then(|| {
                    view! {
                        <div class="field">
                            <label class="visually-hidden" for=filter_id.clone()>
                                {format!("Filter {label}")}
                            </label>
                            <input
                                class="field__input"
                                type="search"
                                id=filter_id.clone()
                                data-testid=filter_id.clone()
                                placeholder="Filter…"
                                autocomplete="off"
                                prop:value=move || filter.get()
                                on:input=move |ev| filter.set(event_target_value(&ev))
                            />
                        </div>
                    }
                })}
            <ul class="check-list__items" aria-label=label data-testid=testid>
                {rows}
            </ul>
        </div>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filter_looks_at_title_and_detail() {
        let item = CheckItem {
            id: "1".into(),
            title: "Developers".into(),
            detail: "devs".into(),
        };
        assert!(matches(&item, ""));
        assert!(matches(&item, " DEVEL "));
        assert!(matches(&item, "devs"));
        assert!(!matches(&item, "ops"));
    }
}
