//! The admin claims preview: the ID token, access token and userinfo claim sets a sign-in of a
//! user to a client would produce, built by the same code as the real tokens
//! ([`tokens::mint`], [`claims`]) and never stored.

use crate::auth::session::AMR_PASSKEY;
use crate::error::AppError;
use crate::features::oidc::store::Session;
use crate::features::oidc::tokens::{self, Grant};
use crate::features::oidc::{protocol::client, protocol::params::split_scopes, tokens::claims};
use crate::state::AppState;
use pocket_shared::ErrorCode;
use pocket_shared::oidc_client::OidcClientPreviewDto;
use serde_json::{Map, Value};
use uuid::Uuid;

/// The scopes a real authorization request would keep of `raw` (space-separated; unknown
/// scopes are dropped, as at `/authorize`), or a field error when none is given.
pub fn requested_scopes(raw: Option<&str>) -> Result<Vec<String>, AppError> {
    let asked = split_scopes(raw.unwrap_or("").trim());
    if asked.is_empty() {
        return Err(AppError::field("scopes", "required", "is required"));
    }
    Ok(asked
        .into_iter()
        .filter(|s| claims::STANDARD_SCOPES.contains(&s.as_str()))
        .collect())
}

fn object(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// The claims `user_id` would get from `client_id` for `scopes`, signed in with a passkey now.
pub async fn preview(
    state: &AppState,
    client_id: &str,
    user_id: Uuid,
    scopes: &[String],
) -> Result<OidcClientPreviewDto, AppError> {
    let c = super::service::get(&state.db, client_id).await?;
    let user = crate::features::users::service::get(&state.db, user_id).await?;
    if !client::user_allowed(&state.db, &c, user.id).await? {
        return Err(AppError::refused(
            ErrorCode::OidcAccessDenied,
            "The user is not allowed to use this client",
        ));
    }
    let now = state.clock.now();
    let profile = claims::load_profile(&state.db, user, scopes).await?;
    let session = Session {
        subject: Some(user_id),
        auth_time: now.timestamp(),
        amr: vec![AMR_PASSKEY.to_owned()],
        requested_at: now.timestamp(),
    };
    let keys = state.keys.get();
    let issuer = &state.config.app_url;
    let minted = tokens::mint(
        &keys,
        issuer,
        &Grant {
            client: &c,
            scopes,
            session: &session,
            profile: Some(&profile),
            nonce: None,
            code: None,
            family: "",
            refresh: true,
        },
        now,
    )
    .map_err(|e| {
        tracing::error!(error = ?e, "preview tokens could not be minted");
        AppError::Internal("preview tokens could not be minted".into())
    })?;
    // Userinfo answers only tokens with `openid` (see `userinfo.rs`): the same claims plus `sub`.
    let user_info = if scopes.iter().any(|s| s == "openid") {
        crate::features::oidc::endpoints::userinfo::claims(&profile, scopes, issuer)
    } else {
        Map::new()
    };
    Ok(OidcClientPreviewDto {
        id_token: minted.id_token.map(|(_, c)| object(c)).unwrap_or_default(),
        access_token: object(minted.access_claims),
        user_info,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_are_filtered_like_authorize() {
        assert_eq!(
            requested_scopes(Some("openid  profile openid custom email")).unwrap(),
            ["openid", "profile", "email"]
        );
        assert!(requested_scopes(Some("custom")).unwrap().is_empty());
        for missing in [None, Some(""), Some("   ")] {
            match requested_scopes(missing) {
                Err(AppError::Validation(v)) => assert_eq!(v[0].field, "scopes"),
                other => panic!("{other:?}"),
            }
        }
    }
}
