//! `/login/alternative/code`: sign in with a login code (one-time access token). A `?code=`
//! (from the `/lc/<code>` links) is submitted at once; `?redirect=` is honoured.

use super::complete_sign_in;
use crate::api;
use crate::components::form::PendingButton;
use crate::components::form::{Alert, Tone};
use crate::routes::guard::with_redirect;
use crate::routes::navigation::use_app_navigate;
use crate::state::use_session;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// Login codes are 6 characters (valid up to 15 minutes) or 12 (longer lived).
const CODE_LENGTHS: [usize; 2] = [6, 12];

/// What the user typed or the link carried, as we send it: surrounding blanks removed (the
/// server accepts any case and normalises look-alike characters itself).
pub fn normalize_code(raw: &str) -> String {
    raw.trim().to_owned()
}

/// Checks a normalised code's length before asking the server.
pub fn check_code(code: &str) -> Result<(), &'static str> {
    if code.is_empty() {
        Err("Enter your login code.")
    } else if !CODE_LENGTHS.contains(&code.chars().count()) {
        Err("A login code has 6 or 12 characters.")
    } else {
        Ok(())
    }
}

/// The login-code form.
#[component]
pub fn LoginCodePage() -> impl IntoView {
    let session = use_session();
    let navigate = use_app_navigate();
    let query = use_query_map();
    let linked_code = query
        .with_untracked(|q| q.get("code"))
        .map(|c| normalize_code(&c))
        .filter(|c| !c.is_empty());
    let redirect = query.with_untracked(|q| q.get("redirect"));
    let code = RwSignal::new(linked_code.clone().unwrap_or_default());
    let error = RwSignal::new(None::<String>);

    let exchange = Action::new_local(|code: &String| {
        let code = code.clone();
        async move { api::one_time_access::sign_in_with_code(&code).await }
    });
    {
        let redirect = redirect.clone();
        Effect::new(move || match exchange.value().get() {
            Some(Ok(user)) => complete_sign_in(session, &navigate, redirect.as_deref(), user),
            Some(Err(e)) => error.set(Some(e.user_message())),
            None => {}
        });
    }
    let submit = move || {
        let value = normalize_code(&code.get_untracked());
        match check_code(&value) {
            Ok(()) => {
                error.set(None);
                code.set(value.clone());
                exchange.dispatch(value);
            }
            Err(message) => error.set(Some(message.to_owned())),
        }
    };
    if linked_code.is_some() {
        submit();
    }
    let pending = exchange.pending();
    let back_href = with_redirect("/login/alternative", redirect.as_deref());

    view! {
        <section class="card card--narrow" aria-labelledby="login-code-title">
            <h1 id="login-code-title" data-testid="login-code-title">
                "Sign in with a login code"
            </h1>
            <p class="lead">
                "Enter the code your administrator gave you. Codes work once and expire."
            </p>
            <form
                class="form"
                novalidate
                on:submit=move |ev| {
                    ev.prevent_default();
                    submit();
                }
            >
                <div class="field" class:field--invalid=move || error.with(Option::is_some)>
                    <label class="field__label" for="login-code">
                        "Login code"
                    </label>
                    <input
                        class="field__input field__input--code"
                        id="login-code"
                        name="code"
                        data-testid="login-code-input"
                        type="text"
                        autocomplete="one-time-code"
                        autocapitalize="none"
                        spellcheck="false"
                        maxlength="24"
                        aria-invalid=move || if error.with(Option::is_some) { "true" } else { "false" }
                        aria-describedby="login-code-error"
                        bind:value=code
                    />
                </div>
                {move || {
                    error
                        .get()
                        .map(|message| {
                            view! {
                                <div id="login-code-error">
                                    <Alert tone=Tone::Error testid="login-code-error">
                                        {message}
                                    </Alert>
                                </div>
                            }
                        })
                }}
                <PendingButton
                    testid="login-code-submit"
                    label="Sign in"
                    busy="Signing in…"
                    pending
                    class="button button--primary button--block"
                />
            </form>
            <p class="login__alternative">
                <a href=back_href data-testid="back-to-alternatives">
                    "Back"
                </a>
            </p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_trimmed_and_must_have_6_or_12_characters() {
        assert_eq!(normalize_code("  aBc123\n"), "aBc123");
        assert_eq!(check_code("aBc123"), Ok(()));
        assert_eq!(check_code("aBc123dEf456"), Ok(()));
        assert!(check_code("").is_err());
        assert!(check_code("abc12").is_err());
        assert!(check_code("abc1234").is_err());
    }
}
