//! Self-signup: the signup modes of app config `allowUserSignups`, signup token DTOs
//! (`/api/signup-tokens`) and their field rules. The signup request itself is
//! [`crate::SignUpRequest`] (shared with the first-admin setup).

pub use crate::pagination::Pagination;
use crate::user::UserGroupSummaryDto;
use serde::{Deserialize, Serialize};

/// App config `allowUserSignups`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignupMode {
    /// Nobody signs up (the default).
    Disabled,
    /// Only with a signup token from an administrator.
    WithToken,
    /// Anyone, with or without a token.
    Open,
}

impl SignupMode {
    /// The mode for a stored value; anything unknown is `Disabled` (fail closed).
    pub fn parse(value: &str) -> Self {
        match value.trim() {
            "open" => Self::Open,
            "withToken" => Self::WithToken,
            _ => Self::Disabled,
        }
    }

    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Disabled => "disabled",
            Self::WithToken => "withToken",
            Self::Open => "open",
        }
    }
}

/// `POST /api/signup-tokens`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SignupTokenCreateRequest {
    /// Lifetime: seconds (number) or a Go duration string such as `"1h"` or `"72h"`; default
    /// 1 hour, at most 31 days.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "24h"))]
    pub ttl: Option<serde_json::Value>,
    /// How many accounts the token may create: 1 to 100.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, minimum = 1, maximum = 100)
    )]
    pub usage_limit: i64,
    /// Groups every account created with the token joins (else the default signup groups).
    #[serde(default)]
    pub user_group_ids: Vec<String>,
}

/// A signup token. Only its SHA-256 is stored: `token` carries the value in the create
/// response alone; lists show `tokenPrefix` to tell tokens apart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SignupTokenDto {
    pub id: String,
    /// The token (16 letters and digits); only in the create response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// The first characters of the token.
    pub token_prefix: String,
    /// RFC 3339.
    pub expires_at: String,
    pub usage_limit: i64,
    pub usage_count: i64,
    pub user_groups: Vec<UserGroupSummaryDto>,
    /// RFC 3339.
    pub created_at: String,
}

/// `GET /api/signup-tokens`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignupTokenListResponse {
    pub data: Vec<SignupTokenDto>,
    pub pagination: Pagination,
}

/// Field rules shared by the API and the SPA.
pub mod rules {
    use crate::FieldError;

    /// Allowed usage limits.
    pub const USAGE_LIMIT: std::ops::RangeInclusive<i64> = 1..=100;
    /// Length of a token: 16 characters of `A-Z a-z 0-9`.
    pub const TOKEN_LEN: usize = 16;
    /// Characters of the token kept in clear for lists.
    pub const PREFIX_LEN: usize = 4;

    /// `usageLimit`: 1 to 100.
    pub fn usage_limit(v: i64) -> Result<(), FieldError> {
        if USAGE_LIMIT.contains(&v) {
            Ok(())
        } else {
            Err(FieldError {
                field: "usageLimit".into(),
                code: "out_of_range".into(),
                message: "must be between 1 and 100".into(),
            })
        }
    }

    /// Whether `v` has the shape of a signup token (so a mistyped link fails before a request).
    pub fn looks_like_token(v: &str) -> bool {
        v.len() == TOKEN_LEN && v.chars().all(|c| c.is_ascii_alphanumeric())
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn usage_limits() {
            assert!(usage_limit(1).is_ok() && usage_limit(100).is_ok());
            assert_eq!(usage_limit(0).unwrap_err().code, "out_of_range");
            assert!(usage_limit(101).is_err());
            assert!(looks_like_token("AbCdEfGh12345678"));
            assert!(!looks_like_token("AbCdEfGh1234567"));
            assert!(!looks_like_token("AbCdEfGh1234567!"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_round_trip_and_unknown_is_disabled() {
        for m in [
            SignupMode::Disabled,
            SignupMode::WithToken,
            SignupMode::Open,
        ] {
            assert_eq!(SignupMode::parse(m.as_str()), m);
        }
        assert_eq!(SignupMode::parse("OPEN"), SignupMode::Disabled);
    }

    #[test]
    fn list_items_carry_no_token() {
        let dto = SignupTokenDto {
            id: "1".into(),
            token: None,
            token_prefix: "AbCd".into(),
            expires_at: "2030-01-01T00:00:00+00:00".into(),
            usage_limit: 1,
            usage_count: 0,
            user_groups: vec![],
            created_at: "2030-01-01T00:00:00+00:00".into(),
        };
        let json = serde_json::to_value(&dto).unwrap();
        assert!(json.get("token").is_none());
        assert_eq!(json["tokenPrefix"], "AbCd");
    }
}
