//! `/settings/admin/api-keys`: the signed-in administrator's API keys — list, create (name,
//! description, expiry), renew (only once expired) and revoke. A new or renewed token is shown
//! once, in a dialog with a copy button.

use crate::api::{
    self,
    list::{ListQuery, Sort},
};
use crate::components::form::Button;
use crate::components::{
    action::{on_settled, show_in},
    dialog::Dialog,
    form::{
        Alert, DialogButtons, FieldErrors, FormError, FormErrors, TextField, Tone, field_message,
        first_field_error, rule_errors,
    },
    list::ListPage,
    table::{Column, TableReload},
};
use crate::components::{copy::CopyField, datetime::format_datetime, dialog::ConfirmDialog};
use leptos::prelude::*;
use pocket_shared::api_key::{ApiKeyCreateRequest, ApiKeyDto, ApiKeyResponse, rules};

/// Days until a new key expires by default.
pub const DEFAULT_DAYS: u32 = 30;

/// The label of each request field, for messages.
fn label(field: &str) -> String {
    match field {
        "name" => "Name",
        "description" => "Description",
        "expiresAt" => "Expires on",
        other => other,
    }
    .to_owned()
}

/// `YYYY-MM-DD` (an `<input type=date>` value) → (year, month, day).
pub fn parse_date(v: &str) -> Option<(u32, u32, u32)> {
    let mut parts = v.trim().splitn(3, '-');
    let year = parts.next().filter(|p| p.len() == 4)?.parse().ok()?;
    let month = parts.next().filter(|p| p.len() == 2)?.parse().ok()?;
    let day = parts.next().filter(|p| p.len() == 2)?.parse().ok()?;
    ((1..=12).contains(&month) && (1..=31).contains(&day)).then_some((year, month, day))
}

/// The end of the given day in the browser's time zone, as RFC 3339 (UTC).
fn end_of_day(year: u32, month: u32, day: u32) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        let date = js_sys::Date::new_with_year_month_day_hr_min_sec(
            year,
            month as i32 - 1,
            day as i32,
            23,
            59,
            59,
        );
        String::from(date.to_iso_string())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        format!("{year:04}-{month:02}-{day:02}T23:59:59.000Z")
    }
}

/// Milliseconds since the epoch now, and of an RFC 3339 timestamp.
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

fn timestamp_ms(v: &str) -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        js_sys::Date::parse(v)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        v.get(..4)
            .and_then(|y| y.parse::<f64>().ok())
            .map_or(f64::NAN, |y| (y - 1970.0) * 3.156e10)
    }
}

/// Whether the key has expired (by the browser's clock).
pub fn is_expired(key: &ApiKeyDto) -> bool {
    let at = timestamp_ms(&key.expires_at);
    !at.is_nan() && at <= now_ms()
}

/// The date `days` from today in the browser's time zone, as `YYYY-MM-DD`.
fn date_in_days(days: u32) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        let date = js_sys::Date::new_0();
        date.set_date(date.get_date() + days);
        format!(
            "{:04}-{:02}-{:02}",
            date.get_full_year(),
            date.get_month() + 1,
            date.get_date()
        )
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        format!("2030-01-{:02}", days.clamp(1, 28))
    }
}

/// The expiry sent for a date field: required, a real date, not in the past.
pub fn expiry(date: &str) -> Result<String, String> {
    if date.trim().is_empty() {
        return Err(field_message("Expires on", "is required"));
    }
    let (y, m, d) =
        parse_date(date).ok_or_else(|| field_message("Expires on", "must be a date"))?;
    let at = end_of_day(y, m, d);
    if timestamp_ms(&at) <= now_ms() {
        return Err(field_message("Expires on", "must be in the future"));
    }
    Ok(at)
}

/// The create request from the form, and what the API's rules (plus the date) say about it.
pub fn build_request(
    name: &str,
    description: &str,
    date: &str,
) -> (ApiKeyCreateRequest, FieldErrors) {
    let description = description.trim();
    let expires = expiry(date);
    let request = ApiKeyCreateRequest {
        name: name.trim().to_owned(),
        description: (!description.is_empty()).then(|| description.to_owned()),
        expires_at: expires.clone().unwrap_or_default(),
    };
    let mut errors = rule_errors(rules::create_errors(&request), label);
    if let Err(message) = expires {
        errors.insert("expiresAt".into(), message);
    }
    (request, errors)
}

