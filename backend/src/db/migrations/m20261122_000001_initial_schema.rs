//! Creates the whole Pocket ID 2.14 data model (reference section 5).

use super::tables::TABLES;
use sea_orm::{ConnectionTrait, DbBackend};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let backend = manager.get_database_backend();
        if backend == DbBackend::Postgres {
            // Case-insensitive usernames (users.username citext).
            db.execute_unprepared("CREATE EXTENSION IF NOT EXISTS citext")
                .await?;
        }
        for table in TABLES {
            for stmt in table.ddl(backend) {
                db.execute_unprepared(&stmt).await?;
            }
        }
        Ok(())
    }

    // All tables in one transaction on both engines: a failure leaves no half-made schema.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
