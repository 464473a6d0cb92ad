//! Entity for the `scim_service_providers` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "scim_service_providers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub created_at: DateTimeUtc,
    pub endpoint: String,
    pub token: String,
    pub last_synced_at: Option<DateTimeUtc>,
    pub oidc_client_id: String,
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
}

impl Related<super::oidc_clients::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::OidcClient.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
