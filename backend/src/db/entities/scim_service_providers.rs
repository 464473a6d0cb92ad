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

no_relations!();
