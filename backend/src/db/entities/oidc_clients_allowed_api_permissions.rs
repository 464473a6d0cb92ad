//! Entity for the `oidc_clients_allowed_api_permissions` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "oidc_clients_allowed_api_permissions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub oidc_client_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub api_permission_id: Uuid,
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
        belongs_to = "super::api_permissions::Entity",
        from = "Column::ApiPermissionId",
        to = "super::api_permissions::Column::Id",
        on_delete = "Cascade"
    )]
    ApiPermission,
}

impl Related<super::oidc_clients::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::OidcClient.def()
    }
}

impl Related<super::api_permissions::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ApiPermission.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
