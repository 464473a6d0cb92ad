//! Rules for API keys: a token is shown once and only its SHA-256 is kept; expiry must lie in
//! the future; a key is renewed (new token, new expiry, same id) only once it has expired.

use super::repo::{self, SortColumn};
use crate::auth::api_key::generate_token;
use crate::crypto::hash_token;
use crate::db::entities::api_keys;
use crate::error::{AppError, validated};
use crate::list::ListParams;
use chrono::{DateTime, Duration, Utc};
use pocket_shared::ErrorCode;
use pocket_shared::api_key::{
    ApiKeyCreateRequest, ApiKeyDto, ApiKeyListResponse, ApiKeyRenewRequest, ApiKeyResponse, rules,
};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use uuid::Uuid;

/// The API view of a key.
pub fn to_dto(k: &api_keys::Model) -> ApiKeyDto {
    ApiKeyDto {
        id: k.id.to_string(),
        name: k.name.clone(),
        description: k.description.clone(),
        expires_at: k.expires_at.to_rfc3339(),
        last_used_at: k.last_used_at.map(|t| t.to_rfc3339()),
        created_at: k.created_at.to_rfc3339(),
        expiration_email_sent: k.expiration_email_sent,
    }
}

/// Parses `expiresAt` (RFC 3339), which must lie after `now` and at most `max_lifetime` after
/// it (`API_KEY_MAX_LIFETIME_DAYS`): a key never outlives the limit the operator set.
fn expiry(
    raw: &str,
    now: DateTime<Utc>,
    max_lifetime: Duration,
) -> Result<DateTime<Utc>, AppError> {
    let at = DateTime::parse_from_rfc3339(raw.trim())
        .map_err(|_| {
            AppError::field(
                "expiresAt",
                "invalid_format",
                "must be an RFC 3339 date and time",
            )
        })?
        .with_timezone(&Utc);
    // A key that is already expired could never be used.
    if at <= now {
        return Err(AppError::field(
            "expiresAt",
            "out_of_range",
            "must be in the future",
        ));
    }
    if at > now + max_lifetime {
        return Err(AppError::field(
            "expiresAt",
            "out_of_range",
            &format!("must be at most {} days from now", max_lifetime.num_days()),
        ));
    }
    Ok(at)
}

/// One page of `user`'s keys: sortable by name (default), description, expiresAt, lastUsedAt
/// and createdAt; `search` matches the name.
pub async fn list(
    db: &impl ConnectionTrait,
    user: Uuid,
    params: &ListParams,
) -> Result<ApiKeyListResponse, AppError> {
    let sort = params.sort(
        &[
            ("name", SortColumn::Name),
            ("description", SortColumn::Description),
            ("expiresAt", SortColumn::ExpiresAt),
            ("lastUsedAt", SortColumn::LastUsedAt),
            ("createdAt", SortColumn::CreatedAt),
        ],
        SortColumn::Name,
    )?;
    let search = params.search.as_deref();
    let (pagination, slice) = params.slice(repo::count(db, user, search).await?, sort);
    let keys = repo::find_page(db, user, search, slice).await?;
    Ok(ApiKeyListResponse {
        data: keys.iter().map(to_dto).collect(),
        pagination,
    })
}

/// Creates a key for `user`; the answer is the only place its token appears.
pub async fn create(
    db: &impl ConnectionTrait,
    user: Uuid,
    req: ApiKeyCreateRequest,
    max_lifetime: Duration,
    now: DateTime<Utc>,
) -> Result<ApiKeyResponse, AppError> {
    validated(rules::create_errors(&req))?;
    let expires_at = expiry(&req.expires_at, now, max_lifetime)?;
    let token = generate_token();
    let key = api_keys::ActiveModel {
        id: Set(Uuid::new_v4()),
        name: Set(req.name.trim().to_owned()),
        key: Set(hash_token(&token)),
        description: Set(req
            .description
            .map(|d| d.trim().to_owned())
            .filter(|d| !d.is_empty())),
        expires_at: Set(expires_at),
        last_used_at: Set(None),
        created_at: Set(now),
        user_id: Set(Some(user)),
        expiration_email_sent: Set(false),
    }
    .insert(db)
    .await?;
    Ok(ApiKeyResponse {
        api_key: to_dto(&key),
        token,
    })
}

/// Issues a new token and expiry for `user`'s expired key `id` (404 if not theirs, 400
/// `api_key_not_expired` while it still works).
pub async fn renew(
    db: &impl ConnectionTrait,
    user: Uuid,
    id: Uuid,
    req: ApiKeyRenewRequest,
    max_lifetime: Duration,
    now: DateTime<Utc>,
) -> Result<ApiKeyResponse, AppError> {
    validated(rules::renew_errors(&req))?;
    let expires_at = expiry(&req.expires_at, now, max_lifetime)?;
    let token = generate_token();
    if !repo::renew(db, user, id, hash_token(&token), expires_at, now).await? {
        return Err(match repo::find_owned(db, user, id).await? {
            None => AppError::NotFound("API key"),
            Some(_) => AppError::bad_request(
                ErrorCode::ApiKeyNotExpired,
                "API key has not expired yet; only expired keys can be renewed",
            ),
        });
    }
    let key = repo::find_owned(db, user, id)
        .await?
        .ok_or(AppError::NotFound("API key"))?;
    Ok(ApiKeyResponse {
        api_key: to_dto(&key),
        token,
    })
}

/// Revokes `user`'s key `id` (404 for anyone else's).
pub async fn delete(db: &impl ConnectionTrait, user: Uuid, id: Uuid) -> Result<(), AppError> {
    if repo::delete_owned(db, user, id).await? {
        Ok(())
    } else {
        Err(AppError::NotFound("API key"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_must_be_future_rfc3339_and_within_the_cap() {
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let year = Duration::days(365);
        let later = (now + chrono::Duration::days(1)).to_rfc3339();
        assert_eq!(
            expiry(&later, now, year).unwrap(),
            now + chrono::Duration::days(1)
        );
        for (raw, code) in [
            ("tomorrow", "invalid_format"),
            ("2020-01-01T00:00:00Z", "out_of_range"),
            ("2099-01-01T00:00:00Z", "out_of_range"),
        ] {
            match expiry(raw, now, year).unwrap_err() {
                AppError::Validation(f) => assert_eq!(f[0].code, code, "{raw}"),
                other => panic!("{other:?}"),
            }
        }
        assert!(
            expiry(&now.to_rfc3339(), now, year).is_err(),
            "now is not the future"
        );
    }
}
