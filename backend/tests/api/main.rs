//! API integration tests: one binary, one fresh database per test, run on SQLite and (when
//! reachable) PostgreSQL.

// Tests may panic on unexpected states: that is how they fail.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod fixtures;
mod helpers;

mod api_keys;
mod apis;
mod app_config;
mod app_images;
mod audit_log;
mod authenticator;
mod authorization;
mod cli;
mod cli_keys;
mod crash;
mod custom_claims;
mod fuzz;
mod http;
mod instances;
mod login_codes;
mod oidc;
mod oidc_clients;
mod openapi;
mod passkeys;
mod path_ids;
mod rate_limits;
mod schema;
mod sessions;
mod signup;
mod user_groups;
mod users_admin;
mod users_me;
mod version;
