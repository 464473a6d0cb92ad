//! Login codes ("one-time access tokens").

use super::{ClientError, segment, send_for_json};
use gloo_net::http::Request;
use pocket_shared::UserDto;

/// Exchanges a login code for a session (the answer sets the cookie) and returns the user.
pub async fn sign_in_with_code(code: &str) -> Result<UserDto, ClientError> {
    let path = format!("/api/one-time-access-token/{}", segment(code));
    send_for_json(Request::post(&path)).await
}
