//! The custom claims editor of a user or a group: key/value rows (keys suggested from
//! `/api/custom-claims/suggestions`), checked with `pocket_shared::custom_claim::rules` and
//! saved as a whole.

use crate::api::{self, custom_claims::ClaimOwner};
use crate::components::action::on_settled;
use crate::components::form::{
    FieldErrors, FormError, FormErrors, PendingButton, SavedAlert, field_message,
};
use leptos::prelude::*;
use pocket_shared::custom_claim::{CustomClaimDto, rules};

/// One editable row.
#[derive(Debug, Clone, Copy)]
struct Row {
    id: u64,
    key: RwSignal<String>,
    value: RwSignal<String>,
}

/// The claims to send: rows with both parts blank are dropped, the rest trimmed.
pub fn claims_to_send(rows: &[(String, String)]) -> Vec<CustomClaimDto> {
    rules::normalized(
        rows.iter()
            .filter(|(k, v)| !(k.trim().is_empty() && v.trim().is_empty()))
            .map(|(key, value)| CustomClaimDto {
                key: key.clone(),
                value: value.clone(),
            })
            .collect(),
    )
}

/// `claims[3].key` (or `[3].key`) → `(3, "key")`.
pub fn parse_claim_field(field: &str) -> Option<(usize, &str)> {
    let open = field.find('[')?;
    let close = open + field[open..].find(']')?;
    let index = field[open + 1..close].parse().ok()?;
    let part = field[close + 1..].trim_start_matches('.');
    matches!(part, "key" | "value").then_some((index, part))
}

/// "Key is reserved": the label of the part and the rule's message.
fn message(part: &str, text: &str) -> String {
    field_message(if part == "key" { "Key" } else { "Value" }, text)
}

/// Errors keyed `"<row position>.<key|value>"`, from a list of field errors.
fn row_errors(fields: &[pocket_shared::FieldError]) -> FieldErrors {
    fields
        .iter()
        .filter_map(|f| {
            let (index, part) = parse_claim_field(&f.field)?;
            Some((format!("{index}.{part}"), message(part, &f.message)))
        })
        .collect()
}

