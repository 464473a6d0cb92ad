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

belongs_to!(ApiPermission => api_permissions via ApiPermissionId);
