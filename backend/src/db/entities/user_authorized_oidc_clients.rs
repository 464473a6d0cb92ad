//! Entity for the `user_authorized_oidc_clients` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "user_authorized_oidc_clients")]
pub struct Model {
    pub scope: Json,
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub client_id: String,
    pub last_used_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::users::Entity",
        from = "Column::UserId",
        to = "super::users::Column::Id",
        on_delete = "Cascade"
    )]
    User,
    #[sea_orm(
        belongs_to = "super::oidc_clients::Entity",
        from = "Column::ClientId",
        to = "super::oidc_clients::Column::Id",
        on_delete = "Cascade"
    )]
    OidcClient,
}

impl Related<super::users::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl Related<super::oidc_clients::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::OidcClient.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
