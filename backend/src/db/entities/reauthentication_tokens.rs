//! Entity for the `reauthentication_tokens` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reauthentication_tokens")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub created_at: DateTimeUtc,
    pub token: String,
    pub expires_at: DateTimeUtc,
    pub user_id: Uuid,
}

no_relations!();
