//! `/settings/admin/*`: the administrators' pages.

pub mod api_keys;
pub mod apis;
pub mod app_config;
pub mod oidc_clients;
pub mod user_groups;
pub mod users;
