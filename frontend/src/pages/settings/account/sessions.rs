//! The sessions card: every browser signed in to an account (device, address, when it signed
//! in and was last seen). On the account page each other session can be signed out, or all of
//! them; on an administrator's user page, "Sign out everywhere".

use crate::api;
use crate::components::datetime::format_datetime;
use crate::components::form::{FormError, Tone};
use crate::components::{error_view::ErrorView, loading::Loading};
use crate::state::use_session;
use leptos::prelude::*;
use pocket_shared::UserSessionDto;

/// "Zürich, Switzerland · 203.0.113.7": what is known of where a session signed in from.
pub fn session_place(s: &UserSessionDto) -> String {
    let place = [s.city.as_deref(), s.country.as_deref()]
        .into_iter()
        .flatten()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    [Some(place.as_str()), s.ip_address.as_deref()]
        .into_iter()
        .flatten()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" · ")
}

/// How the session signed in, in words.
pub fn sign_in_method(amr: &str) -> &'static str {
    match amr {
        "phr" => "passkey",
        "otp" => "login code",
        _ => "sign-up",
    }
}

/// Whose sessions a [`SessionsCard`] shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sessions {
    /// The signed-in user's, on the account page: each other session can be signed out, or
    /// all of them at once.
    Mine,
    /// A user's, on the administrator's user page: "Sign out everywhere".
    OfUser(String),
}

impl Sessions {
    async fn list(self) -> Result<Vec<UserSessionDto>, api::ClientError> {
        match self {
            Self::Mine => api::sessions::list_mine().await,
            Self::OfUser(id) => api::sessions::list_of(&id).await,
        }
    }

    async fn end_all(self) -> Result<(), api::ClientError> {
        match self {
            Self::Mine => api::sessions::end_my_others().await,
            Self::OfUser(id) => api::sessions::end_all_of(&id).await,
        }
    }

    fn texts(&self) -> (&'static str, &'static str, &'static str) {
        match self {
            Self::Mine => (
                "Browsers signed in to your account. Sign out any you do not recognise, then delete passkeys you did not add.",
                "Sign out other sessions",
                "Signed out every other session.",
            ),
            Self::OfUser(_) => (
                "Browsers signed in to this account. Signing out everywhere ends them all; the user signs in again with a passkey or a login code.",
                "Sign out everywhere",
                "Signed out everywhere.",
            ),
        }
    }
}

