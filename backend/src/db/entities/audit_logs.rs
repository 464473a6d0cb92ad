//! Entity for the `audit_logs` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_logs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub created_at: DateTimeUtc,
    pub event: String,
    pub ip_address: Option<String>,
    pub user_agent: Option<String>,
    pub data: Json,
    pub user_id: Option<Uuid>,
    pub country: Option<String>,
    pub city: Option<String>,
}

belongs_to!(User => users via UserId);
