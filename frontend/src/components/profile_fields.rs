//! The profile fields of a user (first, last and display name, username, email), shared by
//! the account page, the administrator's user forms, first-administrator setup and signup.
//! Each form names its fields `{prefix}-first-name`, `{prefix}-username`, ….

use crate::components::form::{FieldErrors, TextField};
use leptos::prelude::*;
use pocket_shared::UserDto;

/// The label of each request field, for messages.
pub fn label(field: &str) -> String {
    match field {
        "id" => "ID",
        "username" => "Username",
        "email" => "Email",
        "firstName" => "First name",
        "lastName" => "Last name",
        "displayName" => "Display name",
        "locale" => "Locale",
        other => other,
    }
    .to_owned()
}

/// One signal per field; `display_name` only where the form has one.
#[derive(Debug, Clone, Copy)]
pub struct ProfileValues {
    pub first_name: RwSignal<String>,
    pub last_name: RwSignal<String>,
    pub display_name: Option<RwSignal<String>>,
    pub username: RwSignal<String>,
    pub email: RwSignal<String>,
}

impl ProfileValues {
    /// Empty fields.
    pub fn new(with_display_name: bool) -> Self {
        Self {
            first_name: RwSignal::new(String::new()),
            last_name: RwSignal::new(String::new()),
            display_name: with_display_name.then(|| RwSignal::new(String::new())),
            username: RwSignal::new(String::new()),
            email: RwSignal::new(String::new()),
        }
    }

    /// Fields (with a display name) holding `user`'s values.
    pub fn of(user: &UserDto) -> Self {
        let values = Self::new(true);
        values.load(user);
        values
    }

    /// Puts `user`'s values into the fields (after a save).
    pub fn load(&self, user: &UserDto) {
        self.first_name.set(user.first_name.clone());
        self.last_name.set(user.last_name.clone());
        if let Some(display_name) = self.display_name {
            display_name.set(user.display_name.clone());
        }
        self.username.set(user.username.clone());
        self.email.set(user.email.clone().unwrap_or_default());
    }

    /// The display name typed (empty without the field).
    pub fn display_name(&self) -> String {
        self.display_name
            .map(|d| d.get_untracked())
            .unwrap_or_default()
    }
}

/// The fields, with their error lines from `errors` (keyed by the JSON field names).
#[component]
pub fn ProfileFields(
    /// Prefix of the element ids (and test ids).
    prefix: &'static str,
    values: ProfileValues,
    errors: RwSignal<FieldErrors>,
    /// Whether an email is required (app config `requireUserEmail`).
    require_email: bool,
    /// Lets the browser fill the fields in (the user's own details).
    #[prop(optional)]
    autofill: bool,
    /// Read-only (own-account editing turned off).
    #[prop(into, default = Signal::from(false))]
    readonly: Signal<bool>,
) -> impl IntoView {
    let error =
        move |field: &'static str| Signal::derive(move || errors.with(|e| e.get(field).cloned()));
    let auto = move |hint: &'static str| if autofill { hint } else { "off" };
    view! {
        <TextField
            id=format!("{prefix}-first-name")
            label="First name"
            value=values.first_name
            error=error("firstName")
            autocomplete=auto("given-name")
            readonly
        />
        <TextField
            id=format!("{prefix}-last-name")
            label="Last name"
            value=values.last_name
            error=error("lastName")
            autocomplete=auto("family-name")
            optional=true
            readonly
        />
        {values
            .display_name
            .map(|display_name| {
                view! {
                    <TextField
                        id=format!("{prefix}-display-name")
                        label="Display name"
                        value=display_name
                        error=error("displayName")
                        autocomplete=auto("nickname")
                        optional=true
                        readonly
                    />
                }
            })}
        <TextField
            id=format!("{prefix}-username")
            label="Username"
            value=values.username
            error=error("username")
            autocomplete=auto("username")
            readonly
        />
        <TextField
            id=format!("{prefix}-email")
            label="Email"
            value=values.email
            error=error("email")
            input_type="email"
            autocomplete=auto("email")
            optional=!require_email
            readonly
        />
    }
}
