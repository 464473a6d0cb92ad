//! User groups as the admin API shows them (`/api/user-groups`), the bodies that change them,
//! and the field rules the API applies and the SPA's group form applies before sending.

use crate::custom_claim::CustomClaimDto;
use crate::oidc::OidcClientMetaDto;
use crate::oidc_client::Pagination;
use crate::user::UserDto;
use serde::{Deserialize, Serialize};

/// A user group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UserGroupDto {
    pub id: String,
    /// The label shown in the UI.
    pub friendly_name: String,
    /// Unique; the value of the `groups` claim.
    pub name: String,
    #[serde(default)]
    pub custom_claims: Vec<CustomClaimDto>,
    /// Set for groups synchronised from LDAP.
    pub ldap_id: Option<String>,
    /// RFC 3339.
    pub created_at: String,
}

/// A row of the group list: the group and how many members it has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UserGroupWithUserCountDto {
    #[serde(flatten)]
    pub group: UserGroupDto,
    pub user_count: u64,
}

/// `GET /api/user-groups/{id}` and the answer of every change: the group with its members and
/// the OIDC clients it is allowed to use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UserGroupWithUsersDto {
    #[serde(flatten)]
    pub group: UserGroupDto,
    /// Members, by username.
    #[serde(default)]
    pub users: Vec<UserDto>,
    /// Group-restricted clients this group may use, by name.
    #[serde(default)]
    pub allowed_oidc_clients: Vec<OidcClientMetaDto>,
}

/// `GET /api/user-groups`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserGroupListResponse {
    pub data: Vec<UserGroupWithUserCountDto>,
    pub pagination: Pagination,
}

/// `POST /api/user-groups` and `PUT /api/user-groups/{id}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UserGroupCreateRequest {
    /// 2 to 50 characters.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, min_length = 2, max_length = 50)
    )]
    pub friendly_name: String,
    /// 2 to 255 characters, unique.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, min_length = 2, max_length = 255)
    )]
    pub name: String,
}

/// `PUT /api/user-groups/{id}/users`: the complete new member list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserGroupUpdateUsersRequest {
    /// User ids (UUIDs).
    #[serde(rename = "userIds")]
    pub user_ids: Vec<String>,
}

/// `PUT /api/user-groups/{id}/allowed-oidc-clients`: the complete new set of clients.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserGroupUpdateAllowedOidcClientsRequest {
    /// OIDC client ids.
    #[serde(rename = "oidcClientIds")]
    pub oidc_client_ids: Vec<String>,
}

impl UserGroupCreateRequest {
    /// Trims both names: what the API stores, and what the rules judge.
    pub fn normalized(self) -> Self {
        Self {
            friendly_name: self.friendly_name.trim().to_owned(),
            name: self.name.trim().to_owned(),
        }
    }
}

/// Field rules shared by the API and the SPA.
pub mod rules {
    use super::UserGroupCreateRequest;
    use crate::FieldError;

    /// Friendly name length range.
    pub const FRIENDLY_NAME_LEN: std::ops::RangeInclusive<usize> = 2..=50;
    /// Name length range.
    pub const NAME_LEN: std::ops::RangeInclusive<usize> = 2..=255;

    fn length(
        v: &str,
        range: &std::ops::RangeInclusive<usize>,
    ) -> Result<(), (&'static str, String)> {
        let n = v.chars().count();
        if n == 0 {
            Err(("required", "is required".into()))
        } else if n < *range.start() {
            Err((
                "too_short",
                format!("must be at least {} characters long", range.start()),
            ))
        } else if n > *range.end() {
            Err((
                "too_long",
                format!("must be at most {} characters long", range.end()),
            ))
        } else {
            Ok(())
        }
    }

    /// Friendly name: 2 to 50 characters. Returns the failure's code and message.
    pub fn friendly_name(v: &str) -> Result<(), (&'static str, String)> {
        length(v, &FRIENDLY_NAME_LEN)
    }

    /// Name: 2 to 255 characters.
    pub fn name(v: &str) -> Result<(), (&'static str, String)> {
        length(v, &NAME_LEN)
    }

    /// A suggested `name` for a friendly name, as Pocket ID's form fills it in: lower case,
    /// runs of anything but letters and digits become `_`.
    pub fn name_from_friendly_name(friendly: &str) -> String {
        let mut out = String::new();
        for c in friendly.trim().chars() {
            if c.is_alphanumeric() {
                out.extend(c.to_lowercase());
            } else if !out.ends_with('_') {
                out.push('_');
            }
        }
        out.trim_matches('_').to_owned()
    }

    /// Every failing rule of a (normalized) group body, by JSON field name.
    pub fn group_errors(req: &UserGroupCreateRequest) -> Vec<FieldError> {
        let mut errors = Vec::new();
        for (field, r) in [
            ("friendlyName", friendly_name(&req.friendly_name)),
            ("name", name(&req.name)),
        ] {
            if let Err((code, message)) = r {
                errors.push(FieldError {
                    field: field.into(),
                    code: code.into(),
                    message,
                });
            }
        }
        errors
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn lengths() {
            assert_eq!(friendly_name("Developers"), Ok(()));
            assert_eq!(friendly_name("").unwrap_err().0, "required");
            assert_eq!(friendly_name("D").unwrap_err().0, "too_short");
            assert_eq!(friendly_name(&"x".repeat(51)).unwrap_err().0, "too_long");
            assert_eq!(name(&"x".repeat(255)), Ok(()));
            assert_eq!(name(&"x".repeat(256)).unwrap_err().0, "too_long");
        }

        #[test]
        fn errors_name_fields_and_names_are_suggested() {
            let req = UserGroupCreateRequest {
                friendly_name: " Dev Team ".into(),
                name: "x".into(),
            }
            .normalized();
            assert_eq!(req.friendly_name, "Dev Team");
            let fields: Vec<String> = group_errors(&req).into_iter().map(|f| f.field).collect();
            assert_eq!(fields, ["name"]);
            assert_eq!(
                name_from_friendly_name("  Dev Team / Ops! "),
                "dev_team_ops"
            );
        }
    }
}
