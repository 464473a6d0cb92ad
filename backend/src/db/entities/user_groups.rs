//! Entity for the `user_groups` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "user_groups")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub created_at: DateTimeUtc,
    pub friendly_name: String,
    pub name: String,
    pub ldap_id: Option<String>,
    pub updated_at: Option<DateTimeUtc>,
}

no_relations!();
