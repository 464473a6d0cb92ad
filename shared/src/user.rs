//! Users as the API shows them, and the bodies that create or change them.

use serde::{Deserialize, Serialize};

pub use crate::custom_claim::CustomClaimDto;
use crate::oidc_client::Pagination;

/// A group a user belongs to, as listed on the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UserGroupSummaryDto {
    pub id: String,
    pub friendly_name: String,
    pub name: String,
}

/// A user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UserDto {
    pub id: String,
    pub username: String,
    pub email: Option<String>,
    pub email_verified: bool,
    pub first_name: String,
    pub last_name: String,
    pub display_name: String,
    pub is_admin: bool,
    pub locale: Option<String>,
    pub disabled: bool,
    pub ldap_id: Option<String>,
    #[serde(default)]
    pub custom_claims: Vec<CustomClaimDto>,
    #[serde(default)]
    pub user_groups: Vec<UserGroupSummaryDto>,
}

/// `PUT /api/users/me`: the signed-in user's own profile.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UserUpdateRequest {
    pub username: String,
    #[serde(default)]
    pub email: Option<String>,
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
    /// Defaults to "first last" when empty.
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub locale: Option<String>,
}

/// `PUT /api/users/{id}`: every field an administrator edits (a full replace; absent means
/// default, except `emailVerified`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AdminUserUpdateRequest {
    /// 1 to 50 characters; unique (case-insensitive).
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, min_length = 1, max_length = 50)
    )]
    pub username: String,
    /// Unique; required unless app config `requireUserEmail` is false. Empty means none.
    #[serde(default)]
    pub email: Option<String>,
    /// Absent: app config `emailsVerified` for a new user or a changed email, else unchanged.
    #[serde(default)]
    pub email_verified: Option<bool>,
    /// 1 to 50 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true, max_length = 50))]
    pub first_name: String,
    /// At most 50 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 50))]
    pub last_name: String,
    /// At most 100 characters; "first last" when empty.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub display_name: String,
    #[serde(default)]
    pub is_admin: bool,
    /// Free text (the UI offers its locales); empty means none.
    #[serde(default)]
    pub locale: Option<String>,
    /// A disabled user can neither sign in nor use existing sessions or API keys.
    #[serde(default)]
    pub disabled: bool,
}

/// `POST /api/users`: the editable fields plus an optional id and initial groups.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UserCreateRequest {
    /// A UUID; generated when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(flatten)]
    pub user: AdminUserUpdateRequest,
    /// Group ids (UUIDs). Absent or empty: app config `signupDefaultUserGroupIDs`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_group_ids: Option<Vec<String>>,
}

/// `GET /api/users`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserListResponse {
    pub data: Vec<UserDto>,
    pub pagination: Pagination,
}

/// `PUT /api/users/{id}/user-groups`: the complete new set of groups.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserUpdateUserGroupsRequest {
    /// User group ids (UUIDs).
    #[serde(rename = "userGroupIds")]
    pub user_group_ids: Vec<String>,
}

impl AdminUserUpdateRequest {
    /// Trims the strings, turns an empty email or locale into `None` and fills in the default
    /// display name: what the API stores, and what the rules judge.
    pub fn normalized(mut self) -> Self {
        let opt = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        self.username = self.username.trim().to_owned();
        self.first_name = self.first_name.trim().to_owned();
        self.last_name = self.last_name.trim().to_owned();
        self.display_name = self.display_name.trim().to_owned();
        self.email = opt(self.email);
        self.locale = opt(self.locale);
        if self.display_name.is_empty() {
            self.display_name = format!("{} {}", self.first_name, self.last_name)
                .trim()
                .to_owned();
        }
        self
    }

    /// The profile part, for [`rules::profile_errors`].
    pub fn profile(&self) -> rules::ProfileFields<'_> {
        rules::ProfileFields {
            username: &self.username,
            email: self.email.as_deref(),
            first_name: &self.first_name,
            last_name: &self.last_name,
            display_name: Some(&self.display_name),
        }
    }
}

