//! Protocol parameters: form bodies and query strings parsed into a map, refusing repeated
//! parameters (RFC 6749 3.1: "MUST NOT be included more than once").

use crate::features::oidc::error::OAuthError;
use axum::body::Bytes;
use axum::http::{HeaderMap, header};
use std::collections::BTreeMap;

/// Parameters of one protocol request; empty values count as absent (RFC 6749 3.1).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params(pub BTreeMap<String, String>);

impl Params {
    /// Parses `application/x-www-form-urlencoded` data.
    pub fn parse(data: &[u8]) -> Result<Self, OAuthError> {
        let mut map = BTreeMap::new();
        for (k, v) in url::form_urlencoded::parse(data) {
            if v.is_empty() {
                continue;
            }
            if map.insert(k.clone().into_owned(), v.into_owned()).is_some() {
                return Err(OAuthError::invalid_request(format!(
                    "The parameter {k} is included more than once"
                )));
            }
        }
        Ok(Self(map))
    }

    /// The form body of a POST; it must be form-encoded.
    pub fn from_form(headers: &HeaderMap, body: &Bytes) -> Result<Self, OAuthError> {
        if body.is_empty() {
            return Ok(Self::default());
        }
        let form = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if !form {
            return Err(OAuthError::invalid_request(
                "The request body must be application/x-www-form-urlencoded",
            ));
        }
        Self::parse(body)
    }

    /// The value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// The value of `name`, or `invalid_request` naming it.
    pub fn require(&self, name: &str) -> Result<&str, OAuthError> {
        self.get(name)
            .ok_or_else(|| OAuthError::invalid_request(format!("The parameter {name} is missing")))
    }

    /// The space-separated scope list, deduplicated, in request order.
    pub fn scopes(&self) -> Vec<String> {
        split_scopes(self.get("scope").unwrap_or(""))
    }
}

/// Splits a scope string (deduplicated, order kept).
pub fn split_scopes(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for part in s.split(' ').filter(|p| !p.is_empty()) {
        if !out.iter().any(|o| o == part) {
            out.push(part.to_owned());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_parameters_are_refused_and_empty_ones_ignored() {
        assert!(Params::parse(b"a=1&a=2").is_err());
        let p = Params::parse(b"a=1&b=&scope=openid+email+openid").unwrap();
        assert_eq!(p.get("a"), Some("1"));
        assert_eq!(p.get("b"), None);
        assert_eq!(p.scopes(), vec!["openid", "email"]);
        assert!(p.require("code").unwrap_err().description.contains("code"));
    }
}
