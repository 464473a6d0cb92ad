//! Creates the whole Pocket ID 2.14 data model (reference section 5).

use super::schema::create_tables;
use super::tables::TABLES;
use sea_orm::{ConnectionTrait, DbBackend};

// All tables in one transaction on both engines: a failure leaves no half-made schema.
migration!(|db, backend| {
    if backend == DbBackend::Postgres {
        // Case-insensitive usernames (users.username citext).
        db.execute_unprepared("CREATE EXTENSION IF NOT EXISTS citext")
            .await?;
    }
    create_tables(db, backend, TABLES).await
});
