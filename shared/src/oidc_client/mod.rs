//! OIDC client administration DTOs (`/api/oidc/clients`, secrets, allowed groups) and the
//! field rules the API applies and the SPA's client form can apply before sending.

pub use crate::pagination::Pagination;
use crate::user::UserGroupSummaryDto;
use serde::{Deserialize, Serialize};

/// An external issuer whose signed JWTs authenticate the client (RFC 7523 client assertions).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OidcClientFederatedIdentityDto {
    pub issuer: String,
    /// Expected `sub`; defaults to the client id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// Expected `aud`; defaults to this server's URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<String>,
    /// JWKS URL; defaults to `<issuer>/.well-known/jwks.json`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jwks: Option<String>,
    /// Require a unique `jti` per assertion.
    #[serde(default)]
    pub replay_protection: bool,
}

/// A client secret without its value (only shown once, when created).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OidcClientSecretDto {
    pub id: String,
    /// The first characters in clear text, to tell secrets apart (empty for legacy secrets).
    pub prefix: String,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339; `None` never expires.
    pub expires_at: Option<String>,
    /// Not expired.
    pub is_active: bool,
}

/// `POST /api/oidc/clients/{id}/secrets`: both fields optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OidcClientSecretCreateRequest {
    /// Your own value (16 to 256 printable ASCII characters); generated when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// RFC 3339, in the future; `None` never expires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
}

/// A newly created secret: the only response that carries its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OidcClientSecretCreatedDto {
    pub id: String,
    /// The secret in clear text; not retrievable later.
    pub secret: String,
    pub prefix: String,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub expires_at: Option<String>,
    pub is_active: bool,
}

/// What authenticates a client. `secrets` is read-only (managed through the secrets endpoints;
/// ignored in requests).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OidcClientCredentialsDto {
    #[serde(default)]
    pub federated_identities: Vec<OidcClientFederatedIdentityDto>,
    #[serde(default)]
    pub secrets: Vec<OidcClientSecretDto>,
}

/// `PUT /api/oidc/clients/{id}`: every editable field (a full replace; absent means default).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OidcClientUpdateRequest {
    /// 1 to 50 characters.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, min_length = 1, max_length = 50)
    )]
    pub name: String,
    /// At most 150 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 150))]
    pub description: String,
    /// Redirect URI patterns (`*` one segment, `**` in paths any number of segments).
    #[serde(default, rename = "callbackURLs")]
    pub callback_urls: Vec<String>,
    /// Post-logout redirect URI patterns.
    #[serde(default, rename = "logoutCallbackURLs")]
    pub logout_callback_urls: Vec<String>,
    /// No client authentication; PKCE becomes mandatory and secrets are refused.
    #[serde(default)]
    pub is_public: bool,
    #[serde(default)]
    pub pkce_enabled: bool,
    #[serde(default)]
    pub requires_reauthentication: bool,
    #[serde(default)]
    pub requires_pushed_authorization_requests: bool,
    #[serde(default)]
    pub skip_consent: bool,
    /// May use the device authorization grant (RFC 8628); off for a new client. Absent in an
    /// update keeps the current value (beyond Pocket ID, whose clients all may).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_code_enabled: Option<bool>,
    /// An http(s) URL opening the application ("My Apps").
    #[serde(default, rename = "launchURL")]
    pub launch_url: Option<String>,
    /// Only members of the allowed user groups may sign in.
    #[serde(default)]
    pub is_group_restricted: bool,
    #[serde(default)]
    pub credentials: OidcClientCredentialsDto,
    /// 1 to 525600; absent or 0 means 60.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 525_600))]
    pub access_token_duration_minutes: Option<i64>,
    /// 1 to 525600; absent or 0 means 43200 (30 days).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 525_600))]
    pub refresh_token_duration_minutes: Option<i64>,
    /// An http(s) URL of an image the server downloads as the light logo (at most 2 MiB;
    /// jpg, png, svg, ico, gif, webp, avif or heic). Absent keeps the current logo.
    #[serde(default, rename = "logoUrl", skip_serializing_if = "Option::is_none")]
    pub logo_url: Option<String>,
    /// As `logoUrl`, for the dark logo.
    #[serde(
        default,
        rename = "darkLogoUrl",
        skip_serializing_if = "Option::is_none"
    )]
    pub dark_logo_url: Option<String>,
}

