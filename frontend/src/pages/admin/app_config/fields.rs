//! The configuration form's state (the saved values and the edits, by key) and its field
//! components: text, number, password, toggle and select, each bound to one key.

use crate::components::form::{FieldErrors, field_message};
use leptos::prelude::*;
use pocket_shared::app_config::{config_key, normalize_value, validate_value};
use std::collections::BTreeMap;

/// A key's label in messages ("Application name must be 1 to 30 characters").
pub fn key_label(key: &str) -> String {
    match key {
        "appName" => "Application name",
        "sessionDuration" => "Session duration",
        "homePageUrl" => "Home page URL",
        "accentColor" => "Accent colour",
        "smtpHost" => "SMTP host",
        "smtpPort" => "SMTP port",
        "smtpFrom" => "SMTP from address",
        "smtpUser" => "SMTP user",
        "smtpPassword" => "SMTP password",
        "smtpTls" => "SMTP TLS",
        "allowUserSignups" => "Signups",
        "signupDefaultUserGroupIDs" => "Default groups",
        "signupDefaultCustomClaims" => "Default custom claims",
        "cimdUrlAllowlist" => "Allowed metadata document URLs",
        "ldapUrl" => "LDAP URL",
        "webauthnUserVerification" => "User verification",
        "webauthnAuthenticatorAttachment" => "Authenticator attachment",
        other => other,
    }
    .to_owned()
}

/// Checks `keys` of `values` with the API's rules (empty values reset to the default and pass).
pub fn validate_keys(values: &BTreeMap<String, String>, keys: &[&str]) -> FieldErrors {
    let mut errors = FieldErrors::new();
    for key in keys {
        let Some(spec) = config_key(key) else {
            continue;
        };
        let value = normalize_value(spec, values.get(*key).map_or("", String::as_str).trim());
        if value.is_empty() {
            continue;
        }
        if let Err(violation) = validate_value(spec, &value) {
            errors.insert(
                (*key).to_owned(),
                field_message(&key_label(key), violation.message),
            );
        }
    }
    errors
}

/// What a section's save sends: the saved configuration with this section's edits (other
/// sections' unsaved edits stay unsaved), values trimmed.
pub fn section_request(
    saved: &BTreeMap<String, String>,
    draft: &BTreeMap<String, String>,
    keys: &[&str],
) -> BTreeMap<String, String> {
    let mut request = saved.clone();
    for key in keys {
        if let Some(value) = draft.get(*key) {
            request.insert((*key).to_owned(), value.trim().to_owned());
        }
    }
    request
}

/// The form's state; `Copy`, shared by every section.
#[derive(Clone, Copy)]
pub struct ConfigForm {
    /// The configuration as the server last answered.
    pub saved: RwSignal<BTreeMap<String, String>>,
    /// The values shown (saved values plus edits).
    pub draft: RwSignal<BTreeMap<String, String>>,
    /// Errors by key.
    pub errors: RwSignal<FieldErrors>,
    /// The environment is the source: nothing can be changed.
    pub readonly: bool,
}

impl ConfigForm {
    /// The state for the loaded values.
    pub fn new(values: BTreeMap<String, String>, readonly: bool) -> Self {
        Self {
            saved: RwSignal::new(values.clone()),
            draft: RwSignal::new(values),
            errors: RwSignal::new(FieldErrors::new()),
            readonly,
        }
    }

    /// A key's current value. Reactive.
    pub fn get(&self, key: &str) -> String {
        self.draft.with(|d| d.get(key).cloned().unwrap_or_default())
    }

    /// Changes a key's value.
    pub fn set(&self, key: &str, value: String) {
        self.draft.update(|d| {
            d.insert(key.to_owned(), value);
        });
    }

    /// A key's error. Reactive.
    pub fn error(&self, key: &'static str) -> Signal<Option<String>> {
        let errors = self.errors;
        Signal::derive(move || errors.with(|e| e.get(key).cloned()))
    }
}