/// The API keys page.
#[component]
pub fn ApiKeysPage() -> impl IntoView {
    let reload = TableReload::new();
    let creating = RwSignal::new(false);
    let renewing = RwSignal::new(None::<ApiKeyDto>);
    let revoking = RwSignal::new(None::<ApiKeyDto>);
    let token = RwSignal::new(None::<ApiKeyResponse>);
    let revoke_error = RwSignal::new(None::<String>);
    let revoke = Action::new_local(|id: &String| {
        let id = id.clone();
        async move { api::api_keys::revoke(&id).await }
    });
    on_settled(
        revoke,
        move |()| {
            revoking.set(None);
            reload.reload();
        },
        show_in(revoke_error),
    );
    let issued = Callback::new(move |response: ApiKeyResponse| {
        creating.set(false);
        renewing.set(None);
        token.set(Some(response));
        reload.reload();
    });

    let columns: Vec<Column<ApiKeyDto>> = vec![
        Column::new("Name", |k: &ApiKeyDto| {
            view! {
                <span data-testid="api-key-name">{k.name.clone()}</span>
                {k.description
                    .clone()
                    .filter(|d| !d.is_empty())
                    .map(|d| view! { <div class="table__sub">{d}</div> })}
            }
            .into_any()
        })
        .sortable("name"),
        Column::new("Expires", |k: &ApiKeyDto| {
            view! {
                {format_datetime(&k.expires_at)}
                {is_expired(k)
                    .then(|| {
                        view! {
                            <span class="badge badge--danger" data-testid="api-key-expired">
                                "Expired"
                            </span>
                        }
                    })}
            }
            .into_any()
        })
        .sortable("expiresAt"),
        Column::new("Last used", |k: &ApiKeyDto| {
            k.last_used_at
                .as_deref()
                .map_or_else(|| "Never".to_owned(), format_datetime)
                .into_any()
        })
        .sortable("lastUsedAt"),
        Column::new("Created", |k: &ApiKeyDto| {
            format_datetime(&k.created_at).into_any()
        })
        .sortable("createdAt"),
        Column::new("Actions", move |k: &ApiKeyDto| {
            let for_renew = k.clone();
            let for_revoke = k.clone();
            view! {
                <div class="actions actions--end">
                    {is_expired(k)
                        .then(|| {
                            view! {
                                <button
                                    type="button"
                                    class="button button--small"
                                    data-testid="api-key-renew"
                                    aria-label=format!("Renew {}", for_renew.name)
                                    on:click=move |_| renewing.set(Some(for_renew.clone()))
                                >
                                    "Renew"
                                </button>
                            }
                        })}
                    <button
                        type="button"
                        class="button button--small button--danger"
                        data-testid="api-key-revoke"
                        aria-label=format!("Revoke {}", k.name)
                        on:click=move |_| {
                            revoke_error.set(None);
                            revoking.set(Some(for_revoke.clone()));
                        }
                    >
                        "Revoke"
                    </button>
                </div>
            }
            .into_any()
        })
        .actions(),
    ];
    let revoke_pending = revoke.pending();

    view! {
        <ListPage
            testid="api-keys"
            title="API Keys"
            add_testid="api-key-add"
            add_label="Add API key"
            creating
            form=move || {
                view! {
                    <CreateKeyDialog
                        on_cancel=Callback::new(move |()| creating.set(false))
                        on_issued=issued
                    />
                }
            }
            list_title="Your API keys"
            hint="Send a key in the X-API-Key header. It acts as you: an administrator's key may call the admin API."
            table_testid="api-keys-table"
            label="API keys"
            columns
            fetch=|q: ListQuery| async move { api::api_keys::list(&q).await }
            row_key=|k: &ApiKeyDto| k.id.clone()
            default_sort=Sort::asc("name")
            searchable=false
            empty_text="No API keys yet."
            reload
        >
            {move || {
                renewing
                    .get()
                    .map(|key| {
                        view! {
                            <RenewKeyDialog
                                key
                                on_cancel=Callback::new(move |()| renewing.set(None))
                                on_issued=issued
                            />
                        }
                    })
            }}
            {move || {
                revoking
                    .get()
                    .map(|key| {
                        let id = key.id.clone();
                        view! {
                            <ConfirmDialog
                                title="Revoke API key"
                                message=format!("Revoke “{}”? Programs using it stop working at once.", key.name)
                                confirm_label="Revoke"
                                testid="api-key-revoke-dialog"
                                pending=revoke_pending
                                error=revoke_error
                                on_confirm=Callback::new(move |()| {
                                    revoke.dispatch(id.clone());
                                })
                                on_cancel=Callback::new(move |()| revoking.set(None))
                            />
                        }
                    })
            }}
            {move || {
                token
                    .get()
                    .map(|response| {
                        view! { <TokenDialog response on_close=Callback::new(move |()| token.set(None)) /> }
                    })
            }}
        </ListPage>
    }
}

