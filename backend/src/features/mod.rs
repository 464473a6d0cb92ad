//! Feature modules: each owns its routes (with OpenAPI docs), rules and queries.

pub mod api_docs;
pub mod api_keys;
pub mod apis;
pub mod app_config;
pub mod app_images;
pub mod audit_log;
pub mod custom_claims;
pub mod health;
pub mod oidc;
pub mod one_time_access;
pub mod passkeys;
pub mod sessions;
pub mod signup;
pub mod user_groups;
pub mod users;
pub mod version;
