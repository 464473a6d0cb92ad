//! `/settings/admin/*`: the administrators' pages.

pub mod api_keys;
pub mod oidc_clients;
pub mod user_groups;
pub mod users;
