//! Passkey sign-in state: the serialized WebAuthn ceremony of each challenge session and the
//! verified passkey of each credential, login codes and rate-limit buckets.

use super::schema::{Ty, add_column, def, opt};
use super::tables::{ONE_TIME_ACCESS_TOKENS, RATE_LIMITS};
use sea_orm::ConnectionTrait;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let backend = manager.get_database_backend();
        let statements = [
            // Which ceremony, whose (registration only) and its server-side state (webauthn-rs).
            add_column(
                "webauthn_sessions",
                &def("kind", Ty::Text, "'authentication'"),
                backend,
            ),
            add_column("webauthn_sessions", &opt("user_id", Ty::Uuid), backend),
            add_column(
                "webauthn_sessions",
                &def("state", Ty::Json, "'{}'"),
                backend,
            ),
            // The full verified credential (COSE key, sign counter, flags) as webauthn-rs keeps it;
            // `public_key` keeps the bare COSE key as Pocket ID does.
            add_column("webauthn_credentials", &opt("passkey", Ty::Json), backend),
            add_column(
                "webauthn_credentials",
                &opt("last_used_at", Ty::Timestamp),
                backend,
            ),
        ];
        for stmt in statements {
            db.execute_unprepared(&stmt).await?;
        }
        for table in [ONE_TIME_ACCESS_TOKENS, RATE_LIMITS] {
            for stmt in table.ddl(backend) {
                db.execute_unprepared(&stmt).await?;
            }
        }
        Ok(())
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
