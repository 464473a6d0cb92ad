//! OAuth APIs (resource servers, RFC 8707) and their permissions: the DTOs of `/api/apis` and
//! `/api/api-access`, and the field rules the API applies and the SPA's forms can apply first.

pub use crate::pagination::Pagination;
use serde::{Deserialize, Serialize};

/// One permission of an API: a scope a client may be granted for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ApiPermissionDto {
    pub id: String,
    /// The scope value clients request (`read:orders`).
    pub key: String,
    /// Display name, shown on the consent screen.
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Offered to every metadata-document (CIMD) client when the API allows them.
    #[serde(default)]
    pub allowed_for_cimd_clients: bool,
}

/// An API with its permissions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ApiDto {
    pub id: String,
    pub name: String,
    /// The resource indicator and token audience (immutable).
    pub resource: String,
    /// RFC 3339.
    pub created_at: String,
    pub permissions: Vec<ApiPermissionDto>,
    /// Every metadata-document (CIMD) client may reach the API.
    #[serde(default)]
    pub allow_cimd_clients: bool,
}

/// `GET /api/apis`, `GET /api/api-access/{clientId}/assignable-apis`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiListResponse {
    pub data: Vec<ApiDto>,
    pub pagination: Pagination,
}

/// `POST /api/apis`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiCreateRequest {
    /// 1 to 50 characters.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, min_length = 1, max_length = 50)
    )]
    pub name: String,
    /// An absolute URI without fragment, at most 350 characters; a trailing `/` is dropped.
    /// It cannot be changed later (tokens already issued name it).
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, min_length = 1, max_length = 350)
    )]
    pub resource: String,
}

/// `PUT /api/apis/{id}`: only the name changes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiUpdateRequest {
    /// 1 to 50 characters.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, min_length = 1, max_length = 50)
    )]
    pub name: String,
}

/// One permission of `PUT /api/apis/{id}/permissions`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiPermissionInput {
    /// 1 to 128 scope characters (printable ASCII without space, `"` and `\`), unique in the
    /// API, not a standard scope.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, min_length = 1, max_length = 128)
    )]
    pub key: String,
    /// 1 to 50 characters.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, min_length = 1, max_length = 50)
    )]
    pub name: String,
    /// At most 200 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub description: Option<String>,
}

/// `PUT /api/apis/{id}/permissions`: the complete new set. Permissions are matched by key:
/// kept keys keep their grants, missing keys are deleted with their grants.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiPermissionsUpdateRequest {
    #[serde(default)]
    pub permissions: Vec<ApiPermissionInput>,
}

/// `PUT /api/apis/{id}/cimd-access`. Stored only: metadata-document clients are not
/// supported by this server yet.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ApiCimdAccessUpdateRequest {
    #[serde(default)]
    pub enabled: bool,
    /// Permission ids of this API (kept while `enabled` is false).
    #[serde(default)]
    pub permission_ids: Vec<String>,
}

/// What one client may do with one API. User-delegated access serves the authorization-code
/// and device flows, client access the client-credentials grant; each "access" lets the
/// client target the API at all, the permission ids are the scopes it may get there. A
/// permission implies access.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ApiClientGrantDto {
    #[serde(default)]
    pub user_delegated_access: bool,
    /// Always false for public clients (they cannot use client credentials).
    #[serde(default)]
    pub client_access: bool,
    #[serde(default)]
    pub user_delegated_permission_ids: Vec<String>,
    #[serde(default)]
    pub client_permission_ids: Vec<String>,
}

/// The few facts about a client an API's page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ApiClientDto {
    pub id: String,
    pub name: String,
    /// `standard` or `cimd`.
    pub client_type: String,
    pub is_public: bool,
    pub has_logo: bool,
    pub has_dark_logo: bool,
}

/// `GET /api/apis/{id}/assignable-clients`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiClientListResponse {
    pub data: Vec<ApiClientDto>,
    pub pagination: Pagination,
}

/// One client's grant on an API (`GET /api/apis/{id}/clients`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ApiClientAccessDto {
    pub client: ApiClientDto,
    #[serde(flatten)]
    pub grant: ApiClientGrantDto,
    /// Access through the API's CIMD opt-in (read-only; always false here).
    #[serde(default)]
    pub cimd_granted_access: bool,
    #[serde(default)]
    pub cimd_granted_permission_ids: Vec<String>,
}

/// `GET /api/apis/{id}/clients`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiClientAccessListResponse {
    pub data: Vec<ApiClientAccessDto>,
    pub pagination: Pagination,
}

