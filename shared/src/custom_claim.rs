//! Custom claims of users and groups (`/api/custom-claims/...`) and the rules the API applies
//! to a claim list, which the SPA's claims editor applies before sending.

use serde::{Deserialize, Serialize};

/// A custom claim (key and value) of a user or group. The value is text; when it parses as
/// JSON (object, array, number, boolean) tokens carry it as JSON, otherwise as a string.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomClaimDto {
    pub key: String,
    pub value: String,
}

/// Claim names a custom claim may not use: they would shadow standard or token claims
/// (Pocket ID's list).
pub const RESERVED_KEYS: &[&str] = &[
    "given_name",
    "family_name",
    "name",
    "email",
    "email_verified",
    "preferred_username",
    "display_name",
    "groups",
    "type",
    "sub",
    "iss",
    "aud",
    "exp",
    "iat",
    "auth_time",
    "nonce",
    "acr",
    "amr",
    "azp",
    "client_id",
    "nbf",
    "jti",
];

/// Field rules for claim lists. Errors name the entry as `claims[<index>].key` / `.value`.
pub mod rules {
    use super::{CustomClaimDto, RESERVED_KEYS};
    use crate::FieldError;

    /// Longest key (the column is `varchar(255)` on PostgreSQL).
    pub const KEY_MAX: usize = 255;

    /// True for a name custom claims may not use.
    pub fn is_reserved(key: &str) -> bool {
        RESERVED_KEYS.contains(&key)
    }

    /// A claim key: required, at most 255 characters, no whitespace or control characters,
    /// not reserved. Returns the failure's code and message.
    pub fn key(v: &str) -> Result<(), (&'static str, &'static str)> {
        if v.is_empty() {
            return Err(("required", "is required"));
        }
        if v.chars().count() > KEY_MAX {
            return Err(("too_long", "must be at most 255 characters long"));
        }
        if v.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err((
                "invalid_format",
                "must not contain spaces or control characters",
            ));
        }
        if is_reserved(v) {
            return Err(("reserved", "is a reserved claim name"));
        }
        Ok(())
    }

    /// A claim value: required (any text; JSON text is emitted as JSON).
    pub fn value(v: &str) -> Result<(), (&'static str, &'static str)> {
        if v.is_empty() {
            Err(("required", "is required"))
        } else {
            Ok(())
        }
    }

    /// Trims keys and values: what the API stores, and what the rules judge.
    pub fn normalized(claims: Vec<CustomClaimDto>) -> Vec<CustomClaimDto> {
        claims
            .into_iter()
            .map(|c| CustomClaimDto {
                key: c.key.trim().to_owned(),
                value: c.value.trim().to_owned(),
            })
            .collect()
    }

    /// Every failing rule of a (normalized) claim list, including keys used twice (the later
    /// entry is named, code `duplicate`).
    pub fn claims_errors(claims: &[CustomClaimDto]) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let mut push = |field: String, (code, message): (&str, &str)| {
            errors.push(FieldError {
                field,
                code: code.into(),
                message: message.into(),
            });
        };
        for (i, c) in claims.iter().enumerate() {
            if let Err(e) = key(&c.key) {
                push(format!("claims[{i}].key"), e);
            } else if claims[..i].iter().any(|earlier| earlier.key == c.key) {
                push(
                    format!("claims[{i}].key"),
                    ("duplicate", "is used by another claim"),
                );
            }
            if let Err(e) = value(&c.value) {
                push(format!("claims[{i}].value"), e);
            }
        }
        errors
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn claim(k: &str, v: &str) -> CustomClaimDto {
            CustomClaimDto {
                key: k.into(),
                value: v.into(),
            }
        }

        #[test]
        fn keys() {
            assert_eq!(key("department"), Ok(()));
            assert_eq!(key("https://example.com/roles"), Ok(()));
            assert_eq!(key("").unwrap_err().0, "required");
            assert_eq!(key("a b").unwrap_err().0, "invalid_format");
            assert_eq!(key(&"k".repeat(256)).unwrap_err().0, "too_long");
            for reserved in ["sub", "email", "groups", "given_name", "jti"] {
                assert_eq!(key(reserved).unwrap_err().0, "reserved", "{reserved}");
            }
            assert_eq!(key("Sub"), Ok(()), "reserved names are case-sensitive");
        }

        #[test]
        fn lists_name_the_failing_entry() {
            let claims = normalized(vec![
                claim(" team ", " core "),
                claim("sub", "x"),
                claim("team", "other"),
                claim("level", ""),
            ]);
            assert_eq!(claims[0], claim("team", "core"));
            let fields: Vec<(String, String)> = claims_errors(&claims)
                .into_iter()
                .map(|f| (f.field, f.code))
                .collect();
            assert_eq!(
                fields,
                [
                    ("claims[1].key".to_owned(), "reserved".to_owned()),
                    ("claims[2].key".to_owned(), "duplicate".to_owned()),
                    ("claims[3].value".to_owned(), "required".to_owned()),
                ]
            );
            assert!(claims_errors(&[claim("a", "1"), claim("b", "[1]")]).is_empty());
        }
    }
}
