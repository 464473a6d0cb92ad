//! A user's profile picture (the server generates initials when none was uploaded).

use crate::api::users::profile_picture_url;
use crate::state::use_session;
use leptos::prelude::*;

/// The round avatar of `user_id`, reloaded whenever the session's picture version changes.
#[component]
pub fn Avatar(
    /// The user whose picture to show.
    #[prop(into)]
    user_id: String,
    /// Width and height in CSS pixels.
    #[prop(default = 40)]
    size: u32,
    /// `data-testid` of the image.
    testid: &'static str,
) -> impl IntoView {
    let session = use_session();
    let src = move || profile_picture_url(&user_id, session.picture_version());
    view! {
        // Decorative: the user's name is always shown next to it.
        <img class="avatar" src=src alt="" width=size height=size data-testid=testid />
    }
}
