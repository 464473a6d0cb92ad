//! The signed-in user's own account: `/api/users/me` and the profile picture.

use super::{ClientError, get_json, segment, send_form, send_json, send_without_answer};
use gloo_net::http::Request;
use pocket_shared::{UserDto, UserUpdateRequest};

/// "Who am I": the signed-in user; `not_signed_in` (401) when there is no session.
pub async fn me() -> Result<UserDto, ClientError> {
    get_json("/api/users/me").await
}

/// Saves the user's own profile (only `locale` when own-account editing is off).
pub async fn update_me(request: &UserUpdateRequest) -> Result<UserDto, ClientError> {
    send_json(Request::put("/api/users/me"), request).await
}

/// The URL of a user's profile picture; `version` > 0 busts the browser cache after a change.
pub fn profile_picture_url(user_id: &str, version: u32) -> String {
    let base = format!("/api/users/{}/profile-picture.png", segment(user_id));
    if version == 0 {
        base
    } else {
        format!("{base}?v={version}")
    }
}

/// Uploads a new profile picture (JPEG, PNG, GIF or WebP) as multipart field `file`.
pub async fn upload_profile_picture(file: &web_sys::File) -> Result<(), ClientError> {
    let form = web_sys::FormData::new()
        .map_err(|e| ClientError::Network(format!("FormData unavailable: {e:?}")))?;
    form.append_with_blob_and_filename("file", file, &file.name())
        .map_err(|e| ClientError::Network(format!("could not attach the file: {e:?}")))?;
    send_form(Request::put("/api/users/me/profile-picture"), form).await
}

/// Removes the uploaded picture; the generated initials image is shown again.
pub async fn reset_profile_picture() -> Result<(), ClientError> {
    send_without_answer(Request::delete("/api/users/me/profile-picture")).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picture_url_adds_the_version_only_after_a_change() {
        assert_eq!(
            profile_picture_url("0b5c", 0),
            "/api/users/0b5c/profile-picture.png"
        );
        assert_eq!(
            profile_picture_url("0b5c", 3),
            "/api/users/0b5c/profile-picture.png?v=3"
        );
    }
}
