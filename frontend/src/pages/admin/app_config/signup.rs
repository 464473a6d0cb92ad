//! The JSON-valued keys as form controls: default groups of new users (a group picker over
//! `signupDefaultUserGroupIDs`), their default custom claims (key/value rows over
//! `signupDefaultCustomClaims`) and the metadata-document URL allow-list (`cimdUrlAllowlist`,
//! one pattern per line); and the button that opens the signup tokens dialog.

use super::fields::ConfigForm;
use crate::api::list::{Sort, fetch_all};
use crate::components::{
    checklist::{CheckItem, CheckList},
    error_view::ErrorView,
    loading::Loading,
    signup_tokens::SignupTokensDialog,
};
use leptos::prelude::*;
use pocket_shared::user_group::UserGroupWithUserCountDto;
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// The strings of a JSON array value (invalid or non-string entries are skipped).
pub fn string_list(value: &str) -> Vec<String> {
    serde_json::from_str::<Vec<Value>>(value)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect()
}

/// A JSON array of strings.
pub fn to_json_list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    Value::Array(items.into_iter().map(|s| json!(s)).collect()).to_string()
}

/// The `(key, value)` pairs of a `[{key, value}]` value.
pub fn claim_pairs(value: &str) -> Vec<(String, String)> {
    serde_json::from_str::<Vec<Value>>(value)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|c| {
            let key = c.get("key")?.as_str()?.to_owned();
            let value = c.get("value")?.as_str()?.to_owned();
            Some((key, value))
        })
        .collect()
}

/// `[{key, value}]` of the rows with a key (rows with a blank key are left out).
pub fn claims_json(rows: &[(String, String)]) -> String {
    Value::Array(
        rows.iter()
            .filter(|(k, _)| !k.trim().is_empty())
            .map(|(k, v)| json!({ "key": k.trim(), "value": v }))
            .collect(),
    )
    .to_string()
}

/// "Signup tokens…": opens the dialog that creates, lists and deletes signup links.
#[component]
pub fn SignupTokensButton() -> impl IntoView {
    let open = RwSignal::new(false);
    view! {
        <div class="field">
            <span class="field__label">"Signup links"</span>
            <div>
                <button
                    type="button"
                    class="button button--small"
                    data-testid="config-signup-tokens"
                    on:click=move |_| open.set(true)
                >
                    "Manage signup tokens"
                </button>
            </div>
            <p class="field__hint">"Links that let someone create an account while signups need a token."</p>
            <Show when=move || open.get()>
                <SignupTokensDialog on_close=Callback::new(move |()| open.set(false)) />
            </Show>
        </div>
    }
}

/// The groups new users join (signup and signup tokens without groups of their own).
#[component]
pub fn DefaultGroupsPicker(form: ConfigForm) -> impl IntoView {
    let key = "signupDefaultUserGroupIDs";
    let groups = LocalResource::new(|| {
        fetch_all::<UserGroupWithUserCountDto>(
            "/api/user-groups",
            Some(Sort::asc("friendlyName")),
            10,
        )
    });
    let selected = RwSignal::new(
        string_list(
            &form
                .draft
                .with_untracked(|d| d.get(key).cloned().unwrap_or_default()),
        )
        .into_iter()
        .collect::<BTreeSet<_>>(),
    );
    Effect::new(move |previous: Option<()>| {
        let ids = selected.get();
        if previous.is_some() {
            form.set(key, to_json_list(ids.iter().map(String::as_str)));
        }
    });
    let retry = Callback::new(move |()| groups.refetch());
    let error = form.error(key);
    view! {
        <fieldset class="form__full fieldset" data-testid="config-default-groups" disabled=form.readonly>
            <legend class="field__label">"Default groups"</legend>
            <p class="field__hint">"New users become members of these groups."</p>
            <Suspense fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match groups.await {
                        Ok(list) => {
                            let items = list
                                .into_iter()
                                .map(|row| CheckItem {
                                    id: row.group.id,
                                    title: row.group.friendly_name,
                                    detail: row.group.name,
                                })
                                .collect();
                            view! {
                                <CheckList
                                    items
                                    selected
                                    testid="config-default-group"
                                    label="Default groups"
                                    empty_text="No user groups yet."
                                />
                            }
                                .into_any()
                        }
                        Err(error) => view! { <ErrorView error on_retry=retry /> }.into_any(),
                    }
                })}
            </Suspense>
            {move || error.get().map(|m| view! { <p class="field__error">{m}</p> })}
        </fieldset>
    }
}

