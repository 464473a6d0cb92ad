//! `/settings/account`: the user's profile, profile picture, passkeys and sessions.

mod passkey_dialogs;
mod passkeys;
mod picture;
mod profile;
pub mod sessions;

use crate::components::{error_view::ErrorView, loading::Loading};
use crate::state::{use_app_config, use_session};
use leptos::prelude::*;
use passkeys::PasskeysCard;
use picture::PictureCard;
use profile::ProfileCard;
use sessions::{Sessions, SessionsCard};

/// The account page: waits for the configuration (own-account editing, email requirement).
#[component]
pub fn AccountPage() -> impl IntoView {
    let config = use_app_config();
    let session = use_session();
    let retry = Callback::new(move |()| config.refetch());
    view! {
        <div class="stack">
            <h1 data-testid="account-title">"My account"</h1>
            <Suspense fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    let public = config.resource().await;
                    // Read once: the cards keep their own copy and update the session on save,
                    // which must not rebuild the page under them.
                    let user = untrack(|| session.user());
                    match (public, user) {
                        (Ok(public), Some(user)) => {
                            view! {
                                <ProfileCard
                                    user=user.clone()
                                    editable=public.allow_own_account_edit
                                    require_email=public.require_user_email
                                />
                                <PictureCard user_id=user.id />
                                <PasskeysCard />
                                <SessionsCard whose=Sessions::Mine />
                            }
                                .into_any()
                        }
                        (Err(error), _) => view! { <ErrorView error on_retry=retry /> }.into_any(),
                        // The guard renders this page only when signed in.
                        (Ok(_), None) => view! { <Loading /> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}
