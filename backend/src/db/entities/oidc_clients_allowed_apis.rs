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

no_relations!();
