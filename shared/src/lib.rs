//! The wire contract between the Pocket ID backend and its SPA: request/response DTOs and the
//! error vocabulary. Compiles to wasm32; never depends on server crates.

pub mod api_key;
pub mod api_resource;
pub mod app_config;
pub mod audit_log;
pub mod custom_claim;
pub mod error;
pub mod oidc;
pub mod oidc_client;
pub mod pagination;
pub mod session;
pub mod signup;
pub mod spa;
pub mod user;
pub mod user_group;
pub mod webauthn;

pub use app_config::{AppConfigVariable, ConfigValueType, PublicAppConfig};
pub use error::{ApiError, ErrorCode, FieldError};
pub use pagination::Pagination;
pub use session::UserSessionDto;
pub use user::{SignUpRequest, UserDto, UserUpdateRequest};
pub use webauthn::{WebauthnCredentialDto, WebauthnCredentialUpdateRequest};
