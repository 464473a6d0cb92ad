//! `GET /api/oidc/clients/{id}/preview/{userId}`: what a sign-in would disclose.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The decoded claim sets a real sign-in of the user to the client with the asked scopes
/// would produce.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OidcClientPreviewDto {
    /// ID token claims (empty without the `openid` scope: no ID token is issued then).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub id_token: Map<String, Value>,
    /// Access token (RFC 9068 JWT) claims.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub access_token: Map<String, Value>,
    /// The userinfo response (empty without the `openid` scope: userinfo refuses such tokens).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub user_info: Map<String, Value>,
}
