//! The Pocket ID single-page app, built as two wasm binaries from this library: the full app
//! (`src/main.rs`: every page) and the small public app (`src/bin/public.rs`: sign-in, sign-up,
//! consent, device and logout pages), so a first visit to `/login` does not download the admin
//! area. The server picks the app by path (`backend/src/spa.rs`).

pub mod api;
pub mod app;
pub mod components;
pub mod pages;
pub mod routes;
pub mod state;
pub mod webauthn;
