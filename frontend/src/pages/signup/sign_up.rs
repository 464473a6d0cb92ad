//! `/signup` (open mode, or `?token=` from a signup link) and its alias `/st/:token`: creates an
//! account, signs it in and continues to `/signup/add-passkey`.

use super::account_form::NewAccountForm;
use crate::api::{self, ClientError};
use crate::components::loader::Loaded;
use crate::routes::{Navigate, guard::encode_uri_component};
use crate::state::use_app_config;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use pocket_shared::signup::{SignupMode, rules};
use pocket_shared::{ErrorCode, SignUpRequest};

/// What the page shows for the configured mode and the link's token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignupView {
    /// The form, sending this token (if any).
    Form(Option<String>),
    /// Signing up needs a token this visitor does not have.
    TokenRequired,
    /// Nobody may sign up.
    Disabled,
    /// The link's token cannot be a signup token (mistyped or cut off).
    InvalidLink,
}

/// Decides the view: open mode always shows the form; a token needs `withToken` or `open`.
pub fn signup_view(mode: SignupMode, token: Option<&str>) -> SignupView {
    let token = token.map(str::trim).filter(|t| !t.is_empty());
    match (mode, token) {
        (SignupMode::Disabled, _) => SignupView::Disabled,
        (_, Some(t)) if !rules::looks_like_token(t) => SignupView::InvalidLink,
        (_, Some(t)) => SignupView::Form(Some(t.to_owned())),
        (SignupMode::Open, None) => SignupView::Form(None),
        (SignupMode::WithToken, None) => SignupView::TokenRequired,
    }
}

/// Where `/st/:token` leads.
pub fn signup_url(token: Option<&str>) -> String {
    match token.map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => format!("/signup?token={}", encode_uri_component(t)),
        None => "/signup".to_owned(),
    }
}

/// The message for a failure that is not about one field.
fn failure_message(error: &ClientError) -> String {
    match error.code() {
        Some(ErrorCode::TokenInvalidOrExpired) => {
            "This signup link is invalid, has expired or has been used up. Ask your administrator for a new one."
                .to_owned()
        }
        Some(ErrorCode::OpenSignupDisabled) => {
            "Signing up needs an invitation link from your administrator.".to_owned()
        }
        Some(ErrorCode::SignupDisabled) => "Signing up is disabled on this server.".to_owned(),
        _ => error.user_message(),
    }
}

/// `/st/:token`: alias of `/signup?token=…`.
#[component]
pub fn SignupTokenAlias() -> impl IntoView {
    let token = use_params_map().with_untracked(|p| p.get("token"));
    view! { <Navigate to=signup_url(token.as_deref()) /> }
}

/// Loads the configuration, then shows the form or why signing up is not possible.
#[component]
pub fn SignupPage() -> impl IntoView {
    let config = use_app_config();
    let token = use_query_map().with_untracked(|q| q.get("token"));
    view! {
        <Loaded resource=config.resource() let:public>
            {
                let mode = SignupMode::parse(&public.allow_user_signups);
                match signup_view(mode, token.as_deref()) {
                    SignupView::Form(token) => {
                        view! {
                            <SignupForm
                                app_name=public.app_name
                                require_email=public.require_user_email
                                token
                            />
                        }
                            .into_any()
                    }
                    other => view! { <SignupClosed view=other /> }.into_any(),
                }
            }
        </Loaded>
    }
}

/// Why the form is not shown, with the way back to sign-in.
#[component]
fn SignupClosed(view: SignupView) -> impl IntoView {
    let (title, text) = match view {
        SignupView::InvalidLink => (
            "Invalid signup link",
            "This link is not complete. Copy the whole link from your invitation, or ask your administrator for a new one.",
        ),
        SignupView::TokenRequired => (
            "Invitation required",
            "Signing up needs an invitation link from your administrator.",
        ),
        _ => (
            "Signing up is disabled",
            "Ask your administrator to create an account for you.",
        ),
    };
    view! {
        <section class="card card--narrow" data-testid="signup-closed">
            <h1>{title}</h1>
            <p class="lead">{text}</p>
            <a class="button button--primary" href="/login" data-testid="signup-closed-login">
                "Go to sign-in"
            </a>
        </section>
    }
}

/// The signup form.
#[component]
fn SignupForm(app_name: String, require_email: bool, token: Option<String>) -> impl IntoView {
    view! {
        <NewAccountForm
            testid="signup"
            heading=format!("Sign up to {app_name}")
            lead="Create your account. Next, you add a passkey to sign in with."
            require_email
            token
            create=|request: SignUpRequest| async move { api::signup::sign_up(&request).await }
            failure=|error: &ClientError| Some(failure_message(error))
        >
            <p class="login__alternative">
                "Already have an account? "
                <a href="/login" data-testid="signup-login-link">
                    "Sign in"
                </a>
            </p>
        </NewAccountForm>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "AbCdEfGh12345678";

    #[test]
    fn the_mode_and_the_token_decide_the_view() {
        assert_eq!(signup_view(SignupMode::Open, None), SignupView::Form(None));
        assert_eq!(
            signup_view(SignupMode::Open, Some(TOKEN)),
            SignupView::Form(Some(TOKEN.into()))
        );
        assert_eq!(
            signup_view(SignupMode::WithToken, Some(&format!(" {TOKEN} "))),
            SignupView::Form(Some(TOKEN.into()))
        );
        assert_eq!(
            signup_view(SignupMode::WithToken, None),
            SignupView::TokenRequired
        );
        assert_eq!(
            signup_view(SignupMode::WithToken, Some("  ")),
            SignupView::TokenRequired
        );
        assert_eq!(
            signup_view(SignupMode::WithToken, Some("AbCd")),
            SignupView::InvalidLink
        );
        assert_eq!(
            signup_view(SignupMode::Disabled, Some(TOKEN)),
            SignupView::Disabled
        );
        assert_eq!(
            signup_view(SignupMode::Disabled, None),
            SignupView::Disabled
        );
    }

    #[test]
    fn the_alias_keeps_the_token() {
        assert_eq!(signup_url(Some(TOKEN)), format!("/signup?token={TOKEN}"));
        assert_eq!(signup_url(Some("a b")), "/signup?token=a%20b");
        assert_eq!(signup_url(None), "/signup");
    }

    #[test]
    fn token_failures_get_their_own_words() {
        let err = |code| ClientError::Api {
            status: 400,
            error: pocket_shared::ApiError {
                error: "x".into(),
                code,
                details: None,
                request_id: None,
            },
        };
        assert!(failure_message(&err(ErrorCode::TokenInvalidOrExpired)).contains("signup link"));
        assert!(failure_message(&err(ErrorCode::OpenSignupDisabled)).contains("invitation"));
    }
}