/// A text-like input bound to `key` (`input_type` text, number, url, email or password).
#[component]
pub fn ConfigInput(
    form: ConfigForm,
    key: &'static str,
    label: &'static str,
    #[prop(optional)] hint: &'static str,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] placeholder: &'static str,
) -> impl IntoView {
    let id = format!("config-{key}");
    let error = form.error(key);
    view! {
        <div class="field" class:field--invalid=move || error.with(Option::is_some)>
            <label class="field__label" for=id.clone()>
                {label}
            </label>
            <input
                class="field__input"
                id=id.clone()
                data-testid=id.clone()
                type=input_type
                placeholder=placeholder
                autocomplete=if input_type == "password" { "new-password" } else { "off" }
                readonly=form.readonly
                prop:value=move || form.get(key)
                on:input=move |ev| form.set(key, event_target_value(&ev))
            />
            {(!hint.is_empty()).then(|| view! { <p class="field__hint">{hint}</p> })}
            {move || {
                error
                    .get()
                    .map(|m| {
                        view! {
                            <p class="field__error" data-testid=format!("config-{key}-error")>
                                {m}
                            </p>
                        }
                    })
            }}
        </div>
    }
}

/// A checkbox bound to a boolean key.
#[component]
pub fn ConfigToggle(
    form: ConfigForm,
    key: &'static str,
    label: &'static str,
    #[prop(optional)] description: &'static str,
) -> impl IntoView {
    let id = format!("config-{key}");
    view! {
        <div class="check-field">
            <input
                class="check-field__input"
                type="checkbox"
                id=id.clone()
                data-testid=id.clone()
                disabled=form.readonly
                prop:checked=move || form.get(key) == "true"
                on:change=move |ev| {
                    form.set(key, event_target_checked(&ev).to_string());
                }
            />
            <label class="check-field__label" for=id>
                <span class="check-field__title">{label}</span>
                {(!description.is_empty())
                    .then(|| view! { <span class="check-field__text">{description}</span> })}
            </label>
        </div>
    }
}

/// A select bound to `key`: `(value, text)` options.
#[component]
pub fn ConfigSelect(
    form: ConfigForm,
    key: &'static str,
    label: &'static str,
    options: &'static [(&'static str, &'static str)],
    #[prop(optional)] hint: &'static str,
) -> impl IntoView {
    let id = format!("config-{key}");
    let error = form.error(key);
    view! {
        <div class="field" class:field--invalid=move || error.with(Option::is_some)>
            <label class="field__label" for=id.clone()>
                {label}
            </label>
            <select
                class="field__input"
                id=id.clone()
                data-testid=id
                disabled=form.readonly
                on:change=move |ev| form.set(key, event_target_value(&ev))
            >
                {options
                    .iter()
                    .map(|(value, text)| {
                        let value = *value;
                        view! {
                            <option value=value selected=move || form.get(key) == value>
                                {*text}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            {(!hint.is_empty()).then(|| view! { <p class="field__hint">{hint}</p> })}
            {move || error.get().map(|m| view! { <p class="field__error">{m}</p> })}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn sections_send_only_their_own_edits() {
        let saved = map(&[("appName", "Old"), ("smtpHost", "mail.old")]);
        let draft = map(&[("appName", " New "), ("smtpHost", "mail.unsaved")]);
        let request = section_request(&saved, &draft, &["appName"]);
        assert_eq!(
            request,
            map(&[("appName", "New"), ("smtpHost", "mail.old")])
        );
    }

    #[test]
    fn values_are_checked_with_the_api_rules() {
        let draft = map(&[
            ("appName", &"x".repeat(31)),
            ("sessionDuration", "0"),
            ("accentColor", "not a colour("),
            ("smtpPort", ""),
            ("homePageUrl", "javascript:alert(1)"),
        ]);
        let errors = validate_keys(
            &draft,
            &[
                "appName",
                "sessionDuration",
                "accentColor",
                "smtpPort",
                "homePageUrl",
            ],
        );
        assert_eq!(
            errors["appName"],
            "Application name must be 1 to 30 characters"
        );
        assert!(errors.contains_key("sessionDuration"));
        assert!(errors.contains_key("accentColor"));
        assert!(errors.contains_key("homePageUrl"));
        assert!(!errors.contains_key("smtpPort"));
    }
}
