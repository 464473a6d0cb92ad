//! App-wide state shared through context: the public application configuration and the
//! session ("who am I"). No tokens live here: the session is an HttpOnly cookie.

mod app_config;
mod session;

pub use app_config::{AppConfig, use_app_config};
pub use session::{Session, SessionState, use_session};
