//! Entity for the `custom_claims` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "custom_claims")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub created_at: DateTimeUtc,
    pub key: String,
    pub value: String,
    pub user_id: Option<Uuid>,
    pub user_group_id: Option<Uuid>,
}

no_relations!();
