//! Queries on `webauthn_credentials` (the stored passkeys).

use crate::db::entities::webauthn_credentials as creds;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set,
};
use uuid::Uuid;

/// The user's passkeys, oldest first.
pub async fn list(db: &impl ConnectionTrait, user: Uuid) -> Result<Vec<creds::Model>, DbErr> {
    creds::Entity::find()
        .filter(creds::Column::UserId.eq(user))
        .order_by_asc(creds::Column::CreatedAt)
        .all(db)
        .await
}

/// The passkey `id` if it belongs to `user`.
pub async fn find_owned(
    db: &impl ConnectionTrait,
    user: Uuid,
    id: Uuid,
) -> Result<Option<creds::Model>, DbErr> {
    creds::Entity::find_by_id(id)
        .filter(creds::Column::UserId.eq(user))
        .one(db)
        .await
}

/// The passkey with this WebAuthn credential id (the authenticator's, not our row id).
pub async fn find_by_credential_id(
    db: &impl ConnectionTrait,
    credential_id: &[u8],
) -> Result<Option<creds::Model>, DbErr> {
    creds::Entity::find()
        .filter(creds::Column::CredentialId.eq(credential_id.to_vec()))
        .one(db)
        .await
}

/// Gives the passkey a new name.
pub async fn rename(
    db: &impl ConnectionTrait,
    cred: creds::Model,
    name: String,
) -> Result<creds::Model, DbErr> {
    let mut active: creds::ActiveModel = cred.into();
    active.name = Set(name);
    active.update(db).await
}

/// Deletes the passkey row; the number of rows deleted (0 when it was already gone).
pub async fn delete(db: &impl ConnectionTrait, id: Uuid) -> Result<u64, DbErr> {
    Ok(creds::Entity::delete_by_id(id)
        .exec(db)
        .await?
        .rows_affected)
}
