//! Seen client-assertion ids (`oauth2_jtis`): a federated client's assertion is accepted once
//! (RFC 7523 3, item 7); rows are kept until the assertion expires.

use crate::db::entities::oauth2_jtis;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, Set, TryInsertResult};

/// Records the assertion id `key` until `expires_at`; false when it had been seen before (the
/// unique index decides, so concurrent instances agree).
pub async fn insert_once(
    db: &impl ConnectionTrait,
    key: &str,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let inserted = oauth2_jtis::Entity::insert(oauth2_jtis::ActiveModel {
        id: Set(uuid::Uuid::new_v4()),
        created_at: Set(now),
        jti: Set(key.to_owned()),
        expires_at: Set(expires_at),
    })
    .on_conflict_do_nothing_on([oauth2_jtis::Column::Jti])
    .exec(db)
    .await?;
    Ok(matches!(inserted, TryInsertResult::Inserted(_)))
}
