//! The wire contract between the Pocket ID backend and its SPA: request/response DTOs and the
//! error vocabulary. Compiles to wasm32; never depends on server crates.

pub mod app_config;
pub mod error;

pub use app_config::{AppConfigVariable, ConfigValueType, PublicAppConfig};
pub use error::{ApiError, ErrorCode, FieldError};
