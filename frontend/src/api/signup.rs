//! First-administrator setup (`/api/signup/setup`) and self-signup (`/api/signup`).

use super::{ClientError, send_json, send_without_answer};
use gloo_net::http::Request;
use pocket_shared::{ErrorCode, SignUpRequest, UserDto};

/// Whether the first administrator can still be created: `Ok(true)` on 204, `Ok(false)` on
/// `setup_not_available`; any other failure is an error.
pub async fn setup_available() -> Result<bool, ClientError> {
    match send_without_answer(Request::get("/api/signup/setup")).await {
        Ok(()) => Ok(true),
        Err(e) if e.code() == Some(ErrorCode::SetupNotAvailable) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Creates the first administrator; the answer sets the session cookie.
pub async fn create_first_admin(request: &SignUpRequest) -> Result<UserDto, ClientError> {
    send_json(Request::post("/api/signup/setup"), request).await
}

/// Signs up (open mode, or with `request.token`); the answer sets the session cookie.
pub async fn sign_up(request: &SignUpRequest) -> Result<UserDto, ClientError> {
    send_json(Request::post("/api/signup"), request).await
}
