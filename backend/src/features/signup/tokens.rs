//! Signup tokens: 16 random letters and digits, shown once; only a SHA-256 and the first four
//! characters are kept. A token expires after its TTL (default 1 hour, at most 31 days) and
//! creates at most `usageLimit` accounts.

use super::repo::{self, SortColumn};
use crate::crypto::{hash_token, random_from};
use crate::db::entities::{signup_tokens, signup_tokens_user_groups, user_groups};
use crate::error::AppError;
use crate::list::ListParams;
use chrono::{DateTime, Duration, Utc};
use pocket_shared::FieldError;
use pocket_shared::signup::{
    SignupTokenCreateRequest, SignupTokenDto, SignupTokenListResponse, rules,
};
use pocket_shared::user::UserGroupSummaryDto;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, EntityTrait, Set, TransactionSession, TransactionTrait,
};
use uuid::Uuid;

/// Lifetime of a token when the request names none.
pub const DEFAULT_TTL: Duration = Duration::hours(1);

const ALPHANUMERIC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// A new token value (about 95 bits).
pub fn generate() -> String {
    random_from(ALPHANUMERIC, rules::TOKEN_LEN)
}

/// The clear-text part of a token kept for lists.
pub fn prefix(token: &str) -> String {
    token.chars().take(rules::PREFIX_LEN).collect()
}

fn to_dto(t: &signup_tokens::Model, groups: &[user_groups::Model]) -> SignupTokenDto {
    SignupTokenDto {
        id: t.id.to_string(),
        token: None,
        token_prefix: t.token_prefix.clone(),
        expires_at: t.expires_at.to_rfc3339(),
        usage_limit: t.usage_limit,
        usage_count: t.usage_count,
        user_groups: groups
            .iter()
            .map(|g| UserGroupSummaryDto {
                id: g.id.to_string(),
                friendly_name: g.friendly_name.clone(),
                name: g.name.clone(),
            })
            .collect(),
        created_at: t.created_at.to_rfc3339(),
    }
}

/// The TTL of a request: absent means [`DEFAULT_TTL`]; otherwise as login codes accept it
/// (seconds or a Go duration string, more than 1 s, at most 31 days).
fn ttl(raw: Option<&serde_json::Value>) -> Result<Duration, AppError> {
    match raw {
        None | Some(serde_json::Value::Null) => Ok(DEFAULT_TTL),
        Some(v) => crate::features::one_time_access::service::parse_ttl(Some(v)),
    }
}

/// Validates the request: field errors for the usage limit and for group ids that are not
/// UUIDs or name no group.
async fn validated_groups(
    db: &impl ConnectionTrait,
    req: &SignupTokenCreateRequest,
) -> Result<Vec<Uuid>, AppError> {
    let mut errors: Vec<FieldError> = Vec::new();
    if let Err(e) = rules::usage_limit(req.usage_limit) {
        errors.push(e);
    }
    let mut ids = Vec::new();
    for (i, raw) in req.user_group_ids.iter().enumerate() {
        match Uuid::parse_str(raw.trim()) {
            Ok(id) if !ids.contains(&id) => ids.push(id),
            Ok(_) => {}
            Err(_) => errors.push(FieldError {
                field: format!("userGroupIds[{i}]"),
                code: "invalid_format".into(),
                message: "must be a UUID".into(),
            }),
        }
    }
    let existing = repo::existing_groups(db, ids.clone()).await?;
    for (i, raw) in req.user_group_ids.iter().enumerate() {
        if let Ok(id) = Uuid::parse_str(raw.trim())
            && !existing.contains(&id)
        {
            errors.push(FieldError {
                field: format!("userGroupIds[{i}]"),
                code: "not_found".into(),
                message: "is not an existing user group".into(),
            });
        }
    }
    if errors.is_empty() {
        Ok(ids)
    } else {
        Err(AppError::Validation(errors))
    }
}

