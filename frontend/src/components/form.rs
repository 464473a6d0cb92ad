//! Form building blocks: a labelled text field with its error line, a checkbox field, inline
//! alerts (the form's error line, the "saved" notice), the buttons (plain, busy while pending,
//! a dialog's cancel + submit pair), and the per-field error map that joins our own checks
//! (`pocket_shared::user::rules`) with the API's `details.fields` ([`FormErrors`]).

use crate::api::ClientError;
use crate::components::action::on_settled;
use leptos::{ev::SubmitEvent, prelude::*};
use pocket_shared::ErrorCode;
use std::collections::BTreeMap;

/// Error messages by field, keyed by the field's JSON (camelCase) name.
pub type FieldErrors = BTreeMap<String, String>;

/// "Username must be 1 to 50 characters": a rule's message prefixed with the field's label.
pub fn field_message(label: &str, message: &str) -> String {
    format!("{label} {message}")
}

/// Field errors from the shared rules (`pocket_shared::user::rules`), worded with `label`.
pub fn rule_errors(
    fields: Vec<pocket_shared::FieldError>,
    label: impl Fn(&str) -> String,
) -> FieldErrors {
    fields
        .into_iter()
        .map(|f| (f.field.clone(), field_message(&label(&f.field), &f.message)))
        .collect()
}

/// The field errors an API failure carries: `details.fields` (400 `validation_failed`) and
/// `details.property` (409 `already_in_use`). `label` names a field for the messages.
pub fn api_field_errors(error: &ClientError, label: impl Fn(&str) -> String) -> FieldErrors {
    let mut errors: FieldErrors = error
        .field_errors()
        .iter()
        .map(|f| (f.field.clone(), field_message(&label(&f.field), &f.message)))
        .collect();
    if error.code() == Some(ErrorCode::AlreadyInUse)
        && let Some(property) = error.detail("property")
    {
        errors.insert(
            property.to_owned(),
            field_message(&label(property), "is already in use"),
        );
    }
    errors
}

/// One line for a failure: its first field error (labelled by `label`), else its message.
pub fn first_field_error(error: &ClientError, label: impl Fn(&str) -> String) -> String {
    error
        .field_errors()
        .first()
        .map(|f| field_message(&label(&f.field), &f.message))
        .unwrap_or_else(|| error.user_message())
}

/// A form's errors: one message per field and one for the whole form.
#[derive(Debug, Clone, Copy)]
pub struct FormErrors {
    /// By field (JSON name).
    pub fields: RwSignal<FieldErrors>,
    /// For the whole form (shown by [`FormError`]).
    pub form: RwSignal<Option<String>>,
}

impl Default for FormErrors {
    fn default() -> Self {
        Self::new()
    }
}

impl FormErrors {
    /// No errors.
    pub fn new() -> Self {
        Self {
            fields: RwSignal::new(FieldErrors::new()),
            form: RwSignal::new(None),
        }
    }

    /// The error of one field, for a [`TextField`].
    pub fn field(self, name: &'static str) -> Signal<Option<String>> {
        Signal::derive(move || self.fields.with(|e| e.get(name).cloned()))
    }

    /// Shows what our own checks `found` (clearing the form's line); whether they passed.
    pub fn check(self, found: FieldErrors) -> bool {
        self.form.set(None);
        let ok = found.is_empty();
        self.fields.set(found);
        ok
    }

    /// Shows a failure under the `fields` it names, or else `message` for the whole form.
    pub fn show(self, fields: FieldErrors, message: impl FnOnce() -> String) {
        if fields.is_empty() {
            self.form.set(Some(message()));
        } else {
            self.fields.set(fields);
        }
    }

    /// Shows an API failure under the fields it names (labelled by `label`), or for the form.
    pub fn show_api(self, error: &ClientError, label: impl Fn(&str) -> String) {
        self.show(api_field_errors(error, label), || error.user_message());
    }

    /// Runs `on_ok` with each success of the form's `action`, and shows each failure under the
    /// fields it names (labelled by `label`) or for the form.
    pub fn settle<I, T>(
        self,
        action: Action<I, Result<T, ClientError>>,
        label: fn(&str) -> String,
        on_ok: impl Fn(T) + 'static,
    ) where
        I: 'static,
        T: Clone + 'static,
    {
        on_settled(action, on_ok, move |e| self.show_api(&e, label));
    }

    /// The form's submit handler: `build` gives the request and what our checks found in it;
    /// it is sent through `action` when they found nothing.
    pub fn submit<I, O>(
        self,
        action: Action<I, O>,
        build: impl Fn() -> (I, FieldErrors) + 'static,
    ) -> impl Fn(SubmitEvent) + 'static
    where
        I: Send + Sync + 'static,
        O: Send + Sync + 'static,
    {
        move |ev: SubmitEvent| {
            ev.prevent_default();
            let (request, found) = build();
            if self.check(found) {
                action.dispatch(request);
            }
        }
    }
}