/// The custom claims new users get.
#[component]
pub fn DefaultClaimsEditor(form: ConfigForm) -> impl IntoView {
    let key = "signupDefaultCustomClaims";
    let next = StoredValue::new(0u32);
    let fresh = move || {
        let mut k = 0;
        next.update_value(|n| {
            *n += 1;
            k = *n;
        });
        k
    };
    let initial: Vec<(u32, String, String)> = claim_pairs(
        &form
            .draft
            .with_untracked(|d| d.get(key).cloned().unwrap_or_default()),
    )
    .into_iter()
    .map(|(k, v)| (fresh(), k, v))
    .collect();
    let rows = RwSignal::new(initial);
    let sync = move || {
        let pairs: Vec<(String, String)> =
            rows.with_untracked(|r| r.iter().map(|(_, k, v)| (k.clone(), v.clone())).collect());
        form.set(key, claims_json(&pairs));
    };
    let edit = move |id: u32, is_key: bool, text: String| {
        rows.update(|r| {
            if let Some(row) = r.iter_mut().find(|(k, _, _)| *k == id) {
                if is_key {
                    row.1 = text;
                } else {
                    row.2 = text;
                }
            }
        });
        sync();
    };
    let error = form.error(key);
    view! {
        <fieldset class="form__full fieldset" data-testid="config-default-claims" disabled=form.readonly>
            <legend class="field__label">"Default custom claims"</legend>
            <p class="field__hint">"Claims every new user starts with (JSON values are sent as JSON)."</p>
            <For
                each=move || rows.get()
                key=|(id, _, _)| *id
                children=move |(id, k, v)| {
                    view! {
                        <div class="list-row__inputs">
                            <input
                                class="field__input"
                                type="text"
                                placeholder="Key"
                                aria-label="Claim key"
                                data-testid="config-default-claim-key"
                                prop:value=k
                                on:input=move |ev| edit(id, true, event_target_value(&ev))
                            />
                            <input
                                class="field__input"
                                type="text"
                                placeholder="Value"
                                aria-label="Claim value"
                                data-testid="config-default-claim-value"
                                prop:value=v
                                on:input=move |ev| edit(id, false, event_target_value(&ev))
                            />
                            <button
                                type="button"
                                class="button button--small button--danger"
                                on:click=move |_| {
                                    rows.update(|r| r.retain(|(k, _, _)| *k != id));
                                    sync();
                                }
                            >
                                "Remove"
                            </button>
                        </div>
                    }
                }
            />
            <div>
                <button
                    type="button"
                    class="button button--small"
                    data-testid="config-default-claim-add"
                    on:click=move |_| rows.update(|r| r.push((fresh(), String::new(), String::new())))
                >
                    "Add claim"
                </button>
            </div>
            {move || error.get().map(|m| view! { <p class="field__error">{m}</p> })}
        </fieldset>
    }
}

/// The URL patterns of client metadata documents that may be used as client ids.
#[component]
pub fn CimdAllowList(form: ConfigForm) -> impl IntoView {
    let key = "cimdUrlAllowlist";
    let text = RwSignal::new(
        string_list(
            &form
                .draft
                .with_untracked(|d| d.get(key).cloned().unwrap_or_default()),
        )
        .join("\n"),
    );
    let error = form.error(key);
    view! {
        <div class="field form__full" class:field--invalid=move || error.with(Option::is_some)>
            <label class="field__label" for="config-cimdUrlAllowlist">
                "Allowed client metadata document URLs"
            </label>
            <textarea
                class="field__input field__textarea"
                id="config-cimdUrlAllowlist"
                data-testid="config-cimdUrlAllowlist"
                rows="4"
                placeholder="https://*.example.com/**"
                readonly=form.readonly
                prop:value=move || text.get()
                on:input=move |ev| {
                    let value = event_target_value(&ev);
                    text.set(value.clone());
                    let patterns: Vec<&str> = value
                        .lines()
                        .map(str::trim)
                        .filter(|l| !l.is_empty())
                        .collect();
                    form.set(key, to_json_list(patterns));
                }
            ></textarea>
            <p class="field__hint">
                "One URL pattern per line. Applications may then use the URL of their metadata document as client ID (OAuth Client ID Metadata Documents). Empty: none allowed."
            </p>
            {move || error.get().map(|m| view! { <p class="field__error">{m}</p> })}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_lists_round_trip() {
        assert_eq!(string_list(r#"["a","b",3]"#), ["a", "b"]);
        assert!(string_list("not json").is_empty());
        assert_eq!(to_json_list(["x", "y\"z"]), r#"["x","y\"z"]"#);
    }

    #[test]
    fn claims_drop_blank_keys_and_keep_values_as_text() {
        let rows = vec![
            ("team".to_owned(), "blue".to_owned()),
            (" ".to_owned(), "lost".to_owned()),
        ];
        let json = claims_json(&rows);
        assert_eq!(json, r#"[{"key":"team","value":"blue"}]"#);
        assert_eq!(claim_pairs(&json), [("team".to_owned(), "blue".to_owned())]);
    }
}