impl UserCreateRequest {
    /// [`AdminUserUpdateRequest::normalized`] plus a trimmed id (empty means none).
    pub fn normalized(self) -> Self {
        Self {
            id: self
                .id
                .map(|i| i.trim().to_owned())
                .filter(|i| !i.is_empty()),
            user: self.user.normalized(),
            user_group_ids: self.user_group_ids,
        }
    }
}

/// `POST /api/signup/setup`: the first administrator.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SignUpRequest {
    pub username: String,
    #[serde(default)]
    pub email: Option<String>,
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
    /// A signup token (`POST /api/signup` only; ignored by the first-admin setup).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

/// Field rules shared by the API and the SPA's forms. Each returns the message for the field.
pub mod rules {
    /// 1–50 characters; starts and ends with a letter or digit; inside letters, digits and
    /// `_ . @ -` (Pocket ID's username rule).
    pub fn username(v: &str) -> Result<(), &'static str> {
        let n = v.chars().count();
        if !(1..=50).contains(&n) {
            return Err("must be 1 to 50 characters");
        }
        let ok_edge = |c: char| c.is_alphanumeric();
        let ok_inner = |c: char| c.is_alphanumeric() || matches!(c, '_' | '.' | '@' | '-');
        let first = v.chars().next().is_some_and(ok_edge);
        let last = v.chars().last().is_some_and(ok_edge);
        if !first || !last || !v.chars().all(ok_inner) {
            return Err(
                "may contain letters, digits and _ . @ - and must start and end with a letter or digit",
            );
        }
        Ok(())
    }

    /// A plausible email address (one `@`, a dotted domain, no spaces), at most 255 characters.
    pub fn email(v: &str) -> Result<(), &'static str> {
        let valid = v.len() <= 255
            && !v.chars().any(char::is_whitespace)
            && v.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            });
        if valid {
            Ok(())
        } else {
            Err("must be a valid email address")
        }
    }

    /// A name part: 1–50 characters when required, at most 50 otherwise.
    pub fn name(v: &str, required: bool) -> Result<(), &'static str> {
        let n = v.chars().count();
        match (required, n) {
            (true, 0) => Err("is required"),
            (_, 51..) => Err("must be at most 50 characters"),
            _ => Ok(()),
        }
    }

    /// Display name: at most 100 characters.
    pub fn display_name(v: &str) -> Result<(), &'static str> {
        if v.chars().count() > 100 {
            Err("must be at most 100 characters")
        } else {
            Ok(())
        }
    }

    /// The profile fields a user form sends, borrowed.
    #[derive(Debug, Clone, Copy)]
    pub struct ProfileFields<'a> {
        pub username: &'a str,
        pub email: Option<&'a str>,
        pub first_name: &'a str,
        pub last_name: &'a str,
        pub display_name: Option<&'a str>,
    }

    /// Every failing rule of a profile, by JSON field name (code `required` or `invalid`); the
    /// API answers these in `details.fields` and the SPA shows the same before sending.
    pub fn profile_errors(p: &ProfileFields<'_>, require_email: bool) -> Vec<crate::FieldError> {
        let mut errors = Vec::new();
        let mut check = |field: &str, r: Result<(), &'static str>| {
            if let Err(message) = r {
                let code = if message == "is required" {
                    "required"
                } else {
                    "invalid"
                };
                errors.push(crate::FieldError {
                    field: field.into(),
                    code: code.into(),
                    message: message.into(),
                });
            }
        };
        check("username", username(p.username));
        match p.email {
            Some(e) => check("email", email(e)),
            None if require_email => check("email", Err("is required")),
            None => {}
        }
        check("firstName", name(p.first_name, true));
        check("lastName", name(p.last_name, false));
        if let Some(d) = p.display_name {
            check("displayName", display_name(d));
        }
        errors
    }

    /// A UUID in its hyphenated form (`8-4-4-4-12` hex digits).
    pub fn uuid(v: &str) -> Result<(), &'static str> {
        let groups: Vec<&str> = v.split('-').collect();
        let ok = groups.len() == 5
            && groups
                .iter()
                .zip([8, 4, 4, 4, 12])
                .all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()));
        if ok {
            Ok(())
        } else {
            Err("must be a valid UUID")
        }
    }

    /// Every failing rule of an admin's (normalized) user body: the profile rules plus the id.
    pub fn admin_user_errors(
        req: &super::UserCreateRequest,
        require_email: bool,
    ) -> Vec<crate::FieldError> {
        let mut errors = Vec::new();
        if let Some(id) = &req.id
            && let Err(message) = uuid(id)
        {
            errors.push(crate::FieldError {
                field: "id".into(),
                code: "invalid_format".into(),
                message: message.into(),
            });
        }
        errors.extend(profile_errors(&req.user.profile(), require_email));
        errors
    }

    /// Passkey name: 1–50 characters.
    pub fn passkey_name(v: &str) -> Result<(), &'static str> {
        if (1..=50).contains(&v.trim().chars().count()) {
            Ok(())
        } else {
            Err("must be 1 to 50 characters")
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn usernames() {
            for ok in ["a", "alice", "a.b-c_d@e", "Ünïcode1", "x9"] {
                assert_eq!(username(ok), Ok(()), "{ok}");
            }
            for bad in ["", ".alice", "alice.", "al ice", "a/b", &"x".repeat(51)] {
                assert!(username(bad).is_err(), "{bad}");
            }
        }

        #[test]
        fn emails() {
            assert_eq!(email("a@example.com"), Ok(()));
            for bad in [
                "",
                "a",
                "a@b",
                "@example.com",
                "a@@example.com",
                "a b@example.com",
                "a@example.",
            ] {
                assert!(email(bad).is_err(), "{bad}");
            }
        }

        #[test]
        fn profile_errors_list_every_failing_field_in_order() {
            let p = ProfileFields {
                username: ".x",
                email: None,
                first_name: "",
                last_name: "ok",
                display_name: None,
            };
            let fields: Vec<String> = profile_errors(&p, true)
                .into_iter()
                .map(|f| f.field)
                .collect();
            assert_eq!(fields, ["username", "email", "firstName"]);
            assert!(
                profile_errors(&ProfileFields { email: None, ..p }, false)
                    .iter()
                    .all(|f| f.field != "email")
            );
            let ok = ProfileFields {
                username: "ada",
                email: Some("a@example.com"),
                first_name: "Ada",
                last_name: "",
                display_name: Some("Ada"),
            };
            assert!(profile_errors(&ok, true).is_empty());
        }

        #[test]
        fn uuids_and_admin_bodies() {
            assert_eq!(uuid("0b5c3f3e-2a4f-4d7e-9a51-3c1f7e6b8d20"), Ok(()));
            for bad in [
                "",
                "nope",
                "0b5c3f3e2a4f4d7e9a513c1f7e6b8d20",
                "0b5c3f3e-2a4f-4d7e-9a51-3c1f7e6b8d2g",
            ] {
                assert!(uuid(bad).is_err(), "{bad}");
            }
            let req = super::super::UserCreateRequest {
                id: Some(" x ".into()),
                user: super::super::AdminUserUpdateRequest {
                    username: " ada ".into(),
                    email: Some("  ".into()),
                    first_name: "Ada".into(),
                    last_name: "Lovelace".into(),
                    ..Default::default()
                },
                user_group_ids: None,
            }
            .normalized();
            assert_eq!(req.user.username, "ada");
            assert_eq!(req.user.email, None);
            assert_eq!(req.user.display_name, "Ada Lovelace");
            let fields: Vec<String> = admin_user_errors(&req, true)
                .into_iter()
                .map(|f| f.field)
                .collect();
            assert_eq!(fields, ["id", "email"]);
            assert!(
                admin_user_errors(&req, false)
                    .iter()
                    .all(|f| f.field != "email")
            );
        }

        #[test]
        fn names_and_passkeys() {
            assert!(name("", true).is_err());
            assert_eq!(name("", false), Ok(()));
            assert!(name(&"x".repeat(51), false).is_err());
            assert!(passkey_name("  ").is_err());
            assert_eq!(passkey_name("YubiKey"), Ok(()));
            assert!(passkey_name(&"x".repeat(51)).is_err());
        }
    }
}
