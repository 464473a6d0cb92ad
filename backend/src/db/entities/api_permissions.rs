//! Entity for the `api_permissions` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_permissions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub created_at: DateTimeUtc,
    pub api_id: Uuid,
    pub key: String,
    pub name: String,
    pub description: Option<String>,
    pub allowed_for_cimd_clients: bool,
}

belongs_to!(Api => apis via ApiId);
