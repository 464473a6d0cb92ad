//! App-wide state shared through context: the public application configuration and the
//! session ("who am I"). No tokens live here: the session is an HttpOnly cookie.

mod app_config;
mod session;

pub use app_config::{
    ACCENT_PRESETS, AppConfig, apply_accent_color, css_color_rgb, use_app_config,
};
pub use session::{Session, SessionState, use_session};
