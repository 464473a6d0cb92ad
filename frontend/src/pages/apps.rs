//! `/settings/apps`, "My Apps": the applications the signed-in user may sign in to, as cards
//! with the logo, name, when they were last used, a launch link, and "Revoke access" (forgets
//! the consent and revokes the tokens the application holds).

use crate::api::{
    self,
    list::{ListQuery, Sort},
};
use crate::components::action::{on_settled, show_in};
use crate::components::form::FormError;
use crate::components::{client::ClientLogo, error_view::ErrorView, form::Tone, loading::Loading};
use crate::components::{datetime::format_date, dialog::ConfirmDialog};
use crate::state::use_session;
use leptos::prelude::*;
use pocket_shared::oidc_client::AccessibleOidcClientDto;
use pocket_shared::oidc_client::rules::http_url;

/// The launch link of a client, when it has a usable http(s) one.
pub fn launch_href(client: &AccessibleOidcClientDto) -> Option<String> {
    client
        .client
        .launch_url
        .as_deref()
        .map(str::trim)
        .filter(|u| http_url(u).is_ok())
        .map(str::to_owned)
}

/// "Last used 5 Jan 2025" or "Never used".
pub fn last_used(client: &AccessibleOidcClientDto) -> String {
    match &client.last_used_at {
        Some(at) => format!("Last used {}", format_date(at)),
        None => "Never used".to_owned(),
    }
}

/// The My Apps page.
#[component]
pub fn MyAppsPage() -> impl IntoView {
    let session = use_session();
    let show_all = RwSignal::new(false);
    let search = RwSignal::new(String::new());
    let apps = LocalResource::new(move || {
        let mut query = ListQuery::new(100, Some(Sort::asc("name")));
        query.search = search.get();
        if !show_all.get() {
            query.set_filter("hasLaunchURL", "true");
        }
        async move { api::my_apps::list(&query).await }
    });
    let revoking = RwSignal::new(None::<AccessibleOidcClientDto>);
    let notice = RwSignal::new(None::<String>);
    let retry = Callback::new(move |()| apps.refetch());
    view! {
        <div class="stack" data-testid="my-apps-page">
            <h1 data-testid="my-apps-title">"My Apps"</h1>
            <div class="table-toolbar">
                <div class="field table-toolbar__search">
                    <label class="field__label" for="my-apps-search">
                        "Search"
                    </label>
                    <input
                        class="field__input"
                        id="my-apps-search"
                        data-testid="my-apps-search"
                        type="search"
                        placeholder="Application name"
                        prop:value=move || search.get()
                        on:input=move |ev| search.set(event_target_value(&ev))
                    />
                </div>
                <div class="check-field">
                    <input
                        class="check-field__input"
                        type="checkbox"
                        id="my-apps-show-all"
                        data-testid="my-apps-show-all"
                        bind:checked=show_all
                    />
                    <label class="check-field__label" for="my-apps-show-all">
                        <span class="check-field__title">"Show apps without a launch link"</span>
                    </label>
                </div>
            </div>
            <FormError error=notice testid="my-apps-notice" tone=Tone::Success />
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match apps.await {
                        Ok(list) if list.data.is_empty() => {
                            view! {
                                <section class="card">
                                    <p class="hint" data-testid="my-apps-empty">
                                        "No applications to show. Applications appear here when your administrator gives them a launch link."
                                    </p>
                                </section>
                            }
                                .into_any()
                        }
                        Ok(list) => {
                            view! {
                                <ul class="app-grid" data-testid="my-apps-list">
                                    {list
                                        .data
                                        .into_iter()
                                        .map(|app| view! { <AppCard app revoking /> })
                                        .collect_view()}
                                </ul>
                            }
                                .into_any()
                        }
                        Err(error) => {
                            session.check_error(&error);
                            view! { <ErrorView error on_retry=retry /> }.into_any()
                        }
                    }
                })}
            </Transition>
            {move || {
                revoking
                    .get()
                    .map(|app| {
                        view! {
                            <RevokeDialog
                                app
                                on_cancel=Callback::new(move |()| revoking.set(None))
                                on_done=Callback::new(move |name: String| {
                                    revoking.set(None);
                                    notice.set(Some(format!("Access of {name} was revoked.")));
                                    apps.refetch();
                                })
                            />
                        }
                    })
            }}
        </div>
    }
}

