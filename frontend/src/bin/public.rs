//! The public app (`public.html`): the pages a visitor sees before signing in (sign-in,
//! sign-up, consent, device, logout). Installs the panic hook and mounts [`PublicApp`].

use frontend::app::PublicApp;

fn main() {
    // Panics become readable `console.error` messages instead of "unreachable executed".
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(PublicApp);
}
