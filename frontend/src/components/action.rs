//! Reacting to an action's result: on `Ok` run the follow-up (refresh, close, navigate), on
//! `Err` show what went wrong (a "not signed in" failure also signs the session out).

use crate::api::ClientError;
use crate::state::use_session;
use leptos::prelude::*;

/// Runs `on_ok` with each successful result of `action`, and `on_err` with each failure
/// (after the session has seen it).
pub fn on_settled<I, T>(
    action: Action<I, Result<T, ClientError>>,
    on_ok: impl Fn(T) + 'static,
    on_err: impl Fn(ClientError) + 'static,
) where
    I: 'static,
    T: Clone + 'static,
{
    let session = use_session();
    Effect::new(move || match action.value().get() {
        Some(Ok(value)) => on_ok(value),
        Some(Err(e)) => {
            session.check_error(&e);
            on_err(e);
        }
        None => {}
    });
}

/// The usual failure handler: the error's message into `error`.
pub fn show_in(error: RwSignal<Option<String>>) -> impl Fn(ClientError) + 'static {
    move |e| error.set(Some(e.user_message()))
}
