//! Entity for the `one_time_access_tokens` table (login codes, stored as SHA-256).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "one_time_access_tokens")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub created_at: DateTimeUtc,
    pub token_hash: String,
    pub user_id: Uuid,
    pub expires_at: DateTimeUtc,
    pub device_token_hash: Option<String>,
}

no_relations!();
