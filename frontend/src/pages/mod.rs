//! One module per route, mirroring Pocket ID's paths.

pub mod home;
pub mod not_found;
