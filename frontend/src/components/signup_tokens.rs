//! Signup tokens, as the application configuration page opens them: `SignupTokensDialog`
//! creates a token (lifetime, usage limit 1–100, groups), shows its share link
//! `APP_URL/st/<token>` once, and lists the tokens with their usage and a delete button.
//!
//! ```ignore
//! let open = RwSignal::new(false);
//! view! {
//!     <button on:click=move |_| open.set(true)>"Signup tokens"</button>
//!     <Show when=move || open.get()>
//!         <SignupTokensDialog on_close=Callback::new(move |()| open.set(false)) />
//!     </Show>
//! }
//! ```

use crate::api::{
    self, ClientError,
    list::{ListQuery, Sort},
    signup_tokens::share_link,
};
use crate::components::action::{on_settled, show_in};
use crate::components::form::first_field_error;
use crate::components::form::{Button, FormError, PendingButton};
use crate::components::{
    checklist::{CheckItem, CheckList},
    dialog::Dialog,
    form::{Alert, Tone, field_message},
    loading::Loading,
    table::{Column, DataTable, TableReload},
};
use crate::components::{copy::CopyField, datetime::format_datetime};
use crate::state::use_session;
use leptos::prelude::*;
use pocket_shared::signup::{SignupTokenCreateRequest, SignupTokenDto, rules};
use std::collections::BTreeSet;

/// The lifetimes offered: (Go duration sent as `ttl`, text).
pub const LIFETIMES: [(&str, &str); 6] = [
    ("1h", "1 hour"),
    ("12h", "12 hours"),
    ("24h", "1 day"),
    ("168h", "1 week"),
    ("336h", "2 weeks"),
    ("744h", "31 days"),
];

/// The create request from the form's values; the usage limit is checked with the API's rule.
pub fn build_request(
    ttl: &str,
    usage_limit: &str,
    group_ids: Vec<String>,
) -> Result<SignupTokenCreateRequest, String> {
    let limit = usage_limit
        .trim()
        .parse::<i64>()
        .map_err(|_| field_message("Usage limit", "must be a whole number"))?;
    rules::usage_limit(limit).map_err(|e| field_message("Usage limit", &e.message))?;
    Ok(SignupTokenCreateRequest {
        ttl: Some(serde_json::Value::from(ttl)),
        usage_limit: limit,
        user_group_ids: group_ids,
    })
}

/// "Active", "Used up" or "Expired" (expiry judged by `now_ms`, milliseconds since the epoch).
pub fn token_status(token: &SignupTokenDto, now_ms: f64) -> &'static str {
    let expires = js_date_ms(&token.expires_at);
    if expires.is_some_and(|e| e <= now_ms) {
        "Expired"
    } else if token.usage_count >= token.usage_limit {
        "Used up"
    } else {
        "Active"
    }
}

/// Milliseconds since the epoch of an RFC 3339 timestamp (the browser's parser), if valid.
fn js_date_ms(rfc3339: &str) -> Option<f64> {
    #[cfg(target_arch = "wasm32")]
    {
        let ms = js_sys::Date::parse(rfc3339);
        (!ms.is_nan()).then_some(ms)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        // Host tests: a fixed clock reading of the date part is enough.
        let year: f64 = rfc3339.get(..4)?.parse().ok()?;
        Some((year - 1970.0) * 365.25 * 86_400_000.0)
    }
}

fn now_ms() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        js_sys::Date::now()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0.0
    }
}

