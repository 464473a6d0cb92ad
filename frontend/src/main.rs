//! The full app (`index.html`): every page. Installs the panic hook and mounts [`App`].

use frontend::app::App;

fn main() {
    // Panics become readable `console.error` messages instead of "unreachable executed".
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}
