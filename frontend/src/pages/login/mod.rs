//! `/login`: usernameless passkey sign-in (the card is [`PasskeySignIn`]), continuing to the
//! `redirect` target; a "Sign up" link when signups are open.

pub mod alternative;
pub mod code;

use crate::components::{loader::Loaded, passkey_sign_in::PasskeySignIn};
use crate::routes::guard::{after_sign_in, with_redirect};
use crate::routes::navigation::{AppNavigate, use_app_navigate};
use crate::state::{Session, use_app_config, use_session};
use leptos::prelude::*;
use leptos_router::{NavigateOptions, hooks::use_query_map};
use pocket_shared::UserDto;
use pocket_shared::signup::SignupMode;

/// The sign-in page: waits for the configuration (for the instance name), then the card.
#[component]
pub fn LoginPage() -> impl IntoView {
    let config = use_app_config();
    view! {
        <Loaded resource=config.resource() let:public>
            {
                let open = SignupMode::parse(&public.allow_user_signups) == SignupMode::Open;
                view! { <LoginCard app_name=public.app_name signups_open=open /> }
            }
        </Loaded>
    }
}

/// Records the session and continues to the `redirect` target (or `/settings`); targets the
/// backend serves (e.g. back to an OIDC authorize request, which must see the new session
/// cookie) or only the full app renders get a full page load.
pub fn complete_sign_in(
    session: Session,
    navigate: &AppNavigate,
    redirect: Option<&str>,
    user: UserDto,
) {
    let target = after_sign_in(redirect);
    // Navigate first, then record the session: the guard then sees the target page, not the
    // sign-in page it would bounce a signed-in user from. A page being replaced needs neither.
    if navigate.go(&target, NavigateOptions::default()) {
        session.set_signed_in(user);
    }
}

/// The sign-in card, continuing to `?redirect=` once signed in.
#[component]
fn LoginCard(app_name: String, signups_open: bool) -> impl IntoView {
    let session = use_session();
    let navigate = use_app_navigate();
    let redirect = use_query_map().with_untracked(|q| q.get("redirect"));
    let alternative_href = with_redirect("/login/alternative", redirect.as_deref());
    let on_signed_in = Callback::new(move |user| {
        complete_sign_in(session, &navigate, redirect.as_deref(), user);
    });
    view! {
        <PasskeySignIn title=format!("Sign in to {app_name}") alternative_href on_signed_in />
        <Show when=move || signups_open>
            <p class="login__alternative">
                "New here? " <a href="/signup" data-testid="signup-link">"Sign up"</a>
            </p>
        </Show>
    }
}
