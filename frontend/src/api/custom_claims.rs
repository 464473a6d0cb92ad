//! Custom claims of users and groups: each owner's list is replaced as a whole.

use super::{ClientError, get_json, segment, send_json};
use gloo_net::http::Request;
use pocket_shared::custom_claim::CustomClaimDto;

/// Previously used claim keys, most used first.
pub async fn suggestions() -> Result<Vec<String>, ClientError> {
    get_json("/api/custom-claims/suggestions").await
}

/// Whose claims an editor changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimOwner {
    /// A user's own claims.
    User,
    /// A group's claims (its members inherit them; a user's own value wins).
    UserGroup,
}

/// `PUT /api/custom-claims/{user|user-group}/{id}`.
pub fn claims_path(owner: ClaimOwner, id: &str) -> String {
    let kind = match owner {
        ClaimOwner::User => "user",
        ClaimOwner::UserGroup => "user-group",
    };
    format!("/api/custom-claims/{kind}/{}", segment(id))
}

/// Replaces all claims of the owner; returns the stored list.
pub async fn replace(
    owner: ClaimOwner,
    id: &str,
    claims: &[CustomClaimDto],
) -> Result<Vec<CustomClaimDto>, ClientError> {
    send_json(Request::put(&claims_path(owner, id)), claims).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_follow_pocket_id() {
        assert_eq!(
            claims_path(ClaimOwner::User, "u1"),
            "/api/custom-claims/user/u1"
        );
        assert_eq!(
            claims_path(ClaimOwner::UserGroup, "g/1"),
            "/api/custom-claims/user-group/g%2F1"
        );
    }
}
