//! Entity for the `storage` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "storage")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub path: String,
    pub data: Vec<u8>,
    pub size: i64,
    pub mod_time: DateTimeUtc,
    pub created_at: DateTimeUtc,
}

no_relations!();
