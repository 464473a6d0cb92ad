//! Entity for the `webauthn_credentials` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webauthn_credentials")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub created_at: DateTimeUtc,
    pub name: String,
    pub credential_id: Vec<u8>,
    pub public_key: Vec<u8>,
    pub attestation_type: String,
    pub transport: Json,
    pub user_id: Option<Uuid>,
    pub backup_eligible: bool,
    pub backup_state: bool,
    /// The verified credential as webauthn-rs keeps it (COSE key, counter, flags).
    pub passkey: Option<Json>,
    pub last_used_at: Option<DateTimeUtc>,
}

no_relations!();
