//! Rules for custom claims: a list replaces all of an owner's claims, after the shared rules
//! (reserved names, duplicates, empty values) accept it.

use super::repo::{self, Owner};
use crate::db::entities::{custom_claims, user_groups, users};
use crate::error::AppError;
use chrono::{DateTime, Utc};
use pocket_shared::custom_claim::{CustomClaimDto, rules};
use sea_orm::{ConnectionTrait, EntityTrait, TransactionSession, TransactionTrait};

/// The API view of stored claims.
pub fn to_dtos(claims: Vec<custom_claims::Model>) -> Vec<CustomClaimDto> {
    claims
        .into_iter()
        .map(|c| CustomClaimDto {
            key: c.key,
            value: c.value,
        })
        .collect()
}

/// Normalizes and checks a claim list (field errors name `claims[i].key` / `.value`).
pub fn validated(claims: Vec<CustomClaimDto>) -> Result<Vec<CustomClaimDto>, AppError> {
    let claims = rules::normalized(claims);
    let errors = rules::claims_errors(&claims);
    if errors.is_empty() {
        Ok(claims)
    } else {
        Err(AppError::Validation(errors))
    }
}

/// Replaces all claims of `owner` (404 when the user or group does not exist); the new claims,
/// by key. A group's `updated_at` is touched.
pub async fn replace<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    owner: Owner,
    claims: Vec<CustomClaimDto>,
    now: DateTime<Utc>,
) -> Result<Vec<CustomClaimDto>, AppError> {
    let claims = validated(claims)?;
    let txn = db.begin().await?;
    match owner {
        Owner::User(id) => {
            users::Entity::find_by_id(id)
                .one(&txn)
                .await?
                .ok_or(AppError::NotFound("User"))?;
        }
        Owner::Group(id) => {
            user_groups::Entity::find_by_id(id)
                .one(&txn)
                .await?
                .ok_or(AppError::NotFound("User group"))?;
            crate::features::user_groups::repo::touch(&txn, id, now).await?;
        }
    }
    repo::replace(&txn, owner, &claims, now).await?;
    let stored = repo::find(&txn, owner).await?;
    txn.commit().await?;
    Ok(to_dtos(stored))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shared_reserved_list_is_the_one_tokens_enforce() {
        assert_eq!(
            pocket_shared::custom_claim::RESERVED_KEYS,
            crate::features::oidc::tokens::claims::RESERVED
        );
    }

    #[test]
    fn validation_names_the_entry() {
        let e = validated(vec![CustomClaimDto {
            key: "iss".into(),
            value: "x".into(),
        }])
        .unwrap_err();
        match e {
            AppError::Validation(f) => assert_eq!(f[0].field, "claims[0].key"),
            other => panic!("{other:?}"),
        }
    }
}
