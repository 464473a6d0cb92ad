//! Login codes for a user: an administrator creates a code (with a lifetime) and hands out the
//! code or its link `APP_URL/lc/<code>`.

use crate::api;
use crate::components::action::{on_settled, show_in};
use crate::components::card::Card;
use crate::components::copy::CopyField;
use crate::components::form::FormError;
use leptos::prelude::*;

/// The lifetimes offered, in seconds (15 minutes gives a 6-character code, longer ones 12).
pub const LIFETIMES: [(u64, &str); 5] = [
    (15 * 60, "15 minutes"),
    (60 * 60, "1 hour"),
    (12 * 60 * 60, "12 hours"),
    (24 * 60 * 60, "1 day"),
    (7 * 24 * 60 * 60, "1 week"),
];

/// The sign-in link for a code: `APP_URL/lc/<code>`.
pub fn login_link(origin: &str, code: &str) -> String {
    format!(
        "{}/lc/{}",
        origin.trim_end_matches('/'),
        crate::routes::guard::encode_uri_component(code)
    )
}

/// The login code card.
#[component]
pub fn LoginCodeCard(user_id: String) -> impl IntoView {
    let ttl = RwSignal::new(LIFETIMES[0].0);
    let code = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let create = Action::new_local(move |ttl: &u64| {
        let (id, ttl) = (user_id.clone(), *ttl);
        async move { api::admin_users::create_login_code(&id, ttl).await }
    });
    on_settled(
        create,
        move |answer| code.set(Some(answer.token)),
        show_in(error),
    );
    let pending = create.pending();
    let origin = window().location().origin().unwrap_or_default();
    view! {
        <Card
            title="Login code"
            testid="user-login-code"
            hint="A one-time code lets the user sign in without a passkey, e.g. to add their first passkey or after losing one."
        >
            <div class="form form--inline">
                <div class="field">
                    <label class="field__label" for="login-code-ttl">
                        "Valid for"
                    </label>
                    <select
                        class="field__input"
                        id="login-code-ttl"
                        data-testid="login-code-ttl"
                        on:change=move |ev| {
                            if let Ok(v) = event_target_value(&ev).parse() {
                                ttl.set(v);
                            }
                        }
                    >
                        {LIFETIMES
                            .iter()
                            .map(|(seconds, text)| {
                                let seconds = *seconds;
                                view! {
                                    <option value=seconds.to_string() selected=move || ttl.get() == seconds>
                                        {*text}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <button
                    type="button"
                    class="button button--primary"
                    data-testid="login-code-create"
                    disabled=move || pending.get()
                    on:click=move |_| {
                        error.set(None);
                        code.set(None);
                        create.dispatch(ttl.get_untracked());
                    }
                >
                    {move || if pending.get() { "Creating…" } else { "Create login code" }}
                </button>
            </div>
            <FormError error testid="login-code-error" />
            {move || {
                code.get()
                    .map(|value| {
                        let link = login_link(&origin, &value);
                        view! {
                            <div class="stack stack--tight" data-testid="login-code-result">
                                <CopyField id="login-code-value" label="Login code" value=value />
                                <CopyField id="login-code-link" label="Login link" value=link />
                            </div>
                        }
                    })
            }}
        </Card>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_use_the_lc_alias() {
        assert_eq!(
            login_link("http://localhost:3000/", "AbC123"),
            "http://localhost:3000/lc/AbC123"
        );
        assert_eq!(LIFETIMES[0].0, 900);
    }
}
