//! `/signup/*`: first-administrator setup, self-signup (`/signup`, alias `/st/:token`) and the
//! "add your first passkey" step.

mod account_form;
pub mod add_passkey;
pub mod setup;
pub mod sign_up;
