//! The profile card: username, email, names; saved with `PUT /api/users/me`. Read-only when the
//! administrator turned own-account editing off.

use crate::api::{self, ClientError};
use crate::components::form::{Alert, FieldErrors, TextField, Tone, api_field_errors, rule_errors};
use crate::state::use_session;
use leptos::prelude::*;
use pocket_shared::{UserDto, UserUpdateRequest, user::rules};

/// The label of each request field, for messages.
fn label(field: &str) -> String {
    match field {
        "username" => "Username",
        "email" => "Email",
        "firstName" => "First name",
        "lastName" => "Last name",
        "displayName" => "Display name",
        other => other,
    }
    .to_owned()
}

/// The form's values as the request (trimmed; a blank email is absent; locale unchanged).
pub fn build_request(values: [&str; 5], locale: Option<String>) -> UserUpdateRequest {
    let [username, email, first, last, display] = values.map(str::trim);
    UserUpdateRequest {
        username: username.to_owned(),
        email: (!email.is_empty()).then(|| email.to_owned()),
        first_name: first.to_owned(),
        last_name: last.to_owned(),
        display_name: display.to_owned(),
        locale,
    }
}

/// Checks the form with the API's own rules before sending.
pub fn validate(request: &UserUpdateRequest, require_email: bool) -> FieldErrors {
    let fields = rules::ProfileFields {
        username: &request.username,
        email: request.email.as_deref(),
        first_name: &request.first_name,
        last_name: &request.last_name,
        display_name: Some(&request.display_name),
    };
    rule_errors(rules::profile_errors(&fields, require_email), label)
}

/// The profile form.
#[component]
pub fn ProfileCard(user: UserDto, editable: bool, require_email: bool) -> impl IntoView {
    let session = use_session();
    let username = RwSignal::new(user.username.clone());
    let email = RwSignal::new(user.email.clone().unwrap_or_default());
    let first_name = RwSignal::new(user.first_name.clone());
    let last_name = RwSignal::new(user.last_name.clone());
    let display_name = RwSignal::new(user.display_name.clone());
    let locale = user.locale.clone();
    let errors = RwSignal::new(FieldErrors::new());
    let form_error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);

    let save = Action::new_local(|request: &UserUpdateRequest| {
        let request = request.clone();
        async move { api::users::update_me(&request).await }
    });
    Effect::new(move || match save.value().get() {
        Some(Ok(updated)) => {
            username.set(updated.username.clone());
            email.set(updated.email.clone().unwrap_or_default());
            first_name.set(updated.first_name.clone());
            last_name.set(updated.last_name.clone());
            display_name.set(updated.display_name.clone());
            saved.set(true);
            session.set_signed_in(updated);
            // Generated avatars show the initials, which may have changed.
            session.picture_changed();
        }
        Some(Err(e)) => show_error(&e, errors, form_error, session),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = build_request(
            [
                &username.get_untracked(),
                &email.get_untracked(),
                &first_name.get_untracked(),
                &last_name.get_untracked(),
                &display_name.get_untracked(),
            ],
            locale.clone(),
        );
        let found = validate(&request, require_email);
        saved.set(false);
        form_error.set(None);
        if found.is_empty() {
            errors.set(FieldErrors::new());
            save.dispatch(request);
        } else {
            errors.set(found);
        }
    };
    let error_for =
        move |field: &'static str| Signal::derive(move || errors.with(|e| e.get(field).cloned()));
    let pending = save.pending();
    let readonly = !editable;

    view! {
        <section class="card" aria-labelledby="profile-title" data-testid="profile-card">
            <h2 id="profile-title" class="card__title">
                "Account details"
            </h2>
            {readonly
                .then(|| {
                    view! {
                        <p class="hint" data-testid="account-edit-disabled">
                            "Your administrator manages these details; they cannot be changed here."
                        </p>
                    }
                })}
            <form class="form form--grid" novalidate on:submit=submit>
                <TextField
                    id="account-first-name"
                    label="First name"
                    value=first_name
                    error=error_for("firstName")
                    autocomplete="given-name"
                    readonly=readonly
                />
                <TextField
                    id="account-last-name"
                    label="Last name"
                    value=last_name
                    error=error_for("lastName")
                    autocomplete="family-name"
                    optional=true
                    readonly=readonly
                />
                <TextField
                    id="account-display-name"
                    label="Display name"
                    value=display_name
                    error=error_for("displayName")
                    autocomplete="nickname"
                    optional=true
                    readonly=readonly
                />
                <TextField
                    id="account-username"
                    label="Username"
                    value=username
                    error=error_for("username")
                    autocomplete="username"
                    readonly=readonly
                />
                <TextField
                    id="account-email"
                    label="Email"
                    value=email
                    error=error_for("email")
                    input_type="email"
                    autocomplete="email"
                    optional=!require_email
                    readonly=readonly
                />
                {move || {
                    form_error
                        .get()
                        .map(|message| {
                            view! {
                                <Alert tone=Tone::Error testid="account-form-error">
                                    {message}
                                </Alert>
                            }
                        })
                }}
                <Show when=move || saved.get()>
                    <Alert tone=Tone::Success testid="account-saved">
                        "Your details were saved."
                    </Alert>
                </Show>
                {editable
                    .then(|| {
                        view! {
                            <div class="actions form__full">
                                <button
                                    type="submit"
                                    class="button button--primary"
                                    data-testid="account-save"
                                    disabled=move || pending.get()
                                >
                                    {move || if pending.get() { "Saving…" } else { "Save" }}
                                </button>
                            </div>
                        }
                    })}
            </form>
        </section>
    }
}

/// Routes an API failure to the fields it names or to the form.
fn show_error(
    error: &ClientError,
    errors: RwSignal<FieldErrors>,
    form_error: RwSignal<Option<String>>,
    session: crate::state::Session,
) {
    session.check_error(error);
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
    fn request_keeps_locale_and_drops_blank_email() {
        let r = build_request(["ada", " ", "Ada", "", "Ada L."], Some("de".into()));
        assert_eq!(r.email, None);
        assert_eq!(r.locale.as_deref(), Some("de"));
        assert_eq!(r.display_name, "Ada L.");
    }

    #[test]
    fn validation_covers_every_field() {
        let r = build_request(["", "x", "", &"l".repeat(51), &"d".repeat(101)], None);
        let errors = validate(&r, true);
        for field in ["username", "email", "firstName", "lastName", "displayName"] {
            assert!(errors.contains_key(field), "{field}");
        }
        let ok = build_request(["ada", "", "Ada", "", ""], None);
        assert!(validate(&ok, false).is_empty());
        assert_eq!(validate(&ok, true)["email"], "Email is required");
    }
}
