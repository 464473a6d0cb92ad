//! Entity for the `interaction_sessions` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "interaction_sessions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub created_at: DateTimeUtc,
    pub consent_required: bool,
    pub reauthentication_required: bool,
    pub authentication_required: bool,
    pub account_selection_required: bool,
    pub scopes: Json,
    pub client_id: String,
    pub user_id: Option<Uuid>,
    pub requested_at: DateTimeUtc,
    pub reauthenticated_at: Option<DateTimeUtc>,
    pub parameters: Json,
}

no_relations!();
