//! Reusable view pieces: the page shell, avatar, cards, dialogs, form fields, alerts and
//! buttons, the user profile fields, copy and file buttons, date formatting, the loading
//! indicator and loader, the error view, the record page and its delete button, the admin list
//! page, the pick-list card, the action result helper, the passkey sign-in card and the OIDC
//! client's logo and scopes.

pub mod action;
pub mod avatar;
pub mod card;
pub mod checklist;
pub mod client;
pub mod copy;
pub mod custom_claims;
pub mod datetime;
pub mod delete;
pub mod dialog;
pub mod error_view;
pub mod file_button;
pub mod form;
pub mod layout;
pub mod list;
pub mod loader;
pub mod loading;
pub mod passkey_sign_in;
pub mod picture;
pub mod profile_fields;
pub mod selection;
pub mod settings_nav;
pub mod signup_tokens;
pub mod table;