/// The sessions card.
#[component]
pub fn SessionsCard(whose: Sessions) -> impl IntoView {
    let session = use_session();
    let (hint, end_all_label, ended_all) = whose.texts();
    let mine = whose == Sessions::Mine;
    let for_list = whose.clone();
    let sessions = LocalResource::new(move || for_list.clone().list());
    let error = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let end_one = Action::new_local(|id: &String| {
        let id = id.clone();
        async move { api::sessions::end_mine(&id).await }
    });
    let end_all = Action::new_local(move |_: &()| whose.clone().end_all());
    let settle =
        move |result: Option<Result<(), api::ClientError>>, message: &'static str| match result {
            Some(Ok(())) => {
                error.set(None);
                notice.set(Some(message.to_owned()));
                sessions.refetch();
            }
            Some(Err(e)) => {
                session.check_error(&e);
                notice.set(None);
                error.set(Some(e.user_message()));
            }
            None => {}
        };
    Effect::new(move || settle(end_one.value().get(), "Signed out that session."));
    Effect::new(move || settle(end_all.value().get(), ended_all));
    let retry = Callback::new(move |()| sessions.refetch());
    let others = move || {
        sessions
            .get()
            .and_then(Result::ok)
            .is_some_and(|list| list.iter().any(|s| !s.current))
    };

    view! {
        <section class="card" aria-labelledby="sessions-title" data-testid="sessions-card">
            <div class="card__header">
                <h2 id="sessions-title" class="card__title">
                    "Sessions"
                </h2>
                <Show when=others>
                    <button
                        type="button"
                        class="button button--small button--danger"
                        data-testid="sessions-end-all"
                        disabled=move || end_all.pending().get()
                        on:click=move |_| {
                            end_all.dispatch(());
                        }
                    >
                        {end_all_label}
                    </button>
                </Show>
            </div>
            <p class="hint">{hint}</p>
            <FormError error testid="sessions-error" />
            <FormError error=notice testid="sessions-notice" tone=Tone::Success />
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match sessions.await {
                        Ok(list) if list.is_empty() => {
                            view! {
                                <p class="hint" data-testid="sessions-none">
                                    "Not signed in anywhere."
                                </p>
                            }
                                .into_any()
                        }
                        Ok(list) => {
                            let end_one = mine.then_some(end_one);
                            view! { <SessionList list end_one /> }.into_any()
                        }
                        Err(error) => {
                            session.check_error(&error);
                            view! { <ErrorView error on_retry=retry /> }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn SessionList(
    list: Vec<UserSessionDto>,
    /// Signs out one session (the user's own list only; never the current session).
    end_one: Option<Action<String, Result<(), api::ClientError>>>,
) -> impl IntoView {
    let items = list
        .into_iter()
        .map(|s| {
            let place = session_place(&s);
            let signed_in = format!(
                "Signed in {} with a {}",
                format_datetime(&s.created_at),
                sign_in_method(&s.sign_in_method)
            );
            let seen = format!("Last seen {}", format_datetime(&s.last_seen_at));
            let id = s.id.clone();
            let device = s.device.clone();
            view! {
                <li class="passkey" data-testid="session-item" data-session-id=s.id.clone()>
                    <div class="passkey__main">
                        <span class="passkey__name" data-testid="session-device">
                            {s.device.clone()}
                        </span>
                        {s.current.then(|| view! { <span class="badge" data-testid="session-current">"This browser"</span> })}
                        <span class="passkey__meta" data-testid="session-place">{place}</span>
                        <span class="passkey__meta">{signed_in}</span>
                        <span class="passkey__meta" data-testid="session-seen">{seen}</span>
                    </div>
                    {end_one.filter(|_| !s.current).map(|end_one| view! {
                        <div class="passkey__actions">
                            <button
                                type="button"
                                class="button button--small button--danger"
                                data-testid="session-end"
                                aria-label=format!("Sign out {device}")
                                disabled=move || end_one.pending().get()
                                on:click=move |_| {
                                    end_one.dispatch(id.clone());
                                }
                            >
                                "Sign out"
                            </button>
                        </div>
                    })}
                </li>
            }
        })
        .collect_view();
    view! { <ul class="passkeys" data-testid="session-list">{items}</ul> }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> UserSessionDto {
        UserSessionDto {
            id: "s".into(),
            created_at: "2026-12-07T10:00:00Z".into(),
            last_seen_at: "2026-12-07T10:05:00Z".into(),
            expires_at: "2026-12-07T11:00:00Z".into(),
            sign_in_method: "phr".into(),
            ip_address: Some("203.0.113.7".into()),
            country: Some("Switzerland".into()),
            city: Some("Zürich".into()),
            device: "Firefox on Linux".into(),
            user_agent: None,
            current: false,
        }
    }

    #[test]
    fn places_join_what_is_known() {
        assert_eq!(
            session_place(&session()),
            "Zürich, Switzerland · 203.0.113.7"
        );
        let mut s = session();
        s.city = None;
        s.country = None;
        assert_eq!(session_place(&s), "203.0.113.7");
        s.ip_address = None;
        assert_eq!(session_place(&s), "");
    }

    #[test]
    fn methods_in_words() {
        assert_eq!(sign_in_method("phr"), "passkey");
        assert_eq!(sign_in_method("otp"), "login code");
        assert_eq!(sign_in_method(""), "sign-up");
    }
}