/// "Add API key": name, description, expiry date.
#[component]
fn CreateKeyDialog(on_cancel: Callback<()>, on_issued: Callback<ApiKeyResponse>) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let expires = RwSignal::new(date_in_days(DEFAULT_DAYS));
    let errors = FormErrors::new();
    let create = Action::new_local(|request: &ApiKeyCreateRequest| {
        let request = request.clone();
        async move { crate::webauthn::with_reauthentication(|| api::api_keys::create(&request)).await }
    });
    errors.settle(create, label, move |response| on_issued.run(response));
    let submit = errors.submit(create, move || {
        build_request(
            &name.get_untracked(),
            &description.get_untracked(),
            &expires.get_untracked(),
        )
    });
    let pending = create.pending();
    view! {
        <Dialog title="Add API key" testid="api-key-create-dialog" on_close=on_cancel>
            <form class="form" novalidate on:submit=submit>
                <TextField id="api-key-create-name" label="Name" value=name error=errors.field("name") />
                <TextField
                    id="api-key-create-description"
                    label="Description"
                    value=description
                    error=errors.field("description")
                    optional=true
                />
                <TextField
                    id="api-key-create-expires"
                    label="Expires on"
                    value=expires
                    error=errors.field("expiresAt")
                    input_type="date"
                />
                <FormError error=errors.form testid="api-key-create-error" />
                <DialogButtons
                    testid="api-key-create"
                    label="Create API key"
                    busy="Creating…"
                    pending
                    on_cancel
                />
            </form>
        </Dialog>
    }
}

/// "Renew": a new expiry for an expired key; the key gets a new token.
#[component]
fn RenewKeyDialog(
    key: ApiKeyDto,
    on_cancel: Callback<()>,
    on_issued: Callback<ApiKeyResponse>,
) -> impl IntoView {
    let expires = RwSignal::new(date_in_days(DEFAULT_DAYS));
    let error = RwSignal::new(None::<String>);
    let id = key.id.clone();
    let renew = Action::new_local(move |expires_at: &String| {
        let (id, expires_at) = (id.clone(), expires_at.clone());
        async move {
            crate::webauthn::with_reauthentication(|| api::api_keys::renew(&id, expires_at.clone()))
                .await
        }
    });
    on_settled(
        renew,
        move |response| on_issued.run(response),
        move |e| error.set(Some(first_field_error(&e, label))),
    );
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match expiry(&expires.get_untracked()) {
            Ok(at) => {
                error.set(None);
                renew.dispatch(at);
            }
            Err(message) => error.set(Some(message)),
        }
    };
    let pending = renew.pending();
    view! {
        <Dialog title=format!("Renew “{}”", key.name) testid="api-key-renew-dialog" on_close=on_cancel>
            <form class="form" novalidate on:submit=submit>
                <p>"The key gets a new token; the old one stays invalid."</p>
                <TextField
                    id="api-key-renew-expires"
                    label="Expires on"
                    value=expires
                    error=Signal::derive(move || error.get())
                    input_type="date"
                />
                <DialogButtons
                    testid="api-key-renew"
                    label="Renew"
                    busy="Renewing…"
                    pending
                    on_cancel
                />
            </form>
        </Dialog>
    }
}

/// The token, shown once.
#[component]
fn TokenDialog(response: ApiKeyResponse, on_close: Callback<()>) -> impl IntoView {
    let origin = window().location().origin().unwrap_or_default();
    let example = format!(
        "curl -H \"{}: {}\" {origin}/api/users/me",
        rules::HEADER,
        response.token
    );
    view! {
        <Dialog title="API key created" testid="api-key-token-dialog" on_close>
            <Alert tone=Tone::Warning testid="api-key-token-once">
                "Copy the key now: it is not shown again."
            </Alert>
            <div class="stack stack--tight">
                <p>
                    "Name: " <strong>{response.api_key.name.clone()}</strong> " · expires "
                    {format_datetime(&response.api_key.expires_at)}
                </p>
                <CopyField id="api-key-token" label="API key" value=response.token.clone() />
                <CopyField id="api-key-example" label="Example" value=example />
                <div class="actions actions--end">
                    <Button
                        testid="api-key-token-close"
                        label="Done"
                        on_click=on_close
                        class="button button--primary"
                    />
                </div>
            </div>
        </Dialog>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_parsed_strictly() {
        assert_eq!(parse_date("2030-02-03"), Some((2030, 2, 3)));
        for bad in ["", "2030-2-3", "2030-13-01", "03.02.2030", "2030-02-32"] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn requests_follow_the_api_rules() {
        let (request, errors) = build_request(" CI ", " ", "2031-05-06");
        assert_eq!(request.name, "CI");
        assert_eq!(request.description, None);
        assert_eq!(request.expires_at, "2031-05-06T23:59:59.000Z");
        assert_eq!(errors["name"], "Name must be at least 3 characters long");
        let (_, errors) = build_request("Deploy", "", "");
        assert_eq!(errors["expiresAt"], "Expires on is required");
        let (request, errors) = build_request("Deploy", "for CI", "2031-05-06");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(request.description.as_deref(), Some("for CI"));
    }
}
