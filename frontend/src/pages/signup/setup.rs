//! `/signup/setup` (alias `/setup`): creates the first administrator while no user exists, then
//! continues to `/signup/add-passkey`.

use crate::api::{self, ClientError};
use crate::components::{
    error_view::ErrorView,
    form::{Alert, FieldErrors, TextField, Tone, api_field_errors, rule_errors},
    loading::Loading,
};
use crate::routes::navigation::use_app_navigate;
use crate::state::{use_app_config, use_session};
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use pocket_shared::{ErrorCode, SignUpRequest, user::rules};

/// The label of each request field, for messages.
fn label(field: &str) -> String {
    match field {
        "username" => "Username",
        "email" => "Email",
        "firstName" => "First name",
        "lastName" => "Last name",
        other => other,
    }
    .to_owned()
}

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
    let session = use_session();
    let navigate = use_app_navigate();
    let username = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let first_name = RwSignal::new(String::new());
    let last_name = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::new());
    let form_error = RwSignal::new(None::<String>);
    let done = RwSignal::new(false);

    let create = Action::new_local(|request: &SignUpRequest| {
        let request = request.clone();
        async move { api::signup::create_first_admin(&request).await }
    });
    Effect::new(move || match create.value().get() {
        Some(Ok(user)) => {
            // Navigate before recording the session: the guard would otherwise send the new
            // admin from this guest-only page to /settings.
            navigate.go("/signup/add-passkey", NavigateOptions::default());
            session.set_signed_in(user);
        }
        Some(Err(e)) => show_error(&e, errors, form_error, done),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = build_request(
            &username.get_untracked(),
            &email.get_untracked(),
            &first_name.get_untracked(),
            &last_name.get_untracked(),
        );
        let found = validate(&request, require_email);
        form_error.set(None);
        if found.is_empty() {
            errors.set(FieldErrors::new());
            create.dispatch(request);
        } else {
            errors.set(found);
        }
    };
    let error_for =
        move |field: &'static str| Signal::derive(move || errors.with(|e| e.get(field).cloned()));
    let pending = create.pending();

    view! {
        <Show
            when=move || !done.get()
            fallback=|| view! { <SetupDone /> }
        >
            <section class="card card--narrow" aria-labelledby="setup-title">
                <h1 id="setup-title" data-testid="setup-title">
                    "Set up " {app_name.clone()}
                </h1>
                <p class="lead">
                    "Create the first administrator account. Next, you add a passkey to sign in with."
                </p>
                <form class="form" novalidate on:submit=submit>
                    <TextField
                        id="setup-first-name"
                        label="First name"
                        value=first_name
                        error=error_for("firstName")
                        autocomplete="given-name"
                    />
                    <TextField
                        id="setup-last-name"
                        label="Last name"
                        value=last_name
                        error=error_for("lastName")
                        autocomplete="family-name"
                        optional=true
                    />
                    <TextField
                        id="setup-username"
                        label="Username"
                        value=username
                        error=error_for("username")
                        autocomplete="username"
                    />
                    <TextField
                        id="setup-email"
                        label="Email"
                        value=email
                        error=error_for("email")
                        input_type="email"
                        autocomplete="email"
                        optional=!require_email
                    />
                    {move || {
                        form_error
                            .get()
                            .map(|message| {
                                view! {
                                    <Alert tone=Tone::Error testid="setup-error">
                                        {message}
                                    </Alert>
                                }
                            })
                    }}
                    <button
                        type="submit"
                        class="button button--primary button--block"
                        data-testid="setup-submit"
                        disabled=move || pending.get()
                    >
                        {move || if pending.get() { "Creating…" } else { "Create account" }}
                    </button>
                </form>
            </section>
        </Show>
    }
}

/// Routes an API failure to the fields it names, the "already done" state, or the form.
fn show_error(
    error: &ClientError,
    errors: RwSignal<FieldErrors>,
    form_error: RwSignal<Option<String>>,
    done: RwSignal<bool>,
) {
    if error.code() == Some(ErrorCode::SetupAlreadyCompleted) {
        done.set(true);
        return;
    }
    let fields = api_field_errors(error, label);
    if fields.is_empty() {
        form_error.set(Some(error.user_message()));
    } else {
        errors.set(fields);
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
