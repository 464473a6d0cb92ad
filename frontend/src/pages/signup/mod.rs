//! `/signup/*`: first-administrator setup and the "add your first passkey" step.

pub mod add_passkey;
pub mod setup;