/// `POST /api/oidc/clients`: the editable fields plus an optional custom id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OidcClientCreateRequest {
    /// 2 to 128 characters of `A-Z a-z 0-9 . _ -`; a UUID when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 2, max_length = 128, pattern = "^[A-Za-z0-9._-]+$")
    )]
    pub id: Option<String>,
    #[serde(flatten)]
    pub client: OidcClientUpdateRequest,
}

/// A client as the admin API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OidcClientDto {
    pub id: String,
    pub name: String,
    pub description: String,
    pub has_logo: bool,
    pub has_dark_logo: bool,
    #[serde(rename = "launchURL")]
    pub launch_url: Option<String>,
    pub requires_reauthentication: bool,
    /// `standard` or `cimd`.
    pub client_type: String,
    #[serde(rename = "callbackURLs")]
    pub callback_urls: Vec<String>,
    #[serde(rename = "logoutCallbackURLs")]
    pub logout_callback_urls: Vec<String>,
    pub is_public: bool,
    pub pkce_enabled: bool,
    pub requires_pushed_authorization_requests: bool,
    pub skip_consent: bool,
    /// May use the device authorization grant.
    pub device_code_enabled: bool,
    pub credentials: OidcClientCredentialsDto,
    pub is_group_restricted: bool,
    /// Set when the client was seen sending PKCE although it is not required.
    pub pkce_supported: bool,
    pub access_token_duration_minutes: i64,
    pub refresh_token_duration_minutes: i64,
    /// RFC 3339.
    pub created_at: String,
}

/// `GET /api/oidc/clients/{id}` and the answer of every change: the client and its groups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OidcClientWithGroupsDto {
    #[serde(flatten)]
    pub client: OidcClientDto,
    pub allowed_user_groups: Vec<UserGroupSummaryDto>,
}

/// A row of the client list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OidcClientListItemDto {
    #[serde(flatten)]
    pub client: OidcClientDto,
    pub allowed_user_groups_count: u64,
}

/// `GET /api/oidc/clients`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OidcClientListResponse {
    pub data: Vec<OidcClientListItemDto>,
    pub pagination: Pagination,
}

/// `PUT /api/oidc/clients/{id}/allowed-user-groups`: the complete new set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OidcClientAllowedUserGroupsRequest {
    /// User group ids (UUIDs).
    #[serde(rename = "userGroupIds")]
    pub user_group_ids: Vec<String>,
}

impl OidcClientUpdateRequest {
    /// Trims the free-text fields and turns empty optional strings into `None`: what the API
    /// stores, and what the rules judge.
    pub fn normalized(mut self) -> Self {
        let opt = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        self.name = self.name.trim().to_owned();
        self.description = self.description.trim().to_owned();
        for url in self
            .callback_urls
            .iter_mut()
            .chain(self.logout_callback_urls.iter_mut())
        {
            *url = url.trim().to_owned();
        }
        self.launch_url = opt(self.launch_url);
        self.logo_url = opt(self.logo_url);
        self.dark_logo_url = opt(self.dark_logo_url);
        for fi in &mut self.credentials.federated_identities {
            fi.issuer = fi.issuer.trim().to_owned();
            fi.subject = opt(fi.subject.take());
            fi.audience = opt(fi.audience.take());
            fi.jwks = opt(fi.jwks.take());
        }
        self.credentials.secrets.clear();
        self
    }
}

/// Field rules shared by the API and the SPA. Each returns the failure's code and message.
pub mod rules;

pub mod preview;
pub mod user_clients;

pub use preview::OidcClientPreviewDto;
pub use user_clients::{
    AccessibleOidcClientDto, AccessibleOidcClientListResponse, AuthorizedOidcClientDto,
    AuthorizedOidcClientListResponse,
};