/// Creates a token; the answer is the only one carrying its value.
pub async fn create<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    req: SignupTokenCreateRequest,
    now: DateTime<Utc>,
) -> Result<SignupTokenDto, AppError> {
    let lifetime = ttl(req.ttl.as_ref());
    let groups = validated_groups(db, &req).await;
    let (lifetime, group_ids) = match (lifetime, groups) {
        (Ok(l), Ok(g)) => (l, g),
        // Report every bad field at once.
        (Err(AppError::Validation(mut a)), Err(AppError::Validation(b))) => {
            a.extend(b);
            return Err(AppError::Validation(a));
        }
        (Err(e), _) | (_, Err(e)) => return Err(e),
    };
    let token = generate();
    let tx = db.begin().await?;
    // Expired tokens can never be used again; there is no cleanup job for them.
    repo::delete_expired(&tx, now).await?;
    let row = signup_tokens::ActiveModel {
        id: Set(Uuid::new_v4()),
        created_at: Set(now),
        token_hash: Set(hash_token(&token)),
        token_prefix: Set(prefix(&token)),
        expires_at: Set(now + lifetime),
        usage_limit: Set(req.usage_limit),
        usage_count: Set(0),
    }
    .insert(&tx)
    .await?;
    if !group_ids.is_empty() {
        signup_tokens_user_groups::Entity::insert_many(group_ids.iter().map(|g| {
            signup_tokens_user_groups::ActiveModel {
                signup_token_id: Set(row.id),
                user_group_id: Set(*g),
            }
        }))
        .exec(&tx)
        .await?;
    }
    let groups = repo::find_groups(&tx, vec![row.id]).await?;
    tx.commit().await?;
    let mut dto = to_dto(&row, groups.get(&row.id).map_or(&[], Vec::as_slice));
    dto.token = Some(token);
    Ok(dto)
}

/// One page of the live tokens, sortable by createdAt (default), expiresAt, usageLimit and
/// usageCount.
pub async fn list(
    db: &impl ConnectionTrait,
    params: &ListParams,
    now: DateTime<Utc>,
) -> Result<SignupTokenListResponse, AppError> {
    let sort = params.sort(
        &[
            ("createdAt", SortColumn::CreatedAt),
            ("expiresAt", SortColumn::ExpiresAt),
            ("usageLimit", SortColumn::UsageLimit),
            ("usageCount", SortColumn::UsageCount),
        ],
        SortColumn::CreatedAt,
    )?;
    let (pagination, slice) = params.slice(repo::count_live(db, now).await?, sort);
    let tokens = repo::find_page(db, now, slice).await?;
    let groups = repo::find_groups(db, tokens.iter().map(|t| t.id).collect()).await?;
    Ok(SignupTokenListResponse {
        data: tokens
            .iter()
            .map(|t| to_dto(t, groups.get(&t.id).map_or(&[], Vec::as_slice)))
            .collect(),
        pagination,
    })
}

/// Deletes a token; deleting one that does not exist (any more) succeeds too.
pub async fn delete(db: &impl ConnectionTrait, id: Uuid) -> Result<(), AppError> {
    repo::delete(db, id).await.map_err(AppError::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_and_prefixes() {
        let t = generate();
        assert!(rules::looks_like_token(&t), "{t}");
        assert_eq!(prefix(&t), t[..4]);
        assert_ne!(t, generate());
    }

    #[test]
    fn ttl_defaults_to_an_hour_and_accepts_go_durations() {
        assert_eq!(ttl(None).unwrap(), DEFAULT_TTL);
        assert_eq!(
            ttl(Some(&serde_json::json!("72h"))).unwrap(),
            Duration::hours(72)
        );
        assert_eq!(
            ttl(Some(&serde_json::json!(120))).unwrap(),
            Duration::minutes(2)
        );
        assert!(ttl(Some(&serde_json::json!("32d"))).is_err());
        assert!(ttl(Some(&serde_json::json!(0))).is_err());
    }
}
