//! The one migration set, applied at startup on SQLite and PostgreSQL alike.

mod m20261122_000001_initial_schema;
mod m20261122_000002_passkey_sessions;
mod m20261201_000001_signup_tokens;
pub mod m20261202_000001_user_search;
pub mod schema;
pub mod tables;

use sea_orm_migration::{MigrationTrait, MigratorTrait};

/// All migrations in order. Add new ones at the end; never edit an applied one.
pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_initial_schema::Migration),
            Box::new(m20261122_000002_passkey_sessions::Migration),
            Box::new(m20261201_000001_signup_tokens::Migration),
            Box::new(m20261202_000001_user_search::Migration),
        ]
    }
}
