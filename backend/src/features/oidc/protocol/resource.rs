//! Resource indicators (RFC 8707): a `resource` parameter names one of the admin's APIs, which
//! becomes the access token's audience; the scopes a client may get there are the standard
//! ones plus the API permissions granted to it for the flow's subject (user-delegated flows or
//! client credentials). Without `resource` the audience is the client itself and API
//! permissions are refused.

use crate::features::apis::repo::{self, Subject};
use crate::features::oidc::error::OAuthError;
use crate::features::oidc::protocol::params::Params;
use crate::features::oidc::protocol::request::AuthRequest;
use crate::features::oidc::tokens::claims::STANDARD_SCOPES;
use pocket_shared::api_resource::rules::normalize_resource;
use pocket_shared::oidc::ScopeInfoDto;
use sea_orm::{ConnectionTrait, DbErr};

/// What a request may be granted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The API audience; `None`: the token is for the client itself.
    pub audience: Option<String>,
    /// The granted scopes, in request order.
    pub scopes: Vec<String>,
}

/// Separator of audience-qualified consent keys (Pocket ID's): it can appear neither in a
/// resource URI nor in a scope token.
const CONSENT_SEPARATOR: char = '\x1f';

/// Resolves `resource` (if any) and the `requested` scopes for `client` and `subject`.
/// Unknown scopes are ignored, as without resource indicators. For client credentials
/// (`Subject::Client`) with a resource and no scope, every client-granted permission is
/// granted.
pub async fn resolve(
    db: &impl ConnectionTrait,
    client: &str,
    resource: Option<&str>,
    requested: &[String],
    subject: Subject,
) -> Result<Resolved, OAuthError> {
    let standard: Vec<String> = requested
        .iter()
        .filter(|s| STANDARD_SCOPES.contains(&s.as_str()))
        .cloned()
        .collect();
    let custom: Vec<String> = requested
        .iter()
        .filter(|s| !STANDARD_SCOPES.contains(&s.as_str()))
        .cloned()
        .collect();
    let known = repo::permission_keys_among(db, custom.clone()).await?;
    let Some(resource) = resource.map(normalize_resource) else {
        if let Some(k) = known.first() {
            return Err(OAuthError::invalid_scope(format!(
                "The scope {k} belongs to an API: request it with its resource parameter"
            )));
        }
        return Ok(Resolved {
            audience: None,
            scopes: standard,
        });
    };
    let Some(api) = repo::find_by_audience(db, &resource).await? else {
        return Err(OAuthError::invalid_target("The resource is unknown"));
    };
    if !repo::has_access(db, client, api.id, subject).await? {
        return Err(OAuthError::access_denied(
            "The client is not allowed to access this resource",
        ));
    }
    let granted = repo::granted_keys(db, client, api.id, subject).await?;
    let mut scopes = standard;
    if requested.is_empty() && subject == Subject::Client {
        scopes.extend(granted);
    } else {
        for s in custom {
            if granted.contains(&s) {
                scopes.push(s);
            } else if known.contains(&s) {
                return Err(OAuthError::invalid_scope(format!(
                    "The scope {s} is not granted to this client for this resource"
                )));
            }
        }
    }
    Ok(Resolved {
        audience: Some(api.audience),
        scopes,
    })
}

/// Applies the `resource` and `scope` of an authorization request (a user-delegated flow):
/// sets its audience and the scopes it may be granted.
pub async fn apply(
    db: &impl ConnectionTrait,
    req: &mut AuthRequest,
    params: &Params,
) -> Result<(), OAuthError> {
    let r = resolve(
        db,
        &req.client_id,
        params.get("resource"),
        &params.scopes(),
        Subject::User,
    )
    .await?;
    req.audience = r.audience;
    req.scopes = r.scopes;
    Ok(())
}

/// Re-checks a refresh of a grant for `audience`: the API must still exist and the client
/// still have user-delegated access; permissions revoked since are dropped from `scopes`.
pub async fn recheck(
    db: &impl ConnectionTrait,
    client: &str,
    audience: &str,
    scopes: &[String],
) -> Result<Vec<String>, OAuthError> {
    let revoked = || OAuthError::invalid_grant("The client's access to this resource was revoked");
    let api = repo::find_by_audience(db, audience)
        .await?
        .ok_or_else(revoked)?;
    if !repo::has_access(db, client, api.id, Subject::User).await? {
        return Err(revoked());
    }
    let granted = repo::granted_keys(db, client, api.id, Subject::User).await?;
    Ok(scopes
        .iter()
        .filter(|s| STANDARD_SCOPES.contains(&s.as_str()) || granted.contains(s))
        .cloned()
        .collect())
}

/// The consent keys of a request: standard scopes bare; for an API, `<audience>\x1f` (access
/// at all) and `<audience>\x1f<scope>` per permission, so the same key on two APIs is
/// consented to separately.
pub fn consent_keys(audience: Option<&str>, scopes: &[String]) -> Vec<String> {
    let Some(aud) = audience else {
        return scopes.to_vec();
    };
    let mut keys = vec![format!("{aud}{CONSENT_SEPARATOR}")];
    for s in scopes {
        if STANDARD_SCOPES.contains(&s.as_str()) {
            keys.push(s.clone());
        } else {
            keys.push(format!("{aud}{CONSENT_SEPARATOR}{s}"));
        }
    }
    keys
}

/// Display names of the API permissions among `scopes`, for consent screens.
pub async fn scope_info(
    db: &impl ConnectionTrait,
    audience: Option<&str>,
    scopes: &[String],
) -> Result<Vec<ScopeInfoDto>, DbErr> {
    let Some(aud) = audience else {
        return Ok(Vec::new());
    };
    let custom: Vec<String> = scopes
        .iter()
        .filter(|s| !STANDARD_SCOPES.contains(&s.as_str()))
        .cloned()
        .collect();
    let perms = repo::describe(db, aud, custom.clone()).await?;
    Ok(custom
        .iter()
        .filter_map(|k| perms.iter().find(|p| &p.key == k))
        .map(|p| ScopeInfoDto {
            key: p.key.clone(),
            name: p.name.clone(),
            description: p.description.clone(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consent_keys_qualify_api_scopes_only() {
        let scopes = vec!["openid".to_owned(), "read".to_owned()];
        assert_eq!(consent_keys(None, &scopes), scopes);
        assert_eq!(
            consent_keys(Some("https://api"), &scopes),
            ["https://api\x1f", "openid", "https://api\x1fread"]
        );
        assert_ne!(
            consent_keys(Some("https://a"), &scopes),
            consent_keys(Some("https://b"), &scopes)
        );
    }
}