/// The signup tokens dialog. Test ids: `signup-tokens-dialog`, `signup-token-ttl`,
/// `signup-token-usage-limit`, `signup-token-groups-option`, `signup-token-create`,
/// `signup-token-error`, `signup-token-link` (+ `-copy`), `signup-tokens-table-*`,
/// `signup-token-delete`, `signup-tokens-close`.
#[component]
pub fn SignupTokensDialog(
    /// Runs when the dialog is closed (Escape or "Close").
    on_close: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let ttl = RwSignal::new("24h".to_owned());
    let usage_limit = RwSignal::new("1".to_owned());
    let groups_selected = RwSignal::new(BTreeSet::<String>::new());
    let error = RwSignal::new(None::<String>);
    let created = RwSignal::new(None::<String>);
    let reload = TableReload::new();
    let groups = LocalResource::new(api::user_groups::all);

    let create = Action::new_local(|request: &SignupTokenCreateRequest| {
        let request = request.clone();
        async move { api::signup_tokens::create(&request).await }
    });
    on_settled(
        create,
        move |token| {
            let origin = window().location().origin().unwrap_or_default();
            created.set(token.token.as_deref().map(|t| share_link(&origin, t)));
            reload.reload();
        },
        move |e| error.set(Some(first_field_error(&e, label))),
    );
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        created.set(None);
        let ids = groups_selected.get_untracked().into_iter().collect();
        match build_request(&ttl.get_untracked(), &usage_limit.get_untracked(), ids) {
            Ok(request) => {
                error.set(None);
                create.dispatch(request);
            }
            Err(message) => error.set(Some(message)),
        }
    };
    let delete = Action::new_local(|id: &String| {
        let id = id.clone();
        async move { api::signup_tokens::delete(&id).await }
    });
    on_settled(delete, move |()| reload.reload(), show_in(error));

    let columns: Vec<Column<SignupTokenDto>> = vec![
        Column::new("Token", |t: &SignupTokenDto| {
            view! { <code data-testid="signup-token-prefix">{format!("{}…", t.token_prefix)}</code> }
                .into_any()
        }),
        Column::new("Usage", |t: &SignupTokenDto| {
            view! {
                <span data-testid="signup-token-usage">
                    {format!("{} of {}", t.usage_count, t.usage_limit)}
                </span>
            }
            .into_any()
        })
        .sortable("usageCount"),
        Column::new("Expires", |t: &SignupTokenDto| {
            format_datetime(&t.expires_at).into_any()
        })
        .sortable("expiresAt"),
        Column::new("Groups", |t: &SignupTokenDto| {
            let names: Vec<String> = t
                .user_groups
                .iter()
                .map(|g| g.friendly_name.clone())
                .collect();
            if names.is_empty() {
                view! { <span class="hint">"Default"</span> }.into_any()
            } else {
                names.join(", ").into_any()
            }
        }),
        Column::new("Status", |t: &SignupTokenDto| {
            view! { <span class="badge" data-testid="signup-token-status">{token_status(t, now_ms())}</span> }
                .into_any()
        }),
        Column::new("Actions", move |t: &SignupTokenDto| {
            let id = t.id.clone();
            view! {
                <button
                    type="button"
                    class="button button--small button--danger"
                    data-testid="signup-token-delete"
                    aria-label=format!("Delete token {}…", t.token_prefix)
                    disabled=move || delete.pending().get()
                    on:click=move |_| {
                        delete.dispatch(id.clone());
                    }
                >
                    "Delete"
                </button>
            }
            .into_any()
        })
        .actions(),
    ];
    let on_error = Callback::new(move |e: ClientError| session.check_error(&e));
    let pending = create.pending();

    view! {
        <Dialog title="Signup tokens" testid="signup-tokens-dialog" on_close>
            <div class="signup-tokens">
                <p class="hint">
                    "A signup token lets people create an account while signups need a token. Share its link; it works until it expires or reaches its usage limit."
                </p>
                <form class="form form--grid" novalidate on:submit=submit>
                    <div class="field">
                        <label class="field__label" for="signup-token-ttl">
                            "Expires after"
                        </label>
                        <select
                            class="field__input"
                            id="signup-token-ttl"
                            data-testid="signup-token-ttl"
                            on:change=move |ev| ttl.set(event_target_value(&ev))
                        >
                            {LIFETIMES
                                .iter()
                                .map(|(value, text)| {
                                    let value = *value;
                                    view! {
                                        <option value=value selected=move || ttl.with(|t| t == value)>
                                            {*text}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label class="field__label" for="signup-token-usage-limit">
                            "Usage limit"
                        </label>
                        <input
                            class="field__input"
                            id="signup-token-usage-limit"
                            data-testid="signup-token-usage-limit"
                            type="number"
                            min="1"
                            max="100"
                            bind:value=usage_limit
                        />
                    </div>
                    <fieldset class="form__full fieldset">
                        <legend class="field__label">"Groups of new accounts"</legend>
                        <Suspense fallback=|| view! { <Loading /> }>
                            {move || Suspend::new(async move {
                                match groups.await {
                                    Ok(list) => {
                                        let items = list
                                            .into_iter()
                                            .map(|g| CheckItem {
                                                id: g.group.id,
                                                title: g.group.friendly_name,
                                                detail: g.group.name,
                                            })
                                            .collect();
                                        view! {
                                            <CheckList
                                                items
                                                selected=groups_selected
                                                testid="signup-token-groups"
                                                label="Groups"
                                                empty_text="No groups yet: new accounts get the default signup groups."
                                            />
                                        }
                                            .into_any()
                                    }
                                    Err(e) => {
                                        session.check_error(&e);
                                        view! {
                                            <Alert tone=Tone::Error testid="signup-token-groups-error">
                                                {e.user_message()}
                                            </Alert>
                                        }
                                            .into_any()
                                    }
                                }
                            })}
                        </Suspense>
                    </fieldset>
                    <FormError error testid="signup-token-error" />
                    <div class="actions form__full">
                        <PendingButton
                            testid="signup-token-create"
                            label="Create token"
                            busy="Creating…"
                            pending
                        />
                    </div>
                </form>
                {move || {
                    created
                        .get()
                        .map(|link| {
                            view! {
                                <div class="alert alert--success" role="status" data-testid="signup-token-created">
                                    <p>"Copy the link now: the token is not shown again."</p>
                                    <CopyField id="signup-token-link" label="Signup link" value=link />
                                </div>
                            }
                        })
                }}
                <DataTable
                    testid="signup-tokens-table"
                    label="Signup tokens"
                    columns
                    fetch=|q: ListQuery| async move { api::signup_tokens::list(&q).await }
                    row_key=|t: &SignupTokenDto| t.id.clone()
                    default_sort=Sort::desc("createdAt")
                    searchable=false
                    page_size=10
                    empty_text="No signup tokens."
                    reload
                    on_error
                />
                <div class="actions actions--end">
                    <Button testid="signup-tokens-close" label="Close" on_click=on_close />
                </div>
            </div>
        </Dialog>
    }
}

/// The label of a request field, for messages.
fn label(field: &str) -> String {
    match field {
        "ttl" => "Expires after",
        "usageLimit" => "Usage limit",
        "userGroupIds" => "Groups",
        other => other,
    }
    .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(expires: &str, count: i64, limit: i64) -> SignupTokenDto {
        SignupTokenDto {
            id: "t".into(),
            token: None,
            token_prefix: "AbCd".into(),
            expires_at: expires.into(),
            usage_limit: limit,
            usage_count: count,
            user_groups: vec![],
            created_at: "2025-01-01T00:00:00Z".into(),
        }
    }

    #[test]
    fn requests_check_the_usage_limit_like_the_api() {
        let r = build_request("24h", " 5 ", vec!["g".into()]).unwrap();
        assert_eq!(r.usage_limit, 5);
        assert_eq!(r.ttl, Some(serde_json::Value::from("24h")));
        assert_eq!(r.user_group_ids, ["g"]);
        assert_eq!(
            build_request("1h", "0", vec![]).unwrap_err(),
            "Usage limit must be between 1 and 100"
        );
        assert_eq!(
            build_request("1h", "many", vec![]).unwrap_err(),
            "Usage limit must be a whole number"
        );
    }

    #[test]
    fn status_prefers_expired_then_used_up() {
        let now = js_date_ms("2026-06-01T00:00:00Z").unwrap();
        assert_eq!(
            token_status(&token("2030-01-01T00:00:00Z", 0, 1), now),
            "Active"
        );
        assert_eq!(
            token_status(&token("2030-01-01T00:00:00Z", 1, 1), now),
            "Used up"
        );
        assert_eq!(
            token_status(&token("2020-01-01T00:00:00Z", 1, 1), now),
            "Expired"
        );
    }

    #[test]
    fn lifetimes_stay_within_31_days() {
        assert!(LIFETIMES.iter().any(|(v, _)| *v == "744h"));
        assert!(LIFETIMES.iter().all(|(v, _)| v.ends_with('h')));
    }
}
