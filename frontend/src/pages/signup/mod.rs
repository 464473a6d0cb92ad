//! `/signup/*`: first-administrator setup, self-signup (`/signup`, alias `/st/:token`) and the
//! "add your first passkey" step.

pub mod add_passkey;
pub mod setup;
pub mod sign_up;
