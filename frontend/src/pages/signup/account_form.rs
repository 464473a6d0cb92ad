//! The new-account form of first-administrator setup and of signup: the profile fields,
//! checked with the API's rules, then the account is created, signed in, and the next step is
//! `/signup/add-passkey`.

use super::setup::{build_request, validate};
use crate::api::ClientError;
use crate::components::{
    action::on_settled,
    form::{FormError, FormErrors, PendingButton, api_field_errors},
    profile_fields::{ProfileFields, ProfileValues, label},
};
use crate::routes::navigation::use_app_navigate;
use crate::state::use_session;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use pocket_shared::{SignUpRequest, UserDto};
use std::future::Future;

/// The card with the form. Test ids: `{p}-title`, `{p}-first-name` (and the other fields),
/// `{p}-error`, `{p}-submit`.
#[component]
pub fn NewAccountForm<C, Fut, E>(
    /// Prefix of the test ids.
    testid: &'static str,
    /// The heading ("Set up Pocket ID").
    heading: String,
    /// What happens, under the heading.
    lead: &'static str,
    /// Whether an email is required (app config `requireUserEmail`).
    require_email: bool,
    /// The signup token sent with the request, if any.
    #[prop(default = None)]
    token: Option<String>,
    /// Creates the account.
    create: C,
    /// The form's message for a failure that names no field; `None` when it was dealt with.
    failure: E,
    /// Below the form.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView
where
    C: Fn(SignUpRequest) -> Fut + 'static,
    Fut: Future<Output = Result<UserDto, ClientError>> + 'static,
    E: Fn(&ClientError) -> Option<String> + 'static,
{
    let session = use_session();
    let navigate = use_app_navigate();
    let values = ProfileValues::new(false);
    let errors = FormErrors::new();
    let action = Action::new_local(move |request: &SignUpRequest| create(request.clone()));
    on_settled(
        action,
        move |user| {
            // Navigate before recording the session: the guard would otherwise send the new
            // user from this guest-only page to /settings.
            navigate.go("/signup/add-passkey", NavigateOptions::default());
            session.set_signed_in(user);
        },
        move |e| {
            let fields = api_field_errors(&e, label);
            if !fields.is_empty() {
                errors.fields.set(fields);
            } else if let Some(message) = failure(&e) {
                errors.form.set(Some(message));
            }
        },
    );
    let submit = errors.submit(action, move || {
        let mut request = build_request(
            &values.username.get_untracked(),
            &values.email.get_untracked(),
            &values.first_name.get_untracked(),
            &values.last_name.get_untracked(),
        );
        request.token = token.clone();
        let found = validate(&request, require_email);
        (request, found)
    });
    let title_id = format!("{testid}-title");
    let (labelled_by, title_testid) = (title_id.clone(), title_id.clone());
    view! {
        <section class="card card--narrow" aria-labelledby=labelled_by>
            <h1 id=title_id data-testid=title_testid>
                {heading}
            </h1>
            <p class="lead">{lead}</p>
            <form class="form" novalidate on:submit=submit>
                <ProfileFields
                    prefix=testid
                    values
                    errors=errors.fields
                    require_email
                    autofill=true
                />
                <FormError error=errors.form testid=format!("{testid}-error") />
                <PendingButton
                    testid=format!("{testid}-submit")
                    label="Create account"
                    busy="Creating…"
                    pending=action.pending()
                    class="button button--primary button--block"
                />
            </form>
            {children.map(|children| children())}
        </section>
    }
}
