//! One module per route, mirroring Pocket ID's paths.

pub mod login;
pub mod not_found;
pub mod settings;
pub mod signup;
