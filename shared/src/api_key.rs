//! API key DTOs (`/api/api-keys`) and the field rules the API applies and the SPA's API key
//! form can apply before sending.

pub use crate::pagination::Pagination;
use serde::{Deserialize, Serialize};

/// An API key without its token (the token is shown once, when created or renewed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ApiKeyDto {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    /// RFC 3339. The key stops working at this instant.
    pub expires_at: String,
    /// RFC 3339; `None` until first used. Updated at most once a minute.
    pub last_used_at: Option<String>,
    /// RFC 3339.
    pub created_at: String,
    /// Whether the owner was already emailed that the key expires soon.
    pub expiration_email_sent: bool,
}

/// `POST /api/api-keys`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ApiKeyCreateRequest {
    /// 3 to 50 characters.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, min_length = 3, max_length = 50)
    )]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// RFC 3339, in the future.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true, format = DateTime))]
    pub expires_at: String,
}

/// `POST /api/api-keys/{id}/renew`: the new expiry of an expired key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ApiKeyRenewRequest {
    /// RFC 3339, in the future.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true, format = DateTime))]
    pub expires_at: String,
}

/// A newly created or renewed key: the only answer that carries its token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ApiKeyResponse {
    pub api_key: ApiKeyDto,
    /// Send as `X-API-Key`; not retrievable later (only its SHA-256 is stored).
    pub token: String,
}

/// `GET /api/api-keys`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiKeyListResponse {
    pub data: Vec<ApiKeyDto>,
    pub pagination: Pagination,
}

/// Field rules shared by the API and the SPA. Each returns the failure's code and message.
pub mod rules {
    use super::{ApiKeyCreateRequest, ApiKeyRenewRequest};
    use crate::FieldError;

    /// Name length range in characters (after trimming).
    pub const NAME_LEN: std::ops::RangeInclusive<usize> = 3..=50;
    /// Length of a token: 32 characters of `A-Z a-z 0-9`.
    pub const TOKEN_LEN: usize = 32;

    /// The header an API key is sent in.
    pub const HEADER: &str = "X-API-Key";

    /// Why a value was refused: a machine code (`required`, `too_short`, `too_long`,
    /// `invalid_format`, `out_of_range`) and a message to show after the field name.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Violation {
        pub code: &'static str,
        pub message: &'static str,
    }

    const fn violation(code: &'static str, message: &'static str) -> Violation {
        Violation { code, message }
    }

    /// Name: 3 to 50 characters.
    pub fn name(v: &str) -> Result<(), Violation> {
        match v.trim().chars().count() {
            0 => Err(violation("required", "is required")),
            n if n < *NAME_LEN.start() => {
                Err(violation("too_short", "must be at least 3 characters long"))
            }
            n if n > *NAME_LEN.end() => {
                Err(violation("too_long", "must be at most 50 characters long"))
            }
            _ => Ok(()),
        }
    }

    /// Expiry: required. (Whether it lies in the future is the server's call: its clock
    /// decides; the SPA may check against the browser clock first.)
    pub fn expires_at(v: &str) -> Result<(), Violation> {
        if v.trim().is_empty() {
            Err(violation("required", "is required"))
        } else {
            Ok(())
        }
    }

    fn push(errors: &mut Vec<FieldError>, field: &str, r: Result<(), Violation>) {
        if let Err(v) = r {
            errors.push(FieldError {
                field: field.into(),
                code: v.code.into(),
                message: v.message.into(),
            });
        }
    }

    /// Every failing rule of a create request, by JSON field name, in field order.
    pub fn create_errors(req: &ApiKeyCreateRequest) -> Vec<FieldError> {
        let mut errors = Vec::new();
        push(&mut errors, "name", name(&req.name));
        push(&mut errors, "expiresAt", expires_at(&req.expires_at));
        errors
    }

    /// Every failing rule of a renew request.
    pub fn renew_errors(req: &ApiKeyRenewRequest) -> Vec<FieldError> {
        let mut errors = Vec::new();
        push(&mut errors, "expiresAt", expires_at(&req.expires_at));
        errors
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn names_are_3_to_50_characters() {
            assert_eq!(name("abc"), Ok(()));
            assert_eq!(name(&"é".repeat(50)), Ok(()));
            assert_eq!(name("  ").unwrap_err().code, "required");
            assert_eq!(name(" ab ").unwrap_err().code, "too_short");
            assert_eq!(name(&"x".repeat(51)).unwrap_err().code, "too_long");
        }

        #[test]
        fn create_errors_name_each_field() {
            let req = ApiKeyCreateRequest {
                name: "x".into(),
                description: None,
                expires_at: String::new(),
            };
            let fields: Vec<String> = create_errors(&req).into_iter().map(|f| f.field).collect();
            assert_eq!(fields, ["name", "expiresAt"]);
            let ok = ApiKeyCreateRequest {
                name: "CI deploy".into(),
                description: Some("for the pipeline".into()),
                expires_at: "2030-01-01T00:00:00Z".into(),
            };
            assert!(create_errors(&ok).is_empty());
        }
    }
}
