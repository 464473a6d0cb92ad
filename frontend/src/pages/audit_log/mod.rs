//! `/settings/audit-log` (the signed-in user's own sign-ins and account events) and
//! `/settings/audit-log/global` (administrators: everyone's, filtered by user, event, client
//! and location). Both tables show time, event, device, location, IP address and client.

use crate::api::{
    self, ClientError,
    list::{ListQuery, Sort},
};
use crate::components::datetime::format_datetime;
use crate::components::table::{Column, DataTable, FilterSelect};
use crate::state::use_session;
use leptos::prelude::*;
use pocket_shared::audit_log::{AuditEvent, AuditLogDto};

/// An event in plain words; unknown names as they are.
pub fn event_label(event: &str) -> String {
    match AuditEvent::parse(event) {
        Some(AuditEvent::SignIn) => "Sign in",
        Some(AuditEvent::TokenSignIn) => "Sign in with a login code",
        Some(AuditEvent::RemoteSignIn) => "Sign in from another device",
        Some(AuditEvent::AccountCreated) => "Account created",
        Some(AuditEvent::ClientAuthorization) => "Client authorization",
        Some(AuditEvent::NewClientAuthorization) => "New client authorization",
        Some(AuditEvent::DeviceCodeAuthorization) => "Device code authorization",
        Some(AuditEvent::NewDeviceCodeAuthorization) => "New device code authorization",
        Some(AuditEvent::PasskeyAdded) => "Passkey added",
        Some(AuditEvent::PasskeyRemoved) => "Passkey removed",
        None => return event.to_owned(),
    }
    .to_owned()
}

/// "Berlin, Germany", "LAN, Internal Network", or "Unknown".
pub fn location(entry: &AuditLogDto) -> String {
    let parts: Vec<&str> = [entry.city.as_deref(), entry.country.as_deref()]
        .into_iter()
        .flatten()
        .filter(|p| !p.trim().is_empty())
        .collect();
    if parts.is_empty() {
        "Unknown".to_owned()
    } else {
        parts.join(", ")
    }
}

/// The client an entry names (authorizations), or an em dash.
pub fn client_name(entry: &AuditLogDto) -> String {
    entry
        .data
        .get("clientName")
        .filter(|n| !n.is_empty())
        .cloned()
        .unwrap_or_else(|| "—".to_owned())
}

/// The event filter's choices.
fn event_options() -> Vec<(&'static str, &'static str)> {
    AuditEvent::ALL
        .iter()
        .map(|e| {
            let label = match e {
                AuditEvent::SignIn => "Sign in",
                AuditEvent::TokenSignIn => "Login code sign-in",
                AuditEvent::RemoteSignIn => "Sign-in from another device",
                AuditEvent::AccountCreated => "Account created",
                AuditEvent::ClientAuthorization => "Client authorization",
                AuditEvent::NewClientAuthorization => "New client authorization",
                AuditEvent::DeviceCodeAuthorization => "Device code authorization",
                AuditEvent::NewDeviceCodeAuthorization => "New device code authorization",
                AuditEvent::PasskeyAdded => "Passkey added",
                AuditEvent::PasskeyRemoved => "Passkey removed",
            };
            (e.as_str(), label)
        })
        .collect()
}

/// The columns both logs share; `with_user` adds the user (global log).
fn columns(with_user: bool) -> Vec<Column<AuditLogDto>> {
    let mut columns = vec![
        Column::new("Time", |e: &AuditLogDto| {
            view! {
                <time datetime=e.created_at.clone() data-testid="audit-time">
                    {format_datetime(&e.created_at)}
                </time>
            }
            .into_any()
        })
        .sortable("createdAt"),
    ];
    if with_user {
        columns.push(Column::new("User", |e: &AuditLogDto| {
            let name = e
                .username
                .clone()
                .or_else(|| e.user_id.clone())
                .unwrap_or_else(|| "—".to_owned());
            view! { <span data-testid="audit-user">{name}</span> }.into_any()
        }));
    }
    columns.extend([
        Column::new("Event", |e: &AuditLogDto| {
            let actor = e
                .actor_username
                .clone()
                .map(|a| view! { <div class="table__sub">{format!("by {a}")}</div> });
            view! {
                <span class="badge" data-testid="audit-event" data-event=e.event.clone()>
                    {event_label(&e.event)}
                </span>
                {actor}
            }
            .into_any()
        })
        .sortable("event"),
        Column::new("Device", |e: &AuditLogDto| {
            view! { <span data-testid="audit-device">{e.device.clone()}</span> }.into_any()
        })
        .sortable("device"),
        Column::new("Location", |e: &AuditLogDto| {
            view! { <span data-testid="audit-location">{location(e)}</span> }.into_any()
        })
        .sortable("country"),
        Column::new("IP address", |e: &AuditLogDto| {
            let ip = e.ip_address.clone().unwrap_or_else(|| "—".to_owned());
            view! { <code data-testid="audit-ip">{ip}</code> }.into_any()
        })
        .sortable("ipAddress"),
        Column::new("Client", |e: &AuditLogDto| {
            view! { <span data-testid="audit-client">{client_name(e)}</span> }.into_any()
        }),
    ]);
    columns
}

