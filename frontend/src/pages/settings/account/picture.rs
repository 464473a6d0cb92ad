//! The profile-picture card: shows the current picture (uploaded or generated initials),
//! uploads a new one and resets to the generated one.

use crate::api;
use crate::components::avatar::Avatar;
use crate::components::picture::{self, ACCEPTED_TYPES};
use crate::state::use_session;
use leptos::prelude::*;

/// Checks a chosen file's MIME type before uploading (the server checks the content again).
pub fn check_type(mime: &str) -> Result<(), &'static str> {
    if ACCEPTED_TYPES.split(',').any(|t| t == mime) {
        Ok(())
    } else {
        Err("Choose a JPEG, PNG, GIF or WebP image.")
    }
}

/// The picture card.
#[component]
pub fn PictureCard(user_id: String) -> impl IntoView {
    let session = use_session();
    view! {
        <picture::PictureCard
            testid="picture-card"
            title_id="picture-title"
            controls="profile-picture"
            hint="JPEG, PNG, GIF or WebP. Without a picture, your initials are shown."
            reset_label="Remove picture"
            check=|file: &web_sys::File| check_type(&file.type_())
            upload=|file: web_sys::File| async move { api::users::upload_profile_picture(&file).await }
            reset=api::users::reset_profile_picture
            on_changed=Callback::new(move |()| session.picture_changed())
        >
            <Avatar user_id=user_id size=80 testid="profile-picture" />
        </picture::PictureCard>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_server_supported_types_are_uploaded() {
        for ok in ACCEPTED_TYPES.split(',') {
            assert_eq!(check_type(ok), Ok(()));
        }
        assert!(check_type("image/svg+xml").is_err());
        assert!(check_type("").is_err());
    }
}
