//! Entry point of the Pocket ID single-page app: installs the panic hook and mounts [`app::App`].

mod api;
mod app;
mod components;
mod pages;
mod routes;
mod state;
mod webauthn;

fn main() {
    // Panics become readable `console.error` messages instead of "unreachable executed".
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