/// A labelled text input bound to `value`, with its error line. `id` is also the test id; the
/// error line's test id is `{id}-error`.
#[component]
pub fn TextField(
    /// Element id and `data-testid`.
    #[prop(into)]
    id: Oco<'static, str>,
    /// The visible label.
    label: &'static str,
    /// The bound value.
    value: RwSignal<String>,
    /// The error to show under the field, if any.
    #[prop(into)]
    error: Signal<Option<String>>,
    /// `type` attribute (default `text`).
    #[prop(default = "text")]
    input_type: &'static str,
    /// `autocomplete` attribute (default `off`).
    #[prop(default = "off")]
    autocomplete: &'static str,
    /// Shows "(optional)" after the label.
    #[prop(into, default = Signal::from(false))]
    optional: Signal<bool>,
    /// Read-only (e.g. when own-account editing is off).
    #[prop(into, default = Signal::from(false))]
    readonly: Signal<bool>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let error_testid = error_id.clone();
    let described_by = error_id.clone();
    view! {
        <div class="field" class:field--invalid=move || error.with(Option::is_some)>
            <label class="field__label" for=id.clone()>
                {label}
                <Show when=move || optional.get()>
                    <span class="field__optional">" (optional)"</span>
                </Show>
            </label>
            <input
                class="field__input"
                id=id.clone()
                name=id.clone()
                data-testid=id
                type=input_type
                autocomplete=autocomplete
                readonly=move || readonly.get()
                aria-invalid=move || if error.with(Option::is_some) { "true" } else { "false" }
                aria-describedby=move || error.with(Option::is_some).then(|| described_by.clone())
                bind:value=value
            />
            {move || {
                error
                    .get()
                    .map(|message| {
                        view! {
                            <p class="field__error" id=error_id.clone() data-testid=error_testid.clone()>
                                {message}
                            </p>
                        }
                    })
            }}
        </div>
    }
}

/// A checkbox with its label and an optional explanation below.
#[component]
pub fn CheckboxField(
    /// Element id and `data-testid`.
    #[prop(into)]
    id: Oco<'static, str>,
    /// The visible label.
    label: &'static str,
    /// What it does, in a sentence (optional).
    #[prop(optional)]
    description: &'static str,
    /// The bound value.
    checked: RwSignal<bool>,
    /// Greyed out and not changeable.
    #[prop(into, default = Signal::from(false))]
    disabled: Signal<bool>,
) -> impl IntoView {
    view! {
        <div class="check-field">
            <input
                class="check-field__input"
                type="checkbox"
                id=id.clone()
                data-testid=id.clone()
                disabled=move || disabled.get()
                bind:checked=checked
            />
            <label class="check-field__label" for=id>
                <span class="check-field__title">{label}</span>
                {(!description.is_empty())
                    .then(|| view! { <span class="check-field__text">{description}</span> })}
            </label>
        </div>
    }
}

/// Severity of an [`Alert`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Something failed.
    Error,
    /// Something needs attention.
    Warning,
    /// Something worked.
    Success,
}

impl Tone {
    /// The alert's classes and ARIA role: errors are announced at once.
    fn class_and_role(self) -> (&'static str, &'static str) {
        match self {
            Tone::Error => ("alert alert--error", "alert"),
            Tone::Warning => ("alert alert--warning", "status"),
            Tone::Success => ("alert alert--success", "status"),
        }
    }
}

/// An inline message box; errors are announced to screen readers immediately.
#[component]
pub fn Alert(
    tone: Tone,
    /// `data-testid` of the box.
    testid: &'static str,
    children: Children,
) -> impl IntoView {
    let (class, role) = tone.class_and_role();
    view! {
        <div class=class role=role data-testid=testid>
            {children()}
        </div>
    }
}

/// An alert holding `message` while there is one (by default the form's error line).
#[component]
pub fn FormError(
    /// The message, if any.
    #[prop(into)]
    error: Signal<Option<String>>,
    /// `data-testid` of the alert.
    #[prop(into)]
    testid: Oco<'static, str>,
    /// The alert's tone (default [`Tone::Error`]).
    #[prop(default = Tone::Error)]
    tone: Tone,
) -> impl IntoView {
    move || {
        error.get().map(|message| {
            let (class, role) = tone.class_and_role();
            view! {
                <div class=class role=role data-testid=testid.clone()>
                    {message}
                </div>
            }
        })
    }
}