/// The editor card. `testid` prefixes: `{p}` (the card), `{p}-row`, `{p}-key`, `{p}-value`,
/// `{p}-remove`, `{p}-add`, `{p}-save`, `{p}-saved`, `{p}-error`, `{p}-key-error`,
/// `{p}-value-error`.
#[component]
pub fn CustomClaimsCard(
    /// Whose claims these are.
    owner: ClaimOwner,
    /// The user's or group's id.
    owner_id: String,
    /// The current claims.
    claims: Vec<CustomClaimDto>,
    /// `data-testid` prefix.
    #[prop(default = "custom-claims")]
    testid: &'static str,
    /// The explanation under the title.
    #[prop(optional)]
    hint: &'static str,
) -> impl IntoView {
    let next_id = StoredValue::new(0_u64);
    let new_row = move |key: String, value: String| {
        let mut id = 0;
        next_id.update_value(|n| {
            *n += 1;
            id = *n;
        });
        Row {
            id,
            key: RwSignal::new(key),
            value: RwSignal::new(value),
        }
    };
    let rows = RwSignal::new(
        claims
            .into_iter()
            .map(|c| new_row(c.key, c.value))
            .collect::<Vec<_>>(),
    );
    let form = FormErrors::new();
    let errors = form.fields;
    let saved = RwSignal::new(false);
    let suggestions = LocalResource::new(api::custom_claims::suggestions);
    let list_id = StoredValue::new(format!("{testid}-suggestions"));

    let save = Action::new_local(move |claims: &Vec<CustomClaimDto>| {
        let claims = claims.clone();
        let owner_id = owner_id.clone();
        async move { api::custom_claims::replace(owner, &owner_id, &claims).await }
    });
    on_settled(
        save,
        move |stored: Vec<CustomClaimDto>| {
            rows.set(
                stored
                    .into_iter()
                    .map(|c| new_row(c.key, c.value))
                    .collect(),
            );
            saved.set(true);
            suggestions.refetch();
        },
        // Per-row messages when it names rows, else one line for the form.
        move |e| form.show(row_errors(e.field_errors()), || e.user_message()),
    );
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        // Blank rows are dropped first, so positions in errors refer to what is sent; show
        // the same rows the request holds.
        let values: Vec<(String, String)> = rows.with_untracked(|rows| {
            rows.iter()
                .map(|r| (r.key.get_untracked(), r.value.get_untracked()))
                .collect()
        });
        let claims = claims_to_send(&values);
        rows.set(
            claims
                .iter()
                .map(|c| new_row(c.key.clone(), c.value.clone()))
                .collect(),
        );
        if form.check(row_errors(&rules::claims_errors(&claims))) {
            save.dispatch(claims);
        }
    };
    let pending = save.pending();
    let suggestion_options = move || {
        suggestions
            .get()
            .and_then(Result::ok)
            .unwrap_or_default()
            .into_iter()
            .map(|key| view! { <option value=key></option> })
            .collect_view()
    };

    view! {
        <section class="card" aria-labelledby=format!("{testid}-title") data-testid=testid>
            <h2 id=format!("{testid}-title") class="card__title">
                "Custom claims"
            </h2>
            <p class="hint">
                {if hint.is_empty() {
                    "Extra claims for ID tokens and userinfo (with the profile scope). A value that is valid JSON is sent as JSON."
                } else {
                    hint
                }}
            </p>
            <datalist id=list_id.get_value()>{suggestion_options}</datalist>
            <form class="form" novalidate on:submit=submit>
                <Show
                    when=move || rows.with(|r| !r.is_empty())
                    fallback=move || {
                        view! {
                            <p class="hint" data-testid=format!("{testid}-none")>
                                "No custom claims."
                            </p>
                        }
                    }
                >
                    <ul class="claims">
                        <For
                            each=move || rows.get()
                            key=|row| row.id
                            children=move |row: Row| {
                                let position = move || {
                                    rows.with(|rows| rows.iter().position(|r| r.id == row.id))
                                        .unwrap_or(0)
                                };
                                let error = move |part: &'static str| {
                                    errors.with(|e| e.get(&format!("{}.{part}", position())).cloned())
                                };
                                let key_id = format!("{testid}-key-{}", row.id);
                                let value_id = format!("{testid}-value-{}", row.id);
                                view! {
                                    <li class="claims__row" data-testid=format!("{testid}-row")>
                                        <div class="field" class:field--invalid=move || error("key").is_some()>
                                            <label class="field__label" for=key_id.clone()>
                                                "Key"
                                            </label>
                                            <input
                                                class="field__input"
                                                id=key_id.clone()
                                                data-testid=format!("{testid}-key")
                                                list=list_id.get_value()
                                                autocomplete="off"
                                                bind:value=row.key
                                            />
                                            {move || {
                                                error("key")
                                                    .map(|m| {
                                                        view! {
                                                            <p class="field__error" data-testid=format!("{testid}-key-error")>
                                                                {m}
                                                            </p>
                                                        }
                                                    })
                                            }}
                                        </div>
                                        <div class="field" class:field--invalid=move || error("value").is_some()>
                                            <label class="field__label" for=value_id.clone()>
                                                "Value"
                                            </label>
                                            <input
                                                class="field__input"
                                                id=value_id
                                                data-testid=format!("{testid}-value")
                                                autocomplete="off"
                                                bind:value=row.value
                                            />
                                            {move || {
                                                error("value")
                                                    .map(|m| {
                                                        view! {
                                                            <p class="field__error" data-testid=format!("{testid}-value-error")>
                                                                {m}
                                                            </p>
                                                        }
                                                    })
                                            }}
                                        </div>
                                        <button
                                            type="button"
                                            class="button button--small button--danger claims__remove"
                                            data-testid=format!("{testid}-remove")
                                            aria-label=move || format!("Remove claim {}", row.key.get())
                                            on:click=move |_| {
                                                errors.set(FieldErrors::new());
                                                rows.update(|rows| rows.retain(|r| r.id != row.id));
                                            }
                                        >
                                            "Remove"
                                        </button>
                                    </li>
                                }
                            }
                        />
                    </ul>
                </Show>
                <FormError error=form.form testid="custom-claims-error" />
                <SavedAlert when=saved testid="custom-claims-saved" text="Custom claims saved." />
                <div class="actions">
                    <button
                        type="button"
                        class="button button--small"
                        data-testid=format!("{testid}-add")
                        on:click=move |_| {
                            saved.set(false);
                            rows.update(|rows| rows.push(new_row(String::new(), String::new())));
                        }
                    >
                        "Add claim"
                    </button>
                    <PendingButton testid=format!("{testid}-save") label="Save claims" busy="Saving…" pending class="button button--primary button--small" />
                </div>
            </form>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_rows_are_dropped_and_the_rest_trimmed() {
        let rows = vec![
            (" team ".to_owned(), " core ".to_owned()),
            ("  ".to_owned(), "".to_owned()),
            ("level".to_owned(), "".to_owned()),
        ];
        let claims = claims_to_send(&rows);
        assert_eq!(claims.len(), 2);
        assert_eq!(
            (claims[0].key.as_str(), claims[0].value.as_str()),
            ("team", "core")
        );
        assert_eq!(claims[1].key, "level");
    }

    #[test]
    fn field_names_point_at_rows() {
        assert_eq!(parse_claim_field("claims[3].key"), Some((3, "key")));
        assert_eq!(parse_claim_field("[0].value"), Some((0, "value")));
        assert_eq!(parse_claim_field("claims[x].key"), None);
        assert_eq!(parse_claim_field("claims[1].other"), None);
        assert_eq!(parse_claim_field("key"), None);
    }

    #[test]
    fn rule_failures_become_row_messages() {
        let claims = claims_to_send(&[
            ("sub".to_owned(), "x".to_owned()),
            ("team".to_owned(), "".to_owned()),
        ]);
        let errors = row_errors(&rules::claims_errors(&claims));
        assert!(errors["0.key"].starts_with("Key "));
        assert_eq!(errors["1.value"], "Value is required");
    }
}
