//! Users as the API shows them, and the bodies that create or change them.

use serde::{Deserialize, Serialize};

/// A custom claim (key and value) of a user or group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomClaimDto {
    pub key: String,
    pub value: String,
}

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
