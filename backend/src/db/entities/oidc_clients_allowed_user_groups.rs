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

no_relations!();
