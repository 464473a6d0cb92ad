//! A user's view of the clients: "My Apps" (`GET /api/oidc/users/me/clients`) and remembered
//! consents (`GET /api/oidc/users/{me|id}/authorized-clients`).

use super::Pagination;
use crate::oidc::OidcClientMetaDto;
use serde::{Deserialize, Serialize};

/// A client the user may sign in to, with when they last did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AccessibleOidcClientDto {
    #[serde(flatten)]
    pub client: OidcClientMetaDto,
    /// RFC 3339; `None` when the user never authorized the client.
    pub last_used_at: Option<String>,
}

/// `GET /api/oidc/users/me/clients`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccessibleOidcClientListResponse {
    pub data: Vec<AccessibleOidcClientDto>,
    pub pagination: Pagination,
}

/// A consent the user gave a client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AuthorizedOidcClientDto {
    /// The approved scopes, space-separated.
    pub scope: String,
    pub client: OidcClientMetaDto,
    /// RFC 3339: the last authorization.
    pub last_used_at: String,
}

/// `GET /api/oidc/users/{me|id}/authorized-clients`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuthorizedOidcClientListResponse {
    pub data: Vec<AuthorizedOidcClientDto>,
    pub pagination: Pagination,
}
