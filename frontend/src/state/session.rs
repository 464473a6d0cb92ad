//! The session: who is signed in, from `GET /api/users/me` (401 means signed out). Pages set it
//! from the user their sign-in call returned and clear it on sign-out; the route guard reads it.

use crate::api::{self, ClientError};
use leptos::{prelude::*, task::spawn_local};
use pocket_shared::UserDto;

/// What the SPA knows about the session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionState {
    /// The first "who am I" request has not answered yet.
    Loading,
    /// Signed in as this user.
    SignedIn(UserDto),
    /// No session (or it ended).
    SignedOut,
    /// The first request failed for another reason (server down, network).
    Failed(ClientError),
}

/// Handle to the session; `Copy`, so components capture it freely.
#[derive(Clone, Copy)]
pub struct Session {
    state: RwSignal<SessionState>,
    /// Bumped by every change, so a slow reload cannot overwrite a newer sign-in or sign-out.
    generation: StoredValue<u64>,
    /// Bumped after the profile picture or name changes, to reload cached avatar images.
    picture_version: RwSignal<u32>,
}

impl Session {
    /// Creates the session handle, starts the first "who am I" request and provides the handle
    /// to every descendant.
    pub fn provide() -> Self {
        let session = Self {
            state: RwSignal::new(SessionState::Loading),
            generation: StoredValue::new(0),
            picture_version: RwSignal::new(0),
        };
        provide_context(session);
        session.reload();
        session
    }

    /// Asks the server again who is signed in. Keeps showing the current state meanwhile; a
    /// failure other than "not signed in" only replaces the state while it is still loading.
    pub fn reload(&self) {
        let this = *self;
        let generation = this.bump();
        spawn_local(async move {
            let result = api::users::me().await;
            if this.generation.get_value() != generation {
                return;
            }
            match result {
                Ok(user) => this.state.set(SessionState::SignedIn(user)),
                Err(e) if e.is_not_signed_in() => this.state.set(SessionState::SignedOut),
                Err(e) => {
                    let first_load = this.state.with_untracked(|s| {
                        matches!(s, SessionState::Loading | SessionState::Failed(_))
                    });
                    if first_load {
                        this.state.set(SessionState::Failed(e));
                    } else {
                        leptos::logging::warn!("could not refresh the session: {e:?}");
                    }
                }
            }
        });
    }

    /// Retries after the first request failed: back to loading, then ask again.
    pub fn retry(&self) {
        self.state.set(SessionState::Loading);
        self.reload();
    }

    /// Records the user a sign-in (or a profile save) returned.
    pub fn set_signed_in(&self, user: UserDto) {
        self.bump();
        self.state.set(SessionState::SignedIn(user));
    }

    /// Records that the session ended.
    pub fn set_signed_out(&self) {
        self.bump();
        self.state.set(SessionState::SignedOut);
    }

    /// Call with any failed request of a signed-in page: a `not_signed_in` answer means the
    /// session expired, so the guard sends the user to the sign-in page.
    pub fn check_error(&self, error: &ClientError) {
        if error.is_not_signed_in() && self.user_untracked().is_some() {
            self.set_signed_out();
        }
    }

    /// The current state. Reactive.
    pub fn state(&self) -> SessionState {
        self.state.get()
    }

    /// The signed-in user, if any. Reactive.
    pub fn user(&self) -> Option<UserDto> {
        self.state.with(|s| match s {
            SessionState::SignedIn(user) => Some(user.clone()),
            _ => None,
        })
    }

    fn user_untracked(&self) -> Option<UserDto> {
        self.state.with_untracked(|s| match s {
            SessionState::SignedIn(user) => Some(user.clone()),
            _ => None,
        })
    }

    /// The avatar cache-busting version (see [`api::users::profile_picture_url`]). Reactive.
    pub fn picture_version(&self) -> u32 {
        self.picture_version.get()
    }

    /// Marks the avatar as changed so every `<img>` of it reloads.
    pub fn picture_changed(&self) {
        self.picture_version
            .update(|v| *v = v.wrapping_add(1).max(1));
    }

    fn bump(&self) -> u64 {
        let mut next = 0;
        self.generation.update_value(|g| {
            *g = g.wrapping_add(1);
            next = *g;
        });
        next
    }
}

/// The session handle provided by `App`.
pub fn use_session() -> Session {
    use_context::<Session>().unwrap_or_else(|| {
        // Only reachable if a component is rendered outside `App`; a fresh handle keeps the
        // page working instead of panicking.
        leptos::logging::warn!("Session context missing; asking the server again");
        Session::provide()
    })
}
