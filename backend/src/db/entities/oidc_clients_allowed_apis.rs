//! Entity for the `oidc_clients_allowed_apis` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "oidc_clients_allowed_apis")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub oidc_client_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub api_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub subject_type: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::oidc_clients::Entity",
        from = "Column::OidcClientId",
        to = "super::oidc_clients::Column::Id",
        on_delete = "Cascade"
    )]
    OidcClient,
    #[sea_orm(
        belongs_to = "super::apis::Entity",
        from = "Column::ApiId",
        to = "super::apis::Column::Id",
        on_delete = "Cascade"
    )]
    Api,
}

impl Related<super::oidc_clients::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::OidcClient.def()
    }
}

impl Related<super::apis::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Api.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
