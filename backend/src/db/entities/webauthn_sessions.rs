//! Entity for the `webauthn_sessions` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webauthn_sessions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub created_at: DateTimeUtc,
    pub challenge: String,
    pub expires_at: DateTimeUtc,
    pub user_verification: String,
    pub credential_params: Json,
    /// `registration` or `authentication`.
    pub kind: String,
    /// The user registering a passkey (registration ceremonies only).
    pub user_id: Option<Uuid>,
    /// The webauthn-rs ceremony state.
    pub state: Json,
}

no_relations!();
