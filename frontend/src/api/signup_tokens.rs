//! Signup tokens: `/api/signup-tokens` (create, list, delete).

use super::list::{ListQuery, ListResponse, fetch_list};
use super::{ClientError, segment, send_json, send_without_answer};
use gloo_net::http::Request;
use pocket_shared::signup::{SignupTokenCreateRequest, SignupTokenDto};

/// A page of tokens (with usage counts; the token values are not listed).
pub async fn list(query: &ListQuery) -> Result<ListResponse<SignupTokenDto>, ClientError> {
    fetch_list("/api/signup-tokens", query).await
}

/// Creates a token; the answer carries its value once.
pub async fn create(request: &SignupTokenCreateRequest) -> Result<SignupTokenDto, ClientError> {
    send_json(Request::post("/api/signup-tokens"), request).await
}

/// Deletes a token.
pub async fn delete(id: &str) -> Result<(), ClientError> {
    send_without_answer(Request::delete(&format!(
        "/api/signup-tokens/{}",
        segment(id)
    )))
    .await
}

/// The link that opens the signup page with the token: `APP_URL/st/<token>`.
pub fn share_link(origin: &str, token: &str) -> String {
    format!("{}/st/{}", origin.trim_end_matches('/'), segment(token))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn share_links_use_the_st_alias() {
        assert_eq!(
            share_link("https://id.example.com/", "AbCd1234EfGh5678"),
            "https://id.example.com/st/AbCd1234EfGh5678"
        );
    }
}
