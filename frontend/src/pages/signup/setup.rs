//! `/signup/setup` (alias `/setup`): creates the first administrator while no user exists, then
//! continues to `/signup/add-passkey`.

use super::account_form::NewAccountForm;
use crate::api::{self, ClientError};
use crate::components::{
    error_view::ErrorView,
    form::{FieldErrors, rule_errors},
    loading::Loading,
    profile_fields::label,
};
use crate::state::use_app_config;
use leptos::prelude::*;
use pocket_shared::{ErrorCode, SignUpRequest, user::rules};

/// Checks the form with the API's own rules before sending.
pub fn validate(request: &SignUpRequest, require_email: bool) -> FieldErrors {
    let fields = rules::ProfileFields {
        username: &request.username,
        email: request.email.as_deref(),
        first_name: &request.first_name,
        last_name: &request.last_name,
        display_name: None,
    };
    rule_errors(rules::profile_errors(&fields, require_email), label)
}

/// Trims the inputs; an empty email is sent as absent.
pub fn build_request(username: &str, email: &str, first: &str, last: &str) -> SignUpRequest {
    let email = email.trim();
    SignUpRequest {
        username: username.trim().to_owned(),
        email: (!email.is_empty()).then(|| email.to_owned()),
        first_name: first.trim().to_owned(),
        last_name: last.trim().to_owned(),
        token: None,
    }
}

/// Loads the configuration and whether setup is still possible, then shows the form or says
/// that setup is done.
#[component]
pub fn SetupPage() -> impl IntoView {
    let config = use_app_config();
    let availability = LocalResource::new(api::signup::setup_available);
    let retry = Callback::new(move |()| {
        config.refetch();
        availability.refetch();
    });
    view! {
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                let available = availability.await;
                match (config.resource().await, available) {
                    (Ok(public), Ok(true)) => {
                        view! {
                            <SetupForm
                                app_name=public.app_name
                                require_email=public.require_user_email
                            />
                        }
                            .into_any()
                    }
                    (Ok(_), Ok(false)) => view! { <SetupDone /> }.into_any(),
                    (Err(error), _) | (_, Err(error)) => {
                        view! { <ErrorView error on_retry=retry /> }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// Shown once an administrator exists.
#[component]
fn SetupDone() -> impl IntoView {
    view! {
        <section class="card card--narrow" data-testid="setup-done">
            <h1>"Setup is already complete"</h1>
            <p class="lead">
                "An administrator account exists. Sign in with your passkey, or ask an administrator for a login code."
            </p>
            <a class="button button--primary" href="/login" data-testid="setup-done-login">
                "Go to sign-in"
            </a>
        </section>
    }
}

/// The first-administrator form.
#[component]
fn SetupForm(app_name: String, require_email: bool) -> impl IntoView {
    let done = RwSignal::new(false);
    let app_name = StoredValue::new(app_name);
    view! {
        <Show when=move || !done.get() fallback=|| view! { <SetupDone /> }>
            <NewAccountForm
                testid="setup"
                heading=format!("Set up {}", app_name.get_value())
                lead="Create the first administrator account. Next, you add a passkey to sign in with."
                require_email
                create=|request: SignUpRequest| async move {
                    api::signup::create_first_admin(&request).await
                }
                failure=move |error: &ClientError| {
                    if error.code() == Some(ErrorCode::SetupAlreadyCompleted) {
                        done.set(true);
                        None
                    } else {
                        Some(error.user_message())
                    }
                }
            />
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_trimmed_and_blank_email_is_absent() {
        let r = build_request(" admin ", "  ", " Ada ", "");
        assert_eq!(r.username, "admin");
        assert_eq!(r.email, None);
        assert_eq!(r.first_name, "Ada");
    }

    #[test]
    fn validation_uses_the_shared_rules() {
        let ok = build_request("admin", "ada@example.com", "Ada", "Lovelace");
        assert!(validate(&ok, true).is_empty());

        let bad = build_request(".admin", "nope", "", "");
        let errors = validate(&bad, true);
        assert!(errors["username"].starts_with("Username may contain"));
        assert_eq!(errors["email"], "Email must be a valid email address");
        assert_eq!(errors["firstName"], "First name is required");
        assert!(!errors.contains_key("lastName"));
    }

    #[test]
    fn email_is_required_only_when_configured() {
        let no_email = build_request("admin", "", "Ada", "");
        assert_eq!(validate(&no_email, true)["email"], "Email is required");
        assert!(validate(&no_email, false).is_empty());
    }
}
