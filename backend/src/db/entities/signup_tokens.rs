//! Entity for the `signup_tokens` table (tokens stored as SHA-256).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "signup_tokens")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub created_at: DateTimeUtc,
    pub token_hash: String,
    pub token_prefix: String,
    pub expires_at: DateTimeUtc,
    pub usage_limit: i64,
    pub usage_count: i64,
}

no_relations!();