/// The signed-in user's own log.
#[component]
pub fn AuditLogPage() -> impl IntoView {
    let session = use_session();
    let on_error = Callback::new(move |e: ClientError| session.check_error(&e));
    let filters = vec![FilterSelect {
        key: "event",
        label: "Event",
        options: event_options(),
    }];
    view! {
        <div class="stack" data-testid="audit-log-page">
            <h1 data-testid="audit-log-title">"Audit log"</h1>
            <section class="card">
                <p class="hint">
                    "Sign-ins and changes to your account, newest first. Contact your administrator if you do not recognise an entry."
                </p>
                <DataTable
                    testid="audit-log-table"
                    label="Audit log"
                    columns=columns(false)
                    fetch=|q: ListQuery| async move { api::audit_log::list_own(&q).await }
                    row_key=|e: &AuditLogDto| e.id.clone()
                    default_sort=Sort::desc("createdAt")
                    filters
                    searchable=false
                    empty_text="No events yet."
                    no_match_text="No events match the filter."
                    on_error
                />
            </section>
        </div>
    }
}

/// Everyone's log (administrators).
#[component]
pub fn GlobalAuditLogPage() -> impl IntoView {
    let session = use_session();
    let on_error = Callback::new(move |e: ClientError| session.check_error(&e));
    let users = LocalResource::new(api::audit_log::users);
    let clients = LocalResource::new(api::audit_log::client_names);
    let user = RwSignal::new(String::new());
    let client = RwSignal::new(String::new());
    let event = RwSignal::new(String::new());
    let place = RwSignal::new(String::new());
    let user_options = move || {
        let list = users.get().and_then(Result::ok).unwrap_or_default();
        list.into_iter()
            .map(|(id, name)| {
                let current = id.clone();
                view! { <option value=id selected=move || user.with(|u| *u == current)>{name}</option> }
            })
            .collect_view()
    };
    let client_options = move || {
        let list = clients.get().and_then(Result::ok).unwrap_or_default();
        list.into_iter()
            .map(|name| {
                let current = name.clone();
                view! {
                    <option value=name.clone() selected=move || client.with(|c| *c == current)>
                        {name.clone()}
                    </option>
                }
            })
            .collect_view()
    };
    // The table starts over (page 1) whenever a filter changes.
    let table = move || {
        let initial_filters: Vec<(String, String)> = [
            ("userId", user.get()),
            ("event", event.get()),
            ("clientName", client.get()),
            ("location", place.get()),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        view! {
            <DataTable
                testid="global-audit-log-table"
                label="Global audit log"
                columns=columns(true)
                fetch=|q: ListQuery| async move { api::audit_log::list_all(&q).await }
                row_key=|e: &AuditLogDto| e.id.clone()
                default_sort=Sort::desc("createdAt")
                initial_filters
                searchable=false
                empty_text="No events yet."
                no_match_text="No events match the filters."
                on_error
            />
        }
    };
    let select =
        move |id: &'static str, label: &'static str, value: RwSignal<String>, options: AnyView| {
            view! {
                <div class="field">
                    <label class="field__label" for=id>
                        {label}
                    </label>
                    <select
                        class="field__input"
                        id=id
                        data-testid=id
                        on:change=move |ev| value.set(event_target_value(&ev))
                    >
                        <option value="" selected=move || value.with(String::is_empty)>
                            "All"
                        </option>
                        {options}
                    </select>
                </div>
            }
        };
    let events = event_options()
        .into_iter()
        .map(|(value, text)| {
            view! { <option value=value selected=move || event.with(|e| e == value)>{text}</option> }
        })
        .collect_view()
        .into_any();
    let places = view! {
        <option value="internal" selected=move || place.with(|p| p == "internal")>
            "Internal network"
        </option>
        <option value="external" selected=move || place.with(|p| p == "external")>
            "External"
        </option>
    }
    .into_any();
    view! {
        <div class="stack" data-testid="global-audit-log-page">
            <h1 data-testid="global-audit-log-title">"Global audit log"</h1>
            <section class="card">
                <p class="hint">"Every user's sign-ins and account events, newest first."</p>
                <div class="table-toolbar">
                    {select("global-audit-filter-user", "User", user, user_options.into_any())}
                    {select("global-audit-filter-event", "Event", event, events)}
                    {select("global-audit-filter-client", "Client", client, client_options.into_any())}
                    {select("global-audit-filter-location", "Location", place, places)}
                </div>
                {table}
            </section>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn entry() -> AuditLogDto {
        AuditLogDto {
            id: "1".into(),
            created_at: "2027-01-15T08:00:00Z".into(),
            event: "NEW_CLIENT_AUTHORIZATION".into(),
            ip_address: Some("127.0.0.1".into()),
            country: Some("Internal Network".into()),
            city: Some("localhost".into()),
            device: "Chrome on Linux".into(),
            user_agent: None,
            data: BTreeMap::from([("clientName".to_owned(), "Notes".to_owned())]),
            user_id: None,
            username: None,
            actor_username: None,
        }
    }

    #[test]
    fn entries_are_described_in_plain_words() {
        let e = entry();
        assert_eq!(event_label(&e.event), "New client authorization");
        assert_eq!(event_label("LEGACY_EVENT"), "LEGACY_EVENT");
        assert_eq!(location(&e), "localhost, Internal Network");
        assert_eq!(client_name(&e), "Notes");
        let bare = AuditLogDto {
            country: None,
            city: None,
            data: BTreeMap::new(),
            ..entry()
        };
        assert_eq!(location(&bare), "Unknown");
        assert_eq!(client_name(&bare), "—");
        assert_eq!(event_options().len(), AuditEvent::ALL.len());
    }
}