/// One API a client may reach (`GET /api/api-access/{clientId}/apis`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ClientApiGrantDto {
    pub api: ApiDto,
    #[serde(flatten)]
    pub grant: ApiClientGrantDto,
    #[serde(default)]
    pub cimd_granted_access: bool,
    #[serde(default)]
    pub cimd_granted_permission_ids: Vec<String>,
}

/// Field rules of APIs and permissions.
pub mod rules {
    use super::{ApiCreateRequest, ApiPermissionsUpdateRequest};
    use crate::FieldError;

    /// Longest API or permission name.
    pub const NAME_MAX: usize = 50;
    /// Longest resource URI.
    pub const RESOURCE_MAX: usize = 350;
    /// Longest permission key.
    pub const KEY_MAX: usize = 128;
    /// Longest permission description.
    pub const DESCRIPTION_MAX: usize = 200;
    /// Scope and claim names of the identity layer that no permission may take.
    pub const RESERVED_KEYS: &[&str] = &[
        "openid",
        "profile",
        "email",
        "email_verified",
        "groups",
        "offline_access",
    ];

    /// Why a value was refused: a machine code and a message to show after the field name.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Violation {
        pub code: &'static str,
        pub message: String,
    }

    fn violation(code: &'static str, message: impl Into<String>) -> Violation {
        Violation {
            code,
            message: message.into(),
        }
    }

    fn field(name: &str, v: Violation) -> FieldError {
        FieldError {
            field: name.into(),
            code: v.code.into(),
            message: v.message,
        }
    }

    /// An API or permission name: required, at most 50 characters.
    pub fn name(v: &str) -> Result<(), Violation> {
        match v.trim().chars().count() {
            0 => Err(violation("required", "is required")),
            n if n > NAME_MAX => Err(violation("too_long", "must be at most 50 characters long")),
            _ => Ok(()),
        }
    }

    /// The stored form of a resource: trimmed, without trailing `/` (so `https://api/` and
    /// `https://api` name the same API).
    pub fn normalize_resource(v: &str) -> String {
        v.trim().trim_end_matches('/').to_owned()
    }

    /// A resource indicator (RFC 8707 2): an absolute URI (`scheme:` and something after it;
    /// `scheme://` URIs need a host) without fragment or whitespace, at most 350 characters.
    /// Takes the normalized form.
    pub fn resource(v: &str) -> Result<(), Violation> {
        if v.is_empty() {
            return Err(violation("required", "is required"));
        }
        if v.chars().count() > RESOURCE_MAX {
            return Err(violation("too_long", "must be at most 350 characters long"));
        }
        let bad = || {
            violation(
                "invalid_format",
                "must be an absolute URI without whitespace or a fragment",
            )
        };
        if v.chars().any(|c| c.is_whitespace() || c.is_control()) || v.contains('#') {
            return Err(bad());
        }
        let (scheme, rest) = v.split_once(':').ok_or_else(bad)?;
        let scheme_ok = scheme
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
        if !scheme_ok || rest.is_empty() {
            return Err(bad());
        }
        if let Some(authority) = rest.strip_prefix("//") {
            let host = authority.split(['/', '?']).next().unwrap_or_default();
            if host.rsplit('@').next().unwrap_or_default().is_empty() {
                return Err(bad());
            }
        }
        Ok(())
    }

    /// True when `resource` (normalized) names this server itself: a custom API must not take
    /// the issuer as audience, or its tokens would pass for our own.
    pub fn is_issuer(resource: &str, issuer: &str) -> bool {
        let issuer = issuer.trim().trim_end_matches('/');
        !issuer.is_empty() && resource.trim_end_matches('/').eq_ignore_ascii_case(issuer)
    }

    /// A permission key: 1 to 128 RFC 6749 scope-token characters (`%x21 / %x23-5B /
    /// %x5D-7E`), not a reserved identity scope or claim name.
    pub fn permission_key(v: &str) -> Result<(), Violation> {
        if v.is_empty() {
            return Err(violation("required", "is required"));
        }
        if v.len() > KEY_MAX {
            return Err(violation("too_long", "must be at most 128 characters long"));
        }
        if !v
            .bytes()
            .all(|b| b == 0x21 || (0x23..=0x5b).contains(&b) || (0x5d..=0x7e).contains(&b))
        {
            return Err(violation(
                "invalid_format",
                "may only contain printable ASCII characters without spaces, quotes or backslashes",
            ));
        }
        if RESERVED_KEYS.iter().any(|r| r.eq_ignore_ascii_case(v)) {
            return Err(violation("reserved", "is reserved by Pocket ID"));
        }
        Ok(())
    }

    /// A permission description: at most 200 characters.
    pub fn permission_description(v: &str) -> Result<(), Violation> {
        if v.chars().count() > DESCRIPTION_MAX {
            Err(violation("too_long", "must be at most 200 characters long"))
        } else {
            Ok(())
        }
    }

    /// Every failure of a create request (normalized first with [`normalize_resource`]).
    pub fn create_errors(req: &ApiCreateRequest) -> Vec<FieldError> {
        let mut out = Vec::new();
        if let Err(v) = name(&req.name) {
            out.push(field("name", v));
        }
        if let Err(v) = resource(&req.resource) {
            out.push(field("resource", v));
        }
        out
    }

    /// Every failure of a permissions update: each field, and keys repeated in the request.
    pub fn permissions_errors(req: &ApiPermissionsUpdateRequest) -> Vec<FieldError> {
        let mut out = Vec::new();
        for (i, p) in req.permissions.iter().enumerate() {
            if let Err(v) = permission_key(&p.key) {
                out.push(field(&format!("permissions[{i}].key"), v));
            } else if req.permissions[..i].iter().any(|q| q.key == p.key) {
                out.push(field(
                    &format!("permissions[{i}].key"),
                    violation("duplicate", "is listed more than once"),
                ));
            }
            if let Err(v) = name(&p.name) {
                out.push(field(&format!("permissions[{i}].name"), v));
            }
            if let Some(Err(v)) = p.description.as_deref().map(permission_description) {
                out.push(field(&format!("permissions[{i}].description"), v));
            }
        }
        out
    }

    #[cfg(test)]
    mod tests {
        use super::super::ApiPermissionInput;
        use super::*;

        #[test]
        fn resources_are_absolute_uris_without_fragment() {
            for ok in [
                "https://api.example.com",
                "urn:orders:api",
                "http://x:8080/v1?x=1",
            ] {
                assert_eq!(resource(ok), Ok(()), "{ok}");
            }
            for (bad, code) in [
                ("", "required"),
                ("api.example.com", "invalid_format"),
                ("https://api.example.com/#x", "invalid_format"),
                ("https://", "invalid_format"),
                ("https://a b", "invalid_format"),
                ("1http://x", "invalid_format"),
                ("urn:", "invalid_format"),
            ] {
                assert_eq!(resource(bad).map_err(|v| v.code), Err(code), "{bad}");
            }
            let long = format!("https://x/{}", "a".repeat(341));
            assert_eq!(resource(&long).unwrap_err().code, "too_long");
            assert_eq!(normalize_resource(" https://api/ "), "https://api");
        }

        #[test]
        fn the_issuer_is_not_a_resource() {
            assert!(is_issuer("http://LOCALHOST:1411", "http://localhost:1411/"));
            assert!(!is_issuer(
                "http://localhost:1411/api",
                "http://localhost:1411"
            ));
        }

        #[test]
        fn permission_keys_are_scope_tokens() {
            assert_eq!(permission_key("read:orders"), Ok(()));
            assert_eq!(permission_key("a b").unwrap_err().code, "invalid_format");
            assert_eq!(permission_key("a\"b").unwrap_err().code, "invalid_format");
            assert_eq!(permission_key("a\\b").unwrap_err().code, "invalid_format");
            assert_eq!(permission_key("OpenID").unwrap_err().code, "reserved");
            assert_eq!(
                permission_key(&"k".repeat(129)).unwrap_err().code,
                "too_long"
            );
        }

        #[test]
        fn permission_sets_name_each_failure() {
            let p = |key: &str, name: &str| ApiPermissionInput {
                key: key.into(),
                name: name.into(),
                description: Some("d".repeat(201)),
            };
            let req = ApiPermissionsUpdateRequest {
                permissions: vec![p("read", "Read"), p("read", ""), p("", "x")],
            };
            let fields: Vec<(String, String)> = permissions_errors(&req)
                .into_iter()
                .map(|f| (f.field, f.code))
                .collect();
            assert!(fields.contains(&("permissions[1].key".into(), "duplicate".into())));
            assert!(fields.contains(&("permissions[1].name".into(), "required".into())));
            assert!(fields.contains(&("permissions[2].key".into(), "required".into())));
            assert!(fields.contains(&("permissions[0].description".into(), "too_long".into())));
        }
    }
}
