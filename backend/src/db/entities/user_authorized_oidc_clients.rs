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

belongs_to!(OidcClient => oidc_clients via ClientId);
