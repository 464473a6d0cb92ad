//! sea-orm entities, one module per table of the data model.

pub mod api_keys;
pub mod api_permissions;
pub mod apis;
pub mod app_config_variables;
pub mod audit_logs;
pub mod custom_claims;
pub mod interaction_sessions;
pub mod kv;
pub mod oauth2_jtis;
pub mod oauth2_sessions;
pub mod oidc_clients;
pub mod oidc_clients_allowed_api_permissions;
pub mod oidc_clients_allowed_apis;
pub mod oidc_clients_allowed_user_groups;
pub mod one_time_access_tokens;
pub mod rate_limits;
pub mod reauthentication_tokens;
pub mod scim_service_providers;
pub mod storage;
pub mod user_authorized_oidc_clients;
pub mod user_groups;
pub mod user_groups_users;
pub mod users;
pub mod webauthn_credentials;
pub mod webauthn_sessions;
