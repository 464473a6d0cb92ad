//! Entity for the `oidc_clients_allowed_user_groups` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "oidc_clients_allowed_user_groups")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_group_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub oidc_client_id: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::user_groups::Entity",
        from = "Column::UserGroupId",
        to = "super::user_groups::Column::Id",
        on_delete = "Cascade"
    )]
    UserGroup,
    #[sea_orm(
        belongs_to = "super::oidc_clients::Entity",
        from = "Column::OidcClientId",
        to = "super::oidc_clients::Column::Id",
        on_delete = "Cascade"
    )]
    OidcClient,
}

impl Related<super::user_groups::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::UserGroup.def()
    }
}

impl Related<super::oidc_clients::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::OidcClient.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
