//! Passkeys and login codes as the API shows them.

use serde::{Deserialize, Serialize};

/// A registered passkey.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct WebauthnCredentialDto {
    pub id: String,
    pub name: String,
    /// The credential id, base64url without padding.
    #[serde(rename = "credentialID")]
    pub credential_id: String,
    pub attestation_type: String,
    pub transport: Vec<String>,
    pub backup_eligible: bool,
    pub backup_state: bool,
    /// RFC 3339.
    pub created_at: String,
}

/// `PATCH /api/webauthn/credentials/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebauthnCredentialUpdateRequest {
    pub name: String,
}

/// `POST /api/users/{id}/one-time-access-token`: `ttl` in seconds (number) or as a Go duration
/// string such as `"15m"` or `"1h30m"`; default 15 minutes, at most 31 days.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OneTimeAccessTokenCreateRequest {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "15m"))]
    pub ttl: Option<serde_json::Value>,
}

/// A newly created login code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OneTimeAccessTokenResponse {
    pub token: String,
}
