//! Entity for the `oauth2_sessions` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "oauth2_sessions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub created_at: DateTimeUtc,
    pub kind: String,
    pub key: String,
    pub request_id: String,
    pub client_id: String,
    pub access_token_signature: String,
    pub active: bool,
    pub request_data: Json,
    pub expires_at: Option<DateTimeUtc>,
}

no_relations!();
