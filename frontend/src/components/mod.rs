//! Reusable view pieces: the page shell, the loading indicator and the error view.

pub mod error_view;
pub mod layout;
pub mod loading;