/// The "saved" notice, shown while `when` holds.
#[component]
pub fn SavedAlert(
    /// Whether to show it.
    #[prop(into)]
    when: Signal<bool>,
    /// `data-testid` of the alert.
    #[prop(into)]
    testid: Oco<'static, str>,
    /// What it says ("The user was saved.").
    text: &'static str,
) -> impl IntoView {
    move || {
        when.get().then(|| {
            view! {
                <div class="alert alert--success" role="status" data-testid=testid.clone()>
                    {text}
                </div>
            }
        })
    }
}

/// A button that says `busy` and is disabled while `pending`: a submit button, or with
/// `on_click` a plain one.
#[component]
pub fn PendingButton(
    /// `data-testid`.
    #[prop(into)]
    testid: Oco<'static, str>,
    /// The text ("Save").
    label: &'static str,
    /// The text while pending ("Saving…"); the label when empty.
    #[prop(optional)]
    busy: &'static str,
    /// Whether the work runs.
    #[prop(into)]
    pending: Signal<bool>,
    /// The classes (default `button button--primary`).
    #[prop(default = "button button--primary")]
    class: &'static str,
    /// Runs on click; without it the button submits its form.
    #[prop(optional, into)]
    on_click: Option<Callback<()>>,
) -> impl IntoView {
    let kind = if on_click.is_some() {
        "button"
    } else {
        "submit"
    };
    let busy = if busy.is_empty() { label } else { busy };
    view! {
        <button
            type=kind
            class=class
            data-testid=testid
            disabled=move || pending.get()
            on:click=move |_| {
                if let Some(on_click) = on_click {
                    on_click.run(());
                }
            }
        >
            {move || if pending.get() { busy } else { label }}
        </button>
    }
}

/// A plain (`type="button"`) button.
#[component]
pub fn Button(
    /// `data-testid`.
    #[prop(into)]
    testid: Oco<'static, str>,
    /// The text.
    label: &'static str,
    /// Runs on click.
    #[prop(into)]
    on_click: Callback<()>,
    /// The classes (default `button`).
    #[prop(default = "button")]
    class: &'static str,
) -> impl IntoView {
    view! {
        <button type="button" class=class data-testid=testid on:click=move |_| on_click.run(())>
            {label}
        </button>
    }
}

/// A dialog form's buttons: "Cancel" and the submit button ([`PendingButton`]).
#[component]
pub fn DialogButtons(
    /// `data-testid` prefix: `{p}-cancel` and `{p}-{submit}`.
    testid: &'static str,
    /// The submit button's test id suffix (default `submit`).
    #[prop(default = "submit")]
    submit: &'static str,
    /// The submit button's text.
    label: &'static str,
    /// Its text while pending.
    #[prop(optional)]
    busy: &'static str,
    /// Whether the work runs.
    #[prop(into)]
    pending: Signal<bool>,
    /// Runs on "Cancel".
    on_cancel: Callback<()>,
    /// The row's classes (default `actions actions--end`).
    #[prop(default = "actions actions--end")]
    class: &'static str,
) -> impl IntoView {
    view! {
        <div class=class>
            <Button testid=format!("{testid}-cancel") label="Cancel" on_click=on_cancel />
            <PendingButton testid=format!("{testid}-{submit}") label busy pending />
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pocket_shared::{ApiError, FieldError, error::ErrorDetails};

    fn label(field: &str) -> String {
        match field {
            "email" => "Email".into(),
            "username" => "Username".into(),
            other => other.into(),
        }
    }

    #[test]
    fn rule_failures_are_keyed_by_field_and_labelled() {
        let fields = pocket_shared::user::rules::ProfileFields {
            username: "",
            email: Some("ada@example.com"),
            first_name: "Ada",
            last_name: "",
            display_name: None,
        };
        let errors = rule_errors(
            pocket_shared::user::rules::profile_errors(&fields, true),
            label,
        );
        assert_eq!(errors.len(), 1);
        assert_eq!(errors["username"], "Username must be 1 to 50 characters");
    }

    #[test]
    fn api_validation_and_conflicts_become_field_errors() {
        let mut details = ErrorDetails::default();
        details.fields.push(FieldError {
            field: "email".into(),
            code: "invalid_format".into(),
            message: "must be a valid email address".into(),
        });
        let validation = ClientError::Api {
            status: 400,
            error: ApiError {
                error: "invalid".into(),
                code: ErrorCode::ValidationFailed,
                details: Some(details),
                request_id: None,
            },
        };
        let errors = api_field_errors(&validation, label);
        assert_eq!(errors["email"], "Email must be a valid email address");

        let mut details = ErrorDetails::default();
        details.values.insert("property".into(), "username".into());
        let conflict = ClientError::Api {
            status: 409,
            error: ApiError {
                error: "Username is already in use".into(),
                code: ErrorCode::AlreadyInUse,
                details: Some(details),
                request_id: None,
            },
        };
        let errors = api_field_errors(&conflict, label);
        assert_eq!(errors["username"], "Username is already in use");
    }
}
