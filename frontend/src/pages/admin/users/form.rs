//! The user fields administrators edit (create dialog and user page): names, username, email,
//! locale and the admin, disabled and email-verified flags; checked with
//! `pocket_shared::user::rules` before sending, API field errors shown under the fields.

use crate::api::ClientError;
use crate::components::form::{CheckboxField, FieldErrors, api_field_errors, rule_errors};
use crate::components::profile_fields::{ProfileFields, ProfileValues, label};
use leptos::prelude::*;
use pocket_shared::UserDto;
use pocket_shared::user::{AdminUserUpdateRequest, UserCreateRequest, rules};

/// The 25 locales Pocket ID's UI offers (code, name).
pub const LOCALES: [(&str, &str); 25] = [
    ("ca", "Català"),
    ("cs", "Čeština"),
    ("da", "Dansk"),
    ("de", "Deutsch"),
    ("en", "English"),
    ("es", "Español"),
    ("et", "Eesti"),
    ("fi", "Suomi"),
    ("fr", "Français"),
    ("it", "Italiano"),
    ("ja", "日本語"),
    ("ko", "한국어"),
    ("lv", "Latviešu"),
    ("nl", "Nederlands"),
    ("no", "Norsk"),
    ("pl", "Polski"),
    ("pt", "Português"),
    ("pt-BR", "Português (Brasil)"),
    ("ru", "Русский"),
    ("sv", "Svenska"),
    ("tr", "Türkçe"),
    ("uk", "Українська"),
    ("vi", "Tiếng Việt"),
    ("zh-CN", "简体中文"),
    ("zh-TW", "繁體中文"),
];

/// The form's state, one signal per field.
#[derive(Debug, Clone, Copy)]
pub struct UserForm {
    pub profile: ProfileValues,
    pub locale: RwSignal<String>,
    pub is_admin: RwSignal<bool>,
    pub disabled: RwSignal<bool>,
    pub email_verified: RwSignal<bool>,
    pub errors: RwSignal<FieldErrors>,
}

impl UserForm {
    /// An empty form (create).
    pub fn empty() -> Self {
        Self {
            profile: ProfileValues::new(true),
            locale: RwSignal::new(String::new()),
            is_admin: RwSignal::new(false),
            disabled: RwSignal::new(false),
            email_verified: RwSignal::new(false),
            errors: RwSignal::new(FieldErrors::new()),
        }
    }

    /// A form holding `user`'s values (edit).
    pub fn of(user: &UserDto) -> Self {
        let form = Self::empty();
        form.load(user);
        form
    }

    /// Puts `user`'s values into the fields (after a save).
    pub fn load(&self, user: &UserDto) {
        self.profile.load(user);
        self.locale.set(user.locale.clone().unwrap_or_default());
        self.is_admin.set(user.is_admin);
        self.disabled.set(user.disabled);
        self.email_verified.set(user.email_verified);
    }

    /// The update body (normalized as the API stores it).
    pub fn request(&self) -> AdminUserUpdateRequest {
        let profile = &self.profile;
        AdminUserUpdateRequest {
            username: profile.username.get_untracked(),
            email: Some(profile.email.get_untracked()),
            email_verified: Some(self.email_verified.get_untracked()),
            first_name: profile.first_name.get_untracked(),
            last_name: profile.last_name.get_untracked(),
            display_name: profile.display_name(),
            is_admin: self.is_admin.get_untracked(),
            locale: Some(self.locale.get_untracked()),
            disabled: self.disabled.get_untracked(),
        }
        .normalized()
    }

    /// Checks `request` with the API's rules; shows and returns whether it passed.
    pub fn check(&self, request: &UserCreateRequest, require_email: bool) -> bool {
        let found = validate(request, require_email);
        let ok = found.is_empty();
        self.errors.set(found);
        ok
    }

    /// Shows an API failure under the fields it names; `false` when it names none (the
    /// caller shows it for the whole form).
    pub fn show_api_error(&self, error: &ClientError) -> bool {
        let found = api_field_errors(error, label);
        let any = !found.is_empty();
        if any {
            self.errors.set(found);
        }
        any
    }
}

/// The rules of the API for an admin's user body.
pub fn validate(request: &UserCreateRequest, require_email: bool) -> FieldErrors {
    rule_errors(rules::admin_user_errors(request, require_email), label)
}

/// The create dialog's id prefix (`user-create-*`).
pub const CREATE_IDS: &str = "user-create";

/// The user page's id prefix (`user-edit-*`).
pub const EDIT_IDS: &str = "user-edit";

/// The fields, with the element ids `{ids}-…`.
#[component]
pub fn UserFields(
    form: UserForm,
    /// [`CREATE_IDS`] or [`EDIT_IDS`].
    ids: &'static str,
    /// Whether an email is required (app config `requireUserEmail`).
    require_email: bool,
    /// Hides the flags (`disabled` makes no sense when creating).
    #[prop(default = true)]
    show_disabled: bool,
) -> impl IntoView {
    let locale_id = format!("{ids}-locale");
    view! {
        <ProfileFields prefix=ids values=form.profile errors=form.errors require_email />
        <div class="field">
            <label class="field__label" for=locale_id.clone()>
                "Locale"
                <span class="field__optional">" (optional)"</span>
            </label>
            <select
                class="field__input"
                id=locale_id.clone()
                data-testid=locale_id
                on:change=move |ev| form.locale.set(event_target_value(&ev))
            >
                <option value="" selected=move || form.locale.with(String::is_empty)>
                    "Browser default"
                </option>
                {LOCALES
                    .iter()
                    .map(|(code, name)| {
                        let code = *code;
                        view! {
                            <option value=code selected=move || form.locale.with(|l| l == code)>
                                {*name}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </div>
        <div class="form__full user-flags">
            <CheckboxField
                id=format!("{ids}-is-admin")
                label="Administrator"
                description="May manage users, groups, clients and the configuration."
                checked=form.is_admin
            />
            <CheckboxField
                id=format!("{ids}-email-verified")
                label="Email verified"
                description="The address is known to belong to the user."
                checked=form.email_verified
            />
            {show_disabled
                .then(|| {
                    view! {
                        <CheckboxField
                            id=format!("{ids}-disabled")
                            label="Disabled"
                            description="A disabled user cannot sign in, and their sessions and API keys stop working."
                            checked=form.disabled
                        />
                    }
                })}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn create(username: &str, email: &str, first: &str) -> UserCreateRequest {
        UserCreateRequest {
            id: None,
            user: AdminUserUpdateRequest {
                username: username.into(),
                email: Some(email.into()),
                first_name: first.into(),
                ..Default::default()
            }
            .normalized(),
            user_group_ids: None,
        }
    }

    #[test]
    fn the_api_rules_are_applied_with_labels() {
        let errors = validate(&create(".bad", "", ""), true);
        assert_eq!(errors["email"], "Email is required");
        assert_eq!(errors["firstName"], "First name is required");
        assert!(errors["username"].starts_with("Username may contain"));
        assert!(validate(&create("ada", "", "Ada"), false).is_empty());
        assert!(validate(&create("ada", "ada@example.com", "Ada"), true).is_empty());
    }

    #[test]
    fn every_locale_is_offered_once() {
        let mut codes: Vec<&str> = LOCALES.iter().map(|(c, _)| *c).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), 25);
    }
}
