//! Feature modules: each owns its routes (with OpenAPI docs), rules and queries.

pub mod api_docs;
pub mod app_config;
pub mod health;
