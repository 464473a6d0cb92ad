//! Entity for the `apis` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "apis")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub created_at: DateTimeUtc,
    pub updated_at: Option<DateTimeUtc>,
    pub name: String,
    pub audience: String,
    pub allow_cimd_clients: bool,
}

no_relations!();
