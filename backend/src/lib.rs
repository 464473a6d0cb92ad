//! Pocket ID server library: the binary (`main.rs`) and the integration tests build on it.

pub mod app;
pub mod auth;
pub mod cli;
pub mod clock;
pub mod config;
pub mod crypto;
pub mod csrf;
pub mod db;
pub mod error;
pub mod extract;
pub mod features;
pub mod headers;
pub mod images;
pub mod jobs;
pub mod list;
pub mod outbound;
pub mod ratelimit;
pub mod server;
pub mod spa;
pub mod state;
pub mod storage;

pub use app::router;
pub use state::AppState;
