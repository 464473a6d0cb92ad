//! One module per route, mirroring Pocket ID's paths.

pub mod admin;
pub mod apps;
pub mod audit_log;
pub mod device;
pub mod interaction;
pub mod login;
pub mod logout;
pub mod not_found;
pub mod settings;
pub mod signup;
