//! Browser sessions as the API shows them (`/api/users/me/sessions`, `/api/users/{id}/sessions`).

use serde::{Deserialize, Serialize};

/// One signed-in browser: where and when it signed in and when it was last seen. The cookie
/// itself is never shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UserSessionDto {
    pub id: String,
    /// RFC 3339: when the user signed in.
    pub created_at: String,
    /// RFC 3339: the last request made with this session (updated every few minutes).
    pub last_seen_at: String,
    /// RFC 3339: when the session ends on its own.
    pub expires_at: String,
    /// `phr` (passkey) or `otp` (login code); empty for a session opened by signing up.
    pub sign_in_method: String,
    /// The client address at sign-in, as seen through trusted proxies.
    pub ip_address: Option<String>,
    /// English country and city names of that address, when known.
    pub country: Option<String>,
    pub city: Option<String>,
    /// `<browser> on <OS>`, parsed from the user agent.
    pub device: String,
    pub user_agent: Option<String>,
    /// True for the session making this request.
    pub current: bool,
}
