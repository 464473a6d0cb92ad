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

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::apis::Entity",
        from = "Column::ApiId",
        to = "super::apis::Column::Id",
        on_delete = "Cascade"
    )]
    Api,
}

impl Related<super::apis::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Api.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
