//! The profile card: username, email, names; saved with `PUT /api/users/me`. Read-only when the
//! administrator turned own-account editing off.

use crate::api;
use crate::components::{
    card::Card,
    form::{FieldErrors, FormError, FormErrors, PendingButton, SavedAlert, rule_errors},
    profile_fields::{ProfileFields, ProfileValues, label},
};
use crate::state::use_session;
use leptos::prelude::*;
use pocket_shared::{UserDto, UserUpdateRequest, user::rules};

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
    let values = ProfileValues::of(&user);
    let locale = user.locale.clone();
    let errors = FormErrors::new();
    let saved = RwSignal::new(false);

    let save = Action::new_local(|request: &UserUpdateRequest| {
        let request = request.clone();
        async move { api::users::update_me(&request).await }
    });
    errors.settle(save, label, move |updated: UserDto| {
        values.load(&updated);
        saved.set(true);
        session.set_signed_in(updated);
        // Generated avatars show the initials, which may have changed.
        session.picture_changed();
    });
    let submit = errors.submit(save, move || {
        let request = build_request(
            [
                &values.username.get_untracked(),
                &values.email.get_untracked(),
                &values.first_name.get_untracked(),
                &values.last_name.get_untracked(),
                &values.display_name(),
            ],
            locale.clone(),
        );
        saved.set(false);
        let found = validate(&request, require_email);
        (request, found)
    });
    let pending = save.pending();
    let readonly = !editable;

    view! {
        <Card title="Account details" testid="profile-card" title_id="profile-title">
            {readonly
                .then(|| {
                    view! {
                        <p class="hint" data-testid="account-edit-disabled">
                            "Your administrator manages these details; they cannot be changed here."
                        </p>
                    }
                })}
            <form class="form form--grid" novalidate on:submit=submit>
                <ProfileFields
                    prefix="account"
                    values
                    errors=errors.fields
                    require_email
                    autofill=true
                    readonly
                />
                <FormError error=errors.form testid="account-form-error" />
                <SavedAlert when=saved testid="account-saved" text="Your details were saved." />
                {editable
                    .then(|| {
                        view! {
                            <div class="actions form__full">
                                <PendingButton
                                    testid="account-save"
                                    label="Save"
                                    busy="Saving…"
                                    pending
                                />
                            </div>
                        }
                    })}
            </form>
        </Card>
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
