//! The card: a `<section class="card">` named by its `<h2>` heading, with an optional hint
//! under the heading and the content below.

use leptos::prelude::*;

/// A titled card. Its heading's id is `title_id`, or `{testid}-title`.
#[component]
pub fn Card(
    /// The heading.
    #[prop(into)]
    title: TextProp,
    /// `data-testid` of the card.
    #[prop(into, default = None)]
    testid: Option<&'static str>,
    /// The heading's id (default `{testid}-title`).
    #[prop(optional, into)]
    title_id: Option<String>,
    /// The explanation under the heading.
    #[prop(into, default = None)]
    hint: Option<&'static str>,
    /// The card's classes (default `card`; e.g. `card card--danger`).
    #[prop(default = "card")]
    class: &'static str,
    children: Children,
) -> impl IntoView {
    let title_id = title_id.unwrap_or_else(|| format!("{}-title", testid.unwrap_or("card")));
    let labelled_by = title_id.clone();
    view! {
        <section class=class aria-labelledby=labelled_by data-testid=testid>
            <h2 id=title_id class="card__title">
                {move || title.get()}
            </h2>
            {hint.map(|hint| view! { <p class="hint">{hint}</p> })}
            {children()}
        </section>
    }
}
