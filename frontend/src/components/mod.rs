//! Reusable view pieces: the page shell, avatar, dialog, form fields and alerts, the loading
//! indicator and the error view.

pub mod avatar;
pub mod dialog;
pub mod error_view;
pub mod form;
pub mod layout;
pub mod loading;