/// One application.
#[component]
fn AppCard(
    app: AccessibleOidcClientDto,
    revoking: RwSignal<Option<AccessibleOidcClientDto>>,
) -> impl IntoView {
    let href = launch_href(&app);
    let used = last_used(&app);
    let authorized = app.last_used_at.is_some();
    let name = app.client.name.clone();
    let description = app.client.description.clone();
    let for_revoke = app.clone();
    view! {
        <li class="card app-card" data-testid="my-app" data-client-id=app.client.id.clone()>
            <div class="app-card__head">
                <ClientLogo client=app.client.clone() />
                <div class="app-card__text">
                    <h2 class="app-card__name" data-testid="my-app-name">
                        {name.clone()}
                    </h2>
                    <p class="hint app-card__used" data-testid="my-app-last-used">
                        {used}
                    </p>
                </div>
            </div>
            {(!description.is_empty()).then(|| view! { <p class="app-card__description">{description}</p> })}
            <div class="actions">
                {href
                    .map(|href| {
                        view! {
                            <a
                                class="button button--primary button--small"
                                href=href
                                target="_blank"
                                rel="noopener noreferrer external"
                                data-testid="my-app-launch"
                            >
                                "Open"
                                <span class="visually-hidden">{format!(" {name}")}</span>
                            </a>
                        }
                    })}
                {authorized
                    .then(|| {
                        view! {
                            <button
                                type="button"
                                class="button button--small button--danger"
                                data-testid="my-app-revoke"
                                on:click=move |_| revoking.set(Some(for_revoke.clone()))
                            >
                                "Revoke access"
                            </button>
                        }
                    })}
            </div>
        </li>
    }
}

/// Confirms and revokes one application's access.
#[component]
fn RevokeDialog(
    app: AccessibleOidcClientDto,
    on_cancel: Callback<()>,
    on_done: Callback<String>,
) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let id = app.client.id.clone();
    let name = app.client.name.clone();
    let done_name = name.clone();
    let revoke = Action::new_local(move |_: &()| {
        let id = id.clone();
        async move { api::my_apps::revoke(&id).await }
    });
    on_settled(
        revoke,
        move |()| on_done.run(done_name.clone()),
        show_in(error),
    );
    view! {
        <ConfirmDialog
            title=format!("Revoke access of {name}?")
            message=format!(
                "{name} is signed out and must ask for your consent again the next time you use it.",
            )
            confirm_label="Revoke"
            testid="my-app-revoke-dialog"
            pending=revoke.pending()
            error
            on_confirm=Callback::new(move |()| {
                revoke.dispatch(());
            })
            on_cancel
        />
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pocket_shared::oidc::OidcClientMetaDto;

    fn app(launch: Option<&str>, last: Option<&str>) -> AccessibleOidcClientDto {
        AccessibleOidcClientDto {
            client: OidcClientMetaDto {
                id: "notes".into(),
                name: "Notes".into(),
                description: String::new(),
                has_logo: false,
                has_dark_logo: false,
                launch_url: launch.map(str::to_owned),
                requires_reauthentication: false,
                client_type: "standard".into(),
            },
            last_used_at: last.map(str::to_owned),
        }
    }

    #[test]
    fn only_http_launch_links_are_offered() {
        assert_eq!(
            launch_href(&app(Some("https://notes.example"), None)).as_deref(),
            Some("https://notes.example")
        );
        assert_eq!(launch_href(&app(Some("javascript:alert(1)"), None)), None);
        assert_eq!(launch_href(&app(None, None)), None);
    }

    #[test]
    fn last_use_is_a_date_or_never() {
        assert_eq!(
            last_used(&app(None, Some("2026-03-04T10:00:00Z"))),
            "Last used 4 Mar 2026"
        );
        assert_eq!(last_used(&app(None, None)), "Never used");
    }
}
