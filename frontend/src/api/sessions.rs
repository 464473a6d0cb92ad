//! Browser sessions: the user's own (`/api/users/me/sessions`) and, for administrators, any
//! user's (`/api/users/{id}/sessions`).

use super::{ClientError, get_json, segment, send_without_answer};
use gloo_net::http::Request;
use pocket_shared::UserSessionDto;

/// The signed-in user's sessions, newest first.
pub async fn list_mine() -> Result<Vec<UserSessionDto>, ClientError> {
    get_json("/api/users/me/sessions").await
}

/// Signs out one of the user's sessions.
pub async fn end_mine(id: &str) -> Result<(), ClientError> {
    let path = format!("/api/users/me/sessions/{}", segment(id));
    send_without_answer(Request::delete(&path)).await
}

/// Signs out every session of the user but this one.
pub async fn end_my_others() -> Result<(), ClientError> {
    send_without_answer(Request::delete("/api/users/me/sessions")).await
}

/// A user's sessions, newest first (administrators).
pub async fn list_of(user_id: &str) -> Result<Vec<UserSessionDto>, ClientError> {
    get_json(&format!("/api/users/{}/sessions", segment(user_id))).await
}

/// Signs a user out everywhere (administrators).
pub async fn end_all_of(user_id: &str) -> Result<(), ClientError> {
    let path = format!("/api/users/{}/sessions", segment(user_id));
    send_without_answer(Request::delete(&path)).await
}
